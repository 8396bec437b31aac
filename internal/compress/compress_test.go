package compress

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
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

// TestErrorsSayItOnce: a decoder's error does not start with the format's
// name (errtag's message names it), and is still the library's error.
func TestErrorsSayItOnce(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, "some text to compress")
	zw.Close()
	data := b.Bytes()
	data[len(data)-5] ^= 0xff // the checksum
	zr, err := NewReader(bytes.NewReader(data), Gzip)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(zr)
	if err == nil || strings.Contains(err.Error(), "gzip") || !errors.Is(err, gzip.ErrChecksum) {
		t.Errorf("err = %v, want %q without its prefix", err, gzip.ErrChecksum)
	}
	if _, err := NewReader(strings.NewReader("\x1f\x8b\x07\x00"), Gzip); err == nil || strings.HasPrefix(err.Error(), "gzip: ") {
		t.Errorf("header error %v", err)
	}
}
