package catalog_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/yamlfile"
)

// fuzzCatalogName is the file name FuzzCatalogAdd loads under: with a
// directory, a space and a colon, as a user's path may have.
const fuzzCatalogName = "conf/my codes:v2.yaml"

// fuzzBaseCatalog is a small catalog that fuzzed files merge into.
const fuzzBaseCatalog = `system: wusp
title: base
entries:
  - code: ConfigChanged
    name: ConfigChanged
    category: config
    message: "The server configuration has changed."
  - code: "7"
    name: SEVEN
    category: internal
    message: seven
`

// lineRef finds a line number in an error message that did not make it into
// the FILE:LINE: form.
var lineRef = regexp.MustCompile(`\bline \d+`)

// checkFileError checks that err, from loading data as file name, starts
// with the name, and with "name:LINE: " (LINE within the file) when the
// problem has a line.
func checkFileError(t *testing.T, name string, data []byte, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, name+":") {
		t.Fatalf("error does not start with the file name %q: %q", name, msg)
	}
	var ye *yamlfile.Error
	if !errors.As(err, &ye) {
		t.Fatalf("error %q is not a *yamlfile.Error", msg)
	}
	if ye.File != name {
		t.Fatalf("error %q names file %q", msg, ye.File)
	}
	if ye.Line > 0 {
		if want := fmt.Sprintf("%s:%d: ", name, ye.Line); !strings.HasPrefix(msg, want) {
			t.Fatalf("error %q does not start with %q", msg, want)
		}
		// YAML breaks lines at LF, CR, CRLF, NEL, LS and PS.
		s := string(data)
		maxLine := 1 + strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
		if ye.Line > maxLine {
			t.Fatalf("error %q: line %d is past the end of the file (%d lines at most)", msg, ye.Line, maxLine)
		}
	} else if lineRef.MatchString(ye.Msg) {
		t.Fatalf("error %q knows a line but does not say it as FILE:LINE:", msg)
	}
}

// dumpCatalog renders everything a catalog holds, to compare states.
func dumpCatalog(c *catalog.Catalog) string {
	var b strings.Builder
	for _, id := range c.Systems() {
		info, _ := c.System(id)
		fmt.Fprintf(&b, "%+v\n", info)
		for _, e := range c.Entries(id) {
			fmt.Fprintf(&b, "  %+v\n", e)
		}
	}
	return b.String()
}

