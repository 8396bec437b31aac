package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestBuiltOnTheFrontDoor: the command builds what it matches with only
// through the front door (errtag.New), and reaches the matchers of the
// Tagger it built with loader.Of: no file of the package loads catalogs or
// rules, compiles rules or builds a matcher itself. It reads the package's
// source, so it fails as soon as a command goes round the front door.
func TestBuiltOnTheFrontDoor(t *testing.T) {
	t.Parallel()
	const mod = "github.com/errtag/errtag"
	// What the command may use of the loader: the accessor, the type it
	// returns, the error that names an unknown system, and the check of an
	// inputs: pattern (reported at the config file's path: line).
	allowed := map[string]bool{"loader.Of": true, "loader.Loaded": true, "loader.SystemError": true, "loader.Binding": true}
	// What builds the catalog, the rules or a matcher: the front door's job.
	forbidden := map[string]bool{"rules.Compile": true, "rules.ReadFiles": true, "rules.Builtin": true, "matcher.New": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := map[string][]string{} // qualified name -> where
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		// The local name of each package of the module that f imports.
		local := map[string]string{}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p != mod && !strings.HasPrefix(p, mod+"/") {
				continue
			}
			n := p[strings.LastIndex(p, "/")+1:]
			if im.Name != nil {
				n = im.Name.Name
			}
			local[n] = p[strings.LastIndex(p, "/")+1:]
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && local[id.Name] != "" {
				q := local[id.Name] + "." + sel.Sel.Name
				used[q] = append(used[q], fset.Position(sel.Pos()).String())
			}
			return true
		})
	}
	if len(used["errtag.New"]) == 0 {
		t.Error("the command does not build its Tagger with errtag.New")
	}
	if len(used["loader.Of"]) == 0 {
		t.Error("the command does not run the matchers of its Tagger (loader.Of)")
	}
	var names []string
	for q := range used {
		names = append(names, q)
	}
	sort.Strings(names)
	for _, q := range names {
		if forbidden[q] || strings.HasPrefix(q, "loader.") && !allowed[q] {
			t.Errorf("%s: the command uses %s: it builds what it matches with through errtag.New", used[q][0], q)
		}
	}
}
