package output

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
)

// Field names an annotation field that can be emitted.
type Field string

// The annotation fields, in the order they are written.
const (
	FieldSystem       Field = "system"
	FieldCode         Field = "code"
	FieldName         Field = "name"
	FieldCategory     Field = "category"
	FieldGroup        Field = "group"
	FieldMessage      Field = "message"
	FieldRemediation  Field = "remediation"
	FieldKnown        Field = "known"
	FieldAlternatives Field = "alternatives"
	FieldRule         Field = "rule"
	// FieldCue says what tied the line to the system: marker, carrier,
	// shape or system (see matcher.Annotation.Cue).
	FieldCue Field = "cue"
)

// allFields lists every field in output order.
var allFields = [...]Field{FieldSystem, FieldCode, FieldName, FieldCategory, FieldGroup, FieldMessage, FieldRemediation, FieldKnown, FieldAlternatives, FieldRule, FieldCue}

// AllFields returns every field, in output order.
func AllFields() []Field { return append([]Field(nil), allFields[:]...) }

// DefaultFields returns what is written when the user chooses nothing:
// every field but rule and cue, enough for the person on call. known is
// written only when false and alternatives only when there are some.
func DefaultFields() []Field {
	var out []Field
	for _, f := range allFields {
		if f != FieldRule && f != FieldCue {
			out = append(out, f)
		}
	}
	return out
}

// fieldKnownAsked is FieldKnown as ParseFields returns it: a list that
// names known asks for it, so it is written for known codes too
// (known=true), where the default list writes it only when false.
const fieldKnownAsked Field = "known (asked for)"

// ParseFields parses a comma-separated field list ("system,code,name"). A
// field named twice is written once, where it is first named. system, when
// named, is written first wherever it is named, so that each annotation's
// group of fields starts with errtag.system and a line's groups are told
// apart by it. known, named in the list, is written for every annotation
// (true or false); in the default list it is written only when false.
func ParseFields(s string) ([]Field, error) {
	var out []Field
	seen := map[Field]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		ok := false
		for _, f := range allFields {
			if string(f) == p {
				ok = true
				if f == FieldKnown {
					f = fieldKnownAsked
				}
				if !seen[f] {
					seen[f] = true
					out = append(out, f)
				}
			}
		}
		if !ok {
			names := make([]string, len(allFields))
			for i, f := range allFields {
				names[i] = string(f)
			}
			return nil, &FieldError{Field: p, Known: names}
		}
	}
	if len(out) == 0 {
		return nil, &FieldError{Known: nil}
	}
	for i, f := range out {
		if f == FieldSystem && i > 0 {
			copy(out[1:i+1], out[:i])
			out[0] = FieldSystem
			break
		}
	}
	return out, nil
}

// FieldError reports an unknown --fields entry.
type FieldError struct {
	Field string
	Known []string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return "no fields given"
	}
	return "unknown field " + strconv.Quote(e.Field) + " (known: " + strings.Join(e.Known, ", ") + ")"
}

// value returns the text of field f of a, and whether to write it.
func value(a *matcher.Annotation, f Field) (string, bool) {
	e := &a.Entry
	switch f {
	case FieldSystem:
		return e.System, true
	case FieldCode:
		return e.Code, true
	case FieldName:
		// A code whose row the line did not pick has no name, and may
		// have no category or message (catalog.Resolve).
		return e.Name, a.Known && e.Name != ""
	case FieldCategory:
		return e.Category, a.Known && e.Category != ""
	case FieldGroup:
		return e.Group, a.Known && e.Group != ""
	case FieldMessage:
		return e.Message, a.Known && e.Message != ""
	case FieldRemediation:
		return e.Remediation, a.Known && e.Remediation != ""
	case FieldRule:
		return a.Rule, true
	case FieldCue:
		return a.Cue.String(), true
	case FieldAlternatives:
		names := make([]string, len(a.Alternatives))
		for i, alt := range a.Alternatives {
			names[i] = alt.Name
		}
		return strings.Join(names, ","), len(names) > 0
	}
	return "", false
}

// AppendJSON appends anns as the JSON array that both formats write under
// the "errtag" key, with fields (nil: DefaultFields()).
func AppendJSON(b []byte, anns []matcher.Annotation, fields []Field) []byte {
	if fields == nil {
		fields = DefaultFields()
	}
	return appendAnnotationJSON(b, anns, fields, nil)
}

// AppendLogfmt appends anns as the logfmt pairs that Auto appends to an
// annotated text line (each pair after a space), with fields (nil:
// DefaultFields()).
func AppendLogfmt(b []byte, anns []matcher.Annotation, fields []Field) []byte {
	if fields == nil {
		fields = DefaultFields()
	}
	return appendLogfmt(b, anns, fields, nil)
}

// renderCache holds the renderings of annotations, for one field list: a
// catalog row comes out on many lines, and is rendered once, then copied.
// It is safe for concurrent use (RunParallel's renderers share their
// Sink's).
//
// Only annotations of known codes without alternatives are kept: their
// texts are the catalog's, so the same row on another line has its texts
// at the same addresses, and an annotation is known by where its texts
// are (annKey) instead of by hashing them. The cache keeps the texts it
// has seen alive, so no other text can take their place in memory.
type renderCache struct {
	mu sync.RWMutex
	m  map[annKey]*rendered
}

