// Package rules compiles errtag's rule files: each rule says where a log line
// carries an error code (a regular expression, a JSON object shape, or the
// catalog's constant names) and which system it belongs to, and under which
// cue the attribution is safe. Rules are compiled once at start-up into a
// read-only Set that the matcher runs; see docs/FORMATS.md for the format.
package rules

import (
	_ "embed"
	"fmt"
	"github.com/errtag/errtag/internal/fsmsg"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

//go:embed builtin.yaml
var builtinRules []byte

// The built-in rules are also compiled in as a packed YAML tree
// (builtinPacked), which Compile reads instead of parsing builtinRules:
// parsing YAML at run time was much of errtag's start-up. The test
// TestBuiltinPacked fails when it is out of date.
//go:generate go run ../yamlfile/gen -pkg rules -var builtinPacked -o builtin_packed.go builtin:rules.yaml=builtin.yaml

// BuiltinName is the file name the built-in rules are reported under.
const BuiltinName = "builtin:rules.yaml"

// AnySystem is the system of a generic rule: it runs only when the user names
// a system (--system), and its codes are attributed to that system.
const AnySystem = "*"

// Cue says what ties a rule's match to its system.
type Cue int

const (
	// CueCarrier: the carrier itself is the cue (a key set or a shape that
	// only this system uses). The rule always runs.
	CueCarrier Cue = iota
	// CueMarker: the line must contain one of the system's marker words,
	// unless the user named the system with --system.
	CueMarker
	// CueSystem: the rule runs only when the user named its system (or, for
	// AnySystem rules, any system) with --system.
	CueSystem
	// CueShape: the carrier is a shape other software writes too (a JSON
	// key set, an XML element). The rule always runs, but on a line
	// without the system's marker, and when --system does not name the
	// system, a find counts only when its Corroboration holds.
	CueShape
)

var cueNames = map[string]Cue{"carrier": CueCarrier, "marker": CueMarker, "system": CueSystem, "shape": CueShape}

// String is the cue's name in rule files and in the annotation's cue field.
func (c Cue) String() string {
	switch c {
	case CueCarrier:
		return "carrier"
	case CueMarker:
		return "marker"
	case CueSystem:
		return "system"
	case CueShape:
		return "shape"
	}
	return fmt.Sprintf("Cue(%d)", int(c))
}

// Corroboration is what a shape rule's find needs, on a line that does not
// otherwise tie it to its system, to count: its code must be in the
// system's catalog and, with Message, the line's message must agree with
// the code's vendor message (catalog.MessageAgrees). A code the catalog
// lacks counts, as an unknown code, only when one of the Context words is
// on the line (as a whole word, like a marker).
type Corroboration struct {
	Message bool
	Context []string // lower case
}

// Kind is how a rule finds codes.
type Kind int

const (
	// KindRegex rules run a regular expression over text.
	KindRegex Kind = iota
	// KindJSON rules test every JSON object found in a line.
	KindJSON
	// KindNames rules find the system's catalog names as whole words.
	KindNames
	// KindCSV rules read columns of a line that is a CSV record (or
	// starts one).
	KindCSV
)

// CodeType says what a code looks like.
type CodeType int

const (
	// CodeInteger codes are integers, written as JSON numbers or strings.
	// A code is looked up as it is written when the catalog lists that
	// spelling (08006), and otherwise in canonical decimal (+12 and 007
	// are 12 and 7).
	CodeInteger CodeType = iota
	// CodeName codes are words kept exactly as written: letters, digits,
	// '_', '.' and '-' (symbolic names, SQLSTATEs such as 42P01).
	CodeName
)

// JSONSpec is the shape a JSON rule looks for in one object. Paths are gjson
// paths relative to the object.
type JSONSpec struct {
	Code           []string // first path present holds the code
	Message        []string // first path present holding a string is the message
	RequireMessage bool     // the object must have a message
	// KeysFold compares Code and Message, which are then plain keys,
	// with the object's keys ignoring case, '_', '-' and spaces: resultCode
	// also finds result_code, RESULT-CODE and "result code".
	KeysFold bool
	AllOf    []PathTest // every path must exist (with its type, if given)
	AnyOf    []PathTest // at least one path must exist (with its type, if given)
	NoneOf   []PathTest // no path may exist (with its type, if given)
	// Where are conditions on values: each path must hold one of its
	// values.
	Where []ValueCondition
	// TopLevel restricts the rule to the object that is the whole line:
	// no objects nested in it, embedded in text or held in strings.
	TopLevel bool
}

// PathTest is a path an object must (or must not) have: with Type set, a
// value of that JSON type (object, array, string, number, boolean, null).
type PathTest struct {
	Path string
	Type string
}

// String is the test as errtag test prints it: the path, and its type in
// parentheses when it has one.
func (p PathTest) String() string {
	if p.Type == "" {
		return p.Path
	}
	return p.Path + " (" + p.Type + ")"
}

// ValueCondition says that the value at Path (a gjson path, or a CSV
// column) must be one of Values: a string equal to one of them, or a
// number, true, false or null whose JSON text is one of them.
type ValueCondition struct {
	Path   string
	Column int // CSV: the column, from 0
	Values []string
}

// Holds reports whether v is one of c's values.
func (c *ValueCondition) Holds(v string) bool {
	for _, x := range c.Values {
		if x == v {
			return true
		}
	}
	return false
}

// CSVSpec is where a CSV rule finds the code in a line that is a CSV
// record, or the first line of one: columns counted from 0, separated by
// commas, quoted with '"' (a quote doubled inside). The code column and
// the Where columns must be complete on the line; the message column may
// go on to the following lines (a quoted field holding line breaks), and
// is then what the line holds of it.
type CSVSpec struct {
	Code    int
	Message int // -1 when none
	Where   []ValueCondition
}

// Rule is one compiled rule.
type Rule struct {
	ID     string
	System string // a catalog system, or AnySystem
	Cue    Cue
	// UnlessMarked skips the rule on lines that carry another system's
	// marker: then that system's rules apply instead.
	UnlessMarked bool
	// Marks makes a find of this rule tie the whole line to its system,
	// as the system's marker would: a Volt MX error object marks its
	// nested intermediate errors as Volt MX's.
	Marks bool
	// Fallback makes the rule's finds count only on lines where no other
	// rule of its system found a code: message templates for lines that
	// carry no code, which must not contradict a code the line carries.
	Fallback bool
	// Corroborate is set for a CueShape rule (and only for one).
	Corroborate  *Corroboration
	Kind         Kind
	CodeType     CodeType
	Regexp       *regexp.Regexp // KindRegex
	CodeGroup    int            // submatch index of "code", or -1 (Code or Templates give it)
	MessageGroup int            // submatch index of "message", or -1
	// Code, when not "", is the code of every find of a regex rule
	// without a code group (code: or name: in the file), in the
	// catalog's spelling.
	Code string
	// Templates, when set, give a regex rule without a code group its
	// code from the message its message group holds (messages: in the
	// file).
	Templates *Templates
	JSON      *JSONSpec // KindJSON
	CSV       *CSVSpec  // KindCSV
	// Exclude lists lower-case words and phrases that veto the rule: on
	// a line containing any of them as a whole word (ignoring ASCII case)
	// the rule does not run. For numbers that look like the system's
	// codes but belong to something else on the same line (Android's
	// ActivityManager result codes on a line naming a Knox package).
	Exclude []string
	// ExcludeRegex, when set, vetoes the rule on a line it matches: for
	// another software's line layouts (Drupal core's syslog records).
	ExcludeRegex *regexp.Regexp
	// NotAfter lists lower-case words that name another kind of code
	// (HTTP, exit, SQL...): a regex rule's match right after one of them
	// ("HTTP error code: 503") is that code, not the system's.
	NotAfter []string
	// QualifiedBy, for a names rule, are the prefixes that make a name
	// the system's (Drupal.Error.OBJECT_NOT_FOUND): a name without one
	// ties nothing on its own.
	QualifiedBy []string
	// Literals are lower-case strings of which at least one occurs
	// (case-insensitively) in any text the rule matches: the prefilter.
	Literals []string
	// ExactLiterals, when set, are the same literals in the exact case
	// every match has (a case-sensitive regex, a JSON key): a sharper and
	// cheaper prefilter.
	ExactLiterals []string
	File          string
	Line          int
	// replace: the rule replaces the earlier rule of its id.
	replace bool
	// notAfterDefault: NotAfter is DefaultNotAfter (the rule gave none).
	notAfterDefault bool
}

// Where is the rule's location, FILE:LINE.
func (r *Rule) Where() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// Set is a compiled, read-only set of rules and system markers.
type Set struct {
	Rules []*Rule
	// Markers holds each system's marker words, lower case.
	Markers map[string][]string
	// MarkerExceptions holds, per system, phrases (lower case) that
	// contain one of its markers but name something else (Apache Knox,
	// Fort Knox, DrupalCon): a marker inside one of them does not count.
	MarkerExceptions map[string][]string
	// Off lists the rules that a later file switched off (disable:) or
	// replaced (replace: true), in the order that happened.
	Off []Off
	// Warnings are problems that do not stop errtag but make a rule
	// unable to find what it is meant to (a code type that cannot give
	// the catalog's codes), in file order.
	Warnings []*yamlfile.Error
}

// Off is a rule that does not run, and why.
type Off struct {
	Rule *Rule
	// By is the FILE:LINE of the disable entry, or of the rule that
	// replaced it.
	By string
	// Replaced is true when a rule of the same id replaced it.
	Replaced bool
	// Reason is the disable entry's reason, if it gave one.
	Reason string
}

// String says in words what became of the rule.
func (o Off) String() string {
	what := "disabled at " + o.By
	if o.Replaced {
		what = "replaced by the rule at " + o.By
	}
	if o.Reason != "" {
		what += ": " + o.Reason
	}
	return what
}

// Source is a rule file's name and contents. Disable, when set, switches
// off rules of the sources before it, as a file's disable: list would
// (the config file's; see ParseDisable); Data may then be nil.
type Source struct {
	Name    string
	Data    []byte
	Disable []Disable
	// packed, when set, is Data parsed and packed (the built-in rules).
	packed *yamlfile.Packed
}

// Builtin returns the source of the built-in rules.
func Builtin() Source {
	return Source{Name: BuiltinName, Data: builtinRules, packed: builtinPacked[0]}
}

// ReadFiles reads rule files from disk.
func ReadFiles(paths []string) ([]Source, error) {
	out := make([]Source, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, &fsmsg.FileError{What: "rules file", Name: p, Err: err}
		}
		out = append(out, Source{Name: p, Data: data})
	}
	return out, nil
}

