package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// ExitCasesFailed is errtag test --cases' exit code when a case failed.
const ExitCasesFailed = 1

// testCase is one case of a cases file (errtag test --cases): a log line,
// the input it comes from, and the annotations it must get.
type testCase struct {
	line  string
	input string // "" for the file's, or --input's
	want  []wantAnnotation
	where string // FILE:LINE of the case
}

// wantAnnotation is an annotation a case expects: system and code, and the
// name when the case gives one (nil: any name; "": no row picked, or a
// code the catalog lacks).
type wantAnnotation struct {
	System string  `json:"system"`
	Code   string  `json:"code"`
	Name   *string `json:"name,omitempty"`
}

func (w wantAnnotation) String() string {
	switch {
	case w.Name == nil:
		return w.System + " " + w.Code + " (any name)"
	case *w.Name == "":
		return w.System + " " + w.Code + " (no name)"
	}
	return w.System + " " + w.Code + " " + *w.Name
}

// matches reports whether annotation a is what w wants.
func (w wantAnnotation) matches(a matcher.Annotation) bool {
	return a.Entry.System == w.System && a.Entry.Code == w.Code && (w.Name == nil || *w.Name == a.Entry.Name)
}

// gotString describes an annotation as a case's report shows it.
func gotString(a matcher.Annotation) string {
	e := a.Entry
	switch {
	case !a.Known:
		return e.System + " " + e.Code + " (no name: not in the catalog)"
	case e.Name == "":
		names := make([]string, len(a.Alternatives))
		for i, alt := range a.Alternatives {
			names[i] = alt.Name
		}
		return e.System + " " + e.Code + " (no name: no row picked; alternatives " + strings.Join(names, ", ") + ")"
	}
	return e.System + " " + e.Code + " " + e.Name
}

// casesFile is a cases file as read: its cases and the input its lines
// come from ("" when it names none).
type casesFile struct {
	input string
	cases []testCase
}

