// Package matcher finds the error codes in a log line: it runs a compiled
// rules.Set over the line's text and over every JSON object in it, applies
// the cues that tie a carrier to one system, drops ambiguous and duplicate
// finds, and resolves each code against the catalog.
//
// A Matcher is read-only after New and safe for concurrent use.
package matcher

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/prefilter"
	"github.com/errtag/errtag/internal/rules"
)

// Options tune a Matcher.
type Options struct {
	// System, when set, names the system the input comes from: its marker
	// rules run without the marker, and generic rules attribute to it.
	System string
}

// Annotation is one error found on a line.
type Annotation struct {
	// Entry is the catalog row; for an unknown code only System and Code
	// are set.
	Entry catalog.Entry
	// Known is false when the system's catalog has no row for the code.
	Known bool
	// Alternatives are other rows the code may mean (see catalog.Resolve).
	Alternatives []catalog.Entry
	// Rule is the id of the rule that found the code.
	Rule string
	// Offset is where in the line the code was found (for nested,
	// escaped text: where the enclosing string starts).
	Offset int
}

// priority ranks how a find was attributed, for resolving two systems that
// claim the same carrier.
type priority int

const (
	byGeneric priority = iota // a generic rule under --system
	byRelaxed                 // a marker rule under --system, no marker seen
	byCue                     // the system's own cue is on the line
)

type rule struct {
	*rules.Rule
	system    string // effective system (a generic rule's is --system)
	sysIndex  int    // index into Matcher.systems
	exclude   *prefilter.Set
	needsMark bool
	relaxed   bool // marker rule whose system is --system
	prio      priority
	// litIDs are the rule's prefilter literals in its kind's literal
	// table (Matcher.textLits or jsonLits): the rule runs on a text or
	// object only when one of them was found there. None: always runs.
	litIDs []int
	// leadLits, for a regex rule whose matches start at most Lead bytes
	// before a literal, finds those literals: the regex starts there.
	leadLits *prefilter.Set
	// foldedCode and foldedMsg are JSON.Code and JSON.Message folded, for
	// keys_fold rules.
	foldedCode, foldedMsg []string
}

// Matcher runs a rule set over lines.
type Matcher struct {
	cat     *catalog.Catalog
	opts    Options
	text    []*rule // regex and names rules, in file order
	json    []*rule // JSON rules, in file order
	systems []string
	// markers holds every system's marker words; markerSys maps each
	// to its system index. One scan per line finds which are marked.
	markers   *prefilter.Set
	markerSys []int
	// textLits and jsonLits hold every text (regex, names) and JSON
	// rule's literals, searched once per text or object.
	textLits *prefilter.Set
	jsonLits *prefilter.Set
	names    map[string]map[string]string
	// gate holds literals one of which occurs (ignoring ASCII case) in
	// every line that has an annotation: Match and Candidates pass over
	// the lines without one.
	gate *prefilter.Set
	// carriers holds every active rule's own literals: nested text (a JSON
	// string) is scanned only when one of them occurs in it, since the
	// line's markers were already checked on the whole line.
	carriers *prefilter.Set
	hasNames bool
	states   sync.Pool // *lineState, reused across lines
}

