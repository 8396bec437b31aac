package importer

import (
	"html"
	"strings"

	"github.com/errtag/errtag/internal/lazyregexp"
)

var (
	htmlTag     = lazyregexp.New(`<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>`)
	htmlComment = lazyregexp.New(`(?s)<!--.*?-->`)
	htmlRaw     = lazyregexp.New(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
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
	s := &htmlScan{page: page, line: 1}
	pos := 0
	for _, m := range htmlTag.FindAllStringSubmatchIndex(page, -1) {
		s.text(page[pos:m[0]])
		pos = m[1]
		s.tag(page[m[2]:m[3]] == "/", strings.ToLower(page[m[4]:m[5]]), m[0])
	}
	s.endTable()
	return tableRows(s.tables, spec)
}

// htmlScan is what parseHTML knows as it goes through a page's tags.
type htmlScan struct {
	page   string
	tables []table // done
	cur    *table  // the table being read, if any
	depth  int     // table nesting
	// headRows are the current table's leading rows of <th> cells.
	headRows [][]string
	// row is the row being read, and its cells so far.
	row      []string
	inRow    bool
	rowLine  int
	rowAllTH bool
	// cell and heading gather the text of a cell or a heading being read.
	cell, heading *strings.Builder
	section       string // the last heading
	// line is the line at offset lineOff: tags come in page order, so
	// lines are counted once.
	line, lineOff int
}

// lineAt returns the line of offset off, at or after the last one asked.
func (s *htmlScan) lineAt(off int) int {
	s.line += strings.Count(s.page[s.lineOff:off], "\n")
	s.lineOff = off
	return s.line
}

// text adds page text to the cell or heading being read, if any.
func (s *htmlScan) text(t string) {
	switch {
	case s.cell != nil:
		s.cell.WriteString(t)
	case s.heading != nil:
		s.heading.WriteString(t)
	}
}

// tag handles one tag, at offset off.
func (s *htmlScan) tag(closing bool, name string, off int) {
	switch {
	case s.depth > 1:
		s.nestedTag(closing, name)
	case name == "table" && !closing:
		if s.depth == 1 && s.cell != nil {
			// A table in a cell: its markup is the cell's text.
			s.depth++
			s.text(" ")
			return
		}
		s.endTable()
		s.depth = 1
		s.cur = &table{line: s.lineAt(off)}
	case name == "table" && closing:
		if s.depth == 1 {
			s.endTable()
			s.depth = 0
		}
	case s.depth == 1 && name == "tr":
		s.endRow()
		if !closing {
			s.startRow(off)
		}
	case s.depth == 1 && (name == "td" || name == "th"):
		s.cellTag(closing, name, off)
	case s.depth == 0 && isHeading(name):
		s.headingTag(closing)
	case htmlBlock[name]:
		s.text(" ")
	}
}

// nestedTag handles a tag inside a table nested in a cell: its markup is
// text of the outer cell.
func (s *htmlScan) nestedTag(closing bool, name string) {
	if name == "table" {
		if closing {
			s.depth--
		} else {
			s.depth++
		}
	}
	if htmlBlock[name] {
		s.text(" ")
	}
}

func (s *htmlScan) startRow(off int) {
	s.inRow, s.rowAllTH, s.rowLine = true, true, s.lineAt(off)
}

// cellTag starts or ends a <td> or <th> cell (a cell outside a <tr>
// starts a row).
func (s *htmlScan) cellTag(closing bool, name string, off int) {
	s.endCell()
	if closing {
		return
	}
	if !s.inRow {
		s.startRow(off)
	}
	if name == "td" {
		s.rowAllTH = false
	}
	s.cell = &strings.Builder{}
}

// headingTag starts or ends an <h1>-<h6> heading, which names the section
// of the tables after it.
func (s *htmlScan) headingTag(closing bool) {
	switch {
	case !closing:
		s.heading = &strings.Builder{}
	case s.heading != nil:
		s.section = collapse(html.UnescapeString(s.heading.String()))
		s.heading = nil
	}
}

func isHeading(name string) bool {
	return len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6'
}

func (s *htmlScan) endCell() {
	if s.cell != nil {
		s.row = append(s.row, collapse(html.UnescapeString(s.cell.String())))
		s.cell = nil
	}
}

func (s *htmlScan) endRow() {
	s.endCell()
	if s.inRow && s.cur != nil && len(s.row) > 0 {
		if s.rowAllTH && len(s.cur.rows) == 0 {
			s.headRows = append(s.headRows, s.row)
		} else {
			s.cur.rows = append(s.cur.rows, tableRow{cells: s.row, section: s.section, line: s.rowLine})
		}
	}
	s.row, s.inRow = nil, false
}

// endTable ends the table being read, if any, and chooses its header.
func (s *htmlScan) endTable() {
	s.endRow()
	if s.cur != nil {
		t := s.cur
		width := 0
		for _, r := range t.rows {
			width = max(width, len(r.cells))
		}
		for _, h := range s.headRows {
			if len(h) > 1 || width <= 1 {
				t.header = h
			}
		}
		if t.header == nil && len(t.rows) > 1 && isHeaderRow(t.rows[0].cells) {
			t.header = t.rows[0].cells
			t.rows = t.rows[1:]
		}
		s.tables = append(s.tables, *t)
	}
	s.cur, s.headRows = nil, nil
}

// keepNewlines replaces s by as many newlines as it holds, so that line
// numbers stay right after it is removed.
func keepNewlines(s string) string { return strings.Repeat("\n", strings.Count(s, "\n")) }
