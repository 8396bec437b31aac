package matcher

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/errtag/errtag/internal/rules"
	"github.com/tidwall/gjson"
)

const (
	// maxJSONAttempts bounds how many '{' positions of one text line are
	// tried as the start of an embedded JSON object.
	maxJSONAttempts = 16
	// maxDepth bounds the nesting walked, counting both JSON structure and
	// JSON held in strings.
	maxDepth = 64
)

// scanLine looks at the whole line: as a JSON value when it is one, else as
// text with possibly some JSON objects embedded in it.
func (st *lineState) scanLine() {
	line := st.line
	trimmed := bytes.TrimLeft(line, " \t\r")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		if d, ok := st.parse(trimmed); ok {
			st.jsonLine = true
			off := len(line) - len(trimmed)
			st.walkDoc(d, off, 0, nil, 0, 0, nil)
			return
		}
	}
	st.scanText(line, 0, 0, st.lineScope(), nil)
}

// scanText runs the text rules over text (which starts at offset base of the
// line, or is nested text that stands at base), then looks for JSON objects
// embedded in it. sc is the text's scope; anc, the markers in the
// messages of the JSON objects that hold the text.
func (st *lineState) scanText(text []byte, base, depth int, sc *scope, anc *msgTie) {
	found := clearBools(&st.textFound, st.m.textLits.Len())
	st.m.textLits.FindAll(text, found)
	for _, r := range st.m.textIndex.may(found, st.trace != nil, &st.ruleBits, &st.textRules) {
		// The literal check is the cheapest: before the line-wide ones.
		if !r.hasLiteral(found) {
			if st.trace != nil && r.Kind != rules.KindNames {
				st.trace.eventf(r, base, "none of its literals %q occurs here", r.Literals)
			}
			continue
		}
		cue, why := st.applies(r, st.marked[r.sysIndex])
		if why.kind != runs {
			st.trace.event(r, base, why)
			continue
		}
		switch r.Kind {
		case rules.KindRegex:
			st.scanRegex(r, cue, text, base)
		case rules.KindCSV:
			st.scanCSV(r, cue, text, base)
		case rules.KindNames:
			st.scanNames(r, cue, text, base)
		}
	}
	if depth < maxDepth {
		st.scanEmbeddedJSON(text, base, depth, sc, anc)
	} else if bytes.IndexByte(text, '{') >= 0 {
		st.trace.limit(base, "nesting deeper than %d levels (JSON and JSON held in strings): the JSON in this text was not searched", maxDepth)
	}
}

// scanRegex runs a regex rule over text, which stands at offset base of
// the line.
func (st *lineState) scanRegex(r *rule, cue rules.Cue, text []byte, base int) {
	locs := r.findAll(text, st.work)
	if len(locs) == 0 && st.trace != nil {
		st.trace.eventf(r, base, "regex did not match")
	}
	for _, loc := range locs {
		msg := ""
		if r.MessageGroup >= 0 && loc[2*r.MessageGroup] >= 0 {
			msg = string(text[loc[2*r.MessageGroup]:loc[2*r.MessageGroup+1]])
		}
		if r.CodeGroup < 0 {
			st.addStated(r, cue, text, loc, msg, base)
			continue
		}
		cs, ce := loc[2*r.CodeGroup], loc[2*r.CodeGroup+1]
		if cs < 0 {
			continue
		}
		if why := notACode(r, text, loc[0], ce); why.kind != runs {
			if st.trace != nil {
				why.msg = string(text[loc[0]:ce])
				st.trace.event(r, base+cs, why)
			}
			continue
		}
		code, ok := st.spell(r, string(text[cs:ce]))
		if !ok {
			if st.trace != nil {
				st.trace.eventf(r, base+cs, "matched %q but %q is not a valid %s code", text[loc[0]:loc[1]], text[cs:ce], codeTypeName(r.CodeType))
			}
			continue
		}
		if st.trace != nil {
			st.trace.eventf(r, base+cs, "matched %q", text[loc[0]:loc[1]])
		}
		st.add(r, cue, code, msg, base+cs, cs-loc[0])
	}
}

