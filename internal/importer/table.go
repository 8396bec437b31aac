package importer

import (
	"fmt"
	"regexp"
	"strings"
)

// table is a table as a parser found it: an optional header row and data
// rows of cells (text, white space collapsed), each with the section
// heading it is under and its page line.
type table struct {
	header []string
	rows   []tableRow
}

type tableRow struct {
	cells   []string
	section string
	line    int
}

// columns says which column holds what; -1 for none.
type columns struct {
	code, name, message, description, status int
}

var (
	statusHeader  = regexp.MustCompile(`(?i)\b(http|status)\b`)
	codeHeader    = regexp.MustCompile(`(?i)(code|^id$|\bnumber\b|^no\.?$|errno|^value$|^hresult$)`)
	nameHeader    = regexp.MustCompile(`(?i)(constant|\bname\b|scenario|symbol|enum|identifier|macro|^error$|^key$)`)
	messageHeader = regexp.MustCompile(`(?i)(message|meaning|\btext\b|reason|summary)`)
	descHeader    = regexp.MustCompile(`(?i)(description|details?|explanation|cause|notes?|comments?)`)
	upperSnake    = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$`)
)

// isHeaderRow reports whether cells look like a header: some cell names a
// code, message or description column, and no cell is a number.
func isHeaderRow(cells []string) bool {
	named := false
	for _, c := range cells {
		if numericCode.MatchString(c) {
			return false
		}
		if codeHeader.MatchString(c) || messageHeader.MatchString(c) || descHeader.MatchString(c) {
			named = true
		}
	}
	return named
}

// classify finds the columns from the header names, then from the cells for
// the roles the header leaves open (a code column is one whose cells are
// mostly numbers; a name column one of UPPER_SNAKE or CamelCase words; the
// message the remaining column with the longest text).
func classify(header []string, rows []tableRow) columns {
	c := columns{-1, -1, -1, -1, -1}
	width := len(header)
	for _, r := range rows {
		width = max(width, len(r.cells))
	}
	used := map[int]bool{}
	set := func(dst *int, i int) {
		if *dst < 0 && !used[i] {
			*dst = i
			used[i] = true
		}
	}
	for i, h := range header {
		h = collapse(h)
		switch {
		case statusHeader.MatchString(h):
			set(&c.status, i)
		case codeHeader.MatchString(h):
			set(&c.code, i)
		case nameHeader.MatchString(h):
			set(&c.name, i)
		case messageHeader.MatchString(h):
			set(&c.message, i)
		case descHeader.MatchString(h):
			set(&c.description, i)
		}
	}
	share := func(i int, re *regexp.Regexp) float64 {
		n, hit := 0, 0
		for _, r := range rows {
			if i < len(r.cells) && r.cells[i] != "" {
				n++
				if re.MatchString(r.cells[i]) {
					hit++
				}
			}
		}
		if n == 0 {
			return 0
		}
		return float64(hit) / float64(n)
	}
	if c.code < 0 {
		for i := 0; i < width; i++ {
			if !used[i] && share(i, numericCode) >= 0.8 {
				set(&c.code, i)
				break
			}
		}
	}
	if c.name < 0 {
		for i := 0; i < width; i++ {
			if !used[i] && share(i, upperSnake) >= 0.8 {
				set(&c.name, i)
				break
			}
		}
	}
	if c.message < 0 && c.description >= 0 {
		c.message, c.description = c.description, -1
	}
	if c.message < 0 {
		best, bestLen := -1, 0
		for i := 0; i < width; i++ {
			if used[i] {
				continue
			}
			total := 0
			for _, r := range rows {
				if i < len(r.cells) {
					total += len(r.cells[i])
				}
			}
			if total > bestLen {
				best, bestLen = i, total
			}
		}
		if best >= 0 {
			set(&c.message, best)
		}
	}
	return c
}

var (
	backticks = regexp.MustCompile("^`+|`+$")
	emphasis  = regexp.MustCompile(`^(?:\*\*(.+)\*\*|__(.+)__|\*(.+)\*)$`)
)

// plainToken strips Markdown code and emphasis marks around a code or name
// cell (`FOO`, **FOO**).
func plainToken(s string) string {
	s = strings.TrimSpace(backticks.ReplaceAllString(s, ""))
	if m := emphasis.FindStringSubmatch(s); m != nil {
		s = m[1] + m[2] + m[3]
	}
	return strings.TrimSpace(s)
}

// tableRows turns the rows of tables into Rows. A row whose only non-empty
// cell is its first one is a section heading inside the table (a cell
// spanning the table); a row whose code cell is not a code is skipped with
// a warning.
func tableRows(tables []table) ([]Row, []string) {
	var rows []Row
	var warnings []string
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		c := classify(t.header, t.rows)
		if c.code < 0 {
			warnings = append(warnings, fmt.Sprintf("%sa table with no code column (header %q) was skipped", lineRef(t.rows[0].line), strings.Join(t.header, " | ")))
			continue
		}
		inner := ""
		for _, r := range t.rows {
			cell := func(i int) string {
				if i < 0 || i >= len(r.cells) {
					return ""
				}
				return collapse(r.cells[i])
			}
			nonEmpty := 0
			for _, x := range r.cells {
				if collapse(x) != "" {
					nonEmpty++
				}
			}
			if nonEmpty == 0 {
				continue
			}
			if nonEmpty == 1 && len(t.header) > 1 && collapse(r.cells[0]) != "" && !numericCode.MatchString(collapse(r.cells[0])) {
				inner = collapse(r.cells[0])
				continue
			}
			code := plainToken(cell(c.code))
			if !codeRE.MatchString(code) {
				warnings = append(warnings, fmt.Sprintf("%srow skipped: %q is not a code", lineRef(r.line), code))
				continue
			}
			section := r.section
			if inner != "" {
				section = inner
			}
			row := Row{
				Code:        code,
				Name:        plainToken(cell(c.name)),
				Message:     cell(c.message),
				Description: cell(c.description),
				Section:     section,
				Status:      plainToken(cell(c.status)),
				Line:        r.line,
			}
			rows = append(rows, row)
		}
	}
	return rows, warnings
}
