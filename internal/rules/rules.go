// Package rules compiles errtag's rule files: each rule says where a log line
// carries an error code (a regular expression, a JSON object shape, or the
// catalog's constant names) and which system it belongs to, and under which
// cue the attribution is safe. Rules are compiled once at start-up into a
// read-only Set that the matcher runs; see docs/FORMATS.md for the format.
package rules

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

//go:embed builtin.yaml
var builtinRules []byte

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
	return "unknown"
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
)

// CodeType says what a code looks like.
type CodeType int

const (
	// CodeInteger codes are integers, written as JSON numbers or strings.
	CodeInteger CodeType = iota
	// CodeName codes are symbolic names (letters, digits, '_', '.', '-').
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
	AllOf    []string // every path must exist
	AnyOf    []string // at least one path must exist
	NoneOf   []string // no path may exist
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
	// Corroborate is set for a CueShape rule (and only for one).
	Corroborate  *Corroboration
	Kind         Kind
	CodeType     CodeType
	Regexp       *regexp.Regexp // KindRegex
	CodeGroup    int            // submatch index of "code"
	MessageGroup int            // submatch index of "message", or -1
	JSON         *JSONSpec      // KindJSON
	// Exclude lists lower-case words that veto the rule: on a line
	// containing any of them (ignoring ASCII case) the rule does not run.
	// For numbers that look like the system's codes but belong to
	// something else on the same line (Android's ActivityManager result
	// codes on a line naming a Knox package).
	Exclude []string
	// Literals are lower-case strings of which at least one occurs
	// (case-insensitively) in any text the rule matches: the prefilter.
	Literals []string
	// Lead, for a regex rule, is how many bytes a match can start before
	// its literal (Literals), or -1 when that is not bounded: the regex
	// can then be tried only at the few starts before each literal
	// occurrence, with AnchoredAt: the regex anchored at the start of its
	// input, after one byte of context that \b and the like look at.
	Lead       int
	AnchoredAt *regexp.Regexp
	// ExactLiterals, when set, are the same literals in the exact case
	// every match has (a case-sensitive regex, a JSON key): a sharper and
	// cheaper prefilter.
	ExactLiterals []string
	File          string
	Line          int
}

// Where is the rule's location, FILE:LINE.
func (r *Rule) Where() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// Set is a compiled, read-only set of rules and system markers.
type Set struct {
	Rules []*Rule
	// Markers holds each system's marker words, lower case.
	Markers map[string][]string
}

// Source is a rule file's name and contents.
type Source struct {
	Name string
	Data []byte
}

// Builtin returns the source of the built-in rules.
func Builtin() Source { return Source{Name: BuiltinName, Data: builtinRules} }

// ReadFiles reads rule files from disk.
func ReadFiles(paths []string) ([]Source, error) {
	out := make([]Source, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		out = append(out, Source{Name: p, Data: data})
	}
	return out, nil
}

