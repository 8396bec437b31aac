// Package compress is errtag's gzip and zstd, in both directions: it tells
// a compressed stream by its first bytes, decodes input and encodes output
// files. Reading policy (what to do with data that only looks compressed)
// belongs to input; output formats to output.
package compress

import (
	"errors"
	"fmt"
	"io"
	"strings"

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

// HeadLen is how many first bytes of a stream Detect needs.
const HeadLen = 4

// Detect reports the compression whose magic number head, the first bytes
// of a stream, starts with: gzip's or a zstd frame's.
func Detect(head []byte) Compression {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return Gzip
	case len(head) >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd:
		return Zstd
	}
	return None
}

// MayStart reports whether head, which Detect does not recognise, can
// begin a magic number that it would: whether it is worth waiting for
// more bytes before deciding.
func MayStart(head []byte) bool {
	for _, magic := range [...]string{"\x1f\x8b", "\x28\xb5\x2f\xfd"} {
		if len(head) < len(magic) && Detect(append(head[:len(head):len(head)], magic[len(head):]...)) != None {
			return true
		}
	}
	return false
}

// ForName returns the compression a file name asks for: gzip for .gz, zstd
// for .zst, None otherwise.
func ForName(name string) Compression {
	switch {
	case strings.HasSuffix(name, ".gz"):
		return Gzip
	case strings.HasSuffix(name, ".zst"):
		return Zstd
	}
	return None
}

// NewReader returns a decoder of c reading r: every gzip member, or every
// zstd frame (skippable frames skipped), one after another. Its errors do
// not repeat the format's name ("invalid checksum", not "gzip: invalid
// checksum"); errors.Is still finds the library's errors in them.
func NewReader(r io.Reader, c Compression) (io.ReadCloser, error) {
	switch c {
	case Gzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, plain(err)
		}
		return &reader{r: zr, close: zr.Close}, nil
	case Zstd:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(2), zstd.WithDecoderMaxWindow(1<<30))
		if err != nil {
			return nil, plain(err)
		}
		return &reader{r: zr, close: func() error { zr.Close(); return nil }}, nil
	}
	return nil, fmt.Errorf("no decoder for compression %v", c)
}

type reader struct {
	r     io.Reader
	close func() error
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = plain(err)
	}
	return n, err
}

func (r *reader) Close() error { return r.close() }

// NewWriter returns an encoder of c writing to w. Close ends the compressed
// stream; it does not close w.
func NewWriter(w io.Writer, c Compression) (io.WriteCloser, error) {
	switch c {
	case Gzip:
		return gzip.NewWriter(w), nil
	case Zstd:
		zw, err := zstd.NewWriter(w)
		if err != nil {
			return nil, plain(err)
		}
		return zw, nil
	}
	return nil, fmt.Errorf("no encoder for compression %v", c)
}

// libError is a compression library's error without the library's name at
// the start of its message.
type libError struct {
	msg string
	err error
}

func (e *libError) Error() string { return e.msg }
func (e *libError) Unwrap() error { return e.err }

// plain drops the "gzip: ", "flate: " or "zstd: " the libraries start their
// messages with: errtag's messages name the format themselves.
func plain(err error) error {
	var le *libError
	if errors.As(err, &le) {
		return err
	}
	msg := err.Error()
	for _, p := range []string{"gzip: ", "flate: ", "zstd: "} {
		if m, ok := strings.CutPrefix(msg, p); ok {
			return &libError{msg: m, err: err}
		}
	}
	return err
}
