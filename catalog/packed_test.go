package catalog

import (
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/errtag/errtag/internal/yamlfile"
)

// TestBuiltinPacked checks that the packed built-in catalogs are what
// parsing data/*.yaml gives: every file, in order, node for node (go
// generate ./catalog rewrites them).
func TestBuiltinPacked(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("data/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(builtinPacked) {
		t.Fatalf("data/ holds %d catalogs, builtin_packed.go %d: run go generate ./catalog", len(files), len(builtinPacked))
	}
	for i, f := range files {
		p := builtinPacked[i]
		if want := "builtin:" + path.Base(f); p.Name != want {
			t.Fatalf("packed catalog %d is %s, want %s: run go generate ./catalog", i, p.Name, want)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := yamlfile.CheckPacked(p, data); err != nil {
			t.Error(err)
		}
	}
}
