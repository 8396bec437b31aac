package textui

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// TestEscape: what would control a terminal is written visibly; text, tab,
// line feed, valid UTF-8 and other invalid bytes are kept.
func TestEscape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"plain text\tand tab\n", "plain text\tand tab\n"},
		{"esc \x1b[31mRED\x1b[0m", `esc \x1b[31mRED\x1b[0m`},
		{"title \x1b]0;TITLE\x07 done", `title \x1b]0;TITLE\x07 done`},
		{"bare\rCR", `bare\rCR`},
		{"crlf\r\nline\r\r\n", "crlf\r\nline\\r\r\n"},
		{"nul\x00 bs\x08 del\x7f ff\x0c", `nul\x00 bs\x08 del\x7f ff\x0c`},
		{"raw c1 \x9b31m", `raw c1 \x9b31m`},
		{"c1 char \u009b31m", `c1 char \u009b31m`},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200f \u061c", `bidi \u202eevil\u202c \u2066x\u2069 \u200f \u061c`},
		{"héllo wörld ✓ 日本", "héllo wörld ✓ 日本"},
		{"invalid \xff\xfe \xc3", "invalid \xff\xfe \xc3"},
		{"\u2028 line separator kept", "\u2028 line separator kept"},
	} {
		got := Escape(nil, []byte(c.in), false)
		if string(got) != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if NeedsEscape([]byte(c.in)) != (c.in != c.want) {
			t.Errorf("NeedsEscape(%q) = %v", c.in, !(c.in != c.want))
		}
	}
	if got := string(Escape(nil, []byte("a\x1bb"), true)); got != "a"+Reverse+`\x1b`+Reset+"b" {
		t.Errorf("in colour: %q", got)
	}
}

// FuzzEscape: whatever the input, the escaped text holds no
// byte or character that controls a terminal (but tab, line feed and
// the CR of a CRLF).
func FuzzEscape(f *testing.F) {
	f.Add([]byte("esc \x1b[31m \u202e \x9b \r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := Escape(nil, b, false)
		for i := 0; i < len(out); {
			c := out[i]
			crlf := c == '\r' && i+1 < len(out) && out[i+1] == '\n'
			if c < 0x20 && c != '\t' && c != '\n' && !crlf || c == 0x7f || c >= 0x80 && c <= 0x9f {
				t.Fatalf("%q escaped to %q: byte %#x at %d", b, out, c, i)
			}
			r, n := utf8.DecodeRune(out[i:])
			if r != utf8.RuneError && controlRune(r) {
				t.Fatalf("%q escaped to %q: %U at %d", b, out, r, i)
			}
			i += n
		}
		if !NeedsEscape(b) && !bytes.Equal(out, b) {
			t.Fatalf("%q changed to %q", b, out)
		}
	})
}

// TestCut: a character cut at the end of a piece is held back, whole ones
// and ASCII are not.
func TestCut(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		"abc": 0, "a\xe2": 1, "a\xe2\x80": 2, "a\u202e": 0, "a\xf0\x9f\x98": 3, "é": 0, "a\xc3": 1, "\x80\x80": 0,
	} {
		if got := Cut([]byte(in)); got != want {
			t.Errorf("Cut(%q) = %d, want %d", in, got, want)
		}
	}
}
