package fsmsg

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFileError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	read := func(name string) error {
		_, err := os.ReadFile(name)
		return err
	}
	for _, c := range []struct {
		name, want string
	}{
		{"missing.yaml", "rules file missing.yaml: no such file"},
		{dir, "rules file " + dir + ": is a directory, not a file"},
		{filepath.Join(file, "x"), "rules file " + filepath.Join(file, "x") + ": a part of its path is not a directory"},
		{"", `rules file "": no such file`},
	} {
		err := &FileError{What: "rules file", Name: c.name, Err: read(c.name)}
		if got := err.Error(); got != c.want {
			t.Errorf("%q: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a.log": "a.log", "": `""`, " a": `" a"`, "a\nb": `"a\nb"`, "a\xffb": `"a\xffb"`, "dir/a b.log": "dir/a b.log",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
