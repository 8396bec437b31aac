package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// parseTSV reads tab-separated lines (a spreadsheet export). The first line
// that names its columns (code, name, message, description, HTTP status) is
// the header; without one, the columns are told by their contents. A line
// with a single field is a section heading for the lines after it. Lines
// starting with # are comments. Fields may be quoted as in CSV.
func parseTSV(page string) ([]Row, []string, error) {
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
		case len(rec) == 1 || (nonEmpty == 1 && rec[0] != "" && !numericCode.MatchString(rec[0])):
			section = rec[0]
			continue
		case t.header == nil && len(t.rows) == 0 && isHeaderRow(rec):
			t.header = rec
			continue
		}
		t.rows = append(t.rows, tableRow{cells: rec, section: section, line: line})
	}
	rows, warnings := tableRows([]table{t})
	return rows, warnings, nil
}
