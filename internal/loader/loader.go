// Package loader builds what errtag matches with, in one call: the catalog
// (the built-in one, then catalog files and data in order, later entries
// overriding earlier ones), the rules (the built-in ones, then rule files
// and data in order) and the matchers over both: one for the inputs no
// binding names, and one per system that inputs are bound to by their path
// (Loaded.For). Every problem in a file is reported with its file and line,
// before any input is read. The front door (errtag.New), the benchmarks
// and tests load through it; the command loads through the front door and
// gets the Loaded its Tagger holds with Of.
package loader

import (
	"fmt"
	"strconv"
	"strings"

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
	// Disable switches off rules as a rule file's disable: list would,
	// placed after the built-in rules and the first DisableAfter of
	// RuleFiles (a config file's own disable:, after its own rule files).
	// An entry that Check finds wrong is an error, named FILE:LINE.
	Disable      []rules.Disable
	DisableAfter int
	// System is the system the inputs come from, if known
	// (matcher.Options.System), for every input that no binding of
	// Inputs names.
	System string
	// Inputs bind inputs to systems by their path (a config file's
	// inputs:).
	Inputs Bindings
}

// Loaded is what Load built. It is read-only and safe for concurrent use.
type Loaded struct {
	Catalog *catalog.Catalog
	Rules   *rules.Set
	// Matcher is the matcher for the inputs that no binding names.
	Matcher *matcher.Matcher
	// Inputs are the bindings of Config.Inputs.
	Inputs Bindings
	// bound holds the matcher of each binding of Inputs, by index.
	bound []*matcher.Matcher
}

// For returns the matcher for the input named name (a path as given, "-"
// for standard input): the one of the first binding that matches it, or
// Matcher. The CLI's batch, filter and follow paths all ask it, for each
// input they open.
func (l *Loaded) For(name string) *matcher.Matcher {
	for i := range l.Inputs {
		if l.Inputs[i].Matches(name) {
			return l.bound[i]
		}
	}
	return l.Matcher
}

// SystemError is a Config.System that the catalog does not know.
type SystemError struct {
	System string   // the system asked for
	Known  []string // the systems of the catalog, sorted
	Err    error
}

func (e *SystemError) Error() string {
	switch {
	case e == nil:
		return "unknown system"
	case e.Err == nil:
		return "the catalog has no system " + strconv.Quote(e.System)
	}
	return e.Err.Error()
}

// Unwrap returns the cause, nil if none.
func (e *SystemError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

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
	set, err := compileRules(cat, c)
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
	l := &Loaded{Catalog: cat, Rules: set, Matcher: m, Inputs: c.Inputs}
	// One matcher per distinct (system, only) that bindings name.
	made := map[matcher.Options]*matcher.Matcher{{System: c.System}: m}
	for i := range c.Inputs {
		b := &c.Inputs[i]
		if err := b.Check(); err != nil {
			return nil, fmt.Errorf("%s: inputs: %w", b.Where(), err)
		}
		if !cat.HasSystem(b.System) {
			return nil, fmt.Errorf("%s: inputs: unknown system %q (known: %s)", b.Where(), b.System, strings.Join(cat.Systems(), ", "))
		}
		opts := matcher.Options{System: b.System, Only: b.Only}
		if made[opts] == nil {
			if made[opts], err = matcher.New(set, cat, opts); err != nil {
				return nil, fmt.Errorf("%s: inputs: %w", b.Where(), err)
			}
		}
		l.bound = append(l.bound, made[opts])
	}
	return l, nil
}

// compileRules compiles the built-in rules, then c's rule files (with c's
// Disable after the first DisableAfter of them), then c's rule data.
func compileRules(cat *catalog.Catalog, c Config) (*rules.Set, error) {
	for i := range c.Disable {
		if err := c.Disable[i].Check(); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Disable[i].Where(), err)
		}
	}
	files, err := rules.ReadFiles(c.RuleFiles)
	if err != nil {
		return nil, err
	}
	after := min(max(c.DisableAfter, 0), len(files))
	srcs := []rules.Source{rules.Builtin()}
	srcs = append(srcs, files[:after]...)
	if len(c.Disable) > 0 {
		srcs = append(srcs, rules.Source{Name: c.Disable[0].File, Disable: c.Disable})
	}
	srcs = append(srcs, files[after:]...)
	srcs = append(srcs, c.Rules...)
	return rules.Compile(cat, srcs...)
}
