// Package input opens errtag's sources: files and standard input, decoded
// from gzip (multi-member too) or zstd when their first bytes say so.
package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression is an input or output compression.
type Compression int

// The compressions errtag reads and writes.
const (
	None Compression = iota
	Gzip
	Zstd
)

func (c Compression) String() string {
	switch c {
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	}
	return "none"
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// Detect reports the compression that data (the first bytes of a stream)
// announces.
func Detect(head []byte) Compression {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return Gzip
	case bytes.HasPrefix(head, zstdMagic):
		return Zstd
	}
	return None
}

// Source is an opened input: its decoded bytes, and what it was.
type Source struct {
	io.Reader
	Name        string // as the user gave it; "-" for standard input
	Compression Compression
	// Regular is true for a regular file: reading it never waits for
	// data to arrive.
	Regular bool
	raw     *countingReader
	closers []func() error
}

// RawOffset is how many bytes of the underlying (compressed) input have been
// consumed so far.
func (s *Source) RawOffset() int64 { return s.raw.n }

// Close releases the source.
func (s *Source) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	return errors.Join(errs...)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Open opens name ("-" for stdin) and wraps it in the decoder its first
// bytes call for.
func Open(name string, stdin io.Reader) (*Source, error) {
	var r io.Reader
	s := &Source{Name: name}
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err == nil {
			if fi.IsDir() {
				f.Close()
				return nil, fmt.Errorf("%s: is a directory", name)
			}
			s.Regular = fi.Mode().IsRegular()
		}
		r = f
		s.closers = append(s.closers, f.Close)
	}
	return wrap(s, r)
}

// Wrap detects the compression of r and returns it as a Source.
func Wrap(name string, r io.Reader) (*Source, error) {
	return wrap(&Source{Name: name}, r)
}

func wrap(s *Source, r io.Reader) (*Source, error) {
	s.raw = &countingReader{r: r}
	br := bufio.NewReaderSize(s.raw, 64<<10)
	head, err := peekMagic(br)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		s.Close()
		return nil, err
	}
	s.Compression = Detect(head)
	switch s.Compression {
	case Gzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		s.Reader = zr
		s.closers = append(s.closers, zr.Close)
	case Zstd:
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(2), zstd.WithDecoderMaxWindow(1<<30))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("zstd: %w", err)
		}
		s.Reader = zr
		s.closers = append(s.closers, func() error { zr.Close(); return nil })
	default:
		s.Reader = br
	}
	return s, nil
}

// peekMagic returns the first bytes of br: as many as it takes to tell
// whether they start a gzip or zstd stream, and no more, so that a short
// first line of text on a pipe is not held back waiting for bytes that
// could only matter to a compressed stream.
func peekMagic(br *bufio.Reader) ([]byte, error) {
	b, err := br.Peek(1)
	if err != nil {
		return b, err
	}
	switch b[0] {
	case gzipMagic[0]:
		return br.Peek(len(gzipMagic))
	case zstdMagic[0]:
		return br.Peek(len(zstdMagic))
	}
	return b, nil
}
