// Package prefilter finds, in a block of bytes, the first place where any of
// a set of ASCII literals occurs, ignoring ASCII case. It is the cheap scan
// that decides which lines are worth running rules on: most log lines carry
// no error, and they are passed over here in bulk.
package prefilter

import "bytes"

// Set is a compiled set of literals. It is read-only and safe for concurrent
// use.
type Set struct {
	lits [][]byte // lower case, minimal: no literal contains another
	// exact literals match in their own case only; each is found with
	// the vectorised bytes.Index.
	exact [][]byte
	// Each literal is found through its rarest byte (its anchor): one
	// vectorised bytes.IndexByte scan per distinct anchor byte, in both
	// cases, then a check of the whole literal around the hit.
	anchors []anchor
	maxOff  int
	lower   [256]byte
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
		for i := 0; i < len(letters); i++ {
			if letters[i] == b {
				return 10 + i
			}
		}
	case '0' <= b && b <= '9', b == ' ', b == ':', b == '-', b == '.', b == '=', b == '/', b == '"', b == ',':
		return 60
	case b >= 0x80:
		return 5
	}
	return 30 // other punctuation: fairly rare
}

// New compiles lits, matched ignoring ASCII case.
func New(lits []string) *Set { return NewMixed(lits, nil) }

// NewMixed compiles fold, literals matched ignoring ASCII case, and exact,
// literals matched in their own case. A literal that contains another is
// dropped, since the shorter one finds every line the longer one would.
func NewMixed(fold, exact []string) *Set {
	s := &Set{}
	for i := range s.lower {
		b := byte(i)
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		s.lower[i] = b
	}
	var low []string
	for _, l := range fold {
		if l == "" {
			continue
		}
		low = append(low, string(bytes.ToLower([]byte(l))))
	}
	for i, l := range low {
		if !redundant(l, i, low, false) {
			s.lits = append(s.lits, []byte(l))
		}
	}
	for i, e := range exact {
		if e == "" || redundant(e, i, exact, false) || redundant(string(bytes.ToLower([]byte(e))), -1, low, true) {
			continue
		}
		s.exact = append(s.exact, []byte(e))
	}
	byByte := map[byte]int{} // anchor byte -> index in s.anchors
	for li, l := range s.lits {
		off := 0
		for k := range l {
			if rarity(l[k]) < rarity(l[off]) {
				off = k
			}
		}
		if off > s.maxOff {
			s.maxOff = off
		}
		for _, b := range []byte{l[off], upper(l[off])} {
			ai, ok := byByte[b]
			if !ok {
				ai = len(s.anchors)
				byByte[b] = ai
				s.anchors = append(s.anchors, anchor{b: b})
			}
			s.anchors[ai].cands = append(s.anchors[ai].cands, candidate{lit: li, off: off})
			if upper(l[off]) == l[off] {
				break
			}
		}
	}
	return s
}

// redundant reports whether l (at index i of list, or -1) contains another
// literal of list, which then finds everything l would. Of two equal
// literals the first is kept. strict asks for containment alone.
func redundant(l string, i int, list []string, strict bool) bool {
	for j, m := range list {
		if j == i || m == "" || len(m) > len(l) || !bytes.Contains([]byte(l), []byte(m)) {
			continue
		}
		if strict || len(m) < len(l) || j < i {
			return true
		}
	}
	return false
}

func upper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// Empty reports whether the set has no literals (it then matches nothing).
func (s *Set) Empty() bool { return len(s.lits) == 0 && len(s.exact) == 0 }

// Literals returns the set's minimal literals: the case-folded ones in lower
// case, then the exact ones.
func (s *Set) Literals() []string {
	var out []string
	for _, l := range s.lits {
		out = append(out, string(l))
	}
	for _, l := range s.exact {
		out = append(out, string(l))
	}
	return out
}

