package matcher

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
)

// A JSON document is read once: parseDoc validates it (as gjson.ValidBytes
// does, byte for byte the same grammar) and, in the same pass, records every
// value as a node of a flat tree. The matcher then walks the nodes, finds
// the rules' keys among an object's members and reads values at their
// offsets, instead of validating the document and then walking and
// searching it again with gjson, object by object and rule by rule.

// jkind is a JSON value's type.
type jkind uint8

const (
	jNull jkind = iota
	jFalse
	jTrue
	jNumber
	jString
	jObject
	jArray
)

// jnode is one value of a document: its raw span, its key's raw span
// (quotes included; key < 0 for an array element or the document itself),
// and the next value of the same container (-1 for the last). The values
// of a container with kids follow it: the first is the next node.
type jnode struct {
	start, end  int32
	key, keyEnd int32
	next        int32
	kind        jkind
	esc, kesc   bool // the string value, the key, has escapes
	kids        bool
	// keys, for an object, has keySig's bit of each of its keys (every
	// bit for a key with escapes): a key whose bit is not set is not
	// one of them.
	keys uint64
}

// keySig is a key's bit in jnode.keys.
func keySig(k []byte) uint64 {
	if len(k) == 0 {
		return 1
	}
	return 1 << ((uint(len(k))*7 + uint(k[0]) + uint(k[len(k)-1])*3) & 63)
}

// jdoc is a parsed document: its text and nodes (node 0 is the document's
// value).
type jdoc struct {
	text  []byte
	nodes []jnode
	// marks are where a marker word occurs in text (as a substring, in
	// any case), once looked for (marksDone).
	marks     []int32
	marksDone bool
}

// jparser builds the nodes of one document.
type jparser struct {
	data  []byte
	nodes []jnode
	base  int // the document's first node in nodes: links count from it
}

// parseDoc parses data, which must be one JSON value with optional white
// space around it, appending its nodes to nodes. ok is false when data is
// not valid JSON (gjson.ValidBytes would say false); the nodes appended are
// then meaningless.
func parseDoc(data []byte, nodes []jnode) ([]jnode, bool) {
	p := jparser{data: data, nodes: nodes, base: len(nodes)}
	i := skipSpace(data, 0)
	if i == len(data) {
		return p.nodes, false
	}
	i, ok := p.value(i, -1, -1, false)
	if !ok {
		return p.nodes, false
	}
	return p.nodes, skipSpace(data, i) == len(data)
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// value parses the value at data[i] (not white space), with the key at
// data[key:keyEnd] (key < 0: none), and returns where it ends.
func (p *jparser) value(i, key, keyEnd int, kesc bool) (int, bool) {
	data := p.data
	n := len(p.nodes)
	p.nodes = append(p.nodes, jnode{start: int32(i), key: int32(key), keyEnd: int32(keyEnd), next: -1, kesc: kesc})
	var ok bool
	switch data[i] {
	case '{':
		p.nodes[n].kind = jObject
		i, ok = p.object(n, i+1)
	case '[':
		p.nodes[n].kind = jArray
		i, ok = p.array(n, i+1)
	case '"':
		p.nodes[n].kind = jString
		var esc bool
		i, esc, ok = scanString(data, i+1)
		p.nodes[n].esc = esc
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		p.nodes[n].kind = jNumber
		i, ok = scanNumber(data, i)
	case 't':
		p.nodes[n].kind = jTrue
		i, ok = literal(data, i, "true")
	case 'f':
		p.nodes[n].kind = jFalse
		i, ok = literal(data, i, "false")
	case 'n':
		p.nodes[n].kind = jNull
		i, ok = literal(data, i, "null")
	default:
		return i, false
	}
	p.nodes[n].end = int32(i)
	return i, ok
}

func literal(data []byte, i int, lit string) (int, bool) {
	if len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

// object parses an object's members from data[i] (after its '{').
func (p *jparser) object(n, i int) (int, bool) {
	data := p.data
	prev := -1
	i = skipSpace(data, i)
	if i < len(data) && data[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return i, false
		}
		ks := i
		ke, kesc, ok := scanString(data, i+1)
		if !ok {
			return ke, false
		}
		if kesc {
			p.nodes[n].keys = ^uint64(0)
		} else {
			p.nodes[n].keys |= keySig(data[ks+1 : ke-1])
		}
		i = skipSpace(data, ke)
		if i >= len(data) || data[i] != ':' {
			return i, false
		}
		i = skipSpace(data, i+1)
		if i >= len(data) {
			return i, false
		}
		kid := len(p.nodes)
		if i, ok = p.value(i, ks, ke, kesc); !ok {
			return i, false
		}
		p.linkKid(n, prev, kid)
		prev = kid
		var done bool
		if i, done, ok = after(data, i, '}'); !ok || done {
			return i, ok
		}
	}
}

// array parses an array's values from data[i] (after its '[').
func (p *jparser) array(n, i int) (int, bool) {
	data := p.data
	prev := -1
	i = skipSpace(data, i)
	if i < len(data) && data[i] == ']' {
		return i + 1, true
	}
	for {
		if i >= len(data) {
			return i, false
		}
		kid := len(p.nodes)
		var ok bool
		if i, ok = p.value(i, -1, -1, false); !ok {
			return i, false
		}
		p.linkKid(n, prev, kid)
		prev = kid
		var done bool
		if i, done, ok = after(data, i, ']'); !ok || done {
			return i, ok
		}
	}
}

// linkKid makes node kid the child of node n that follows prev (-1: its
// first child).
func (p *jparser) linkKid(n, prev, kid int) {
	if prev >= 0 {
		p.nodes[prev].next = int32(kid - p.base)
	} else {
		p.nodes[n].kids = true
	}
}

// after reads what follows a member or an element at data[i]: close ends
// the object or array (done, i after it), ',' another one follows (i at
// it); anything else is an error.
func after(data []byte, i int, close byte) (next int, done, ok bool) {
	i = skipSpace(data, i)
	if i >= len(data) {
		return i, false, false
	}
	switch data[i] {
	case close:
		return i + 1, true, true
	case ',':
		return skipSpace(data, i+1), false, true
	}
	return i, false, false
}

// scanString checks the string whose content starts at data[i] (after its
// opening quote) and returns where it ends (after the closing quote) and
// whether it has escapes.
func scanString(data []byte, i int) (int, bool, bool) {
	esc := false
	for ; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"':
			return i + 1, esc, true
		case c < ' ':
			return i, esc, false
		case c == '\\':
			esc = true
			i++
			if i == len(data) {
				return i, esc, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for k := 0; k < 4; k++ {
					i++
					if i >= len(data) || !isHex(data[i]) {
						return i, esc, false
					}
				}
			default:
				return i, esc, false
			}
		}
	}
	return i, esc, false
}

