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
	want := `{"log":"paygw decline_code=E42","errtag":{"system":"payments","code":"E42","name":"CARD_DECLINED"}}` + "\n"
	if code, out, stderr := run(t, in, "--config", cfg); code != 0 || out != want {
		t.Errorf("--config: exit %d, out %q, stderr %q", code, out, stderr)
	}
	// The command line wins over a default.
	if _, out, _ := run(t, in, "--config", cfg, "--output", "auto"); !strings.HasPrefix(out, "paygw decline_code=E42 errtag.system=payments errtag.code=E42 errtag.name=CARD_DECLINED") {
		t.Errorf("--output auto over the config: %q", out)
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
