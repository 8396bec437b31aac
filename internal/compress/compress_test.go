package compress

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestRoundTrip: what NewWriter writes, NewReader reads back, for each
// compression ForName chooses.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("a line of log\n", 1000)
	for name, want := range map[string]Compression{"a.log.gz": Gzip, "a.log.zst": Zstd, "A.LOG.GZ": Gzip, "a.zstd": Zstd, "logs.tgz": Gzip, "logs.TZST": Zstd, "a.log": None, "a.gz.log": None} {
		c := ForName(name)
		if c != want {
			t.Fatalf("ForName(%q) = %v, want %v", name, c, want)
		}
		if c == None {
			continue
		}
		var b bytes.Buffer
		zw, err := NewWriter(&b, c)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(zw, text)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if Detect(b.Bytes()) != c {
			t.Errorf("%v: Detect does not recognise its own output", c)
		}
		if got, more, err := Probe(b.Bytes(), true); got != c || more || err != nil {
			t.Errorf("%v: Probe = %v, %v, %v", c, got, more, err)
		}
		if got, notIt := Judge(bufio.NewReader(bytes.NewReader(b.Bytes()))); got != c || notIt != nil {
			t.Errorf("%v: Judge = %v, %v", c, got, notIt)
		}
		zr, err := NewReader(&b, c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		zr.Close()
		if err != nil || string(got) != text {
			t.Errorf("%v: read back %d bytes, %v", c, len(got), err)
		}
	}
}

// TestMayStart: the first bytes of a magic number are worth waiting on,
// anything else is not.
func TestMayStart(t *testing.T) {
	t.Parallel()
	for head, want := range map[string]bool{
		"": true, "\x1f": true, "\x28": true, "\x28\xb5\x2f": true, "\x5e\x2a": true,
		"a": false, "\x1f\x00": false, "\x28\xb5\x00": false, "\x60\x2a": false,
	} {
		if got := MayStart([]byte(head)); got != want {
			t.Errorf("MayStart(%q) = %v, want %v", head, got, want)
		}
	}
}

// TestErrorsSayItOnce: a decoder's error says what is wrong in a user's
// words, without the format's name (errtag's message names it) nor the
// library's wording ("corrupt input before offset 5", "reserved block
// type encountered"), and is still the library's error where there is one.
func TestErrorsSayItOnce(t *testing.T) {
	t.Parallel()
	gz := gzipOf(t, strings.Repeat("some text to compress\n", 100))
	badSum := bytes.Clone(gz)
	badSum[len(badSum)-5] ^= 0xff // the checksum
	badData := bytes.Clone(gz)
	badData[10] |= 0x06 // the first block's type: reserved
	zs := zstdOf(t, strings.Repeat("some text to compress\n", 100))
	zsBad := bytes.Clone(zs)
	zsBad[len(zsBad)-1] ^= 0xff // the checksum
	cases := []struct {
		name string
		data []byte
		c    Compression
		want string
		is   error
	}{
		{"gzip checksum", badSum, Gzip, "checksum does not match", nil},
		{"gzip data", badData, Gzip, corrupt, nil},
		{"gzip, then something else", append(bytes.Clone(gz), "trailing text\n"...), Gzip, "not gzip", nil},
		{"gzip cut short", gz[:len(gz)-3], Gzip, "unexpected EOF", io.ErrUnexpectedEOF},
		{"zstd checksum", zsBad, Zstd, "checksum does not match", zstd.ErrCRCMismatch},
		{"zstd, then something else", append(bytes.Clone(zs), "trailing text\n"...), Zstd, "not zstd", zstd.ErrMagicMismatch},
		{"zstd cut short", zs[:len(zs)-3], Zstd, "unexpected EOF", io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		zr, err := NewReader(bytes.NewReader(c.data), c.c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(zr)
		zr.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), c.c.String()+":") ||
			strings.Contains(err.Error(), "offset") || strings.Contains(err.Error(), "invalid input") || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: err = %v, want %q in a user's words", c.name, err, c.want)
		}
	}
}

// TestGzipTrailingZeros: zero bytes after the last member (tar or
// preallocation padding) end the stream as gzip(1) does, with a Note, not
// an error; zeros followed by anything else are trailing data.
func TestGzipTrailingZeros(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("some text to compress\n", 100)
	var b bytes.Buffer
	zw, _ := NewWriter(&b, Gzip)
	zw.Write([]byte(text))
	zw.Close()
	padded := append(bytes.Clone(b.Bytes()), make([]byte, 1024)...)
	zr, _ := NewReader(bytes.NewReader(padded), Gzip)
	got, err := io.ReadAll(zr)
	note := zr.(interface{ Note() error }).Note()
	if err != nil || string(got) != text || note == nil || !strings.Contains(note.Error(), "1024 zero bytes") {
		t.Errorf("padded: %d bytes, err %v, note %v", len(got), err, note)
	}
	zr, _ = NewReader(bytes.NewReader(append(padded, 'x')), Gzip)
	got, err = io.ReadAll(zr)
	if string(got) != text || !Trailing(err) {
		t.Errorf("zeros then x: %d bytes, err %v, want trailing data", len(got), err)
	}
	zr, _ = NewReader(bytes.NewReader(b.Bytes()), Gzip)
	io.ReadAll(zr)
	if note := zr.(interface{ Note() error }).Note(); note != nil {
		t.Errorf("no padding: note %v", note)
	}
}
