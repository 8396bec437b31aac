package prefilter

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
)

// scanPaths are the ways a Set can scan on this machine: the scalar scans
// and every SIMD kernel the CPU runs, with 8 and with 16 buckets (if there
// are more than 8 windows). force builds the SIMD filter even where it
// would not pay, so that it is tested on every literal set.
type scanPath struct {
	name string
	opts buildOpts
}

func scanPaths() []scanPath {
	paths := []scanPath{{"scalar", buildOpts{kernel: kernelNone}}}
	for _, k := range cpuKernels {
		for _, nb := range []int{8, 16} {
			paths = append(paths, scanPath{fmt.Sprintf("%v/%d", k, nb), buildOpts{kernel: k, force: true, buckets: nb}})
		}
	}
	return paths
}

func TestSIMDAvailable(t *testing.T) {
	t.Logf("SIMD kernels on this CPU: %v (default %v)", cpuKernels, defaultKernel)
}

// randomLiterals returns n literals of length 1 to maxLen over alphabet,
// each fold with probability 1/2.
func randomLiterals(rng *rand.Rand, n, minLen, maxLen int, alphabet string) (fold, exact []string) {
	for i := 0; i < n; i++ {
		l := make([]byte, minLen+rng.Intn(maxLen-minLen+1))
		for j := range l {
			l[j] = alphabet[rng.Intn(len(alphabet))]
		}
		if rng.Intn(2) == 0 {
			fold = append(fold, string(l))
		} else {
			exact = append(exact, string(l))
		}
	}
	return fold, exact
}

// randomText returns n bytes: mostly pieces of lits in random case, the
// rest random bytes from alphabet or any byte.
func randomText(rng *rand.Rand, n int, lits []string, alphabet string) []byte {
	b := make([]byte, 0, n+16)
	for len(b) < n {
		switch r := rng.Intn(10); {
		case r < 3 && len(lits) > 0:
			l := lits[rng.Intn(len(lits))]
			i, j := rng.Intn(len(l)+1), rng.Intn(len(l)+1)
			if i > j {
				i, j = j, i
			}
			if rng.Intn(3) == 0 {
				i = 0
				j = len(l)
			}
			for _, c := range []byte(l[i:j]) {
				if rng.Intn(4) == 0 {
					c ^= 0x20 * byte(rng.Intn(2))
				}
				b = append(b, c)
			}
		case r < 9:
			b = append(b, alphabet[rng.Intn(len(alphabet))])
		default:
			b = append(b, byte(rng.Intn(256)))
		}
	}
	return b[:n]
}

