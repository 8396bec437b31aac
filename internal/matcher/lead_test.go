package matcher

import (
	"math/rand/v2"
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
