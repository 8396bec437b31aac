// Package stream owns reading: it splits an input into lines (LF, with a CR
// before it kept as part of the terminator), skips in bulk the stretches in
// which the matcher's prefilter finds nothing, and hands every line, in
// order, to an output.Sink. Lines of any length pass; above MaxLine they are
// streamed through unannotated instead of being held in memory.
package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/prefilter"
)

// DefaultMaxLine is the longest line held whole for matching.
const DefaultMaxLine = 1 << 20

// readSize is how much is asked of the input per read.
const readSize = 256 << 10

// Options configure a Processor.
type Options struct {
	// MaxLine is the longest line (in bytes, terminator excluded) that is
	// matched; longer lines pass through unannotated. Zero means
	// DefaultMaxLine.
	MaxLine int
	// OnAnnotated, when set, is called for every annotated line.
	OnAnnotated func(anns []matcher.Annotation)
}

// Stats counts what one Run saw.
type Stats struct {
	Bytes     int64 // input bytes read
	Lines     int64
	Annotated int64
}

// Processor annotates streams with one matcher. It is safe for concurrent
// use: each Run keeps its own buffers.
type Processor struct {
	m    *matcher.Matcher
	gate *prefilter.Set
	opts Options
}

// New returns a Processor.
func New(m *matcher.Matcher, opts Options) *Processor {
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	return &Processor{m: m, gate: m.Gate(), opts: opts}
}

// ReadError is an input failure, with how far the input had been read.
type ReadError struct {
	Offset int64 // bytes of (decoded) input read before the failure
	Err    error
}

func (e *ReadError) Error() string { return fmt.Sprintf("at byte %d: %v", e.Offset, e.Err) }
func (e *ReadError) Unwrap() error { return e.Err }

// WriteError is an output failure.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "write: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

type run struct {
	p     *Processor
	sink  output.Sink
	w     *bufio.Writer
	stats Stats
	long  bool // inside a line longer than MaxLine
	// onAnnotated receives the annotations of each annotated line: the
	// user's callback, or (in a parallel worker) a recorder that replays
	// them in input order.
	onAnnotated func([]matcher.Annotation)
}

// Run reads r to its end (or until ctx is done) and writes every line to
// sink, which writes to w. Cancelling ctx stops Run between reads; to stop a
// read that blocks (a pipe), give a reader that returns when ctx is done,
// such as the one from CancelableReader. w is flushed before every read, so output waits
// only while input is arriving: a line read from an idle pipe is written at
// once, and under load output goes out in large blocks.
func (p *Processor) Run(ctx context.Context, r io.Reader, sink output.Sink, w *bufio.Writer) (Stats, error) {
	st := &run{p: p, sink: sink, w: w, onAnnotated: p.opts.OnAnnotated}
	err := st.loop(ctx, r)
	return st.stats, err
}

// Lines writes block to sink as Run would write the same bytes: block holds
// whole lines, each ending in LF (CRLF kept as the terminator), except that
// the last may have none, and is then written as a last line without one.
// It is for sources that find line ends themselves, such as a follower. It
// does not flush.
func (p *Processor) Lines(sink output.Sink, block []byte) (Stats, error) {
	st := &run{p: p, sink: sink, onAnnotated: p.opts.OnAnnotated}
	n, err := st.lines(block)
	if err == nil {
		err = st.last(block[n:])
	}
	st.stats.Bytes = int64(len(block))
	return st.stats, err
}

func (st *run) loop(ctx context.Context, r io.Reader) error {
	buf := make([]byte, readSize)
	start, end := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return st.flush(err)
		}
		// An unfinished line over MaxLine is streamed out, not held.
		if st.long || pendingLen(buf[start:end]) > st.p.opts.MaxLine {
			n, err := st.longChunk(buf[start:end])
			if err != nil {
				return err
			}
			start += n
		}
		// Make room: move the unfinished line to the front, or grow.
		if start > 0 && (end == len(buf) || start == end) {
			copy(buf, buf[start:end])
			end -= start
			start = 0
		}
		if end == len(buf) {
			nb := make([]byte, 2*len(buf))
			copy(nb, buf[:end])
			buf = nb
		}
		if err := st.w.Flush(); err != nil {
			return &WriteError{err}
		}
		n, rerr := r.Read(buf[end:])
		end += n
		st.stats.Bytes += int64(n)
		// Bytes before the new ones hold no LF (complete lines are always
		// consumed), so only the new bytes can complete a line.
		if bytes.IndexByte(buf[end-n:end], '\n') >= 0 {
			consumed, err := st.lines(buf[start:end])
			if err != nil {
				return err
			}
			start += consumed
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				if err := st.last(buf[start:end]); err != nil {
					return err
				}
				return st.flush(nil)
			}
			if err := st.last(buf[start:end]); err != nil {
				return err
			}
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(rerr, ctxErr) {
				return st.flush(ctxErr)
			}
			return st.flush(&ReadError{Offset: st.stats.Bytes, Err: rerr})
		}
	}
}

