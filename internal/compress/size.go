package compress

import (
	"encoding/binary"
	"io"
)

// Size is what a compressed file says of its decoded size (DecodedSize).
type Size struct {
	// N is the decoded size in bytes, or an estimate of it.
	N int64
	// Stated is true when N is what the file's own headers say: a gzip
	// file's last member's ISIZE, or the sum of a zstd file's frame
	// content sizes. A gzip file of several members states only its
	// last member's size, and ISIZE is the size modulo 4 GiB: a caller
	// decoding the file can check N against what it decodes (see
	// GzipWrap).
	Stated bool
}

// zstdWalkBudget bounds the reads DecodedSize makes to walk a zstd file's
// blocks (one per block of up to 128 KiB), so that it stays quick on any
// file; beyond it, the size is estimated from the frames walked.
const zstdWalkBudget = 1 << 14

// DecodedSize says how large the decoded content of the compressed file r,
// size bytes long, is, from its headers and trailer alone: for gzip, the
// ISIZE field of its last 4 bytes; for zstd, the Frame_Content_Size of
// each frame, found by walking the frames (skippable ones skipped) and
// their block headers. ok is false when r is not gzip or zstd, or a zstd
// frame does not state its size before any frame did (then nothing is
// known); when the walk stops early (budget, or a frame without a size),
// N is the stated sizes scaled to the whole file, with Stated false.
func DecodedSize(r io.ReaderAt, size int64) (s Size, ok bool) {
	head := make([]byte, HeadLen)
	if _, err := r.ReadAt(head, 0); err != nil {
		return Size{}, false
	}
	switch Detect(head) {
	case Gzip:
		if size < 18 {
			return Size{}, false
		}
		var tail [4]byte
		if _, err := r.ReadAt(tail[:], size-4); err != nil {
			return Size{}, false
		}
		return Size{N: GzipWrap(int64(binary.LittleEndian.Uint32(tail[:])), size), Stated: true}, true
	case Zstd:
		return zstdSize(r, size)
	}
	return Size{}, false
}

// GzipWrap returns the decoded size that a gzip ISIZE (the size modulo
// 2^32) most likely stands for, given near, a size it is near: the
// compressed size before anything is decoded (decoded data is rarely much
// smaller than its compressed form), or an extrapolation from what was
// decoded so far.
func GzipWrap(isize, near int64) int64 {
	const wrap = 1 << 32
	n := isize
	for n+wrap/2 < near {
		n += wrap
	}
	return n
}

// zstdSize walks the frames of a zstd file.
func zstdSize(r io.ReaderAt, size int64) (Size, bool) {
	var (
		pos, total int64
		reads      int
		buf        [18]byte
	)
	partial := func() (Size, bool) {
		if total == 0 || pos <= 0 {
			return Size{}, false
		}
		return Size{N: int64(float64(total) * float64(size) / float64(pos))}, true
	}
	for pos < size {
		if reads++; reads > zstdWalkBudget {
			return partial()
		}
		n, _ := r.ReadAt(buf[:], pos)
		if n < 4 {
			return partial()
		}
		magic := binary.LittleEndian.Uint32(buf[:4])
		if magic&0xfffffff0 == 0x184d2a50 { // a skippable frame
			if n < 8 {
				return partial()
			}
			pos += 8 + int64(binary.LittleEndian.Uint32(buf[4:8]))
			continue
		}
		if magic != 0xfd2fb528 || n < 6 {
			return partial()
		}
		fhd := buf[4]
		single := fhd&0x20 != 0
		checksum := fhd&0x04 != 0
		hdr := 5
		if !single {
			hdr++ // window descriptor
		}
		hdr += [4]int{0, 1, 2, 4}[fhd&3] // dictionary id
		fcsLen := [4]int{0, 2, 4, 8}[fhd>>6]
		if fhd>>6 == 0 && single {
			fcsLen = 1
		}
		if fcsLen == 0 || n < hdr+fcsLen {
			return partial() // the frame does not say its size
		}
		var fcs uint64
		switch f := buf[hdr : hdr+fcsLen]; fcsLen {
		case 1:
			fcs = uint64(f[0])
		case 2:
			fcs = uint64(binary.LittleEndian.Uint16(f)) + 256
		case 4:
			fcs = uint64(binary.LittleEndian.Uint32(f))
		case 8:
			fcs = binary.LittleEndian.Uint64(f)
		}
		frameStart := pos
		pos += int64(hdr + fcsLen)
		for { // the blocks
			if reads++; reads > zstdWalkBudget {
				pos = frameStart
				return partial()
			}
			var bh [3]byte
			if _, err := r.ReadAt(bh[:], pos); err != nil {
				pos = frameStart
				return partial()
			}
			h := uint32(bh[0]) | uint32(bh[1])<<8 | uint32(bh[2])<<16
			last, typ, bsize := h&1 != 0, (h>>1)&3, int64(h>>3)
			pos += 3
			switch typ {
			case 1: // RLE: one byte stands for bsize
				pos++
			case 3:
				pos = frameStart
				return partial()
			default:
				pos += bsize
			}
			if last {
				break
			}
		}
		if checksum {
			pos += 4
		}
		total += int64(fcs)
	}
	return Size{N: total, Stated: true}, true
}
