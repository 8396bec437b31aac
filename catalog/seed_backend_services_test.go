package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// backendSeedRows is the number of table rows on the backend-services page
// (62 codes; 107 has three rows). A parser regression changes it.
const backendSeedRows = 64

// backendRow is one table row of the backend-services page: the code, the
// HTTP status when the row has one, and the rest of the row (message,
// "Returned By" and description, which the page does not delimit),
// whitespace collapsed.
type backendRow struct {
	Code   string
	Status string
	Text   string
}

var (
	backendRowStart = regexp.MustCompile(`^([0-9]+)\s+(?:([0-9]{3})\s+)?(\S.*)$`)
	backendHeader   = regexp.MustCompile(`^Error Code\s+HTTP Status Code\s+Error Message`)
)

// parseBackendRows reads the table that follows the page's header line
// ("Error Code HTTP Status Code Error Message ..."): every line starting
// with a number is a row. Lines before the header (page chrome such as
// "70 lines (68 loc)") and the footnotes after the table are not rows.
func parseBackendRows(text string) []backendRow {
	var rows []backendRow
	inTable := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !inTable {
			inTable = backendHeader.MatchString(line)
			continue
		}
		m := backendRowStart.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows = append(rows, backendRow{Code: m[1], Status: m[2], Text: collapse(m[3])})
	}
	return rows
}

// parseBackendSeed returns the page's rows as seed rows: the message column
// is not delimited from the following columns, so the catalog message must
// be a prefix of the row's text after code and status.
func parseBackendSeed(text string) []seedRow {
	var out []seedRow
	for _, r := range parseBackendRows(text) {
		out = append(out, seedRow{Code: r.Code, Message: r.Text, Prefix: true})
	}
	return out
}

var backendGroup = regexp.MustCompile(`^(?:HTTP ([0-9]{3}); )?returned by: (.+)$`)

func TestSeedBackendServices(t *testing.T) {
	const sys = "backend-services"
	text := readSeed(t, sys)
	seed := parseBackendSeed(text)
	if len(seed) != backendSeedRows {
		t.Fatalf("parser found %d rows on the %s page, want %d", len(seed), sys, backendSeedRows)
	}
	checkSeedCoverage(t, sys, seed)

	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	rows := parseBackendRows(text)
	entries := c.Entries(sys)
	if len(entries) != len(rows) {
		t.Errorf("catalog has %d %s entries, the page has %d rows", len(entries), sys, len(rows))
	}

	// Each entry must match exactly one page row, in page order, and split
	// that row's text into message, "Returned By" (in group) and
	// description with nothing left over.
	used := make([]bool, len(rows))
	for i, e := range entries {
		msg := collapse(e.Message)
		match := -1
		for j, r := range rows {
			if r.Code == e.Code && strings.HasPrefix(r.Text, msg) {
				if match >= 0 {
					t.Errorf("code %s: message %q matches more than one page row", e.Code, msg)
				}
				match = j
			}
		}
		if match < 0 {
			t.Errorf("code %s (%s): message %q starts no page row of that code", e.Code, e.Name, msg)
			continue
		}
		if used[match] {
			t.Errorf("code %s (%s): page row %d is already covered by another entry", e.Code, e.Name, match+1)
		}
		used[match] = true
		if match != i {
			t.Errorf("code %s (%s): entry %d matches page row %d; keep page order", e.Code, e.Name, i+1, match+1)
		}
		r := rows[match]
		rest := strings.TrimSpace(r.Text[len(msg):])
		desc := collapse(e.Description)
		if desc == "" || !strings.Contains(rest, desc) {
			t.Errorf("code %s (%s): description %q is not in the page row after the message: %q", e.Code, e.Name, desc, rest)
			continue
		}
		g := backendGroup.FindStringSubmatch(e.Group)
		if g == nil {
			t.Errorf("code %s (%s): group %q is not \"HTTP <status>; returned by: <operations>\"", e.Code, e.Name, e.Group)
			continue
		}
		if g[1] != r.Status {
			t.Errorf("code %s (%s): group has HTTP status %q, the page row has %q", e.Code, e.Name, g[1], r.Status)
		}
		if want := g[2] + " " + desc; rest != want {
			t.Errorf("code %s (%s): page row after the message is %q, catalog reads %q (returned by + description)", e.Code, e.Name, rest, want)
		}
	}

	// Code 107: three rows, picked by the line's own message.
	if n := len(c.Lookup(sys, "107")); n != 3 {
		t.Fatalf("code 107 has %d catalog rows, want 3", n)
	}
	const (
		general   = "General database error."
		dupKey    = "The operation results in a duplicate key for a unique index."
		dupValues = "Duplicate values already exist for field"
	)
	cases := []struct{ line, want string }{
		{general, general},
		{"General database error. E11000 write failed", general},
		{dupKey, dupKey},
		{`Duplicate values already exist for field Number of content type "New".`, dupValues},
		{`Duplicate values already exist for field Email of content type "Customers".`, dupValues},
		{"  " + dupKey + "  ", dupKey},
		{"Something the page does not list.", general},
	}
	for _, tc := range cases {
		res := c.Resolve(sys, "107", tc.line)
		if !res.Known || !strings.HasPrefix(res.Entry.Message, tc.want) {
			t.Errorf("Resolve(107, %q) = %q (%s), want the row %q", tc.line, res.Entry.Message, res.Entry.Name, tc.want)
		}
		if tc.want != general && len(res.Alternatives) != 0 {
			t.Errorf("Resolve(107, %q): a picked row has %d alternatives, want none", tc.line, len(res.Alternatives))
		}
	}
	res := c.Resolve(sys, "107", "")
	if res.Entry.Message != general || res.Entry.MessagePrefix != "" {
		t.Errorf("Resolve(107, \"\") = %q (prefix %q), want the general row", res.Entry.Message, res.Entry.MessagePrefix)
	}
	if len(res.Alternatives) != 2 {
		t.Errorf("Resolve(107, \"\") has %d alternatives, want 2", len(res.Alternatives))
	}
	names := map[string]bool{}
	for _, e := range c.Lookup(sys, "107") {
		names[e.Name] = true
	}
	if len(names) != 3 {
		t.Errorf("the three 107 rows need three distinct names, have %v", names)
	}
}
