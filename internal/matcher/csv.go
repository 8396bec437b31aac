package matcher

import (
	"bytes"
	"strings"

	"github.com/errtag/errtag/internal/rules"
)

// csvField is one field of a CSV record, as a span of the line: its
// content (inside the quotes of a quoted field, with doubled quotes still
// doubled).
type csvField struct {
	start, end int
	quoted     bool
	// open: a quoted field that the line ends inside (the record goes on
	// on the next line).
	open bool
}

// splitCSV appends to fields the first n fields of text, a CSV record or
// the first line of one: separated by commas, quoted with '"' (doubled
// inside). It stops early at the end of the line, after a field the line
// ends inside (open), and reports false when text is not the start of a
// record: a quote in an unquoted field, or text after a closing quote.
func splitCSV(text []byte, n int, fields []csvField) ([]csvField, bool) {
	pos := 0
	for len(fields) < n {
		if pos < len(text) && text[pos] == '"' {
			i := pos + 1
			for {
				q := bytes.IndexByte(text[i:], '"')
				if q < 0 {
					return append(fields, csvField{start: pos + 1, end: len(text), quoted: true, open: true}), true
				}
				i += q
				if i+1 < len(text) && text[i+1] == '"' {
					i += 2
					continue
				}
				break
			}
			fields = append(fields, csvField{start: pos + 1, end: i, quoted: true})
			switch after := i + 1; {
			case after == len(text):
				return fields, true
			case text[after] != ',':
				return fields, false
			default:
				pos = after + 1
			}
			continue
		}
		c := bytes.IndexByte(text[pos:], ',')
		end := len(text)
		if c >= 0 {
			end = pos + c
		}
		if bytes.IndexByte(text[pos:end], '"') >= 0 {
			return fields, false
		}
		fields = append(fields, csvField{start: pos, end: end})
		if c < 0 {
			return fields, true
		}
		pos = end + 1
	}
	return fields, true
}

// value is the field's text, quotes undoubled.
func (f csvField) value(text []byte) string {
	s := string(text[f.start:f.end])
	if f.quoted {
		s = strings.ReplaceAll(s, `""`, `"`)
	}
	return s
}

// csvWidth is how many columns a CSV rule reads.
func csvWidth(spec *rules.CSVSpec) int {
	n := max(spec.Code, spec.Message) + 1
	for _, w := range spec.Where {
		n = max(n, w.Column+1)
	}
	return n
}

// scanCSV runs a CSV rule over text (at offset base of the line): the code
// and condition columns must be complete on it; the message column is what
// the line holds of it.
func (st *lineState) scanCSV(r *rule, cue rules.Cue, text []byte, base int) {
	spec := r.CSV
	fields, ok := splitCSV(text, r.csvWidth, st.csvFields[:0])
	st.csvFields = fields
	if !ok {
		if st.trace != nil {
			st.trace.eventf(r, base, "the text is not a CSV record: field %d has a quote inside it unquoted, or text after its closing quote", len(fields)+1)
		}
		return
	}
	complete := func(col int) bool { return col < len(fields) && !fields[col].open }
	if !complete(spec.Code) {
		if st.trace != nil {
			st.trace.eventf(r, base, "the record has no complete column %d on this line (%d fields)", spec.Code+1, len(fields))
		}
		return
	}
	for _, w := range spec.Where {
		if !complete(w.Column) {
			if st.trace != nil {
				st.trace.eventf(r, base, "the record has no complete column %d on this line (%d fields)", w.Column+1, len(fields))
			}
			return
		}
		if v := fields[w.Column].value(text); !w.Holds(v) {
			if st.trace != nil {
				st.trace.eventf(r, base+fields[w.Column].start, "column %d is %q, not one of %q", w.Column+1, v, w.Values)
			}
			return
		}
	}
	cf := fields[spec.Code]
	raw := cf.value(text)
	code, ok := st.spell(r, raw)
	if !ok {
		if st.trace != nil {
			st.trace.eventf(r, base+cf.start, "column %d is %q, not a valid %s code", spec.Code+1, raw, codeTypeName(r.CodeType))
		}
		return
	}
	msg := ""
	if spec.Message >= 0 && spec.Message < len(fields) {
		msg = fields[spec.Message].value(text)
	}
	if st.trace != nil {
		st.trace.eventf(r, base+cf.start, "column %d holds code %s", spec.Code+1, raw)
	}
	st.add(r, cue, code, msg, base+cf.start, 0)
}
