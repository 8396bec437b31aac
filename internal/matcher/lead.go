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
// regex (the lead is known only for the derived ones).
func regexStarts(r *rules.Rule) (lead int, anchored *regexp.Regexp) {
	expr := r.Regexp.String()
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return regexlit.Unbounded, nil // compiled by rules: cannot happen
	}
	simple := parsed.Simplify()
	derived, _ := regexlit.Literals(simple)
	if !slices.Equal(derived, r.Literals) {
		return regexlit.Unbounded, nil
	}
	lead = regexlit.Lead(simple, r.Literals)
	if lead < 0 {
		return regexlit.Unbounded, nil
	}
	// The wrapping groups capture nothing: submatch numbers stay.
	return lead, regexp.MustCompile(`^(?s:.)(?:` + expr + `)`)
}