// Index returns the offset of the first occurrence in b of any literal,
// ignoring ASCII case, or -1.
func (s *Set) Index(b []byte) int {
	best := -1
	for ai := range s.anchors {
		a := &s.anchors[ai]
		from := 0
		for {
			// An anchor at i starts its literal at i-off >= i-maxOff:
			// past best+maxOff no hit can start before best.
			limit := len(b)
			if best >= 0 && best+s.maxOff+1 < limit {
				limit = best + s.maxOff + 1
			}
			if from >= limit {
				break
			}
			i := bytes.IndexByte(b[from:limit], a.b)
			if i < 0 {
				break
			}
			i += from
			if start := s.verifyAt(b, i, a.cands); start >= 0 && (best < 0 || start < best) {
				best = start
			}
			from = i + 1
		}
	}
	for _, e := range s.exact {
		limit := len(b)
		if best >= 0 && best+len(e) < limit {
			limit = best + len(e)
		}
		if i := bytes.Index(b[:limit], e); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// verifyAt returns the start of the earliest candidate literal whose anchor
// byte is at b[i], or -1.
func (s *Set) verifyAt(b []byte, i int, cands []candidate) int {
	found := -1
	for _, c := range cands {
		l := s.lits[c.lit]
		start := i - c.off
		if start < 0 || start+len(l) > len(b) {
			continue
		}
		ok := true
		for k := 0; k < len(l); k++ {
			if s.lower[b[start+k]] != l[k] {
				ok = false
				break
			}
		}
		if ok && (found < 0 || start < found) {
			found = start
		}
	}
	return found
}

// Contains reports whether any literal occurs in b.
func (s *Set) Contains(b []byte) bool { return s.Index(b) >= 0 }

// Cursor finds, one after another, the literal occurrences in one block. It
// remembers where each anchor byte next occurs, so that asking for the
// next occurrence after each candidate line costs about one pass over the
// block per anchor in all, however many candidates there are.
type Cursor struct {
	s *Set
	b []byte
	// per anchor, then per exact literal: the earliest literal start at
	// or after from; len(b) if none.
	next []int
	from []int
}

// NewCursor returns a cursor over b.
func (s *Set) NewCursor(b []byte) *Cursor {
	n := len(s.anchors) + len(s.exact)
	c := &Cursor{s: s, b: b, next: make([]int, n), from: make([]int, n)}
	for i := range c.from {
		c.from[i] = -1
	}
	return c
}

// Reset points the cursor at a new block, keeping its memory.
func (c *Cursor) Reset(b []byte) {
	c.b = b
	for i := range c.from {
		c.from[i] = -1
	}
}

// Next returns the start of the first literal occurrence at or after pos,
// or -1.
func (c *Cursor) Next(pos int) int {
	best := -1
	na := len(c.s.anchors)
	for k := range c.next {
		if c.from[k] < 0 || c.next[k] < pos {
			if k < na {
				c.next[k] = c.scan(k, pos)
			} else {
				c.next[k] = len(c.b)
				if i := bytes.Index(c.b[pos:], c.s.exact[k-na]); i >= 0 {
					c.next[k] = pos + i
				}
			}
			c.from[k] = pos
		}
		if n := c.next[k]; n < len(c.b) && (best < 0 || n < best) {
			best = n
		}
	}
	return best
}

// scan finds the earliest start >= pos of a literal anchored on anchor ai.
func (c *Cursor) scan(ai, pos int) int {
	a := &c.s.anchors[ai]
	b := c.b
	for from := pos; from < len(b); {
		i := bytes.IndexByte(b[from:], a.b)
		if i < 0 {
			break
		}
		i += from
		for _, cd := range a.cands {
			start := i - cd.off
			if start < pos {
				continue
			}
			if start+len(c.s.lits[cd.lit]) <= len(b) && c.s.matchAt(b, start, cd.lit) {
				return c.earliest(ai, pos, start)
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
func (c *Cursor) earliest(ai, pos, start int) int {
	a := &c.s.anchors[ai]
	best := start
	limit := start + c.s.maxOff + 1
	if limit > len(c.b) {
		limit = len(c.b)
	}
	for i := start; i < limit; i++ {
		if c.b[i] != a.b {
			continue
		}
		for _, cd := range a.cands {
			st := i - cd.off
			if st >= pos && st < best && st+len(c.s.lits[cd.lit]) <= len(c.b) && c.s.matchAt(c.b, st, cd.lit) {
				best = st
			}
		}
	}
	return best
}

func (s *Set) matchAt(b []byte, start, li int) bool {
	l := s.lits[li]
	for k := 0; k < len(l); k++ {
		if s.lower[b[start+k]] != l[k] {
			return false
		}
	}
	return true
}
