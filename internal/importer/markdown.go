package importer

import (
	"strings"

	"github.com/errtag/errtag/internal/lazyregexp"
)

var (
	mdATXHeading   = lazyregexp.New(`^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$`)
	mdSetextUnder  = lazyregexp.New(`^\s{0,3}(=+|-+)\s*$`)
	mdSeparatorRow = lazyregexp.New(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	mdFence        = lazyregexp.New("^\\s{0,3}(```|~~~)")
)

// parseMarkdown reads the pipe tables of a Markdown page. A table is a
// header row, a separator row (| --- | --- |) and the rows up to the first
// line without a pipe. Headings (# Title, or a line underlined with === or
// ---) name the section of the tables under them. Front matter and fenced
// code blocks are skipped.
func parseMarkdown(page string, spec *Columns) ([]Row, []string, error) {
	lines := strings.Split(page, "\n")
	var tables []table
	section := ""
	inFence := false
	start := 0
	// YAML front matter: a first line "---" up to the next "---".
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		for i := 1; i < len(lines); i++ {
			if t := strings.TrimSpace(lines[i]); t == "---" || t == "..." {
				start = i + 1
				break
			}
		}
	}
	for i := start; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		if mdFence.MatchString(line) {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := mdATXHeading.FindStringSubmatch(line); m != nil {
			section = mdInline(m[1])
			continue
		}
		if strings.Contains(line, "|") && i+1 < len(lines) && mdSeparatorRow.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "-") {
			t := table{header: mdCells(line), line: i + 1}
			j := i + 2
			for ; j < len(lines); j++ {
				l := strings.TrimRight(lines[j], " \t")
				if !strings.Contains(l, "|") || strings.TrimSpace(l) == "" {
					break
				}
				if mdSeparatorRow.MatchString(l) {
					continue
				}
				t.rows = append(t.rows, tableRow{cells: mdCells(l), section: section, line: j + 1})
			}
			tables = append(tables, t)
			i = j - 1
			continue
		}
		if strings.TrimSpace(line) != "" && i+1 < len(lines) && mdSetextUnder.MatchString(lines[i+1]) && !strings.Contains(line, "|") {
			section = mdInline(line)
			i++
		}
	}
	return tableRows(tables, spec)
}

// mdCells splits a table row into its cells: pipes separate cells unless
// escaped (\|) or inside a code span; the outer pipes are optional.
func mdCells(line string) []string {
	s := strings.TrimSpace(line)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	var cur strings.Builder
	inCode := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '|':
			cur.WriteByte('|')
			i++
		case c == '`':
			inCode = !inCode
			cur.WriteByte(c)
		case c == '|' && !inCode:
			cells = append(cells, collapse(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	cells = append(cells, collapse(cur.String()))
	for i, c := range cells {
		cells[i] = mdBreaks.ReplaceAllString(c, " ")
		cells[i] = collapse(cells[i])
	}
	return cells
}

var mdBreaks = lazyregexp.New(`(?i)<br\s*/?>`)

// mdInline strips the emphasis and code marks of a heading.
func mdInline(s string) string {
	return collapse(strings.NewReplacer("**", "", "__", "", "`", "").Replace(s))
}
