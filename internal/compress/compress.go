// Package compress is errtag's gzip and zstd, in both directions: it tells
// a compressed stream by its first bytes (Detect, Probe), decodes input and
// encodes output. The policy for data that only looks compressed belongs to
// input; output files themselves (written beside their place) to outfile.
package compress

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
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

// probeOutput is how much Probe decodes at most.
const probeOutput = 4 << 20

// probeEnough is how much decoded output, without an error, convinces
// Probe when the data runs out and more may come: text read as deflate
// fails long before (so a live compressed pipe is not waited on for more).
const probeEnough = 1 << 10

// Probe checks what head, the first bytes of a stream, holds, by decoding
// it as the compression its magic number announces. c is that compression
// when head decodes as such (also when its data is cut short at the end of
// head: the stream may go on, or be truncated); None, with err saying why,
// when it does not; None without err when head has no magic number.
// final says that head is all of the stream there is to see; when it is
// not, more is true if head is too short to tell (its data ran out before
// an error, a member's end or probeEnough bytes of output), and the caller
// should probe again with more.
//
// A gzip stream's first member must decode without error (and, if it ends
// within head, its checksum match); a zstd stream's skippable frames must
// end within head and be followed by a frame whose data decodes.
func Probe(head []byte, final bool) (c Compression, more bool, err error) {
	c = Detect(head)
	var r io.Reader
	switch c {
	case None:
		if !final && MayStart(head) {
			return None, true, nil
		}
		return None, false, nil
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			if isShort(err) && !final {
				return None, true, nil
			}
			return None, false, plain(err)
		}
		zr.Multistream(false)
		r = zr
	case Zstd:
		rest, ok := skipFrames(head)
		switch {
		case !ok && !final:
			return None, true, nil
		case !ok:
			return None, false, errors.New("skippable frame runs past the data")
		case len(rest) == 0 && final:
			return Zstd, false, nil // skippable frames only
		}
		zr, err := zstd.NewReader(bytes.NewReader(head), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<30))
		if err != nil {
			return None, false, plain(err)
		}
		defer zr.Close()
		r = zr
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r, probeOutput))
	switch {
	case err == nil:
		return c, false, nil
	case isShort(err) && !final && n < probeEnough:
		return None, true, nil
	case isShort(err):
		return c, false, nil
	}
	return None, false, plain(err)
}

// skipFrames returns what follows the zstd skippable frames at the start
// of b, and whether they end within b and are followed by a zstd frame's
// magic number or nothing.
func skipFrames(b []byte) (rest []byte, ok bool) {
	for len(b) >= 8 && b[0]&0xf0 == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18 {
		n := uint64(binary.LittleEndian.Uint32(b[4:8]))
		if uint64(len(b)-8) < n {
			return nil, false
		}
		b = b[8+n:]
	}
	if len(b) == 0 || len(b) >= 4 && Detect(b) == Zstd {
		return b, true
	}
	return nil, false
}

func isShort(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
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
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, plain(err)
		}
		return &reader{r: zr, close: zr.Close}, nil
	case Zstd:
		// One decoding goroutine: with the matching on the other cores it
		// decodes faster than two (measured on 2 cores, issue 13), and
		// decoding alone is faster with one too.
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<30))
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
