// Package regexlit analyses the literal text of a regular expression: the
// strings of which every match contains at least one (a prefilter's
// literals), and how far before such a literal a match can start, so that a
// regex can be started only near its literals. The rules package reports a
// rule's literals from it; the matcher decides from it where to start a
// regex.
package regexlit

import (
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// requiredLiterals returns a set of strings such that every match of re
// contains at least one of them, and whether such a set was found. It is the
// prefilter's view of a regex: a line without any of the strings cannot
// match, so the regex need not run on it. Literals keep the regex's case;
// a literal matched ignoring case is marked by foldMark.
func requiredLiterals(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return nil, false
		}
		if re.Flags&syntax.FoldCase != 0 {
			return []string{foldMark + strings.ToLower(string(re.Rune))}, true
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture:
		return requiredLiterals(re.Sub[0])
	case syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
		return nil, false
	case syntax.OpConcat:
		var best []string
		bestScore := -1
		for _, sub := range re.Sub {
			lits, ok := requiredLiterals(sub)
			if !ok {
				continue
			}
			if s := score(lits); s > bestScore {
				best, bestScore = lits, s
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			lits, ok := requiredLiterals(sub)
			if !ok {
				return nil, false
			}
			for _, l := range lits {
				out = appendUnique(out, l)
			}
		}
		return out, len(out) > 0
	case syntax.OpCharClass:
		// A small class of letters in both cases, as (?i) makes of one
		// letter, is the letter itself.
		if len(re.Rune) <= 4 {
			var r rune = -1
			for i := 0; i < len(re.Rune); i += 2 {
				for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
					lc := []rune(strings.ToLower(string(c)))[0]
					if r != -1 && lc != r {
						return nil, false
					}
					r = lc
				}
			}
			if r >= 0 && r < utf8.RuneSelf {
				return []string{foldMark + string(r)}, true
			}
		}
	}
	return nil, false
}

// Literals returns the literals of re (simplified): lower-cased, for
// case-insensitive checks, and, when re matches every one of them
// case-sensitively, exact too. None when no set of literals is required.
func Literals(re *syntax.Regexp) (lower, exact []string) {
	lits, _ := requiredLiterals(re)
	return splitLiterals(lits)
}

// Unbounded marks a lead with no limit.
const Unbounded = unbounded

// Lead returns how many bytes a match of re (simplified) can start before
// the literal Literals chose for it, whose lower-cased forms are lower; or
// Unbounded, when that is not bounded or when attempts started at each
// occurrence of the literals could together cost more than linear time
// (an unbounded repetition that can run across another occurrence).
func Lead(re *syntax.Regexp, lower []string) int {
	lead := literalLead(re)
	if lead >= 0 && !repeatsStopAt(re, literalStarts(lower)) {
		return unbounded
	}
	return lead
}

// foldMark prefixes, inside requiredLiterals, a literal the regex matches
// ignoring case.
const foldMark = "\x00"

// splitLiterals turns requiredLiterals' result into the rule's literals:
// all of them lower-cased (for case-insensitive checks) and, when the regex
// matches every one of them case-sensitively, the exact ones too.
func splitLiterals(lits []string) (lower, exact []string) {
	folded := false
	for _, l := range lits {
		if strings.HasPrefix(l, foldMark) {
			folded = true
		}
	}
	for _, l := range lits {
		l = strings.TrimPrefix(l, foldMark)
		lower = appendUnique(lower, strings.ToLower(l))
		if !folded {
			exact = appendUnique(exact, l)
		}
	}
	return lower, exact
}

// score ranks a literal set for the prefilter: the shortest member decides
// how selective the set is.
func score(lits []string) int {
	min := 1 << 30
	for _, l := range lits {
		l = strings.TrimPrefix(l, foldMark)
		if len(l) < min {
			min = len(l)
		}
	}
	return min
}

// unbounded marks a width or distance with no limit.
const unbounded = -1

