package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextAlphanumericCodes: codes are not only digits; "Section:" lines
// are groups; "#" lines are comments that end a row.
func TestTextAlphanumericCodes(t *testing.T) {
	page := "# Acme codes\n#   CODE  TEXT\n\nSection: Class 42 - Syntax\n\n" +
		"42601 Syntax error.\n42P01 Table not found.\n# not part of 42P01\n" +
		"Section: Class P0 - Procedures\n" +
		"P0001 Raised by a procedure.\nE1001 Custom\nerror on two lines.\n0x1F Hex.\n" +
		"2.2.4 A section number is not a code.\n"
	res, got := load(t, Text, page)
	check(t, got, []want{
		{"42601", "SYNTAX_ERROR", "Class 42 - Syntax", "Syntax error."},
		{"42P01", "TABLE_NOT_FOUND", "Class 42 - Syntax", "Table not found."},
		{"P0001", "RAISED_PROCEDURE", "Class P0 - Procedures", "Raised by a procedure."},
		{"E1001", "CUSTOM_ERROR_TWO_LINES", "Class P0 - Procedures", "Custom error on two lines."},
		{"0x1F", "HEX", "Class P0 - Procedures", "Hex. 2.2.4 A section number is not a code."},
	})
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestTextColumns: code lines whose fields are two spaces or a tab apart
// are a table: condition names are the names (upper case) and the
// messages, constants go to the description, alias lines join their code,
// a column of flags is reported as not used.
func TestTextColumns(t *testing.T) {
	page := "Section: Class 22 - Data Exception\n\n" +
		"22000    E    ERRCODE_DATA_EXCEPTION          data_exception\n" +
		"2202E    E    ERRCODE_ARRAY_ELEMENT_ERROR\n" +
		"# comment between the rows of 2202E\n" +
		"2202E    E    ERRCODE_ARRAY_SUBSCRIPT_ERROR   array_subscript_error\n" +
		"22008\tE\tERRCODE_DATETIME_FIELD_OVERFLOW\tdatetime_field_overflow\n" +
		"22008    E    ERRCODE_DATETIME_VALUE_OUT_OF_RANGE\n" +
		"Section: Class 01 - Warning\n" +
		"01000    W    ERRCODE_WARNING                 warning\n"
	res, got := load(t, Text, page)
	check(t, got, []want{
		{"22000", "DATA_EXCEPTION", "Class 22 - Data Exception", "data_exception"},
		{"2202E", "ARRAY_SUBSCRIPT_ERROR", "Class 22 - Data Exception", "array_subscript_error"},
		{"22008", "DATETIME_FIELD_OVERFLOW", "Class 22 - Data Exception", "datetime_field_overflow"},
		{"01000", "WARNING", "Class 01 - Warning", "warning"},
	})
	if d := got[1].Description; d != "Constants ERRCODE_ARRAY_SUBSCRIPT_ERROR, ERRCODE_ARRAY_ELEMENT_ERROR." {
		t.Errorf("2202E description %q", d)
	}
	if d := got[2].Description; d != "Constants ERRCODE_DATETIME_FIELD_OVERFLOW, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE." {
		t.Errorf("22008 description %q", d)
	}
	if got[1].MessagePrefix != "" {
		t.Errorf("an alias line made a second row: %+v", got[1])
	}
	joined := strings.Join(res.Warnings, "\n")
	if !strings.Contains(joined, "column 2 (values E, W) is not used") || !strings.Contains(joined, "no message column") {
		t.Errorf("warnings %q", res.Warnings)
	}

	// --columns by position: the flags column skipped, the constant as
	// the name, the condition name as the message.
	res, err := Import(Text, []byte(page), Options{System: "acme", Columns: mustColumns(t, "code,-,name,message")})
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Entries[0]; e.Name != "ERRCODE_DATA_EXCEPTION" || e.Message != "data_exception" {
		t.Errorf("--columns: %+v", e)
	}
	// A text page without columns cannot take --columns.
	if _, err := Import(Text, []byte("1 One.\n2 Two.\n3 Three.\n"), Options{System: "acme", Columns: mustColumns(t, "code,message")}); err == nil || !IsUsage(err) {
		t.Errorf("--columns on code lines: %v", err)
	}
}

func mustColumns(t *testing.T, s string) *Columns {
	t.Helper()
	c, err := ParseColumns(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHTMLNavigationAndNoMessage: navigation tables (a caption header,
// Prev/Up/Next cells) are skipped, not read as codes; a table with a code
// and a name column only gives each entry its name as message.
func TestHTMLNavigationAndNoMessage(t *testing.T) {
	page := `<table summary="Navigation header"><tr><th colspan="3">Appendix A. Error Codes</th></tr>
<tr><td><a href="p.html">Prev</a></td><td><a href="u.html">Up</a></td><td><a href="n.html">Next</a></td></tr></table>
<table><thead><tr><th>Error Code</th><th>Condition Name</th></tr></thead>
<tr><td colspan="2"><strong>Class 23 — Integrity Constraint Violation</strong></td></tr>
<tr><td><code>23505</code></td><td><code>unique_violation</code></td></tr>
<tr><td><code>23P01</code></td><td><code>exclusion_violation</code></td></tr>
<tr><td colspan="2"><strong>Class 40 — Transaction Rollback</strong></td></tr>
<tr><td><code>40P01</code></td><td><code>deadlock_detected</code></td></tr>
</table>
<table><tr><td>Prev</td><td>Up</td><td>Next</td></tr><tr><td>Part VIII</td><td>Home</td><td>Appendix B</td></tr></table>`
	res, got := load(t, HTML, page)
	check(t, got, []want{
		{"23505", "UNIQUE_VIOLATION", "Class 23 — Integrity Constraint Violation", "unique_violation"},
		{"23P01", "EXCLUSION_VIOLATION", "Class 23 — Integrity Constraint Violation", "exclusion_violation"},
		{"40P01", "DEADLOCK_DETECTED", "Class 40 — Transaction Rollback", "deadlock_detected"},
	})
	joined := strings.Join(res.Warnings, "\n")
	if strings.Count(joined, "was skipped") != 2 || !strings.Contains(joined, "no message column") {
		t.Errorf("warnings %q", res.Warnings)
	}

	// A header-named code column full of words: the table is skipped.
	_, err := Import(HTML, []byte(`<table><tr><th>Code</th><th>Link</th></tr><tr><td>Prev</td><td>a</td></tr><tr><td>Next</td><td>b</td></tr></table>`), Options{System: "acme"})
	if err == nil || !strings.Contains(err.Error(), "no error codes found") {
		t.Errorf("navigation only: %v", err)
	}
}

// TestTSVHeaders: documented header names, a Class column as group (not
// the message), a Group column used, an unknown column reported, and
// --columns by header and by position.
func TestTSVHeaders(t *testing.T) {
	page := "Code\tClass\tMessage\tOwner\tAction\n" +
		"E1\tDisk\tDisk full.\tops\tFree space.\n" +
		"E2\tNetwork\tHost down.\tnet\t\n"
	res, got := load(t, TSV, page)
	check(t, got, []want{
		{"E1", "DISK_FULL", "Disk", "Disk full."},
		{"E2", "HOST_DOWN", "Network", "Host down."},
	})
	if got[0].Remediation != "Free space." {
		t.Errorf("remediation %q", got[0].Remediation)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `column 4 ("Owner") is not used`) {
		t.Errorf("warnings %q", res.Warnings)
	}

	page = "Code\tGroup\tClass\tText\n1\tAuth\tA\tBad token.\n2\tAuth\tB\tExpired.\n"
	_, got = load(t, TSV, page)
	check(t, got, []want{{"1", "BAD_TOKEN", "Auth", "Bad token."}, {"2", "EXPIRED", "Auth", "Expired."}})

	// No message column and only a Class beside the code: nothing becomes
	// the message, the table is reported.
	if _, err := Import(TSV, []byte("Code\tClass\n1\tA\n2\tB\n"), Options{System: "acme"}); err == nil || !strings.Contains(err.Error(), "no error codes found") {
		t.Errorf("Class only: %v", err)
	}

	// --columns by header, and by position with a header line.
	page = "Err\tWhat\tKind\n1\tBad token.\tauth\n2\tExpired.\tauth\n"
	res, err := Import(TSV, []byte(page), Options{System: "acme", Columns: mustColumns(t, "Err=code, What=message, Kind=group")})
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Entries[1]; e.Code != "2" || e.Message != "Expired." || e.Group != "auth" || len(res.Entries) != 2 {
		t.Errorf("by header: %+v", res.Entries)
	}
	res, err = Import(TSV, []byte(page), Options{System: "acme", Columns: mustColumns(t, "code,message")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 2 || res.Entries[0].Code != "1" || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `column 3 ("Kind") is not used`) {
		t.Errorf("by position: %+v %q", res.Entries, res.Warnings)
	}
	if _, err := Import(TSV, []byte(page), Options{System: "acme", Columns: mustColumns(t, "Error=code")}); err == nil || !IsUsage(err) || !strings.Contains(err.Error(), `no column "Error"`) {
		t.Errorf("missing header: %v", err)
	}
}

func TestParseColumns(t *testing.T) {
	for _, s := range []string{"code", "code,-,name,message", "-,code,skip", "Error Code=code, Class=group", "a=code,b=-"} {
		if _, err := ParseColumns(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for s, want := range map[string]string{
		"":              "empty",
		"name,message":  "no column is the code",
		"code,code":     "role code is given twice",
		"code,bogus":    `unknown role "bogus"`,
		"a=code,b":      `"b": write HEADER=ROLE`,
		"a=code,A=name": `column "A" is given twice`,
		"=code":         `"=code": write HEADER=ROLE`,
		"a=code,b=code": "role code is given twice",
		"code,,message": `unknown role ""`,
	} {
		_, err := ParseColumns(s)
		if err == nil || !IsUsage(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", s, err, want)
		}
	}
}

// TestDetect: --from auto on each layout, the seed pages and PostgreSQL's.
func TestDetect(t *testing.T) {
	for page, want := range map[string]Format{
		"<p>x</p><TABLE><tr><td>1</td></tr></TABLE>":                 HTML,
		"<!DOCTYPE html><html><body>no table</body></html>":          HTML,
		"# Codes\n\n| Code | Message |\n|---|---|\n| 1 | One |\n":    Markdown,
		"code\tmessage\n1\tOne\n2\tTwo\n":                            TSV,
		"# comment\n1\tOne\n":                                        Text,
		"1 One.\n2 Two.\n":                                           Text,
		"42P01    E    ERRCODE_UNDEFINED_TABLE    undefined_table\n": Text,
	} {
		if got, why := Detect([]byte(page)); got != want || why == "" {
			t.Errorf("Detect(%q) = %s (%s), want %s", page, got, why, want)
		}
	}
	for file, want := range map[string]Format{
		"seeds/voltmx-sync.txt": HTML, "seeds/drupal-sdk.txt": Markdown, "seeds/backend-services.txt": Text,
		"seeds/wusp.txt": Text, "seeds/knox-efota.txt": Text,
		"postgresql/errcodes.txt": Text, "postgresql/errcodes-appendix.html": HTML,
	} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if got, why := Detect(data); got != want {
			t.Errorf("%s: %s (%s), want %s", file, got, why, want)
		}
	}
}

// TestImportMakesNoSense: an import whose codes are not codes, or whose
// messages are all one, is an error, not a catalog.
func TestImportMakesNoSense(t *testing.T) {
	for name, tc := range map[string]struct {
		f    Format
		page string
		want string
	}{
		"words as codes": {TSV, "Prev\tBack\nNext\tOn\nUp\tTop\n7\tSeven\n", "no error codes found as tsv: line 1: a table with no code column"},
		"one message":    {TSV, "code\tmessage\n1\tE\n2\tE\n3\tE\n4\tW\n", `3 of 4 entries have the same message "E"`},
		"no text":        {TSV, "code\tname\tmessage\n1\t\t\n2\t\t\n3\tTHREE\t\n", "rows have a code but no text"},
	} {
		_, err := Import(tc.f, []byte(tc.page), Options{System: "acme"})
		if err == nil || IsUsage(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// TestGuessCategoryGroup: with no keyword in the name or message, the
// group's decides, and says so.
func TestGuessCategoryGroup(t *testing.T) {
	for _, c := range []struct{ name, group, want string }{
		{"array_subscript_error", "Class 22 - Data Exception", "validation"},
		{"transaction_rollback", "", "conflict"},
		{"deadlock_detected", "", "conflict"},
		{"foreign_key_violation", "", "conflict"},
		{"undefined_column", "", "not-found"},
		{"lock_not_available", "Class 55 - Object Not In Prerequisite State", "conflict"},
		{"sqlserver_rejected_establishment_of_sqlconnection", "", "connectivity"},
		{"plpgsql_error", "Class P0 - PL/pgSQL Error", "internal"},
	} {
		got, kw, inGroup := guessCategory(c.name, strings.ReplaceAll(c.name, "_", " "), c.group)
		if got != c.want {
			t.Errorf("%s: %s (%q, group %v), want %s", c.name, got, kw, inGroup, c.want)
		}
	}
	if _, kw, inGroup := guessCategory("X", "nothing here", "Class 22 - Data Exception"); kw != "data exception" || !inGroup {
		t.Errorf("group keyword %q %v", kw, inGroup)
	}
}

// TestCheckSense: the checks behind an import that makes no sense, on
// entries as Build makes them.
func TestCheckSense(t *testing.T) {
	e := func(code, msg string) Entry { return Entry{Code: code, Message: msg} }
	if err := checkSense([]Entry{e("1", "a"), e("2", "b"), e("P0001", "c"), e("InvalidCookie", "d"), e("invalid_request", "e")}, 0); err != nil {
		t.Errorf("good entries: %v", err)
	}
	if err := checkSense([]Entry{e("Prev", "a"), e("Up", "b"), e("Home", "c"), e("7", "d")}, 0); err == nil || !strings.Contains(err.Error(), `3 of 4 codes do not look like error codes ("Prev", "Up", "Home")`) {
		t.Errorf("words as codes: %v", err)
	}
	if err := checkSense([]Entry{e("1", "x"), e("2", "x"), e("3", "x"), e("4", "y")}, 0); err == nil || !strings.Contains(err.Error(), `3 of 4 entries have the same message "x"`) {
		t.Errorf("same message: %v", err)
	}
	if err := checkSense([]Entry{e("1", "x")}, 2); err == nil || !strings.Contains(err.Error(), "2 rows have a code but no text") {
		t.Errorf("no text: %v", err)
	}
}
