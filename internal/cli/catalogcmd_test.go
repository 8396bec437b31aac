package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

// TestCatalogTable: aligned columns; redirected output keeps whole messages.
func TestCatalogTable(t *testing.T) {
	code, out, stderr := run(t, "", "catalog", "--system", "voltmx-sync")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 29 {
		t.Fatalf("%d lines, want a header and 28 entries", len(lines))
	}
	want := map[int]string{
		0:  "SYSTEM       CODE   NAME                         CATEGORY      MESSAGE",
		1:  "voltmx-sync  -1001  ERROR_GENERAL_FAILURE        internal      Error code to represent a general (unspecified) failure",
		27: "voltmx-sync  -1027  ERROR_USER_NOT_FOUND         not-found     Error code to indicate that the user specified during provisioning was not found",
		28: "voltmx-sync  7101   MISSING ATTRIBUTES FOR SKY   config        Missing attributes for Sky",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, lines[i], w)
		}
	}
}

// TestCatalogTerminal: on a terminal the table fits its width, messages
// (then names) cut with "…"; colour only when colour is on.
func TestCatalogTerminal(t *testing.T) {
	_, out, _ := runEnv(t, onTerminal(80, false), "", "catalog")
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("%d columns: %q", n, l)
		}
		if strings.Contains(l, "\x1b") {
			t.Errorf("colour with NO_COLOR set: %q", l)
		}
	}
	// All systems: wusp's long codes leave little room at 80 columns.
	if !strings.Contains(out, "\nknox-efota        -1401                 DOWNLOAD_RE…  cancelled     The device…\n") {
		t.Errorf("no truncated -1401 row:\n%s", out)
	}
	_, out, _ = runEnv(t, onTerminal(100, false), "", "catalog", "--system", "knox-efota")
	if !strings.Contains(out, "\nknox-efota  -1401  DOWNLOAD_REJECTED_BY_USER                 cancelled     The device user rejected…\n") {
		t.Errorf("no truncated -1401 row:\n%s", out)
	}
	_, out, _ = runEnv(t, onTerminal(100, true), "", "catalog", "--system", "wusp")
	if !strings.HasPrefix(out, "\x1b[1mSYSTEM  CODE") {
		t.Errorf("no bold header: %q", out[:30])
	}
}