// notACode says why the match of rule r's regex that starts at start of
// text, its code ending at codeEnd, holds no code of the system: it
// follows a word that names another kind of code (not_after: "HTTP error
// code: 503"); it is a URL's query parameter (?code=..., &code=...); or,
// for an integer code, the number goes on (1.2.3, 2024-06-01, 12:30,
// 4%2F..., 3/4, 901x). A reason of kind runs means it holds one.
func notACode(r *rule, text []byte, start, codeEnd int) reason {
	if w := wordBefore(text, start, r.NotAfter); w != "" {
		return reason{kind: skipNotAfter, word: w}
	}
	if start > 0 && (text[start-1] == '?' || text[start-1] == '&') {
		return reason{kind: skipNotWhole, word: "it is a URL's query parameter"}
	}
	if r.CodeType == rules.CodeInteger && codeEnd >= 0 && codeEnd < len(text) {
		c, next := text[codeEnd], byte(0)
		if codeEnd+1 < len(text) {
			next = text[codeEnd+1]
		}
		switch {
		case c == '_' || c >= utf8.RuneSelf && startsLetter(text[codeEnd:]) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			return reason{kind: skipNotWhole, word: "the code goes on in a word"}
		case (c == '.' || c == '-' || c == ':') && '0' <= next && next <= '9':
			return reason{kind: skipNotWhole, word: "the number goes on (a version, date, time or decimal)"}
		case c == '/' || c == '%':
			return reason{kind: skipNotWhole, word: fmt.Sprintf("the number goes on with %q (a fraction, path or URL encoding)", c)}
		}
	}
	return reason{}
}

func startsLetter(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return unicode.IsLetter(r)
}

// wordBefore returns the word (lower case) just before text[start:],
// across spaces and punctuation such as ":[(", when it is one of words; or,
// when that word is a connector ("error", "result": "SQL error code"), the
// word before it when that is one of words; else "".
func wordBefore(text []byte, start int, words []string) string {
	if len(words) == 0 {
		return ""
	}
	var buf [maxQualifier]byte
	i := start
	for hop := 0; hop < 2; hop++ {
		w, at := prevWord(text, i, &buf)
		if w == "" {
			return ""
		}
		if k := slices.Index(words, w); k >= 0 {
			return words[k] // not w, which is buf's
		}
		if !rules.IsConnector(w) {
			return ""
		}
		i = at
	}
	return ""
}

// prevWord returns the word of ASCII letters and digits that ends before
// text[i] (after at most four separators: white space and ":[(\"'-_.=/"),
// lower-cased in buf's memory, and where it starts; "" if none. Words
// longer than maxQualifier letters are not words anyone qualifies a code
// with.
func prevWord(text []byte, i int, buf *[maxQualifier]byte) (string, int) {
	for k := 0; k < 4 && i > 0 && strings.IndexByte(" \t:[(\"'-_.=/", text[i-1]) >= 0; k++ {
		i--
	}
	end := i
	for i > 0 && end-i <= maxQualifier && isAlnum(text[i-1]) && !escapeEndsAt(text, i) {
		i--
	}
	if i == end || end-i > maxQualifier {
		return "", i
	}
	n := copy(buf[:], text[i:end])
	for k, c := range buf[:n] {
		if 'A' <= c && c <= 'Z' {
			buf[k] = c + 'a' - 'A'
		}
	}
	return unsafe.String(&buf[0], n), i
}

// maxQualifier is the length of the longest word prevWord returns.
const maxQualifier = 32

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// addStated adds the find of a regex rule that states its code (code:,
// name:) or gives it by the message (messages:), for the match at loc.
func (st *lineState) addStated(r *rule, cue rules.Cue, text []byte, loc []int, msg string, base int) {
	off := base + loc[0]
	if r.MessageGroup >= 0 && loc[2*r.MessageGroup] >= 0 {
		off = base + loc[2*r.MessageGroup]
	}
	code := r.Code
	if r.Templates != nil {
		i := r.Templates.Match(msg)
		if i < 0 {
			if st.trace != nil {
				st.trace.eventf(r, off, "message %q matches none of its %d message templates", msg, r.Templates.Len())
			}
			return
		}
		code = r.Templates.Code(i)
		if st.trace != nil {
			st.trace.eventf(r, off, "message %q is template %q: code %s", msg, r.Templates.Text(i), code)
		}
	} else if st.trace != nil {
		st.trace.eventf(r, off, "matched %q: the rule's code %s", text[loc[0]:loc[1]], code)
	}
	if why := notACode(r, text, loc[0], -1); why.kind != runs {
		if st.trace != nil {
			why.msg = string(text[loc[0]:loc[1]])
			st.trace.event(r, off, why)
		}
		return
	}
	st.add(r, cue, code, msg, off, 0)
}

