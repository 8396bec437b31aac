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
// --columns names headers, or (--columns by position) when its code cell
// is not a code; without a
// header, the columns are told by their contents. A line with a single
// field is a section heading for the lines after it. Lines starting with #
// are comments. Fields may be quoted as in CSV.
func parseTSV(page string, spec *Columns) ([]Row, []string, error) {
	r := csv.NewReader(strings.NewReader(page))
	r.Comma = '\t'
	r.Comment = '#'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var t table
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
		case t.header == nil && len(t.rows) == 0 && (isHeaderRow(rec) || specHeader(spec, rec)):
			t.header, t.line = rec, line
			continue
		}
		t.rows = append(t.rows, tableRow{cells: rec, section: section, line: line})
	}
	if t.line == 0 && len(t.rows) > 0 {
		t.line = t.rows[0].line
	}
	return tableRows([]table{t}, spec)
}

// specHeader reports whether rec, the first line of a table whose columns
// --columns gives, is its header: always when --columns names headers, and
// with roles by position when its code cell is not a code.
func specHeader(spec *Columns, rec []string) bool {
	if spec == nil {
		return false
	}
	if spec.byPos == nil {
		return true
	}
	for i, r := range spec.byPos {
		if r == RoleCode {
			return i < len(rec) && !plausibleCode(plainToken(rec[i]))
		}
	}
	return false
}
