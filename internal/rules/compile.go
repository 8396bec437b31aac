package rules

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/regexlit"
	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

var (
	ruleFields = []string{"id", "replace", "system", "cue", "corroborate", "unless_marked", "marks", "fallback", "exclude", "exclude_regex", "not_after", "qualified_by",
		"code_type", "regex", "literals", "json", "names", "csv", "code", "name", "messages"}
	corroFields = []string{"message", "context"}
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// codePattern is a catalog code (catalog.Add checks the same).
	codePattern = regexp.MustCompile(`^[^\s"]+$`)
)

func compileRule(cat *catalog.Catalog, file string, n *yaml.Node) (*Rule, error) {
	if n.Kind != yaml.MappingNode {
		return nil, yamlfile.Errorf(file, n, "a rule must be a mapping, found %s", yamlfile.KindName(n))
	}
	// Read the id first so that every later error can name the rule.
	c := &ruleCompiler{file: file, node: n, id: ruleID(n)}
	f, err := yamlfile.Fields(file, n, ruleFields...)
	if err != nil {
		return nil, c.wrap("", err)
	}
	c.f = f
	if c.id == "" || !idPattern.MatchString(c.id) {
		return nil, c.fail(n, "needs an id of letters, digits, '.', '_' or '-'")
	}
	c.r = &Rule{ID: c.id, File: file, Line: n.Line, MessageGroup: -1}
	for _, step := range []func(*catalog.Catalog) error{
		c.system, c.cue, c.flags, c.exclude, c.codeType, c.kind, c.statedCode, c.literals, c.corroboration,
		c.notAfter, c.qualifiedBy,
	} {
		if err := step(cat); err != nil {
			return nil, err
		}
	}
	return c.r, nil
}

// ruleID returns the value of a rule mapping's id field, "" if none.
func ruleID(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// ruleCompiler compiles one rule mapping, step by step; every error names
// the rule and its FILE:LINE.
type ruleCompiler struct {
	file string
	node *yaml.Node
	id   string
	f    map[string]*yaml.Node
	r    *Rule
}

// fail returns an error at node at, naming the rule.
func (c *ruleCompiler) fail(at *yaml.Node, format string, args ...any) error {
	return yamlfile.Errorf(c.file, at, "rule %q: %s", c.id, fmt.Sprintf(format, args...))
}

// wrap names the rule (and the part of it, when part is not "") in an
// error from yamlfile.
func (c *ruleCompiler) wrap(part string, err error) error {
	var ye *yamlfile.Error
	if !errors.As(err, &ye) {
		return err
	}
	msg := ye.Msg
	if part != "" {
		msg = part + ": " + msg
	}
	return &yamlfile.Error{File: ye.File, Line: ye.Line, Msg: fmt.Sprintf("rule %q: %s", c.id, msg)}
}

// boolField reads the optional boolean field name into dst.
func (c *ruleCompiler) boolField(name string, dst *bool) error {
	n, ok := c.f[name]
	if !ok {
		return nil
	}
	v, err := yamlfile.Bool(c.file, name, n)
	if err != nil {
		return c.fail(n, "%s must be true or false", name)
	}
	*dst = v
	return nil
}

func (c *ruleCompiler) system(cat *catalog.Catalog) error {
	n, ok := c.f["system"]
	if !ok {
		return c.fail(c.node, "missing field \"system\"")
	}
	c.r.System = n.Value
	if c.r.System != AnySystem && !cat.HasSystem(c.r.System) {
		return c.fail(n, "unknown system %q (known: %s, or %q for a generic rule)", c.r.System, strings.Join(cat.Systems(), ", "), AnySystem)
	}
	return nil
}

func (c *ruleCompiler) cue(*catalog.Catalog) error {
	c.r.Cue = CueCarrier
	n, given := c.f["cue"]
	if given {
		cue, known := cueNames[n.Value]
		if !known {
			return c.fail(n, "unknown cue %q (carrier, marker, shape or system)", n.Value)
		}
		c.r.Cue = cue
	}
	if c.r.System == AnySystem && c.r.Cue != CueSystem {
		if given {
			return c.fail(n, "a generic rule (system %q) runs only under --system: its cue must be \"system\"", AnySystem)
		}
		c.r.Cue = CueSystem
	}
	return nil
}

func (c *ruleCompiler) flags(*catalog.Catalog) error {
	if err := c.boolField("replace", &c.r.replace); err != nil {
		return err
	}
	if err := c.boolField("unless_marked", &c.r.UnlessMarked); err != nil {
		return err
	}
	if err := c.boolField("marks", &c.r.Marks); err != nil {
		return err
	}
	if err := c.boolField("fallback", &c.r.Fallback); err != nil {
		return err
	}
	if c.r.Fallback && c.r.System == AnySystem {
		return c.fail(c.f["fallback"], "a generic rule cannot be a fallback: its system is --system's")
	}
	switch mk := c.f["marks"]; {
	case c.r.Marks && c.r.System == AnySystem:
		return c.fail(mk, "a generic rule cannot mark a line")
	case c.r.Marks && c.r.Cue == CueShape:
		return c.fail(mk, "a shape rule cannot mark a line: other software writes the shape too")
	}
	return nil
}

func (c *ruleCompiler) exclude(*catalog.Catalog) error {
	words, err := c.wordList("exclude", "exclude word %q is too short")
	if err != nil {
		return err
	}
	c.r.Exclude = words
	n, ok := c.f["exclude_regex"]
	if !ok {
		return nil
	}
	expr, err := yamlfile.String(c.file, "exclude_regex", n)
	if err != nil {
		return c.fail(n, "exclude_regex must be a string")
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return c.fail(n, "bad exclude_regex: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	if re.MatchString("") {
		return c.fail(n, "exclude_regex %q matches every line", expr)
	}
	c.r.ExcludeRegex = re
	return nil
}

// notAfter reads not_after: the words that name other kinds of code, for
// a regex rule; a regex rule without it has DefaultNotAfter. An empty
// list switches the check off.
func (c *ruleCompiler) notAfter(*catalog.Catalog) error {
	n, ok := c.f["not_after"]
	if c.r.Kind != KindRegex {
		if ok {
			return c.fail(n, "not_after is for regex rules (the words before a text carrier)")
		}
		return nil
	}
	if !ok {
		c.r.NotAfter, c.r.notAfterDefault = DefaultNotAfter(), true
		return nil
	}
	list, err := yamlfile.Strings(c.file, "not_after", n)
	if err != nil {
		return c.fail(n, "not_after must be a list of words")
	}
	out := []string{}
	for _, w := range list {
		if !isPlainWord(w) {
			return c.fail(n, "not_after: %q is not a word (letters and digits)", w)
		}
		out = appendUnique(out, strings.ToLower(w))
	}
	c.r.NotAfter = out
	return nil
}

// qualifiedBy reads qualified_by, the prefixes that make a names rule's
// names count (Drupal.Error.OBJECT_NOT_FOUND).
func (c *ruleCompiler) qualifiedBy(*catalog.Catalog) error {
	n, ok := c.f["qualified_by"]
	if !ok {
		return nil
	}
	if c.r.Kind != KindNames {
		return c.fail(n, "qualified_by is for names rules")
	}
	words, err := c.wordList("qualified_by", "qualifier %q is too short")
	c.r.QualifiedBy = words
	return err
}

// isPlainWord reports whether w is a non-empty run of ASCII letters and
// digits.
func isPlainWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		ch := w[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9') {
			return false
		}
	}
	return true
}