// maxWidth is the most bytes a match of re can span, or unbounded.
func maxWidth(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
			if re.Flags&syntax.FoldCase != 0 {
				n += 2 // a folded rune may be longer than its spelling
			}
		}
		return n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture, syntax.OpQuest:
		return maxWidth(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return unbounded
		}
		w := maxWidth(re.Sub[0])
		if w == unbounded {
			return unbounded
		}
		return w * re.Max
	case syntax.OpConcat:
		sum := 0
		for _, s := range re.Sub {
			w := maxWidth(s)
			if w == unbounded {
				return unbounded
			}
			sum += w
		}
		return sum
	case syntax.OpAlternate:
		m := 0
		for _, s := range re.Sub {
			w := maxWidth(s)
			if w == unbounded {
				return unbounded
			}
			m = max(m, w)
		}
		return m
	}
	return unbounded // star, plus and anything else
}

// literalLead is how many bytes a match of re can start before the
// literal that requiredLiterals chose for it (the same choice, made the same
// way), or unbounded. It lets the matcher start the regex just before each
// occurrence of the literal instead of at every byte of the line.
func literalLead(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return 0
	case syntax.OpCapture, syntax.OpPlus:
		return literalLead(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalLead(re.Sub[0])
		}
	case syntax.OpCharClass:
		return 0
	case syntax.OpAlternate:
		m := 0
		for _, s := range re.Sub {
			l := literalLead(s)
			if l == unbounded {
				return unbounded
			}
			m = max(m, l)
		}
		return m
	case syntax.OpConcat:
		best, bestScore := -1, -1
		for i, sub := range re.Sub {
			if lits, ok := requiredLiterals(sub); ok {
				if s := score(lits); s > bestScore {
					best, bestScore = i, s
				}
			}
		}
		if best < 0 {
			return unbounded
		}
		lead := 0
		for _, s := range re.Sub[:best] {
			w := maxWidth(s)
			if w == unbounded {
				return unbounded
			}
			lead += w
		}
		inner := literalLead(re.Sub[best])
		if inner == unbounded {
			return unbounded
		}
		return lead + inner
	}
	return unbounded
}

// byteSet is a set of byte values.
type byteSet [256]bool

// literalStarts is the set of first bytes of lits, in both ASCII cases.
func literalStarts(lits []string) byteSet {
	var s byteSet
	for _, l := range lits {
		if l == "" {
			continue
		}
		c := l[0]
		s[c] = true
		if 'a' <= c && c <= 'z' {
			s[c-'a'+'A'] = true
		} else if 'A' <= c && c <= 'Z' {
			s[c-'A'+'a'] = true
		}
	}
	return s
}

// bytesOf adds to s every byte that a match of re may contain.
func bytesOf(re *syntax.Regexp, s *byteSet) {
	addRune := func(r rune) {
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		for _, b := range buf[:n] {
			s[b] = true
		}
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			addRune(r)
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					addRune(f)
				}
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			for c := lo; c <= hi && c < utf8.RuneSelf; c++ {
				s[c] = true
			}
			if hi >= utf8.RuneSelf {
				for b := utf8.RuneSelf; b < 256; b++ {
					s[b] = true
				}
			}
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for b := range s {
			s[b] = b != '\n' || re.Op == syntax.OpAnyChar
		}
	default:
		for _, sub := range re.Sub {
			bytesOf(sub, s)
		}
	}
}

// repeatsStopAt reports whether every unbounded repetition in re (x*, x+,
// x{n,}) is stopped by each byte of stops: none of them can match such a
// byte. Then a match attempt started at one literal occurrence can run
// past another occurrence only inside the regex's bounded parts, so that
// attempts started at every occurrence cost time linear in the text
// together. Without this (fault:.*code=), each attempt may scan to the end
// of the text and the attempts together quadratic time.
func repeatsStopAt(re *syntax.Regexp, stops byteSet) bool {
	unboundedRepeat := re.Op == syntax.OpStar || re.Op == syntax.OpPlus || re.Op == syntax.OpRepeat && re.Max < 0
	if unboundedRepeat {
		var s byteSet
		bytesOf(re.Sub[0], &s)
		for b, stop := range stops {
			if stop && s[b] {
				return false
			}
		}
	}
	for _, sub := range re.Sub {
		if !repeatsStopAt(sub, stops) {
			return false
		}
	}
	return true
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
