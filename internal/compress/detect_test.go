package compress

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func gzipOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstdOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := zstd.NewWriter(&b, zstd.WithEncoderCRC(true))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(zw, s)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// skippable is a zstd skippable frame holding payload, as pzstd writes one
// before its frames.
func skippable(payload []byte) []byte {
	b := []byte{0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(payload)))
	return append(b, payload...)
}

// gzipMember is one gzip member of data with the header fields given
// (nil: none), and a header CRC when hcrc is set: every field gzip(1)
// reads, of any length.
func gzipMember(t testing.TB, data string, extra, name, comment []byte, hcrc bool) []byte {
	t.Helper()
	var flg byte
	h := []byte{0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 0, 3}
	if extra != nil {
		flg |= 0x04
		h = binary.LittleEndian.AppendUint16(h, uint16(len(extra)))
		h = append(h, extra...)
	}
	if name != nil {
		flg |= 0x08
		h = append(append(h, name...), 0)
	}
	if comment != nil {
		flg |= 0x10
		h = append(append(h, comment...), 0)
	}
	if hcrc {
		flg |= 0x02
	}
	h[3] = flg
	if hcrc {
		h = binary.LittleEndian.AppendUint16(h, uint16(crc32.ChecksumIEEE(h)))
	}
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, 6)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, data)
	fw.Close()
	h = append(h, b.Bytes()...)
	h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE([]byte(data)))
	return binary.LittleEndian.AppendUint32(h, uint32(len(data)))
}

// decode judges data and decodes it as judged.
func decode(t testing.TB, data []byte) (c Compression, notIt error, out []byte, err error) {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(data))
	c, notIt = Judge(br)
	if c == None {
		out, err = io.ReadAll(br)
		return c, notIt, out, err
	}
	zr, err := NewReader(br, c)
	if err != nil {
		return c, nil, nil, err
	}
	defer zr.Close()
	out, err = io.ReadAll(zr)
	return c, nil, out, err
}