// Compile parses and checks the sources in order against cat and returns the
// compiled set. Markers from later files add to earlier ones; rule ids must
// be unique across all files, unless a rule replaces the earlier rule of
// its id (replace: true); a file's disable: list switches off rules of the
// files before it. The first problem found is returned as
// "FILE:LINE: rule "id": what is wrong". Problems that do not stop errtag
// are in the set's Warnings.
func Compile(cat *catalog.Catalog, sources ...Source) (*Set, error) {
	set := &Set{Markers: map[string][]string{}}
	ids := map[string]*Rule{}
	for _, src := range sources {
		if src.Data != nil || src.Disable == nil {
			if err := compileFile(cat, src, set, ids); err != nil {
				return nil, err
			}
		}
		if err := set.disable(src.Disable); err != nil {
			return nil, err
		}
	}
	set.ownWordsNotAfter()
	set.Warnings = append(set.Warnings, codeWarnings(cat, set.Rules)...)
	return set, nil
}

// ownWordsNotAfter takes a system's own marker words out of the default
// not_after list of its rules: "postgres sqlstate=08006" is PostgreSQL's
// code on a PostgreSQL line, whatever other systems' rules make of the
// word.
func (set *Set) ownWordsNotAfter() {
	for _, r := range set.Rules {
		if !r.notAfterDefault {
			continue
		}
		r.NotAfter = slices.DeleteFunc(r.NotAfter, func(w string) bool {
			return slices.ContainsFunc(set.Markers[r.System], func(mk string) bool { return strings.Contains(mk, w) })
		})
	}
}

