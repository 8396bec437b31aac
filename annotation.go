package errtag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
)

// Annotation is one error code found on a line, and what it means.
type Annotation struct {
	// Entry is the catalog's row for the code. For a code the catalog
	// does not list, only System and Code are set. For a code with
	// several rows of which the line's message picked none, and none
	// without a message prefix to fall back on, Entry holds only what the
	// rows share (never a name or a message) and every row is an
	// Alternative.
	Entry catalog.Entry
	// Known is false when the system's catalog has no row for the code.
	Known bool
	// Alternatives are the other rows the code may mean, when it has
	// several and the line's message did not pick one.
	Alternatives []catalog.Entry
	// Rule is the id of the rule that found the code.
	Rule string
	// Cue is what tied the line to the system.
	Cue Cue
	// Offset is the byte offset in the line of what the rule found: the
	// code itself (a regex's code group, a JSON code value after its
	// opening quote, a CSV column, a name), or, for a rule that states its
	// code (a message template, a rule's own code), the start of its
	// match or of the message. In text held in a JSON string, which is
	// matched unescaped, it is the string's start plus the offset in the
	// unescaped text: inside the string, but not exact. Annotations come
	// in the order of their offsets.
	Offset int
}

// Cue says what tied a line to the system of an annotation's code.
type Cue int

const (
	// CueCarrier: the code stood in a carrier only that system writes (a
	// key set, a line shape).
	CueCarrier Cue = iota
	// CueMarker: the line holds one of the system's marker words.
	CueMarker
	// CueShape: the code stood in a shape other software writes too, and
	// what the rule asks to corroborate it held (the catalog lists the
	// code, the line's message agrees with the vendor's: see
	// docs/FORMATS.md).
	CueShape
	// CueSystem: only Config.System said the line was the system's.
	CueSystem
)

// String returns the cue's name as errtag writes it: carrier, marker,
// shape or system; Cue(N) for a value that is none of them.
func (c Cue) String() string {
	switch c {
	case CueCarrier:
		return "carrier"
	case CueMarker:
		return "marker"
	case CueShape:
		return "shape"
	case CueSystem:
		return "system"
	}
	return fmt.Sprintf("Cue(%d)", int(c))
}

// MarshalText returns the cue's name (see String); it fails for a value
// that is not a cue.
func (c Cue) MarshalText() ([]byte, error) {
	if c < CueCarrier || c > CueSystem {
		return nil, fmt.Errorf("errtag: %v is not a cue", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText sets the cue from its name: carrier, marker, shape or
// system.
func (c *Cue) UnmarshalText(text []byte) error {
	v, ok := parseCue(string(text))
	if !ok {
		return fmt.Errorf("errtag: unknown cue %q (carrier, marker, shape or system)", text)
	}
	*c = v
	return nil
}

// cueOf and ruleCue convert between the rules' cues and the front door's;
// a value that is no cue stays itself, and is written as String writes
// it.
func cueOf(c rules.Cue) Cue {
	switch c {
	case rules.CueMarker:
		return CueMarker
	case rules.CueShape:
		return CueShape
	case rules.CueSystem:
		return CueSystem
	}
	return CueCarrier
}

func ruleCue(c Cue) rules.Cue {
	switch c {
	case CueMarker:
		return rules.CueMarker
	case CueShape:
		return rules.CueShape
	case CueSystem:
		return rules.CueSystem
	case CueCarrier:
		return rules.CueCarrier
	}
	return rules.Cue(c) // not a cue: rules.Cue's String writes Cue(N) too
}

func annotationOf(a *matcher.Annotation) Annotation {
	return Annotation{Entry: a.Entry, Known: a.Known, Alternatives: a.Alternatives, Rule: a.Rule, Cue: cueOf(a.Cue), Offset: a.Offset}
}

// toMatcher converts annotations back, for the renderers.
func toMatcher(in []Annotation) []matcher.Annotation {
	out := make([]matcher.Annotation, len(in))
	for i, a := range in {
		out[i] = matcher.Annotation{Entry: a.Entry, Known: a.Known, Alternatives: a.Alternatives, Rule: a.Rule, Cue: ruleCue(a.Cue), Offset: a.Offset}
	}
	return out
}

// MarshalJSON returns the annotation as errtag's JSON output writes it by
// default (one element of the "errtag" array): system, code, and, for a
// known code, its name, category, group, message and remediation where
// they are not empty; "known":false for a code the catalog does not list;
// the alternatives' names when there are some. Rule, Cue and Offset are not
// written (AppendJSON writes Rule and Cue when Fields name them).
//
// json.Marshal escapes <, > and & in it, as it does in every string; an
// Encoder with SetEscapeHTML(false) writes errtag's bytes, as AppendJSON
// does.
func (a Annotation) MarshalJSON() ([]byte, error) {
	b := AppendJSON(nil, []Annotation{a}, Fields{})
	return b[1 : len(b)-1], nil // the object, without the array around it
}

// UnmarshalJSON reads an annotation as errtag writes it, with any fields:
// what MarshalJSON writes, rule and cue too. A missing "known" means true,
// as in the default output; alternatives get their system, code and name.
// The description and Offset are not in the JSON and stay empty. JSON null
// leaves a unchanged, as encoding/json does.
func (a *Annotation) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); string(t) == "null" {
		return nil
	} else if len(t) > 0 && t[0] != '{' {
		return fmt.Errorf("errtag: an annotation is a JSON object, not %s", jsonKind(t[0]))
	}
	var v struct {
		System       string   `json:"system"`
		Code         string   `json:"code"`
		Name         string   `json:"name"`
		Category     string   `json:"category"`
		Group        string   `json:"group"`
		Message      string   `json:"message"`
		Remediation  string   `json:"remediation"`
		Known        *bool    `json:"known"`
		Alternatives []string `json:"alternatives"`
		Rule         string   `json:"rule"`
		Cue          string   `json:"cue"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// Its text names the anonymous struct above.
			return fmt.Errorf("errtag: the annotation's %q is a JSON %s, not %s", te.Field, te.Value, goKind(te.Type))
		}
		return fmt.Errorf("errtag: an annotation: %w", err)
	}
	cue := CueCarrier
	if v.Cue != "" {
		if err := cue.UnmarshalText([]byte(v.Cue)); err != nil {
			return err
		}
	}
	*a = Annotation{
		Entry: catalog.Entry{System: v.System, Code: v.Code, Name: v.Name, Category: v.Category,
			Group: v.Group, Message: v.Message, Remediation: v.Remediation},
		Known: v.Known == nil || *v.Known,
		Rule:  v.Rule,
		Cue:   cue,
	}
	for _, n := range v.Alternatives {
		a.Alternatives = append(a.Alternatives, catalog.Entry{System: v.System, Code: v.Code, Name: n})
	}
	return nil
}

func parseCue(s string) (Cue, bool) {
	for c := CueCarrier; c <= CueSystem; c++ {
		if c.String() == s {
			return c, true
		}
	}
	return 0, false
}

// jsonKind names the JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// goKind names, in JSON's words, what a field of type t holds.
func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "an array of strings"
	case reflect.Pointer, reflect.Bool:
		return "a boolean"
	}
	return "a " + t.String()
}
