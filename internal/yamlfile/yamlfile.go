// Package yamlfile holds the small helpers that the catalog and rule loaders
// share: parsing a YAML document while keeping line numbers, checking a
// mapping's keys against the ones a format allows, and reporting problems as
// FILE:LINE: messages.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a problem found in a configuration file, located by line.
type Error struct {
	File string // path as the user gave it
	Line int    // 1-based; 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errorf returns an *Error for file at node's line.
func Errorf(file string, node *yaml.Node, format string, args ...any) *Error {
	line := 0
	if node != nil {
		line = node.Line
	}
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses data as a single YAML document and returns its root node,
// which is always a mapping. A second document (after "---") is an error,
// at its line, unless it is empty: errtag reads one per file, and would
// otherwise ignore what the others say.
func Parse(file string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		e := syntaxError(file, err)
		if ye, ok := e.(*Error); ok && ye.Line > 0 {
			ye.Line = problemLine(data, ye.Line, ye.Msg)
		}
		return nil, e
	}
	for {
		var more yaml.Node
		err := dec.Decode(&more)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, syntaxError(file, err)
		}
		if !emptyDoc(&more) {
			return nil, &Error{File: file, Line: more.Line, Msg: "more than one YAML document; errtag reads one per file"}
		}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "file is empty"}
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Value == "" {
		// A document with nothing in it ("---", comments only): yaml.v3
		// puts its null node after the end of the file.
		return nil, &Error{File: file, Line: 1, Msg: "file is empty"}
	}
	if root.Kind != yaml.MappingNode {
		return nil, Errorf(file, root, "expected a mapping at the top level, found %s", KindName(root))
	}
	return root, nil
}

// emptyDoc reports whether doc holds nothing ("---" and comments).
func emptyDoc(doc *yaml.Node) bool {
	if len(doc.Content) == 0 {
		return true
	}
	n := doc.Content[0]
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// problemLine finds the line a syntax error is on. yaml.v3 names the line
// where the mapping or sequence being read began ("rules.yaml:1: did not
// find expected key" for a key indented one space too far on line 40); the
// line at fault is the last of the shortest start of the file that fails
// with the same message. Starts of the file cut at line ends mostly parse
// (an unfinished mapping is still a mapping), so it is found by bisection
// from line, and checked: where the check fails, line is kept.
func problemLine(data []byte, line int, msg string) int {
	ends := []int{} // ends[k-1]: the end of line k, after its LF
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ends = append(ends, len(data))
	}
	failsAt := func(k int) bool { // the first k lines fail with msg
		var n yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(data[:ends[k-1]])).Decode(&n)
		if err == nil || errors.Is(err, io.EOF) {
			return false
		}
		e, ok := syntaxError("", err).(*Error)
		return ok && e.Msg == msg
	}
	if line < 1 || line > len(ends) {
		return line
	}
	lo, hi := line, len(ends) // failsAt(hi) is assumed: the whole file fails
	for lo < hi {
		mid := lo + (hi-lo)/2
		if failsAt(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo > line && failsAt(lo) && !failsAt(lo-1) {
		return lo
	}
	return line
}

// syntaxError turns a yaml.v3 error ("yaml: line 3: ...") into an *Error.
func syntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		if i := strings.Index(msg, ":"); i >= 0 {
			msg = strings.TrimSpace(msg[i+1:])
		}
		return &Error{File: file, Line: line, Msg: "invalid YAML: " + msg}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return &Error{File: file, Msg: "invalid YAML: " + strings.Join(te.Errors, "; ")}
	}
	return &Error{File: file, Msg: "invalid YAML: " + msg}
}

// Fields returns the values of mapping node m by key, after checking that
// every key is one of allowed and none is repeated. A value that is an
// alias (*name) is returned as the node its anchor (&name) marks, so that a
// file can give a list once and use it again.
func Fields(file string, m *yaml.Node, allowed ...string) (map[string]*yaml.Node, error) {
	if m.Kind != yaml.MappingNode {
		return nil, Errorf(file, m, "expected a mapping, found %s", KindName(m))
	}
	out := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !contains(allowed, k.Value) {
			sorted := append([]string(nil), allowed...)
			sort.Strings(sorted)
			return nil, Errorf(file, k, "unknown field %q (allowed: %s)", k.Value, strings.Join(sorted, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, Errorf(file, k, "field %q given twice", k.Value)
		}
		for v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		out[k.Value] = v
	}
	return out, nil
}

// String returns the scalar string at n, or an error naming field.
func String(file, field string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", Errorf(file, n, "field %q must be a string, found %s", field, KindName(n))
	}
	return n.Value, nil
}

// Strings accepts a single scalar or a sequence of scalars.
func Strings(file, field string, n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		s, err := String(file, field, n)
		return []string{s}, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, Errorf(file, n, "field %q must be a string or a list of strings, found %s", field, KindName(n))
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, err := String(file, field, c)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Bool returns the boolean at n.
func Bool(file, field string, n *yaml.Node) (bool, error) {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		return false, Errorf(file, n, "field %q must be true or false", field)
	}
	return b, nil
}

// KindName describes a node for error messages.
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
