package rules

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/yamlfile"
)

// codeWarnings checks that each rule can find codes its system's catalog
// lists: that its code type can give them (an integer rule cannot give
// 42P01), that its regex's code group can match them, and that a stated
// code is listed. Generic rules take their system from --system and are
// not checked.
func codeWarnings(cat *catalog.Catalog, rs []*Rule) []*yamlfile.Error {
	var out []*yamlfile.Error
	// Each system's codes, and whether a code group matches any of them,
	// are worked out once: rules of one system share them.
	codesOf := map[string][]string{}
	systemCodes := func(sys string) []string {
		codes, ok := codesOf[sys]
		if !ok {
			codes = distinctCodes(cat.Entries(sys))
			codesOf[sys] = codes
		}
		return codes
	}
	type groupOf struct{ system, group string }
	matches := map[groupOf]bool{}
	for _, r := range rs {
		if r.System == AnySystem || r.Kind == KindNames {
			continue
		}
		warn := func(format string, args ...any) {
			out = append(out, &yamlfile.Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("rule %q: ", r.ID) + fmt.Sprintf(format, args...)})
		}
		switch {
		case r.Code != "":
			if len(cat.Lookup(r.System, r.Code)) == 0 {
				warn("code %s is not in the %s catalog: its finds will say known=false", r.Code, r.System)
			}
			continue
		case r.Templates != nil:
			for i := 0; i < r.Templates.Len(); i++ {
				if code := r.Templates.Code(i); len(cat.Lookup(r.System, code)) == 0 {
					warn("messages: code %s (of %q) is not in the %s catalog: its finds will say known=false", code, r.Templates.Text(i), r.System)
				}
			}
			continue
		}
		codes := systemCodes(r.System)
		if len(codes) == 0 {
			continue
		}
		var cannot []string
		for _, code := range codes {
			if !CanGive(r.CodeType, code) {
				cannot = append(cannot, code)
			}
		}
		if len(cannot) > 0 {
			what := fmt.Sprintf("%d of the %d codes", len(cannot), len(codes))
			if len(cannot) == len(codes) {
				what = fmt.Sprintf("any of the %d codes", len(codes))
			}
			warn("code_type %s can never give %s of %s's catalog (such as %s): use code_type: name, which keeps codes as written",
				codeTypeName(r.CodeType), what, r.System, strings.Join(first(cannot, 3), ", "))
			continue
		}
		if r.Kind == KindRegex && r.CodeGroup >= 0 {
			group, ok := codeGroup(r.Regexp)
			if !ok {
				continue
			}
			key := groupOf{r.System, group}
			hit, done := matches[key]
			if !done {
				hit = anyMatches(group, codes)
				matches[key] = hit
			}
			if !hit {
				warn("its (?P<code>%s) group matches none of the %d codes of %s's catalog (such as %s)", group, len(codes), r.System, strings.Join(first(codes, 3), ", "))
			}
		}
	}
	return out
}

// CanGive reports whether a rule of code type t can find code as the
// catalog spells it.
func CanGive(t CodeType, code string) bool {
	if t == CodeName {
		return isNameCode(code)
	}
	_, err := strconv.ParseInt(code, 10, 64)
	return err == nil && len(code) <= 12
}

// isNameCode reports whether s is a valid name code: letters, digits, '_',
// '.' and '-'.
func isNameCode(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func codeTypeName(t CodeType) string {
	if t == CodeName {
		return "name"
	}
	return "integer"
}

func distinctCodes(entries []catalog.Entry) []string {
	var codes []string
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.Code] {
			seen[e.Code] = true
			codes = append(codes, e.Code)
		}
	}
	return codes
}

func first(list []string, n int) []string { return list[:min(n, len(list))] }

// codeGroup returns the text of re's code group's expression.
func codeGroup(re *regexp.Regexp) (string, bool) {
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return "", false
	}
	var found *syntax.Regexp
	var walk func(*syntax.Regexp)
	walk = func(n *syntax.Regexp) {
		if n.Op == syntax.OpCapture && n.Name == "code" && found == nil {
			found = n.Sub[0]
			return
		}
		for _, s := range n.Sub {
			walk(s)
		}
	}
	walk(parsed)
	if found == nil {
		return "", false
	}
	return found.String(), true
}

// anyMatches reports whether expr, anchored at both ends, matches one of
// codes.
func anyMatches(expr string, codes []string) bool {
	re, err := regexp.Compile(`^(?:` + expr + `)$`)
	if err != nil {
		return true // nothing to say
	}
	for _, c := range codes {
		if re.MatchString(c) {
			return true
		}
	}
	return false
}
