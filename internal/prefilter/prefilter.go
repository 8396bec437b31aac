// Package prefilter finds ASCII literals in blocks of bytes: the cheap scan
// that decides which lines are worth running rules on. Most log lines carry
// no error, and they are passed over here in bulk.
//
// Literals are either case-folded (matched ignoring ASCII case: the marker
// words) or exact (JSON keys, case-sensitive regexes). A Set scans in one of
// three ways, chosen when it is built:
//
//   - teddy: on amd64 CPUs with AVX2 or AVX-512 VBMI, a SIMD filter tests
//     64 positions at a time for where a literal may start, and the few
//     candidates are verified exactly (see the teddy type). Its cost hardly
//     grows with the number of literals. The scalar scans below are used on
//     other CPUs, under the purego build tag, for sets with an empty
//     literal, and for sets the filter would serve badly (short or common
//     literals: many candidates).
//   - anchors: each literal is found through its rarest byte, with one
//     vectorised bytes.IndexByte pass per distinct anchor byte. Fastest
//     scalar scan for the few literals of the built-in rules.
//   - pairs: one pass over the block testing each byte pair, case-folded,
//     against a 64K-bit table of the literals' first two bytes. Its cost does
//     not grow with the number of literals, which keeps hundreds of rules
//     cheap.
//
// The SIMD kernel is chosen once, by CPU feature (golang.org/x/sys/cpu).
// GODEBUG=cpu.avx512f=off leaves AVX2; cpu.avx2=off leaves the scalar
// scans (and slows the runtime's own byte searches); the purego build tag
// builds without the assembly.
package prefilter

import (
	"bytes"
	"strings"
)

// maxAnchorPasses is the most IndexByte passes the anchor scan may need
// before the single-pass pair scan is used instead.
const maxAnchorPasses = 8

// literal is one literal: lower case when fold.
type literal struct {
	text []byte
	fold bool
}

// Set is a compiled set of literals. It is read-only and safe for concurrent
// use.
type Set struct {
	lits  []literal
	lower [256]byte
	pairs bool   // the scan mode, unless teddy is set
	teddy *teddy // the SIMD scan, if the set uses it
	// empty lists the empty literals (NewAll keeps them): they occur
	// everywhere.
	empty []int

	// anchor mode
	anchors []anchor
	maxOff  int

	// pair mode: pairBits has a bit per case-folded first byte pair;
	// pairCands[pairStart[k]:pairStart[k+1]] are the literals starting
	// with pair k. Literals of one byte are in single.
	pairBits  []uint64
	pairStart []uint32
	pairCands []int32
	single    []int32
}

// anchor is a byte to scan for and the literals it may belong to.
type anchor struct {
	b     byte
	cands []candidate
}

type candidate struct {
	lit int // index into lits
	off int // position of the anchor byte in the literal
}

// rarity ranks bytes by how seldom they occur in log text: lower is rarer.
// Letters follow English letter frequency; digits, spaces and the
// punctuation of timestamps and key=value pairs are the most common.
func rarity(b byte) int {
	const letters = "zqjxkvbywgpfmucdlhrsnioate" // rarest first
	switch {
	case 'a' <= b && b <= 'z':
		return 10 + strings.IndexByte(letters, b)
	case 'A' <= b && b <= 'Z':
		return 10 + strings.IndexByte(letters, b+'a'-'A')
	case '0' <= b && b <= '9', b == ' ', b == ':', b == '-', b == '.', b == '=', b == '/', b == '"', b == ',':
		return 60
	case b >= 0x80:
		return 5
	}
	return 30 // other punctuation: fairly rare
}

// defaultKernel is the SIMD kernel Sets use: the best this CPU runs.
var defaultKernel = func() kernel {
	if len(cpuKernels) > 0 {
		return cpuKernels[0]
	}
	return kernelNone
}()

// New compiles lits, matched ignoring ASCII case.
func New(lits []string) *Set { return NewMixed(lits, nil) }

// NewMixed compiles fold, literals matched ignoring ASCII case, and exact,
// literals matched in their own case. A literal that contains another is
// dropped, since the shorter one finds everything the longer one would.
// Use it for Index, Contains and Cursor.
func NewMixed(fold, exact []string) *Set {
	return newMixed(fold, exact, buildOpts{kernel: defaultKernel})
}

// buildOpts choose a Set's scan: the SIMD kernel, or kernelNone for the
// scalar scans; force uses the kernel even where it would not pay (tests).
type buildOpts struct {
	kernel  kernel
	force   bool
	buckets int // 8 or 16 buckets if there are more than 8 groups; 0: as they pay
}

