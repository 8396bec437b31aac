package matcher

import (
	"bytes"
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
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && gjson.ValidBytes(trimmed) {
		off := len(line) - len(trimmed)
		st.walkDoc(trimmed, off, 0)
		return
	}
	st.scanText(line, 0, 0)
}

// scanText runs the text rules over text (which starts at offset base of the
// line, or is nested text that stands at base), then looks for JSON objects
// embedded in it.
func (st *lineState) scanText(text []byte, base, depth int) {
	found := clearBools(&st.textFound, st.m.textLits.Len())
	st.m.textLits.FindAll(text, found)
	for _, r := range st.m.text {
		// The literal check is the cheapest: before the line-wide ones.
		if !r.hasLiteral(found) {
			if st.trace != nil && r.Kind != rules.KindNames {
				st.trace.eventf(r, base, "none of its literals %q occurs here", r.Literals)
			}
			continue
		}
		cue, why := st.applies(r)
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
		st.scanEmbeddedJSON(text, base, depth)
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
		st.add(r, cue, code, msg, base+cs)
	}
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
	st.add(r, cue, code, msg, off)
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
				if st.trace != nil {
					st.trace.eventf(r, base+i, "name %s is code %s", text[i:j], code)
				}
				st.add(r, cue, code, "", base+i)
			}
		}
		i = j
	}
}

func isWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// scanEmbeddedJSON finds JSON objects inside text (an access log line ending
// in a response body, a console line printing an error object) and walks
// them.
func (st *lineState) scanEmbeddedJSON(text []byte, base, depth int) {
	for i := 0; i < len(text) && st.budget > 0; {
		k := bytes.IndexByte(text[i:], '{')
		if k < 0 {
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
		if gjson.ValidBytes(obj) {
			st.walkDoc(obj, base+start, depth+1)
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

// walkDoc walks one JSON document (a valid JSON text) that stands at offset
// doc of the line. The JSON rules' literals are searched once in the whole
// document: an object can only hold a key its document holds.
func (st *lineState) walkDoc(text []byte, doc, depth int) {
	var found []bool
	if st.m.jsonLits.Len() > 0 {
		found = make([]bool, st.m.jsonLits.Len())
		if depth == 0 {
			found = clearBools(&st.jsonFound, st.m.jsonLits.Len())
		}
		if !st.m.jsonLits.FindAll(text, found) {
			found = nil // no JSON rule can match in this document
		}
	}
	st.walk(gjson.ParseBytes(text), doc, depth, found)
}

// walk visits a JSON value of a document that starts at offset doc of the
// line (gjson's Index is relative to the document): JSON rules on every
// object, text rules on string values, and JSON held in strings.
func (st *lineState) walk(v gjson.Result, doc, depth int, found []bool) {
	if depth > maxDepth {
		return
	}
	switch {
	case v.IsObject():
		if found != nil {
			// Depth 0 is the line's own value: embedded objects and
			// JSON in strings start deeper.
			st.applyJSONRules(v, doc+v.Index, found, depth == 0)
		}
		v.ForEach(func(_, val gjson.Result) bool {
			st.walk(val, doc, depth+1, found)
			return true
		})
	case v.IsArray():
		v.ForEach(func(_, val gjson.Result) bool {
			st.walk(val, doc, depth+1, found)
			return true
		})
	case v.Type == gjson.String:
		s := v.Str
		if len(s) < 3 || !(st.m.carriers.Contains(bytesOf(s)) || st.m.hasNames && st.anyMark) {
			return
		}
		// Offsets inside a string are approximate (escapes shrink the
		// text) but stay inside the string's span, so line order holds.
		at := doc + v.Index + 1
		inner := bytes.TrimSpace([]byte(s))
		if len(inner) > 0 && (inner[0] == '{' || inner[0] == '[') && gjson.ValidBytes(inner) {
			st.walkDoc(inner, at, depth+1)
			return
		}
		st.scanText(inner, at, depth+1)
	}
}

// applyJSONRules tests every JSON rule against one object; top says it is
// the line's top-level object.
func (st *lineState) applyJSONRules(obj gjson.Result, base int, found []bool, top bool) {
	raw := obj.Raw
	for _, r := range st.m.json {
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
		cue, why := st.applies(r)
		if why.kind != runs {
			st.trace.event(r, base, why)
			continue
		}
		spec := r.JSON
		code := r.lookup(raw, spec.Code, r.foldedCode)
		if !code.Exists() {
			if st.trace != nil {
				st.trace.eventf(r, base, "object has no %v", spec.Code)
			}
			continue
		}
		var raws string
		switch code.Type {
		case gjson.Number:
			raws = code.Raw
		case gjson.String:
			raws = code.Str
		default:
			if st.trace != nil {
				st.trace.eventf(r, base+code.Index, "code value %s is neither a number nor a string", code.Raw)
			}
			continue
		}
		norm, ok := st.spell(r, raws)
		if !ok {
			if st.trace != nil {
				st.trace.eventf(r, base+code.Index, "code value %s is not a valid %s code", code.Raw, codeTypeName(r.CodeType))
			}
			continue
		}
		if !conditions(raw, spec) {
			if st.trace != nil {
				st.trace.eventf(r, base, "object fails all_of/any_of/none_of (all_of %v, any_of %v, none_of %v)", spec.AllOf, spec.AnyOf, spec.NoneOf)
			}
			continue
		}
		if i := failedWhere(raw, spec.Where); i >= 0 {
			if st.trace != nil {
				w := spec.Where[i]
				st.trace.eventf(r, base, "object's %s is %s, not one of %q", w.Path, gjson.Get(raw, w.Path).Raw, w.Values)
			}
			continue
		}
		msg, hasMsg := "", false
		if m := r.lookupString(raw, spec.Message, r.foldedMsg); m.Exists() {
			msg, hasMsg = m.Str, true
		}
		if spec.RequireMessage && !hasMsg {
			if st.trace != nil {
				st.trace.eventf(r, base, "object has no message string at %v", spec.Message)
			}
			continue
		}
		if st.trace != nil {
			st.trace.eventf(r, base+code.Index, "object has code %s", code.Raw)
		}
		off := base + code.Index
		if code.Type == gjson.String {
			off++
		}
		st.add(r, cue, norm, msg, off)
	}
}

// lookup returns the value of the first of keys the object raw has: by
// gjson path, or, for a keys_fold rule, by comparing the object's keys
// folded with folded (keys folded the same way).
func (r *rule) lookup(raw string, keys, folded []string) gjson.Result {
	if !r.JSON.KeysFold {
		for _, p := range keys {
			if c := gjson.Get(raw, p); c.Exists() {
				return c
			}
		}
		return gjson.Result{}
	}
	best, bestRank := gjson.Result{}, len(folded)
	gjson.Parse(raw).ForEach(func(k, v gjson.Result) bool {
		for i, want := range folded[:bestRank] {
			if foldedEqual(k.Str, want) {
				best, bestRank = v, i
				break
			}
		}
		return bestRank > 0
	})
	return best
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
func (r *rule) lookupString(raw string, keys, folded []string) gjson.Result {
	for i := range keys {
		var f []string
		if r.JSON.KeysFold {
			f = folded[i : i+1]
		}
		if v := r.lookup(raw, keys[i:i+1], f); v.Type == gjson.String {
			return v
		}
	}
	return gjson.Result{}
}

// bytesOf views s as bytes without copying, for the read-only prefilter
// scans of the hot path. The result must not be modified.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func conditions(raw string, spec *rules.JSONSpec) bool {
	for _, p := range spec.AllOf {
		if !gjson.Get(raw, p).Exists() {
			return false
		}
	}
	if len(spec.AnyOf) > 0 {
		any := false
		for _, p := range spec.AnyOf {
			if gjson.Get(raw, p).Exists() {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	for _, p := range spec.NoneOf {
		if gjson.Get(raw, p).Exists() {
			return false
		}
	}
	return true
}

// failedWhere returns the first condition on values that the object raw
// fails, or -1.
func failedWhere(raw string, where []rules.ValueCondition) int {
	for i := range where {
		v := gjson.Get(raw, where[i].Path)
		if !v.Exists() {
			return i
		}
		text := v.Raw
		if v.Type == gjson.String {
			text = v.Str
		}
		if !where[i].Holds(text) {
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
// message the line gives it, at offset off, tied to r's system by cue.
// Finds that cannot be annotated go no further: a zero code the catalog
// lacks, a shared shape that is not corroborated.
func (st *lineState) add(r *rule, cue rules.Cue, code, msg string, off int) {
	f := find{system: r.system, code: code, rule: r.ID, offset: off, cue: cue, sysIndex: r.sysIndex, marks: r.Marks, fallback: r.Fallback}
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
