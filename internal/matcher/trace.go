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
	// Marked lists the systems whose markers are on the line.
	Marked []string
	// Events are the rules' outcomes, in the order they ran.
	Events []TraceEvent
	// Dropped are finds that did not become annotations, with why.
	Dropped []TraceEvent
	// Annotations is the result, as Match returns it.
	Annotations []Annotation
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
	st := &lineState{m: m}
	st.reset(line, nil)
	st.markSystems(line)
	for i, mk := range st.marked {
		if mk {
			tr.Marked = append(tr.Marked, m.systems[i])
		}
	}
	if tr.Gate != "" {
		tr.Annotations = m.match(line, tr)
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

func (t *Trace) event(r *rule, off int, format string, args ...any) {
	if t == nil {
		return
	}
	t.Events = append(t.Events, TraceEvent{Rule: r.ID, Where: r.Where(), Offset: off, What: fmt.Sprintf(format, args...)})
}

// skip records why a rule did not run here.
func (t *Trace) skip(r *rule, st *lineState, off int) {
	if t == nil {
		return
	}
	switch {
	case r.needsMark && !st.marked[r.sysIndex]:
		t.event(r, off, "skipped: no %s marker on the line", r.system)
	case r.exclude != nil && r.exclude.Contains(st.line):
		t.event(r, off, "skipped: the line contains one of its exclude words %q", r.Exclude)
	case r.UnlessMarked:
		t.event(r, off, "skipped: the line carries another system's marker, or --system names another system")
	default:
		t.event(r, off, "skipped")
	}
}

func (t *Trace) drop(f find, why string) {
	if t == nil {
		return
	}
	t.Dropped = append(t.Dropped, TraceEvent{Rule: f.rule, Offset: f.offset, What: fmt.Sprintf("%s %s: %s", f.system, f.code, why)})
}

func codeTypeName(t rules.CodeType) string {
	if t == rules.CodeName {
		return "name"
	}
	return "integer"
}
