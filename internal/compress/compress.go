// Package compress is errtag's gzip and zstd, in both directions: it tells
// a compressed stream by its header (Judge, Probe; see detect.go), decodes
// input and encodes output. The policy for data that only looks compressed belongs to
// input; output files themselves (written beside their place) to outfile.
package compress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/klauspost/compress/flate"
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
// of a stream, starts with: gzip's, a zstd frame's, or a zstd skippable
// frame's (pzstd writes one first). It says what the stream claims to be;
// Probe checks the claim.
func Detect(head []byte) Compression {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return Gzip
	case len(head) >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd:
		return Zstd
	case len(head) >= 4 && head[0]&0xf0 == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18:
		return Zstd
	}
	return None
}

// MayStart reports whether head, which Detect does not recognise, can
// begin a magic number that it would: whether it is worth waiting for
// more bytes before deciding.
func MayStart(head []byte) bool {
	for _, magic := range [...]string{"\x1f\x8b", "\x28\xb5\x2f\xfd", "\x50\x2a\x4d\x18"} {
		if len(head) < len(magic) && Detect(append(head[:len(head):len(head)], magic[len(head):]...)) != None {
			return true
		}
	}
	return false
}

// ForName returns the compression a file name's extension asks for, in any
// case: gzip for .gz, .gzip and .tgz, zstd for .zst, .zstd and .tzst, None
// otherwise.
func ForName(name string) Compression {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".gz", ".gzip", ".tgz":
		return Gzip
	case ".zst", ".zstd", ".tzst":
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
		zr := newGzipReader(r)
		return &reader{r: zr, close: zr.Close, plain: plain}, nil
	case Zstd:
		// One goroutine: the concurrent decoder delivers a frame's
		// blocks only once the frame's checksum is read, so a stream
		// cut inside the last frame's checksum would lose the whole
		// frame; decoding in step gives every complete block, as
		// zstd -d does. With the matching on the other cores it is
		// also faster than two (measured on 2 cores, issue 13).
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return nil, plainZstd(err)
		}
		return &reader{r: &drainingReader{r: zr}, close: func() error { zr.Close(); return nil }, plain: plainZstd}, nil
	}
	return nil, fmt.Errorf("no decoder for compression %v", c)
}

// maxWindow is the largest zstd window errtag decodes with: the memory a
// frame may make it hold. zstd(1) itself stops at 128 MiB unless told
// more (--long, --memory).
const maxWindow = 1 << 30

type reader struct {
	r     io.Reader
	close func() error
	plain func(error) error
}

// Note says what the stream held that the decoder got past without an
// error and a user should hear of (zero bytes after a gzip stream's last
// member), nil if nothing. It is known once the reader has returned io.EOF.
func (r *reader) Note() error {
	if n, ok := r.r.(interface{ Note() error }); ok {
		return n.Note()
	}
	return nil
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = r.plain(err)
	}
	return n, err
}

func (r *reader) Close() error { return r.close() }

// drainingReader reads r, and when a read fails, gives what r still holds
// before the failure: the zstd decoder fails a block whose frame's
// checksum cannot be read (or does not match) while keeping the block's
// data, which its following reads return. A stream cut inside its last
// frame's checksum so gives all its data, as zstd -d does.
type drainingReader struct {
	r   io.Reader
	err error
}

func (d *drainingReader) Read(p []byte) (int, error) {
	if d.err == nil {
		n, err := d.r.Read(p)
		if err == nil || err == io.EOF {
			return n, err
		}
		d.err = err
		if n > 0 {
			return n, nil
		}
	}
	n, _ := d.r.Read(p)
	if n > 0 {
		return n, nil
	}
	return 0, d.err
}

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

// libError is a decoder's error in a user's words, wrapping the library's
// error (errors.Is still finds it).
type libError struct {
	msg string
	err error
}

func (e *libError) Error() string {
	if e == nil {
		return corrupt
	}
	return e.msg
}

func (e *libError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.err
}

// Trailing reports whether err, a decoder's, says that the compressed
// data ended properly and what follows it is not more of it (trailing
// garbage): the data is neither corrupt nor cut short.
func Trailing(err error) bool {
	return errors.Is(err, errGzipTrailing) || errors.Is(err, zstd.ErrMagicMismatch)
}

// corrupt is what most decoding errors mean to a user.
const corrupt = "the compressed data is corrupt"

// plain says what a decoder's error means, in a user's words and without
// the format's name (errtag's messages name the format themselves):
// "the compressed data is corrupt", not "flate: corrupt input before
// offset 5" or "zstd: invalid input: reserved block type encountered". A
// stream that ends early stays io.ErrUnexpectedEOF; errors that are no
// decoder's (a failed read) are left as they are.
func plain(err error) error {
	var le *libError
	var ce flate.CorruptInputError
	var ie flate.InternalError
	switch {
	case errors.As(err, &le), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return err
	case errors.Is(err, errGzipHeader), errors.Is(err, errGzipHeaderCRC), errors.Is(err, errGzipChecksum),
		errors.Is(err, errGzipLength), errors.Is(err, errGzipTrailing):
		return err
	case errors.As(err, &ce), errors.As(err, &ie):
		return &libError{msg: corrupt, err: err}
	case errors.Is(err, zstd.ErrCRCMismatch):
		return &libError{msg: "a frame's checksum does not match the data decoded from it: some of that data is damaged (it may be anywhere in the frame)", err: err}
	case errors.Is(err, zstd.ErrMagicMismatch):
		return &libError{msg: "after the end of the zstd data comes data that is not zstd", err: err}
	case errors.Is(err, zstd.ErrUnknownDictionary):
		return &libError{msg: "it was compressed with a dictionary, which errtag does not have", err: err}
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return &libError{msg: fmt.Sprintf("it needs a window of more than %d MiB to decode, more than errtag allows", maxWindow>>20), err: err}
	}
	msg := err.Error()
	for _, p := range []string{"gzip: ", "flate: ", "zstd: "} {
		if strings.HasPrefix(msg, p) {
			return &libError{msg: corrupt, err: err}
		}
	}
	return err
}

// plainZstd is plain for the zstd decoder, which makes most of its errors
// inside it (errors.New, fmt.Errorf): an error that is no failed read nor
// a stop is the input's.
func plainZstd(err error) error {
	err = plain(err)
	var le *libError
	if errors.As(err, &le) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return err
	}
	var pe *fs.PathError
	var se syscall.Errno
	if errors.As(err, &pe) || errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &libError{msg: corrupt, err: err}
}
