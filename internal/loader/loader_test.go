package loader

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/rules"
)

// TestLoad: files and data are added after the built-in catalog and rules,
// in order; a bad file is named with its line; an unknown system is a
// SystemError.
func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cat := filepath.Join(dir, "cat.yaml")
	os.WriteFile(cat, []byte("system: payments\nentries:\n  - code: \"E42\"\n    name: CARD_DECLINED\n    category: validation\n    message: \"The card was declined.\"\n"), 0o644)
	rulesData := Source{Name: "r.yaml", Data: []byte("markers:\n  payments: [paygw]\nrules:\n  - id: payments.decline\n    system: payments\n    cue: marker\n    code_type: name\n    regex: 'decline_code=(?P<code>E\\d+)'\n")}
	l, err := Load(Config{CatalogFiles: []string{cat}, Rules: []Source{rulesData}, System: "payments"})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Catalog.HasSystem("payments") || !l.Catalog.HasSystem("knox-efota") {
		t.Errorf("systems %v", l.Catalog.Systems())
	}
	anns := l.Matcher.Match([]byte("paygw charge failed decline_code=E42"))
	if len(anns) != 1 || anns[0].Entry.Name != "CARD_DECLINED" {
		t.Errorf("annotations %+v", anns)
	}

	_, err = Load(Config{System: "nosuch"})
	var se *SystemError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), `unknown system "nosuch"`) {
		t.Errorf("unknown system: %v", err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - id: x\n    system: wusp\n    regex: '('\n"), 0o644)
	if _, err := Load(Config{RuleFiles: []string{bad}}); err == nil || !strings.Contains(err.Error(), bad+`:4: rule "x": bad regex`) {
		t.Errorf("bad rule file: %v", err)
	}
	if _, err := Load(Config{CatalogFiles: []string{filepath.Join(dir, "missing.yaml")}}); err == nil || errors.As(err, &se) {
		t.Errorf("missing catalog: %v", err)
	}
}

// TestBindingMatches: directory, absolute glob (with **) and base-name
// patterns; standard input is "-".
func TestBindingMatches(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	rel := filepath.ToSlash(filepath.Join(wd, "logs", "pg.log"))
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"/var/log/postgresql/", "/var/log/postgresql/postgresql-15-main.log", true},
		{"/var/log/postgresql/", "/var/log/postgresql/old/x.log.gz", true},
		{"/var/log/postgresql/", "/var/log/postgresql", false},
		{"/var/log/postgresql/", "/var/log/postgresql-old/x.log", false},
		{"/var/log/postgresql", "/var/log/postgresql/x.log", false},
		{"/var/log/*/postgresql-*.log", "/var/log/pg/postgresql-15.log", true},
		{"/var/log/*/postgresql-*.log", "/var/log/a/b/postgresql-15.log", false},
		{"/var/log/**/postgresql-*.log", "/var/log/a/b/postgresql-15.log", true},
		{"/var/log/**/postgresql-*.log", "/var/log/postgresql-15.log", true},
		{"**/logs/*.log", "logs/pg.log", true},
		{"**/logs/*.log", rel, true},
		{"postgresql*.log", "/srv/x/postgresql-15.log", true},
		{"postgresql*.log", "postgresql.log", true},
		{"postgresql*.log", "-", false},
		{"*", "-", true},
		{"*", "/any/file", true},
		{"-", "-", true},
		{"/var/log/postgresql/", "-", false},
	} {
		b := Binding{Pattern: c.pattern, System: "x"}
		if err := b.Check(); err != nil {
			t.Fatalf("%s: %v", c.pattern, err)
		}
		if got := b.Matches(c.name); got != c.want {
			t.Errorf("%s matches %s: %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
	for _, bad := range []string{"", "logs/*.log", "/var/[log/"} {
		if err := (&Binding{Pattern: bad}).Check(); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestLoadBindings: For gives each input the matcher of the first binding
// its path matches, and the default matcher otherwise; a binding to an
// unknown system is reported with its place; the config's disable list
// switches off built-in rules but not those of later rule files.
func TestLoadBindings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	later := filepath.Join(dir, "later.yaml")
	os.WriteFile(later, []byte("rules:\n  - id: generic.mine\n    system: '*'\n    regex: 'mycode=(?P<code>\\d+)'\n"), 0o644)
	l, err := Load(Config{
		RuleFiles: []string{later},
		Disable:   []rules.Disable{{ID: "knox-efota.text-result", File: "errtag.yaml", Line: 3}},
		Inputs: Bindings{
			{Pattern: "/var/log/knox/", System: "knox-efota", Only: true, File: "errtag.yaml", Line: 5},
			{Pattern: "*.wu.log", System: "wusp", File: "errtag.yaml", Line: 8},
			{Pattern: "/var/log/knox2/", System: "knox-efota", Only: true, File: "errtag.yaml", Line: 10},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if l.For("/var/log/knox/a.log") != l.For("/var/log/knox2/b.log") {
		t.Error("two bindings to the same system and only: two matchers")
	}
	if l.For("/var/log/knox/a.log") == l.Matcher || l.For("c.wu.log") == l.Matcher || l.For("other.log") != l.Matcher || l.For("-") != l.Matcher {
		t.Error("For does not follow the bindings")
	}
	// The built-in rule the config disables is off: a bare result code=N is
	// nothing, even for a bound input; the later file's generic rule is on.
	if anns := l.For("/var/log/knox/a.log").Match([]byte("result code=401 mycode=7")); len(anns) != 1 || anns[0].Entry.Code != "7" {
		t.Errorf("bound input: %+v", anns)
	}
	// Only: a drupal marker does not take the line from Knox.
	if anns := l.For("/var/log/knox/a.log").Match([]byte(`drupal mycode=1401`)); len(anns) != 1 || anns[0].Entry.System != "knox-efota" {
		t.Errorf("only knox-efota: %+v", anns)
	}
	_, err = Load(Config{Inputs: Bindings{{Pattern: "*", System: "nosuch", File: "errtag.yaml", Line: 4}}})
	if err == nil || !strings.Contains(err.Error(), `errtag.yaml:4: inputs: unknown system "nosuch"`) {
		t.Errorf("unknown bound system: %v", err)
	}
}