// TestKernelAgainstEmulation checks each SIMD kernel's candidate masks,
// step by step, against bucketsAt (the filter computed one position at a
// time in Go) on random literal sets, with 8 and 16 buckets, and for AVX2
// with tables for ASCII only and for any byte.
func TestKernelAgainstEmulation(t *testing.T) {
	if len(cpuKernels) == 0 {
		t.Skip("no SIMD kernel on this CPU")
	}
	t.Parallel()
	rng := rand.New(rand.NewSource(2))
	const ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_:=<>\"{}\x00\x7f"
	const anyByte = ascii + "\x80\xc3\xa9\xff"
	var seen [2][2]bool // [16 buckets][ascii tables]
	for iter := 0; iter < 400; iter++ {
		alphabet, minLen := anyByte, 1
		if iter%2 == 0 {
			alphabet, minLen = ascii, 4
		}
		n := 1 + rng.Intn(6)
		if iter%4 < 2 {
			n = 9 + rng.Intn(60)
		}
		fold, exact := randomLiterals(rng, n, minLen, 8, alphabet)
		all := append(append([]string{}, fold...), exact...)
		text := randomText(rng, minKernelLen+rng.Intn(400), all, anyByte)
		for _, k := range cpuKernels {
			s := newAll(fold, exact, buildOpts{kernel: k, force: true, buckets: 16})
			td := *s.teddy
			seen[td.buckets/16][b2i(td.ascii)] = true
			checkKernel(t, &td, text, fold, exact)
			if td.ascii {
				td.ascii = false // the tables work with either kernel
				checkKernel(t, &td, text, fold, exact)
			}
		}
	}
	if !seen[0][0] || !seen[0][1] || !seen[1][0] || !seen[1][1] {
		t.Errorf("kernels not all tested: [16 buckets][ascii] = %v", seen)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkKernel checks td's kernel over text against bucketsAt.
func checkKernel(t *testing.T, td *teddy, text []byte, fold, exact []string) {
	t.Helper()
	for i := 0; len(text)-i >= minKernelLen; {
		off, cand := td.scan(text[i:])
		for q := i; q < i+off; q++ {
			if td.bucketsAt(text, q) != 0 {
				t.Fatalf("%v, %d buckets, ascii %v: position %d skipped, but buckets %b pass it (fold %q exact %q text %q)", td.kernel, td.buckets, td.ascii, q, td.bucketsAt(text, q), fold, exact, text)
			}
		}
		if cand == 0 {
			if rest := len(text) - (i + off); rest >= minKernelLen || rest < 0 || off%step != 0 {
				t.Fatalf("%v: stopped at %d of %d", td.kernel, i+off, len(text))
			}
			break
		}
		for j := 0; j < step; j++ {
			want := td.bucketsAt(text, i+off+j) != 0
			if got := cand&(1<<j) != 0; got != want {
				t.Fatalf("%v, %d buckets, ascii %v: position %d candidate=%v, want %v (fold %q exact %q text %q)", td.kernel, td.buckets, td.ascii, i+off+j, got, want, fold, exact, text)
			}
		}
		i += off + step
	}
}

// TestFilterPassesLiterals checks the filter's promise that verification
// relies on: every occurrence of every literal is a candidate at its
// window, however the literals were bucketed.
func TestFilterPassesLiterals(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(3))
	for _, k := range []kernel{kernelAVX2, kernelVBMI} { // the tables are built anywhere
		for iter := 0; iter < 200; iter++ {
			fold, exact := randomLiterals(rng, 1+rng.Intn(80), 1, 10, "abcdefghijklmnopqrstuvwxyzABC0123:-\x80\xe9")
			s := newAll(fold, exact, buildOpts{kernel: k, force: true})
			for _, e := range s.teddy.ents {
				l := s.lits[e.lit]
				for v := 0; v < 4; v++ { // case variants
					text := append([]byte{}, l.text...)
					if l.fold {
						for i := range text {
							if rng.Intn(2) == 0 {
								text[i] = upper(text[i])
							}
						}
					}
					if s.teddy.bucketsAt(text, int(e.off)) == 0 {
						t.Fatalf("%v: literal %q (fold %v) in %q fails the filter at its window %d", k, l.text, l.fold, text, e.off)
					}
				}
			}
		}
	}
}

// large says to run the large versions of the tests that have one
// (ERRTAG_TEST_LARGE=1, as CI does); by default each runs a quick version
// of the same promise.
func large() bool { return os.Getenv("ERRTAG_TEST_LARGE") != "" }

// TestPathsAgree runs Index, Contains, FindAll and a Cursor on every scan
// path over random literal sets and texts, against brute force.
func TestPathsAgree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(4))
	alphabets := []string{
		"abcdefgh",                       // dense: many candidates
		"abcdefghijklmnopqrstuvwxyz -:=", // text-like
		"aAbB\x00\x80\xe1\xc1",           // bytes differing only in case or bit 7
	}
	iters := 120 // FuzzScan explores further
	if large() {
		iters = 400
	}
	for iter := 0; iter < iters; iter++ {
		alphabet := alphabets[iter%len(alphabets)]
		n := 1 + rng.Intn(8)
		if iter%4 == 0 {
			n = 9 + rng.Intn(100)
		}
		minLen := 1 + rng.Intn(3)
		fold, exact := randomLiterals(rng, n, minLen, minLen+rng.Intn(12), alphabet)
		all := append(append([]string{}, fold...), exact...)
		text := randomText(rng, rng.Intn(600), all, alphabet)
		checkPaths(t, fold, exact, text)
	}
}

// checkPaths checks every scan path's answers for one set and text.
func checkPaths(t *testing.T, fold, exact []string, text []byte) {
	t.Helper()
	newPathSets(fold, exact).check(t, text)
}

