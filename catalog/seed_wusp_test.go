package catalog

import (
	"regexp"
	"strings"
	"testing"
)

var (
	wuspParaSepRE = regexp.MustCompile(`\n[ \t\r]*\n`)
	wuspNameRE    = regexp.MustCompile(`^[A-Z][a-z]+(?:[A-Z][a-z]+)+$`)
)

// parseWuspSeed reads the MS-WUSP faults page, which is prose: after the
// " ErrorCode" and " Description" header paragraphs (their leading space is
// a no-break space), each code is a paragraph holding a single CamelCase word,
// followed by its description paragraph; the table ends at the "method:"
// paragraph. The code is the name.
func parseWuspSeed(t *testing.T, page string) []seedRow {
	t.Helper()
	var paras []string
	for _, p := range wuspParaSepRE.Split(strings.ReplaceAll(page, "\r\n", "\n"), -1) {
		if p = collapse(p); p != "" { // collapse also folds the no-break space
			paras = append(paras, p)
		}
	}
	start := -1
	for i := 0; i+1 < len(paras); i++ {
		if paras[i] == "ErrorCode" && paras[i+1] == "Description" {
			start = i + 2
			break
		}
	}
	if start < 0 {
		t.Fatal("wusp: the ErrorCode/Description header is not on the page")
	}
	var rows []seedRow
	for i := start; i < len(paras); i++ {
		p := paras[i]
		if strings.HasPrefix(p, "method:") {
			return rows
		}
		if !wuspNameRE.MatchString(p) {
			t.Fatalf("wusp: expected an ErrorCode name, found paragraph %q", p)
		}
		if i+1 >= len(paras) || wuspNameRE.MatchString(paras[i+1]) || strings.HasPrefix(paras[i+1], "method:") {
			t.Fatalf("wusp: ErrorCode %s has no description paragraph", p)
		}
		rows = append(rows, seedRow{Code: p, Name: p, Message: paras[i+1]})
		i++
	}
	t.Fatal("wusp: the \"method:\" paragraph that ends the table is missing")
	return nil
}

func TestSeedWUSP(t *testing.T) {
	rows := parseWuspSeed(t, readSeed(t, "wusp"))
	if len(rows) != 11 {
		t.Fatalf("wusp: parsed %d rows from the page, want 11", len(rows))
	}
	checkSeedCoverage(t, "wusp", rows)
}
