package output

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/tidwall/gjson"
)

// autoEncoder writes lines back as they came, annotated in place.
type autoEncoder struct {
	w     byteWriter
	opts  Options
	buf   []byte
	label string // SourceLabel(opts.Source)
}

func (s *autoEncoder) prefix() {
	if s.opts.Source != "" {
		s.w.WriteString(s.label)
		s.w.WriteByte(':')
	}
}

// SourceLabel is how the auto format writes the input's name before each
// line (-H): as it is, or, when it holds a control character (a newline)
// or invalid UTF-8, quoted with Go's escapes ("bad\nname",
// "bad\xffname"), so that every line of output is one line of input and
// the name reads back exactly.
func SourceLabel(name string) string {
	if utf8.ValidString(name) && strings.IndexFunc(name, unicode.IsControl) < 0 {
		return name
	}
	return strconv.Quote(name)
}

// FileBase64Key is the key under which the JSON format writes the input's
// name in base64 as well, when the name is not valid UTF-8: a JSON string
// cannot hold its bytes ("file" then has them replaced by U+FFFD).
const FileBase64Key = "errtag_file_base64"

// appendSourceBase64 appends FileBase64Key's field to b if source is not
// valid UTF-8.
func appendSourceBase64(b []byte, source string) []byte {
	if utf8.ValidString(source) {
		return b
	}
	b = append(b, `,"`+FileBase64Key+`":"`...)
	b = base64.StdEncoding.AppendEncode(b, []byte(source))
	return append(b, '"')
}

func (s *autoEncoder) Plain(block []byte) error {
	if s.opts.Source == "" {
		_, err := s.w.Write(block)
		return err
	}
	for len(block) > 0 {
		i := bytes.IndexByte(block, '\n')
		s.prefix()
		if _, err := s.w.Write(block[:i+1]); err != nil {
			return err
		}
		block = block[i+1:]
	}
	return nil
}

