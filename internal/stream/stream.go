// Package stream owns reading: it splits an input into lines (LF, with a CR
// before it kept as part of the terminator), asks the matcher for the lines
// worth matching and passes the stretches between them over in bulk, and
// hands every line, in order, to a Sink. Lines of any length pass; above
// MaxLine they are streamed through unannotated instead of being held in
// memory.
//
// One engine splits lines (split.go); Run drives it on the calling
// goroutine, RunParallel spreads the matching of its chunks over workers,
// and Lines takes blocks whose line ends a caller has already found.
//
// Stopping: Run and RunParallel read until the reader returns an error.
// A reader that is to stop on a signal returns one, after every byte it
// has taken from its file or pipe, as input.Source does when its context
// is done; everything read up to then is written. The stream itself never
// abandons a read.
package stream

import (
	"bytes"
	"fmt"

	"github.com/errtag/errtag/internal/matcher"
)

// DefaultMaxLine is the longest line held whole for matching.
const DefaultMaxLine = 1 << 20

// Options configure a Processor.
type Options struct {
	// MaxLine is the longest line (in bytes, terminator excluded) that is
	// matched; longer lines pass through unannotated, and a Sink is told
	// so (LongStart). Zero means DefaultMaxLine. It is the only place the
	// limit is set.
	MaxLine int
	// OnAnnotated, when set, is called for every line the matcher found
	// codes in, in input order.
	OnAnnotated func(anns []matcher.Annotation)
}

// Stats counts what one Run saw.
type Stats struct {
	Bytes int64 // input bytes read
	Lines int64
	// Annotated counts the lines the matcher found codes in (a line that
	// already carries errtag's annotation is counted, though a Sink may
	// write it unchanged).
	Annotated int64
}

// Sink is what the stream writes one input's lines to, in input order. The
// stream defines it and output implements it. A Sink owns its writer and
// its buffering: the stream only tells it when to Flush.
type Sink interface {
	// Plain writes a block of complete lines, each ending in LF (a CR
	// before it is part of the terminator), none longer than MaxLine and
	// none annotated.
	Plain(block []byte) error
	// Line writes one line no longer than MaxLine (without terminator)
	// with its terminator ("\n", "\r\n", or empty for a last line with
	// none: a CR at its end is part of the line) and its annotations (nil
	// if none).
	Line(line, term []byte, anns []matcher.Annotation) error
	// LongStart, LongChunk and LongEnd write a line longer than MaxLine,
	// unannotated, as its bytes arrive: LongStart, then its bytes in one
	// or more LongChunk calls, then LongEnd with its terminator (as for
	// Line).
	LongStart() error
	LongChunk(b []byte) error
	LongEnd(term []byte) error
	// Flush writes out what the Sink holds. The stream calls it when the
	// input may be idle, so that a line from a quiet pipe comes out at
	// once.
	Flush() error
}

// ParallelSink is a Sink whose lines RunParallel can render on several
// goroutines: each worker renders a chunk of lines into a buffer through a
// Renderer, and the Sink writes the buffers in input order.
type ParallelSink interface {
	Sink
	// Renderer returns a Sink that renders what this one would write for
	// the same lines, into buf. It is used by one goroutine for one chunk
	// of complete lines; its Flush does nothing.
	Renderer(buf *bytes.Buffer) Sink
	// WriteRendered writes the bytes a Renderer rendered.
	WriteRendered(b []byte) error
}

// Processor annotates streams with one matcher. It is safe for concurrent
// use: each Run keeps its own buffers.
type Processor struct {
	m    *matcher.Matcher
	opts Options
}

// New returns a Processor.
func New(m *matcher.Matcher, opts Options) *Processor {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	return &Processor{m: m, opts: opts}
}

// ReadError is an input failure, with how far the input had been read.
type ReadError struct {
	Offset int64 // bytes of (decoded) input read before the failure
	Err    error
}

func (e *ReadError) Error() string {
	if e == nil {
		return "read error"
	}
	if e.Err == nil {
		return fmt.Sprintf("at byte %d: read error", e.Offset)
	}
	return fmt.Sprintf("at byte %d: %v", e.Offset, e.Err)
}

// Unwrap returns the cause, nil if none.
func (e *ReadError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// WriteError is an output failure: an error a Sink returned.
type WriteError struct{ Err error }

func (e *WriteError) Error() string {
	if e == nil || e.Err == nil {
		return "write error"
	}
	return "write: " + e.Err.Error()
}

// Unwrap returns the cause, nil if none.
func (e *WriteError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}
