package importer

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

// pgPage reads a PostgreSQL page kept in testdata/postgresql (see its
// README: errcodes.txt from Debian's postgresql-15, the appendix page from
// postgresql-doc-15).
func pgPage(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "postgresql", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// errcodesTxt lists the codes of errcodes.txt the way its own header says
// to read it (one code per line: sqlstate E/W/S macro [spec_name]), with
// the spec name of each code's first line that has one.
func errcodesTxt(t *testing.T) (codes []string, spec map[string]string) {
	t.Helper()
	spec = map[string]string{}
	line := regexp.MustCompile(`^([0-9A-Z]{5})\s+[EWS]\s+ERRCODE_\w+(?:\s+(\w+))?\s*$`)
	sc := bufio.NewScanner(bytes.NewReader(pgPage(t, "errcodes.txt")))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if _, seen := spec[m[1]]; !seen {
			codes = append(codes, m[1])
			spec[m[1]] = ""
		}
		if spec[m[1]] == "" {
			spec[m[1]] = m[2]
		}
	}
	return codes, spec
}

func importPG(t *testing.T, name string) (*Result, *catalog.Catalog) {
	t.Helper()
	res, err := Import(Auto, pgPage(t, name), Options{System: "postgresql", Source: name})
	if err != nil {
		t.Fatal(err)
	}
	c := catalog.New()
	if err := c.Add(name+".yaml", res.YAML); err != nil {
		t.Fatalf("does not load: %v", err)
	}
	return res, c
}

// TestPostgreSQLErrcodesTxt: every code of errcodes.txt, alphanumeric
// ones included, with its class as group, its condition name as name and
// message, its constants in the description; and sensible categories.
func TestPostgreSQLErrcodesTxt(t *testing.T) {
	res, c := importPG(t, "errcodes.txt")
	if res.Format != Text {
		t.Errorf("read as %s (%s)", res.Format, res.Detected)
	}
	codes, spec := errcodesTxt(t)
	if len(codes) != 261 {
		t.Fatalf("the test's own reading found %d codes", len(codes))
	}
	got := c.Entries("postgresql")
	if len(got) != len(codes) {
		t.Errorf("%d entries, errcodes.txt has %d codes", len(got), len(codes))
	}
	for i, code := range codes {
		rows := c.Lookup("postgresql", code)
		if len(rows) != 1 {
			t.Errorf("code %s: %d rows", code, len(rows))
			continue
		}
		if i < len(got) && got[i].Code != code {
			t.Errorf("entry %d is %s, errcodes.txt has %s", i, got[i].Code, code)
		}
		e := rows[0]
		if e.Message != spec[code] {
			t.Errorf("code %s: message %q, condition name %q", code, e.Message, spec[code])
		}
		if e.Name != strings.ToUpper(spec[code]) && !strings.HasPrefix(e.Name, strings.ToUpper(spec[code])+"_") {
			t.Errorf("code %s: name %q", code, e.Name)
		}
		if !strings.HasPrefix(e.Group, "Class "+code[:2]+" - ") {
			t.Errorf("code %s: group %q", code, e.Group)
		}
		if !e.CategoryGuessed || e.Remediation != "" {
			t.Errorf("code %s: %+v", code, e)
		}
	}
	for code, want := range map[string]struct{ name, desc string }{
		"42P01": {"UNDEFINED_TABLE", "Constant ERRCODE_UNDEFINED_TABLE."},
		"3D000": {"INVALID_CATALOG_NAME", "Constants ERRCODE_INVALID_CATALOG_NAME, ERRCODE_UNDEFINED_DATABASE."},
		"2202E": {"ARRAY_SUBSCRIPT_ERROR", "Constants ERRCODE_ARRAY_SUBSCRIPT_ERROR, ERRCODE_ARRAY_ELEMENT_ERROR."},
		"22001": {"STRING_DATA_RIGHT_TRUNCATION", "Constant ERRCODE_STRING_DATA_RIGHT_TRUNCATION."},
		"01004": {"STRING_DATA_RIGHT_TRUNCATION_01004", "Constant ERRCODE_WARNING_STRING_DATA_RIGHT_TRUNCATION."},
		"P0001": {"RAISE_EXCEPTION", "Constant ERRCODE_RAISE_EXCEPTION."},
	} {
		e := c.Lookup("postgresql", code)[0]
		if e.Name != want.name || e.Description != want.desc {
			t.Errorf("code %s: name %q, description %q; want %q, %q", code, e.Name, e.Description, want.name, want.desc)
		}
	}
	checkPGCategories(t, c)
	// The one column left unused (E/W/S) is reported, with its values.
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w, "column 2 (values E, S, W) is not used")
	}
	if !found {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestPostgreSQLAppendixHTML: the documentation's appendix page: the same
// 261 codes, no entry from its navigation tables, the condition name as
// name and message, the class rows as groups.
func TestPostgreSQLAppendixHTML(t *testing.T) {
	res, c := importPG(t, "errcodes-appendix.html")
	if res.Format != HTML {
		t.Errorf("read as %s (%s)", res.Format, res.Detected)
	}
	codes, spec := errcodesTxt(t)
	got := c.Entries("postgresql")
	var a, b []string
	for _, e := range got {
		a = append(a, e.Code)
		if e.Message != spec[e.Code] || e.Name != strings.ToUpper(e.Message) && !strings.HasPrefix(e.Name, strings.ToUpper(e.Message)+"_") {
			t.Errorf("code %s: name %q, message %q, condition name %q", e.Code, e.Name, e.Message, spec[e.Code])
		}
		if !strings.HasPrefix(e.Group, "Class "+e.Code[:2]+" — ") {
			t.Errorf("code %s: group %q", e.Code, e.Group)
		}
	}
	b = append(b, codes...)
	sort.Strings(a)
	sort.Strings(b)
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("codes differ from errcodes.txt:\n%v\n%v", a, b)
	}
	for _, w := range res.Warnings {
		if strings.Contains(w, "Prev") && !strings.Contains(w, "skipped") {
			t.Errorf("warning %q", w)
		}
	}
	checkPGCategories(t, c)
}

