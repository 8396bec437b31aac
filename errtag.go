// Package errtag finds the error codes in log lines and tells what each one
// means: its name, its category, the vendor's message and what to do about
// it. It is the library behind the errtag command and writes exactly what
// the command writes.
//
// A Tagger holds the catalogs (what each code of each system means) and the
// rules (where codes stand in a line, and which system wrote them). New
// builds one from errtag's built-in catalogs and rules and any of your own,
// given as files or as YAML in memory; their format is specified in
// docs/FORMATS.md, and a problem in one is reported with its file and line,
// as the command reports it. Config also switches rules off (Disable) and
// binds inputs to systems by their path (Inputs; For gives an input its
// Tagger), as the command's config file does. A Tagger is read-only once
// built and safe for concurrent use by multiple goroutines.
//
// From the smallest job to the largest:
//
//   - Match returns the Annotations of one line.
//   - AppendJSON and AppendLogfmt render Annotations in the two shapes
//     errtag writes them in; an Annotation also marshals to the JSON shape
//     with encoding/json.
//   - Annotate writes one line as the command writes it: a text line with
//     logfmt pairs appended, a JSON-object line with an "errtag" key added
//     (Auto), or every line as one JSON object (JSON).
//   - Filter copies a reader to a writer as the command copies its input to
//     its output: every line, in order, byte for byte but for the
//     annotations, whatever its length or content, and nothing that was
//     read lost when it is stopped.
//
// A line is a sequence of bytes ending in LF; a CR before the LF belongs to
// the terminator. The input's last line may have no LF: a CR at its end is
// then part of the line. Lines need not be valid UTF-8.
package errtag

import (
	"errors"
	"fmt"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
)

// Config says what a Tagger matches with besides the built-in catalogs and
// rules. The catalogs are added in order, files first: an entry for a
// system and code that an earlier catalog has replaces it. The rules are
// compiled in order after the built-in ones, files first.
type Config struct {
	// Catalogs and Rules are catalog and rule files (errtag's --catalog
	// and --rules).
	Catalogs []string
	Rules    []string
	// CatalogData and RuleData are catalogs and rules given as YAML, for
	// programs that ship their own.
	CatalogData []Source
	RuleData    []Source
	// System, when set, names the system the lines come from (errtag's
	// --system): its rules need no cue on the line, and bare codes (code=N,
	// error code N) count as its. It must be a system of the catalogs.
	System string
	// Disable switches rules off by their id or their system, as a rule
	// file's disable: list does (an errtag config file's disable:). It
	// applies to the built-in rules and to the first DisableAfter files of
	// Rules; the rules of later files and of RuleData stay on. An entry
	// that switches nothing off is an error, as a typo must not silently
	// do nothing (one written for errtag's former built-in generic rules
	// is only a warning).
	// DisableAfter is a number of files, 0 to len(Rules); New rejects
	// any other.
	Disable      []Disable
	DisableAfter int
	// Inputs say which system the lines of an input come from, by the
	// input's path (an errtag config file's inputs:); the first that
	// matches an input decides. For returns the Tagger of an input.
	Inputs []Input
}

// Disable names rules to switch off: those whose id matches Rule and whose
// system is System. At least one of the two is given.
type Disable struct {
	// Rule is a rule id or a pattern of ids (path.Match: * ? [...]); ""
	// for any rule.
	Rule string
	// System is a system of the catalogs, or "*" for the generic rules;
	// "" for any system.
	System string
	// Reason, if given, says why (errtag test shows it).
	Reason string
	// File and Line say where the entry was written, for messages
	// (FILE:LINE). When File is "", messages call the entry
	// Config.Disable:N, N counting from 1.
	File string
	Line int
}

// Input binds the inputs whose path matches Path to System. Path is one of
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
// Standard input is the input named "-": only a base-name glob matches it
// ("-" or "*").
type Input struct {
	Path string
	// System is the system of the catalogs that the inputs' lines come
	// from, as Config.System says it of every other input.
	System string
	// Only says the inputs hold System's lines only: the rules of the
	// other systems do not run on them.
	Only bool
	// File and Line say where the binding was written, for messages
	// (FILE:LINE). When File is "", messages call it Config.Inputs:N, N
	// counting from 1.
	File string
	Line int
}

// Source is a catalog or rule file given as data.
type Source struct {
	// Name is what messages call the data, as they call a file by its
	// name (FILE:LINE). It must not be empty.
	Name string
	Data []byte
}

// A Tagger finds and annotates the error codes of log lines. It is safe for
// concurrent use by multiple goroutines. Make one with New: the zero Tagger
// and a nil *Tagger hold no catalog and no rules, and their methods panic
// saying so.
type Tagger struct {
	// handle carries the catalog, the rules and the matchers that New
	// built (internal/loader): the errtag command builds its Tagger with
	// New and runs them through it, with what this API leaves out.
	handle
	// m is the matcher of this Tagger's inputs: those of Config.System,
	// or of an Input (For).
	m *matcher.Matcher
}

// handle is the loader's carrier, embedded under a name that keeps it out
// of the API.
type handle = loader.Handle