// wordList reads the optional list of words field name, each 3 characters
// or more (tooShort is the message for one that is not, with %q for it),
// lower-cased, once.
func (c *ruleCompiler) wordList(name, tooShort string) ([]string, error) {
	n, ok := c.f[name]
	if !ok {
		return nil, nil
	}
	list, err := yamlfile.Strings(c.file, name, n)
	if err != nil {
		return nil, c.fail(n, "%s must be a list of strings", name)
	}
	var out []string
	for _, w := range list {
		if len(w) < 3 {
			return nil, c.fail(n, tooShort+" (3 characters at least)", w)
		}
		out = appendUnique(out, strings.ToLower(w))
	}
	return out, nil
}

func (c *ruleCompiler) codeType(*catalog.Catalog) error {
	n, ok := c.f["code_type"]
	if !ok {
		return nil
	}
	switch n.Value {
	case "integer":
		c.r.CodeType = CodeInteger
	case "name":
		c.r.CodeType = CodeName
	default:
		return c.fail(n, "unknown code_type %q (integer or name)", n.Value)
	}
	return nil
}

func (c *ruleCompiler) kind(*catalog.Catalog) error {
	kinds := 0
	for _, k := range []string{"regex", "json", "names", "csv"} {
		if _, ok := c.f[k]; ok {
			kinds++
		}
	}
	if kinds != 1 {
		return c.fail(c.node, "give exactly one of regex, json, csv or names")
	}
	switch {
	case c.f["regex"] != nil:
		return c.compileRegex(c.f["regex"])
	case c.f["json"] != nil:
		return c.compileJSON(c.f["json"])
	case c.f["csv"] != nil:
		return c.compileCSV(c.f["csv"])
	}
	return c.compileNames(c.f["names"])
}

