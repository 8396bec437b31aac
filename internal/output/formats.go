package output

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/tidwall/gjson"
)

// autoEncoder writes lines back as they came, annotated in place.
type autoEncoder struct {
	w    byteWriter
	opts Options
	buf  []byte
}

func (s *autoEncoder) prefix() {
	if s.opts.Source != "" {
		s.w.WriteString(s.opts.Source)
		s.w.WriteByte(':')
	}
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
	if len(anns) == 0 {
		s.w.Write(line)
		_, err := s.w.Write(term)
		return err
	}
	b := s.buf[:0]
	if at, empty, ok := jsonObjectEnd(line); ok {
		b = append(b, line[:at]...)
		if !empty {
			b = append(b, ',')
		}
		b = append(b, `"errtag":`...)
		b = appendAnnotationJSON(b, anns, s.opts.Fields)
		b = append(b, line[at:]...)
	} else {
		b = append(b, line...)
		b = appendLogfmt(b, anns, s.opts.Fields)
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
// offset of its closing brace and whether the object is empty.
func jsonObjectEnd(line []byte) (at int, empty, ok bool) {
	t := bytes.TrimRight(line, jsonSpace)
	l := bytes.TrimLeft(t, jsonSpace)
	if len(l) < 2 || l[0] != '{' || t[len(t)-1] != '}' || !gjson.ValidBytes(l) {
		return 0, false, false
	}
	at = len(t) - 1
	inner := bytes.TrimSpace(l[1 : len(l)-1])
	return at, len(inner) == 0, true
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
	if at, empty, ok := jsonObjectEnd(line); ok && utf8.Valid(line) {
		b = append(b, bytes.TrimLeft(line[:at], jsonSpace)...)
		if s.opts.Source != "" {
			if !empty {
				b = append(b, ',')
			}
			b = append(b, `"file":`...)
			b = appendJSONString(b, s.opts.Source)
			empty = false
		}
		if len(anns) > 0 {
			if !empty {
				b = append(b, ',')
			}
			b = append(b, `"errtag":`...)
			b = appendAnnotationJSON(b, anns, s.opts.Fields)
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
			b = append(b, `,"file":`...)
			b = appendJSONString(b, s.opts.Source)
		}
		if len(anns) > 0 {
			b = append(b, `,"errtag":`...)
			b = appendAnnotationJSON(b, anns, s.opts.Fields)
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
		s.w.WriteString(`,"file":`)
		s.w.Write(appendJSONString(nil, s.opts.Source))
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
