package importer

import (
	"strings"

	"github.com/errtag/errtag/internal/lazyregexp"
)

var (
	paraSep = lazyregexp.New(`\n[ \t\r\x{00A0}]*\n`)
	// proseName is a name paragraph: one identifier, optionally with its
	// code after it ("ERROR_ACCESS_DENIED (5)", "E_FAIL = 0x80004005").
	proseName = lazyregexp.New(`^([A-Za-z][A-Za-z0-9_]*)(?:\s*(?:\(|=|:)\s*([-+]?[0-9]+|0[xX][0-9A-Fa-f]+)\)?)?$`)
)

type paragraph struct {
	text string
	line int
}

// parseProse reads a page that lists each code as a paragraph holding its
// name (CamelCase or UPPER_SNAKE, as in "ConfigChanged"), followed by a
// paragraph describing it. The longest run of such pairs is the table;
// a header pair ("ErrorCode" then "Description") is not a row since a
// description has more than one word. Within the run, a code's further
// paragraphs up to the next name are part of its description; after the
// run's last name only one paragraph is, since what follows the table
// cannot be told from it. The code is the name, unless the name paragraph
// gives a number too.
func parseProse(page string) ([]Row, []string) {
	var paras []paragraph
	line := 1
	for _, p := range paraSep.Split(page, -1) {
		if c := collapse(p); c != "" {
			lead := len(p) - len(strings.TrimLeft(p, " \t\r\n\u00a0"))
			paras = append(paras, paragraph{c, line + strings.Count(p[:lead], "\n")})
		}
		line += strings.Count(p, "\n") + 2
	}
	isName := func(i int) bool {
		if i >= len(paras) {
			return false
		}
		m := proseName.FindStringSubmatch(paras[i].text)
		return m != nil && identifierLike(m[1])
	}
	isText := func(i int) bool {
		return i < len(paras) && !isName(i) && len(strings.Fields(paras[i].text)) >= 2
	}
	var best []Row
	for start := 0; start < len(paras); start++ {
		var run []Row
		i := start
		for isName(i) && isText(i+1) {
			m := proseName.FindStringSubmatch(paras[i].text)
			r := Row{Code: m[1], Name: m[1], Message: paras[i+1].text, Line: paras[i].line}
			if m[2] != "" {
				r.Code = m[2]
			}
			j := i + 2
			for isText(j) {
				j++
			}
			if j > i+2 && isName(j) && isText(j+1) {
				// More paragraphs of this code, then the next code.
				var parts []string
				for k := i + 1; k < j; k++ {
					parts = append(parts, paras[k].text)
				}
				r.Message = strings.Join(parts, " ")
				i = j
			} else {
				i += 2
			}
			run = append(run, r)
		}
		if len(run) > len(best) {
			best = run
		}
	}
	if len(best) < 2 {
		return nil, nil
	}
	return best, nil
}

// identifierLike reports whether w looks like an error name rather than an
// ordinary word: CamelCase with two capitals or more, UPPER_SNAKE, or an
// upper-case word with a digit or underscore.
func identifierLike(w string) bool {
	upper, lowerThenUpper := 0, false
	for i, r := range w {
		if r >= 'A' && r <= 'Z' {
			upper++
			if i > 0 && w[i-1] >= 'a' && w[i-1] <= 'z' {
				lowerThenUpper = true
			}
		}
	}
	switch {
	case lowerThenUpper:
		return true
	case strings.Contains(w, "_") && strings.ToUpper(w) == w:
		return true
	case upper == len(w) && len(w) >= 3 && strings.ContainsAny(w, "0123456789"):
		return true
	}
	return false
}
