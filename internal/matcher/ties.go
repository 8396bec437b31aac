package matcher

import (
	"strings"
)

// Where a marker ties a JSON object.
//
// A marker-cued JSON rule finds a code in an object; the object is the
// system's only when the system's marker is outside it, or names the
// software that wrote it. A marker inside another API's error object, in
// its own message or details (a Kubernetes Status naming a pod
// "drupal-7d9f8b5c4-x2x9k", a Docker build error naming
// drupal/recommended-project), does not make the object the system's. So
// a marker of system S ties object O when it is
//
//   - in the text around O's JSON document (the log line's prefix, the
//     rest of a string that holds the document), at any level out;
//   - in O's document but outside O: in a key, or in the string value of
//     a field that names the software (name, logger, service, source,
//     app, tag...);
//   - in the log message (msg, message, log, text) of an object that
//     holds O: the record O is logged in (not a sibling's message: a list
//     of other APIs' errors each naming a pod "drupal-..." ties none);
//   - in O itself, in the string value of one of O's own fields that
//     names the software ({"source":"knox-efota","resultCode":-2409}).
//
// A marker elsewhere (O's own message, a nested object's name, any other
// value) does not tie O. A find of a rule that marks (Volt MX's key set)
// ties every carrier of the line, wherever it is.
//
// Every text and document the matcher looks at is a scope; a scope knows
// its parent and its span in it, and finds its marks the first time it is
// asked, so a line with no marker-cued JSON rule to decide pays nothing.

// scope is a text or a JSON document of the line.
type scope struct {
	parent *scope
	ps, pe int // the scope's span in its parent's text
	text   []byte
	doc    *jdoc // a JSON document (nil: text)
	built  bool
	// marks are, per system index, the first and last offset in text of
	// a marker in a place that ties what is outside it: anywhere in a
	// text; in a key or a naming or message field of a document.
	marks []span
	// outer caches, per system index, whether the system is tied from
	// outside the scope: 0 not known yet, 1 no, 2 yes.
	outer []int8
}

// newScope returns a scope of the line (from a pool reused line after
// line) for text, which stands at [ps, pe) of parent's text and is the
// document doc (nil: text).
func (st *lineState) newScope(parent *scope, ps, pe int, text []byte, doc *jdoc) *scope {
	if st.nscopes == len(st.scopes) {
		st.scopes = append(st.scopes, &scope{})
	}
	sc := st.scopes[st.nscopes]
	st.nscopes++
	n := len(st.m.systems)
	marks, outer := sc.marks, sc.outer
	if cap(marks) < n {
		marks, outer = make([]span, n), make([]int8, n)
	}
	*sc = scope{parent: parent, ps: ps, pe: pe, text: text, doc: doc, marks: marks[:n], outer: outer[:n]}
	clear(sc.outer)
	return sc
}

// lineScope is the scope of the whole line as text: its marks are the
// line's, found by markSystems.
func (st *lineState) lineScope() *scope {
	sc := st.newScope(nil, 0, 0, st.line, nil)
	copy(sc.marks, st.lineMarks)
	sc.built = true
	return sc
}

// tiedOutside reports whether system sys is tied to what stands at
// [s, e) of the scope's text by a marker outside that span (in this
// scope or, failing that, around it).
func (st *lineState) tiedOutside(sc *scope, sys, s, e int) bool {
	if !sc.built {
		st.buildScope(sc)
	}
	if m := sc.marks[sys]; m.lo >= 0 && (m.lo < s || m.hi >= e) {
		return true
	}
	if sc.parent == nil {
		return false
	}
	if sc.outer[sys] == 0 {
		sc.outer[sys] = 1
		if st.tiedOutside(sc.parent, sys, sc.ps, sc.pe) {
			sc.outer[sys] = 2
		}
	}
	return sc.outer[sys] == 2
}

// buildScope finds the marks of a scope.
func (st *lineState) buildScope(sc *scope) {
	sc.built = true
	for i := range sc.marks {
		sc.marks[i] = span{-1, -1}
	}
	record := func(sys, pos int) {
		m := &sc.marks[sys]
		if m.lo < 0 || pos < m.lo {
			m.lo = pos
		}
		m.hi = max(m.hi, pos)
	}
	st.work.scan(len(sc.text))
	if sc.doc == nil {
		st.markersIn(sc.text, 0, record)
		return
	}
	st.docMarks(sc.doc, 0, 0, record)
}

// markersIn calls at(sys, base+offset) for each marker in text that
// counts (a whole word, in no e-mail address, in no marker exception).
func (st *lineState) markersIn(text []byte, base int, at func(sys, pos int)) {
	st.m.markers.each(text, &st.markHits, nil, st.work, func(sys, start, _ int) { at(sys, base+start) })
}

