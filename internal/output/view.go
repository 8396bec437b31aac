package output

import (
	"bytes"
	"strings"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/stream"
	"github.com/errtag/errtag/internal/textui"
)

// View is how the terminal view is drawn: in colour or not, and the width
// its annotations are wrapped to.
type View struct {
	Color bool
	Width int // the terminal's columns; 0: no wrapping
}

// NewView returns the Sink of the terminal view, for a person reading on a
// terminal rather than a program reading a pipe or a file. Every line is
// written as it came (its file name first, with opts.Source), with the
// code highlighted on an annotated line, and under it one block per error:
//
//	05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401
//	  => knox-efota -1401 DOWNLOAD_REJECTED_BY_USER (cancelled)
//	     The device user rejected the download file.
//	     fix: The user rejected the software download, either at the
//	          prompt before it started or after the file was fetched; ...
//
// wrapped to v.Width. opts.Fields chooses what the blocks show. The view
// is not a format to parse: the formats are Auto and JSON; opts.Format is
// not looked at.
//
// What would control the terminal rather than show on it (escape
// sequences, a bell, a bare carriage return, other C0 and C1 controls,
// bidirectional overrides) is written visibly, as textui.Escape does, in
// the lines, the file names and the annotations alike: log content cannot
// recolour the terminal, retitle it or hide part of a line. Pipes and files
// get the formats' exact bytes.
func NewView(w *Writer, opts Options, v View) *Sink {
	if opts.Fields == nil {
		opts.Fields = DefaultFields()
	}
	return newSink(w, opts, func(w byteWriter, opts Options) stream.Sink {
		return &viewSink{w: w, opts: opts, v: v}
	})
}

// viewSink writes the terminal view.
type viewSink struct {
	w    byteWriter
	opts Options
	v    View
	buf  []byte
	// carry is the end of a long line's chunk that may be a character
	// cut in two: it is escaped with the next chunk (textui.Cut).
	carry []byte
}

func (s *viewSink) paint(style, text string) string { return textui.Paint(s.v.Color, style, text) }

// escape appends b to dst with what would control the terminal written
// visibly (textui.Escape).
func (s *viewSink) escape(dst, b []byte) []byte { return textui.Escape(dst, b, s.v.Color) }

// escaped is escape for a string, such as a catalog's text.
func (s *viewSink) escaped(v string) string {
	if !textui.NeedsEscape([]byte(v)) {
		return v
	}
	return string(textui.Escape(nil, []byte(v), s.v.Color))
}

func (s *viewSink) prefix(b []byte) []byte {
	if s.opts.Source != "" {
		b = append(b, s.paint(textui.Magenta, s.escaped(s.opts.Source))...)
		b = append(b, s.paint(textui.Cyan, ":")...)
	}
	return b
}

// terminator appends a line's terminator (none for a last line without
// one), followed by a line feed when more is written under the line.
func (s *viewSink) terminator(b, term []byte, under bool) []byte {
	if len(term) == 0 && under {
		term = []byte{'\n'} // the blocks go under the line
	}
	return append(b, term...)
}

func (s *viewSink) Plain(block []byte) error {
	if s.opts.Source == "" {
		if !textui.NeedsEscape(block) {
			_, err := s.w.Write(block)
			return err
		}
		s.buf = s.escape(s.buf[:0], block)
		_, err := s.w.Write(s.buf)
		return err
	}
	for len(block) > 0 {
		i := bytes.IndexByte(block, '\n')
		s.buf = s.escape(s.prefix(s.buf[:0]), block[:i+1])
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
		block = block[i+1:]
	}
	return nil
}