func newMixed(fold, exact []string, o buildOpts) *Set {
	var lits []literal
	for _, l := range fold {
		lits = append(lits, literal{text: foldASCII(l), fold: true})
	}
	for _, l := range exact {
		lits = append(lits, literal{text: []byte(l)})
	}
	return build(dropRedundant(lits), o)
}

// NewAll compiles fold and exact literals keeping every one, in that order
// (fold first), so that FindAll can say which of them occur.
func NewAll(fold, exact []string) *Set { return newAll(fold, exact, buildOpts{kernel: defaultKernel}) }

func newAll(fold, exact []string, o buildOpts) *Set {
	var lits []literal
	for _, l := range fold {
		lits = append(lits, literal{text: foldASCII(l), fold: true})
	}
	for _, l := range exact {
		lits = append(lits, literal{text: []byte(l)})
	}
	return build(lits, o)
}

// dropRedundant returns lits without the empty ones and those another
// literal implies: a literal is dropped when another occurs wherever it
// does (a case-folded one it contains ignoring case, or an exact one it
// contains exactly, being exact itself). Of two equal literals the first
// is kept. Each pair is first tested for whether the shorter's first byte
// occurs in the longer at all, which rules out most pairs cheaply.
func dropRedundant(lits []literal) []literal {
	folded := make([][]byte, len(lits))
	has := make([]byteSet, len(lits)) // the bytes of each literal, folded
	for i, l := range lits {
		folded[i] = foldASCII(string(l.text))
		for _, c := range folded[i] {
			has[i].add(c)
		}
	}
	var kept []literal
	for i, l := range lits {
		if len(l.text) == 0 {
			continue
		}
		drop := false
		for j, m := range lits {
			if j == i || len(m.text) == 0 || len(m.text) > len(l.text) || !has[i].has(folded[j][0]) {
				continue
			}
			var implied bool
			switch {
			case m.fold:
				implied = bytes.Contains(folded[i], m.text)
			case !l.fold:
				implied = bytes.Contains(l.text, m.text)
			}
			// Of equal literals, the first is kept.
			if implied && !(m.fold == l.fold && j > i && bytes.Equal(m.text, l.text)) {
				drop = true
				break
			}
		}
		if !drop {
			kept = append(kept, l)
		}
	}
	return kept
}

// build compiles lits for the SIMD kernel o.kernel, or for the scalar scans
// if that is kernelNone or the SIMD filter would not pay.
func build(lits []literal, o buildOpts) *Set {
	s := &Set{lits: lits}
	for i := range s.lower {
		b := byte(i)
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		s.lower[i] = b
	}
	for li, l := range lits {
		if len(l.text) == 0 {
			s.empty = append(s.empty, li)
		}
	}
	if o.kernel != kernelNone && len(lits) > 0 && len(s.empty) == 0 {
		if t := buildTeddy(lits, &s.lower, o.kernel, o.buckets); t.rate <= maxRate || o.force {
			s.teddy = t
			return s
		}
	}
	byByte := map[byte]int{} // anchor byte -> index in s.anchors
	for li, l := range lits {
		if len(l.text) == 0 {
			continue
		}
		off := 0
		for k := range l.text {
			if rarity(l.text[k]) < rarity(l.text[off]) {
				off = k
			}
		}
		s.maxOff = max(s.maxOff, off)
		bs := []byte{l.text[off]}
		if l.fold && upper(l.text[off]) != l.text[off] {
			bs = append(bs, upper(l.text[off]))
		}
		for _, b := range bs {
			ai, ok := byByte[b]
			if !ok {
				ai = len(s.anchors)
				byByte[b] = ai
				s.anchors = append(s.anchors, anchor{b: b})
			}
			s.anchors[ai].cands = append(s.anchors[ai].cands, candidate{lit: li, off: off})
		}
	}
	if len(s.anchors) > maxAnchorPasses {
		s.buildPairs()
	}
	return s
}

func (s *Set) buildPairs() {
	s.pairs = true
	s.pairBits = make([]uint64, 1<<16/64)
	count := make([]uint32, 1<<16+1)
	key := func(l literal) int { return int(s.lower[l.text[0]])<<8 | int(s.lower[l.text[1]]) }
	for li, l := range s.lits {
		if len(l.text) == 0 {
			continue
		}
		if len(l.text) < 2 {
			s.single = append(s.single, int32(li))
			continue
		}
		count[key(l)+1]++
	}
	for k := 1; k < len(count); k++ {
		count[k] += count[k-1]
	}
	s.pairStart = append([]uint32(nil), count...)
	s.pairCands = make([]int32, count[len(count)-1])
	fill := append([]uint32(nil), count...)
	for li, l := range s.lits {
		if len(l.text) < 2 {
			continue
		}
		k := key(l)
		s.pairCands[fill[k]] = int32(li)
		fill[k]++
		s.pairBits[k>>6] |= 1 << (k & 63)
	}
}

