package catalog

import (
	"strings"
	"testing"
	"unicode"
)

// foldSpaceRunes is foldSpace as it was before its ASCII fast path: the
// reference the fast path is held to.
func foldSpaceRunes(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func FuzzFoldSpace(f *testing.F) {
	for _, s := range []string{"", " A  b\t\nC\v\f\r ", "Host Not Available.", "x\x00y\x7fZ", "ÉTÉ  été", "\xff A", "  ", "a\u0085b\u00a0c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := foldSpace(s), foldSpaceRunes(s); got != want {
			t.Fatalf("foldSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