// New prepares set for matching against cat.
func New(set *rules.Set, cat *catalog.Catalog, opts Options) (*Matcher, error) {
	if opts.System != "" && !cat.HasSystem(opts.System) {
		return nil, fmt.Errorf("unknown system %q (known: %v)", opts.System, cat.Systems())
	}
	m := &Matcher{cat: cat, opts: opts, names: map[string]map[string]string{}}
	m.states.New = func() any { return &lineState{m: m} }
	sysIndex := map[string]int{}
	var markerWords []string
	for _, s := range cat.Systems() {
		sysIndex[s] = len(m.systems)
		for _, w := range set.Markers[s] {
			markerWords = append(markerWords, w)
			m.markerSys = append(m.markerSys, len(m.systems))
		}
		m.systems = append(m.systems, s)
	}
	m.markers = prefilter.NewAll(markerWords, nil)
	var gate, gateExact, carriers, carriersExact []string
	textLits, jsonLits := &litTable{}, &litTable{}
	for _, r := range set.Rules {
		cr := &rule{Rule: r, system: r.System, prio: byCue}
		switch r.Cue {
		case rules.CueCarrier:
		case rules.CueMarker:
			if r.System == opts.System {
				cr.relaxed = true
			} else {
				cr.needsMark = true
			}
		case rules.CueSystem:
			switch {
			case opts.System == "":
				continue
			case r.System == rules.AnySystem:
				cr.system = opts.System
			case r.System != opts.System:
				continue
			}
			cr.prio = byGeneric
		}
		cr.sysIndex = sysIndex[cr.system]
		if len(r.Exclude) > 0 {
			cr.exclude = prefilter.New(r.Exclude)
		}
		if r.Kind == rules.KindRegex && r.Lead >= 0 {
			if len(r.ExactLiterals) > 0 {
				cr.leadLits = prefilter.NewMixed(nil, r.ExactLiterals)
			} else {
				cr.leadLits = prefilter.New(r.Literals)
			}
		}
		if r.Kind == rules.KindJSON && r.JSON.KeysFold {
			for _, k := range r.JSON.Code {
				cr.foldedCode = append(cr.foldedCode, rules.FoldKey(k))
			}
			for _, k := range r.JSON.Message {
				cr.foldedMsg = append(cr.foldedMsg, rules.FoldKey(k))
			}
		}
		table := textLits
		if r.Kind == rules.KindJSON {
			table = jsonLits
		}
		switch {
		case r.Kind == rules.KindNames && !cr.needsMark:
			// Under --system the names are the carriers, and so the
			// prefilter's literals.
			var names []string
			for _, e := range cat.Entries(cr.system) {
				names = append(names, e.Name)
				cr.litIDs = append(cr.litIDs, table.add(e.Name, true))
			}
			gateExact = append(gateExact, names...)
		case len(r.ExactLiterals) > 0:
			for _, l := range r.ExactLiterals {
				cr.litIDs = append(cr.litIDs, table.add(l, true))
			}
		default:
			for _, l := range r.Literals {
				cr.litIDs = append(cr.litIDs, table.add(l, false))
			}
		}
		switch {
		case cr.needsMark:
			gate = append(gate, set.Markers[r.System]...)
		case len(r.ExactLiterals) > 0:
			gateExact = append(gateExact, r.ExactLiterals...)
		default:
			gate = append(gate, r.Literals...)
		}
		if len(r.ExactLiterals) > 0 {
			carriersExact = append(carriersExact, r.ExactLiterals...)
		} else {
			carriers = append(carriers, r.Literals...)
		}
		if r.Kind == rules.KindNames {
			m.hasNames = true
			if m.names[cr.system] == nil {
				byName := map[string]string{}
				for _, e := range cat.Entries(cr.system) {
					byName[e.Name] = e.Code
				}
				m.names[cr.system] = byName
			}
		}
		if r.Kind == rules.KindJSON {
			m.json = append(m.json, cr)
		} else {
			m.text = append(m.text, cr)
		}
	}
	m.textLits = textLits.build(m.text)
	m.jsonLits = jsonLits.build(m.json)
	m.gate = prefilter.NewMixed(gate, gateExact)
	m.carriers = prefilter.NewMixed(carriers, carriersExact)
	return m, nil
}

// litTable collects the literals of many rules into one prefilter.Set that
// is searched once per text or object, so that the cost of the prefilter
// does not grow with the number of rules.
type litTable struct {
	fold, exact []string
	ids         map[string]int // "f"+text or "e"+text -> index in fold or exact
}

// add returns a provisional id for the literal: fold literals count up
// from 0, exact ones down from -1; build makes them final.
func (t *litTable) add(text string, exact bool) int {
	if t.ids == nil {
		t.ids = map[string]int{}
	}
	key := "f" + text
	if exact {
		key = "e" + text
	}
	if id, ok := t.ids[key]; ok {
		return id
	}
	var id int
	if exact {
		t.exact = append(t.exact, text)
		id = -len(t.exact)
	} else {
		t.fold = append(t.fold, text)
		id = len(t.fold) - 1
	}
	t.ids[key] = id
	return id
}

// build makes the set (fold literals first, as prefilter.NewAll orders
// them) and turns the rules' provisional ids into indexes in it.
func (t *litTable) build(rs []*rule) *prefilter.Set {
	for _, r := range rs {
		for i, id := range r.litIDs {
			if id < 0 {
				r.litIDs[i] = len(t.fold) + (-id - 1)
			}
		}
	}
	return prefilter.NewAll(t.fold, t.exact)
}

// find is one code found by one rule, before cues are weighed.
type find struct {
	system  string
	code    string
	message string
	rule    string
	offset  int
	prio    priority
	// sysIndex and marks come from the rule, for markByFinds.
	sysIndex int
	marks    bool
}

// lineState is the per-line work area.
type lineState struct {
	m       *Matcher
	line    []byte
	marked  []bool // per system index: a marker is on the line
	anyMark bool
	finds   []find
	budget  int    // JSON parse attempts left
	trace   *Trace // nil unless tracing
	// scratch for the literal tables' FindAll, reused within the line
	textFound, jsonFound, markerFound []bool
}

// Match returns the annotations for line (without its line terminator), in
// order of appearance, one per distinct (system, code).
func (m *Matcher) Match(line []byte) []Annotation {
	if !m.gate.Contains(line) {
		return nil
	}
	return m.match(line, nil)
}

// match matches a line that holds a gate literal.
func (m *Matcher) match(line []byte, tr *Trace) []Annotation {
	st := m.states.Get().(*lineState)
	defer m.states.Put(st)
	st.reset(line, tr)
	st.markSystems(line)
	st.scanLine()
	if st.markByFinds() {
		// A find tied the line to a system it was not tied to: look
		// again, with that system's marker rules in play.
		st.finds, st.budget = st.finds[:0], maxJSONAttempts
		st.scanLine()
	}
	if len(st.finds) == 0 {
		return nil
	}
	return m.resolve(st.finds, tr)
}

