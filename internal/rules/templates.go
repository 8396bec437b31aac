package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Templates are a rule's message templates: each is a vendor's message
// text with printf conversions (%s, %d, ...) where the text varies, and the
// code that message means. A line's message picks the first template it
// matches in full.
type Templates struct {
	texts []string
	codes []string
	// res[i] matches a whole message against template i; a message can
	// match it only when it starts with heads[i] (the text before the
	// first conversion) and contains needs[i] (the template's longest
	// literal run), which are checked first.
	res          []*regexp.Regexp
	heads, needs []string
}

// Len is the number of templates.
func (t *Templates) Len() int { return len(t.texts) }

// Text and Code are template i's text and code.
func (t *Templates) Text(i int) string { return t.texts[i] }

// Code is template i's code, in the catalog's spelling.
func (t *Templates) Code(i int) string { return t.codes[i] }

// Match returns the first template that msg matches in full, or -1.
func (t *Templates) Match(msg string) int {
	for i, re := range t.res {
		if strings.HasPrefix(msg, t.heads[i]) && strings.Contains(msg, t.needs[i]) && re.MatchString(msg) {
			return i
		}
	}
	return -1
}

var templateFields = []string{"text", "code", "name"}

// compileTemplates reads messages: a list of {text, code or name}.
func (c *ruleCompiler) compileTemplates(cat *catalog.Catalog, n *yaml.Node) (*Templates, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, c.fail(n, "messages must be a list of {text: ..., code: ... or name: ...}")
	}
	t := &Templates{}
	for _, item := range n.Content {
		f, err := yamlfile.Fields(c.file, item, templateFields...)
		if err != nil {
			return nil, c.wrap("messages", err)
		}
		tn, ok := f["text"]
		if !ok {
			return nil, c.fail(item, "messages: each needs text: the vendor's message, %%s (and the like) where it varies")
		}
		text, err := yamlfile.String(c.file, "text", tn)
		if err != nil || strings.TrimSpace(text) == "" {
			return nil, c.fail(tn, "messages: text must be the vendor's message")
		}
		expr, head, need, err := templateRegexp(text)
		if err != nil {
			return nil, c.fail(tn, "messages: %q: %v", text, err)
		}
		code, err := c.templateCode(cat, item, f)
		if err != nil {
			return nil, err
		}
		for i, prev := range t.texts {
			if prev == text {
				return nil, c.fail(tn, "messages: %q is listed twice (code %s, then %s)", text, t.codes[i], code)
			}
		}
		t.texts = append(t.texts, text)
		t.codes = append(t.codes, code)
		t.res = append(t.res, regexp.MustCompile(`^(?:`+expr+`)$`))
		t.heads = append(t.heads, head)
		t.needs = append(t.needs, need)
	}
	return t, nil
}

// templateCode reads a template's code: or name:.
func (c *ruleCompiler) templateCode(cat *catalog.Catalog, item *yaml.Node, f map[string]*yaml.Node) (string, error) {
	cn, hasCode := f["code"]
	nn, hasName := f["name"]
	switch {
	case hasCode == hasName:
		return "", c.fail(item, "messages: give each text either code: or name: (the catalog's name for the code)")
	case hasName:
		return c.codeOfName(cat, nn)
	}
	code, err := yamlfile.String(c.file, "code", cn)
	if err != nil || !codePattern.MatchString(code) {
		return "", c.fail(cn, "messages: code must be one word, quoted as the catalog spells it (code: \"23505\")")
	}
	return code, nil
}

// templateRegexp turns a message template into a regular expression (that
// captures nothing): its text literally, each printf conversion as what it
// prints (%s, %c, %m and %p any text; %d, %i and %u an integer; %x a hex
// number; %f, %e, %g a number), "%%" as "%". Flags (but the space flag:
// "100% sure" is text), widths, precisions and length modifiers (%-5s,
// %.*s, %lld, %zu) are accepted. head is the literal text before the first
// conversion, need the longest run of literal text: every message the
// expression matches starts with head and contains need.
func templateRegexp(text string) (expr, head, need string, err error) {
	var b strings.Builder
	var lit strings.Builder // the literal run being read
	first := true
	endRun := func() {
		if first {
			head, first = lit.String(), false
		}
		if lit.Len() > len(need) {
			need = lit.String()
		}
		lit.Reset()
	}
	for i := 0; i < len(text); {
		p := strings.IndexByte(text[i:], '%')
		if p < 0 {
			b.WriteString(regexp.QuoteMeta(text[i:]))
			lit.WriteString(text[i:])
			break
		}
		b.WriteString(regexp.QuoteMeta(text[i : i+p]))
		lit.WriteString(text[i : i+p])
		i += p
		conv, n, err := conversion(text[i:])
		if err != nil {
			return "", "", "", err
		}
		if conv == "%" {
			b.WriteString(conv)
			lit.WriteString(conv)
		} else {
			b.WriteString(conv)
			endRun()
		}
		i += n
	}
	endRun()
	return b.String(), head, need, nil
}

// conversion reads the printf conversion that s starts with (at its '%')
// and returns the expression for what it prints and its length.
func conversion(s string) (string, int, error) {
	i := 1
	for i < len(s) && strings.IndexByte("-+#0'", s[i]) >= 0 {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '*') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '*') {
			i++
		}
	}
	for i < len(s) && strings.IndexByte("hlLqjzZt", s[i]) >= 0 {
		i++
	}
	if i >= len(s) {
		return "", 0, fmt.Errorf("%q at the end is not a conversion (write %%%% for a %%)", s)
	}
	if i == 1 && s[1] == '%' {
		return "%", 2, nil
	}
	var expr string
	switch s[i] {
	case 's', 'm', 'p':
		expr = `(?s:.*?)`
	case 'c':
		expr = `(?s:.)`
	case 'd', 'i':
		expr = `[-+]?[0-9]+`
	case 'u':
		expr = `[0-9]+`
	case 'x', 'X':
		expr = `(?:0[xX])?[0-9A-Fa-f]+`
	case 'o':
		expr = `[0-7]+`
	case 'f', 'F', 'e', 'E', 'g', 'G', 'a', 'A':
		expr = `[-+]?[0-9A-Za-z.+-]+`
	default:
		return "", 0, fmt.Errorf("%s is not a printf conversion (write %%%% for a %%)", strconv.Quote(s[:i+1]))
	}
	return expr, i + 1, nil
}
