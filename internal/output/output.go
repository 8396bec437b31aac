// Package output writes errtag's records. Each format is a Sink: the stream
// hands it blocks of lines that carry nothing and, one by one, the lines the
// matcher looked at with what it found. No output-format code lives in the
// read loop.
package output

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/tidwall/gjson"
)

// Format is an output format.
type Format string

// The output formats.
const (
	// Auto keeps every line as it came: a text line gets logfmt pairs
	// appended, a JSON-object line gets an "errtag" key.
	Auto Format = "auto"
	// JSON makes every line one JSON object (JSON lines), for log
	// pipelines.
	JSON Format = "json"
)

// Options configure a Sink.
type Options struct {
	Format Format
	Fields []Field // nil means DefaultFields()
	// Source names the input the lines come from. When set, Auto prefixes
	// each line with "Source:" and JSON adds a "file" field.
	Source string
	// WithSource turns the Source prefix/field on.
	WithSource bool
	// MaxLine, when positive, is the stream's --max-line: the JSON format
	// writes every longer line as it writes a line streamed in pieces
	// (marked "errtag_long_line"), however it reached the sink.
	MaxLine int
}

// Sink receives the lines of one stream, in order.
type Sink interface {
	// Plain writes a block of complete lines, terminators included, none
	// of which carries an annotation.
	Plain(block []byte) error
	// Line writes one line (without terminator) and its terminator ("\n",
	// "\r\n", or empty for a last line with none) with its annotations.
	Line(line, term []byte, anns []matcher.Annotation) error
	// LongStart, LongChunk and LongEnd write a line too long to hold
	// (--max-line), unannotated, as its bytes arrive.
	LongStart() error
	LongChunk(b []byte) error
	LongEnd(term []byte) error
}

// Writer is what a Sink writes to: a *bufio.Writer, or a *bytes.Buffer
// holding one chunk's output.
type Writer interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}

// New returns the Sink for opts writing to w.
func New(w Writer, opts Options) (Sink, error) {
	if opts.Fields == nil {
		opts.Fields = DefaultFields()
	}
	switch opts.Format {
	case Auto, "":
		return &autoSink{w: w, opts: opts}, nil
	case JSON:
		return &jsonSink{w: w, opts: opts}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (auto or json)", opts.Format)
}

// autoSink writes lines back as they came, annotated in place.
type autoSink struct {
	w    Writer
	opts Options
	buf  []byte
}

func (s *autoSink) prefix() {
	if s.opts.WithSource {
		s.w.WriteString(s.opts.Source)
		s.w.WriteByte(':')
	}
}

func (s *autoSink) Plain(block []byte) error {
	if !s.opts.WithSource {
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

func (s *autoSink) Line(line, term []byte, anns []matcher.Annotation) error {
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

func (s *autoSink) LongStart() error { s.prefix(); return nil }
func (s *autoSink) LongChunk(b []byte) error {
	_, err := s.w.Write(b)
	return err
}
func (s *autoSink) LongEnd(term []byte) error {
	_, err := s.w.Write(term)
	return err
}

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

// jsonSink writes one JSON object per line.
type jsonSink struct {
	w    Writer
	opts Options
	buf  []byte
	// long-line state: bytes of an incomplete UTF-8 sequence carried
	// between chunks, and whether any byte had to be replaced.
	carry []byte
	lossy bool
}

func (s *jsonSink) Plain(block []byte) error {
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

func (s *jsonSink) Line(line, term []byte, anns []matcher.Annotation) error {
	if s.opts.MaxLine > 0 && len(line) > s.opts.MaxLine {
		s.LongStart()
		s.LongChunk(line)
		return s.LongEnd(term)
	}
	b := s.buf[:0]
	if at, empty, ok := jsonObjectEnd(line); ok && utf8.Valid(line) {
		l := bytes.TrimLeft(line[:at], jsonSpace)
		b = append(b, l...)
		if s.opts.WithSource {
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
		if s.opts.WithSource {
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

func (s *jsonSink) LongStart() error {
	s.carry, s.lossy = s.carry[:0], false
	_, err := s.w.WriteString(`{"log":"`)
	return err
}

func (s *jsonSink) LongChunk(chunk []byte) error {
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

func (s *jsonSink) encodeLong(data []byte) {
	if !utf8.Valid(data) {
		s.lossy = true
	}
	enc := appendJSONString(s.buf[:0], string(data))
	s.w.Write(enc[1 : len(enc)-1])
	s.buf = enc[:0]
}

func (s *jsonSink) LongEnd(_ []byte) error {
	if len(s.carry) > 0 {
		s.encodeLong(s.carry)
		s.carry = s.carry[:0]
	}
	s.w.WriteString(`"`)
	if s.opts.WithSource {
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

// jsonSpace is the white space JSON allows around a value that can occur
// inside a line (LF cannot).
const jsonSpace = " \t\r"
