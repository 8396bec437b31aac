package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// parseTSV reads tab-separated lines (a spreadsheet export). The first line
// is the header when it names its columns (see headerRoles), when
// --columns names headers, or (--columns by position) when it looks like a
// header (see specHeader); without a header, the columns are told by their
// contents. A line with a single field is a section heading for the lines
// after it. Lines starting with # are comments. Fields may be quoted as in
// CSV.
func parseTSV(page string, spec *Columns) ([]Row, []string, error) {
	r := csv.NewReader(strings.NewReader(page))
	r.Comma = '\t'
	r.Comment = '#'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows []tableRow
	section := ""
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", line, err)
		}
		for i := range rec {
			rec[i] = collapse(rec[i])
		}
		nonEmpty := 0
		for _, c := range rec {
			if c != "" {
				nonEmpty++
			}
		}
		switch {
		case nonEmpty == 0:
			continue
		case len(rec) == 1 || (nonEmpty == 1 && rec[0] != "" && !looksLikeCode(rec[0])):
			section = rec[0]
			continue
		}
		rows = append(rows, tableRow{cells: rec, section: section, line: line})
	}
	return tableRows([]table{headedTable(rows, spec)}, spec)
}

// headedTable makes a table of rows, the first of them its header when it
// is one: when it names its columns (isHeaderRow), or as specHeader says
// when --columns is given.
func headedTable(rows []tableRow, spec *Columns) table {
	var t table
	if len(rows) > 0 && (isHeaderRow(rows[0].cells) || specHeader(spec, rows)) {
		t.header, t.line = rows[0].cells, rows[0].line
		rows = rows[1:]
	}
	t.rows = rows
	if t.line == 0 && len(t.rows) > 0 {
		t.line = t.rows[0].line
	}
	return t
}

// specHeader reports whether the first of rows, the lines of a table whose
// columns --columns gives, is its header: always when --columns names
// headers; with roles by position, when its code cell names a column
// ("Code", "Error code", "errno"), or is no code while the code cells of
// most of the other rows (80%) look like codes ("Err" over 1, 2, 3). A
// code cell that does not look like a code is not enough on its own:
// codes may be words (ERR, WRONGTYPE).
func specHeader(spec *Columns, rows []tableRow) bool {
	if spec == nil || len(rows) == 0 {
		return false
	}
	if spec.byPos == nil {
		return true
	}
	code := -1
	for i, r := range spec.byPos {
		if r == RoleCode {
			code = i
		}
	}
	cell := func(r tableRow) string {
		if code < len(r.cells) {
			return plainToken(r.cells[code])
		}
		return ""
	}
	first := cell(rows[0])
	if code < 0 || first == "" {
		return false
	}
	if headerRole(first) != "" {
		return true
	}
	if plausibleCode(first) || len(rows) < 2 {
		return false
	}
	codes := 0
	for _, r := range rows[1:] {
		if plausibleCode(cell(r)) {
			codes++
		}
	}
	return codes*5 >= (len(rows)-1)*4
}