// pathSets are one literal set built for every scan path, by NewMixed and
// by NewAll.
type pathSets struct {
	fold, exact []string // as given
	paths       []scanPath
	mixed, all  []*Set
}

func newPathSets(fold, exact []string) *pathSets {
	ps := &pathSets{fold: fold, exact: exact, paths: scanPaths()}
	for _, p := range ps.paths {
		ps.mixed = append(ps.mixed, newMixed(fold, exact, p.opts))
		ps.all = append(ps.all, newAll(fold, exact, p.opts))
	}
	return ps
}

// check compares each path's Index, Contains, Cursor and FindAll on text
// with brute force.
func (ps *pathSets) check(t *testing.T, text []byte) {
	t.Helper()
	for pi, p := range ps.paths {
		s := ps.mixed[pi]
		// NewMixed drops literals containing others: the positions
		// reported are those of the literals kept.
		fold, exact := kept(s)
		want := naive(text, fold, exact)
		if got := s.Index(text); got != want {
			t.Fatalf("%s: Index = %d, want %d\nfold %q\nexact %q\ntext %q", p.name, got, want, fold, exact, text)
		}
		if got := s.Contains(text); got != (want >= 0) {
			t.Fatalf("%s: Contains = %v, want %v\nfold %q\nexact %q\ntext %q", p.name, got, want >= 0, fold, exact, text)
		}
		c := s.NewCursor(text)
		for pos := 0; pos <= len(text); pos += 1 + len(text)/20 {
			want := naive(text[pos:], fold, exact)
			if want >= 0 {
				want += pos
			}
			if got := c.Next(pos); got != want {
				t.Fatalf("%s: Next(%d) = %d, want %d\nfold %q\nexact %q\ntext %q", p.name, pos, got, want, fold, exact, text)
			}
		}
		if got := c.Next(0); got != want { // back to the start
			t.Fatalf("%s: Next(0) after the walk = %d, want %d\nfold %q\nexact %q\ntext %q", p.name, got, want, fold, exact, text)
		}
		a := ps.all[pi]
		found := make([]bool, a.Len())
		any := a.FindAll(text, found)
		wantAny := false
		lb := asciiLower(text)
		for i := range found {
			var want bool
			if i < len(ps.fold) {
				want = bytes.Contains(lb, asciiLower([]byte(ps.fold[i])))
			} else {
				want = bytes.Contains(text, []byte(ps.exact[i-len(ps.fold)]))
			}
			wantAny = wantAny || want
			if found[i] != want {
				t.Fatalf("%s: FindAll: literal %d (%q) found=%v, want %v\nfold %q\nexact %q\ntext %q", p.name, i, a.Literals()[i], found[i], want, ps.fold, ps.exact, text)
			}
		}
		if any != wantAny {
			t.Fatalf("%s: FindAll = %v, want %v", p.name, any, wantAny)
		}
		// EachHit: every occurrence of every literal, once.
		got := map[[2]int]int{}
		a.EachHit(text, func(start, li int) bool {
			got[[2]int{start, li}]++
			return true
		})
		lits := a.Literals()
		for li, l := range lits {
			for st := 0; st+len(l) <= len(text); st++ {
				var at bool
				if li < len(ps.fold) {
					at = bytes.Equal(lb[st:st+len(l)], []byte(l))
				} else {
					at = string(text[st:st+len(l)]) == l
				}
				if at && got[[2]int{st, li}] != 1 || !at && got[[2]int{st, li}] != 0 {
					t.Fatalf("%s: EachHit reported literal %d (%q) at %d %d times, want %v\nfold %q\nexact %q\ntext %q", p.name, li, l, st, got[[2]int{st, li}], at, ps.fold, ps.exact, text)
				}
				delete(got, [2]int{st, li})
			}
		}
		for k := range got {
			t.Fatalf("%s: EachHit reported literal %d at %d, which is not there", p.name, k[1], k[0])
		}
	}
}