func (s *viewSink) Line(line, term []byte, anns []matcher.Annotation) error {
	b := s.prefix(s.buf[:0])
	if len(anns) == 0 {
		b = s.terminator(s.escape(b, line), term, false)
		s.buf = b
		_, err := s.w.Write(b)
		return err
	}
	b = s.highlight(b, line, anns)
	b = s.terminator(b, term, true)
	for i := range anns {
		b = s.block(b, &anns[i])
	}
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

// highlight appends line with the code of each annotation painted where it
// was found, when it can be found there as a word.
func (s *viewSink) highlight(b, line []byte, anns []matcher.Annotation) []byte {
	if !s.v.Color {
		return s.escape(b, line)
	}
	type span struct{ from, to int }
	var spans []span
	for i := range anns {
		code := anns[i].Entry.Code
		if at := findWord(line, code, anns[i].Offset); at >= 0 {
			if len(spans) == 0 || at >= spans[len(spans)-1].to {
				spans = append(spans, span{at, at + len(code)})
			}
		}
	}
	last := 0
	for _, sp := range spans {
		b = s.escape(b, line[last:sp.from])
		b = append(b, s.paint(textui.Bold+textui.Yellow, s.escaped(string(line[sp.from:sp.to])))...)
		last = sp.to
	}
	return s.escape(b, line[last:])
}

// findWord returns where code first occurs as a word in line at or after
// from (where the matcher found it), else anywhere, else -1. A word has no
// letter, digit or '_' on either side, nor a '-' unless the code starts
// with its own sign.
func findWord(line []byte, code string, from int) int {
	if code == "" {
		return -1
	}
	if from < 0 || from > len(line) {
		from = 0
	}
	word := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' && code[0] != '-'
	}
	for _, start := range []int{from, 0} {
		for i := start; i+len(code) <= len(line); {
			j := bytes.Index(line[i:], []byte(code))
			if j < 0 {
				break
			}
			at, end := i+j, i+j+len(code)
			if (at == 0 || !word(line[at-1])) && (end == len(line) || !word(line[end])) {
				return at
			}
			i = at + 1
		}
	}
	return -1
}

// The indents of an annotation block.
const (
	viewHead = "  => "
	viewBody = "     "
)

// block appends the lines that show annotation a.
func (s *viewSink) block(b []byte, a *matcher.Annotation) []byte {
	e := &a.Entry
	var head []string
	var message, remediation, group, rule, cue, alternatives string
	known := ""
	for _, f := range s.opts.Fields {
		switch f {
		case FieldSystem:
			head = append(head, s.escaped(e.System))
		case FieldCode:
			head = append(head, s.paint(textui.Bold+textui.Yellow, s.escaped(e.Code)))
		case FieldName:
			if a.Known && e.Name != e.Code {
				head = append(head, s.paint(textui.Bold+textui.Cyan, s.escaped(e.Name)))
			}
		case FieldCategory:
			if a.Known && e.Category != "" {
				head = append(head, "("+s.paint(textui.CategoryStyle(e.Category), s.escaped(e.Category))+")")
			}
		case FieldKnown, fieldKnownAsked:
			if !a.Known {
				known = "not in the " + s.escaped(e.System) + " catalog"
			}
		case FieldGroup:
			group, _ = value(a, f)
		case FieldMessage:
			message, _ = value(a, f)
		case FieldRemediation:
			remediation, _ = value(a, f)
		case FieldAlternatives:
			if v, ok := value(a, f); ok {
				alternatives = strings.ReplaceAll(v, ",", ", ") + " (the line's message did not pick one)"
			}
		case FieldRule:
			rule = a.Rule
		case FieldCue:
			cue, _ = value(a, f)
		}
	}
	if known != "" {
		head = append(head, s.paint(textui.Yellow, known))
	}
	b = append(b, viewHead...)
	b = append(b, strings.Join(head, " ")...)
	b = append(b, '\n')
	b = s.text(b, "", message)
	b = s.text(b, "fix: ", remediation)
	b = s.text(b, "or: ", alternatives)
	b = s.text(b, "group: ", group)
	b = s.text(b, "rule: ", rule)
	b = s.text(b, "cue: ", cue)
	return b
}

// text appends value under the block's head, after label, wrapped to the
// view's width with later lines under the first.
func (s *viewSink) text(b []byte, label, value string) []byte {
	if value == "" {
		return b
	}
	hang := strings.Repeat(" ", len(label))
	width := 0
	if s.v.Width > 0 {
		width = max(s.v.Width-len(viewBody)-len(label), 20)
	}
	for i, l := range textui.Wrap(textui.OneLine(s.escaped(value)), width) {
		b = append(b, viewBody...)
		if i == 0 {
			b = append(b, s.paint(textui.Faint, label)...)
		} else {
			b = append(b, hang...)
		}
		b = append(b, l...)
		b = append(b, '\n')
	}
	return b
}

func (s *viewSink) LongStart() error {
	_, err := s.w.Write(s.prefix(s.buf[:0]))
	return err
}

func (s *viewSink) LongChunk(b []byte) error {
	data := append(s.carry, b...)
	keep := textui.Cut(data)
	s.buf = s.escape(s.buf[:0], data[:len(data)-keep])
	s.carry = append(s.carry[:0], data[len(data)-keep:]...)
	_, err := s.w.Write(s.buf)
	return err
}

func (s *viewSink) LongEnd(term []byte) error {
	b := s.terminator(s.escape(s.buf[:0], s.carry), term, false)
	s.carry, s.buf = s.carry[:0], b
	_, err := s.w.Write(b)
	return err
}

func (s *viewSink) Flush() error { return nil }
