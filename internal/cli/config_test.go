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
		{"defaults:\n  max-line: lots\n", ":2: defaults.max-line: invalid argument"},
		{"defaults:\n  catalog: x.yaml\n", ":2: defaults.catalog: use the config's own catalogs/rules lists"},
		{"catalog: [x]\n", `:1: unknown field "catalog"`},
		{"rules: [missing.yaml]\n", "missing.yaml: no such file or directory"},
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