// scanNumber checks the number at data[i] and returns where it ends.
func scanNumber(data []byte, i int) (int, bool) {
	if data[i] == '-' {
		i++
		if i == len(data) || data[i] < '0' || data[i] > '9' {
			return i, false
		}
	}
	if data[i] == '0' {
		i++
	} else {
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i == len(data) || data[i] < '0' || data[i] > '9' {
			return i, false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i == len(data) || data[i] < '0' || data[i] > '9' {
			return i, false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	return i, true
}

// mayMark reports whether the raw text d.text[s:e] of a key or string
// value may hold a marker: one of the marker words occurs in it, or it has
// escapes (then its value is not its raw text). A string that may not need
// not be searched for markers: the document's text was, once.
func (st *lineState) mayMark(d *jdoc, s, e int32, esc bool) bool {
	if esc {
		return true
	}
	if !d.marksDone {
		d.marksDone = true
		from := len(st.marks)
		st.m.markers.words.all.EachHit(d.text, func(start, _ int) bool {
			st.marks = append(st.marks, int32(start))
			return true
		})
		d.marks = st.marks[from:len(st.marks):len(st.marks)]
	}
	for _, p := range d.marks {
		if s <= p && p < e {
			return true
		}
	}
	return false
}

// first returns the first value of container n, or -1.
func (d *jdoc) first(n int32) int32 {
	if d.nodes[n].kids {
		return n + 1
	}
	return -1
}

// raw is node n's text.
func (d *jdoc) raw(n int32) []byte { return d.text[d.nodes[n].start:d.nodes[n].end] }

// str returns string node n's value, unescaped as gjson unescapes it (into
// st's arena when it has escapes).
func (st *lineState) str(d *jdoc, n int32) []byte {
	nd := &d.nodes[n]
	s := d.text[nd.start+1 : nd.end-1]
	if !nd.esc {
		return s
	}
	return st.unescape(s)
}

// keyStr returns node n's key, unescaped.
func (st *lineState) keyStr(d *jdoc, n int32) []byte {
	nd := &d.nodes[n]
	s := d.text[nd.key+1 : nd.keyEnd-1]
	if !nd.kesc {
		return s
	}
	return st.unescape(s)
}

// unescape returns s (the inside of a valid JSON string) unescaped exactly
// as gjson does, in st's arena: a slice that stays valid for the line.
func (st *lineState) unescape(s []byte) []byte {
	start := len(st.arena)
	b := st.arena
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hexRune(s[i+1:])
			i += 5
			if utf16.IsSurrogate(r) && len(s)-i >= 6 && s[i] == '\\' && s[i+1] == 'u' {
				r = utf16.DecodeRune(r, hexRune(s[i+2:]))
				i += 6
			}
			b = utf8.AppendRune(b, r)
			i--
		default: // '"', '\\', '/'
			b = append(b, s[i])
		}
	}
	st.arena = b
	return b[start:len(b):len(b)]
}

func hexRune(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// jval is a value found by a path: a node of the document, or what gjson
// found where the path is beyond what the node lookup handles.
type jval struct {
	exists bool
	kind   jkind
	raw    []byte
	index  int // the value's offset in the document
	node   int32
	doc    *jdoc
	str    []byte // a string's value (from gjson)
	gj     bool
	// ambiguous says the object has the value's key more than once, with
	// different values (raw is the first's): errtag reads none of them.
	ambiguous bool
}

// value returns the string value of v, unescaped.
func (st *lineState) valStr(v jval) []byte {
	if v.gj {
		return v.str
	}
	return st.str(v.doc, v.node)
}

func (d *jdoc) val(n int32) jval {
	nd := &d.nodes[n]
	return jval{exists: true, kind: nd.kind, raw: d.text[nd.start:nd.end], index: int(nd.start), node: n, doc: d}
}

// simplePath reports whether path is keys only (letters, digits, '_' and
// '-', separated by single dots), which get finds by the nodes; any other gjson
// syntax is left to gjson.
func simplePath(path string) bool {
	if path == "" || path[0] == '.' || path[len(path)-1] == '.' {
		return false
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '.' && path[i-1] == '.' || !pathByte[c] {
			return false
		}
	}
	return true
}

// pathByte says which bytes simplePath allows.
var pathByte = func() (t [256]bool) {
	for c := range t {
		b := byte(c)
		t[c] = b == '.' || b == '_' || b == '-' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
	}
	return t
}()

// get returns the value at path from object obj, as gjson.Get on the
// object's text does: the first key equal to the path's first element. A
// key that the object (or an object on the path) has more than once, with
// different values, makes the value ambiguous: encoding/json, jq and
// JavaScript read the last, gjson the first, and errtag reads neither.
func (st *lineState) get(d *jdoc, obj int32, path string) jval {
	if simplePath(path) {
		if v, ok := st.getKeys(d, obj, path); ok {
			return v
		}
	}
	return gjsonVal(d, obj, gjson.GetBytes(d.raw(obj), path))
}

// getKeys looks path up by the nodes; ok is false when gjson must be asked
// (the path goes into an array).
func (st *lineState) getKeys(d *jdoc, obj int32, path string) (jval, bool) {
	part, rest, more := path, "", false
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			part, rest, more = path[:i], path[i+1:], true
			break
		}
	}
	if d.nodes[obj].keys&keySig(bytesOf(part)) == 0 {
		return jval{}, true // no such key
	}
	k := int32(-1)
	for n := d.first(obj); n >= 0; n = d.nodes[n].next {
		if string(st.keyStr(d, n)) != part {
			continue
		}
		if k < 0 {
			k = n
			continue
		}
		if !bytes.Equal(d.raw(n), d.raw(k)) {
			v := d.val(k)
			v.ambiguous = true
			return v, true
		}
	}
	switch {
	case k < 0:
		return jval{}, true
	case !more:
		return d.val(k), true
	}
	// Duplicates of the key, if any, are the same value: the first
	// stands for them all.
	switch d.nodes[k].kind {
	case jObject:
		return st.getKeys(d, k, rest)
	case jArray:
		return jval{}, false
	}
	return jval{}, true
}

// gjsonVal is what gjson found in object obj of d.
func gjsonVal(d *jdoc, obj int32, r gjson.Result) jval {
	if !r.Exists() {
		return jval{}
	}
	v := jval{exists: true, raw: bytesOf(r.Raw), index: int(d.nodes[obj].start) + r.Index, gj: true}
	switch r.Type {
	case gjson.Null:
		v.kind = jNull
	case gjson.False:
		v.kind = jFalse
	case gjson.True:
		v.kind = jTrue
	case gjson.Number:
		v.kind = jNumber
	case gjson.String:
		v.kind = jString
		v.str = bytesOf(r.Str)
	default:
		v.kind = jObject
		if len(r.Raw) > 0 && r.Raw[0] == '[' {
			v.kind = jArray
		}
	}
	return v
}

// stringOf views b as a string without copying; b must not change while
// the string is used.
func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
