package input_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/input"
)

// FuzzWrap: whatever the bytes, a Source gives something: text comes out
// byte for byte and never fails; what is taken for compressed data was
// announced by a magic number, and a read of it fails only as compressed
// data does (cut short or corrupt further on).
func FuzzWrap(f *testing.F) {
	f.Add([]byte(text))
	f.Add([]byte("\x1f\x8b" + text))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + text))
	f.Add([]byte("\x50\x2a\x4d\x18\x04\x00\x00\x00abcd"))
	f.Add(gzipped(f, text))
	f.Add(zstded(f, text))
	f.Add(append(skippable([]byte{1, 2, 3, 4}), zstded(f, text)...))
	f.Add(gzipped(f, text)[:30])
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := input.Wrap(context.Background(), "fuzz", bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Wrap: %v", err)
		}
		defer src.Close()
		got, err := io.ReadAll(src)
		if src.Compression == compress.None {
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("text: read %q, %v; want the input %q", got, err, data)
			}
			if (src.Warning != nil) != (compress.Detect(data) != compress.None) {
				t.Fatalf("warning %v for input %q", src.Warning, data)
			}
			return
		}
		if compress.Detect(data) != src.Compression || src.Warning != nil {
			t.Fatalf("%v (warning %v) for input %q", src.Compression, src.Warning, data)
		}
	})
}
