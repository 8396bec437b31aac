package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigFile: catalogs, rules and defaults come from the config file;
// flags on the command line win; ERRTAG_CONFIG names it too.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "codes"), 0o755)
	os.WriteFile(filepath.Join(dir, "codes", "pay.yaml"), []byte(`system: payments
entries:
  - code: "E42"
    name: CARD_DECLINED
    category: validation
    message: "The card was declined."
`), 0o644)
	os.WriteFile(filepath.Join(dir, "pay-rules.yaml"), []byte(`markers:
  payments: [paygw]
rules:
  - id: payments.decline
    system: payments
    cue: marker
    code_type: name
    regex: 'decline_code=(?P<code>E\d+)'
`), 0o644)
	cfg := filepath.Join(dir, "errtag.yaml")
	os.WriteFile(cfg, []byte(`catalogs: [codes/pay.yaml]
rules: [pay-rules.yaml]
defaults:
  output: json
  fields: system,code,name
`), 0o644)
	in := "paygw decline_code=E42\n"
	want := `{"log":"paygw decline_code=E42","errtag":[{"system":"payments","code":"E42","name":"CARD_DECLINED"}]}` + "\n"
	if code, out, stderr := run(t, in, "--config", cfg); code != 0 || out != want {
		t.Errorf("--config: exit %d, out %q, stderr %q", code, out, stderr)
	}
	// The command line wins over a default.
	if _, out, _ := run(t, in, "--config", cfg, "--format", "auto"); !strings.HasPrefix(out, "paygw decline_code=E42 errtag.system=payments errtag.code=E42 errtag.name=CARD_DECLINED") {
		t.Errorf("--format auto over the config: %q", out)
	}
	withConfig := Env{Getenv: func(k string) string {
		if k == configEnv {
			return cfg
		}
		return ""
	}}
	if _, out, _ := runEnv(t, withConfig, in); out != want {
		t.Errorf("%s: %q", configEnv, out)
	}
	// Other commands read it too.
	if code, out, _ := runEnv(t, withConfig, "", "catalog", "systems"); code != 0 || !strings.Contains(out, "payments") {
		t.Errorf("catalog systems with the config: exit %d, %q", code, out)
	}
}

func TestConfigFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ content, want string }{
		{"defaults:\n  nosuch: 1\n", ":2: defaults.nosuch: no such flag"},
		{"defaults:\n  max-line: lots\n", ":2: defaults.max-line: lots: not a size"},
		{"defaults:\n  catalog: x.yaml\n", ":2: defaults.catalog: use the config's own catalogs/rules lists"},
		{"catalog: [x]\n", `:1: unknown field "catalog"`},
		{"rules: [missing.yaml]\n", "c.yaml:1: rules: missing.yaml: no such file (a relative path"},
		{"rules: [\"\"]\n", "c.yaml:1: rules: an empty name names no file"},
		{"catalogs: [\"\", a.yaml]\n", "c.yaml:1: catalogs: an empty name names no file"},
		{"disable: []\n---\ndisable: [nosuch]\n", "c.yaml:2: more than one YAML document; errtag reads one per file"},
	} {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(c.content), 0o644)
		code, out, stderr := run(t, "x\n", "--config", p)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, out %q, stderr %q, want %q", c.content, code, out, stderr, c.want)
		}
	}
}

