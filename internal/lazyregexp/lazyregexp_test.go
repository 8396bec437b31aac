package lazyregexp

import (
	"sync"
	"testing"
)

// TestLazy: the methods give what the compiled regexp gives, from any
// number of goroutines at once; a bad expression panics on first use, and
// in a test binary in New.
func TestLazy(t *testing.T) {
	r := New(`(\d+)-(\w+)`)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if !r.MatchString("x 12-ab y") || r.FindString("x 12-ab") != "12-ab" {
				t.Error("no match")
			}
		})
	}
	wg.Wait()
	if got := r.FindStringSubmatch("12-ab"); len(got) != 3 || got[2] != "ab" {
		t.Errorf("FindStringSubmatch = %q", got)
	}
	if got := r.ReplaceAllString("1-a 2-b", "$2"); got != "a b" {
		t.Errorf("ReplaceAllString = %q", got)
	}
	if got := New(`,\s*`).Split("a, b,c", -1); len(got) != 3 {
		t.Errorf("Split = %q", got)
	}
	if r.String() != `(\d+)-(\w+)` || r.Regexp().NumSubexp() != 2 {
		t.Errorf("String, Regexp = %q, %v", r.String(), r.Regexp())
	}
	for _, c := range []struct {
		name   string
		inTest bool
		use    func(*Regexp)
	}{
		{"first use", false, func(r *Regexp) { r.MatchString("") }},
		{"New in a test", true, func(*Regexp) {}},
	} {
		if !panics(func() { c.use(newIn(c.inTest, `(`)) }) {
			t.Errorf("%s: a bad expression did not panic", c.name)
		}
	}
	if panics(func() { newIn(false, `(`) }) {
		t.Error("New of a bad expression panicked outside a test")
	}
}

// newIn is New with inTest set to in.
func newIn(in bool, expr string) *Regexp {
	was := inTest
	inTest = in
	defer func() { inTest = was }()
	return New(expr)
}

func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}
