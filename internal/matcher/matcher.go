// Package matcher finds the error codes in a log line: it runs a compiled
// rules.Set over the line's text and over every JSON object in it, applies
// the cues that tie a carrier to one system, drops ambiguous and duplicate
// finds, and resolves each code against the catalog.
//
// A Matcher is read-only after New and safe for concurrent use.
package matcher

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/prefilter"
	"github.com/errtag/errtag/internal/rules"
)

// Options tune a Matcher.
type Options struct {
	// System, when set, names the system the input comes from: its marker
	// rules run without the marker, its shape rules without corroboration,
	// and generic rules attribute to it; but only on lines that no other
	// system's own cue (a marker, a carrier, a corroborated shape) ties to
	// that other system.
	System string
	// Only, with System, says that the input holds System's lines only
	// (a log file of that system): the other systems' rules do not run
	// and their markers are not looked for, so nothing on a line can tie
	// it to another system.
	Only bool
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
	// Cue is what tied the line to the system: its marker (CueMarker),
	// a carrier only it writes (CueCarrier), a shared shape the catalog
	// corroborated (CueShape), or only --system (CueSystem).
	Cue rules.Cue
	// Offset is the byte offset in the line of what the rule found: the
	// code (a regex's code group, a JSON code value after its opening
	// quote, a CSV column, a name), or, for a rule that states its code
	// (message templates, a rule's own code), the start of its match or
	// of the message. In text held in a JSON string, which is matched
	// unescaped, it is the string's start plus the offset in the
	// unescaped text: inside the string, not exact.
	Offset int
	// JSONLine says the line, without the spaces, tabs and CRs at its
	// start, is one valid JSON value (as gjson.Valid holds it): the
	// matcher read it as one, and a writer need not check it again.
	JSONLine bool
}

// strength ranks cues, strongest highest: a carrier only the system writes
// (Volt MX's key set), then a shared shape the catalog corroborates (the
// code listed and the message the vendor's), then a marker word on the
// line, then --system alone. Where two systems claim the same carrier the
// stronger wins, and an annotation's cue is the strongest tie its code has
// on the line.
func strength(c rules.Cue) int {
	switch c {
	case rules.CueSystem:
		return 0
	case rules.CueMarker:
		return 1
	case rules.CueShape:
		return 2
	}
	return 3
}

type rule struct {
	*rules.Rule
	system    string      // effective system (a generic rule's is --system)
	sysIndex  int         // index into Matcher.systems
	exclude   *excludeSet // nil when the rule has no exclude words or regex
	ctxIndex  int         // the rule's slot in lineState.context
	needsMark bool
	relaxed   bool      // marker rule whose system is --system
	cue       rules.Cue // the find's cue when the line holds no marker of the system
	named     bool      // --system names the rule's system
	// context holds a shape rule's corroborate.context words.
	context *wordList
	// litIDs are the rule's prefilter literals in its kind's literal
	// table (Matcher.textLits or jsonLits): the rule runs on a text or
	// object only when one of them was found there. None: always runs.
	litIDs []int
	// leadLits, for a regex rule whose matches start at most lead bytes
	// before a literal, finds those literals: the regex starts there,
	// anchored (see regexStarts).
	leadLits *prefilter.Set
	lead     int
	anchored *regexp.Regexp
	// wordStart says every match of the regex starts at a word boundary
	// (\b first): a start where there is none is not tried.
	wordStart bool
	// first, for a regex rule without lead literals, holds the bytes its
	// matches can start with: the anchored regex is tried only there
	// (nil: at every byte, by the plain regex).
	first *byteSet
	// firstList lists first's bytes when they are few (nil otherwise).
	firstList []byte
	// foldedCode and foldedMsg are JSON.Code and JSON.Message folded, for
	// keys_fold rules.
	foldedCode, foldedMsg []string
	// csvWidth is how many columns a CSV rule reads.
	csvWidth int
}