// maxRendered bounds a renderCache (a catalog has a few thousand rows).
const maxRendered = 4096

// annKey is where the texts of an annotation are, and the rest of what its
// rendering shows.
type annKey struct {
	ptr   [annTexts]*byte
	len   [annTexts]int
	known bool
	cue   rules.Cue
}

const annTexts = 8

// rendered is an annotation rendered both ways, and the texts it was
// rendered from.
type rendered struct {
	logfmt, json []byte
	texts        [annTexts]string
}

// get returns a's renderings, or nil when a is not cached (c nil, an
// unknown code, an annotation with alternatives, or the cache full).
func (c *renderCache) get(a *matcher.Annotation, fields []Field) *rendered {
	if c == nil || !a.Known || len(a.Alternatives) > 0 {
		return nil
	}
	e := &a.Entry
	texts := [annTexts]string{e.System, e.Code, e.Name, e.Category, e.Group, e.Message, e.Remediation, a.Rule}
	k := annKey{known: a.Known, cue: a.Cue}
	for i, t := range texts {
		k.ptr[i], k.len[i] = unsafe.StringData(t), len(t)
	}
	c.mu.RLock()
	r, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return r
	}
	r = &rendered{logfmt: appendOneLogfmt(nil, a, fields), json: appendOneJSON(nil, a, fields), texts: texts}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[annKey]*rendered)
	}
	if len(c.m) < maxRendered {
		c.m[k] = r
	}
	return r
}

// appendAnnotationJSON appends the JSON for anns: an array of objects, one
// per error, whatever their number, so that a consumer reads every line
// the same way (.errtag[]). Renderings in c (nil: none) are reused.
func appendAnnotationJSON(b []byte, anns []matcher.Annotation, fields []Field, c *renderCache) []byte {
	b = append(b, '[')
	for i := range anns {
		if i > 0 {
			b = append(b, ',')
		}
		if r := c.get(&anns[i], fields); r != nil {
			b = append(b, r.json...)
			continue
		}
		b = appendOneJSON(b, &anns[i], fields)
	}
	return append(b, ']')
}

func appendOneJSON(b []byte, a *matcher.Annotation, fields []Field) []byte {
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, k)
		b = append(b, ':')
	}
	for _, f := range fields {
		switch f {
		case FieldKnown:
			if !a.Known {
				key("known")
				b = append(b, "false"...)
			}
		case fieldKnownAsked:
			key("known")
			b = strconv.AppendBool(b, a.Known)
		case FieldAlternatives:
			if len(a.Alternatives) == 0 {
				continue
			}
			key("alternatives")
			b = append(b, '[')
			for i, alt := range a.Alternatives {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, alt.Name)
			}
			b = append(b, ']')
		default:
			if v, ok := value(a, f); ok {
				key(string(f))
				b = appendJSONString(b, v)
			}
		}
	}
	return append(b, '}')
}

// appendLogfmt appends " errtag.k=v ..." for each annotation, in order; a
// line with several errors repeats the group, each starting at
// errtag.system. Renderings in c (nil: none) are reused.
func appendLogfmt(b []byte, anns []matcher.Annotation, fields []Field, c *renderCache) []byte {
	for i := range anns {
		if r := c.get(&anns[i], fields); r != nil {
			b = append(b, r.logfmt...)
			continue
		}
		b = appendOneLogfmt(b, &anns[i], fields)
	}
	return b
}

// appendOneLogfmt appends the logfmt pairs of one annotation.
func appendOneLogfmt(b []byte, a *matcher.Annotation, fields []Field) []byte {
	for _, f := range fields {
		var v string
		switch f {
		case FieldKnown:
			if a.Known {
				continue
			}
			v = "false"
		case fieldKnownAsked:
			f, v = FieldKnown, strconv.FormatBool(a.Known)
		default:
			var ok bool
			if v, ok = value(a, f); !ok {
				continue
			}
		}
		b = append(b, " errtag."...)
		b = append(b, f...)
		b = append(b, '=')
		b = appendLogfmtValue(b, v)
	}
	return b
}

// appendLogfmtValue writes v bare when it has no byte that would end or
// confuse a bare value (space, control, '=', '"', '\\', non-ASCII), else as
// a JSON string: quoted, with \" \\ \n \r \t and \uXXXX escapes, invalid
// UTF-8 as U+FFFD. A logfmt reader that unquotes as JSON does (go-logfmt
// does) gets v back.
func appendLogfmtValue(b []byte, v string) []byte {
	needQuote := v == ""
	for i := 0; i < len(v) && !needQuote; i++ {
		c := v[i]
		if c <= ' ' || c == '=' || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			needQuote = true
		}
	}
	if !needQuote {
		return append(b, v...)
	}
	return appendJSONString(b, v)
}

const hex = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