// TestPathsAgreeOnGates runs the matcher's gate literal sets (built-in and
// with 500 rules) over generated log lines and over the same lines with
// literals planted at every alignment, including the last bytes of the
// input.
func TestPathsAgreeOnGates(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(5))
	for _, bs := range benchSets {
		fold, exact := gateLiterals(t, bs.file)
		ps := newPathSets(fold, exact)
		all := append(append([]string{}, fold...), exact...)
		iters := 4
		if large() {
			iters = 12
		}
		for iter := 0; iter < iters; iter++ {
			text := randomText(rng, 100+rng.Intn(300), all, "abcdefghijklmnopqrstuvwxyz -:=")
			ps.check(t, text)
			l := all[rng.Intn(len(all))]
			if iter%2 == 1 {
				l = strings.ToUpper(l) // still found when fold
			}
			for end := len(l); end <= len(text); end += 1 + rng.Intn(15) {
				b := append(append([]byte{}, text[:end-len(l)]...), l...)
				ps.check(t, b)
			}
		}
	}
}

// TestTeddyChosen checks that the SIMD filter is used for the sets it is
// built for (the gate sets) and not for sets it would serve badly.
func TestTeddyChosen(t *testing.T) {
	if len(cpuKernels) == 0 {
		t.Skip("no SIMD kernel on this CPU")
	}
	for _, k := range cpuKernels {
		for _, bs := range benchSets {
			fold, exact := gateLiterals(t, bs.file)
			s := newMixed(fold, exact, buildOpts{kernel: k})
			if s.teddy == nil {
				t.Errorf("%v %s: scalar scan chosen", k, bs.name)
				continue
			}
			t.Logf("%v %s: %d literals, window %d, %d buckets, estimated rate %.5f", k, bs.name, len(s.lits), s.teddy.win, s.teddy.buckets, s.teddy.rate)
		}
		var lots []string
		for c := 'a'; c <= 'z'; c++ {
			lots = append(lots, fmt.Sprintf("%c", c))
		}
		if s := newMixed(lots, nil, buildOpts{kernel: k}); s.teddy != nil {
			t.Errorf("%v: SIMD filter for every letter (estimated rate %.3f)", k, s.teddy.rate)
		}
	}
}

// kept returns the literals of s, fold and exact.
func kept(s *Set) (fold, exact []string) {
	for _, l := range s.lits {
		if l.fold {
			fold = append(fold, string(l.text))
		} else {
			exact = append(exact, string(l.text))
		}
	}
	return fold, exact
}

// BenchmarkKernel runs each SIMD kernel alone over 1 MB with no candidate
// in it: the filter's top speed, with 8 and 16 buckets (and for AVX2 with
// the tables for any byte, "any", or for ASCII only).
func BenchmarkKernel(b *testing.B) {
	data := bytes.Repeat([]byte{'#'}, 1<<20)
	for _, k := range cpuKernels {
		for _, bs := range benchSets {
			fold, exact := gateLiterals(b, bs.file)
			s := newMixed(fold, exact, buildOpts{kernel: k})
			for _, ascii := range []bool{false, true} {
				if ascii && (k != kernelAVX2 || !s.teddy.ascii) {
					continue
				}
				t := *s.teddy
				t.ascii = ascii
				name := fmt.Sprintf("%s/%v/%d", bs.name, k, t.buckets)
				if k == kernelAVX2 && !ascii {
					name += "/any"
				}
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(len(data)))
					for b.Loop() {
						if _, cand := t.scan(data); cand != 0 {
							b.Fatal("candidate")
						}
					}
				})
			}
		}
	}
}

// bucketsAt returns the buckets whose filter passes position p of b (bytes
// past the end of b read as 0): what the kernel computes, one position at a
// time: the oracle the kernels are checked against.
func (t *teddy) bucketsAt(b []byte, p int) uint16 {
	r := uint16(0xFFFF)
	if t.buckets == 8 {
		r = 0xFF
	}
	for k := 0; k < maxWindow; k++ {
		var c byte
		if p+k < len(b) {
			c = b[p+k]
		}
		switch {
		case t.nib != nil:
			m := &t.nib[k]
			r &= uint16(m[0][0][c&15]&m[1][0][c>>4]) | uint16(m[0][1][c&15]&m[1][1][c>>4])<<8
			if t.ascii && c >= 0x80 {
				r = 0 // VPSHUFB on the byte itself
			}
		case t.byt != nil:
			m := &t.byt[k]
			r &= uint16(m[0][c&0x7f]) | uint16(m[1][c&0x7f])<<8
		}
	}
	return r
}
