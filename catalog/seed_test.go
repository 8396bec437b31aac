package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedRow is one row of a vendor's error-code page, as a page parser in
// seed_<system>_test.go reads it from testdata/seeds/<system>.txt.
type seedRow struct {
	Code string
	Name string // the vendor's constant, where the page gives one
	// Message is the vendor's text, whitespace collapsed. When Prefix is
	// true the page's row continues past the message (further columns), so
	// the catalog message must be a prefix of it.
	Message string
	Prefix  bool
}

// readSeed returns the text of testdata/seeds/<system>.txt, the copy of the
// vendor page the built-in catalog was written from.
func readSeed(t *testing.T, system string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "seeds", system+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// collapse folds runs of white space into one space and trims the ends.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkSeedCoverage fails for every seed row whose code is missing from the
// built-in catalog of system, or whose row there does not carry the vendor's
// message verbatim (and its constant name, where the page gives one).
func checkSeedCoverage(t *testing.T, system string, rows []seedRow) {
	t.Helper()
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: the seed parser found no rows", system)
	}
	for _, r := range rows {
		entries := c.Lookup(system, r.Code)
		if len(entries) == 0 {
			t.Errorf("%s: code %s (%q) is on the vendor page but not in the catalog", system, r.Code, r.Message)
			continue
		}
		found := false
		for _, e := range entries {
			msg := collapse(e.Message)
			ok := msg == r.Message
			if r.Prefix {
				ok = msg != "" && strings.HasPrefix(r.Message, msg)
			}
			if ok && (r.Name == "" || e.Name == r.Name) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: code %s: no catalog row has the vendor's text %q (name %q); catalog has %+v", system, r.Code, r.Message, r.Name, entries)
		}
	}
}

// TestBuiltinEntriesComplete checks what every built-in entry must have: a
// remediation of its own (no filler sentence shared between codes), a
// category from the vocabulary, and a name unique in its system.
func TestBuiltinEntriesComplete(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"backend-services", "drupal-sdk", "knox-efota", "voltmx-sync", "wusp"}
	if got := strings.Join(c.Systems(), ","); got != strings.Join(want, ",") {
		t.Fatalf("built-in systems = %s, want %s", got, strings.Join(want, ","))
	}
	for _, sys := range want {
		seenRem := map[string]string{}
		for _, e := range c.Entries(sys) {
			if strings.TrimSpace(e.Remediation) == "" {
				t.Errorf("%s %s: no remediation", sys, e.Code)
			}
			if prev, ok := seenRem[e.Remediation]; ok {
				t.Errorf("%s %s: remediation repeats the one of code %s: %q", sys, e.Code, prev, e.Remediation)
			}
			seenRem[e.Remediation] = e.Code
		}
	}
}
