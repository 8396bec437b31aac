package yamlfile

import (
	"strings"
	"testing"
)

// TestParseOneDocument: a file holds one YAML document; a second one with
// anything in it is an error at its "---" line, an empty one (a trailing
// "---", comments) is not.
func TestParseOneDocument(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, err string }{
		{"a: 1\n", ""},
		{"---\na: 1\n", ""},
		{"a: 1\n---\n", ""},
		{"a: 1\n---\n# nothing more\n", ""},
		{"---\na: 1\n...\n", ""},
		{"a: 1\n---\nb: 2\n", "f.yaml:2: more than one YAML document; errtag reads one per file"},
		{"a: 1\n\n--- x\n", "f.yaml:3: more than one YAML document; errtag reads one per file"},
		{"a: 1\n---\n---\nb: 2\n", "f.yaml:3: more than one YAML document; errtag reads one per file"},
		{"---\n---\nb: 2\n", "f.yaml:2: more than one YAML document; errtag reads one per file"},
		{"a: 1\n---\nb: [\n", "f.yaml:3: invalid YAML: did not find expected node content"},
		{"", "f.yaml:1: file is empty"},
		{"# only\n", "f.yaml:1: file is empty"},
		{"a: [\n", "f.yaml:1: invalid YAML: did not find expected node content"},
	} {
		_, err := Parse("f.yaml", []byte(c.in))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("%q: %q, want %q", c.in, got, c.err)
		}
	}
}

// TestSyntaxErrorLine: a syntax error names the line at fault, not the
// line where yaml.v3's enclosing mapping or sequence began (it said line 1
// for a key indented too far on line 5).
func TestSyntaxErrorLine(t *testing.T) {
	t.Parallel()
	long := "entries:\n" + strings.Repeat("  - code: \"1\"\n    name: A\n", 300)
	for _, c := range []struct{ in, err string }{
		{"rules:\n  - id: a\n    system: s\n    regex: 'x'\n     cue: marker\n    markers: [m]\n", "f.yaml:5: invalid YAML: did not find expected key"},
		{"rules:\n  - id: a\n    system: s\n  regex: 'x'\n", "f.yaml:4: invalid YAML: did not find expected '-' indicator"},
		{"rules:\n  - id: a\n\tsystem: s\n", "f.yaml:3: invalid YAML: found a tab character that violates indentation"},
		{long + "   name: B\n" + long[len("entries:\n"):], "f.yaml:602: invalid YAML: did not find expected '-' indicator"},
		{"a: 1\nb: 'open\nc: 2\n", "f.yaml:2: invalid YAML: found unexpected end of stream"},
		{"a: [1,\n 2,\n 3\nb: 2\n", "f.yaml:3: invalid YAML: did not find expected ',' or ']'"},
	} {
		_, err := Parse("f.yaml", []byte(c.in))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("%.60q: %q, want %q", c.in, got, c.err)
		}
	}
}
