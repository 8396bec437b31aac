package yamlfile

import "testing"

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
