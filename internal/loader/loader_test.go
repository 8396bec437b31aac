package loader

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