// statedCode reads what gives a regex rule without a code group its code:
// code: (the code itself), name: (the catalog's name for it) or
// messages: (message templates, each naming its code).
func (c *ruleCompiler) statedCode(cat *catalog.Catalog) error {
	r := c.r
	var given []string
	for _, k := range []string{"code", "name", "messages"} {
		if _, ok := c.f[k]; ok {
			given = append(given, k)
		}
	}
	switch {
	case r.Kind != KindRegex:
		if len(given) > 0 {
			return c.fail(c.f[given[0]], "%s is for regex rules (the code is read from the line otherwise)", given[0])
		}
		return nil
	case r.CodeGroup >= 0:
		if len(given) > 0 {
			return c.fail(c.f[given[0]], "the regex has a (?P<code>...) group, which gives the code: drop %s", given[0])
		}
		return nil
	case len(given) == 0:
		return c.fail(c.f["regex"], "regex has no named group (?P<code>...): add one, or state the code with code:, name: or messages:")
	case len(given) > 1:
		return c.fail(c.f[given[1]], "give one of code, name or messages, not %s", strings.Join(given, " and "))
	case r.System == AnySystem:
		return c.fail(c.f[given[0]], "a generic rule (system %q) reads its code from the line: its regex needs a (?P<code>...) group", AnySystem)
	}
	if ct, ok := c.f["code_type"]; ok {
		return c.fail(ct, "code_type is for codes read from the line; this rule states its code")
	}
	switch given[0] {
	case "code":
		n := c.f["code"]
		code, err := yamlfile.String(c.file, "code", n)
		if err != nil || !codePattern.MatchString(code) {
			return c.fail(n, "code must be one word, quoted as the catalog spells it (code: \"23505\")")
		}
		r.Code = code
	case "name":
		n := c.f["name"]
		code, err := c.codeOfName(cat, n)
		if err != nil {
			return err
		}
		r.Code = code
	default:
		if r.MessageGroup < 0 {
			return c.fail(c.f["messages"], "messages are matched against the line's message: the regex needs a (?P<message>...) group")
		}
		t, err := c.compileTemplates(cat, c.f["messages"])
		if err != nil {
			return err
		}
		r.Templates = t
	}
	return nil
}

// codeOfName returns the code the rule's system's catalog names as n
// says.
func (c *ruleCompiler) codeOfName(cat *catalog.Catalog, n *yaml.Node) (string, error) {
	name, err := yamlfile.String(c.file, "name", n)
	if err != nil {
		return "", c.fail(n, "name must be a catalog name (name: UNIQUE_VIOLATION)")
	}
	e, ok := cat.ByName(c.r.System, name)
	if !ok {
		return "", c.fail(n, "no code of %s is named %q (errtag catalog --system %s lists the names)", c.r.System, name, c.r.System)
	}
	return e.Code, nil
}

// literals reads literals:, which replace the ones derived from the rule,
// and checks that the rule has some.
func (c *ruleCompiler) literals(*catalog.Catalog) error {
	if _, ok := c.f["literals"]; ok {
		words, err := c.wordList("literals", "literal %q is too short to prefilter on")
		if err != nil {
			return err
		}
		c.r.Literals, c.r.ExactLiterals = words, nil
	}
	if len(c.r.Literals) == 0 && c.r.Kind != KindNames {
		return c.fail(c.node, "no literal text of 3 characters or more that every match must contain; the prefilter needs one: add literals: [...]")
	}
	return nil
}

// corroboration reads corroborate:, which a shape rule may have (with
// none, a find needs only its code in the catalog) and no other rule may.
func (c *ruleCompiler) corroboration(*catalog.Catalog) error {
	r := c.r
	n, given := c.f["corroborate"]
	if r.Cue != CueShape {
		if given {
			return c.fail(n, "corroborate is for a shared shape: give cue: shape")
		}
		return nil
	}
	if r.Kind == KindNames {
		return c.fail(c.f["cue"], "a names rule needs a cue of marker or system")
	}
	co := &Corroboration{}
	r.Corroborate = co
	if !given {
		return nil
	}
	cf, err := yamlfile.Fields(c.file, n, corroFields...)
	if err != nil {
		return c.wrap("corroborate", err)
	}
	if m, ok := cf["message"]; ok {
		if co.Message, err = yamlfile.Bool(c.file, "corroborate.message", m); err != nil {
			return c.fail(m, "corroborate.message must be true or false")
		}
		if co.Message && r.MessageGroup < 0 && (r.JSON == nil || len(r.JSON.Message) == 0) {
			return c.fail(m, "corroborate.message needs the line's message: a (?P<message>...) group or json.message")
		}
	}
	if x, ok := cf["context"]; ok {
		words, err := yamlfile.Strings(c.file, "corroborate.context", x)
		if err != nil {
			return c.fail(x, "corroborate.context must be a list of strings")
		}
		for _, w := range words {
			if len(strings.TrimSpace(w)) < 3 {
				return c.fail(x, "context word %q is too short to be a safe cue (3 characters at least)", w)
			}
			co.Context = appendUnique(co.Context, strings.ToLower(w))
		}
	}
	return nil
}

func (c *ruleCompiler) compileRegex(n *yaml.Node) error {
	r := c.r
	expr, err := yamlfile.String(c.file, "regex", n)
	if err != nil {
		return c.fail(n, "regex must be a string")
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return c.fail(n, "bad regex: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	r.Kind = KindRegex
	r.Regexp = re
	r.CodeGroup = re.SubexpIndex("code")
	r.MessageGroup = re.SubexpIndex("message")
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return c.fail(n, "bad regex: %v", err)
	}
	r.Literals, r.ExactLiterals = regexlit.Literals(parsed.Simplify())
	for _, l := range r.Literals {
		if len(l) < 3 {
			r.Literals, r.ExactLiterals = nil, nil
			break
		}
	}
	return nil
}

func (c *ruleCompiler) compileNames(n *yaml.Node) error {
	r, fail := c.r, c.fail
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
