package importer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/lazyregexp"
)

var (
	// textRowStart is a line that starts with a code: a number, or an
	// upper-case token of letters and digits (looksLikeCode decides),
	// followed by white space, or by a colon, dash or equals sign and
	// the text ("E1: Card declined.", "404 - Not found").
	textRowStart   = lazyregexp.New(`^([-+]?[0-9]+|0[xX][0-9A-Fa-f]+|[A-Z0-9]+(?:[-_][A-Z0-9]+)*)(?:(?::|\s*[=\x{2013}\x{2014}]|\s+[-:])\s*(\S.*)|\s+(.*))?$`)
	textSection    = lazyregexp.New(`^(?:Section|Group|Category):\s*(\S.*)$`)
	textComment    = lazyregexp.New(`^#(?:\s|#|$)`)
	columnSep      = lazyregexp.New(`\t+|[ \x{00A0}]{2,}`)
	statusHeader   = lazyregexp.New(`(?i)\b(http|status)\b`)
	textHeaderCode = lazyregexp.New(`(?i)(\bcodes?\b|errorcode)`)
	textHeaderText = lazyregexp.New(`(?i)\b(description|message|meaning|explanation)\b`)
	httpStatusCode = lazyregexp.New(`^[1-5][0-9]{2}$`)
	footnoteLine   = lazyregexp.New(`^(\*|†|‡|§|¹|²|³|(?i:note:))`)
)

// parseText reads a plain-text page in whichever of its two layouts finds
// more codes: lines starting with a code (parseCodeLines, which reads
// columns of code lines as a table), or prose with a name paragraph before
// each description paragraph (parseProse). With spec (--columns), the
// page is a table of columns (parseTextTable), whatever its codes look
// like.
func parseText(page string, spec *Columns) ([]Row, []string, error) {
	if spec != nil {
		return parseTextTable(page, spec)
	}
	rows, warnings, columnar, err := parseCodeLines(page, spec)
	if err != nil {
		return nil, nil, err
	}
	if columnar {
		return rows, warnings, nil
	}
	prose, proseWarnings := parseProse(page)
	if len(prose) > len(rows) {
		return prose, proseWarnings, nil
	}
	return rows, warnings, nil
}

// parseTextTable reads a text page as a table whose columns spec
// (--columns) gives: each line's fields are two spaces or a tab apart; a
// line of one field is a section heading, as is "Section: TEXT" (or
// Group:, Category:); lines starting with "#" are comments. The first line
// of fields is the header when it looks like one (see specHeader). The
// codes are the code column's cells, whatever they look like.
func parseTextTable(page string, spec *Columns) ([]Row, []string, error) {
	var rows []tableRow
	section := ""
	for i, l := range strings.Split(page, "\n") {
		raw := strings.TrimSpace(l)
		text := collapse(raw)
		switch {
		case text == "" || textComment.MatchString(text):
			continue
		case textSection.MatchString(text):
			section = textSection.FindStringSubmatch(text)[1]
			continue
		}
		fields := columnSep.Split(raw, -1)
		if len(fields) < 2 {
			section = text
			continue
		}
		for j := range fields {
			fields[j] = collapse(fields[j])
		}
		rows = append(rows, tableRow{cells: fields, section: section, line: i + 1})
	}
	if len(rows) == 0 {
		return nil, nil, usageError{fmt.Errorf("--columns: this text page has no columns (fields two spaces or a tab apart); --columns applies to tables")}
	}
	return tableRows([]table{headedTable(rows, spec)}, spec)
}

type textLine struct {
	text string // white space collapsed
	raw  string // as on the page, ends trimmed
	line int
}

// codeLineStart returns the code a line starts with and the rest of the
// line, or ok false.
func codeLineStart(l string) (code, rest string, ok bool) {
	m := textRowStart.FindStringSubmatch(l)
	if m == nil || !looksLikeCode(m[1]) {
		return "", "", false
	}
	return m[1], m[2] + m[3], true
}

// isTextHeader reports whether l is a table header line such as "Error code
// Description" or "Error Code HTTP Status Code Error Message Description
// Returned By": short, naming a code and a text column, not a sentence.
func isTextHeader(l string) bool {
	if n := len(strings.Fields(l)); n == 0 || n > 12 {
		return false
	}
	if _, _, ok := codeLineStart(l); ok || strings.HasSuffix(l, ".") || strings.HasSuffix(l, ":") {
		return false
	}
	return textHeaderCode.MatchString(l) && textHeaderText.MatchString(l)
}

// rawTextRow is a row of the code-lines layout being read.
type rawTextRow struct {
	code, status, section string
	parts                 []string
	raw                   string // the rest of the first line, as on the page
	line                  int
	ended                 bool
}

