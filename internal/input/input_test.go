package input_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/input"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

const text = "2024-05-14 08:31:07 ERROR upload failed errorCode=-1012\nsecond line\r\nlast line without newline"

func gzipped(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func zstded(t testing.TB, s string) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	return zw.EncodeAll([]byte(s), nil)
}

// gzipNamed is a gzip stream of s with a stored name, as gzip(1) writes.
func gzipNamed(t testing.TB, name, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Name = name
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

// skippable is a zstd skippable frame holding payload, as pzstd writes one
// before its frames.
func skippable(payload []byte) []byte {
	b := []byte{0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(payload)))
	return append(b, payload...)
}

// readAll wraps data and reads it to the end.
func readAll(t *testing.T, data []byte) (*input.Source, []byte, error) {
	t.Helper()
	src, err := input.Wrap(context.Background(), "x", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Wrap: %v", err)
	}
	defer src.Close()
	got, err := io.ReadAll(src)
	return src, got, err
}

// TestDetection: what is compressed is decoded, what is not is passed
// through byte for byte, with a warning when it starts like compressed
// data; nothing comes out empty.
func TestDetection(t *testing.T) {
	t.Parallel()
	long := strings.Repeat(text+"\n", 5000)
	cases := []struct {
		name    string
		data    []byte
		want    string
		c       compress.Compression
		warning bool
	}{
		{"text", []byte(text), text, compress.None, false},
		{"empty", nil, "", compress.None, false},
		{"gzip", gzipped(t, text), text, compress.Gzip, false},
		{"gzip, two members", append(gzipped(t, text[:20]), gzipped(t, text[20:])...), text, compress.Gzip, false},
		{"gzip, long", gzipped(t, long), long, compress.Gzip, false},
		{"gzip of nothing", gzipped(t, ""), "", compress.Gzip, false},
		{"zstd", zstded(t, text), text, compress.Zstd, false},
		{"zstd after a skippable frame (pzstd)", append(skippable([]byte{1, 2, 3, 4}), zstded(t, long)...), long, compress.Zstd, false},
		{"zstd, skippable frames around", append(append(skippable(nil), zstded(t, text)...), skippable([]byte("x"))...), text, compress.Zstd, false},
		// Text whose first bytes are a compressed stream's magic, and
		// then break its header's rules.
		{"gzip magic, then text", []byte("\x1f\x8b" + text), "\x1f\x8b" + text, compress.None, true},
		{"zstd magic, then text", []byte("\x28\xb5\x2f\xfd" + text), "\x28\xb5\x2f\xfd" + text, compress.None, true},
		{"gzip magic, unknown method", []byte("\x1f\x8b\x07" + text), "\x1f\x8b\x07" + text, compress.None, true},
		{"one byte of gzip magic", []byte("\x1f"), "\x1f", compress.None, false},
	}
	for _, c := range cases {
		src, got, err := readAll(t, c.data)
		if err != nil {
			t.Errorf("%s: read: %v", c.name, err)
		}
		if string(got) != c.want || src.Compression != c.c || (src.Warning != nil) != c.warning {
			t.Errorf("%s: %v, warning %v, %d bytes: %q; want %v, warning %v, %q",
				c.name, src.Compression, src.Warning, len(got), clip(got), c.c, c.warning, clip([]byte(c.want)))
		}
		if src.Warning != nil && strings.Count(src.Warning.Error(), "gzip") > 1 {
			t.Errorf("%s: warning repeats itself: %v", c.name, src.Warning)
		}
	}
}

// TestHeaderDecides: data whose header keeps to a format's rules is that
// format, whatever follows: a header cut short is a truncated archive and
// damage after the header is damage, both failing the read; never text
// (a gzip cut inside its header, a real stream with metadata past what
// used to be probed, came out as text with exit 0).
func TestHeaderDecides(t *testing.T) {
	t.Parallel()
	gzipHeader := "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
	cases := []struct {
		name string
		data []byte
		c    compress.Compression
	}{
		{"gzip header, then text", []byte(gzipHeader + text), compress.Gzip},
		{"gzip header with a name that never ends", []byte("\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03" + text), compress.Gzip},
		{"gzip magic, too short for a header", []byte("\x1f\x8b\x08\x00ab\n"), compress.Gzip},
		{"gzip magic alone", []byte("\x1f\x8b"), compress.Gzip},
		{"gzip with a name, cut after 15 bytes", gzipNamed(t, "app.log.1", text)[:15], compress.Gzip},
		{"skippable magic, then text", []byte("\x50\x2a\x4d\x18" + text), compress.Zstd},
		{"skippable frame running past the end", append(skippable(make([]byte, 100)), zstded(t, text)...)[:90], compress.Zstd},
	}
	for _, c := range cases {
		src, got, err := readAll(t, c.data)
		if src.Compression != c.c || src.Warning != nil || err == nil || strings.Contains(string(got), text[:20]) {
			t.Errorf("%s: %v, warning %v, %q, %v; want %v and a read error", c.name, src.Compression, src.Warning, clip(got), err, c.c)
		}
	}
}

