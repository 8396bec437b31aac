package loader

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// Binding ties the inputs whose path matches Pattern to System: a config
// file's inputs: entry. The pattern is one of
//
//   - a directory, ending in '/': every file below it
//     (/var/log/postgresql/);
//   - a glob holding a '/', matched against the input's absolute path:
//     '*' and '?' within one path element, "**" for any number of
//     elements (/var/log/**/postgresql-*.log); it starts with '/' or
//     "**/";
//   - a glob without '/', matched against the input's base name
//     (postgresql-*.log; "*" matches every input).
//
// Standard input is the input named "-": only a base-name glob matches
// it ("-" or "*").
type Binding struct {
	Pattern string
	System  string
	// Only says the inputs hold System's lines only: the other systems'
	// rules do not run on them (matcher.Options.Only).
	Only bool
	// File and Line are where the binding was written.
	File string
	Line int
}

// Where is the binding's location, FILE:LINE.
func (b *Binding) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Line) }

// Check reports what is wrong with the pattern, if anything.
func (b *Binding) Check() error {
	p := b.Pattern
	switch {
	case p == "":
		return fmt.Errorf("empty path pattern")
	case strings.Contains(p, "/") && !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "**/"):
		return fmt.Errorf("path %q: a pattern with a '/' is matched against the input's absolute path: start it with / or **/ (or give a base name, without '/')", p)
	}
	for _, el := range strings.Split(strings.TrimSuffix(p, "/"), "/") {
		if _, err := path.Match(el, ""); err != nil {
			return fmt.Errorf("path %q: bad pattern: %v", p, err)
		}
	}
	return nil
}

// Matches reports whether the input named name (a path as given on the
// command line, or "-" for standard input) is one the binding names.
func (b *Binding) Matches(name string) bool {
	p := b.Pattern
	if !strings.Contains(p, "/") {
		base := name
		if name != "-" {
			base = filepath.Base(name)
		}
		ok, _ := path.Match(p, base)
		return ok
	}
	if name == "-" {
		return false
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return false
	}
	abs = filepath.ToSlash(abs)
	if strings.HasSuffix(p, "/") {
		dir := strings.TrimSuffix(path.Clean(p), "/") + "/"
		return strings.HasPrefix(abs, dir)
	}
	return globPath(strings.Split(strings.TrimPrefix(p, "/"), "/"), strings.Split(strings.TrimPrefix(abs, "/"), "/"))
}

// globPath matches path elements against pattern elements, "**" standing
// for any number of elements.
func globPath(pat, els []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(els); i++ {
				if globPath(pat[1:], els[i:]) {
					return true
				}
			}
			return false
		}
		if len(els) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], els[0]); !ok {
			return false
		}
		pat, els = pat[1:], els[1:]
	}
	return len(els) == 0
}

// Bindings are a config file's inputs:, in order: the first that matches
// an input decides its system.
type Bindings []Binding