// findAll returns the regex's matches in text, as FindAllSubmatchIndex
// does. When the rule's matches start at most lead bytes before one of its
// literals (lead), only those starts are tried, each with the anchored regex:
// Go's regexp would otherwise try every byte of the text, having no literal
// prefix to skip ahead with when a pattern starts with \b or ignores case.
// The first start that matches, in order, is the leftmost match: a match
// contains a literal at most lead bytes after its start, so every earlier
// start lies in the range of an earlier or the same literal occurrence.
//
// w, when not nil, counts the bytes the regexp engine reads (for tests of
// the cost).
func (r *rule) findAll(text []byte, w *workCount) [][]int {
	if r.leadLits == nil {
		if r.first != nil {
			return r.findAllFirst(text, w)
		}
		w.regexAll(r.Regexp, text)
		return r.Regexp.FindAllSubmatchIndex(text, -1)
	}
	var out [][]int
	cur := r.leadLits.NewCursor(text)
	tried := -1 // the last start tried
	for pos := 0; pos < len(text); {
		p := cur.Next(pos)
		if p < 0 {
			break
		}
		matched := false
		for st := max(pos, p-r.lead, tried+1); st <= p; st++ {
			tried = st
			if r.wordStart && !wordBoundaryAt(text, st) {
				continue // the regex's \b fails here: no call
			}
			if loc := r.matchAt(text, st, w); loc != nil {
				out = append(out, loc)
				pos = max(loc[1], loc[0]+1)
				matched = true
				break
			}
		}
		if !matched {
			pos = p + 1
		}
	}
	return out
}

// findAllFirst is findAll for a rule whose matches start with one of the
// bytes r.first: the regex is tried, anchored, at those bytes only, in
// order, each match's end the start of the search for the next, which is
// what FindAllSubmatchIndex returns (the regex matches no empty text).
// Each anchored try costs about the rest of the text (package regexp
// readies its state for all of it, and fault:.*code= reads it), so where
// more than maxFirstTries bytes could start a match the plain regex's one
// pass is cheaper, and keeps the cost linear in the text.
func (r *rule) findAllFirst(text []byte, w *workCount) [][]int {
	starts := 0
	for st := r.nextStart(text, 0); st >= 0; st = r.nextStart(text, st+1) {
		if starts++; starts > maxFirstTries {
			w.regexAll(r.Regexp, text)
			return r.Regexp.FindAllSubmatchIndex(text, -1)
		}
	}
	var out [][]int
	for st := r.nextStart(text, 0); st >= 0; st = r.nextStart(text, st+1) {
		if loc := r.matchAt(text, st, w); loc != nil {
			out = append(out, loc)
			st = loc[1] - 1 // loc[1] > st: no match is empty
		}
	}
	return out
}

// nextStart returns the first place at or after from where a match of the
// rule's regex may start (by r.first and r.wordStart), or -1.
func (r *rule) nextStart(text []byte, from int) int {
	for from < len(text) {
		st := -1
		if r.firstList != nil {
			// A few bytes: the nearest of them, by IndexByte.
			for _, c := range r.firstList {
				if i := bytes.IndexByte(text[from:], c); i >= 0 && (st < 0 || from+i < st) {
					st = from + i
				}
			}
		} else {
			for i := from; i < len(text); i++ {
				if r.first[text[i]] {
					st = i
					break
				}
			}
		}
		if st < 0 || !r.wordStart || wordBoundaryAt(text, st) {
			return st
		}
		from = st + 1
	}
	return -1
}

