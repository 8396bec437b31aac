package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// knoxCodeLine matches a row's first line on the Knox E-FOTA page: the
// result code, optionally followed by (the start of) its description.
var knoxCodeLine = regexp.MustCompile(`^(-?[0-9]+)(?:\s+(.*))?$`)

// knoxTableHeader is the table header under every section heading.
const knoxTableHeader = "Error code Description"

// knoxSeedRow is one row of the Knox E-FOTA page with the section it is in.
type knoxSeedRow struct {
	seedRow
	Group string
}

// parseKnoxPage reads the Knox E-FOTA "Error codes" page: sections whose
// heading line is followed by the "Error code Description" header, then rows
// that start with a code. A row's text is on the code's line, or on the
// following non-empty lines (several paragraphs, bullet lists), up to the
// next code line or section heading. Every row is returned, in page order,
// including codes the page lists more than once.
func parseKnoxPage(text string) []knoxSeedRow {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if l = collapse(l); l != "" {
			lines = append(lines, l)
		}
	}
	var (
		rows  []knoxSeedRow
		parts []string
		cur   *knoxSeedRow
		group string
	)
	flush := func() {
		if cur != nil {
			cur.Message = collapse(strings.Join(parts, " "))
			rows = append(rows, *cur)
		}
		cur, parts = nil, nil
	}
	for i, l := range lines {
		if l == knoxTableHeader {
			continue
		}
		if i+1 < len(lines) && lines[i+1] == knoxTableHeader {
			flush()
			group = l
			continue
		}
		if group == "" {
			continue // the page's title and introduction
		}
		if m := knoxCodeLine.FindStringSubmatch(l); m != nil {
			flush()
			cur = &knoxSeedRow{seedRow: seedRow{Code: m[1]}, Group: group}
			if m[2] != "" {
				parts = append(parts, m[2])
			}
			continue
		}
		if cur != nil {
			parts = append(parts, l)
		}
	}
	flush()
	return rows
}

// parseKnoxSeed returns the page's rows for checkSeedCoverage: one per code,
// the first listing of a code the page lists twice (the catalog keeps the
// later listing's text in the entry's description).
func parseKnoxSeed(text string) []seedRow {
	var out []seedRow
	seen := map[string]bool{}
	for _, r := range parseKnoxPage(text) {
		if seen[r.Code] {
			continue
		}
		seen[r.Code] = true
		out = append(out, r.seedRow)
	}
	return out
}

func TestSeedKnoxEFOTA(t *testing.T) {
	const system = "knox-efota"
	text := readSeed(t, system)
	all := parseKnoxPage(text)
	rows := parseKnoxSeed(text)

	// The page lists 153 rows in 9 sections; code 0 is listed twice.
	if len(all) != 153 {
		t.Errorf("parser found %d rows on the page, want 153", len(all))
	}
	if len(rows) != 152 {
		t.Errorf("parser found %d distinct codes, want 152", len(rows))
	}
	groups := map[string]bool{}
	for _, r := range all {
		groups[r.Group] = true
		if r.Message == "" {
			t.Errorf("code %s: parser found no text", r.Code)
		}
	}
	if len(groups) != 9 {
		t.Errorf("parser found %d sections, want 9: %v", len(groups), groups)
	}

	checkSeedCoverage(t, system, rows)

	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]knoxSeedRow{}
	var order []string
	dups := 0
	for _, r := range all {
		f, ok := first[r.Code]
		if !ok {
			first[r.Code] = r
			order = append(order, r.Code)
			continue
		}
		// A repeated listing: its text must be in the entry's description.
		dups++
		if f.Message == r.Message {
			continue
		}
		want := "Also listed under " + r.Group + " as: \"" + r.Message + "\""
		for _, e := range c.Lookup(system, r.Code) {
			if !strings.Contains(collapse(e.Description), want) {
				t.Errorf("code %s: description %q does not carry the page's second listing %q", r.Code, e.Description, want)
			}
		}
	}
	if dups != 1 {
		t.Errorf("parser found %d repeated listings, want 1 (code 0)", dups)
	}

	// The catalog holds exactly the page's codes, in page order, each with
	// the heading of the section it is first listed under.
	entries := c.Entries(system)
	if len(entries) != len(order) {
		t.Errorf("catalog has %d entries, the page %d codes", len(entries), len(order))
	}
	for i, e := range entries {
		r, ok := first[e.Code]
		if !ok {
			t.Errorf("catalog code %s is not on the vendor page", e.Code)
			continue
		}
		if e.Group != r.Group {
			t.Errorf("code %s: group %q, the page lists it under %q", e.Code, e.Group, r.Group)
		}
		if i < len(order) && order[i] != e.Code {
			t.Errorf("catalog entry %d is code %s, the page has %s there", i, e.Code, order[i])
		}
	}
}
