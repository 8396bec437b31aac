package compress

import (
	"bufio"
	"fmt"
)

// What a stream is.
//
// A stream is taken for gzip or zstd by its header alone, never by how
// much of it decodes: a real compressed file may carry any amount of
// metadata before its data (a gzip member's FEXTRA, FNAME and FCOMMENT
// fields, zstd skippable frames), and a file cut inside its header is a
// truncated archive, not text. Data is text when its first bytes are no
// magic number, or when they break a rule of the header they start, as
// early as the header can tell:
//
//   - gzip: the compression method is not deflate (8), or a reserved flag
//     bit is set, or, when no optional field comes first, the first deflate
//     block is of the reserved type, or stored with a length its check
//     (NLEN) contradicts;
//   - zstd frame: the frame header's reserved bit is set, or its first
//     block is of the reserved type or larger than a block can be;
//   - zstd skippable frame: its magic number and size have no rule to
//     break, so it is always zstd.
//
// Every rule is met or broken within the first 21 bytes, so telling never
// holds more than that, and on a pipe it waits only for as many bytes as
// the next rule needs: text that starts with no magic number is told by
// its first byte. What comes after the fixed fields (however long) is the
// decoder's: the skippable frames are skipped as they are read, and the
// gzip header's fields are read without bound (see NewReader).

// Judge tells what the stream br reads holds by peeking at its first bytes,
// consuming none. c is the compression to decode it with, or None for
// text; notIt, for text, says why a stream that starts with a magic number
// is not that format after all (nil for text without a magic number, and
// for compressed data). A stream that ends inside its header is that
// format (the decoder reports it as truncated). A read that fails before
// the header is told (a stop, an I/O error) leaves the stream taken for
// text, when its magic number is not complete, for the first read to
// report.
func Judge(br *bufio.Reader) (c Compression, notIt error) {
	for n := 1; ; n++ {
		head, err := br.Peek(n)
		c, notIt, more := judgeHead(head)
		if !more {
			return c, notIt
		}
		if err != nil {
			// The stream ended, or failed, inside the header: a
			// complete magic number says what it is.
			return Detect(head), nil
		}
	}
}

// Probe tells what head, the first bytes of a stream, holds, by the rules
// Judge applies. final says that head is all of the stream there is to
// see; when it is not, more is true if head is too short to tell and the
// caller should probe again with more. c is the compression head claims
// and keeps to; None with err saying why when head breaks its header's
// rules; None without err when head has no magic number.
func Probe(head []byte, final bool) (c Compression, more bool, err error) {
	c, err, more = judgeHead(head)
	switch {
	case !more:
		return c, false, err
	case !final:
		return None, true, nil
	}
	return Detect(head), false, nil
}

// judgeHead tells what a stream starting with head holds: more says head
// is too short to tell (it keeps to the rules of a header as far as it
// goes).
func judgeHead(head []byte) (c Compression, notIt error, more bool) {
	if len(head) < HeadLen && MayStart(head) {
		return None, nil, true
	}
	switch c := Detect(head); {
	case c == Gzip:
		return judgeGzip(head)
	case c == Zstd && head[0] == 0x28:
		return judgeZstdFrame(head)
	case c == Zstd:
		// A skippable frame: its magic number and its size.
		if len(head) < 8 {
			return None, nil, true
		}
		return Zstd, nil, false
	}
	return None, nil, false
}

// gzipFixed is the length of a gzip member's fixed header fields.
const gzipFixed = 10

// judgeGzip applies the gzip header's rules (RFC 1952, 2.3.1) to head,
// which starts with gzip's magic number.
func judgeGzip(head []byte) (Compression, error, bool) {
	if len(head) > 2 && head[2] != 8 {
		return None, fmt.Errorf("its compression method is %d, not 8 (deflate)", head[2]), false
	}
	if len(head) > 3 && head[3]&0xe0 != 0 {
		return None, fmt.Errorf("its header sets reserved flags (%#02x)", head[3]&0xe0), false
	}
	if len(head) < gzipFixed {
		return None, nil, true
	}
	if head[3] != 0 {
		return Gzip, nil, false // the deflate data starts past optional fields
	}
	// No optional fields: the deflate data starts here, with its first
	// block's header (RFC 1951, 3.2.3), which has rules of its own.
	if len(head) < gzipFixed+1 {
		return None, nil, true
	}
	switch (head[gzipFixed] >> 1) & 3 {
	case 3:
		return None, fmt.Errorf("its first deflate block is of a reserved type"), false
	case 0:
		// A stored block: LEN and NLEN, in the next bytes, are each
		// other's one's complement.
		if len(head) < gzipFixed+5 {
			return None, nil, true
		}
		n := uint16(head[gzipFixed+1]) | uint16(head[gzipFixed+2])<<8
		nn := uint16(head[gzipFixed+3]) | uint16(head[gzipFixed+4])<<8
		if n != ^nn {
			return None, fmt.Errorf("its first deflate block is stored, with a length its check contradicts"), false
		}
	}
	return Gzip, nil, false
}

// zstdMaxBlock is the most a zstd block can be (RFC 8878, 3.1.1.2:
// Block_Maximum_Size is never more).
const zstdMaxBlock = 128 << 10

// judgeZstdFrame applies a zstd frame header's rules, and those of its
// first block's header, to head, which starts with a zstd frame's magic
// number.
func judgeZstdFrame(head []byte) (Compression, error, bool) {
	if len(head) < 5 {
		return None, nil, true
	}
	fhd := head[4]
	if fhd&0x08 != 0 {
		return None, fmt.Errorf("its frame header sets a reserved bit"), false
	}
	single := fhd&0x20 != 0
	size := 5 // magic and Frame_Header_Descriptor
	if !single {
		size++ // Window_Descriptor
	}
	size += [4]int{0, 1, 2, 4}[fhd&3] // Dictionary_ID
	switch fcs := fhd >> 6; {
	case fcs == 0 && single:
		size++
	case fcs > 0:
		size += 1 << fcs // 2, 4 or 8 bytes
	}
	if len(head) < size+3 {
		return None, nil, true
	}
	bh := uint32(head[size]) | uint32(head[size+1])<<8 | uint32(head[size+2])<<16
	blockType, blockSize := (bh>>1)&3, bh>>3
	switch {
	case blockType == 3:
		return None, fmt.Errorf("its first block is of a reserved type"), false
	case blockSize > zstdMaxBlock:
		return None, fmt.Errorf("its first block says it is %d bytes, and a block is at most %d", blockSize, zstdMaxBlock), false
	}
	return Zstd, nil, false
}