// parseCodeLines reads the layout of a table copied out of a page as text:
// a row starts with a line beginning with a code (decimal or hex); its text
// is the rest of that line and the lines after it up to the next row. When
// the page has a header line naming the columns ("Error code
// Description"), rows are read only after the first one, and the line
// before each header is a section heading. When the header names an HTTP
// status column, a three-digit number after the code is the row's status.
// When it names columns after the message ("... Message Description
// Returned By"), the columns run together, so the message is taken to end
// at its first sentence, or before a word that starts the next column in
// three rows or more; the rest of the row is kept for the author.
//
// Lines starting with "#" are comments (they end a row); a line
// "Section: TEXT" (or Group:, Category:) is a section heading, as in
// PostgreSQL's errcodes.txt. When the rows are one line each with fields
// two spaces or a tab apart (a fixed-width table, such as errcodes.txt's
// "42P01  E  ERRCODE_UNDEFINED_TABLE  undefined_table"), the page is read
// as a table of those columns (columnar is true).
func parseCodeLines(page string, spec *Columns) (rows []Row, warnings []string, columnar bool, err error) {
	var lines []textLine
	for i, l := range strings.Split(page, "\n") {
		if c := collapse(l); c != "" {
			lines = append(lines, textLine{c, strings.TrimSpace(strings.TrimRight(l, " \t\r")), i + 1})
		}
	}
	first := -1
	for i, l := range lines {
		if !textComment.MatchString(l.text) && isTextHeader(l.text) {
			first = i
			break
		}
	}
	withStatus, trailing := false, false
	if first >= 0 {
		h := lines[first].text
		withStatus = statusHeader.MatchString(h)
		if loc := textHeaderText.FindStringIndex(h); loc != nil {
			trailing = strings.TrimSpace(h[loc[1]:]) != ""
		}
	}
	var raws []*rawTextRow
	var cur *rawTextRow
	section := ""
	for i, l := range lines {
		switch {
		case textComment.MatchString(l.text):
			cur = nil
			continue
		case textSection.MatchString(l.text):
			section, cur = textSection.FindStringSubmatch(l.text)[1], nil
			continue
		case isTextHeader(l.text):
			cur = nil
			continue
		case i+1 < len(lines) && isTextHeader(lines[i+1].text):
			section, cur = l.text, nil
			continue
		case first >= 0 && i < first:
			continue // the page's title and introduction
		}
		if code, rest, ok := codeLineStart(l.text); ok {
			cur = &rawTextRow{code: code, section: section, line: l.line}
			if _, r, ok := codeLineStart(l.raw); ok {
				cur.raw = r
			}
			if withStatus {
				if f := strings.Fields(rest); len(f) > 1 && httpStatusCode.MatchString(f[0]) {
					cur.status, rest = f[0], strings.Join(f[1:], " ")
				}
			}
			if rest != "" {
				cur.parts = append(cur.parts, rest)
			}
			raws = append(raws, cur)
			continue
		}
		if cur == nil || cur.ended {
			continue
		}
		if trailing && footnoteLine.MatchString(l.text) {
			cur.ended = true // footnotes under the table
			continue
		}
		cur.parts = append(cur.parts, l.text)
	}

	if t, ok := textColumns(raws, lines, first); ok {
		rows, warnings, err := tableRows([]table{t}, spec)
		return rows, warnings, true, err
	}
	var markers map[string]bool
	if trailing {
		markers = columnMarkers(raws)
	}
	for _, r := range raws {
		text := collapse(strings.Join(r.parts, " "))
		row := Row{Code: r.code, Message: text, Section: r.section, Status: r.status, Line: r.line}
		if trailing {
			row.Message, row.Rest = splitMessage(text, markers)
		}
		rows = append(rows, row)
	}
	return rows, nil, false, nil
}

// textColumns reads code lines as a table when they are one: three rows or
// more, at least 80% of them a single line whose text after the code
// splits into two fields or more at runs of two spaces or tabs. The header
// line, if the page has one, is split the same way.
func textColumns(raws []*rawTextRow, lines []textLine, header int) (table, bool) {
	if len(raws) < 3 {
		return table{}, false
	}
	split := func(s string) []string {
		var out []string
		for _, f := range columnSep.Split(strings.TrimSpace(s), -1) {
			out = append(out, collapse(f))
		}
		return out
	}
	columnar := 0
	for _, r := range raws {
		if len(r.parts) <= 1 && len(split(r.raw)) >= 2 {
			columnar++
		}
	}
	if columnar*5 < len(raws)*4 {
		return table{}, false
	}
	t := table{line: raws[0].line}
	if header >= 0 {
		t.header = split(lines[header].raw)
	}
	for _, r := range raws {
		cells := append([]string{r.code}, split(r.raw)...)
		if r.raw == "" {
			cells = []string{r.code}
		}
		t.rows = append(t.rows, tableRow{cells: cells, section: r.section, line: r.line})
	}
	return t, true
}

// columnMarkers learns the words that start the column after the message:
// in rows whose message ends with a sentence, the word after it. A word
// seen there in three rows or more that is capitalised (or N/A) is taken
// to start that column wherever it appears after a row's first word.
func columnMarkers(raws []*rawTextRow) map[string]bool {
	counts := map[string]int{}
	for _, r := range raws {
		t := collapse(strings.Join(r.parts, " "))
		if e := sentenceEnd(t); e > 0 {
			if f := strings.Fields(t[e:]); len(f) > 0 {
				counts[f[0]]++
			}
		}
	}
	markers := map[string]bool{}
	for w, n := range counts {
		r, _ := utf8.DecodeRuneInString(w)
		if n >= 3 && (unicode.IsUpper(r) || w == "N/A") {
			markers[w] = true
		}
	}
	return markers
}

// splitMessage splits a row's text into the message and the rest: the
// message ends at its first sentence end or before a column marker,
// whichever comes first.
func splitMessage(t string, markers map[string]bool) (msg, rest string) {
	end := sentenceEnd(t)
	if end < 0 {
		end = len(t)
	}
	off := 0
	for i, w := range strings.Fields(t) {
		at := strings.Index(t[off:], w) + off
		off = at + len(w)
		if at >= end {
			break
		}
		if i > 0 && markers[w] {
			end = at
			break
		}
	}
	return strings.TrimSpace(t[:end]), strings.TrimSpace(t[end:])
}
