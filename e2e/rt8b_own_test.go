package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputNotOwnFiles2: an output is never a file the run reads besides
// its inputs. -o and standard output (>>) naming the --files-from list, and
// plain standard output appended to the catalog, rules or config file, are
// usage errors (exit 2) that leave the file as it was. (They were written,
// exit 0: the list, the catalog or the config was lost.)
func TestOutputNotOwnFiles2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\n"), 0o644)
	files := map[string]string{
		"paths.txt":  "a.log\n",
		"cat.yaml":   "systems:\n  demo:\n    codes: {}\n",
		"conf.yaml":  "defaults:\n  format: auto\n",
		"rules.yaml": "rules: []\n",
	}
	for name, content := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	for _, tc := range []struct{ script, file, want string }{
		{`"$E" --files-from paths.txt -o paths.txt`, "paths.txt", "--files-from list"},
		{`"$E" --files-from paths.txt >> paths.txt`, "paths.txt", "--files-from list"},
		{`"$E" --files-from - -o paths.txt < paths.txt`, "paths.txt", "--files-from list"},
		{`"$E" --files-from - < paths.txt >> paths.txt`, "paths.txt", "--files-from list"},
		{`"$E" --out-dir . --files-from paths.txt`, "", ""}, // a.log's output is ./a.log: its own input
		{`"$E" --catalog cat.yaml a.log >> cat.yaml`, "cat.yaml", "--catalog file"},
		{`"$E" --config conf.yaml a.log >> conf.yaml`, "conf.yaml", "config file"},
		{`ERRTAG_CONFIG=conf.yaml "$E" a.log >> conf.yaml`, "conf.yaml", "config file"},
		{`"$E" --rules rules.yaml a.log >> rules.yaml`, "rules.yaml", "--rules file"},
	} {
		code, stderr := sh(t, dir, tc.script)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 naming %q", tc.script, code, stderr, tc.want)
		}
		if tc.file == "" {
			continue
		}
		if b, _ := os.ReadFile(filepath.Join(dir, tc.file)); string(b) != files[tc.file] {
			t.Errorf("%s: %s changed: %q", tc.script, tc.file, b)
		}
	}
}
