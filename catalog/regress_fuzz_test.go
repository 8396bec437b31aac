package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/yamlfile"
)

// TestEmptyDocumentErrorLine: a file that holds only a YAML document marker
// (and comments) has no content; its error must point at a line of the
// file, not past its end. Found by FuzzCatalogAdd
// (testdata/fuzz/FuzzCatalogAdd/a9e88922f87ae8de, the file "---"): yaml.v3
// places the document's null node on the line after the marker, and the
// error read "FILE:2: expected a mapping at the top level, found nothing"
// for a one-line file. Rule files share the parser (yamlfile.Parse).
func TestEmptyDocumentErrorLine(t *testing.T) {
	for _, c := range []struct {
		data  string
		lines int // lines the file has
	}{
		{"---", 1},
		{"--- ", 1},
		{"--- # only a comment", 1},
		{"# comment\n---", 2},
	} {
		err := catalog.New().Add("f.yaml", []byte(c.data))
		var ye *yamlfile.Error
		if !errors.As(err, &ye) || !strings.HasPrefix(err.Error(), "f.yaml:") {
			t.Errorf("%q: error %v, want a f.yaml: error", c.data, err)
			continue
		}
		if ye.Line > c.lines {
			t.Errorf("%q: error %q names line %d of a %d-line file", c.data, err, ye.Line, c.lines)
		}
	}
}