// Matcher runs a rule set over lines.
type Matcher struct {
	cat     *catalog.Catalog
	opts    Options
	text    []*rule // regex and names rules, in file order
	json    []*rule // JSON rules, in file order
	systems []string
	// markers holds every system's marker words and exceptions. One
	// scan per line finds which systems are marked, and where.
	markers *markerSet
	// textLits and jsonLits hold every text (regex, names) and JSON
	// rule's literals, searched once per text or object.
	textLits *prefilter.Set
	jsonLits *prefilter.Set
	// textIndex and jsonIndex find the rules whose literals were found.
	textIndex, jsonIndex *ruleIndex
	names                map[string]map[string]string
	// gate holds literals one of which occurs (ignoring ASCII case) in
	// every line that has an annotation: Match and Candidates pass over
	// the lines without one.
	gate *prefilter.Set
	// carriers holds every active rule's own literals: nested text (a JSON
	// string) is scanned only when one of them occurs in it, since the
	// line's markers were already checked on the whole line.
	carriers *prefilter.Set
	hasNames bool
	// fallbacks: some rule is a fallback (rules.Rule.Fallback).
	fallbacks bool
	excludes  int       // distinct exclude lists
	contexts  int       // rules with context words
	states    sync.Pool // *lineState, reused across lines
}

// New prepares set for matching against cat.
func New(set *rules.Set, cat *catalog.Catalog, opts Options) (*Matcher, error) {
	if opts.System != "" && !cat.HasSystem(opts.System) {
		return nil, fmt.Errorf("unknown system %q (known: %s)", opts.System, strings.Join(cat.Systems(), ", "))
	}
	if opts.Only && opts.System == "" {
		return nil, fmt.Errorf("only one system's rules, but no system named")
	}
	m := &Matcher{cat: cat, opts: opts, names: map[string]map[string]string{}}
	m.states.New = func() any { return &lineState{m: m} }
	b := &builder{m: m, set: set, sysIndex: map[string]int{}, excludes: map[string]*excludeSet{}, textLits: &litTable{}, jsonLits: &litTable{}}
	b.systems()
	for _, r := range set.Rules {
		if cr := b.rule(r); cr != nil {
			b.add(cr)
		}
	}
	b.finish()
	return m, nil
}

// builder collects what New builds from the rules.
type builder struct {
	m        *Matcher
	set      *rules.Set
	sysIndex map[string]int
	// excludes holds the exclude sets by their words and regex.
	excludes map[string]*excludeSet
	// gate and carriers collect the literals of the gate and of the
	// carriers (see Matcher), folded and exact.
	gate, gateExact, carriers, carriersExact []string
	textLits, jsonLits                       *litTable
}

// markerWord is a marker word and the index of its system.
type markerWord struct {
	word string
	sys  int
}

// systems numbers the catalog's systems and builds the markers (only
// --system's under Only).
func (b *builder) systems() {
	m := b.m
	var words []markerWord
	var exceptions []*exceptionSet
	for _, s := range m.cat.Systems() {
		b.sysIndex[s] = len(m.systems)
		if !m.opts.Only || s == m.opts.System {
			for _, w := range b.set.Markers[s] {
				words = append(words, markerWord{w, len(m.systems)})
			}
		}
		exceptions = append(exceptions, newExceptionSet(b.set.MarkerExceptions[s], b.set.Markers[s]))
		m.systems = append(m.systems, s)
	}
	m.markers = newMarkerSet(words, exceptions)
}

// rule returns r prepared for matching, or nil when it does not run under
// the options: another system's under Only, a --system rule without (or
// for another) --system.
func (b *builder) rule(r *rules.Rule) *rule {
	opts := b.m.opts
	if opts.Only && r.System != opts.System && r.System != rules.AnySystem {
		return nil
	}
	cr := &rule{Rule: r, system: r.System, cue: r.Cue}
	switch r.Cue {
	case rules.CueCarrier, rules.CueShape:
	case rules.CueMarker:
		if r.System == opts.System {
			cr.relaxed = true
			cr.cue = rules.CueSystem
		} else {
			cr.needsMark = true
		}
	case rules.CueSystem:
		switch {
		case opts.System == "":
			return nil
		case r.System == rules.AnySystem:
			cr.system = opts.System
		case r.System != opts.System:
			return nil
		}
	}
	cr.named = opts.System != "" && cr.system == opts.System
	cr.sysIndex = b.sysIndex[cr.system]
	cr.exclude = b.exclude(r)
	switch r.Kind {
	case rules.KindRegex:
		rs := regexStarts(r)
		cr.lead, cr.first, cr.anchored, cr.wordStart = rs.lead, rs.first, rs.anchored, rs.wordStart
		switch {
		case cr.lead >= 0 && len(r.ExactLiterals) > 0:
			cr.leadLits = prefilter.NewMixed(nil, r.ExactLiterals)
		case cr.lead >= 0:
			cr.leadLits = prefilter.New(r.Literals)
		case cr.first != nil:
			cr.firstList = cr.first.list(3)
		}
	case rules.KindCSV:
		cr.csvWidth = csvWidth(r.CSV)
	case rules.KindJSON:
		if r.JSON.KeysFold {
			for _, k := range r.JSON.Code {
				cr.foldedCode = append(cr.foldedCode, rules.FoldKey(k))
			}
			for _, k := range r.JSON.Message {
				cr.foldedMsg = append(cr.foldedMsg, rules.FoldKey(k))
			}
		}
	}
	return cr
}