// reset readies a pooled lineState for line.
func (st *lineState) reset(line []byte, tr *Trace) {
	st.line, st.trace, st.budget, st.anyMark = line, tr, maxJSONAttempts, false
	st.marked = clearBools(&st.marked, len(st.m.systems))
	st.finds = st.finds[:0]
}

// clearBools returns *buf resized to n and all false, reusing its memory.
func clearBools(buf *[]bool, n int) []bool {
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	b := (*buf)[:n]
	clear(b)
	*buf = b
	return b
}

// markSystems finds which systems' markers are on the line.
func (st *lineState) markSystems(line []byte) {
	found := clearBools(&st.markerFound, st.m.markers.Len())
	if !st.m.markers.FindAll(line, found) {
		return
	}
	for i, f := range found {
		if f {
			st.marked[st.m.markerSys[i]] = true
			st.anyMark = true
		}
	}
}

// markByFinds marks the systems of finds made by rules with Marks, and
// reports whether that marked a system the line was not marked for.
func (st *lineState) markByFinds() bool {
	changed := false
	for _, f := range st.finds {
		if f.marks && !st.marked[f.sysIndex] {
			st.marked[f.sysIndex], st.anyMark, changed = true, true, true
		}
	}
	return changed
}

// hasLiteral reports whether r may match, given which literals of its
// table were found.
func (r *rule) hasLiteral(found []bool) bool {
	if len(r.litIDs) == 0 {
		return true
	}
	for _, id := range r.litIDs {
		if found[id] {
			return true
		}
	}
	return false
}

// applies reports whether r may run on this line, and with what priority.
func (st *lineState) applies(r *rule) (priority, bool) {
	if r.needsMark && !st.marked[r.sysIndex] {
		return 0, false
	}
	if r.exclude != nil && r.exclude.Contains(st.line) {
		return 0, false
	}
	if r.UnlessMarked {
		// Naming a system with --system is as strong as its marker on
		// every line.
		if st.m.opts.System != "" && st.m.opts.System != r.system {
			return 0, false
		}
		for i, mk := range st.marked {
			if mk && i != r.sysIndex {
				return 0, false
			}
		}
	}
	if r.relaxed && !st.marked[r.sysIndex] {
		return byRelaxed, true
	}
	return r.prio, true
}

// resolve weighs the finds: where systems claim the same carrier the best
// attributed wins and a tie drops the carrier (a wrong annotation is worse
// than none); then one annotation per (system, code), in line order.
func (m *Matcher) resolve(finds []find, tr *Trace) []Annotation {
	if len(finds) == 1 {
		return []Annotation{m.annotate(finds[0])}
	}
	// Finds come mostly in line order already: an insertion sort keeps
	// them stable without sort's allocations.
	for i := 1; i < len(finds); i++ {
		for j := i; j > 0 && finds[j].offset < finds[j-1].offset; j-- {
			finds[j], finds[j-1] = finds[j-1], finds[j]
		}
	}
	kept := make([]find, 0, len(finds))
	for i := 0; i < len(finds); {
		j := i
		for j < len(finds) && finds[j].offset == finds[i].offset {
			j++
		}
		group := finds[i:j]
		best := group[0].prio
		for _, f := range group {
			if f.prio > best {
				best = f.prio
			}
		}
		sys := ""
		ambiguous := false
		for _, f := range group {
			if f.prio != best {
				continue
			}
			if sys == "" {
				sys = f.system
			} else if f.system != sys {
				ambiguous = true
			}
		}
		for _, f := range group {
			switch {
			case ambiguous:
				tr.drop(f, "another system claims the same carrier equally strongly")
			case f.prio == best:
				kept = append(kept, f)
			default:
				tr.drop(f, "a better-attributed system claims the same carrier")
			}
		}
		i = j
	}
	out := make([]Annotation, 0, len(kept))
next:
	for _, f := range kept {
		for _, a := range out {
			if a.Entry.System == f.system && a.Entry.Code == f.code {
				tr.drop(f, "duplicate of an earlier annotation of the same code")
				continue next
			}
		}
		out = append(out, m.annotate(f))
	}
	return out
}

// annotate resolves one find in the catalog.
func (m *Matcher) annotate(f find) Annotation {
	res := m.cat.Resolve(f.system, f.code, f.message)
	return Annotation{
		Entry:        res.Entry,
		Known:        res.Known,
		Alternatives: res.Alternatives,
		Rule:         f.rule,
		Offset:       f.offset,
	}
}

// normalizeCode checks raw against the rule's code type and returns the
// catalog spelling.
func normalizeCode(t rules.CodeType, raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	if t == rules.CodeName {
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			if !(c == '_' || c == '.' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
				return "", false
			}
		}
		return raw, true
	}
	if len(raw) > 12 {
		return "", false
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatInt(n, 10), true
}