func (st *run) flush(err error) error {
	if ferr := st.w.Flush(); ferr != nil {
		return &WriteError{ferr}
	}
	return err
}

// lines writes every complete line at the front of b and returns how many
// bytes it consumed.
func (st *run) lines(b []byte) (int, error) {
	last := bytes.LastIndexByte(b, '\n')
	if last < 0 {
		return 0, nil
	}
	done := 0
	if st.long {
		// The rest of a too-long line, up to its end.
		i := bytes.IndexByte(b, '\n')
		if err := st.longEnd(b[:i+1]); err != nil {
			return 0, err
		}
		done = i + 1
	}
	region := b[done : last+1]
	cur := st.p.gate.NewCursor(region)
	base := 0 // offset of region in the cursor's block
	for len(region) > 0 {
		pos := cur.Next(base)
		if pos >= 0 {
			pos -= base
		}
		if pos < 0 {
			st.stats.Lines += int64(bytes.Count(region, nl))
			if err := st.sink.Plain(region); err != nil {
				return 0, &WriteError{err}
			}
			break
		}
		ls := bytes.LastIndexByte(region[:pos], '\n') + 1
		if ls > 0 {
			st.stats.Lines += int64(bytes.Count(region[:ls], nl))
			if err := st.sink.Plain(region[:ls]); err != nil {
				return 0, &WriteError{err}
			}
		}
		le := ls + bytes.IndexByte(region[ls:], '\n')
		line, term := split(region[ls : le+1])
		if err := st.line(line, term, true); err != nil {
			return 0, err
		}
		region = region[le+1:]
		base += le + 1
	}
	return last + 1, nil
}

var nl = []byte{'\n'}

// pendingLen is the length of an unfinished line without a trailing CR,
// which may turn out to be the first half of its CRLF terminator.
func pendingLen(b []byte) int {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return n - 1
	}
	return len(b)
}

// split separates a line from its terminator (LF or CRLF).
func split(b []byte) (line, term []byte) {
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		if n > 1 && b[n-2] == '\r' {
			return b[:n-2], b[n-2:]
		}
		return b[:n-1], b[n-1:]
	}
	if n > 0 && b[n-1] == '\r' {
		// A last line ending in a bare CR: the CR is its terminator.
		return b[:n-1], b[n-1:]
	}
	return b, nil
}

// line writes one line; gated says the block scan found a gate literal in
// it, so the matcher need not look for one again.
func (st *run) line(line, term []byte, gated bool) error {
	if len(line) > st.p.opts.MaxLine {
		// Written the same way as a too-long line that arrives in
		// pieces, so that output never depends on read boundaries.
		if err := st.sink.LongStart(); err != nil {
			return &WriteError{err}
		}
		if err := st.sink.LongChunk(line); err != nil {
			return &WriteError{err}
		}
		st.stats.Lines++
		if err := st.sink.LongEnd(term); err != nil {
			return &WriteError{err}
		}
		return nil
	}
	st.stats.Lines++
	var anns []matcher.Annotation
	if gated {
		anns = st.p.m.MatchGated(line)
	} else {
		anns = st.p.m.Match(line)
	}
	if len(anns) > 0 {
		st.stats.Annotated++
		if st.onAnnotated != nil {
			st.onAnnotated(anns)
		}
	}
	if err := st.sink.Line(line, term, anns); err != nil {
		return &WriteError{err}
	}
	return nil
}

// last writes what is left at the end of the input: a line with no LF.
func (st *run) last(b []byte) error {
	if st.long {
		return st.longEnd(b)
	}
	if len(b) == 0 {
		return nil
	}
	line, term := split(b)
	return st.line(line, term, false)
}

// longChunk writes the bytes of a too-long line that have arrived and
// returns how many it consumed: all but a trailing CR, which may be the
// first half of a CRLF terminator and is written with what follows.
func (st *run) longChunk(b []byte) (int, error) {
	if !st.long {
		st.long = true
		if err := st.sink.LongStart(); err != nil {
			return 0, &WriteError{err}
		}
	}
	n := len(b)
	if n > 0 && b[n-1] == '\r' {
		n--
	}
	if err := st.sink.LongChunk(b[:n]); err != nil {
		return 0, &WriteError{err}
	}
	return n, nil
}

// longEnd finishes a too-long line with b, its last bytes and terminator.
func (st *run) longEnd(b []byte) error {
	line, term := split(b)
	if err := st.sink.LongChunk(line); err != nil {
		return &WriteError{err}
	}
	st.long = false
	st.stats.Lines++
	if err := st.sink.LongEnd(term); err != nil {
		return &WriteError{err}
	}
	return nil
}