// foldASCII returns s with ASCII upper-case letters in lower case and every
// other byte as it is (bytes.ToLower would fold non-ASCII letters, which
// matching does not, and rewrite invalid UTF-8).
func foldASCII(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

func upper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// Len is the number of literals (for NewAll, the number given).
func (s *Set) Len() int { return len(s.lits) }

// Literals returns the set's literals: case-folded ones in lower case.
func (s *Set) Literals() []string {
	out := make([]string, len(s.lits))
	for i, l := range s.lits {
		out[i] = string(l.text)
	}
	return out
}

// matchAt reports whether literal li occurs at b[start:].
func (s *Set) matchAt(b []byte, start, li int) bool {
	l := s.lits[li]
	if start < 0 || start+len(l.text) > len(b) {
		return false
	}
	if !l.fold {
		return string(b[start:start+len(l.text)]) == string(l.text)
	}
	for k, c := range l.text {
		if s.lower[b[start+k]] != c {
			return false
		}
	}
	return true
}

// Index returns the offset of the first occurrence in b of any literal, or
// -1.
func (s *Set) Index(b []byte) int {
	switch {
	case len(s.empty) > 0:
		return 0
	case s.teddy != nil:
		return s.teddy.run(s, b, 0, scanFirst, nil)
	case s.pairs:
		return s.indexPairs(b, 0)
	}
	best := -1
	for ai := range s.anchors {
		limit := len(b)
		if best >= 0 {
			limit = min(limit, best+s.maxOff+1)
		}
		if st := s.scanAnchor(b, ai, 0, limit); st < len(b) && (best < 0 || st < best) {
			best = st
		}
	}
	return best
}

// Contains reports whether any literal occurs in b.
func (s *Set) Contains(b []byte) bool {
	switch {
	case len(s.empty) > 0:
		return true
	case s.teddy != nil:
		return s.teddy.run(s, b, 0, scanAny, nil) >= 0
	}
	found := false
	s.eachHit(b, false, func(_, _ int) bool {
		found = true
		return false
	})
	return found
}

func (s *Set) indexPairs(b []byte, pos int) int {
	found := -1
	s.eachPairHit(b, pos, func(start, _ int) bool {
		found = start
		return false
	})
	for _, li := range s.single {
		if i := s.indexSingle(b, pos, int(li)); i >= 0 && (found < 0 || i < found) {
			found = i
		}
	}
	return found
}

// scanAnchor finds the earliest start >= pos of a literal anchored on
// anchor ai whose anchor byte lies before limit; len(b) if none.
func (s *Set) scanAnchor(b []byte, ai, pos, limit int) int {
	a := &s.anchors[ai]
	for from := pos; from < limit; {
		i := bytes.IndexByte(b[from:limit], a.b)
		if i < 0 {
			break
		}
		i += from
		for _, cd := range a.cands {
			if start := i - cd.off; start >= pos && s.matchAt(b, start, cd.lit) {
				return s.earliest(b, ai, pos, start)
			}
		}
		from = i + 1
	}
	return len(b)
}

// earliest refines a verified start for anchor ai. Another literal sharing
// the anchor byte but sitting at a larger offset in its literal may start
// earlier from an anchor byte found a little later: at most maxOff bytes
// past start, so only those are checked.
func (s *Set) earliest(b []byte, ai, pos, start int) int {
	a := &s.anchors[ai]
	best := start
	limit := min(start+s.maxOff+1, len(b))
	for i := start; i < limit; i++ {
		if b[i] != a.b {
			continue
		}
		for _, cd := range a.cands {
			if st := i - cd.off; st >= pos && st < best && s.matchAt(b, st, cd.lit) {
				best = st
			}
		}
	}
	return best
}

// FindAll sets found[i] for every literal i that occurs in b (found has
// Len() elements; it is not cleared first) and reports whether any did.
func (s *Set) FindAll(b []byte, found []bool) bool {
	if s.teddy != nil {
		return s.teddy.run(s, b, 0, scanAll, found) >= 0
	}
	any := false
	for _, li := range s.empty {
		found[li], any = true, true
	}
	s.eachHit(b, false, func(_, li int) bool {
		found[li], any = true, true
		return true
	})
	return any
}

// EachHit calls fn(start, literal) for every occurrence of a literal in b,
// in no particular order, until fn returns false: one scan finds every
// literal and where it is.
func (s *Set) EachHit(b []byte, fn func(start, li int) bool) {
	for _, li := range s.empty {
		for i := 0; i <= len(b); i++ {
			if !fn(i, li) {
				return
			}
		}
	}
	if s.teddy != nil {
		s.teddy.runEach(s, b, 0, scanEach, nil, fn)
		return
	}
	s.eachHit(b, true, fn)
}

// eachHit is EachHit for the scalar scans, empty literals aside; unless
// all, only the first occurrence of each one-byte literal in pair mode.
func (s *Set) eachHit(b []byte, all bool, fn func(start, li int) bool) {
	if s.pairs {
		stopped := false
		s.eachPairHit(b, 0, func(start, li int) bool {
			stopped = !fn(start, li)
			return !stopped
		})
		for _, li := range s.single {
			if stopped {
				return
			}
			for i := s.indexSingle(b, 0, int(li)); i >= 0 && !stopped; i = s.indexSingle(b, i+1, int(li)) {
				stopped = !fn(i, int(li))
				if !all {
					break
				}
			}
		}
		return
	}
	for ai := range s.anchors {
		a := &s.anchors[ai]
		for from := 0; from < len(b); {
			i := bytes.IndexByte(b[from:], a.b)
			if i < 0 {
				break
			}
			i += from
			for _, c := range a.cands {
				if s.matchAt(b, i-c.off, c.lit) && !fn(i-c.off, c.lit) {
					return
				}
			}
			from = i + 1
		}
	}
}

// eachPairHit calls fn(start, literal) for every literal occurrence at or
// after pos, in order of start, until fn returns false.
func (s *Set) eachPairHit(b []byte, pos int, fn func(start, li int) bool) {
	bits, lower := s.pairBits, &s.lower
	for i := pos; i+1 < len(b); i++ {
		k := int(lower[b[i]])<<8 | int(lower[b[i+1]])
		if bits[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, li := range s.pairCands[s.pairStart[k]:s.pairStart[k+1]] {
			if s.matchAt(b, i, int(li)) && !fn(i, int(li)) {
				return
			}
		}
	}
}

// indexSingle finds the one-byte literal li at or after pos.
func (s *Set) indexSingle(b []byte, pos, li int) int {
	l := s.lits[li]
	c := l.text[0]
	i := bytes.IndexByte(b[pos:], c)
	if l.fold && upper(c) != c {
		if j := bytes.IndexByte(b[pos:], upper(c)); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	if i < 0 {
		return -1
	}
	return pos + i
}

// Cursor finds, one after another, the literal occurrences in one block. In
// anchor mode it remembers where each anchor next occurs, so that asking
// for the next occurrence after each candidate line costs about one pass
// over the block per anchor in all, however many candidates there are; in
// teddy and pair mode it remembers the next occurrence, and each scan goes
// on from where it is asked to.
type Cursor struct {
	s    *Set
	b    []byte
	next []int // per anchor (or [0] in pair and teddy mode): earliest start >= from; len(b) if none
	from []int
}

// NewCursor returns a cursor over b.
func (s *Set) NewCursor(b []byte) *Cursor {
	n := len(s.anchors)
	if s.pairs || s.teddy != nil {
		n = 1
	}
	c := &Cursor{s: s, b: b, next: make([]int, n), from: make([]int, n)}
	for i := range c.from {
		c.from[i] = -1
	}
	return c
}

// Next returns the start of the first literal occurrence at or after pos,
// or -1.
func (c *Cursor) Next(pos int) int {
	if len(c.s.empty) > 0 {
		return pos
	}
	best := -1
	for k := range c.next {
		if c.from[k] < 0 || c.from[k] > pos || c.next[k] < pos {
			switch {
			case c.s.teddy != nil:
				c.next[k] = c.scanTeddy(pos)
			case c.s.pairs:
				c.next[k] = c.scanPairs(pos)
			default:
				c.next[k] = c.scan(k, pos)
			}
			c.from[k] = pos
		}
		if n := c.next[k]; n < len(c.b) && (best < 0 || n < best) {
			best = n
		}
	}
	return best
}

func (c *Cursor) scanTeddy(pos int) int {
	if i := c.s.teddy.run(c.s, c.b, pos, scanFirst, nil); i >= 0 {
		return i
	}
	return len(c.b)
}

func (c *Cursor) scanPairs(pos int) int {
	if i := c.s.indexPairs(c.b, pos); i >= 0 {
		return i
	}
	return len(c.b)
}

// scan finds the earliest start >= pos of a literal anchored on anchor ai.
func (c *Cursor) scan(ai, pos int) int { return c.s.scanAnchor(c.b, ai, pos, len(c.b)) }