func compileFile(cat *catalog.Catalog, src Source, set *Set, ids map[string]*Rule) error {
	file := src.Name
	var root *yaml.Node
	var err error
	if src.packed != nil {
		root, err = src.packed.Unpack()
	} else {
		root, err = yamlfile.Parse(file, src.Data)
	}
	if err != nil {
		return err
	}
	f, err := yamlfile.Fields(file, root, "markers", "marker_exceptions", "disable", "rules")
	if err != nil {
		return err
	}
	if m, ok := f["markers"]; ok {
		if err := set.addMarkers(cat, file, m); err != nil {
			return err
		}
	}
	if m, ok := f["marker_exceptions"]; ok {
		if err := set.addMarkerExceptions(cat, file, m); err != nil {
			return err
		}
	}
	var disables []Disable
	if d, ok := f["disable"]; ok {
		if disables, err = ParseDisable(file, d); err != nil {
			return err
		}
	}
	// The file's disable: list applies to the files before it: not to
	// its own rules, which are added after.
	if err := set.disable(disables); err != nil {
		return err
	}
	list, ok := f["rules"]
	if !ok {
		if len(f) > 0 {
			return nil
		}
		return yamlfile.Errorf(file, root, "missing field \"rules\"")
	}
	if list.Kind != yaml.SequenceNode {
		return yamlfile.Errorf(file, list, "field \"rules\" must be a list, found %s", yamlfile.KindName(list))
	}
	for _, n := range list.Content {
		r, err := compileRule(cat, file, n)
		if err != nil {
			return err
		}
		if err := set.add(r, ids); err != nil {
			return err
		}
	}
	for _, r := range set.Rules {
		if r.Cue == CueMarker && len(set.Markers[r.System]) == 0 {
			return &yamlfile.Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("rule %q: cue is marker but system %s has no markers (add them under markers:)", r.ID, r.System)}
		}
	}
	return nil
}

