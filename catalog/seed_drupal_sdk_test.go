package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// drupalRowRE matches one data row of the Markdown table
// "| CONSTANT | NUMERIC CODE | DESCRIPTION |".
var drupalRowRE = regexp.MustCompile(`^\|\s*([A-Z][A-Z0-9_]*)\s*\|\s*(-?[0-9]+)\s*\|(.*)\|\s*$`)

// parseDrupalSeed reads the Markdown table of the Drupal SDK page, from its
// header row to the first line that is not a table row. Descriptions are
// kept as the page has them, truncated ones included.
func parseDrupalSeed(t *testing.T, page string) []seedRow {
	t.Helper()
	var rows []seedRow
	inTable := false
	for _, line := range strings.Split(page, "\n") {
		line = strings.TrimRight(line, "\r")
		if !inTable {
			if strings.HasPrefix(line, "|") && strings.Contains(line, "CONSTANT") && strings.Contains(line, "NUMERIC CODE") {
				inTable = true
			}
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break // end of table
		}
		if strings.Trim(line, "|- ") == "" {
			continue // separator row
		}
		m := drupalRowRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("drupal-sdk: table row not understood: %q", line)
		}
		rows = append(rows, seedRow{Code: m[2], Name: m[1], Message: collapse(m[3])})
	}
	return rows
}

func TestSeedDrupalSDK(t *testing.T) {
	rows := parseDrupalSeed(t, readSeed(t, "drupal-sdk"))
	if len(rows) != 64 {
		t.Fatalf("drupal-sdk: parsed %d rows from the page, want 64", len(rows))
	}
	checkSeedCoverage(t, "drupal-sdk", rows)
}