// TestConfigInputsAndDisable: the config binds inputs to systems by path
// (files, batch outputs and standard input alike), --system on the command
// line wins over the bindings, the config's disable: switches off built-in
// rules, errtag test says which are off, and a rule whose code type cannot
// give the catalog's codes is a warning with its FILE:LINE.
func TestConfigInputsAndDisable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pg.yaml"), []byte(`system: pg
entries:
  - {code: "08006", name: CONNECTION_FAILURE, category: connectivity, message: connection_failure}
  - {code: "42P01", name: UNDEFINED_TABLE, category: not-found, message: undefined_table}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "pg-rules.yaml"), []byte(`rules:
  - id: pg.verbose
    system: pg
    cue: system
    code_type: name
    regex: '\bERROR:  (?P<code>[0-9A-Z]{5}): '
  - id: pg.int
    system: pg
    cue: system
    regex: '\bsqlstate=(?P<code>\d+)'
`), 0o644)
	cfg := filepath.Join(dir, "errtag.yaml")
	os.WriteFile(cfg, []byte(`catalogs: [pg.yaml]
rules: [pg-rules.yaml]
inputs:
  - path: "pg-*.log"
    system: pg
    only: true
disable:
  - id: "knox-efota.*"
    reason: statements hold error_code= columns
defaults:
  fields: system,code,name
`), 0o644)
	pgLog := filepath.Join(dir, "pg-main.log")
	content := "x ERROR:  42P01: relation \"t\" does not exist\nLOG:  statement: UPDATE t SET error_code=57014\n"
	os.WriteFile(pgLog, []byte(content), 0o644)
	other := filepath.Join(dir, "app.log")
	os.WriteFile(other, []byte(content), 0o644)
	warning := "pg-rules.yaml:7: rule \"pg.int\": code_type integer can never give 1 of the 2 codes of pg's catalog (such as 42P01)"

	code, out, stderr := run(t, "", "--config", cfg, pgLog, other)
	want := "x ERROR:  42P01: relation \"t\" does not exist errtag.system=pg errtag.code=42P01 errtag.name=UNDEFINED_TABLE\n" +
		"LOG:  statement: UPDATE t SET error_code=57014\n" + content
	if code != 0 || out != want || !strings.Contains(stderr, "errtag: warning: "+filepath.Join(dir, warning)) {
		t.Errorf("bound and unbound input: exit %d\nout %q\nwant %q\nstderr %q", code, out, want, stderr)
	}
	// --system on the command line names every input, over the bindings.
	if _, out, _ := run(t, "", "--config", cfg, "--system", "pg", other); !strings.Contains(out, "errtag.code=42P01") {
		t.Errorf("--system over the bindings: %q", out)
	}
	// Batch: each output as its input's binding says.
	outDir := filepath.Join(dir, "out")
	if code, _, stderr := run(t, "", "--config", cfg, "--out-dir", outDir, pgLog, other); code != 0 {
		t.Fatalf("--out-dir: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(outDir, "pg-main.log")); !strings.Contains(string(b), "errtag.code=42P01") {
		t.Errorf("batch, bound: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(outDir, "app.log")); string(b) != content {
		t.Errorf("batch, unbound: %q", b)
	}
	// errtag test: the rules that are off, and the input's binding.
	code, out, _ = run(t, "", "test", "--config", cfg, "--input", pgLog, `x ERROR:  08006: connection failure`)
	for _, w := range []string{"rules off:", "knox-efota.text-result", "disabled at " + cfg + ":8: statements hold error_code= columns", "=> pg 08006 CONNECTION_FAILURE"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("errtag test: exit %d, no %q in\n%s", code, w, out)
		}
	}
	if _, out, _ := run(t, "", "test", "--config", cfg, `x ERROR:  08006: connection failure`); !strings.Contains(out, "=> no annotation") {
		t.Errorf("errtag test of standard input, not bound: %s", out)
	}
}

func TestConfigInputsErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct{ content, want string }{
		{"inputs:\n  - path: logs/x.log\n    system: wusp\n", `:2: inputs: path "logs/x.log": a pattern with a '/' is matched against the input's absolute path`},
		{"inputs:\n  - path: x.log\n", ":2: inputs: each entry needs system"},
		{"inputs:\n  - {path: x.log, system: nosuch}\n", `:2: inputs: unknown system "nosuch"`},
		{"inputs:\n  - {path: x.log, system: wusp, alone: true}\n", `:2: unknown field "alone"`},
		{"inputs: x\n", ":1: inputs must be a list"},
		{"disable: [no.such.rule]\n", `:1: disable: no rule loaded before this file has id "no.such.rule"`},
	} {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(c.content), 0o644)
		code, out, stderr := run(t, "x\n", "--config", p)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, out %q, stderr %q, want %q", c.content, code, out, stderr, c.want)
		}
	}
}