// maxFirstTries bounds the anchored tries of findAllFirst on one text.
const maxFirstTries = 4

// matchAt returns the match of the rule's regex that starts at st, with
// submatch offsets in text, or nil.
func (r *rule) matchAt(text []byte, st int, w *workCount) []int {
	if st == 0 {
		// At the start of the text the plain regex sees what the rule
		// means by ^ and \b; a match there is its leftmost one.
		w.regex(r.Regexp, text)
		if loc := r.Regexp.FindSubmatchIndex(text); loc != nil && loc[0] == 0 {
			return loc
		}
		return nil
	}
	// The anchored regex first eats the byte before st, so that \b and
	// the like see it.
	w.regex(r.anchored, text[st-1:])
	loc := r.anchored.FindSubmatchIndex(text[st-1:])
	if loc == nil {
		return nil
	}
	shift := st - 1
	for i := range loc {
		if loc[i] >= 0 {
			loc[i] += shift
		}
	}
	loc[0] = st // the whole match starts after the context byte
	return loc
}

// scanNames finds the system's catalog names written exactly as whole words.
func (st *lineState) scanNames(r *rule, cue rules.Cue, text []byte, base int) {
	names := st.m.names[r.system]
	for i := 0; i < len(text); {
		if !isWord(text[i]) {
			i++
			continue
		}
		j := i
		upper := true
		for j < len(text) && isWord(text[j]) {
			if 'a' <= text[j] && text[j] <= 'z' {
				upper = false
			}
			j++
		}
		if upper && j-i >= 3 {
			if code, ok := names[string(text[i:j])]; ok {
				switch {
				case len(r.QualifiedBy) > 0 && !qualified(text, i, r.QualifiedBy):
					if st.trace != nil {
						st.trace.event(r, base+i, reason{kind: skipUnqualified, msg: string(text[i:j]), code: code, words: r.QualifiedBy})
					}
				default:
					if st.trace != nil {
						st.trace.eventf(r, base+i, "name %s is code %s", text[i:j], code)
					}
					st.add(r, cue, code, "", base+i, 0)
				}
			}
		}
		i = j
	}
}

// qualified reports whether the name at text[i:] follows one of the
// qualifiers (lower case) and up to three of ". :(" (Drupal.Error.NAME,
// DrupalError: NAME), the qualifier starting a word.
func qualified(text []byte, i int, quals []string) bool {
	j := i
	for k := 0; k < 3 && j > 0 && strings.IndexByte(". :(", text[j-1]) >= 0; k++ {
		j--
	}
	if j == i {
		return false
	}
	for _, q := range quals {
		if j >= len(q) && equalFold(text[j-len(q):j], q) && startsWord(text, j-len(q)) {
			return true
		}
	}
	return false
}

func isWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// scanEmbeddedJSON finds JSON objects inside text (an access log line ending
// in a response body, a console line printing an error object) and walks
// them.
func (st *lineState) scanEmbeddedJSON(text []byte, base, depth int, sc *scope, anc *msgTie) {
	for i := 0; i < len(text); {
		k := bytes.IndexByte(text[i:], '{')
		if k < 0 {
			return
		}
		if st.budget <= 0 {
			st.trace.limit(base+i+k, "%d attempts to read embedded JSON on the line were made: the rest of this text was not searched for JSON", maxJSONAttempts)
			return
		}
		start := i + k
		end := objectEnd(text[start:])
		if end < 0 {
			st.budget--
			i = start + 1
			continue
		}
		obj := text[start : start+end]
		st.budget--
		if d, ok := st.parse(obj); ok {
			st.walkDoc(d, base+start, depth+1, sc, start, start+end, anc)
			i = start + end
			continue
		}
		i = start + 1
	}
}

