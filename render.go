package errtag

import (
	"bytes"
	"fmt"

	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// Fields is a choice of the annotation fields to write, and their order. The
// zero value is errtag's default: system, code, name, category, group,
// message, remediation, known (only when false) and alternatives (only when
// there are some). Name, category, group, message and remediation are
// written for a known code, when not empty.
type Fields struct {
	list []output.Field // nil: the default
}

// ParseFields parses a comma-separated list of field names, as errtag's
// --fields flag takes it: system, code, name, category, group, message,
// remediation, known, alternatives, rule (the id of the rule that found the
// code) and cue (see Cue). Fields are written in the list's order, but for
// system, which is written first wherever the list names it (each
// annotation's fields start with its system); a list that names known
// writes it for every annotation, true or false.
func ParseFields(list string) (Fields, error) {
	fs, err := output.ParseFields(list)
	if err != nil {
		return Fields{}, err
	}
	return Fields{list: fs}, nil
}

// Format is a way of writing lines.
type Format int

const (
	// Auto writes each line as it came: a text line with the logfmt
	// pairs of its annotations appended (" errtag.system=... errtag.code=..."),
	// a line that is one JSON object with an "errtag" key added, holding
	// the JSON array of its annotations.
	Auto Format = iota
	// JSON writes each line as one JSON object, ending in LF: a
	// JSON-object line as it is but for the white space around the
	// object (spaces, tabs, CRs), which is dropped; any other line under
	// "log" (with "log_base64" holding its exact bytes when it is not
	// valid UTF-8); annotated lines get an "errtag" key.
	JSON
)

// String returns the format's name as errtag's --format takes it: auto or
// json; Format(N) for a value that is neither.
func (f Format) String() string {
	if o, ok := f.output(); ok {
		return string(o)
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the format named name, as errtag's --format takes
// it: auto or json.
func ParseFormat(name string) (Format, error) {
	for _, f := range []Format{Auto, JSON} {
		if f.String() == name {
			return f, nil
		}
	}
	return 0, fmt.Errorf("errtag: unknown format %q (auto or json)", name)
}

func (f Format) output() (output.Format, bool) {
	switch f {
	case Auto:
		return output.Auto, true
	case JSON:
		return output.JSON, true
	}
	return "", false
}

// Output says how Annotate and Filter write lines. The zero value writes
// what the errtag command writes by default.
type Output struct {
	Format Format
	Fields Fields
	// MaxLine is the length, in bytes without the terminator, of the
	// longest line that is matched; 0 or less means 1 MiB (errtag's
	// --max-line).
	// Longer lines are written unannotated, and Filter writes them as
	// they arrive rather than holding them in memory.
	MaxLine int
}

func (o *Output) sinkOptions() (output.Options, error) {
	f, ok := o.Format.output()
	if !ok {
		return output.Options{}, errUnknownFormat
	}
	return output.Options{Format: f, Fields: o.Fields.list}, nil
}

func (o *Output) streamOptions() stream.Options {
	return stream.Options{MaxLine: o.MaxLine}
}

// AppendJSON appends to dst the JSON array of anns that errtag writes under
// the "errtag" key, with fields, and returns the extended buffer.
func AppendJSON(dst []byte, anns []Annotation, fields Fields) []byte {
	return output.AppendJSON(dst, toMatcher(anns), fields.list)
}

// AppendLogfmt appends to dst the logfmt pairs of anns that errtag appends to
// an annotated text line, with fields, and returns the extended buffer.
// Each pair follows a space; the pairs of each annotation start with
// errtag.system. A value is written bare unless it needs quoting, and then
// as a JSON string.
func AppendLogfmt(dst []byte, anns []Annotation, fields Fields) []byte {
	return output.AppendLogfmt(dst, toMatcher(anns), fields.list)
}

// Annotate appends line to dst as errtag writes it in o's format, with its
// annotations, and returns the extended buffer. line is one line, with its
// terminator or without (LF or CRLF; Auto keeps what it has, JSON ends
// each object in LF); a CR at its end without an LF after it is part of
// the line. A line that already carries errtag's annotation is
// not annotated again. Annotate panics if o.Format is neither Auto nor JSON.
//
// Given several lines (bytes with LFs inside), Annotate writes each as a
// line of its own, as Filter does; Match, given the same bytes, matches
// them as one line.
func (t *Tagger) Annotate(dst, line []byte, o Output) []byte {
	opts, err := o.sinkOptions()
	if err != nil {
		panic(err)
	}
	buf := bytes.NewBuffer(dst)
	r, err := output.NewRenderer(buf, opts)
	if err != nil {
		panic(err) // sinkOptions chose a known format
	}
	// A renderer writes to memory, which does not fail.
	stream.New(t.matcher(), o.streamOptions()).Lines(r, line)
	return buf.Bytes()
}