// addMarkers reads a file's markers: mapping.
func (set *Set) addMarkers(cat *catalog.Catalog, file string, m *yaml.Node) error {
	mf, err := yamlfile.Fields(file, m, cat.Systems()...)
	if err != nil {
		return fmt.Errorf("%w (markers are given per catalog system: a system of your own needs its catalog too, --catalog FILE)", err)
	}
	for sys, n := range mf {
		words, err := yamlfile.Strings(file, "markers."+sys, n)
		if err != nil {
			return err
		}
		for _, w := range words {
			if len(strings.TrimSpace(w)) < 3 {
				return yamlfile.Errorf(file, n, "marker %q of %s is too short to be a safe cue (3 characters at least)", w, sys)
			}
			set.Markers[sys] = appendUnique(set.Markers[sys], strings.ToLower(w))
		}
	}
	return nil
}

// addMarkerExceptions reads a file's marker_exceptions: mapping: per
// system, phrases that contain one of its markers (given in this file or
// an earlier one) but name something else.
func (set *Set) addMarkerExceptions(cat *catalog.Catalog, file string, m *yaml.Node) error {
	mf, err := yamlfile.Fields(file, m, cat.Systems()...)
	if err != nil {
		return fmt.Errorf("%w (marker exceptions are given per catalog system)", err)
	}
	if set.MarkerExceptions == nil {
		set.MarkerExceptions = map[string][]string{}
	}
	for sys, n := range mf {
		phrases, err := yamlfile.Strings(file, "marker_exceptions."+sys, n)
		if err != nil {
			return err
		}
		for _, p := range phrases {
			p = strings.Join(strings.Fields(strings.ToLower(p)), " ")
			if len(p) < 3 {
				return yamlfile.Errorf(file, n, "marker exception %q of %s is too short (3 characters at least)", p, sys)
			}
			if !slices.ContainsFunc(set.Markers[sys], func(mk string) bool { return strings.Contains(p, mk) }) {
				return yamlfile.Errorf(file, n, "marker exception %q contains none of the markers of %s (%s): it could never apply", p, sys, strings.Join(set.Markers[sys], ", "))
			}
			set.MarkerExceptions[sys] = appendUnique(set.MarkerExceptions[sys], p)
		}
	}
	return nil
}

// add adds a compiled rule: a new id, or, with replace: true, in the place
// of the rule that has its id.
func (set *Set) add(r *Rule, ids map[string]*Rule) error {
	prev, dup := ids[r.ID]
	if !r.replace {
		if dup {
			return &yamlfile.Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("rule %q: id already used at %s (to replace that rule, give replace: true)", r.ID, prev.Where())}
		}
		ids[r.ID] = r
		set.Rules = append(set.Rules, r)
		return nil
	}
	i := slices.Index(set.Rules, prev)
	if !dup || i < 0 {
		why := "no rule before this one has the id"
		if dup {
			why = "the rule of that id (" + prev.Where() + ") was switched off"
		}
		return &yamlfile.Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("rule %q: replace: true, but %s", r.ID, why)}
	}
	if prev.File == r.File {
		return &yamlfile.Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("rule %q: id already used at %s in the same file (replace: true replaces a rule of an earlier file)", r.ID, prev.Where())}
	}
	set.Rules[i] = r
	ids[r.ID] = r
	set.Off = append(set.Off, Off{Rule: prev, By: r.Where(), Replaced: true})
	return nil
}