func (s *autoEncoder) Line(line, term []byte, anns []matcher.Annotation) error {
	s.prefix()
	b := s.buf[:0]
	if len(anns) > 0 {
		if at, empty, ok := jsonObjectEnd(line, anns[0].JSONLine); ok {
			if k := keysOf(line, false); !k.errtag && !k.annotatedLog {
				b = append(b, line[:at]...)
				if !empty {
					b = append(b, ',')
				}
				b = append(b, `"errtag":`...)
				b = appendAnnotationJSON(b, anns, s.opts.Fields, s.opts.cache)
				b = append(b, line[at:]...)
			}
		} else if !hasLogfmtAnnotation(line) {
			b = append(b, line...)
			b = appendLogfmt(b, anns, s.opts.Fields, s.opts.cache)
		}
	}
	if len(b) == 0 {
		// No annotation, or the line carries errtag's already.
		s.w.Write(line)
		_, err := s.w.Write(term)
		return err
	}
	b = append(b, term...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

func (s *autoEncoder) LongStart() error { s.prefix(); return nil }
func (s *autoEncoder) LongChunk(b []byte) error {
	_, err := s.w.Write(b)
	return err
}
func (s *autoEncoder) LongEnd(term []byte) error {
	_, err := s.w.Write(term)
	return err
}
func (s *autoEncoder) Flush() error { return nil }

// jsonObjectEnd reports whether line is one JSON object and, if so, the
// offset of its closing brace and whether the object is empty. valid says
// the line is known to be one valid JSON value (matcher.Annotation's
// JSONLine): it is not checked again.
func jsonObjectEnd(line []byte, valid bool) (at int, empty, ok bool) {
	t := bytes.TrimRight(line, jsonSpace)
	l := bytes.TrimLeft(t, jsonSpace)
	if len(l) < 2 || l[0] != '{' || t[len(t)-1] != '}' || !valid && !gjson.ValidBytes(l) {
		return 0, false, false
	}
	at = len(t) - 1
	inner := bytes.TrimSpace(l[1 : len(l)-1])
	return at, len(inner) == 0, true
}

// ownKeys says which of the keys errtag writes the top level of a JSON
// object already has.
type ownKeys struct {
	errtag, file, fileAlt bool
	// annotatedLog: the object's "log" string (errtag's record of a text
	// line) ends with errtag's own logfmt pairs: the line was annotated
	// before it became a record, and is not annotated again.
	annotatedLog bool
}

// keysOf reads the top-level keys of obj, a valid JSON object (escapes in
// keys are decoded: "\u0066ile" is "file"). The file keys are looked for
// only when withFile says so.
func keysOf(obj []byte, withFile bool) ownKeys {
	var k ownKeys
	if indexAt(obj, "errtag", 5) < 0 && !(withFile && bytes.Contains(obj, []byte(FileKey))) && indexAt(obj, `\u`, 0) < 0 {
		return k // none of them, even spelled with escapes
	}
	gjson.ParseBytes(obj).ForEach(func(key, value gjson.Result) bool {
		switch key.Str {
		case "errtag":
			k.errtag = true
		case "log":
			k.annotatedLog = value.Type == gjson.String && hasLogfmtAnnotation([]byte(value.Str))
		case FileKey:
			k.file = true
		case FileKeyAlt:
			k.fileAlt = true
		}
		return true
	})
	return k
}

// hasLogfmtAnnotation reports whether a text line ends with logfmt pairs
// as errtag appends them: from a " errtag." on, nothing but
// ` errtag.FIELD=VALUE` pairs for errtag's fields, each VALUE bare or a
// JSON string, as appendLogfmtValue writes it.
func hasLogfmtAnnotation(line []byte) bool {
	for from := 0; ; {
		i := indexAt(line[from:], " errtag.", 6)
		if i < 0 {
			return false
		}
		if logfmtPairs(line[from+i:]) {
			return true
		}
		from += i + 1
	}
}

// indexAt is bytes.Index(s, needle), found through needle[anchor], a byte
// that is rare in log text: bytes.Index stops at every occurrence of the
// needle's first byte, and a space or an 'e' is everywhere (it was a
// tenth of the output's time on annotated lines).
func indexAt(s []byte, needle string, anchor int) int {
	for from := anchor; from < len(s); {
		i := bytes.IndexByte(s[from:], needle[anchor])
		if i < 0 {
			return -1
		}
		at := from + i - anchor
		if at+len(needle) <= len(s) && string(s[at:at+len(needle)]) == needle {
			return at
		}
		from += i + 1
	}
	return -1
}

// logfmtPairs reports whether s is one or more ` errtag.FIELD=VALUE` pairs.
func logfmtPairs(s []byte) bool {
	for len(s) > 0 {
		rest, ok := bytes.CutPrefix(s, []byte(" errtag."))
		if !ok {
			return false
		}
		eq := bytes.IndexByte(rest, '=')
		if eq < 0 || !isField(rest[:eq]) {
			return false
		}
		s = rest[eq+1:]
		n := logfmtValueLen(s)
		if n == 0 {
			return false
		}
		s = s[n:]
	}
	return true
}

func isField(name []byte) bool {
	for _, f := range allFields {
		if string(f) == string(name) {
			return true
		}
	}
	return false
}

// logfmtValueLen is the length of the value at the start of s, which ends
// at a space or at the end of s, or 0 if s starts with none: a JSON string
// of valid UTF-8, or bare bytes as appendLogfmtValue leaves them.
func logfmtValueLen(s []byte) int {
	if len(s) > 0 && s[0] == '"' {
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				if (i+1 == len(s) || s[i+1] == ' ') && utf8.Valid(s[:i+1]) && json.Valid(s[:i+1]) {
					return i + 1
				}
				return 0
			}
		}
		return 0
	}
	i := 0
	for ; i < len(s) && s[i] != ' '; i++ {
		if c := s[i]; c < ' ' || c == '=' || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			return 0
		}
	}
	return i
}

// jsonEncoder writes one JSON object per line.
type jsonEncoder struct {
	w    byteWriter
	opts Options
	buf  []byte
	// long-line state: bytes of an incomplete UTF-8 sequence carried
	// between chunks, and whether any byte had to be replaced.
	carry []byte
	lossy bool
}

func (s *jsonEncoder) Plain(block []byte) error {
	for len(block) > 0 {
		i := bytes.IndexByte(block, '\n')
		line := block[:i]
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if err := s.Line(line, nil, nil); err != nil {
			return err
		}
		block = block[i+1:]
	}
	return nil
}

