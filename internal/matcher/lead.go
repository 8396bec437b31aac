package matcher

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/regexlit"
	"github.com/errtag/errtag/internal/rules"
)

// regexStart is where a regex rule's regex is started (see regexStarts).
type regexStart struct {
	// lead, when not regexlit.Unbounded, is how far before one of the
	// rule's literals its matches start: the regex is tried only at the
	// few starts before each literal occurrence.
	lead int
	// first, when lead is unbounded, holds the bytes a match can start
	// with (nil: any byte, or the regex matches the empty text): the
	// regex is tried at those bytes.
	first *byteSet
	// anchored is the regex anchored at the start of its input, after
	// one byte of context that \b and the like look at; nil when the
	// plain regex is run over the whole text.
	anchored *regexp.Regexp
	// wordStart says the regex begins with \b: its matches start at word
	// boundaries only.
	wordStart bool
}

// regexStarts decides where a regex rule's regex is started: before its
// literals when its matches start at most lead bytes before one of them
// (known only when the rule's literals are derived from the regex, not
// given by its author), else at the bytes its matches can start with.
func regexStarts(r *rules.Rule) regexStart {
	none := regexStart{lead: regexlit.Unbounded}
	expr := r.Regexp.String()
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return none // compiled by rules: cannot happen
	}
	simple := parsed.Simplify()
	if derived, _ := regexlit.Literals(simple); slices.Equal(derived, r.Literals) {
		if lead := regexlit.Lead(simple, r.Literals); lead >= 0 {
			return regexStart{lead: lead, anchored: anchoredRegex(expr), wordStart: startsWithWordBoundary(simple)}
		}
	}
	var set byteSet
	if nullable, ok := firstBytes(simple, &set); !ok || nullable {
		return none
	}
	return regexStart{lead: regexlit.Unbounded, first: &set, anchored: anchoredRegex(expr), wordStart: startsWithWordBoundary(simple)}
}

// anchoredRegex returns expr anchored at the start of its input, after one
// byte of context. The wrapping groups capture nothing: submatch numbers
// stay.
func anchoredRegex(expr string) *regexp.Regexp {
	return regexp.MustCompile(`^(?s:.)(?:` + expr + `)`)
}

// byteSet is a set of bytes.
type byteSet [256]bool

// list returns the set's bytes, or nil when it holds more than max.
func (s *byteSet) list(max int) []byte {
	var out []byte
	for c, in := range s {
		if in {
			if len(out) == max {
				return nil
			}
			out = append(out, byte(c))
		}
	}
	return out
}

// firstBytes adds to set the bytes that a match of re can start with, and
// reports whether re can match the empty text (and so what follows it can
// start the match too); ok is false when it cannot tell, or when every byte
// could start a match.
func firstBytes(re *syntax.Regexp, set *byteSet) (nullable, ok bool) {
	fold := re.Flags&syntax.FoldCase != 0
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true, true
		}
		return false, addRune(set, re.Rune[0], fold)
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf {
				return false, false
			}
			for c := lo; c <= hi; c++ {
				if !addRune(set, c, fold) {
					return false, false
				}
			}
		}
		return false, true
	case syntax.OpCapture:
		return firstBytes(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		_, ok := firstBytes(re.Sub[0], set)
		return true, ok
	case syntax.OpPlus:
		return firstBytes(re.Sub[0], set)
	case syntax.OpRepeat:
		n, ok := firstBytes(re.Sub[0], set)
		return n || re.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			n, ok := firstBytes(sub, set)
			if !ok {
				return false, false
			}
			if !n {
				return false, true
			}
		}
		return true, true
	case syntax.OpAlternate:
		nullable := false
		for _, sub := range re.Sub {
			n, ok := firstBytes(sub, set)
			if !ok {
				return false, false
			}
			nullable = nullable || n
		}
		return nullable, true
	}
	return false, false // any character, or an operator not known here
}

// addRune adds the first byte of r's UTF-8 encoding and, when fold, of
// every rune that case folding takes it to ((?i)k matches the Kelvin
// sign). It is for ASCII r only: false otherwise.
func addRune(set *byteSet, r rune, fold bool) bool {
	if r >= utf8.RuneSelf {
		return false
	}
	set[byte(r)] = true
	if fold {
		var buf [utf8.UTFMax]byte
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			utf8.EncodeRune(buf[:], f)
			set[buf[0]] = true
		}
	}
	return true
}

// startsWithWordBoundary reports whether every match of re begins with
// \b (ASCII word boundary, as package regexp has it).
func startsWithWordBoundary(re *syntax.Regexp) bool {
	for {
		switch re.Op {
		case syntax.OpWordBoundary:
			return true
		case syntax.OpCapture:
			re = re.Sub[0]
		case syntax.OpConcat:
			if len(re.Sub) == 0 {
				return false
			}
			re = re.Sub[0]
		case syntax.OpAlternate:
			for _, sub := range re.Sub {
				if !startsWithWordBoundary(sub) {
					return false
				}
			}
			return true
		default:
			return false
		}
	}
}

// wordBoundaryAt reports whether \b holds before text[i]: one of the bytes
// either side is an ASCII word character (letter, digit, '_') and the
// other is not (or is outside text). A byte of a multi-byte UTF-8
// sequence is no word character, as no such rune is one to package regexp.
func wordBoundaryAt(text []byte, i int) bool {
	before := i > 0 && isWord(text[i-1])
	after := i < len(text) && isWord(text[i])
	return before != after
}
