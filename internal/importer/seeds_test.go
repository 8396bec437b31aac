package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

// TestImportSeeds imports each vendor page the built-in catalog was written
// from, loads the skeleton with the catalog loader, and compares it with
// the built-in catalog: the same codes in the same order, the vendor's
// messages (for backend-services, whose columns run together, a prefix of
// the built-in message), the vendor's names where the page has them, and
// the groups.
func TestImportSeeds(t *testing.T) {
	builtin, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		system string
		format Format
		// prefix: the imported message may be a prefix of the built-in one.
		prefix bool
		// vendorNames: the page has a column of constants.
		vendorNames bool
	}{
		{"voltmx-sync", HTML, false, true},
		{"drupal-sdk", Markdown, false, true},
		{"backend-services", Text, true, false},
		{"wusp", Text, false, true},
		{"knox-efota", Text, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.system, func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seeds", tc.system+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Import(tc.format, page, Options{System: tc.system, Title: "Imported " + tc.system, Source: tc.system + ".txt"})
			if err != nil {
				t.Fatal(err)
			}
			cat := catalog.New()
			if err := cat.Add(tc.system+".yaml", res.YAML); err != nil {
				t.Fatalf("the imported catalog does not load: %v\n%s", err, res.YAML)
			}
			got := cat.Entries(tc.system)
			want := builtin.Entries(tc.system)

			// Round trip: what loads is what Import built.
			if len(got) != len(res.Entries) {
				t.Fatalf("loaded %d entries, Import built %d", len(got), len(res.Entries))
			}
			for i, g := range got {
				b := res.Entries[i]
				if g.Code != b.Code || g.Name != b.Name || g.Category != b.Category || g.Group != b.Group ||
					g.Message != b.Message || g.Description != b.Description || g.MessagePrefix != b.MessagePrefix || g.Remediation != "" {
					t.Errorf("entry %d does not round-trip:\nloaded %+v\nbuilt  %+v", i, g, b)
				}
				if !catalog.IsCategory(g.Category) {
					t.Errorf("code %s: category %q is not in the vocabulary", g.Code, g.Category)
				}
			}

			// Codes: the same, in the same order of first appearance.
			if a, b := codeOrder(got), codeOrder(want); strings.Join(a, " ") != strings.Join(b, " ") {
				t.Errorf("codes differ:\nimported %v\nbuilt-in %v", a, b)
			}

			// Every imported row has a built-in row of its code with its
			// message, and every built-in row is matched.
			matched := map[*catalog.Entry]bool{}
			for _, g := range got {
				rows := builtin.Lookup(tc.system, g.Code)
				ok := false
				for i := range rows {
					w := &rows[i]
					wm := collapse(w.Message)
					if wm == g.Message || (tc.prefix && g.Message != "" && strings.HasPrefix(wm, g.Message)) {
						ok = true
						for j := range want {
							if want[j].Code == w.Code && want[j].Message == w.Message {
								matched[&want[j]] = true
							}
						}
						if tc.vendorNames && g.Name != w.Name {
							t.Errorf("code %s: name %q, the page's constant is %q", g.Code, g.Name, w.Name)
						}
						switch tc.system {
						case "knox-efota":
							if g.Group != w.Group {
								t.Errorf("code %s: group %q, built-in %q", g.Code, g.Group, w.Group)
							}
							if collapse(g.Description) != collapse(w.Description) {
								t.Errorf("code %s: description %q, built-in %q", g.Code, g.Description, w.Description)
							}
						case "backend-services":
							// "HTTP 400" is the start of "HTTP 400; returned by: Create".
							if g.Group != "" && !strings.HasPrefix(w.Group, g.Group+";") {
								t.Errorf("code %s: group %q is not the status of built-in group %q", g.Code, g.Group, w.Group)
							}
							if g.Group == "" && strings.HasPrefix(w.Group, "HTTP") {
								t.Errorf("code %s: no group, built-in has %q", g.Code, w.Group)
							}
						}
					}
				}
				if !ok {
					t.Errorf("code %s: imported message %q is not the built-in message of the code: %+v", g.Code, g.Message, rows)
				}
			}
			for i := range want {
				if !matched[&want[i]] {
					t.Errorf("built-in row %s %q has no imported row", want[i].Code, want[i].Message)
				}
			}

			// The categories are a guess; report how good.
			agree := 0
			for _, g := range got {
				for _, w := range builtin.Lookup(tc.system, g.Code) {
					if strings.HasPrefix(collapse(w.Message), g.Message) && w.Category == g.Category {
						agree++
						break
					}
				}
			}
			t.Logf("%s: %d entries; guessed category equals the built-in one for %d", tc.system, len(got), agree)
		})
	}
}

func codeOrder(entries []catalog.Entry) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.Code] {
			seen[e.Code] = true
			out = append(out, e.Code)
		}
	}
	return out
}

// TestImportSeedDetails pins what the seeds show about each layout.
func TestImportSeedDetails(t *testing.T) {
	imp := func(sys string, f Format) *Result {
		t.Helper()
		page, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seeds", sys+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Import(f, page, Options{System: sys})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	find := func(res *Result, code string) []Entry {
		var out []Entry
		for _, e := range res.Entries {
			if e.Code == code {
				out = append(out, e)
			}
		}
		return out
	}

	// backend-services: 107 has three rows, each picked by message_prefix
	// (the page does not say which is general: the built-in catalog's
	// general row was chosen by a person); 660 has no full stop before its
	// next column.
	bs := imp("backend-services", Text)
	rows := find(bs, "107")
	if len(rows) != 3 || rows[0].MessagePrefix != rows[0].Message || rows[1].MessagePrefix != rows[1].Message || rows[2].MessagePrefix != rows[2].Message {
		t.Errorf("107 rows: %+v", rows)
	}
	if e := find(bs, "660"); len(e) != 1 || e[0].Message != "Data Link Server Error" {
		t.Errorf("660: %+v", e)
	}
	if e := find(bs, "202"); len(e) != 1 || e[0].Name != "NO_PASSWORD_SPECIFIED" || !e[0].NameMade || e[0].Group != "HTTP 400" {
		t.Errorf("202: %+v", e)
	}

	// knox-efota: code 0 listed twice, kept once; sections are groups.
	kx := imp("knox-efota", Text)
	if e := find(kx, "0"); len(e) != 1 || e[0].Group != "Success codes" || e[0].Description != `Also listed under Operation error as: "Operation successfully completed."` {
		t.Errorf("0: %+v", e)
	}
	if len(kx.Warnings) != 1 || !strings.Contains(kx.Warnings[0], "code 0 is listed again under Operation error") {
		t.Errorf("warnings: %q", kx.Warnings)
	}

	// wusp: the code is the name.
	wu := imp("wusp", Text)
	if len(wu.Entries) != 11 || wu.Entries[0].Code != "InvalidCookie" || wu.Entries[0].Name != "InvalidCookie" || wu.Entries[0].NameMade {
		t.Errorf("wusp: %+v", wu.Entries[:1])
	}

	// Names are unique within every import.
	for _, res := range []*Result{bs, kx, wu, imp("voltmx-sync", HTML), imp("drupal-sdk", Markdown)} {
		names := map[string]string{}
		for _, e := range res.Entries {
			if c, ok := names[e.Name]; ok && c != e.Code {
				t.Errorf("name %s used by %s and %s", e.Name, c, e.Code)
			}
			names[e.Name] = e.Code
		}
	}
}
