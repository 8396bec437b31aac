package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

// fuzzFormats are the --from values FuzzImport picks from.
var fuzzFormats = []Format{Auto, Markdown, HTML, TSV, Text}

// FuzzImport imports any bytes in any format, with any --columns value.
// Import must not panic; an import that succeeds must load as a catalog,
// entry for entry, with codes that are one word; Detect must name a
// format Import reads.
func FuzzImport(f *testing.F) {
	pages, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "seeds", "*.txt"))
	pages = append(pages, filepath.Join("..", "..", "testdata", "postgresql", "errcodes.txt"),
		filepath.Join("..", "..", "testdata", "postgresql", "errcodes-appendix.html"))
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// The head of each page: whole pages make every run slow.
		f.Add(data[:min(len(data), 4096)], uint8(0), "")
	}
	for _, s := range []struct {
		page    string
		format  uint8
		columns string
	}{
		{"Section: Class 42\n42P01    E    ERRCODE_UNDEFINED_TABLE    undefined_table\n42601  E  ERRCODE_SYNTAX_ERROR  syntax_error\n3D000  E  ERRCODE_X\n", 4, ""},
		{"42P01    E    ERRCODE_UNDEFINED_TABLE    undefined_table\n42601  E  X  y\n1  a  b\n", 4, "code,-,name,message"},
		{"<table><tr><th colspan=2>Title</th></tr><tr><td>Prev</td><td>Next</td></tr></table>", 2, ""},
		{"<table><tr><th>Error Code</th><th>Condition Name</th></tr><tr><td colspan=2>Class 00</td></tr><tr><td>00000</td><td>ok</td></tr></table>", 0, ""},
		{"Code\tClass\tMessage\n1\tA\tOne\n2\tB\tTwo\n", 3, "Code=code,Class=group"},
		{"Code\tClass\n1\tA\n", 3, ""},
		{"| Code | Message |\n|---|---|\n| Prev | a |\n", 1, "code,message"},
		{"code\tname\tmessage\n1\t\t\n2\t\t\n", 3, "-,code"},
		{"1 One.\n1 One.\n1 Other.\n", 4, ""},
		{"", 0, ""},
	} {
		f.Add([]byte(s.page), s.format, s.columns)
	}
	f.Fuzz(func(t *testing.T, page []byte, format uint8, columns string) {
		if d, why := Detect(page); d == Auto || why == "" {
			t.Fatalf("Detect = %s (%q)", d, why)
		}
		opts := Options{System: "fuzz"}
		if columns != "" {
			spec, err := ParseColumns(columns)
			if err != nil {
				if !IsUsage(err) {
					t.Fatalf("ParseColumns(%q): %v is not a usage error", columns, err)
				}
				return
			}
			opts.Columns = spec
		}
		res, err := Import(fuzzFormats[int(format)%len(fuzzFormats)], page, opts)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error")
			}
			return
		}
		c := catalog.New()
		if err := c.Add("fuzz.yaml", res.YAML); err != nil {
			t.Fatalf("the import does not load: %v\n%s", err, res.YAML)
		}
		got := c.Entries("fuzz")
		if len(got) != len(res.Entries) || len(got) == 0 {
			t.Fatalf("loaded %d entries, built %d", len(got), len(res.Entries))
		}
		for i, e := range got {
			b := res.Entries[i]
			if e.Code != b.Code || e.Name != b.Name || e.Message != b.Message || !e.CategoryGuessed || e.NameGuessed != b.NameMade {
				t.Fatalf("entry %d: loaded %+v, built %+v", i, e, b)
			}
			if !codeRE.MatchString(e.Code) {
				t.Fatalf("code %q", e.Code)
			}
		}
	})
}
