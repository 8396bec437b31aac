package prefilter

import (
	"bytes"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// asciiLower is b with ASCII upper-case letters in lower case (and
// nothing else changed, unlike bytes.ToLower, which rewrites invalid
// UTF-8).
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// naive is the definition Index must agree with.
func naive(b []byte, fold, exact []string) int {
	lb := asciiLower(b)
	best := -1
	for _, l := range fold {
		if i := bytes.Index(lb, asciiLower([]byte(l))); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	for _, e := range exact {
		if i := bytes.Index(b, []byte(e)); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

func TestIndexTable(t *testing.T) {
	fold := []string{"vmxsync", "voltmx", "volt mx", "drupal", "knox", "efota", "e-fota"}
	exact := []string{"errorCode", "ErrorCode:"}
	s := NewMixed(fold, exact)
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", -1},
		{"nothing here", -1},
		{"E EFOTA: x", 2},
		{"[VMXSync] errorCode=1", 1},
		{"x errorcode=1", -1}, // exact literal: case matters
		{"x errorCode=1", 2},
		{"Volt MX and drupal", 0},
		{"samsungKNOX", 7},
		{"e-fota", 0},
		{"xx e-FOTA", 3},
		{"efot", -1},
		{"WARNING: ErrorCode:X", 9},
	} {
		if got := s.Index([]byte(c.in)); got != c.want {
			t.Errorf("Index(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	if got := strings.Join(New([]string{"code", "errorcode", "Code", "resultcode"}).Literals(), ","); got != "code" {
		t.Errorf("redundant literals kept: %s", got)
	}
}

// TestCursorAgreesWithNaive checks Index, a Cursor walking a block and
// FindAll, in both scan modes, on random text built from pieces of the
// literals, against brute force.
func TestCursorAgreesWithNaive(t *testing.T) {
	sets := []struct {
		name        string
		fold, exact []string
		pairs       bool
	}{
		{"anchors", []string{"knox", "efota", "e-fota", "xo"}, []string{"errorCode", "Code>"}, false},
		{"pairs", []string{"knox", "efota", "e-fota", "drupal", "xo", "abcab", "q", "zz"}, []string{"errorCode", "Code>", "ab", "K"}, true},
	}
	pieces := []string{"k", "no", "x", "KNO", "X", "e", "-", "f", "OTA", "ota", "dru", "PAL", "error", "Code", ">", "a", "b", "c", " ", "\n", "ab", "AB", "q", "Q", "z", "K"}
	for _, set := range sets {
		rng := rand.New(rand.NewSource(1))
		s := NewMixed(set.fold, set.exact)
		all := NewAll(set.fold, set.exact)
		if s.pairs != set.pairs || all.pairs != set.pairs {
			t.Fatalf("%s: pair mode %v/%v, want %v", set.name, s.pairs, all.pairs, set.pairs)
		}
		for iter := 0; iter < 3000; iter++ {
			var sb strings.Builder
			for n := rng.Intn(40); n > 0; n-- {
				sb.WriteString(pieces[rng.Intn(len(pieces))])
			}
			b := []byte(sb.String())
			if got, want := s.Index(b), naive(b, set.fold, set.exact); got != want {
				t.Fatalf("%s: Index(%q) = %d, want %d", set.name, b, got, want)
			}
			c := s.NewCursor(b)
			for pos := 0; pos <= len(b); pos += 1 + rng.Intn(3) {
				want := naive(b[pos:], set.fold, set.exact)
				if want >= 0 {
					want += pos
				}
				if got := c.Next(pos); got != want {
					t.Fatalf("%s: Cursor(%q).Next(%d) = %d, want %d", set.name, b, pos, got, want)
				}
			}
			found := make([]bool, all.Len())
			all.FindAll(b, found)
			for i, l := range append(append([]string{}, set.fold...), set.exact...) {
				var want bool
				if i < len(set.fold) {
					want = naive(b, []string{l}, nil) >= 0
				} else {
					want = naive(b, nil, []string{l}) >= 0
				}
				if found[i] != want {
					t.Fatalf("%s: FindAll(%q): literal %q found=%v, want %v", set.name, b, l, found[i], want)
				}
			}
		}
	}
}

// TestFoldIsASCII checks that folding is ASCII only, in the literals as in
// the text: a non-ASCII letter matches only itself, and invalid UTF-8 in a
// literal is matched byte for byte.
func TestFoldIsASCII(t *testing.T) {
	for _, c := range []struct {
		lit, in string
		want    bool
	}{
		{"CAFÉ", "at cafÉ", true},
		{"CAFÉ", "at CAFÉ", true},
		{"CAFÉ", "at café", false},
		{"a\xffb", "xA\xffB", true},
		{"a\xffb", "xa\uFFFDb", false},
	} {
		if got := New([]string{c.lit}).Contains([]byte(c.in)); got != c.want {
			t.Errorf("New(%q).Contains(%q) = %v, want %v", c.lit, c.in, got, c.want)
		}
		found := make([]bool, 1)
		if got := NewAll([]string{c.lit}, nil).FindAll([]byte(c.in), found); got != c.want {
			t.Errorf("NewAll(%q).FindAll(%q) = %v, want %v", c.lit, c.in, got, c.want)
		}
	}
}

// TestEmptyLiteral checks that NewAll keeps an empty literal, which occurs
// everywhere (as bytes.Index says), instead of panicking.
func TestEmptyLiteral(t *testing.T) {
	s := NewAll([]string{"knox", ""}, []string{"Code"})
	found := make([]bool, 3)
	if !s.FindAll([]byte("x Code"), found) || found[0] || !found[1] || !found[2] {
		t.Errorf("FindAll = %v, want [false true true]", found)
	}
	if !s.Contains(nil) || s.Index([]byte("abc")) != 0 || s.NewCursor([]byte("abc")).Next(2) != 2 {
		t.Error("an empty literal does not occur everywhere")
	}
	if got := NewMixed([]string{""}, nil).Len(); got != 0 {
		t.Errorf("NewMixed kept an empty literal: Len = %d", got)
	}
}

// redundantNaive is the definition dropRedundant must agree with: lits[i]
// is dropped when another literal occurs wherever it does (a case-folded
// one it contains ignoring case, or an exact one it contains exactly,
// being exact itself); of two equal literals the first is kept.
func redundantNaive(i int, lits []literal) bool {
	l := lits[i]
	for j, m := range lits {
		if j == i || len(m.text) == 0 || len(m.text) > len(l.text) {
			continue
		}
		var implied bool
		switch {
		case m.fold:
			implied = bytes.Contains(asciiLower(l.text), m.text)
		case !l.fold:
			implied = bytes.Contains(l.text, m.text)
		}
		if !implied {
			continue
		}
		if m.fold == l.fold && bytes.Equal(m.text, l.text) && j > i {
			continue // equal literals: keep the first
		}
		return true
	}
	return false
}

func TestDropRedundant(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	for iter := 0; iter < 3000; iter++ {
		var lits []literal
		for n := rng.Intn(12); n > 0; n-- {
			b := make([]byte, rng.Intn(5))
			for k := range b {
				b[k] = "aAbB-"[rng.Intn(5)]
			}
			if rng.Intn(2) == 0 {
				lits = append(lits, literal{text: asciiLower(b), fold: true})
			} else {
				lits = append(lits, literal{text: b})
			}
		}
		var want []literal
		for i, l := range lits {
			if len(l.text) > 0 && !redundantNaive(i, lits) {
				want = append(want, l)
			}
		}
		if got := dropRedundant(lits); !reflect.DeepEqual(got, want) {
			t.Fatalf("dropRedundant(%v) = %v, want %v", lits, got, want)
		}
	}
}