// objectEnd returns the length of the brace-balanced span that b (starting
// with '{') begins with, honouring JSON strings, or -1.
func objectEnd(b []byte) int {
	depth := 0
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// walkDoc walks one JSON document d that stands at offset doc of the line,
// and at [ps, pe) of its parent scope's text (none for the line's own
// document), inside the objects whose messages anc holds markers of. The
// JSON rules' literals are searched once in the whole document: an object
// can only hold a key its document holds.
func (st *lineState) walkDoc(d *jdoc, doc, depth int, parent *scope, ps, pe int, anc *msgTie) {
	var found []bool
	if n := st.m.jsonLits.Len(); n > 0 {
		found = st.bools(n)
		if !st.m.jsonLits.FindAll(d.text, found) {
			found = nil // no JSON rule can match in this document
		}
	}
	st.walk(d, 0, doc, depth, found, st.newScope(parent, ps, pe, d.text, d), anc)
}

// walk visits value n of document d, which starts at offset doc of the
// line, whose scope is sc, inside the objects whose messages anc holds
// markers of: JSON rules on every object, text rules on string values, and
// JSON held in strings.
func (st *lineState) walk(d *jdoc, n int32, doc, depth int, found []bool, sc *scope, anc *msgTie) {
	nd := &d.nodes[n]
	if depth > maxDepth {
		if nd.kind == jObject || nd.kind == jArray || nd.kind == jString {
			st.trace.limit(doc+int(nd.start), "nesting deeper than %d levels (JSON and JSON held in strings): what is inside was not searched", maxDepth)
		}
		return
	}
	switch nd.kind {
	case jObject:
		if found != nil {
			// Depth 0 is the line's own value: embedded objects and
			// JSON in strings start deeper.
			st.applyJSONRules(d, n, doc, found, depth == 0, sc, anc)
		}
		inner := st.messageTies(d, n, anc)
		for k := d.first(n); k >= 0; k = d.nodes[k].next {
			st.walk(d, k, doc, depth+1, found, sc, inner)
		}
	case jArray:
		for k := d.first(n); k >= 0; k = d.nodes[k].next {
			st.walk(d, k, doc, depth+1, found, sc, anc)
		}
	case jString:
		s := st.str(d, n)
		if len(s) < 3 || !(st.m.carriers.Contains(s) || st.m.hasNames && st.anyMark) {
			return
		}
		// Offsets inside a string are approximate (escapes shrink the
		// text) but stay inside the string's span, so line order holds.
		at := doc + int(nd.start) + 1
		inner := bytes.TrimSpace(s)
		ps, pe := int(nd.start), int(nd.end)
		if len(inner) > 0 && (inner[0] == '{' || inner[0] == '[') {
			if sub, ok := st.parse(inner); ok {
				st.walkDoc(sub, at, depth+1, sc, ps, pe, anc)
				return
			}
		}
		st.scanText(inner, at, depth+1, st.newScope(sc, ps, pe, inner, nil), anc)
	}
}

// applyJSONRules tests every JSON rule against object obj of document d
// (which stands at offset doc of the line) of the document scope sc,
// inside the objects whose messages anc holds markers of; top says it is
// the line's top-level object.
func (st *lineState) applyJSONRules(d *jdoc, obj int32, doc int, found []bool, top bool, sc *scope, anc *msgTie) {
	base := doc + int(d.nodes[obj].start)
	// ties caches, per system, whether its marker ties this object: 0
	// not known yet, 1 no, 2 yes.
	var ties [8]int8
	tiedHere := func(sys int) bool {
		if sys >= len(ties) {
			return st.objectTied(sc, d, obj, sys, anc)
		}
		if ties[sys] == 0 {
			ties[sys] = 1
			if st.objectTied(sc, d, obj, sys, anc) {
				ties[sys] = 2
			}
		}
		return ties[sys] == 2
	}
	for _, r := range st.m.jsonIndex.may(found, st.trace != nil, &st.ruleBits, &st.jsonRules) {
		if !r.hasLiteral(found) {
			// The document does not hold the code's key: no lookups.
			if st.trace != nil {
				st.trace.eventf(r, base, "object has no %v", r.JSON.Code)
			}
			continue
		}
		if r.JSON.TopLevel && !top {
			if st.trace != nil {
				st.trace.eventf(r, base, "not the line's top-level object (top_level: true)")
			}
			continue
		}
		tied := st.marked[r.sysIndex]
		if tied && !st.findMarked[r.sysIndex] && (r.needsMark || r.relaxed) {
			tied = tiedHere(r.sysIndex)
		}
		cue, why := st.applies(r, tied)
		if why.kind != runs {
			st.trace.event(r, base, why)
			continue
		}
		spec := r.JSON
		code := st.lookup(r, d, obj, spec.Code, r.foldedCode)
		if !code.exists {
			if st.trace != nil {
				st.trace.eventf(r, base, "object has no %v", spec.Code)
			}
			continue
		}
		if code.ambiguous {
			if st.trace != nil {
				st.trace.eventf(r, doc+code.index, "object has its code key %q more than once, with different values: ambiguous", st.keyStr(code.doc, code.node))
			}
			continue
		}
		var raws []byte
		switch code.kind {
		case jNumber:
			raws = code.raw
		case jString:
			raws = st.valStr(code)
		default:
			if st.trace != nil {
				st.trace.eventf(r, doc+code.index, "code value %s is neither a number nor a string", code.raw)
			}
			continue
		}
		norm, ok := st.spell(r, stringOf(raws))
		if !ok {
			if st.trace != nil {
				st.trace.eventf(r, doc+code.index, "code value %s is not a valid %s code", code.raw, codeTypeName(r.CodeType))
			}
			continue
		}
		if !st.conditions(d, obj, spec) {
			if st.trace != nil {
				st.trace.eventf(r, base, "object fails all_of/any_of/none_of (all_of %v, any_of %v, none_of %v)", spec.AllOf, spec.AnyOf, spec.NoneOf)
			}
			continue
		}
		if i := st.failedWhere(d, obj, spec.Where); i >= 0 {
			if st.trace != nil {
				w := spec.Where[i]
				st.trace.eventf(r, base, "object's %s is %s, not one of %q", w.Path, gjson.GetBytes(d.raw(obj), w.Path).Raw, w.Values)
			}
			continue
		}
		msg, hasMsg := "", false
		m := st.lookupString(r, d, obj, spec.Message, r.foldedMsg)
		if m.ambiguous {
			if st.trace != nil {
				st.trace.eventf(r, doc+m.index, "object has its message key %q more than once, with different values: ambiguous", st.keyStr(m.doc, m.node))
			}
			continue
		}
		if m.exists {
			msg, hasMsg = stringOf(st.valStr(m)), true
		}
		if spec.RequireMessage && !hasMsg {
			if st.trace != nil {
				st.trace.eventf(r, base, "object has no message string at %v", spec.Message)
			}
			continue
		}
		if st.trace != nil {
			st.trace.eventf(r, doc+code.index, "object has code %s", code.raw)
		}
		off := doc + code.index
		if code.kind == jString {
			off++
		}
		// The code may be a view of the line: the find keeps a copy.
		st.add(r, cue, strings.Clone(norm), msg, off, 0)
	}
}

// lookup returns the value of the first of keys that object obj of d has:
// by path, or, for a keys_fold rule, by comparing the object's keys folded
// with folded (keys folded the same way).
func (st *lineState) lookup(r *rule, d *jdoc, obj int32, keys, folded []string) jval {
	if !r.JSON.KeysFold {
		for _, p := range keys {
			if c := st.get(d, obj, p); c.exists {
				return c
			}
		}
		return jval{}
	}
	best, bestRank := int32(-1), len(folded)
	for k := d.first(obj); k >= 0 && bestRank > 0; k = d.nodes[k].next {
		key := stringOf(st.keyStr(d, k))
		for i, want := range folded[:bestRank] {
			if foldedEqual(key, want) {
				best, bestRank = k, i
				break
			}
		}
	}
	if best < 0 {
		return jval{}
	}
	v := d.val(best)
	// Another key that folds to the same one, with another value, makes
	// the value ambiguous, as a duplicate key does (get).
	for k := d.nodes[best].next; k >= 0; k = d.nodes[k].next {
		if foldedEqual(stringOf(st.keyStr(d, k)), folded[bestRank]) && !bytes.Equal(d.raw(k), v.raw) {
			v.ambiguous = true
			break
		}
	}
	return v
}

// foldedEqual reports whether key folds (as rules.FoldKey does) to want,
// without building the folded key.
func foldedEqual(key, want string) bool {
	j := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if j >= len(want) || want[j] != c {
			return false
		}
		j++
	}
	return j == len(want)
}

