package catalog

import (
	"html"
	"regexp"
	"testing"
)

var (
	voltmxRowRE  = regexp.MustCompile(`(?s)<tr\b[^>]*>(.*?)</tr>`)
	voltmxCellRE = regexp.MustCompile(`(?s)<td\b[^>]*>(.*?)</td>`)
	voltmxTagRE  = regexp.MustCompile(`<[^>]*>`)
)

// parseVoltmxSeed reads the HTML table of the Volt MX Sync page: one <tr>
// per code with three <td> cells, Error Code, Error Scenario (the constant)
// and Error Message. The header row uses <th> cells and is skipped.
func parseVoltmxSeed(t *testing.T, page string) []seedRow {
	t.Helper()
	var rows []seedRow
	for _, tr := range voltmxRowRE.FindAllStringSubmatch(page, -1) {
		cells := voltmxCellRE.FindAllStringSubmatch(tr[1], -1)
		if len(cells) == 0 {
			continue // header row (<th>)
		}
		if len(cells) != 3 {
			t.Fatalf("voltmx-sync: table row with %d cells, want 3: %q", len(cells), tr[0])
		}
		text := make([]string, 3)
		for i, c := range cells {
			text[i] = collapse(html.UnescapeString(voltmxTagRE.ReplaceAllString(c[1], "")))
		}
		rows = append(rows, seedRow{Code: text[0], Name: text[1], Message: text[2]})
	}
	return rows
}

func TestSeedVoltmxSync(t *testing.T) {
	rows := parseVoltmxSeed(t, readSeed(t, "voltmx-sync"))
	if len(rows) != 28 { // -1001 .. -1027 and 7101
		t.Fatalf("voltmx-sync: parsed %d rows from the page, want 28", len(rows))
	}
	checkSeedCoverage(t, "voltmx-sync", rows)
}