// Compile parses and checks the sources in order against cat and returns the
// compiled set. Markers from later files add to earlier ones; rule ids must
// be unique across all files. The first problem found is returned as
// "FILE:LINE: rule "id": what is wrong".
func Compile(cat *catalog.Catalog, sources ...Source) (*Set, error) {
	set := &Set{Markers: map[string][]string{}}
	ids := map[string]*Rule{}
	for _, src := range sources {
		if err := compileFile(cat, src, set, ids); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func compileFile(cat *catalog.Catalog, src Source, set *Set, ids map[string]*Rule) error {
	file := src.Name
	root, err := yamlfile.Parse(file, src.Data)
	if err != nil {
		return err
	}
	f, err := yamlfile.Fields(file, root, "markers", "rules")
	if err != nil {
		return err
	}
	if m, ok := f["markers"]; ok {
		mf, err := yamlfile.Fields(file, m, cat.Systems()...)
		if err != nil {
			return fmt.Errorf("%w (markers are given per catalog system)", err)
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
	}
	list, ok := f["rules"]
	if !ok {
		if _, hasMarkers := f["markers"]; hasMarkers {
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
		if prev, dup := ids[r.ID]; dup {
			return yamlfile.Errorf(file, n, "rule %q: id already used at %s", r.ID, prev.Where())
		}
		ids[r.ID] = r
		set.Rules = append(set.Rules, r)
	}
	for _, r := range set.Rules {
		if r.Cue == CueMarker && len(set.Markers[r.System]) == 0 {
			return &yamlfile.Error{File: r.File, Line: r.Line, Msg: fmt.Sprintf("rule %q: cue is marker but system %s has no markers (add them under markers:)", r.ID, r.System)}
		}
	}
	return nil
}

var (
	ruleFields  = []string{"id", "system", "cue", "corroborate", "unless_marked", "marks", "exclude", "code_type", "regex", "literals", "json", "names"}
	jsonFields  = []string{"code", "message", "require_message", "keys_fold", "all_of", "any_of", "none_of"}
	corroFields = []string{"message", "context"}
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

func compileRule(cat *catalog.Catalog, file string, n *yaml.Node) (*Rule, error) {
	if n.Kind != yaml.MappingNode {
		return nil, yamlfile.Errorf(file, n, "a rule must be a mapping, found %s", yamlfile.KindName(n))
	}
	// Read the id first so that every later error can name the rule.
	id := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" {
			id = n.Content[i+1].Value
		}
	}
	fail := func(at *yaml.Node, format string, args ...any) error {
		return yamlfile.Errorf(file, at, "rule %q: %s", id, fmt.Sprintf(format, args...))
	}
	f, err := yamlfile.Fields(file, n, ruleFields...)
	if err != nil {
		e := err.(*yamlfile.Error)
		e.Msg = fmt.Sprintf("rule %q: %s", id, e.Msg)
		return nil, e
	}
	if id == "" || !idPattern.MatchString(id) {
		return nil, fail(n, "needs an id of letters, digits, '.', '_' or '-'")
	}
	r := &Rule{ID: id, File: file, Line: n.Line, MessageGroup: -1, Lead: unbounded}
	sysNode, ok := f["system"]
	if !ok {
		return nil, fail(n, "missing field \"system\"")
	}
	r.System = sysNode.Value
	if r.System != AnySystem && !cat.HasSystem(r.System) {
		return nil, fail(sysNode, "unknown system %q (known: %s, or %q for a generic rule)", r.System, strings.Join(cat.Systems(), ", "), AnySystem)
	}
	r.Cue = CueCarrier
	if c, ok := f["cue"]; ok {
		cue, known := cueNames[c.Value]
		if !known {
			return nil, fail(c, "unknown cue %q (carrier, marker, shape or system)", c.Value)
		}
		r.Cue = cue
	}
	if r.System == AnySystem && r.Cue != CueSystem {
		if _, given := f["cue"]; given {
			return nil, fail(f["cue"], "a generic rule (system %q) runs only under --system: its cue must be \"system\"", AnySystem)
		}
		r.Cue = CueSystem
	}
	if u, ok := f["unless_marked"]; ok {
		if r.UnlessMarked, err = yamlfile.Bool(file, "unless_marked", u); err != nil {
			return nil, fail(u, "unless_marked must be true or false")
		}
	}
	if mk, ok := f["marks"]; ok {
		if r.Marks, err = yamlfile.Bool(file, "marks", mk); err != nil {
			return nil, fail(mk, "marks must be true or false")
		}
		if r.Marks && r.System == AnySystem {
			return nil, fail(mk, "a generic rule cannot mark a line")
		}
		if r.Marks && r.Cue == CueShape {
			return nil, fail(mk, "a shape rule cannot mark a line: other software writes the shape too")
		}
	}
	if x, ok := f["exclude"]; ok {
		words, err := yamlfile.Strings(file, "exclude", x)
		if err != nil {
			return nil, fail(x, "exclude must be a list of strings")
		}
		for _, w := range words {
			if len(w) < 3 {
				return nil, fail(x, "exclude word %q is too short (3 characters at least)", w)
			}
			r.Exclude = appendUnique(r.Exclude, strings.ToLower(w))
		}
	}
	if ct, ok := f["code_type"]; ok {
		switch ct.Value {
		case "integer":
			r.CodeType = CodeInteger
		case "name":
			r.CodeType = CodeName
		default:
			return nil, fail(ct, "unknown code_type %q (integer or name)", ct.Value)
		}
	}
	kinds := 0
	for _, k := range []string{"regex", "json", "names"} {
		if _, ok := f[k]; ok {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, fail(n, "give exactly one of regex, json or names")
	}
	switch {
	case f["regex"] != nil:
		err = compileRegex(r, file, f, fail)
	case f["json"] != nil:
		err = compileJSON(r, file, f["json"], fail)
	default:
		err = compileNames(r, f["names"], fail)
	}
	if err != nil {
		return nil, err
	}
	if l, ok := f["literals"]; ok {
		words, err := yamlfile.Strings(file, "literals", l)
		if err != nil {
			return nil, fail(l, "literals must be a list of strings")
		}
		r.Literals, r.ExactLiterals, r.Lead, r.AnchoredAt = nil, nil, unbounded, nil
		for _, w := range words {
			if len(w) < 3 {
				return nil, fail(l, "literal %q is too short to prefilter on (3 characters at least)", w)
			}
			r.Literals = appendUnique(r.Literals, strings.ToLower(w))
		}
	}
	if len(r.Literals) == 0 && r.Kind != KindNames {
		return nil, fail(n, "no literal text of 3 characters or more that every match must contain; the prefilter needs one: add literals: [...]")
	}
	if err := compileCorroboration(r, file, f, fail); err != nil {
		return nil, err
	}
	return r, nil
}

// compileCorroboration reads corroborate:, which a shape rule may have
// (with none, a find needs only its code in the catalog) and no other rule
// may.
func compileCorroboration(r *Rule, file string, f map[string]*yaml.Node, fail failFunc) error {
	n, given := f["corroborate"]
	if r.Cue != CueShape {
		if given {
			return fail(n, "corroborate is for a shared shape: give cue: shape")
		}
		return nil
	}
	if r.Kind == KindNames {
		return fail(f["cue"], "a names rule needs a cue of marker or system")
	}
	c := &Corroboration{}
	r.Corroborate = c
	if !given {
		return nil
	}
	cf, err := yamlfile.Fields(file, n, corroFields...)
	if err != nil {
		e := err.(*yamlfile.Error)
		e.Msg = fmt.Sprintf("rule %q: corroborate: %s", r.ID, e.Msg)
		return e
	}
	if m, ok := cf["message"]; ok {
		if c.Message, err = yamlfile.Bool(file, "corroborate.message", m); err != nil {
			return fail(m, "corroborate.message must be true or false")
		}
		if c.Message && r.MessageGroup < 0 && (r.JSON == nil || len(r.JSON.Message) == 0) {
			return fail(m, "corroborate.message needs the line's message: a (?P<message>...) group or json.message")
		}
	}
	if x, ok := cf["context"]; ok {
		words, err := yamlfile.Strings(file, "corroborate.context", x)
		if err != nil {
			return fail(x, "corroborate.context must be a list of strings")
		}
		for _, w := range words {
			if len(strings.TrimSpace(w)) < 3 {
				return fail(x, "context word %q is too short to be a safe cue (3 characters at least)", w)
			}
			c.Context = appendUnique(c.Context, strings.ToLower(w))
		}
	}
	return nil
}

type failFunc func(at *yaml.Node, format string, args ...any) error

func compileRegex(r *Rule, file string, f map[string]*yaml.Node, fail failFunc) error {
	n := f["regex"]
	expr, err := yamlfile.String(file, "regex", n)
	if err != nil {
		return fail(n, "regex must be a string")
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return fail(n, "bad regex: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	r.Kind = KindRegex
	r.Regexp = re
	r.CodeGroup = re.SubexpIndex("code")
	if r.CodeGroup < 0 {
		return fail(n, "regex has no named group (?P<code>...)")
	}
	r.MessageGroup = re.SubexpIndex("message")
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return fail(n, "bad regex: %v", err)
	}
	simple := parsed.Simplify()
	lits, _ := requiredLiterals(simple)
	r.Literals, r.ExactLiterals = splitLiterals(lits)
	r.Lead = literalLead(simple)
	if r.Lead >= 0 && !repeatsStopAt(simple, literalStarts(r.Literals)) {
		// Attempts started at each literal could each scan the rest of
		// the text: leave the search to the regexp package, linear.
		r.Lead = unbounded
	}
	if r.Lead >= 0 {
		// The wrapping groups capture nothing: submatch numbers stay.
		r.AnchoredAt = regexp.MustCompile(`^(?s:.)(?:` + expr + `)`)
	}
	for _, l := range r.Literals {
		if len(l) < 3 {
			r.Literals, r.ExactLiterals = nil, nil
			break
		}
	}
	return nil
}

func compileJSON(r *Rule, file string, n *yaml.Node, fail failFunc) error {
	f, err := yamlfile.Fields(file, n, jsonFields...)
	if err != nil {
		e := err.(*yamlfile.Error)
		e.Msg = fmt.Sprintf("rule %q: json: %s", r.ID, e.Msg)
		return e
	}
	spec := &JSONSpec{}
	paths := map[string]*[]string{"code": &spec.Code, "message": &spec.Message, "all_of": &spec.AllOf, "any_of": &spec.AnyOf, "none_of": &spec.NoneOf}
	for k, dst := range paths {
		v, ok := f[k]
		if !ok {
			continue
		}
		list, err := yamlfile.Strings(file, "json."+k, v)
		if err != nil {
			return fail(v, "json.%s must be a path or a list of paths", k)
		}
		for _, p := range list {
			if err := checkPath(p); err != nil {
				return fail(v, "json.%s: bad path %q: %v", k, p, err)
			}
		}
		*dst = list
	}
	if len(spec.Code) == 0 {
		return fail(n, "json rule needs code: the path of the code")
	}
	if rm, ok := f["require_message"]; ok {
		if spec.RequireMessage, err = yamlfile.Bool(file, "require_message", rm); err != nil {
			return fail(rm, "json.require_message must be true or false")
		}
		if spec.RequireMessage && len(spec.Message) == 0 {
			return fail(rm, "json.require_message needs json.message")
		}
	}
	if kf, ok := f["keys_fold"]; ok {
		if spec.KeysFold, err = yamlfile.Bool(file, "keys_fold", kf); err != nil {
			return fail(kf, "json.keys_fold must be true or false")
		}
		for _, p := range append(append([]string{}, spec.Code...), spec.Message...) {
			if strings.ContainsAny(p, `.*?#@|\`) {
				return fail(kf, "json.keys_fold compares plain keys; %q is a path", p)
			}
		}
	}
	r.Kind = KindJSON
	r.JSON = spec
	if spec.KeysFold {
		// Every spelling holds the key's longest word, in some case.
		for _, p := range spec.Code {
			w := longestWord(p)
			if len(w) < 3 {
				return fail(f["code"], "code key %q has no word of 3 letters or more to prefilter on", p)
			}
			r.Literals = appendUnique(r.Literals, strings.ToLower(w))
		}
		return nil
	}
	// A JSON object holding the code holds its key: the last element of each
	// code path is the prefilter.
	for _, p := range spec.Code {
		key := p
		if i := strings.LastIndexByte(p, '.'); i >= 0 {
			key = p[i+1:]
		}
		key = strings.ReplaceAll(key, `\`, "")
		if len(key) < 3 || strings.ContainsAny(key, "*?#@|") {
			return fail(f["code"], "code path %q must end in a plain key of 3 characters or more", p)
		}
		r.Literals = appendUnique(r.Literals, strings.ToLower(key))
		r.ExactLiterals = appendUnique(r.ExactLiterals, key)
	}
	return nil
}

// FoldKey is how keys_fold compares keys: lower case, without '_', '-' and
// spaces.
func FoldKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// longestWord returns the longest word of a key written in camelCase,
// snake_case, kebab-case or with spaces.
func longestWord(k string) string {
	best, start := "", 0
	for i := 0; i <= len(k); i++ {
		end := i == len(k) || k[i] == '_' || k[i] == '-' || k[i] == ' ' ||
			(i > start && 'A' <= k[i] && k[i] <= 'Z' && 'a' <= k[i-1] && k[i-1] <= 'z')
		if !end {
			continue
		}
		if w := k[start:i]; len(w) > len(best) {
			best = w
		}
		start = i
		if i < len(k) && (k[i] == '_' || k[i] == '-' || k[i] == ' ') {
			start = i + 1
		}
	}
	return best
}

// checkPath rejects gjson paths that cannot name a key of an object.
func checkPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty")
	case strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, ".."):
		return fmt.Errorf("empty path element")
	case strings.ContainsAny(p, " \t\n"):
		return fmt.Errorf("white space in a path")
	case strings.HasPrefix(p, "@"):
		return fmt.Errorf("modifiers are not supported")
	}
	return nil
}

func compileNames(r *Rule, n *yaml.Node, fail failFunc) error {
	var on bool
	if n.Decode(&on) != nil || !on {
		return fail(n, "names must be true")
	}
	if r.System == AnySystem {
		return fail(n, "a names rule needs a catalog system")
	}
	if r.Cue == CueCarrier {
		return fail(n, "a names rule needs a cue (marker or system): names alone are too common")
	}
	r.Kind = KindNames
	r.CodeType = CodeName
	return nil
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