// lookupString is lookup for the first of keys that holds a string.
func (st *lineState) lookupString(r *rule, d *jdoc, obj int32, keys, folded []string) jval {
	for i := range keys {
		var f []string
		if r.JSON.KeysFold {
			f = folded[i : i+1]
		}
		if v := st.lookup(r, d, obj, keys[i:i+1], f); v.ambiguous || v.exists && v.kind == jString {
			return v
		}
	}
	return jval{}
}

// bytesOf views s as bytes without copying, for the read-only prefilter
// scans of the hot path. The result must not be modified.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func (st *lineState) conditions(d *jdoc, obj int32, spec *rules.JSONSpec) bool {
	for _, p := range spec.AllOf {
		if !st.pathHolds(d, obj, p) {
			return false
		}
	}
	if len(spec.AnyOf) > 0 && !slices.ContainsFunc(spec.AnyOf, func(p rules.PathTest) bool { return st.pathHolds(d, obj, p) }) {
		return false
	}
	for _, p := range spec.NoneOf {
		if st.pathHolds(d, obj, p) {
			return false
		}
	}
	return true
}

// pathHolds reports whether object obj of d has the path of t, with a
// value of t's type when it gives one.
func (st *lineState) pathHolds(d *jdoc, obj int32, t rules.PathTest) bool {
	v := st.get(d, obj, t.Path)
	if !v.exists {
		return false
	}
	if v.ambiguous && t.Type != "" {
		return false // of which type depends on who reads it
	}
	switch t.Type {
	case "":
		return true
	case "object":
		return v.kind == jObject
	case "array":
		return v.kind == jArray
	case "string":
		return v.kind == jString
	case "number":
		return v.kind == jNumber
	case "boolean":
		return v.kind == jTrue || v.kind == jFalse
	case "null":
		return v.kind == jNull
	}
	return false
}

