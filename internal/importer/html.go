package importer

import (
	"html"
	"regexp"
	"strings"
)

var (
	htmlTag     = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>`)
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlRaw     = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
	// tags whose start or end separates words inside a cell
	htmlBlock = map[string]bool{"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true,
		"table": true, "tr": true, "td": true, "th": true, "h1": true, "h2": true, "h3": true,
		"h4": true, "h5": true, "h6": true, "dd": true, "dt": true, "dl": true, "hr": true, "pre": true,
		"blockquote": true, "section": true, "article": true, "caption": true}
)

// parseHTML reads the <table>s of an HTML page (tables nested in a cell are
// read as the cell's text). A table's header is its last leading row of
// <th> cells (a single <th> spanning a wider table is a caption, not a
// header), or a first row that names its columns. The last <h1>-<h6>
// heading before a table names its section.
func parseHTML(page string, spec *Columns) ([]Row, []string, error) {
	page = htmlComment.ReplaceAllStringFunc(page, keepNewlines)
	page = htmlRaw.ReplaceAllStringFunc(page, keepNewlines)

	var (
		tables   []table
		cur      *table
		depth    int // table nesting
		row      []string
		rowLine  int
		rowAllTH bool
		inRow    bool
		cell     *strings.Builder
		heading  *strings.Builder
		section  string
		headRows [][]string // leading <th> rows of the current table
	)
	lineAt := func(off int) int { return strings.Count(page[:off], "\n") + 1 }
	text := func(s string) {
		switch {
		case cell != nil:
			cell.WriteString(s)
		case heading != nil:
			heading.WriteString(s)
		}
	}
	endCell := func() {
		if cell != nil {
			row = append(row, collapse(html.UnescapeString(cell.String())))
			cell = nil
		}
	}
	endRow := func() {
		endCell()
		if inRow && cur != nil && len(row) > 0 {
			if rowAllTH && len(cur.rows) == 0 {
				headRows = append(headRows, row)
			} else {
				cur.rows = append(cur.rows, tableRow{cells: row, section: section, line: rowLine})
			}
		}
		row, inRow = nil, false
	}
	endTable := func() {
		endRow()
		if cur != nil {
			width := 0
			for _, r := range cur.rows {
				width = max(width, len(r.cells))
			}
			for _, h := range headRows {
				if len(h) > 1 || width <= 1 {
					cur.header = h
				}
			}
			if cur.header == nil && len(cur.rows) > 1 && isHeaderRow(cur.rows[0].cells) {
				cur.header = cur.rows[0].cells
				cur.rows = cur.rows[1:]
			}
			tables = append(tables, *cur)
		}
		cur, headRows = nil, nil
	}

	pos := 0
	for _, m := range htmlTag.FindAllStringSubmatchIndex(page, -1) {
		text(page[pos:m[0]])
		pos = m[1]
		closing := page[m[2]:m[3]] == "/"
		name := strings.ToLower(page[m[4]:m[5]])
		if depth > 1 {
			// Inside a nested table: its markup is text of the outer cell.
			if name == "table" {
				if closing {
					depth--
				} else {
					depth++
				}
			}
			if htmlBlock[name] {
				text(" ")
			}
			continue
		}
		switch {
		case name == "table" && !closing:
			if depth == 1 && cell != nil {
				depth++
				text(" ")
				continue
			}
			endTable()
			depth = 1
			cur = &table{line: lineAt(m[0])}
		case name == "table" && closing:
			if depth == 1 {
				endTable()
				depth = 0
			}
		case depth == 1 && name == "tr":
			endRow()
			if !closing {
				inRow, rowAllTH, rowLine = true, true, lineAt(m[0])
			}
		case depth == 1 && (name == "td" || name == "th"):
			endCell()
			if !closing {
				if !inRow {
					inRow, rowAllTH, rowLine = true, true, lineAt(m[0])
				}
				if name == "td" {
					rowAllTH = false
				}
				cell = &strings.Builder{}
			}
		case depth == 0 && len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6':
			if closing {
				if heading != nil {
					section = collapse(html.UnescapeString(heading.String()))
					heading = nil
				}
			} else {
				heading = &strings.Builder{}
			}
		default:
			if htmlBlock[name] {
				text(" ")
			}
		}
	}
	endTable()
	return tableRows(tables, spec)
}

// keepNewlines replaces s by as many newlines as it holds, so that line
// numbers stay right after it is removed.
func keepNewlines(s string) string { return strings.Repeat("\n", strings.Count(s, "\n")) }