// TestJudge: a stream is what its header says, as far as the header's
// rules go; text whose first bytes are a magic number and then break the
// rules is text, with the reason.
func TestJudge(t *testing.T) {
	t.Parallel()
	zs := zstdOf(t, "a line\n")
	cases := []struct {
		name  string
		head  string
		c     Compression
		notIt string // in the reason, when text with one
	}{
		{"text", "a line\n", None, ""},
		{"empty", "", None, ""},
		{"one byte of the gzip magic", "\x1f", None, ""},
		{"gzip magic, then text", "\x1f\x8bhello\n", None, "compression method is 104"},
		{"gzip, unknown method", "\x1f\x8b\x07\x00\x00\x00\x00\x00\x00\x03", None, "compression method is 7"},
		{"gzip, reserved flags", "\x1f\x8b\x08\x20\x00\x00\x00\x00\x00\x03", None, "reserved flags"},
		{"gzip header", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", Gzip, ""},
		{"gzip cut inside its header", "\x1f\x8b\x08\x08\x00", Gzip, ""},
		{"gzip header, then text (reserved block type)", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03first line\n", None, "reserved type"},
		{"gzip header, then text (stored block, bad NLEN)", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03a line\n", None, "stored"},
		{"gzip header, stored block", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x02\x00\xfd\xffab", Gzip, ""},
		{"gzip header, stored block cut", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x02", Gzip, ""},
		{"gzip header with a name, then text", "\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03first line\n", Gzip, ""},
		{"gzip magic alone", "\x1f\x8b", Gzip, ""},
		{"zstd", string(zs), Zstd, ""},
		{"zstd magic, then text", "\x28\xb5\x2f\xfdhello world, and more\n", None, "reserved bit"},
		{"zstd, reserved block type", "\x28\xb5\x2f\xfd\x20\x05\x07\x00\x00", None, "reserved type"},
		{"zstd, impossible block size", "\x28\xb5\x2f\xfd\x20\x05\x00\x00\xff", None, "at most"},
		{"zstd cut inside its frame header", "\x28\xb5\x2f\xfd\x04", Zstd, ""},
		{"skippable frame", string(skippable([]byte("abc"))), Zstd, ""},
		{"skippable magic, then text", "\x50\x2a\x4d\x18hello\n", Zstd, ""},
		{"skippable frame cut in its size", "\x50\x2a\x4d\x18\x05", Zstd, ""},
		{"three bytes of a skippable magic", "\x50\x2a\x4d", None, ""},
	}
	for _, c := range cases {
		got, notIt := Judge(bufio.NewReader(strings.NewReader(c.head)))
		if got != c.c || (notIt != nil) != (c.notIt != "") || notIt != nil && !strings.Contains(notIt.Error(), c.notIt) {
			t.Errorf("%s: Judge = %v, %v; want %v, %q", c.name, got, notIt, c.c, c.notIt)
		}
	}
}

// TestMetadataOfAnySize: a real compressed stream is decoded whatever the
// size of what comes before its data (it used to be passed through as
// text past 64 KiB of it, and a gzip FCOMMENT past 511 bytes).
func TestMetadataOfAnySize(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("2024-05-14 ERROR upload failed errorCode=-1012\n", 300)
	big := bytes.Repeat([]byte("m"), 100<<10)
	var many []byte
	for range 10000 {
		many = append(many, skippable([]byte("0123456789"))...)
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"gzip, 600-byte comment", gzipMember(t, text, nil, nil, big[:600], false)},
		{"gzip, 100 KiB comment", gzipMember(t, text, nil, nil, big, false)},
		{"gzip, 100 KiB name", gzipMember(t, text, nil, big, nil, false)},
		{"gzip, every field and a header CRC", gzipMember(t, text, big[:65535], big[:70000], big[:1000], true)},
		{"gzip, second member with a long comment", append(gzipOf(t, text[:100]), gzipMember(t, text[100:], nil, nil, big, true)...)},
		{"zstd after a 65529-byte skippable frame", append(skippable(big[:65529]), zstdOf(t, text)...)},
		{"zstd after 10,000 skippable frames", append(bytes.Clone(many), zstdOf(t, text)...)},
		{"zstd after a 100 KiB skippable frame, frames between", append(append(skippable(big), zstdOf(t, text[:100])...), append(skippable(big), zstdOf(t, text[100:])...)...)},
	}
	for _, c := range cases {
		got, notIt, out, err := decode(t, c.data)
		if got == None || notIt != nil || err != nil || string(out) != text {
			t.Errorf("%s: %v (%v), %d bytes, %v; want all of it decoded", c.name, got, notIt, len(out), err)
		}
	}
}

// TestGzipHeaderCRC: a header that does not match its FHCRC is damage, not
// text.
func TestGzipHeaderCRC(t *testing.T) {
	t.Parallel()
	data := gzipMember(t, "a line\n", nil, []byte("name"), nil, true)
	data[12] ^= 1 // in the name
	_, _, _, err := decode(t, data)
	if !errors.Is(err, errGzipHeaderCRC) {
		t.Errorf("err = %v", err)
	}
}

// TestEveryCut: a compressed stream cut anywhere after its magic number is
// still taken for what it is (never text), gives what decodes before the
// cut, and fails as cut short, but where the cut falls between members or
// frames (a shorter stream that is whole). A zstd frame whose checksum is
// cut off gives all of its data, as zstd -d does (it gave none).
func TestEveryCut(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("2024-05-14 ERROR upload failed errorCode=-1012\n", 40)
	gz1 := gzipMember(t, text[:500], []byte("ex"), []byte("app.log"), []byte("rotated"), true)
	gz := append(bytes.Clone(gz1), gzipOf(t, text[500:])...)
	zs1 := append(skippable([]byte("pzstd")), zstdOf(t, text[:500])...)
	zs := append(bytes.Clone(zs1), zstdOf(t, text[500:])...)
	for _, s := range []struct {
		c     Compression
		data  []byte
		whole map[int]string // cuts that leave a whole stream, and its text
		magic int
	}{
		{Gzip, gz, map[int]string{len(gz1): text[:500]}, 2},
		{Zstd, zs, map[int]string{13: "", len(zs1): text[:500]}, 4},
	} {
		for n := 1; n <= len(s.data); n++ {
			got, notIt, out, err := decode(t, s.data[:n])
			want, whole := s.whole[n]
			if n == len(s.data) {
				want, whole = text, true
			}
			switch {
			case n < s.magic:
				if got != None || notIt != nil || string(out) != string(s.data[:n]) {
					t.Errorf("%v cut at %d, in its magic: %v, %v", s.c, n, got, notIt)
				}
			case got != s.c || notIt != nil:
				t.Errorf("%v cut at %d: taken for %v (%v)", s.c, n, got, notIt)
			case whole && (err != nil || string(out) != want):
				t.Errorf("%v cut at %d, between members: %d bytes, %v", s.c, n, len(out), err)
			case !whole && !errors.Is(err, io.ErrUnexpectedEOF):
				t.Errorf("%v cut at %d: %v, want it said cut short", s.c, n, err)
			case !strings.HasPrefix(text, string(out)):
				t.Errorf("%v cut at %d: decoded what is not the text", s.c, n)
			}
		}
	}
	// The last frame's checksum cut off: all of its data comes out.
	for _, cut := range []int{1, 4} {
		_, _, out, err := decode(t, zs[:len(zs)-cut])
		if string(out) != text || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("checksum cut by %d: %d bytes of %d, %v", cut, len(out), len(text), err)
		}
	}
}

// FuzzGzipHeader: a gzip member with any header fields decodes to its data;
// every cut of it after its magic is gzip, cut short.
func FuzzGzipHeader(f *testing.F) {
	f.Add("a line\n", []byte("x"), []byte("app.log"), []byte("a comment"), true, true, true, uint16(12))
	f.Add("", []byte(nil), []byte(nil), []byte(nil), false, false, false, uint16(0))
	f.Fuzz(func(t *testing.T, data string, extra, name, comment []byte, withExtra, withName, withComment bool, cut uint16) {
		if len(extra) > 65535 {
			extra = extra[:65535]
		}
		name = bytes.ReplaceAll(name, []byte{0}, []byte{1})
		comment = bytes.ReplaceAll(comment, []byte{0}, []byte{1})
		if !withExtra {
			extra = nil
		} else if extra == nil {
			extra = []byte{}
		}
		if !withName {
			name = nil
		} else if name == nil {
			name = []byte{}
		}
		if !withComment {
			comment = nil
		} else if comment == nil {
			comment = []byte{}
		}
		member := gzipMember(t, data, extra, name, comment, cut%2 == 0)
		c, notIt, out, err := decode(t, member)
		if c != Gzip || notIt != nil || err != nil || string(out) != data {
			t.Fatalf("whole: %v (%v), %q, %v", c, notIt, out, err)
		}
		n := 2 + int(cut)%(len(member)-2)
		c, notIt, out, err = decode(t, member[:n])
		if c != Gzip || notIt != nil || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.HasPrefix(data, string(out)) {
			t.Fatalf("cut at %d of %d: %v (%v), %q, %v", n, len(member), c, notIt, out, err)
		}
	})
}

// FuzzJudge: whatever the bytes, judging reads no more than it needs and
// consumes nothing; text is text byte for byte; what is taken for
// compressed started with that format's magic number and keeps to its
// header's rules, and decoding it never panics.
func FuzzJudge(f *testing.F) {
	f.Add([]byte("text\n"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03abc"))
	f.Add([]byte("\x28\xb5\x2f\xfd\x20\x05\x07\x00\x00"))
	f.Add(skippable([]byte("abc")))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, notIt, out, err := decode(t, data)
		switch {
		case c == None:
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("text: %q, %v", out, err)
			}
			if (notIt != nil) != (Detect(data) != None) {
				t.Fatalf("text with a magic number %v: reason %v", Detect(data), notIt)
			}
		case Detect(data) != c:
			t.Fatalf("taken for %v without its magic number", c)
		}
	})
}