// failedWhere returns the first condition on values that object obj of d
// fails, or -1.
func (st *lineState) failedWhere(d *jdoc, obj int32, where []rules.ValueCondition) int {
	for i := range where {
		v := st.get(d, obj, where[i].Path)
		if !v.exists || v.ambiguous {
			return i
		}
		text := v.raw
		if v.kind == jString {
			text = st.valStr(v)
		}
		if !where[i].Holds(stringOf(text)) {
			return i
		}
	}
	return -1
}

// spell checks raw, a code as the line writes it, against r's code type
// and returns it in the catalog's spelling: for an integer rule, as
// written when the catalog lists that spelling (08006), otherwise in
// canonical decimal (+12 and 007 are 12 and 7).
func (st *lineState) spell(r *rule, raw string) (string, bool) {
	code, ok := normalizeCode(r.CodeType, raw)
	if ok && r.CodeType == rules.CodeInteger && code != raw && st.m.cat.Has(r.system, raw) {
		return raw, true
	}
	return code, ok
}

// add records a find of rule r: code (in the catalog's spelling) with the
// message the line gives it, at offset off, tied to r's system by cue;
// spec is how specific its carrier is (see find). Finds that cannot be
// annotated go no further: a zero code the catalog lacks, a shared shape
// that is not corroborated.
func (st *lineState) add(r *rule, cue rules.Cue, code, msg string, off, spec int) {
	f := find{system: r.system, code: code, rule: r.ID, offset: off, cue: cue, spec: spec, sysIndex: r.sysIndex, marks: r.Marks, fallback: r.Fallback}
	f.res = st.m.cat.Resolve(r.system, code, msg)
	if code == "0" && r.CodeType == rules.CodeInteger && !f.res.Known {
		st.trace.drop(f, reason{kind: dropZero, system: r.system})
		return
	}
	if r.Corroborate != nil {
		why := st.corroborate(r, &f, msg)
		if why.kind < keepMarked {
			st.trace.drop(f, why)
			return
		}
		st.trace.event(r, off, why)
	}
	st.finds = append(st.finds, f)
}
