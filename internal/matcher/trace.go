package matcher

import (
	"fmt"
	"strings"

	"github.com/errtag/errtag/internal/rules"
)

// Trace records why a line did or did not get its annotations: what the
// prefilter found, which systems' markers are on the line, what each rule
// did, and which finds were dropped. It is what `errtag test` prints.
type Trace struct {
	// Gate is the first prefilter literal found on the line, "" if none
	// (then no rule ran).
	Gate       string
	GateOffset int
	// Marked lists the systems the line is tied to by a marker (or by a
	// find of a rule that marks), each with what tied it, as
	// "knox-efota (efota)".
	Marked []string
	// NotMarkers lists marker words found where they do not count:
	// inside longer words (`"knox" at 27 is part of a longer word`),
	// e-mail addresses and marker exceptions (`"knox" at 5 is part of
	// "Knox Manage" (a marker exception)`).
	NotMarkers []string
	// Events are the rules' outcomes, in the order they ran.
	Events []TraceEvent
	// Dropped are finds that did not become annotations, with why.
	Dropped []TraceEvent
	// Annotations is the result, as Match returns it.
	Annotations []Annotation

	rejected []partOfWord
}

// TraceEvent is one thing one rule did at one place in the line.
type TraceEvent struct {
	Rule   string // rule id
	Where  string // rule's FILE:LINE
	Offset int    // where in the line (approximate inside escaped strings)
	What   string
}

// Trace matches line like Match and records how.
func (m *Matcher) Trace(line []byte) *Trace {
	tr := &Trace{GateOffset: -1}
	if i := m.gate.Index(line); i >= 0 {
		tr.GateOffset = i
		for _, l := range m.gate.Literals() {
			if i+len(l) <= len(line) && (string(line[i:i+len(l)]) == l || equalFold(line[i:i+len(l)], strings.ToLower(l))) {
				tr.Gate = l
				break
			}
		}
	}
	if tr.Gate != "" {
		tr.Annotations = m.match(line, tr)
	} else {
		// Match runs no rule on this line. Run them all the same, for
		// their reasons only (a rule whose own literal is on the line but
		// whose system's marker is not says so); what they find is not
		// what Match finds, so it is not kept.
		m.match(line, tr)
	}
	for _, p := range tr.rejected {
		tr.NotMarkers = append(tr.NotMarkers, p.String())
	}
	return tr
}

func equalFold(b []byte, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// event records a decision the matcher made about rule r at offset off.
func (t *Trace) event(r *rule, off int, why reason) {
	if t == nil {
		return
	}
	t.Events = append(t.Events, TraceEvent{Rule: r.ID, Where: r.Where(), Offset: off, What: why.String()})
}

// eventf records what rule r did at offset off.
func (t *Trace) eventf(r *rule, off int, format string, args ...any) {
	if t == nil {
		return
	}
	t.Events = append(t.Events, TraceEvent{Rule: r.ID, Where: r.Where(), Offset: off, What: fmt.Sprintf(format, args...)})
}

// limit records that a search limit of the matcher stopped it at offset
// off of the line (see docs/FORMATS.md, "Limits").
func (t *Trace) limit(off int, format string, args ...any) {
	if t == nil {
		return
	}
	t.Events = append(t.Events, TraceEvent{Rule: "(search limit)", Where: "built in", Offset: off, What: fmt.Sprintf(format, args...)})
}

// drop records a find that does not become an annotation, and why.
func (t *Trace) drop(f find, why reason) {
	if t == nil {
		return
	}
	t.Dropped = append(t.Dropped, TraceEvent{Rule: f.rule, Offset: f.offset, What: fmt.Sprintf("%s %s: %s", f.system, f.code, why)})
}

// mark records that the line is tied to system by what (a marker word, or
// a rule whose find marks the line).
func (t *Trace) mark(system, what string) {
	if t == nil {
		return
	}
	t.Marked = append(t.Marked, fmt.Sprintf("%s (%s)", system, what))
}

func codeTypeName(t rules.CodeType) string {
	if t == rules.CodeName {
		return "name"
	}
	return "integer"
}