// New builds a Tagger from the built-in catalogs and rules and those c
// adds. An error names the file and line at fault, as in
//
//	rules.yaml:4: rule "x": bad regex: ...
func New(c Config) (*Tagger, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	l, err := loader.Load(loader.Config{
		CatalogFiles: c.Catalogs,
		Catalogs:     sources(c.CatalogData),
		RuleFiles:    c.Rules,
		Rules:        sources(c.RuleData),
		System:       c.System,
		Disable:      disables(c.Disable),
		DisableAfter: c.DisableAfter,
		Inputs:       bindings(c.Inputs),
	})
	if err != nil {
		return nil, err
	}
	return &Tagger{handle: l.Handle(), m: l.Matcher}, nil
}

// check rejects what New cannot make sense of before anything is read.
func (c *Config) check() error {
	if c.DisableAfter < 0 || c.DisableAfter > len(c.Rules) {
		return fmt.Errorf("errtag: Config.DisableAfter is %d, out of range: the number of files of Rules that Disable applies to, 0 to %d", c.DisableAfter, len(c.Rules))
	}
	for _, d := range []struct {
		field string
		list  []Source
	}{{"CatalogData", c.CatalogData}, {"RuleData", c.RuleData}} {
		for i, s := range d.list {
			if s.Name == "" {
				return fmt.Errorf("errtag: Config.%s[%d] has no Name (messages name the data by it, as FILE:LINE)", d.field, i)
			}
		}
	}
	return nil
}

func sources(in []Source) []loader.Source {
	out := make([]loader.Source, len(in))
	for i, s := range in {
		out[i] = loader.Source{Name: s.Name, Data: s.Data}
	}
	return out
}

func disables(in []Disable) []rules.Disable {
	out := make([]rules.Disable, len(in))
	for i, d := range in {
		out[i] = rules.Disable{ID: d.Rule, System: d.System, Reason: d.Reason, File: d.File, Line: d.Line}
		if d.File == "" {
			out[i].File, out[i].Line = "Config.Disable", i+1
		}
	}
	return out
}

func bindings(in []Input) loader.Bindings {
	out := make(loader.Bindings, len(in))
	for i, b := range in {
		out[i] = loader.Binding{Pattern: b.Path, System: b.System, Only: b.Only, File: b.File, Line: b.Line}
		if b.File == "" {
			out[i].File, out[i].Line = "Config.Inputs", i+1
		}
	}
	return out
}

// loaded returns what New built.
func (t *Tagger) loaded() *loader.Loaded {
	t.check()
	return loader.Of(t)
}

// matcher returns the Tagger's matcher.
func (t *Tagger) matcher() *matcher.Matcher {
	t.check()
	return t.m
}

// check panics, with a message that says why, when t was not made by New.
func (t *Tagger) check() {
	if t == nil || t.m == nil {
		panic("errtag: a Tagger not made by New (use errtag.New)")
	}
}

// For returns the Tagger for the lines of the input named name (a path, or
// "-" for standard input): the one of the first of Config.Inputs that
// matches name, or, when none does, the one of the inputs that no binding
// names (Config.System's, as New returned it). It shares t's catalogs and
// rules. A relative name is made absolute against the process's working
// directory (as the errtag command does with its arguments) before it is
// matched against directories and globs holding a '/'; pass an absolute
// path when the working directory is not the name's.
func (t *Tagger) For(name string) *Tagger {
	m := t.loaded().For(name)
	return &Tagger{handle: t.handle, m: m}
}

// Match returns the annotations of line (without its terminator), in the
// order their codes appear, one for each distinct system and code; nil if
// it has none. Match does not split line: given bytes that hold an LF, it
// matches them as one line (a marker before the LF ties a code after it),
// where Annotate and Filter match each line on its own. Split input into
// lines first, or use Filter.
func (t *Tagger) Match(line []byte) []Annotation {
	return fromMatcher(t.matcher().Match(line))
}

// Catalog returns a copy of the catalog the Tagger looks codes up in: the
// built-in one with Config's catalogs added. Changing the copy (Add,
// LoadFile) does not change what the Tagger annotates; build another
// Tagger with New for that. The copy is cheap (catalog.Catalog.Clone).
func (t *Tagger) Catalog() *catalog.Catalog { return t.loaded().Catalog.Clone() }

// Warnings returns what New found wrong in the rules that does not stop
// them from running (a rule that cannot find any code its system's catalog
// lists, say). Each is an error whose text starts with FILE:LINE: (or
// Config.Disable:N:) and says what is wrong; it has no other structure.
// The command prints them as warnings.
func (t *Tagger) Warnings() []error {
	set := t.loaded().Rules
	ws := make([]error, len(set.Warnings))
	for i, w := range set.Warnings {
		ws[i] = w
	}
	return ws
}

// fromMatcher converts the matcher's annotations.
func fromMatcher(in []matcher.Annotation) []Annotation {
	if len(in) == 0 {
		return nil
	}
	out := make([]Annotation, len(in))
	for i := range in {
		out[i] = annotationOf(&in[i])
	}
	return out
}

// errUnknownFormat is the error of an Output whose Format is neither Auto
// nor JSON.
var errUnknownFormat = errors.New("errtag: unknown format (Auto or JSON)")
