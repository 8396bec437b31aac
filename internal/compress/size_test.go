package compress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// TestDecodedSize: gzip's ISIZE and zstd's frame content sizes, over
// several frames and skippable frames, give the decoded size without
// decoding; what states nothing is not known.
func TestDecodedSize(t *testing.T) {
	t.Parallel()
	text := []byte(strings.Repeat("2024-05-14 08:00:01 INFO an ordinary line of a log\n", 20000))
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	zst := func(b []byte, opts ...zstd.EOption) []byte {
		var buf bytes.Buffer
		w, _ := zstd.NewWriter(&buf, opts...)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	// What zstd writes when it knows the size (zstd FILE): the size in
	// the header. EncodeAll states it.
	enc, _ := zstd.NewWriter(nil)
	stated := enc.EncodeAll(text, nil)
	half := enc.EncodeAll(text[:len(text)/2], nil)
	skippable := append([]byte{0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0}, 1, 2, 3, 4)
	for _, c := range []struct {
		name   string
		data   []byte
		want   int64
		stated bool
		ok     bool
	}{
		{"gzip", gz(text), int64(len(text)), true, true},
		{"zstd with its size", stated, int64(len(text)), true, true},
		{"zstd frames, skippable first", append(append(append([]byte{}, skippable...), half...), append(skippable, half...)...), int64(len(text)/2) * 2, true, true},
		{"zstd streamed, no size", zst(text), 0, false, false},
		{"text", text, 0, false, false},
		{"empty", nil, 0, false, false},
	} {
		s, ok := DecodedSize(bytes.NewReader(c.data), int64(len(c.data)))
		if ok != c.ok || s.N != c.want || s.Stated != c.stated {
			t.Errorf("%s: %+v %v, want %d stated %v ok %v", c.name, s, ok, c.want, c.stated, c.ok)
		}
	}
	// A stated frame, then one that states nothing: the stated part,
	// scaled to the file.
	mixed := append(append([]byte{}, stated...), zst(text)...)
	if s, ok := DecodedSize(bytes.NewReader(mixed), int64(len(mixed))); !ok || s.Stated || s.N < int64(len(text)) {
		t.Errorf("stated then streamed: %+v %v", s, ok)
	}
}

func TestGzipWrap(t *testing.T) {
	t.Parallel()
	const g = 1 << 30
	for _, c := range []struct{ isize, near, want int64 }{
		{100, 50, 100},
		{3 * g, 1 * g, 3 * g},
		{1 * g, 1 * g / 2, 1 * g},
		{1 * g, 9 * g, 9 * g}, // 9 GiB wraps to 1 GiB
		{2 * g, 1 * g, 2 * g}, // the compressed size is a floor, not a target
		{1 * g, 6 * g, 5 * g}, // 1 + 4 is nearer to 6 than 1 or 9
	} {
		if got := GzipWrap(c.isize, c.near); got != c.want {
			t.Errorf("GzipWrap(%d, %d) = %d, want %d", c.isize, c.near, got, c.want)
		}
	}
}
