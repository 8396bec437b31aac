package matcher

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"regexp/syntax"
	"testing"
)

// TestWordBoundaryAt: wordBoundaryAt agrees with package regexp's \b at
// every position of random texts of ASCII, UTF-8 and invalid bytes.
func TestWordBoundaryAt(t *testing.T) {
	atStart := regexp.MustCompile(`^\b`)
	after := regexp.MustCompile(`^(?s:.)\b`)
	pieces := []string{"a", "Z", "9", "_", " ", "-", "=", "é", "日", "\xff", "\x80", "\n", ""}
	rng := rand.New(rand.NewPCG(7, 8))
	for iter := 0; iter < 3000; iter++ {
		var b []byte
		for n := rng.IntN(8); n > 0; n-- {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		for i := 0; i <= len(b); i++ {
			var want bool
			if i == 0 {
				want = atStart.Match(b)
			} else {
				want = after.Match(b[i-1:]) && len(after.Find(b[i-1:])) == 1
			}
			if got := wordBoundaryAt(b, i); got != want {
				t.Fatalf("wordBoundaryAt(%q, %d) = %v, regexp says %v", b, i, got, want)
			}
		}
	}
}

// TestStartsWithWordBoundary: only a regex every match of which begins
// with \b counts.
func TestStartsWithWordBoundary(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{`\bcode`, true},
		{`(?i)\berrorCode\s*[=:]\s*(\d+)`, true},
		{`(?P<x>\bcode)=1`, true},
		{`\bresult|\berror`, true},
		{`\bresult|error`, false},
		{`code\b`, false},
		{`x?\bcode`, false},
		{`\Bcode`, false},
		{`^code`, false},
	} {
		re, err := syntax.Parse(tc.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := startsWithWordBoundary(re.Simplify()); got != tc.want {
			t.Errorf("startsWithWordBoundary(%q) = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

// TestFirstBytes: the bytes a match can start with, or none known (every
// byte, or a regex that matches the empty text); and every match of the
// regex in random texts does start with one of them.
func TestFirstBytes(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want string // the set's bytes, in order; "-" for none known
	}{
		{`\{\s*errorCode:`, "{"},
		{`(?i)ab`, "Aa"},
		{`(?i)k=`, "Kk\xe2"}, // the Kelvin sign folds to k
		{`(?i)s:`, "Ss\xc5"}, // and the long s to s
		{`a*b`, "ab"},
		{`a?`, "-"},
		{`.x`, "-"},
		{`[a-c]x`, "abc"},
		{`(?:x|y)z`, "xy"},
		{`\bWARNING:\s+`, "W"},
		{`x{0,2}y`, "xy"},
		{`(?P<c>\d+)`, "0123456789"},
		{`é`, "-"},
		{`\b(?:ThrowException:|SoapUtilities\.)`, "ST"},
		{`<(?:[A-Za-z][\w.-]*:)?ErrorCode`, "<"},
		{`^$`, "-"},
	} {
		re, err := syntax.Parse(tc.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		var set byteSet
		nullable, ok := firstBytes(re.Simplify(), &set)
		got := "-"
		if ok && !nullable {
			got = ""
			for c := 0; c < 256; c++ {
				if set[c] {
					got += string([]byte{byte(c)})
				}
			}
		}
		if got != tc.want {
			t.Errorf("firstBytes(%q) = %q, want %q", tc.expr, got, tc.want)
			continue
		}
		if got == "-" {
			continue
		}
		rx := regexp.MustCompile(tc.expr)
		rng := rand.New(rand.NewPCG(3, 4))
		pieces := []string{"a", "b", "x", "y", "z", "K", "k", "\u212a", "s", "\u017f", "S", "=", ":", "{", " ", "errorCode:", "WARNING: ", "1", "<", "ErrorCode", "ThrowException:", "SoapUtilities."}
		for iter := 0; iter < 500; iter++ {
			var b []byte
			for n := rng.IntN(8); n > 0; n-- {
				b = append(b, pieces[rng.IntN(len(pieces))]...)
			}
			for _, loc := range rx.FindAllIndex(b, -1) {
				if !set[b[loc[0]]] {
					t.Fatalf("%q matches %q at %d, which starts with %q, not in the set", tc.expr, b, loc[0], b[loc[0]])
				}
			}
		}
	}
}

// TestFindAllFirstAgrees: for regex rules found from the bytes their
// matches start with (a few bytes, or more, by table; with and without
// \b), findAll returns what the plain regex does, also on texts with more
// possible starts than are tried one by one.
func TestFindAllFirstAgrees(t *testing.T) {
	t.Parallel()
	m := matcherWith(t, `rules:
  - id: user.wide
    system: wusp
    code_type: integer
    regex: '[a-e]x\s*code=\s*(?P<code>\d+)'
    literals: ['code=']
  - id: user.fold
    system: wusp
    code_type: integer
    regex: '(?i)\bkey\s*code=\s*(?P<code>\d+)'
    literals: ['code=']
  - id: user.span
    system: wusp
    code_type: integer
    regex: 'f:.*code=(?P<code>\d+)'
    literals: ['code=']
`)
	pieces := []string{"a", "bx", "cx ", "dx", "ex", "key", "KEY", "\u212aey ", "xkey", " ", "code=", "7", "f:", "c=", "é", "\xff", "12"}
	rng := rand.New(rand.NewPCG(5, 6))
	checked := map[string]int{}
	for iter := 0; iter < 20000; iter++ {
		var b []byte
		for n := rng.IntN(16); n > 0; n-- {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		for _, r := range m.text {
			if r.first == nil || r.ID == "" || r.ID[:5] != "user." {
				continue
			}
			checked[r.ID]++
			got := r.findAll(b, nil)
			want := r.Regexp.FindAllSubmatchIndex(b, -1)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("rule %s on %q:\n got %v\nwant %v", r.ID, b, got, want)
			}
		}
	}
	if len(checked) != 3 {
		t.Fatalf("rules found from their first bytes: %v, want the 3 user rules", checked)
	}
}
