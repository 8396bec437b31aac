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
// as the command reports it. A Tagger is read-only once built and safe for
// concurrent use by multiple goroutines.
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
// the terminator. Lines need not be valid UTF-8.
package errtag

import (
	"errors"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
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
}

// Source is a catalog or rule file given as data.
type Source struct {
	// Name is what messages call the data, as they call a file by its
	// name (FILE:LINE).
	Name string
	Data []byte
}

// A Tagger finds and annotates the error codes of log lines. It is safe for
// concurrent use by multiple goroutines.
type Tagger struct {
	l *loader.Loaded
}

// New builds a Tagger from the built-in catalogs and rules and those c
// adds. An error names the file and line at fault, as in
//
//	rules.yaml:4: rule "x": bad regex: ...
func New(c Config) (*Tagger, error) {
	l, err := loader.Load(loader.Config{
		CatalogFiles: c.Catalogs,
		Catalogs:     sources(c.CatalogData),
		RuleFiles:    c.Rules,
		Rules:        sources(c.RuleData),
		System:       c.System,
	})
	if err != nil {
		return nil, err
	}
	return &Tagger{l: l}, nil
}

func sources(in []Source) []loader.Source {
	out := make([]loader.Source, len(in))
	for i, s := range in {
		out[i] = loader.Source{Name: s.Name, Data: s.Data}
	}
	return out
}

// Match returns the annotations of line (without its terminator), in the
// order their codes appear, one for each distinct system and code; nil if
// it has none.
func (t *Tagger) Match(line []byte) []Annotation {
	return fromMatcher(t.l.Matcher.Match(line))
}

// Catalog returns the catalog the Tagger looks codes up in: the built-in
// one with Config's catalogs added. It must not be changed.
func (t *Tagger) Catalog() *catalog.Catalog { return t.l.Catalog }

// Warnings returns what New found wrong in the rules that does not stop
// them from running (a rule that cannot find any code its system's catalog
// lists, say), each naming its file and line. The command prints them as
// warnings.
func (t *Tagger) Warnings() []error {
	ws := make([]error, len(t.l.Rules.Warnings))
	for i, w := range t.l.Rules.Warnings {
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