func (s *jsonEncoder) Line(line, _ []byte, anns []matcher.Annotation) error {
	b := s.buf[:0]
	if at, empty, ok := jsonObjectEnd(line, len(anns) > 0 && anns[0].JSONLine); ok && utf8.Valid(line) {
		b = append(b, bytes.TrimLeft(line[:at], jsonSpace)...)
		var keys ownKeys
		if s.opts.Source != "" || len(anns) > 0 {
			keys = keysOf(line, s.opts.Source != "")
		}
		// A record that carries errtag's annotation is written as it
		// is: errtag's output run through errtag again is unchanged.
		if !keys.errtag {
			if keys.annotatedLog {
				anns = nil // errtag's record of a line it annotated
			}
			if s.opts.Source != "" && !(keys.file && keys.fileAlt) {
				if !empty {
					b = append(b, ',')
				}
				b = append(b, '"')
				if keys.file {
					b = append(b, FileKeyAlt...)
				} else {
					b = append(b, FileKey...)
				}
				b = append(b, `":`...)
				b = appendJSONString(b, s.opts.Source)
				b = appendSourceBase64(b, s.opts.Source)
				empty = false
			}
			if len(anns) > 0 {
				if !empty {
					b = append(b, ',')
				}
				b = append(b, `"errtag":`...)
				b = appendAnnotationJSON(b, anns, s.opts.Fields, s.opts.cache)
			}
		}
		b = append(b, '}')
	} else {
		b = append(b, `{"log":`...)
		b = appendJSONString(b, string(line))
		if !utf8.Valid(line) {
			// JSON strings cannot hold invalid UTF-8: keep the exact
			// bytes beside the readable text.
			b = append(b, `,"log_base64":"`...)
			b = base64.StdEncoding.AppendEncode(b, line)
			b = append(b, '"')
		}
		if s.opts.Source != "" {
			b = append(b, `,"`+FileKey+`":`...)
			b = appendJSONString(b, s.opts.Source)
			b = appendSourceBase64(b, s.opts.Source)
		}
		if len(anns) > 0 && !hasLogfmtAnnotation(line) {
			b = append(b, `,"errtag":`...)
			b = appendAnnotationJSON(b, anns, s.opts.Fields, s.opts.cache)
		}
		b = append(b, '}')
	}
	b = append(b, '\n')
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

func (s *jsonEncoder) LongStart() error {
	s.carry, s.lossy = s.carry[:0], false
	_, err := s.w.WriteString(`{"log":"`)
	return err
}

func (s *jsonEncoder) LongChunk(chunk []byte) error {
	data := append(s.carry, chunk...)
	// Hold back an incomplete UTF-8 sequence at the end for the next chunk.
	cut := len(data)
	for k := 1; k <= 3 && k <= len(data); k++ {
		c := data[len(data)-k]
		if c >= 0xC0 { // a lead byte
			if !utf8.FullRune(data[len(data)-k:]) {
				cut = len(data) - k
			}
			break
		}
		if c < 0x80 {
			break
		}
	}
	s.encodeLong(data[:cut])
	s.carry = append(s.carry[:0], data[cut:]...)
	return nil
}

func (s *jsonEncoder) encodeLong(data []byte) {
	if !utf8.Valid(data) {
		s.lossy = true
	}
	enc := appendJSONString(s.buf[:0], string(data))
	s.w.Write(enc[1 : len(enc)-1])
	s.buf = enc[:0]
}

func (s *jsonEncoder) LongEnd(_ []byte) error {
	if len(s.carry) > 0 {
		s.encodeLong(s.carry)
		s.carry = s.carry[:0]
	}
	s.w.WriteString(`"`)
	if s.opts.Source != "" {
		s.w.WriteString(`,"` + FileKey + `":`)
		s.w.Write(appendSourceBase64(appendJSONString(nil, s.opts.Source), s.opts.Source))
	}
	s.w.WriteString(`,"errtag_long_line":true`)
	if s.lossy {
		s.w.WriteString(`,"log_invalid_utf8":true`)
	}
	_, err := s.w.WriteString("}\n")
	return err
}

func (s *jsonEncoder) Flush() error { return nil }

// jsonSpace is the white space JSON allows around a value that can occur
// inside a line (LF cannot).
const jsonSpace = " \t\r"