// TestConfigDefaultsOnlyForLogs: a config's defaults are how logs are read
// (errtag, stats, test), and do not narrow the reference commands: explain,
// --search and catalog still look in every system, and catalog import does
// not take the default system as the one it makes.
func TestConfigDefaultsOnlyForLogs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pay.yaml"), []byte("system: payments\nentries:\n  - code: \"E42\"\n    name: CARD_DECLINED\n    category: validation\n    message: \"The card was declined.\"\n"), 0o644)
	cfg := filepath.Join(dir, "errtag.yaml")
	os.WriteFile(cfg, []byte("catalogs: [pay.yaml]\ndefaults:\n  system: knox-efota\n  format: json\n  fields: system,code\n"), 0o644)
	// The commands that read logs take them.
	if code, out, stderr := run(t, "error code 901\n", "--config", cfg); code != 0 || out != jsonLine("error code 901", `[{"system":"knox-efota","code":"901"}]`) {
		t.Errorf("errtag: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if _, out, _ := run(t, "error code 901\n", "--config", cfg, "test", "--json"); !strings.Contains(out, `"system":"knox-efota","code":"901"`) {
		t.Errorf("test: %q", out)
	}
	if _, out, _ := run(t, "error code 901\n", "--config", cfg, "stats", "--json"); !strings.Contains(out, `"knox-efota"`) {
		t.Errorf("stats: %q", out)
	}
	// The reference commands do not.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", "107"}, "107: 4 entries in 2 systems (backend-services 3, drupal-sdk 1)"},
		{[]string{"explain", "--search", "access token"}, "backend-services 301 INVALID_ACCESS_TOKEN"},
		{[]string{"catalog", "--system", "wusp"}, "SYSTEM  CODE"},
		{[]string{"catalog"}, "backend-services  1"},
		// They take its catalogs, the config given before or after.
		{[]string{"explain", "E42"}, "payments E42 CARD_DECLINED"},
		{[]string{"explain", "E42", "--config", cfg}, "payments E42 CARD_DECLINED"},
		{[]string{"catalog", "--system", "payments"}, "CARD_DECLINED"},
	} {
		code, out, stderr := run(t, "", append([]string{"--config", cfg}, c.args...)...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, stderr %q, out does not contain %q:\n%s", c.args, code, stderr, c.want, out)
		}
	}
	page := writeFile(t, "page.md", "| Code | Name | Message |\n|---|---|---|\n| 1 | ONE | The first error. |\n| 2 | TWO | The second error. |\n")
	if code, _, stderr := run(t, "", "--config", cfg, "catalog", "import", page); code != ExitConfig || !strings.Contains(stderr, "--system is required") {
		t.Errorf("catalog import took the default system: exit %d, stderr %q", code, stderr)
	}
	// A misspelled default is still an error everywhere.
	bad := writeFile(t, "bad.yaml", "defaults:\n  sytem: wusp\n")
	if code, _, stderr := run(t, "", "--config", bad, "explain", "107"); code != ExitConfig || !strings.Contains(stderr, "defaults.sytem: no such flag") {
		t.Errorf("explain with a bad default: exit %d, stderr %q", code, stderr)
	}
}

