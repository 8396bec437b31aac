package matcher

import (
	"bytes"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/rules"
)

// TestCandidates builds blocks of accuracy lines and quiet lines, LF or CRLF
// ended, the last with or without LF, and checks that Candidates returns
// exactly the lines holding a gate literal, each whole with its LF, in
// order; and that every other line has no annotation.
func TestCandidates(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(cat, rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(set, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pool := []string{"", "plain text", "GET /health 200", "\xff\x00 binary"}
	for _, c := range append(append([]accCase{}, accCases...), accCollisionCases()...) {
		pool = append(pool, c.line)
	}
	rng := rand.New(rand.NewSource(12))
	candidates := 0
	for round := 0; round < 300; round++ {
		var lines []string // each with its terminator
		for n := rng.Intn(20); n >= 0; n-- {
			if l := pool[rng.Intn(len(pool))]; !strings.Contains(l, "\n") {
				lines = append(lines, l+[]string{"\n", "\r\n"}[rng.Intn(2)])
			}
		}
		if len(lines) > 0 && rng.Intn(2) == 0 {
			// A last line without LF.
			lines[len(lines)-1] = strings.TrimRight(lines[len(lines)-1], "\r\n")
		}
		b := []byte(strings.Join(lines, ""))
		var want [][2]int
		off := 0
		for _, l := range lines {
			body := bytes.TrimSuffix(bytes.TrimSuffix([]byte(l), []byte("\n")), []byte("\r"))
			if m.gate.Contains(body) {
				want = append(want, [2]int{off, off + len(l)})
			} else if anns := m.Match(body); anns != nil {
				t.Fatalf("line %q without a gate literal has annotations %v", l, anns)
			}
			off += len(l)
		}
		var got [][2]int
		c := m.Candidates(b)
		for {
			s, e, ok := c.Next()
			if !ok {
				break
			}
			got = append(got, [2]int{s, e})
		}
		if _, _, ok := c.Next(); ok {
			t.Fatal("Next found a candidate after reporting none")
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("block %q:\n got %v\nwant %v", b, got, want)
		}
		candidates += len(got)
	}
	if candidates < 300 {
		t.Fatalf("only %d candidate lines: the blocks do not exercise the gate", candidates)
	}
}

// TestLastNewline puts a line break at every place of the words
// lastNewline tests at once, with bytes next to '\n' in value around it.
func TestLastNewline(t *testing.T) {
	for n := 0; n < 40; n++ {
		for at := -1; at < n; at++ {
			for _, fill := range []byte{'a', '\t', '\v', 0, 0xff} {
				b := bytes.Repeat([]byte{fill}, n)
				if at >= 0 {
					b[at] = '\n'
				}
				if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
					t.Fatalf("lastNewline(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}

func FuzzLastNewline(f *testing.F) {
	f.Add([]byte("ab\ncdefghijklmnop\nqrs"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := lastNewline(b), bytes.LastIndexByte(b, '\n'); got != want {
			t.Fatalf("lastNewline(%q) = %d, want %d", b, got, want)
		}
	})
}