func clip(b []byte) string {
	if len(b) > 80 {
		return string(b[:40]) + "..." + string(b[len(b)-40:])
	}
	return string(b)
}

// TestTruncatedGzip: a gzip stream cut short is gzip all the same: what
// decodes comes out, and the read fails, saying why once ("unexpected EOF",
// not "gzip: gzip: ...").
func TestTruncatedGzip(t *testing.T) {
	t.Parallel()
	long := strings.Repeat(text+"\n", 20000)
	data := gzipped(t, long)
	for _, n := range []int{12, 200, len(data) / 2} {
		src, got, err := readAll(t, data[:n])
		if src.Compression != compress.Gzip || src.Warning != nil {
			t.Errorf("cut at %d: %v, warning %v; want gzip", n, src.Compression, src.Warning)
		}
		if err == nil || !strings.HasPrefix(long, string(got)) || strings.Contains(err.Error(), "gzip") {
			t.Errorf("cut at %d: %d bytes, err %v", n, len(got), err)
		}
	}
}

// TestDirectory: opening a directory says so once.
func TestDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := input.Open(context.Background(), dir, nil)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(err, syscall.EISDIR) || strings.Count(err.Error(), dir) != 1 {
		t.Fatalf("err = %v, want a PathError naming %s once", err, dir)
	}
}

// TestRegularFile: a regular file is Regular, also on standard input.
func TestRegularFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "a.log")
	os.WriteFile(p, []byte(text), 0o644)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, name := range []string{p, "-"} {
		src, err := input.Open(context.Background(), name, f)
		if err != nil {
			t.Fatal(err)
		}
		if !src.Regular {
			t.Errorf("%s: not Regular", name)
		}
		src.Close()
	}
}

// TestStopLosesNothingRead: a Source reading a pipe that is stopped while
// its read waits returns at once with the context's error, and takes no
// byte from the pipe that it does not return: what is written after the
// stop is still in the pipe for the next reader. Bytes it had taken before
// (the head it buffered to tell what the input is) come out first.
func TestStopLosesNothingRead(t *testing.T) {
	t.Parallel()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	pw.Write([]byte("first line\n"))
	src, err := input.Open(ctx, "-", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	buf := make([]byte, 1<<20)
	n, err := src.Read(buf)
	if err != nil || string(buf[:n]) != "first line\n" {
		t.Fatalf("first read: %q, %v", buf[:n], err)
	}
	done := make(chan error, 1)
	go func() {
		n, err := src.Read(buf)
		if n != 0 {
			err = errors.New("read returned bytes after the stop")
		}
		done <- err
	}()
	// The read waits on the empty pipe; then it is stopped.
	select {
	case err := <-done:
		t.Fatalf("a read of an empty pipe returned: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("read after the stop: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stopped read kept waiting")
	}
	// The stopped read took nothing: what is written now is all there.
	pw.Write([]byte("after the stop\n"))
	pw.Close()
	rest, err := io.ReadAll(pr)
	if err != nil || string(rest) != "after the stop\n" {
		t.Fatalf("the pipe holds %q (%v) after the stop", rest, err)
	}
}

// TestStopWhileOpening: Open waiting for the first bytes of a pipe returns
// when stopped.
func TestStopWhileOpening(t *testing.T) {
	t.Parallel()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		src, err := input.Open(ctx, "-", pr)
		if err == nil {
			_, err = src.Read(make([]byte, 10))
			src.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Open of an empty pipe returned: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open kept waiting after the stop")
	}
}

// TestStopCompressedPipe: a gzip stream on a pipe, stopped while the pipe
// is idle, gives what decodes from the bytes read, then the stop.
func TestStopCompressedPipe(t *testing.T) {
	t.Parallel()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	live := strings.Repeat(text+"\n", 40)
	zw.Write([]byte(live))
	zw.Flush() // a complete block, the stream not ended
	pw.Write(b.Bytes())
	ctx, cancel := context.WithCancel(context.Background())
	src, err := input.Open(ctx, "-", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	buf := make([]byte, 1<<16)
	n, err := io.ReadAtLeast(src, buf, len(live))
	if err != nil || string(buf[:n]) != live {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	cancel()
	if _, err := src.Read(buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("after the stop: %v", err)
	}
}