// TestConfigValueErrors: a bad value in a config file's defaults is
// reported with the file and line and in the flag's own words, as on the
// command line; a value bool flags take on the command line (yes) is
// taken in the file too.
func TestConfigValueErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct{ content, want string }{
		{"defaults:\n  format: table\n", `c.yaml:2: defaults.format: --format: unknown format "table": auto or json`},
		{"defaults:\n  system: nope\n", `c.yaml:2: defaults.system: --system: there is no system "nope"`},
		{"defaults:\n  output-file: json\n", `c.yaml:2: defaults.output-file: -o json: -o names the output FILE`},
		{"defaults:\n  count: maybe\n", `c.yaml:2: defaults.count: --count=maybe: --count is on when given`},
		{"defaults:\n\n  fields: code,nmae\n", `c.yaml:3: defaults.fields: --fields: unknown field "nmae"`},
		{"defaults:\n  max-line: 100G\n", `c.yaml:2: defaults.max-line: 100G: too large: at most 1GiB`},
		{"catalogs: [nope.yaml]\n", `c.yaml:1: catalogs: nope.yaml: no such file (a relative path is relative to the config file)`},
		{"catalogs:\n  - x.yaml\n  - nope.yaml\n", `c.yaml:3: catalogs: nope.yaml: no such file`},
	} {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("system: x\nentries:\n  - code: \"1\"\n    name: ONE\n    category: server\n    message: One.\n"), 0o644)
		os.WriteFile(p, []byte(c.content), 0o644)
		code, out, stderr := run(t, efotaLine, "--config", p)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "strconv") || strings.Contains(stderr, "invalid argument") {
			t.Errorf("%q: exit %d, out %q, stderr %q, want %q", c.content, code, out, stderr, c.want)
		}
	}
	p := filepath.Join(dir, "ok.yaml")
	os.WriteFile(p, []byte("defaults:\n  only-annotated: yes\n  fields: code\n"), 0o644)
	if code, out, stderr := run(t, efotaLine+plainLine, "--config", p); code != 0 || out != strings.TrimSuffix(efotaLine, "\n")+" errtag.code=-1401\n" {
		t.Errorf("only-annotated: yes: exit %d, out %q, stderr %q", code, out, stderr)
	}
}

// TestFileMessages: a rules, catalog or config file that cannot be read
// is named once, with what it is and a plain reason, and no Go wording
// (open, read, "or directory"); an empty input name is quoted.
func TestFileMessages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--rules", missing}, ExitConfig, "errtag: rules file " + missing + ": no such file\n"},
		{[]string{"--catalog", dir}, ExitConfig, "errtag: catalog file " + dir + ": is a directory, not a file\n"},
		{[]string{"--config", dir}, ExitConfig, "errtag: config file " + dir + ": is a directory, not a file\n"},
		{[]string{"explain", "--catalog", missing, "x"}, ExitConfig, "errtag: catalog file " + missing + ": no such file\n"},
		{[]string{""}, ExitInput, "errtag: \"\": no such file or directory\n"},
	} {
		code, _, stderr := run(t, "", c.args...)
		if code != c.code || stderr != c.want {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestOutputNotOwnFile: -o and --out-dir never name the rules, catalog,
// config or state file (by name, another spelling or a link; a state file
// that does not exist yet by its path): exit 2 before anything is read,
// the file untouched. (-o used to overwrite them, exit 0.)
func TestOutputNotOwnFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"r.yaml":   "rules: []\n",
		"c.yaml":   "system: x\nentries: []\n",
		"cfg.yaml": "defaults:\n  workers: 1\n",
		"a.log":    "one\n",
	}
	for n, c := range files {
		os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
	}
	os.Symlink("r.yaml", filepath.Join(dir, "link.yaml"))
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rules", p("r.yaml"), "-o", p("r.yaml")}, "would overwrite the --rules file"},
		{[]string{"--rules", p("r.yaml"), "-o", dir + "/./r.yaml"}, "would overwrite the --rules file"},
		{[]string{"--rules", p("r.yaml"), "-o", p("link.yaml")}, "would overwrite the --rules file"},
		{[]string{"--catalog", p("c.yaml"), "-o", p("c.yaml")}, "would overwrite the --catalog file"},
		{[]string{"--config", p("cfg.yaml"), "-o", p("cfg.yaml")}, "would overwrite the config file"},
		{[]string{"-f", "--state", p("st.json"), "-o", p("st.json")}, "would overwrite the --state file"},
		{[]string{"--rules", p("a.log"), "--out-dir", dir}, "would overwrite the --rules file"},
	} {
		code, out, stderr := run(t, "", append(c.args, p("a.log"))...)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
		for n, want := range files {
			if b, _ := os.ReadFile(p(n)); string(b) != want {
				t.Errorf("%q: %s now %q", c.args, n, b)
			}
		}
		if _, err := os.Stat(p("st.json")); err == nil {
			t.Errorf("%q: st.json created", c.args)
		}
	}
}
