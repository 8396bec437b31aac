// Package loader builds what errtag matches with, in one call: the catalog
// (the built-in one, then catalog files and data in order, later entries
// overriding earlier ones), the rules (the built-in ones, then rule files
// and data in order) and the matcher over both. Every problem in a file is
// reported with its file and line, before any input is read. The CLI, the
// benchmarks and tests all load through it.
package loader

import (
	"fmt"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
)

// Source is a catalog or rules file given as data: its name, for messages,
// and its YAML.
type Source = rules.Source

// Config says what to load besides the built-in catalog and rules.
type Config struct {
	// CatalogFiles are catalog files, added in order.
	CatalogFiles []string
	// Catalogs are catalogs given as data, added after CatalogFiles.
	Catalogs []Source
	// RuleFiles are rule files, added in order.
	RuleFiles []string
	// Rules are rules given as data, added after RuleFiles.
	Rules []Source
	// System is the system the input comes from, if known
	// (matcher.Options.System).
	System string
}

// Loaded is what Load built.
type Loaded struct {
	Catalog *catalog.Catalog
	Rules   *rules.Set
	Matcher *matcher.Matcher
}

// SystemError is a Config.System that the catalog does not know.
type SystemError struct {
	System string   // the system asked for
	Known  []string // the systems of the catalog, sorted
	Err    error
}

func (e *SystemError) Error() string { return e.Err.Error() }
func (e *SystemError) Unwrap() error { return e.Err }

// Catalog returns the built-in catalog with files, then data, added in
// order.
func Catalog(files []string, data ...Source) (*catalog.Catalog, error) {
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in catalog: %w", err)
	}
	for _, f := range files {
		if err := cat.LoadFile(f); err != nil {
			return nil, err
		}
	}
	for _, s := range data {
		if err := cat.Add(s.Name, s.Data); err != nil {
			return nil, err
		}
	}
	return cat, nil
}

// Load builds the catalog, the rules and the matcher that c asks for. An
// unknown c.System is a *SystemError.
func Load(c Config) (*Loaded, error) {
	cat, err := Catalog(c.CatalogFiles, c.Catalogs...)
	if err != nil {
		return nil, err
	}
	files, err := rules.ReadFiles(c.RuleFiles)
	if err != nil {
		return nil, err
	}
	srcs := append(append([]rules.Source{rules.Builtin()}, files...), c.Rules...)
	set, err := rules.Compile(cat, srcs...)
	if err != nil {
		return nil, err
	}
	m, err := matcher.New(set, cat, matcher.Options{System: c.System})
	if err != nil {
		if c.System != "" && !cat.HasSystem(c.System) {
			err = &SystemError{System: c.System, Known: cat.Systems(), Err: err}
		}
		return nil, err
	}
	return &Loaded{Catalog: cat, Rules: set, Matcher: m}, nil
}

// Builtin is Load with nothing added: the built-in catalog and rules.
func Builtin() (*Loaded, error) { return Load(Config{}) }