// exclude returns r's exclude set, shared with the rules that have the
// same words and regex (one look per line for all of them), or nil.
func (b *builder) exclude(r *rules.Rule) *excludeSet {
	if len(r.Exclude) == 0 && r.ExcludeRegex == nil {
		return nil
	}
	key := strings.Join(r.Exclude, "\x00")
	if r.ExcludeRegex != nil {
		key += "\x01" + r.ExcludeRegex.String()
	}
	x, ok := b.excludes[key]
	if !ok {
		x = &excludeSet{re: r.ExcludeRegex, index: b.m.excludes}
		if len(r.Exclude) > 0 {
			x.words = newPhraseList(r.Exclude)
		}
		b.excludes[key] = x
		b.m.excludes++
	}
	return x
}

// add puts a prepared rule in the matcher: its literals in its kind's
// table, the gate and the carriers; its context words; its names.
func (b *builder) add(cr *rule) {
	m, r := b.m, cr.Rule
	m.fallbacks = m.fallbacks || r.Fallback
	if r.Corroborate != nil && len(r.Corroborate.Context) > 0 {
		cr.context = newWordList(r.Corroborate.Context)
		cr.ctxIndex = m.contexts
		m.contexts++
	}
	b.literals(cr)
	if r.Kind == rules.KindNames {
		m.hasNames = true
		if m.names[cr.system] == nil {
			byName := map[string]string{}
			for _, e := range m.cat.Entries(cr.system) {
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

// literals enters cr's literals in its kind's literal table (litIDs), the
// gate and the carriers.
func (b *builder) literals(cr *rule) {
	r := cr.Rule
	table := b.textLits
	if r.Kind == rules.KindJSON {
		table = b.jsonLits
	}
	switch {
	case r.Kind == rules.KindNames && !cr.needsMark:
		// Under --system the names are the carriers, and so the
		// prefilter's literals.
		for _, e := range b.m.cat.Entries(cr.system) {
			cr.litIDs = append(cr.litIDs, table.add(e.Name, true))
			b.gateExact = append(b.gateExact, e.Name)
		}
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
		b.gate = append(b.gate, b.set.Markers[r.System]...)
	case len(r.ExactLiterals) > 0:
		b.gateExact = append(b.gateExact, r.ExactLiterals...)
	default:
		b.gate = append(b.gate, r.Literals...)
	}
	if len(r.ExactLiterals) > 0 {
		b.carriersExact = append(b.carriersExact, r.ExactLiterals...)
	} else {
		b.carriers = append(b.carriers, r.Literals...)
	}
}

// finish builds the literal sets.
func (b *builder) finish() {
	m := b.m
	m.textLits = b.textLits.build(m.text)
	m.jsonLits = b.jsonLits.build(m.json)
	m.textIndex = newRuleIndex(m.text, m.textLits.Len())
	m.jsonIndex = newRuleIndex(m.json, m.jsonLits.Len())
	m.gate = prefilter.NewMixed(b.gate, b.gateExact)
	m.carriers = prefilter.NewMixed(b.carriers, b.carriersExact)
}

// excludeSet is a compiled exclude list (whole words and phrases) and
// exclude regex, and its slot in lineState.excluded.
type excludeSet struct {
	words *wordList // nil when none
	re    *regexp.Regexp
	index int
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

// find is one code found by one rule, resolved in the catalog.
type find struct {
	system string
	code   string
	rule   string
	offset int
	cue    rules.Cue
	res    catalog.Resolution
	// spec is how specific the carrier is where two systems' marker
	// rules claim the same code: the length of the text the rule matched
	// before the code ("result code: " beats "code: ").
	spec int
	// sysIndex and marks come from the rule, for markByFinds.
	sysIndex int
	marks    bool
	// fallback: the rule's finds count only where no other rule of its
	// system found one.
	fallback bool
}

// lineState is the per-line work area.
type lineState struct {
	m    *Matcher
	line []byte
	// marked is, per system index, whether the line is tied to the
	// system by its marker or by a find of a rule with marks; markedBy
	// says by what, the strongest (CueMarker, or the marking rule's
	// cue); findMarked, whether a find of a rule with marks did (which
	// ties every carrier of the line, wherever it is).
	marked     []bool
	markedBy   []rules.Cue
	findMarked []bool
	anyMark    bool
	// jsonLine says the line (its leading spaces, tabs and CRs aside) is
	// one valid JSON value.
	jsonLine bool
	// lineMarks are, per system index, the first and last offset of a
	// marker of the system on the line (-1: none).
	lineMarks []span
	// excluded caches, per exclude set, whether it vetoes the line: 0
	// not looked for yet, 1 no, 2 yes. A line with many JSON objects asks
	// for each of them.
	excluded []uint8
	// context caches, per rule with context words, the first of them
	// found on the line ("" for none), once looked for.
	context []contextWord
	finds   []find
	budget  int        // JSON parse attempts left
	trace   *Trace     // nil unless tracing
	work    *workCount // nil unless counting
	// scopes are the texts and JSON documents of the line (see ties.go);
	// nscopes of them are in use.
	scopes  []*scope
	nscopes int
	// scratch for the literal tables' FindAll, reused within the line
	textFound, contextFound []bool
	// scratch for the rule indexes: the rules that may run on a text
	// or an object
	ruleBits             []uint64
	textRules, jsonRules []*rule
	markHits             []markHit
	csvFields            []csvField
	// The line's JSON documents: their nodes, the documents (ndocs in
	// use), the unescaped strings read from them, and the documents'
	// literal tables; all reused line after line.
	nodes []jnode
	docs  []*jdoc
	ndocs int
	arena []byte
	found []bool
	marks []int32
}

// span is the first and last offset of something in a text (-1 when it
// does not occur).
type span struct{ lo, hi int }

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
	return m.matchCounting(line, tr, nil)
}

// matchCounting is match, counting its work in w when w is not nil.
func (m *Matcher) matchCounting(line []byte, tr *Trace, w *workCount) []Annotation {
	st := m.states.Get().(*lineState)
	defer m.states.Put(st)
	st.reset(line, tr, w)
	st.markSystems(line)
	st.scanLine()
	if st.markByFinds() {
		// A find tied the line to a system it was not tied to, or tied
		// it more strongly: look again, with that system's marker
		// rules in play and the stronger tie.
		st.finds, st.budget, st.nscopes = st.finds[:0], maxJSONAttempts, 0
		st.nodes, st.arena, st.found, st.marks, st.ndocs = st.nodes[:0], st.arena[:0], st.found[:0], st.marks[:0], 0
		if tr != nil {
			tr.Dropped = tr.Dropped[:0]
		}
		st.scanLine()
	}
	if len(st.finds) == 0 {
		return nil
	}
	return st.resolve()
}

// reset readies a pooled lineState for line.
func (st *lineState) reset(line []byte, tr *Trace, w *workCount) {
	n := len(st.m.systems)
	st.line, st.trace, st.work, st.budget, st.anyMark, st.nscopes, st.jsonLine = line, tr, w, maxJSONAttempts, false, 0, false
	st.marked = clearBools(&st.marked, n)
	st.findMarked = clearBools(&st.findMarked, n)
	if cap(st.markedBy) < n {
		st.markedBy = make([]rules.Cue, n)
		st.lineMarks = make([]span, n)
	}
	st.markedBy = st.markedBy[:n]
	st.lineMarks = st.lineMarks[:n]
	for i := range st.lineMarks {
		st.lineMarks[i] = span{-1, -1}
	}
	st.finds = st.finds[:0]
	// A huge document's scratch is not kept for the lines after it.
	if cap(st.nodes) > maxKeptNodes {
		st.nodes = nil
	}
	if cap(st.arena) > maxKeptArena {
		st.arena = nil
	}
	st.nodes, st.arena, st.found, st.marks, st.ndocs = st.nodes[:0], st.arena[:0], st.found[:0], st.marks[:0], 0
	if cap(st.excluded) < st.m.excludes {
		st.excluded = make([]uint8, st.m.excludes)
	}
	st.excluded = st.excluded[:st.m.excludes]
	clear(st.excluded)
	if cap(st.context) < st.m.contexts {
		st.context = make([]contextWord, st.m.contexts)
	}
	st.context = st.context[:st.m.contexts]
	clear(st.context)
}

// maxKeptNodes and maxKeptArena bound the JSON scratch a lineState keeps
// between lines.
const (
	maxKeptNodes = 1 << 14
	maxKeptArena = 1 << 18
)

// parse parses text as one JSON document of the line, or reports false if
// it is not valid JSON.
func (st *lineState) parse(text []byte) (*jdoc, bool) {
	mark := len(st.nodes)
	nodes, ok := parseDoc(text, st.nodes)
	if !ok {
		st.nodes = nodes[:mark]
		return nil, false
	}
	st.nodes = nodes
	if st.ndocs == len(st.docs) {
		st.docs = append(st.docs, &jdoc{})
	}
	d := st.docs[st.ndocs]
	st.ndocs++
	*d = jdoc{text: text, nodes: nodes[mark:len(nodes):len(nodes)]}
	return d, true
}

// bools returns n false bools, valid for the line.
func (st *lineState) bools(n int) []bool {
	if cap(st.found)-len(st.found) < n {
		// The old array stays with the slices made from it.
		st.found = make([]bool, 0, max(2*cap(st.found), 4*n))
	}
	b := st.found[len(st.found) : len(st.found)+n]
	st.found = st.found[:len(st.found)+n]
	clear(b)
	return b
}

type contextWord struct {
	done bool
	word string
}

// contextOn returns the first of r's context words on the line, as a
// whole word, or "".
func (st *lineState) contextOn(r *rule) string {
	c := &st.context[r.ctxIndex]
	if !c.done {
		c.done = true
		st.work.scan(len(st.line))
		found := clearBools(&st.contextFound, len(r.context.words))
		r.context.find(st.line, found, nil, func(i int) {
			if c.word == "" {
				c.word = r.context.words[i]
			}
		})
	}
	return c.word
}

// isExcluded reports whether r's exclude words (as whole words) or exclude
// regex are on the line.
func (st *lineState) isExcluded(r *rule) bool {
	x := r.exclude
	if x == nil {
		return false
	}
	c := &st.excluded[x.index]
	if *c == 0 {
		*c = 1
		if x.words != nil && len(x.excludedBy(st.line, st.work, &st.contextFound)) > 0 || x.re != nil && x.re.Match(st.line) {
			*c = 2
		}
	}
	return *c == 2
}

// excludedBy returns the first of the set's words that occurs in line as
// a whole word, or "". scratch is reused for the words found.
func (x *excludeSet) excludedBy(line []byte, w *workCount, scratch *[]bool) string {
	if x.words == nil {
		return ""
	}
	w.scan(len(line))
	word := ""
	found := clearBools(scratch, len(x.words.words))
	x.words.find(line, found, nil, func(i int) {
		if word == "" {
			word = x.words.words[i]
		}
	})
	return word
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

// markSystems finds which systems' markers are on the line, and where.
func (st *lineState) markSystems(line []byte) {
	var rejected *[]partOfWord
	if st.trace != nil {
		rejected = &st.trace.rejected
	}
	st.m.markers.each(line, &st.markHits, rejected, st.work, func(sys, start, end int) {
		sp := &st.lineMarks[sys]
		if sp.lo < 0 || start < sp.lo {
			sp.lo = start
		}
		sp.hi = max(sp.hi, start)
		if !st.marked[sys] {
			st.marked[sys], st.markedBy[sys], st.anyMark = true, rules.CueMarker, true
			if st.trace != nil {
				st.trace.mark(st.m.systems[sys], strings.ToLower(string(line[start:end])))
			}
		}
	})
}

// markByFinds marks the systems of finds made by rules with Marks, and
// reports whether that marked a system the line was not marked for, or
// tied one more strongly than its marker did.
func (st *lineState) markByFinds() bool {
	changed := false
	for _, f := range st.finds {
		if !f.marks {
			continue
		}
		st.findMarked[f.sysIndex] = true
		switch {
		case !st.marked[f.sysIndex]:
			st.marked[f.sysIndex], st.markedBy[f.sysIndex], st.anyMark, changed = true, f.cue, true, true
			st.trace.mark(f.system, "rule "+f.rule)
		case strength(f.cue) > strength(st.markedBy[f.sysIndex]):
			st.markedBy[f.sysIndex], changed = f.cue, true
			st.trace.mark(f.system, "rule "+f.rule)
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

// applies reports whether r may run on this text or object and, if so,
// the cue its finds have; if not, the reason. tied says whether r's
// system's marker (or a find that marks) ties the carrier: for text the
// line's marks, for a JSON object the marks that count for it (see
// objectTied).
func (st *lineState) applies(r *rule, tied bool) (rules.Cue, reason) {
	if r.needsMark && !tied {
		if st.marked[r.sysIndex] {
			return 0, reason{kind: skipMarkerInObject, system: r.system}
		}
		return 0, reason{kind: skipNoMarker, system: r.system}
	}
	if st.isExcluded(r) {
		why := reason{kind: skipExcluded, words: r.Exclude}
		if st.trace != nil {
			why.word = r.exclude.excludedBy(st.line, nil, &st.contextFound)
			if why.word == "" && r.ExcludeRegex != nil {
				why.kind, why.word = skipExcludedRegex, r.ExcludeRegex.String()
			}
		}
		return 0, why
	}
	if r.UnlessMarked {
		for i, mk := range st.marked {
			if mk && i != r.sysIndex {
				return 0, reason{kind: skipOtherMarked, system: st.m.systems[i]}
			}
		}
	}
	if tied && (r.needsMark || r.relaxed || r.Cue == rules.CueShape) {
		// The system's marker (or a find that marks) ties the carrier.
		return st.tieCue(r.sysIndex), reason{}
	}
	cue := r.cue
	if cue == rules.CueShape && r.named {
		cue = rules.CueSystem // still corroborated, if it can be, in add
	}
	if cue == rules.CueSystem {
		// --system never overrides another system's own cue.
		for i, mk := range st.marked {
			if mk && i != r.sysIndex {
				return 0, reason{kind: skipOwned, system: st.m.systems[i], cue: st.markedBy[i], named: st.m.opts.System}
			}
		}
	}
	return cue, reason{}
}

// tieCue is the cue of a carrier that system sys's marks tie: the
// strongest tie the line has to it.
func (st *lineState) tieCue(sys int) rules.Cue { return st.markedBy[sys] }

// resolve weighs the finds of a line: under --system, a line another
// system's own cue ties to it keeps only that; where systems claim the
// same carrier the best tied wins, then the most specific carrier, and a
// true tie drops the carrier (a wrong annotation is worse than none); then
// one annotation per (system, code), in line order, with the strongest cue
// the code had.
func (st *lineState) resolve() []Annotation {
	finds := st.finds
	if st.m.opts.System != "" {
		finds = st.dropOwned(finds)
	}
	if st.m.fallbacks {
		finds = st.dropFallbacks(finds)
	}
	if len(finds) == 0 {
		return nil
	}
	if len(finds) == 1 {
		a := annotation(finds[0])
		a.JSONLine = st.jsonLine
		return []Annotation{a}
	}
	w := st.work
	byOffset := func(a, b find) int {
		w.step()
		return cmp.Compare(a.offset, b.offset)
	}
	if !slices.IsSortedFunc(finds, byOffset) {
		slices.SortStableFunc(finds, byOffset)
	}
	kept := finds[:0]
	for i := 0; i < len(finds); {
		j := i
		for j < len(finds) && finds[j].offset == finds[i].offset {
			j++
			w.step()
		}
		kept = st.claim(finds[i:j], kept)
		i = j
	}
	out := make([]Annotation, 0, len(kept))
	// Few finds: compare with each kept one; many: index them.
	var index map[sysCode]int
	if len(kept) > 8 {
		index = make(map[sysCode]int, len(kept))
	}
	for _, f := range kept {
		k, dup := -1, false
		if index != nil {
			w.step()
			k, dup = index[sysCode{f.system, f.code}]
		} else {
			for i := range out {
				w.step()
				if out[i].Entry.System == f.system && out[i].Entry.Code == f.code {
					k, dup = i, true
					break
				}
			}
		}
		if dup {
			if strength(f.cue) > strength(out[k].Cue) {
				// Say the strongest cue the code has on the line.
				out[k].Cue, out[k].Rule = f.cue, f.rule
			}
			st.trace.drop(f, reason{kind: dropDuplicate})
			continue
		}
		if index != nil {
			index[sysCode{f.system, f.code}] = len(out)
		}
		a := annotation(f)
		a.JSONLine = st.jsonLine
		out = append(out, a)
	}
	return out
}

// claim decides between the finds of one carrier (the same place on the
// line) and appends those that stand to kept: the strongest cue wins;
// between systems equally tied, the most specific carrier (Knox's "result
// code: " over Drupal's "code: "); systems still level drop the carrier.
func (st *lineState) claim(group, kept []find) []find {
	best, spec := -1, -1
	for _, f := range group {
		switch s := strength(f.cue); {
		case s > best:
			best, spec = s, f.spec
		case s == best:
			spec = max(spec, f.spec)
		}
	}
	sys, ambiguous := "", false
	for _, f := range group {
		if strength(f.cue) != best || f.spec != spec {
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
		case ambiguous && strength(f.cue) == best && f.spec == spec:
			st.trace.drop(f, reason{kind: dropTie})
		case ambiguous:
			st.trace.drop(f, reason{kind: dropWeaker})
		case f.system == sys:
			kept = append(kept, f)
		case strength(f.cue) == best:
			st.trace.drop(f, reason{kind: dropLessSpecific})
		default:
			st.trace.drop(f, reason{kind: dropWeaker})
		}
	}
	return kept
}

type sysCode struct{ system, code string }

// dropFallbacks drops the finds of fallback rules of each system for which
// another rule found a code on the line.
func (st *lineState) dropFallbacks(finds []find) []find {
	var found []int // systems with a find of a rule that is not a fallback
	for _, f := range finds {
		if !f.fallback && !slices.Contains(found, f.sysIndex) {
			found = append(found, f.sysIndex)
		}
	}
	if len(found) == 0 {
		return finds
	}
	kept := finds[:0]
	for _, f := range finds {
		if f.fallback && slices.Contains(found, f.sysIndex) {
			st.trace.drop(f, reason{kind: dropFallback, system: f.system})
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// dropOwned drops the --system finds (cue system) of a line that another
// system's own cue ties to that system: its marker, or a find of it with
// a cue of its own.
func (st *lineState) dropOwned(finds []find) []find {
	owner := reason{kind: dropOwned, named: st.m.opts.System}
	for i, mk := range st.marked {
		if mk && st.m.systems[i] != st.m.opts.System {
			owner.system, owner.cue = st.m.systems[i], st.markedBy[i]
			break
		}
	}
	if owner.system == "" {
		for _, f := range finds {
			if f.cue != rules.CueSystem && f.system != st.m.opts.System {
				owner.system, owner.cue = f.system, f.cue
				break
			}
		}
	}
	if owner.system == "" {
		return finds
	}
	kept := finds[:0]
	for _, f := range finds {
		if f.cue == rules.CueSystem {
			st.trace.drop(f, owner)
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// annotation is the annotation of a find.
func annotation(f find) Annotation {
	return Annotation{
		Entry:        f.res.Entry,
		Known:        f.res.Known,
		Alternatives: f.res.Alternatives,
		Rule:         f.rule,
		Offset:       f.offset,
		Cue:          f.cue,
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
	if isCanonicalInt(raw) {
		return raw, true
	}
	return strconv.FormatInt(n, 10), true
}

// isCanonicalInt reports whether s, a valid integer, is spelled as
// strconv.FormatInt spells it: no sign but a '-' before a number that is
// not 0, no leading zeros.
func isCanonicalInt(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || digits[0] < '0' || digits[0] > '9' {
		return false
	}
	if digits[0] == '0' {
		return len(s) == 1
	}
	return true
}
