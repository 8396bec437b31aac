// Package output writes errtag's records. A Writer is the output stream;
// each input writes its lines to it through its own Sink, which implements
// stream.ParallelSink in the chosen format. No output-format code lives in
// the read loop, and no reading code here.
package output

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/stream"
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
	// Source, when not empty, is the name of the input the lines come
	// from: Auto prefixes each line with "Source:", and JSON adds it to
	// each record as "file" (see FileKey for a record that has a "file"
	// of its own).
	Source string

	// cache holds the Sink's renderings of annotations, shared by its
	// renderers.
	cache *renderCache
}

// FileKey and FileKeyAlt are the keys under which the JSON format writes
// Options.Source: FileKey, unless a JSON-object line already has a
// top-level key of that name; then FileKeyAlt; and if it has both, the
// name is not written, since no key is ever written twice.
const (
	FileKey    = "file"
	FileKeyAlt = "errtag_file"
)

// bufferSize is how much a Writer buffers.
const bufferSize = 256 << 10

// Writer is errtag's output stream: it buffers what the Sinks of the
// inputs write, and keeps their lines apart. When a Sink writes after
// another Sink's output ended inside a line (a last line without a newline,
// or a truncated input), the Writer starts a new line first; output that
// ends inside a line is left so, so a single input comes out byte for byte.
// A Writer and its Sinks are used by one goroutine.
type Writer struct {
	bw    *bufio.Writer
	mid   bool  // what was written so far ends inside a line
	owner *Sink // the Sink that wrote last
}

// NewWriter returns a Writer buffering writes to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(w, bufferSize)}
}

// Flush writes the buffered output to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }

// Write writes p as output of its own, not an input's (such as a count
// after an input): after a line break if the output ends inside a line.
func (w *Writer) Write(p []byte) (int, error) { return w.write(nil, p) }

// WriteString is Write for a string.
func (w *Writer) WriteString(p string) (int, error) { return w.writeString(nil, p) }

// write writes p for s, after a line break if the output ends inside a
// line that another Sink wrote.
func (w *Writer) write(s *Sink, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	w.claim(s)
	w.mid = p[len(p)-1] != '\n'
	return w.bw.Write(p)
}

func (w *Writer) writeString(s *Sink, p string) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	w.claim(s)
	w.mid = p[len(p)-1] != '\n'
	return w.bw.WriteString(p)
}

func (w *Writer) writeByte(s *Sink, c byte) error {
	w.claim(s)
	w.mid = c != '\n'
	return w.bw.WriteByte(c)
}

func (w *Writer) claim(s *Sink) {
	if w.owner == s {
		return
	}
	if w.mid {
		w.bw.WriteByte('\n')
		w.mid = false
	}
	w.owner = s
}

// sinkWriter is what a Sink's encoder writes to: the Writer, on behalf of
// the Sink.
type sinkWriter struct {
	w *Writer
	s *Sink
}

func (o sinkWriter) Write(p []byte) (int, error)       { return o.w.write(o.s, p) }
func (o sinkWriter) WriteString(p string) (int, error) { return o.w.writeString(o.s, p) }
func (o sinkWriter) WriteByte(c byte) error            { return o.w.writeByte(o.s, c) }

// Sink writes one input's lines, in the format its Options choose, to a
// Writer. It implements stream.ParallelSink. Give each input its own Sink:
// that is how the Writer tells inputs apart.
type Sink struct {
	w    *Writer
	opts Options
	enc  stream.Sink
	// encoder makes the encoder of the Sink's format writing to a
	// writer: the Sink's Writer, or a Renderer's buffer.
	encoder func(w byteWriter, opts Options) stream.Sink
}

// NewSink returns the Sink for one input, writing to w.
func NewSink(w *Writer, opts Options) (*Sink, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return newSink(w, opts, newEncoder), nil
}

// NewRenderer returns a sink that renders into buf what a Sink with opts
// writes for the same lines, for a caller that wants the bytes of a few
// lines rather than an output stream. Its Flush does nothing.
func NewRenderer(buf *bytes.Buffer, opts Options) (stream.Sink, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return newEncoder(buf, opts), nil
}

// withDefaults fills in the defaults of opts and checks its format.
func (opts Options) withDefaults() (Options, error) {
	if opts.Fields == nil {
		opts.Fields = DefaultFields()
	}
	if opts.Format == "" {
		opts.Format = Auto
	}
	if opts.Format != Auto && opts.Format != JSON {
		return opts, fmt.Errorf("unknown format %q (auto or json)", opts.Format)
	}
	opts.cache = new(renderCache)
	return opts, nil
}

func newSink(w *Writer, opts Options, encoder func(byteWriter, Options) stream.Sink) *Sink {
	s := &Sink{w: w, opts: opts, encoder: encoder}
	s.enc = encoder(sinkWriter{w, s}, opts)
	return s
}

func newEncoder(w byteWriter, opts Options) stream.Sink {
	if opts.Format == JSON {
		return &jsonEncoder{w: w, opts: opts}
	}
	return &autoEncoder{w: w, opts: opts, label: SourceLabel(opts.Source)}
}

// Plain writes complete lines that carry no annotation.
func (s *Sink) Plain(block []byte) error { return s.enc.Plain(block) }

// Line writes one line with its terminator and annotations.
func (s *Sink) Line(line, term []byte, anns []matcher.Annotation) error {
	return s.enc.Line(line, term, anns)
}

// LongStart begins a line too long to hold.
func (s *Sink) LongStart() error { return s.enc.LongStart() }

// LongChunk writes more of a line too long to hold.
func (s *Sink) LongChunk(b []byte) error { return s.enc.LongChunk(b) }

// LongEnd ends a line too long to hold.
func (s *Sink) LongEnd(term []byte) error { return s.enc.LongEnd(term) }

// Flush flushes the Writer.
func (s *Sink) Flush() error { return s.w.Flush() }

// Renderer returns a sink rendering this Sink's format into buf, for
// stream.RunParallel's workers. It is safe to call from several goroutines
// at once.
func (s *Sink) Renderer(buf *bytes.Buffer) stream.Sink { return s.encoder(buf, s.opts) }

// WriteRendered writes what a Renderer rendered.
func (s *Sink) WriteRendered(b []byte) error {
	_, err := s.w.write(s, b)
	return err
}

// byteWriter is what an encoder writes to: a Sink's Writer, or a
// Renderer's buffer.
type byteWriter interface {
	io.Writer
	io.StringWriter
	io.ByteWriter
}