// readCases reads a cases file: YAML (a mapping with cases: and an
// optional input:), or JSON Lines (one case object per line) when its
// name ends in .jsonl or .ndjson or its first line that is not blank
// starts with {". Problems are reported as FILE:LINE: what is wrong.
func readCases(name string) (*casesFile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--cases: %w", err)
	}
	first := strings.TrimSpace(string(data))
	if strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson") || strings.HasPrefix(first, `{"`) {
		return readCasesJSONL(name, data)
	}
	return readCasesYAML(name, data)
}

var caseFields = []string{"line", "input", "want"}

func readCasesYAML(file string, data []byte) (*casesFile, error) {
	root, err := yamlfile.Parse(file, data)
	if err != nil {
		return nil, err
	}
	f, err := yamlfile.Fields(file, root, "input", "cases")
	if err != nil {
		return nil, err
	}
	cf := &casesFile{}
	if n, ok := f["input"]; ok {
		if cf.input, err = yamlfile.String(file, "input", n); err != nil {
			return nil, err
		}
	}
	list, ok := f["cases"]
	if !ok {
		return nil, yamlfile.Errorf(file, root, `missing field "cases": a list of {line: ..., want: ...}`)
	}
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, yamlfile.Errorf(file, list, `field "cases" must be a list of {line: ..., want: ...}, found %s`, yamlfile.KindName(list))
	}
	for _, n := range list.Content {
		cf2, err := yamlfile.Fields(file, n, caseFields...)
		if err != nil {
			return nil, err
		}
		c := testCase{where: fmt.Sprintf("%s:%d", file, n.Line)}
		ln, ok := cf2["line"]
		if !ok {
			return nil, yamlfile.Errorf(file, n, `case is missing "line": the log line, quoted ('...')`)
		}
		if c.line, err = yamlfile.String(file, "line", ln); err != nil {
			return nil, err
		}
		if strings.ContainsAny(c.line, "\n") {
			return nil, yamlfile.Errorf(file, ln, "line holds a line break: a case is one log line")
		}
		if in, ok := cf2["input"]; ok {
			if c.input, err = yamlfile.String(file, "input", in); err != nil {
				return nil, err
			}
		}
		w, ok := cf2["want"]
		if !ok {
			return nil, yamlfile.Errorf(file, n, `case is missing "want": the annotations ({system: ..., code: ..., name: ...}, a list of them) or none`)
		}
		if c.want, err = yamlWant(file, w); err != nil {
			return nil, err
		}
		cf.cases = append(cf.cases, c)
	}
	return cf, nil
}

// yamlWant reads a case's want: none, an annotation, or a list of them.
func yamlWant(file string, n *yaml.Node) ([]wantAnnotation, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == "none" && n.Tag != "!!null" {
			return []wantAnnotation{}, nil
		}
	case yaml.MappingNode:
		w, err := yamlAnnotation(file, n)
		return []wantAnnotation{w}, err
	case yaml.SequenceNode:
		out := []wantAnnotation{}
		for _, item := range n.Content {
			w, err := yamlAnnotation(file, item)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
		return out, nil
	}
	return nil, yamlfile.Errorf(file, n, "want must be none, {system: ..., code: ..., name: ...} or a list of them, found %s", yamlfile.KindName(n))
}

func yamlAnnotation(file string, n *yaml.Node) (wantAnnotation, error) {
	var w wantAnnotation
	f, err := yamlfile.Fields(file, n, "system", "code", "name")
	if err != nil {
		return w, err
	}
	for _, k := range []string{"system", "code"} {
		v, ok := f[k]
		if !ok {
			return w, yamlfile.Errorf(file, n, "want: each annotation needs system and code (name is optional)")
		}
		s, err := yamlfile.String(file, k, v)
		if err != nil {
			return w, err
		}
		if k == "system" {
			w.System = s
		} else {
			w.Code = s
		}
	}
	if v, ok := f["name"]; ok {
		s, err := yamlfile.String(file, "name", v)
		if err != nil {
			return w, err
		}
		w.Name = &s
	}
	return w, nil
}

// jsonCase is a case in a JSON Lines file.
type jsonCase struct {
	Line  *string         `json:"line"`
	Input string          `json:"input"`
	Want  json.RawMessage `json:"want"`
}

func readCasesJSONL(file string, data []byte) (*casesFile, error) {
	cf := &casesFile{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fail := func(format string, args ...any) error {
			return &yamlfile.Error{File: file, Line: n, Msg: fmt.Sprintf(format, args...)}
		}
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		var jc jsonCase
		if err := dec.Decode(&jc); err != nil {
			return nil, fail(`a case is one JSON object {"line": ..., "want": ...}: %v`, err)
		}
		if dec.More() {
			return nil, fail("one case a line: text after the object")
		}
		if jc.Line == nil {
			return nil, fail(`case is missing "line"`)
		}
		if strings.Contains(*jc.Line, "\n") {
			return nil, fail("line holds a line break: a case is one log line")
		}
		c := testCase{line: *jc.Line, input: jc.Input, where: fmt.Sprintf("%s:%d", file, n)}
		var none string
		var one wantAnnotation
		switch {
		case len(jc.Want) == 0:
			return nil, fail(`case is missing "want": the annotations ({"system": ..., "code": ..., "name": ...}, a list of them) or "none"`)
		case json.Unmarshal(jc.Want, &none) == nil && none == "none":
			c.want = []wantAnnotation{}
		case strictJSON(jc.Want, &one) == nil && one.System != "" && one.Code != "":
			c.want = []wantAnnotation{one}
		case strictJSON(jc.Want, &c.want) == nil:
			for _, w := range c.want {
				if w.System == "" || w.Code == "" {
					return nil, fail("want: each annotation needs system and code (name is optional)")
				}
			}
			if c.want == nil {
				c.want = []wantAnnotation{}
			}
		default:
			return nil, fail(`want must be "none", {"system": ..., "code": ..., "name": ...} or a list of them`)
		}
		cf.cases = append(cf.cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--cases: %s: %w", file, err)
	}
	if len(cf.cases) == 0 {
		return nil, &yamlfile.Error{File: file, Msg: "no cases"}
	}
	return cf, nil
}

// strictJSON decodes data into v, refusing fields v does not have.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// caseResult is the outcome of one case.
type caseResult struct {
	Case  string   `json:"case"`  // FILE:LINE
	Line  string   `json:"line"`  // the log line
	Input string   `json:"input"` // the input it was matched as
	Pass  bool     `json:"pass"`
	Want  []string `json:"want"`
	Got   []string `json:"got"`
}

// runCases matches every case's line as a line of its input and compares
// the annotations with what the case wants, in order. It writes one
// report line per case (and the differences of a failing one), or with
// asJSON one object per case, then a summary; it returns an error with
// ExitCasesFailed when a case failed.
func runCases(w io.Writer, l *loader.Loaded, cf *casesFile, name, input string, asJSON bool) error {
	failed := 0
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range cf.cases {
		in := c.input
		if in == "" {
			in = input
		}
		got := l.For(in).Match([]byte(c.line))
		r := caseResult{Case: c.where, Line: c.line, Input: in, Pass: len(got) == len(c.want), Want: []string{}, Got: []string{}}
		for i, wa := range c.want {
			r.Want = append(r.Want, wa.String())
			if i < len(got) && !wa.matches(got[i]) {
				r.Pass = false
			}
		}
		for _, a := range got {
			r.Got = append(r.Got, gotString(a))
		}
		if !r.Pass {
			failed++
		}
		if asJSON {
			if err := enc.Encode(r); err != nil {
				return writeFailure(err)
			}
			continue
		}
		writeCase(w, r)
	}
	if !asJSON {
		fmt.Fprintf(w, "%s: %d cases, %d failed\n", name, len(cf.cases), failed)
	}
	if failed > 0 {
		return &exitError{code: ExitCasesFailed}
	}
	return nil
}

// writeCase writes a case's outcome: "ok" or "FAIL", where the case is and
// its line; for a failure, each wanted annotation that is missing ("-")
// and each annotation that was not wanted ("+"), and how to see why.
func writeCase(w io.Writer, r caseResult) {
	if r.Pass {
		fmt.Fprintf(w, "ok   %s  %s\n", r.Case, clip(r.Line, 100))
		return
	}
	fmt.Fprintf(w, "FAIL %s  %s\n", r.Case, clip(r.Line, 100))
	none := func(list []string) []string {
		if len(list) == 0 {
			return []string{"none"}
		}
		return list
	}
	for _, s := range none(r.Want) {
		fmt.Fprintf(w, "     - want %s\n", s)
	}
	for _, s := range none(r.Got) {
		fmt.Fprintf(w, "     + got  %s\n", s)
	}
	fmt.Fprintf(w, "     (errtag test --input %s 'LINE' shows why)\n", r.Input)
}

// clip cuts s to n bytes at most, at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "..."
}