// docMarks records the marks of value n of d: markers in keys, and in the
// string values of naming fields, at any depth (within the matcher's depth
// limit). Strings holding JSON are not entered: they are scopes of their
// own. (Message fields tie only what they hold: see messageTies.)
func (st *lineState) docMarks(d *jdoc, n int32, depth int, record func(sys, pos int)) {
	if depth > maxDepth {
		return
	}
	switch d.nodes[n].kind {
	case jObject:
		for k := d.first(n); k >= 0; k = d.nodes[k].next {
			nd := &d.nodes[k]
			if st.mayMark(d, nd.key, nd.keyEnd, nd.kesc) {
				st.markersIn(st.keyStr(d, k), int(nd.key), record)
			}
			switch nd.kind {
			case jString:
				if st.mayMark(d, nd.start, nd.end, nd.esc) && isNamingKey(stringOf(st.keyStr(d, k))) {
					st.markersIn(st.str(d, k), int(nd.start), record)
				}
			case jObject, jArray:
				st.docMarks(d, k, depth+1, record)
			}
		}
	case jArray:
		for k := d.first(n); k >= 0; k = d.nodes[k].next {
			if kind := d.nodes[k].kind; kind == jObject || kind == jArray {
				st.docMarks(d, k, depth+1, record)
			}
		}
	}
}

// objectTied reports whether system sys's marker ties object obj of d, in
// the document scope sc, inside the objects whose messages anc holds
// markers of (see the comment at the top of this file).
func (st *lineState) objectTied(sc *scope, d *jdoc, obj int32, sys int, anc *msgTie) bool {
	if anc.has(sys) || st.tiedOutside(sc, sys, int(d.nodes[obj].start), int(d.nodes[obj].end)) {
		return true
	}
	tied := false
	for k := d.first(obj); k >= 0 && !tied; k = d.nodes[k].next {
		nd := &d.nodes[k]
		if nd.kind == jString && st.mayMark(d, nd.start, nd.end, nd.esc) && isNamingKey(stringOf(st.keyStr(d, k))) {
			val := st.str(d, k)
			st.work.scan(len(val))
			st.markersIn(val, 0, func(s, _ int) {
				if s == sys {
					tied = true
				}
			})
		}
	}
	return tied
}

// namingKeys are the fields that name the software that wrote a record
// (compared folded: lower case, without '_', '-' and spaces, and only the
// last element of a dotted key: service.name is name).
var namingKeys = keySet(
	"name", "logger", "loggername", "service", "servicename", "svc", "source", "src",
	"app", "appname", "application", "appid", "applicationid", "tag", "component", "module",
	"program", "process", "processname", "ident", "syslogidentifier", "package", "packagename",
	"pkg", "bundleid", "sdk", "client", "library", "lib", "product", "system", "subsystem",
	"provider", "category",
)

// messageKeys are the fields that carry a record's log message.
var messageKeys = keySet("msg", "message", "log", "text")

func isNamingKey(k string) bool  { return keyIn(k, namingKeys) }
func isMessageKey(k string) bool { return keyIn(k, messageKeys) }

// maxKey is the longest key keyIn folds: longer keys are none of the
// keys it looks for.
const maxKey = 24

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// keyIn reports whether key, folded (as foldedEqual folds), is one of
// keys.
func keyIn(key string, keys map[string]bool) bool {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	if len(key) > maxKey {
		return false
	}
	var buf [maxKey]byte
	n := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return keys[string(buf[:n])]
}

// msgTie is a system whose marker is in the log message of an object that
// holds what is being looked at; up is the next one out.
type msgTie struct {
	up  *msgTie
	sys int
}

func (t *msgTie) has(sys int) bool {
	for ; t != nil; t = t.up {
		if t.sys == sys {
			return true
		}
	}
	return false
}

// messageTies returns anc with the systems whose markers are in object
// obj's own message fields added: what obj holds is logged in its
// message's record.
func (st *lineState) messageTies(d *jdoc, obj int32, anc *msgTie) *msgTie {
	if !st.anyMark {
		return anc
	}
	for k := d.first(obj); k >= 0; k = d.nodes[k].next {
		nd := &d.nodes[k]
		if nd.kind == jString && st.mayMark(d, nd.start, nd.end, nd.esc) && isMessageKey(stringOf(st.keyStr(d, k))) {
			val := st.str(d, k)
			st.work.scan(len(val))
			st.markersIn(val, 0, func(sys, _ int) {
				if !anc.has(sys) {
					anc = &msgTie{up: anc, sys: sys}
				}
			})
		}
	}
	return anc
}
