package compress

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/flate"
)

// gzipReader decodes a gzip stream (RFC 1952): every member, one after
// another. Unlike the libraries' readers it reads a member's header
// fields without a bound, as gzip(1) does: a FNAME or FCOMMENT of any
// length, a FEXTRA of up to 64 KiB, streamed, never held. Its errors say
// what is wrong in a user's words (see the errors below); a stream that
// ends inside a member, header included, fails with io.ErrUnexpectedEOF.
type gzipReader struct {
	r       flate.Reader // reads exactly the bytes the member holds
	z       io.ReadCloser
	crc     uint32 // of the member's data so far
	size    uint32 // of the member's data so far, modulo 2^32
	members int    // members whose header was read
	inBody  bool   // a member's data is being decoded
	err     error  // sticky
	// zeros is how many zero bytes followed the last member (padding,
	// as tar and preallocation leave), ignored as gzip(1) ignores them.
	zeros int64
}

// The errors of a gzip stream.
var (
	errGzipHeader    = errors.New("a member's header is damaged")
	errGzipHeaderCRC = errors.New("a member's header does not match its checksum")
	errGzipChecksum  = errors.New("a member's checksum does not match the data decoded from it: some of that data is damaged (it may be anywhere in the member)")
	errGzipLength    = errors.New("a member's length does not match the data decoded from it: some of that data is damaged")
	errGzipTrailing  = errors.New("after the end of the gzip data comes data that is not gzip")
)

func newGzipReader(r io.Reader) *gzipReader {
	fr, ok := r.(flate.Reader)
	if !ok {
		fr = bufio.NewReader(r)
	}
	return &gzipReader{r: fr}
}

func (g *gzipReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	for {
		if !g.inBody {
			if err := g.header(); err != nil {
				g.err = err
				return 0, err
			}
			g.inBody = true
		}
		n, err := g.z.Read(p)
		g.crc = crc32.Update(g.crc, crc32.IEEETable, p[:n])
		g.size += uint32(n)
		switch {
		case err == io.EOF:
			if terr := g.trailer(); terr != nil {
				g.err = terr
				return n, terr
			}
			g.inBody = false
		case err != nil:
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			g.err = err
			return n, err
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
	}
}

// header reads a member's header, or returns io.EOF at the end of the
// stream (after a member).
func (g *gzipReader) header() error {
	h := headerReader{r: g.r}
	b, err := g.r.ReadByte()
	if err == io.EOF && g.members > 0 {
		return io.EOF
	}
	if err == nil && b == 0 && g.members > 0 {
		return g.skipZeros()
	}
	if err != nil {
		return unexpected(err)
	}
	h.crc = crc32.Update(0, crc32.IEEETable, []byte{b})
	fixed, err := h.read(gzipFixed - 1)
	switch {
	case err != nil && b == 0x1f && g.members > 0 && len(fixed) == 0:
		return io.ErrUnexpectedEOF
	case b != 0x1f || len(fixed) > 0 && fixed[0] != 0x8b:
		if g.members > 0 {
			return errGzipTrailing
		}
		return errGzipHeader
	case err != nil:
		return unexpected(err)
	case fixed[1] != 8 || fixed[2]&0xe0 != 0:
		if g.members > 0 {
			return errGzipTrailing
		}
		return errGzipHeader
	}
	flg := fixed[2]
	if flg&0x04 != 0 { // FEXTRA
		xlen, err := h.read(2)
		if err != nil {
			return unexpected(err)
		}
		if err := h.skip(int(binary.LittleEndian.Uint16(xlen))); err != nil {
			return unexpected(err)
		}
	}
	for _, f := range []byte{0x08, 0x10} { // FNAME, FCOMMENT
		if flg&f != 0 {
			if err := h.skipString(); err != nil {
				return unexpected(err)
			}
		}
	}
	if flg&0x02 != 0 { // FHCRC
		want := uint16(h.crc)
		b, err := h.read(2)
		if err != nil {
			return unexpected(err)
		}
		if binary.LittleEndian.Uint16(b) != want {
			return errGzipHeaderCRC
		}
	}
	g.members++
	g.crc, g.size = 0, 0
	if g.z == nil {
		g.z = flate.NewReader(g.r)
	} else if err := g.z.(flate.Resetter).Reset(g.r, nil); err != nil {
		return err
	}
	return nil
}

// skipZeros reads what follows the last member, which began with a zero
// byte: io.EOF if it is zeros to the end (padding, which gzip(1) ignores
// with a warning: see Note), errGzipTrailing if anything else comes.
func (g *gzipReader) skipZeros() error {
	g.zeros = 1
	for {
		b, err := g.r.ReadByte()
		switch {
		case err == io.EOF:
			return io.EOF
		case err != nil:
			return err
		case b != 0:
			g.zeros = 0
			return errGzipTrailing
		}
		g.zeros++
	}
}

// Note says what the stream held that was got past, nil if nothing:
// zero bytes after the last member.
func (g *gzipReader) Note() error {
	if g.zeros == 0 {
		return nil
	}
	return fmt.Errorf("%d zero bytes after the end of the gzip data (padding) were ignored, as gzip does", g.zeros)
}

// trailer reads and checks a member's trailer: the CRC-32 and length of
// its data.
func (g *gzipReader) trailer() error {
	var b [8]byte
	if _, err := io.ReadFull(g.r, b[:]); err != nil {
		return unexpected(err)
	}
	switch {
	case binary.LittleEndian.Uint32(b[:4]) != g.crc:
		return errGzipChecksum
	case binary.LittleEndian.Uint32(b[4:]) != g.size:
		return errGzipLength
	}
	return nil
}

// Close releases the decompressor.
func (g *gzipReader) Close() error {
	if g.z != nil {
		return g.z.Close()
	}
	return nil
}

// unexpected is err, with an end of the stream made an unexpected one: a
// member cannot end there.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// headerReader reads a gzip member's header, keeping its CRC-32 (for
// FHCRC) without holding more of it than a small buffer.
type headerReader struct {
	r   flate.Reader
	crc uint32
	buf [512]byte
}

// read reads the next n bytes (n <= len(buf)); on a failure, it returns
// what it read.
func (h *headerReader) read(n int) ([]byte, error) {
	b := h.buf[:n]
	got, err := io.ReadFull(h.r, b)
	h.crc = crc32.Update(h.crc, crc32.IEEETable, b[:got])
	return b[:got], err
}

// skip reads and drops n bytes.
func (h *headerReader) skip(n int) error {
	for n > 0 {
		b, err := h.read(min(n, len(h.buf)))
		if err != nil {
			return err
		}
		n -= len(b)
	}
	return nil
}

// skipString reads and drops a zero-terminated field, of any length.
func (h *headerReader) skipString() error {
	for {
		i := 0
		for ; i < len(h.buf); i++ {
			c, err := h.r.ReadByte()
			if err != nil {
				h.crc = crc32.Update(h.crc, crc32.IEEETable, h.buf[:i])
				return err
			}
			h.buf[i] = c
			if c == 0 {
				h.crc = crc32.Update(h.crc, crc32.IEEETable, h.buf[:i+1])
				return nil
			}
		}
		h.crc = crc32.Update(h.crc, crc32.IEEETable, h.buf[:i])
	}
}
