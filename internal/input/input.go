// Package input opens errtag's sources: files and standard input, decoded
// when they hold gzip or zstd data, passed through as text when they do
// not, and read so that stopping them loses no byte already taken from a
// pipe.
package input

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/errtag/errtag/internal/compress"
)

// headBuffer is how much of a source is read at once. What the source is
// is told from its first bytes (compress.Judge: at most a header's worth).
const headBuffer = 64 << 10

// Source is an opened input: its decoded bytes, and what it was.
//
// Its reads end with ctx.Err() once the context it was opened with is done:
// after every byte it has taken from its file or pipe (but for the part of a
// compressed stream that does not decode without what follows it). A read
// blocked on a pipe or terminal returns at once, without taking input it
// does not return. Reading a regular file is not interrupted; the context
// is checked between reads.
type Source struct {
	Name        string // as the user gave it; "-" for standard input
	Compression compress.Compression
	// Regular is true for a regular file: reading it never waits for
	// data to arrive.
	Regular bool
	// Warning, when not nil, is what was noticed and got past: input that
	// starts like compressed data but does not decode, and is passed
	// through as text.
	Warning error

	ctx     context.Context
	r       io.Reader
	raw     *countingReader
	closers []func() error
}

// Read reads decoded bytes.
func (s *Source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.ctx.Err() != nil {
		// A decoder may wrap the error of the read that was stopped.
		err = s.ctx.Err()
	}
	return n, err
}

// Note says what the decoder got past at the end of the input and a user
// should hear of (zero bytes after a gzip stream), nil if nothing; it is
// known once Read has returned io.EOF.
func (s *Source) Note() error {
	if n, ok := s.r.(interface{ Note() error }); ok {
		return n.Note()
	}
	return nil
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
	s.closers = nil
	return errors.Join(errs...)
}

type countingReader struct {
	r   io.Reader
	n   int64
	add func(int64) // CountRaw's, or nil
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.add != nil && n > 0 {
		c.add(int64(n))
	}
	return n, err
}

// Option is an option of Open and Wrap.
type Option func(*Source)

// CountRaw has add told how many bytes are read from the underlying
// (compressed) input, as they are read: the first bytes during Open or
// Wrap, the rest as the Source is read.
func CountRaw(add func(n int64)) Option {
	return func(s *Source) { s.raw.add = add }
}

// Open opens name ("-" for stdin) and finds what it holds. It reads the
// first bytes, so on a pipe it waits for them (or for ctx).
func Open(ctx context.Context, name string, stdin io.Reader, opts ...Option) (*Source, error) {
	s := &Source{Name: name}
	if name == "-" {
		return wrap(ctx, s, stdin, opts)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, f.Close)
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		s.Close()
		return nil, &fs.PathError{Op: "read", Path: name, Err: syscall.EISDIR}
	}
	return wrap(ctx, s, f, opts)
}

// Wrap finds what r holds and returns it as a Source. Close does not close
// r.
func Wrap(ctx context.Context, name string, r io.Reader, opts ...Option) (*Source, error) {
	return wrap(ctx, &Source{Name: name}, r, opts)
}

// Stoppable returns r made to stop when ctx is done, as a Source's reads
// stop, but without looking at what r holds (no decoding), and what
// releases it. A file that may wait for input (a pipe, a terminal) is read
// only once it has input, so that a stop takes no byte it does not return
// (on Unix; elsewhere the read in flight is abandoned); any other reader
// is asked between reads, and a read that waits is waited for. regular
// says r is a regular file, whose reads never wait.
func Stoppable(ctx context.Context, r io.Reader) (rd io.Reader, regular bool, release func() error) {
	f, ok := r.(*os.File)
	if !ok {
		return &ctxReader{ctx: ctx, r: r}, false, func() error { return nil }
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return &ctxReader{ctx: ctx, r: r}, true, func() error { return nil }
	}
	rd, release = cancelable(ctx, f)
	return rd, false, release
}

func wrap(ctx context.Context, s *Source, r io.Reader, opts []Option) (*Source, error) {
	s.ctx = ctx
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil {
			s.Regular = fi.Mode().IsRegular()
		}
	}
	var raw io.Reader
	if s.Regular {
		raw = &ctxReader{ctx: ctx, r: r}
	} else {
		cr, closeFn := cancelable(ctx, r)
		raw = cr
		s.closers = append(s.closers, closeFn)
	}
	s.raw = &countingReader{r: raw}
	for _, o := range opts {
		o(s)
	}
	br := bufio.NewReaderSize(s.raw, headBuffer)
	s.r = br
	// A failed read (or a stop) while the header is told is left for the
	// first Read to report, after the bytes that came before it.
	c, notIt := compress.Judge(br)
	if notIt != nil {
		s.Warning = fmt.Errorf("starts like %s data but is not (%w); passed through as text", compress.Detect(peekAll(br)), notIt)
	}
	if c == compress.None {
		return s, nil
	}
	zr, err := compress.NewReader(br, c)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", c, err)
	}
	s.Compression = c
	s.r = zr
	s.closers = append(s.closers, zr.Close)
	return s, nil
}

// peekAll returns what br holds buffered, without reading.
func peekAll(br *bufio.Reader) []byte {
	b, _ := br.Peek(br.Buffered())
	return b
}

// ctxReader checks ctx before every read of a reader that does not block.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