// FuzzCatalogAdd loads any bytes as a catalog file. Add must not panic; it
// either loads a well-formed system or returns a FILE[:LINE]: error and
// leaves the catalog it was adding to unchanged.
func FuzzCatalogAdd(f *testing.F) {
	files, _ := filepath.Glob("data/*.yaml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "\n", "# only a comment\n", "[]", "- a\n- b\n", "system: wusp\n", "system: wusp\nentries: []\n",
		fuzzBaseCatalog,
		"system: wusp\nentries:\n  - code: ConfigChanged\n    name: Other\n    category: config\n    message: replaced\n",
		"system: Bad ID\nentries: []\n",
		"system: x\nentries:\n  - code: \"1 2\"\n    name: N\n    category: auth\n    message: m\n",
		"system: x\nentries:\n  - code: 1\n    name: N\n    category: nope\n    message: m\n",
		"system: x\nentries:\n  - {code: 1, name: A, category: auth, message: m}\n  - {code: 1, name: B, category: auth, message: n}\n",
		"system: x\nentries:\n  - {code: 1, name: A, category: auth, message: m, message_prefix: a}\n  - {code: 1, name: B, category: auth, message: n}\n",
		"system: x\nentries:\n  - {code: 1, name: A, category: auth, message: m}\n  - {code: 2, name: A, category: auth, message: m}\n",
		"system: &s x\ntitle: *s\nentries:\n  - &e {code: 1, name: A, category: auth, message: m}\n  - *e\n",
		"system: x\nentries:\n  - code: 1\n    name: A\n    category: auth\n    message: m\n    extra: 1\n",
		"system: x\nsystem: y\nentries: []\n",
		"system: x\nentries:\n\t- bad tab\n",
		"system: x\r\nentries:\r\n  - {code: 1, name: A, category: auth, message: ~}\r\n",
		"system: [x]\nentries: []\n",
		"system: x\nentries:\n  - code: !!binary aGk=\n    name: A\n    category: auth\n    message: m\n",
		"system: x\nentries: {a: 1}\n",
		"\xff\xfe",
		"a: \"\x01\"\n",
		"system: x\n---\nsystem: y\n",
		"system: x\nentries:\n  - code: 1\n    name: A\n    category: auth\n    message: \"unterminated\n",
		"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
		"system: wusp\nentries:\n  - code: ConfigChanged\n    name: MADE_UP\n    category: auth\n    guessed: [category, name]\n    message: m\n    remediation: \"\"\n",
		"system: wusp\nentries:\n  - {code: \"7\", name: SEVEN, category: auth, message: m, guessed: category, message_prefix: se}\n",
		"system: x\nentries:\n  - {code: 1, name: A, category: auth, message: m, guessed: [bogus]}\n",
		"system: x\nentries:\n  - {code: 1, name: A, category: auth, message: m, guessed: [name, name]}\n",
		"system: x\nentries:\n  - {code: 1, name: A, category: auth, message: m, guessed: {a: b}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := catalog.New()
		err := c.Add(fuzzCatalogName, data)
		if err != nil {
			checkFileError(t, fuzzCatalogName, data, err)
			if len(c.Systems()) != 0 {
				t.Fatalf("Add failed (%v) but the catalog holds %v", err, c.Systems())
			}
		} else {
			checkLoaded(t, c)
		}

		// The same file merged into a catalog that has a system already.
		base := catalog.New()
		if err := base.Add("base.yaml", []byte(fuzzBaseCatalog)); err != nil {
			t.Fatal(err)
		}
		before := dumpCatalog(base)
		err2 := base.Add(fuzzCatalogName, data)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("Add alone: %v; Add onto a catalog: %v", err, err2)
		}
		if err2 != nil {
			checkFileError(t, fuzzCatalogName, data, err2)
			if after := dumpCatalog(base); after != before {
				t.Fatalf("Add failed (%v) but changed the catalog:\nbefore %s\nafter  %s", err2, before, after)
			}
		} else {
			checkLoaded(t, base)
		}
	})
}

// checkLoaded checks every entry of c is well-formed and findable.
func checkLoaded(t *testing.T, c *catalog.Catalog) {
	t.Helper()
	for _, id := range c.Systems() {
		info, ok := c.System(id)
		if !ok || info.ID != id || info.File == "" {
			t.Fatalf("system %q: info %+v", id, info)
		}
		for _, e := range c.Entries(id) {
			if e.System != id || strings.TrimSpace(e.Code) == "" || strings.TrimSpace(e.Name) == "" || strings.TrimSpace(e.Message) == "" {
				t.Fatalf("system %q: malformed entry %+v", id, e)
			}
			if !catalog.IsCategory(e.Category) {
				t.Fatalf("system %q: entry %+v has an unknown category", id, e)
			}
			if !strings.HasPrefix(e.Source, info.File+":") && !strings.HasPrefix(e.Source, "base.yaml:") {
				t.Fatalf("system %q: entry %+v: source not FILE:LINE", id, e)
			}
			found := false
			for _, r := range c.Lookup(id, e.Code) {
				if r == e {
					found = true
				}
			}
			if !found {
				t.Fatalf("system %q: entry %+v not found by Lookup", id, e)
			}
			if _, ok := c.ByName(id, e.Name); !ok {
				t.Fatalf("system %q: entry %+v not found by ByName", id, e)
			}
			res := c.Resolve(id, e.Code, e.MessagePrefix+" tail")
			if !res.Known || res.Entry.Code != e.Code {
				t.Fatalf("system %q: Resolve(%q) = %+v", id, e.Code, res)
			}
		}
	}
}
