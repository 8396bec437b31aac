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
	// anchors are the distinct bytes, in both cases, that start a
	// literal; one bytes.IndexByte scan per anchor finds candidates.
	anchors []byte
	// byFirst lists, for each lower-case first byte, the literals that
	// start with it.
	byFirst [256][]int
	lower   [256]byte
}

// New compiles lits. Literals are matched ignoring ASCII case; a literal that
// contains another is dropped, since the shorter one finds every line the
// longer one would.
func New(lits []string) *Set {
	s := &Set{}
	for i := range s.lower {
		b := byte(i)
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		s.lower[i] = b
	}
	var low []string
	for _, l := range lits {
		if l == "" {
			continue
		}
		low = append(low, string(bytes.ToLower([]byte(l))))
	}
	for i, l := range low {
		redundant := false
		for j, m := range low {
			if i != j && len(m) <= len(l) && bytes.Contains([]byte(l), []byte(m)) && (len(m) < len(l) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			s.lits = append(s.lits, []byte(l))
		}
	}
	seen := map[byte]bool{}
	for i, l := range s.lits {
		f := l[0]
		s.byFirst[f] = append(s.byFirst[f], i)
		for _, b := range []byte{f, upper(f)} {
			if !seen[b] {
				seen[b] = true
				s.anchors = append(s.anchors, b)
			}
		}
	}
	return s
}

func upper(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// Empty reports whether the set has no literals (it then matches nothing).
func (s *Set) Empty() bool { return len(s.lits) == 0 }

// Literals returns the set's minimal literals, lower case.
func (s *Set) Literals() []string {
	out := make([]string, len(s.lits))
	for i, l := range s.lits {
		out[i] = string(l)
	}
	return out
}

// Index returns the offset of the first occurrence in b of any literal,
// ignoring ASCII case, or -1.
func (s *Set) Index(b []byte) int {
	if len(s.lits) == 0 {
		return -1
	}
	// Each anchor byte is found with the vectorised IndexByte; the earliest
	// verified hit over all anchors wins. An anchor whose next occurrence
	// lies beyond the best hit so far is not scanned further.
	best := -1
	for _, a := range s.anchors {
		from := 0
		for {
			limit := len(b)
			if best >= 0 {
				limit = best
			}
			if from >= limit {
				break
			}
			i := bytes.IndexByte(b[from:limit], a)
			if i < 0 {
				break
			}
			i += from
			if s.verifyAt(b, i) {
				best = i
				break
			}
			from = i + 1
		}
	}
	return best
}

// Contains reports whether any literal occurs in b.
func (s *Set) Contains(b []byte) bool { return s.Index(b) >= 0 }

func (s *Set) verifyAt(b []byte, i int) bool {
	for _, li := range s.byFirst[s.lower[b[i]]] {
		l := s.lits[li]
		if len(b)-i < len(l) {
			continue
		}
		ok := true
		for k := 1; k < len(l); k++ {
			if s.lower[b[i+k]] != l[k] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// ContainsFold reports whether lit (lower case) occurs in b, ignoring ASCII
// case.
func ContainsFold(b []byte, lit string) bool {
	if lit == "" {
		return true
	}
	f := lit[0]
	u := upper(f)
	for i := 0; i+len(lit) <= len(b); {
		j := indexEither(b[i:len(b)-len(lit)+1], f, u)
		if j < 0 {
			return false
		}
		i += j
		if equalFoldASCII(b[i:i+len(lit)], lit) {
			return true
		}
		i++
	}
	return false
}

func indexEither(b []byte, x, y byte) int {
	i := bytes.IndexByte(b, x)
	if x == y {
		return i
	}
	lim := b
	if i >= 0 {
		lim = b[:i]
	}
	if j := bytes.IndexByte(lim, y); j >= 0 {
		return j
	}
	return i
}

func equalFoldASCII(b []byte, lower string) bool {
	for k := 0; k < len(lower); k++ {
		c := b[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}
