package matcher

import (
	"regexp"
	"regexp/syntax"
	"slices"

	"github.com/errtag/errtag/internal/regexlit"
	"github.com/errtag/errtag/internal/rules"
)

// regexStarts decides where a regex rule's regex is started. When its
// matches start at most lead bytes before one of the rule's literals, the
// regex is tried only at the few starts before each literal occurrence,
// with anchored: the regex anchored at the start of its input, after one
// byte of context that \b and the like look at. lead is
// regexlit.Unbounded (and anchored nil) when that is not so, or when the
// rule's literals were given by its author rather than derived from the
// regex (the lead is known only for the derived ones). wordStart says the
// regex begins with \b, so that its matches start at word boundaries only.
func regexStarts(r *rules.Rule) (lead int, anchored *regexp.Regexp, wordStart bool) {
	expr := r.Regexp.String()
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return regexlit.Unbounded, nil, false // compiled by rules: cannot happen
	}
	simple := parsed.Simplify()
	derived, _ := regexlit.Literals(simple)
	if !slices.Equal(derived, r.Literals) {
		return regexlit.Unbounded, nil, false
	}
	lead = regexlit.Lead(simple, r.Literals)
	if lead < 0 {
		return regexlit.Unbounded, nil, false
	}
	// The wrapping groups capture nothing: submatch numbers stay.
	return lead, regexp.MustCompile(`^(?s:.)(?:` + expr + `)`), startsWithWordBoundary(simple)
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
	before := i > 0 && isWordChar(text[i-1])
	after := i < len(text) && isWordChar(text[i])
	return before != after
}

func isWordChar(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