// checkPGCategories: PostgreSQL's classes get categories that say what
// went wrong, and fewer than 100 codes fall back to internal.
func checkPGCategories(t *testing.T, c *catalog.Catalog) {
	t.Helper()
	want := map[string]string{
		"00000": "success", "08006": "connectivity", "0A000": "unsupported", "22001": "validation",
		"22003": "validation", "22012": "validation", "22P02": "validation", "23502": "validation",
		"23503": "conflict", "23505": "conflict", "23514": "validation", "23P01": "conflict",
		"25006": "conflict", "25P02": "conflict", "25P03": "timeout", "28000": "auth", "28P01": "auth",
		"2BP01": "conflict", "40000": "conflict", "40001": "conflict", "40P01": "conflict",
		"42501": "permission", "42601": "validation", "42703": "not-found", "42883": "not-found",
		"42P01": "not-found", "42704": "not-found", "42P07": "conflict", "42710": "conflict",
		"53100": "storage", "53200": "storage", "53300": "quota", "54000": "quota", "55P03": "conflict",
		"55006": "conflict", "57014": "cancelled", "57P01": "server", "58P01": "not-found",
		"F0000": "config", "XX001": "storage", "P0002": "not-found",
	}
	internal := 0
	for _, e := range c.Entries("postgresql") {
		if e.Category == "internal" {
			internal++
		}
		if w, ok := want[e.Code]; ok && e.Category != w {
			t.Errorf("code %s (%s): category %s, want %s", e.Code, e.Name, e.Category, w)
		}
	}
	if internal >= 100 {
		t.Errorf("%d codes fell back to internal", internal)
	}
	t.Logf("%d of %d codes are internal", internal, len(c.Entries("postgresql")))
}

// TestPostgreSQLExampleCatalog: examples/systems/postgresql/catalog.yaml
// loads with --catalog as it is, holds every code of errcodes.txt with the
// vendor's text as the importer reads it (message, group, constants), has
// hand-written categories and remediations for the common codes (no guess
// left on them), and knows every SQLSTATE the server wrote in the logs of
// testdata/postgresql (but the two the workload raises itself).
func TestPostgreSQLExampleCatalog(t *testing.T) {
	c, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoadFile(filepath.Join("..", "..", "examples", "systems", "postgresql", "catalog.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err := Import(Text, pgPage(t, "errcodes.txt"), Options{System: "postgresql"})
	if err != nil {
		t.Fatal(err)
	}
	codes, _ := errcodesTxt(t)
	got := c.Entries("postgresql")
	if len(got) != len(codes) {
		t.Errorf("%d entries, errcodes.txt has %d codes", len(got), len(codes))
	}
	hand := 0
	for _, imp := range res.Entries {
		rows := c.Lookup("postgresql", imp.Code)
		if len(rows) != 1 {
			t.Errorf("code %s: %d rows in the example", imp.Code, len(rows))
			continue
		}
		e := rows[0]
		if e.Message != imp.Message || e.Group != imp.Group || e.Description != imp.Description || e.Name != imp.Name {
			t.Errorf("code %s: the example's vendor text differs from errcodes.txt:\n%+v\n%+v", imp.Code, e, imp)
		}
		if !e.CategoryGuessed {
			hand++
			if len(e.Remediation) < 40 {
				t.Errorf("code %s: category written by hand but remediation %q", imp.Code, e.Remediation)
			}
		} else if e.Remediation != "" {
			t.Errorf("code %s: a remediation, but the category is still a guess", imp.Code)
		}
	}
	if hand < 60 {
		t.Errorf("%d codes written by hand, want 60 or more", hand)
	}
	// Every SQLSTATE in the jsonlog of the produced logs.
	stateCode := regexp.MustCompile(`"state_code":"([0-9A-Z]{5})"`)
	seen := map[string]bool{}
	for _, m := range stateCode.FindAllSubmatch(pgPage(t, "default.json"), -1) {
		seen[string(m[1])] = true
	}
	if len(seen) < 50 {
		t.Fatalf("only %d SQLSTATEs in default.json", len(seen))
	}
	for code := range seen {
		if code == "AB123" || code == "XY001" { // RAISE ... USING ERRCODE in the workload
			continue
		}
		rows := c.Lookup("postgresql", code)
		if len(rows) == 0 {
			t.Errorf("SQLSTATE %s of the logs is not in the example catalog", code)
		} else if rows[0].CategoryGuessed {
			t.Errorf("SQLSTATE %s (%s) occurs in the logs but has no hand-written category", code, rows[0].Name)
		}
	}
}
