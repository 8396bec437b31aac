package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

var jsonFields = []string{"code", "message", "require_message", "keys_fold", "all_of", "any_of", "none_of", "where", "top_level"}

func (c *ruleCompiler) compileJSON(n *yaml.Node) error {
	f, err := yamlfile.Fields(c.file, n, jsonFields...)
	if err != nil {
		return c.wrap("json", err)
	}
	spec := &JSONSpec{}
	if err := c.jsonPaths(f, spec); err != nil {
		return err
	}
	if len(spec.Code) == 0 {
		return c.fail(n, "json rule needs code: the path of the code")
	}
	if err := c.jsonFlags(f, spec); err != nil {
		return err
	}
	if w, ok := f["where"]; ok {
		if spec.Where, err = c.valueConditions("json.where", w, false); err != nil {
			return err
		}
	}
	c.r.Kind = KindJSON
	c.r.JSON = spec
	return c.jsonLiterals(f["code"], spec)
}

// jsonPaths reads the JSON rule's paths.
func (c *ruleCompiler) jsonPaths(f map[string]*yaml.Node, spec *JSONSpec) error {
	for _, k := range []string{"all_of", "any_of", "none_of"} {
		dst := map[string]*[]PathTest{"all_of": &spec.AllOf, "any_of": &spec.AnyOf, "none_of": &spec.NoneOf}[k]
		if v, ok := f[k]; ok {
			tests, err := c.pathTests("json."+k, v)
			if err != nil {
				return err
			}
			*dst = tests
		}
	}
	for _, k := range []string{"code", "message"} {
		dst := map[string]*[]string{"code": &spec.Code, "message": &spec.Message}[k]
		v, ok := f[k]
		if !ok {
			continue
		}
		list, err := yamlfile.Strings(c.file, "json."+k, v)
		if err != nil {
			return c.fail(v, "json.%s must be a path or a list of paths", k)
		}
		for _, p := range list {
			if err := checkPath(p); err != nil {
				return c.fail(v, "json.%s: bad path %q: %v", k, p, err)
			}
		}
		*dst = list
	}
	return nil
}

// jsonTypes are the types a path test may ask for.
var jsonTypes = []string{"object", "array", "string", "number", "boolean", "null"}

// pathTests reads an all_of, any_of or none_of list: each entry a path, or
// a mapping {path: P, type: T} asking for a value of JSON type T.
func (c *ruleCompiler) pathTests(field string, n *yaml.Node) ([]PathTest, error) {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []PathTest
	for _, item := range items {
		var t PathTest
		switch item.Kind {
		case yaml.ScalarNode:
			t.Path = item.Value
		case yaml.MappingNode:
			f, err := yamlfile.Fields(c.file, item, "path", "type")
			if err != nil {
				return nil, c.wrap(field, err)
			}
			p, ok := f["path"]
			if !ok {
				return nil, c.fail(item, "%s: an entry {path, type} needs its path", field)
			}
			t.Path = p.Value
			if ty, ok := f["type"]; ok {
				if !slices.Contains(jsonTypes, ty.Value) {
					return nil, c.fail(ty, "%s: unknown type %q (%s)", field, ty.Value, strings.Join(jsonTypes, ", "))
				}
				t.Type = ty.Value
			}
		default:
			return nil, c.fail(item, "%s must be a path, a {path, type} mapping or a list of them", field)
		}
		if err := checkPath(t.Path); err != nil {
			return nil, c.fail(item, "%s: bad path %q: %v", field, t.Path, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// jsonFlags reads require_message, keys_fold and top_level.
func (c *ruleCompiler) jsonFlags(f map[string]*yaml.Node, spec *JSONSpec) error {
	for _, b := range []struct {
		key string
		dst *bool
	}{{"require_message", &spec.RequireMessage}, {"keys_fold", &spec.KeysFold}, {"top_level", &spec.TopLevel}} {
		n, ok := f[b.key]
		if !ok {
			continue
		}
		v, err := yamlfile.Bool(c.file, b.key, n)
		if err != nil {
			return c.fail(n, "json.%s must be true or false", b.key)
		}
		*b.dst = v
	}
	if spec.RequireMessage && len(spec.Message) == 0 {
		return c.fail(f["require_message"], "json.require_message needs json.message")
	}
	if spec.KeysFold {
		for _, p := range append(append([]string{}, spec.Code...), spec.Message...) {
			if strings.ContainsAny(p, `.*?#@|\`) {
				return c.fail(f["keys_fold"], "json.keys_fold compares plain keys; %q is a path", p)
			}
		}
	}
	return nil
}

// jsonLiterals sets a JSON rule's prefilter literals: the keys of its code
// paths (an object holding the code holds its key), or with keys_fold
// their longest words (every spelling holds it, in some case).
func (c *ruleCompiler) jsonLiterals(at *yaml.Node, spec *JSONSpec) error {
	r := c.r
	for _, p := range spec.Code {
		if spec.KeysFold {
			w := longestWord(p)
			if len(w) < 3 {
				return c.fail(at, "code key %q has no word of 3 letters or more to prefilter on", p)
			}
			r.Literals = appendUnique(r.Literals, strings.ToLower(w))
			continue
		}
		key := p
		if i := strings.LastIndexByte(p, '.'); i >= 0 {
			key = p[i+1:]
		}
		key = strings.ReplaceAll(key, `\`, "")
		if len(key) < 3 || strings.ContainsAny(key, "*?#@|") {
			return c.fail(at, "code path %q must end in a plain key of 3 characters or more", p)
		}
		r.Literals = appendUnique(r.Literals, strings.ToLower(key))
		r.ExactLiterals = appendUnique(r.ExactLiterals, key)
	}
	return nil
}

// valueConditions reads a where: mapping (field names it in messages):
// JSON paths, or with columns CSV column numbers from 1, each to a value
// or a list of values.
func (c *ruleCompiler) valueConditions(field string, n *yaml.Node, columns bool) ([]ValueCondition, error) {
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		what := "paths"
		if columns {
			what = "column numbers"
		}
		return nil, c.fail(n, "%s must map %s to the values they may hold", field, what)
	}
	var out []ValueCondition
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		cond := ValueCondition{Path: k.Value}
		if columns {
			col, ok := columnNumber(k.Value)
			if !ok {
				return nil, c.fail(k, "%s: %q is not a column number (1 is the first column)", field, k.Value)
			}
			cond.Column = col
		} else if err := checkPath(k.Value); err != nil {
			return nil, c.fail(k, "%s: bad path %q: %v", field, k.Value, err)
		}
		for _, prev := range out {
			if prev.Path == cond.Path {
				return nil, c.fail(k, "%s: %s is given twice", field, k.Value)
			}
		}
		values, err := yamlfile.Strings(c.file, field+"."+k.Value, v)
		if err != nil || len(values) == 0 {
			return nil, c.fail(v, "%s.%s must be a value or a list of values", field, k.Value)
		}
		cond.Values = values
		out = append(out, cond)
	}
	return out, nil
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