func TestCatalogCSV(t *testing.T) {
	code, out, _ := run(t, "", "catalog", "--system", "backend-services", "--format", "csv")
	if code != ExitOK {
		t.Fatal(code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "system,code,name,category,group,message,description,remediation,message_prefix,guessed" {
		t.Errorf("header %s", got)
	}
	if len(recs) != 65 {
		t.Errorf("%d records, want a header and 64 entries", len(recs))
	}
	r := recs[4] // the third row of code 107
	if r[1] != "107" || r[2] != "DUPLICATE_FIELD_VALUES" || r[5] != `Duplicate values already exist for field Number of content type "New".` || r[8] != "Duplicate values already exist for field" {
		t.Errorf("107 row %q", r)
	}
}

func TestCatalogJSON(t *testing.T) {
	_, out, _ := run(t, "", "catalog", "--format", "json")
	var entries []catalog.Entry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	c, _ := catalog.Builtin()
	total := 0
	for _, s := range c.Systems() {
		total += len(c.Entries(s))
	}
	if len(entries) != total || entries[0].System != "backend-services" || entries[0].Code != "1" {
		t.Errorf("%d entries (want %d), first %+v", len(entries), total, entries[0])
	}
}

func TestCatalogSystems(t *testing.T) {
	code, out, _ := run(t, "", "catalog", "systems")
	want := `SYSTEM            TITLE                                                                 ENTRIES  FILES
backend-services  Backend Services RESTful API error codes                                   64  builtin:backend-services.yaml
drupal-sdk        Drupal JavaScript SDK errors                                               64  builtin:drupal-sdk.yaml
knox-efota        Samsung Knox E-FOTA Advanced device client result codes                   152  builtin:knox-efota.yaml
voltmx-sync       Volt MX Sync Framework ORM errors                                          28  builtin:voltmx-sync.yaml
wusp              Windows Update Services client-server protocol (MS-WUSP) SOAP faults       11  builtin:wusp.yaml
`
	if code != ExitOK || out != want {
		t.Errorf("exit %d, got\n%s\nwant\n%s", code, out, want)
	}

	// A user catalog adds a system and overrides an entry of another.
	mine := writeFile(t, "mine.yaml", "system: payments\ntitle: Payments\nentries:\n  - code: \"E1\"\n    name: ONE\n    category: server\n    message: One.\n")
	over := writeFile(t, "over.yaml", "system: wusp\nentries:\n  - code: \"ServerBusy\"\n    name: ServerBusy\n    category: server\n    message: Busy.\n")
	_, out, _ = run(t, "", "catalog", "systems", "--catalog", mine, "--catalog", over, "--format", "json")
	var rows []systemRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	// A system's id is "system", as in all of errtag's JSON.
	if !strings.Contains(out, `"system": "payments"`) || strings.Contains(out, `"id"`) {
		t.Errorf("keys: %s", out)
	}
	if len(rows) != 6 || rows[3].ID != "payments" || rows[3].Entries != 1 || rows[3].Files[0] != mine {
		t.Errorf("%+v", rows)
	}
	if w := rows[5]; w.ID != "wusp" || w.Entries != 11 || strings.Join(w.Files, ",") != "builtin:wusp.yaml,"+over {
		t.Errorf("wusp %+v", w)
	}
	_, out, _ = run(t, "", "catalog", "systems", "--format", "csv")
	if !strings.HasPrefix(out, "system,title,entries,files\nbackend-services,Backend Services RESTful API error codes,64,builtin:backend-services.yaml\n") {
		t.Errorf("csv %q", out)
	}
}

func TestCatalogErrors(t *testing.T) {
	for _, c := range []struct {
		args   []string
		exit   int
		stderr string
	}{
		{[]string{"catalog", "--format", "xml"}, ExitConfig, "errtag: --format: unknown format \"xml\": table, json or csv\n"},
		{[]string{"catalog", "--system", "nosuch"}, ExitConfig, "errtag: --system: there is no system \"nosuch\"; the systems are backend-services, drupal-sdk, knox-efota, voltmx-sync and wusp\n"},
		{[]string{"catalog", "sytems"}, ExitConfig, "errtag: unknown command \"sytems\" for errtag catalog: did you mean \"systems\"? (errtag catalog systems --help)\n"},
		{[]string{"catalog", "lists"}, ExitConfig, "errtag: unknown command \"lists\" for errtag catalog: its commands are import and systems\n"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != c.exit || out != "" || stderr != c.stderr {
			t.Errorf("%v: exit %d, out %q, stderr %q", c.args, code, out, stderr)
		}
	}
}

// TestCatalogImport runs the import command on a seed page: the catalog it
// writes loads, and --catalog uses it.
func TestCatalogImport(t *testing.T) {
	page := filepath.Join("..", "..", "testdata", "seeds", "drupal-sdk.txt")
	code, out, stderr := run(t, "", "catalog", "import", "--from", "markdown", "--system", "drupal-copy", "--title", "Drupal copy", page)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "errtag: imported 64 entries for system drupal-copy (64 categories guessed, 9 of them internal for want of a keyword); review each category and write each remediation\n" {
		t.Errorf("stderr %q", stderr)
	}
	c := catalog.New()
	if err := c.Add("out.yaml", []byte(out)); err != nil {
		t.Fatal(err)
	}
	if info, _ := c.System("drupal-copy"); info.Title != "Drupal copy" || len(c.Entries("drupal-copy")) != 64 {
		t.Errorf("%+v, %d entries", info, len(c.Entries("drupal-copy")))
	}
	if !strings.Contains(out, "  - code: \"-1\"\n    name: \"UNDEFINED\"\n    category: internal # guessed from \"undefined\"; check it\n    guessed: [category]\n    message: \"Error code indicating some error other than those enumerated here.\"\n    remediation: \"\"\n") {
		t.Errorf("first entry not as documented:\n%s", out[:900])
	}

	// -o writes the file; the filter then uses it.
	dst := filepath.Join(t.TempDir(), "drupal-copy.yaml")
	if code, _, stderr := run(t, "", "catalog", "import", "--from", "markdown", "--system", "drupal-copy", "-o", dst, page); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, out, _ = run(t, "", "explain", "--catalog", dst, "--system", "drupal-copy", "INVALID_JSON")
	if code != ExitOK || !strings.HasPrefix(out, "drupal-copy 107 INVALID_JSON\n  category:     validation\n") {
		t.Errorf("exit %d: %s", code, out)
	}

	// Standard input.
	code, _, _ = run(t, "", "catalog", "import", "--from", "tsv", "--system", "acme", "-")
	if code != ExitInput {
		t.Errorf("empty stdin: exit %d", code)
	}
	code, out, _ = run(t, "code\tmessage\n1\tOne.\n", "catalog", "import", "--from", "tsv", "--system", "acme", "-")
	if code != ExitOK || !strings.Contains(out, "  - code: \"1\"\n    name: \"ONE\" # made from the message\n    category: internal # guessed (no keyword matched); check it\n    guessed: [category, name]\n") {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestCatalogImportErrors(t *testing.T) {
	page := writeFile(t, "page.txt", "nothing to see\n")
	for _, c := range []struct {
		args   []string
		exit   int
		stderr string
	}{
		{[]string{"catalog", "import", "--system", "acme", page}, ExitInput, "errtag: " + page + ": no error codes found as text (--from auto: no table, tabs or HTML in it): expected lines starting with a code (a number, or an upper-case token with a digit such as 42P01; for codes that are words, such as ERR, give --columns code,message), or a name paragraph followed by its description\n"},
		{[]string{"catalog", "import", "--from", "", "--system", "acme", page}, ExitConfig, "errtag: --from needs a value: an empty one is none (give --from FORMAT)\n"},
		{[]string{"catalog", "import", "--system", "acme", "--columns", "name,message", page}, ExitConfig, "errtag: --columns: no column is the code (give code at the code column's position)\n"},
		{[]string{"catalog", "import", "--system", "acme", "--columns", "code,nmae", page}, ExitConfig, "errtag: --columns: unknown role \"nmae\" (code, name, message, description, group, status, remediation, skip, or - for a column not used)\n"},
		{[]string{"catalog", "import", "--system", "acme", "-o", page, page}, ExitConfig, "errtag: catalog import: -o " + page + " is the page being imported: write the catalog to another file\n"},
		{[]string{"catalog", "import", "--from", "text", page}, ExitConfig, "errtag: catalog import: --system is required\n"},
		{[]string{"catalog", "import", "--from", "pdf", "--system", "acme", page}, ExitConfig, "errtag: --from: unknown page format \"pdf\": auto, html, markdown, text or tsv (the format of the page read; the catalog is written as YAML)\n"},
		{[]string{"catalog", "import", "--from", "text", "--system", "Acme", page}, ExitConfig, "errtag: --system \"Acme\": use lower case letters, digits, '.', '_' and '-'\n"},
		{[]string{"catalog", "import", "--from", "text", "--system", "acme", page}, ExitInput, "errtag: " + page + ": no error codes found as text: expected lines starting with a code (a number, or an upper-case token with a digit such as 42P01; for codes that are words, such as ERR, give --columns code,message), or a name paragraph followed by its description\n"},
		{[]string{"catalog", "import", "--system", "acme"}, ExitConfig, "errtag: catalog import: give the page to read: errtag catalog import --system NAME FILE (- for standard input)\n"},
		{[]string{"catalog", "import", "--from", "text", "--system", "acme", page + ".missing"}, ExitInput, "errtag: " + page + ".missing: no such file or directory\n"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != c.exit || out != "" || stderr != c.stderr {
			t.Errorf("%v: exit %d, out %q, stderr %q", c.args[2:], code, out, stderr)
		}
	}
	if _, err := os.Stat(page); err != nil {
		t.Fatal(err)
	}
}

// TestCatalogImportOverBuiltin: importing under a built-in system's id
// warns, and the imported file, loaded with --catalog, keeps the built-in
// remediations, categories and names where it has none of its own or only
// guesses (issue 10: it used to erase them).
func TestCatalogImportOverBuiltin(t *testing.T) {
	page := filepath.Join("..", "..", "testdata", "seeds", "backend-services.txt")
	dst := filepath.Join(t.TempDir(), "bs.yaml")
	code, _, stderr := run(t, "", "catalog", "import", "--system", "backend-services", "-o", dst, page)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "errtag: warning: backend-services is a built-in system: loaded with --catalog, this file overrides its codes field by field") ||
		!strings.Contains(stderr, "errtag: "+page+": read as text (") {
		t.Errorf("stderr %q", stderr)
	}
	builtin, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	_, out, stderr := run(t, "", "catalog", "--catalog", dst, "--system", "backend-services", "--format", "json")
	var got []catalog.Entry
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s %s", err, out, stderr)
	}
	want := builtin.Entries("backend-services")
	if len(got) != len(want) {
		t.Fatalf("%d entries, built-in has %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Code != w.Code || g.Remediation != w.Remediation || g.Category != w.Category || g.Name != w.Name || g.Description != w.Description || g.CategoryGuessed || g.NameGuessed {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
		}
	}

	// Another system id: no warning.
	_, _, stderr = run(t, "", "catalog", "import", "--system", "bs-copy", page)
	if strings.Contains(stderr, "warning") {
		t.Errorf("stderr %q", stderr)
	}
}

// TestCatalogImportRefusesItsInput: -o naming the page itself, by another
// spelling or through a link, is refused and the page is left as it was.
func TestCatalogImportRefusesItsInput(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "page.txt")
	const text = "1 One.\n2 Two.\n"
	if err := os.WriteFile(page, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(page, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{page, filepath.Join(dir, ".", "page.txt"), link} {
		code, stdout, stderr := run(t, "", "catalog", "import", "--system", "acme", "-o", out, page)
		if code != ExitConfig || stdout != "" || !strings.Contains(stderr, "is the page being imported") {
			t.Errorf("-o %s: exit %d, stderr %q", out, code, stderr)
		}
	}
	if data, err := os.ReadFile(page); err != nil || string(data) != text {
		t.Errorf("the page changed: %q, %v", data, err)
	}
}

// TestCatalogImportPostgreSQL: PostgreSQL's errcodes.txt and appendix page
// import with no --from, every code, and the result loads with --catalog.
func TestCatalogImportPostgreSQL(t *testing.T) {
	for _, name := range []string{"errcodes.txt", "errcodes-appendix.html"} {
		page := filepath.Join("..", "..", "testdata", "postgresql", name)
		dst := filepath.Join(t.TempDir(), "pg.yaml")
		code, _, stderr := run(t, "", "catalog", "import", "--system", "postgresql", "-o", dst, page)
		if code != ExitOK || !strings.Contains(stderr, "errtag: imported 261 entries for system postgresql (261 categories guessed, ") {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		code, out, stderr := run(t, "", "explain", "--catalog", dst, "--system", "postgresql", "42P01")
		if code != ExitOK || !strings.HasPrefix(out, "postgresql 42P01 UNDEFINED_TABLE\n  category:     not-found\n") {
			t.Errorf("%s: exit %d: %s %s", name, code, out, stderr)
		}
	}
}
