package stream

import (
	"bytes"

	"github.com/errtag/errtag/internal/matcher"
)

// run writes lines to one sink and counts them. Run, RunParallel's workers
// and writer, and Lines all write through it.
type run struct {
	p     *Processor
	sink  Sink
	stats Stats
	// onAnnotated receives the annotations of each annotated line: the
	// user's callback, or (in a parallel worker) a recorder that replays
	// them in input order.
	onAnnotated func([]matcher.Annotation)
	// joint joins the lines a container runtime split (joint.go); nil
	// where no line is matched (RunParallel's writer).
	joint *Joint
}

// Lines writes block to sink as Run would write the same bytes: block holds
// whole lines, each ending in LF (CRLF kept as the terminator), except that
// the last may have none, and is then written as a last line without one.
// It is for sources that find line ends themselves, such as a follower. It
// does not flush. Block is taken as an input of its own: LinesJoint joins
// the lines a container runtime split across blocks.
func (p *Processor) Lines(sink Sink, block []byte) (Stats, error) {
	return p.LinesJoint(sink, block, &Joint{})
}

// lines writes block, complete lines each ending in LF.
func (st *run) lines(block []byte) error {
	if len(block) == 0 {
		return nil
	}
	if st.joint != nil && !st.joint.decided {
		st.joint.decide(block, st.p.opts.MaxLine)
	}
	if st.joint.joining() {
		return st.joinedLines(block)
	}
	return st.plainLines(block)
}

// plainLines writes block, complete lines each ending in LF: the candidate
// lines the matcher names one by one, the stretches between them in bulk.
func (st *run) plainLines(block []byte) error {
	c := st.p.m.Candidates(block)
	from := 0
	for {
		s, e, ok := c.Next()
		if !ok {
			break
		}
		if err := st.plain(block[from:s]); err != nil {
			return err
		}
		line, term := split(block[s:e])
		if err := st.line(line, term, true); err != nil {
			return err
		}
		from = e
	}
	return st.plain(block[from:])
}

// plain writes complete lines that carry no annotation: in bulk, but for
// the lines over MaxLine, which are written as long lines so that output
// never depends on where they were found.
func (st *run) plain(region []byte) error {
	for len(region) > 0 {
		s, e := findLong(region, st.p.opts.MaxLine)
		if s < 0 {
			s = len(region)
		}
		if s > 0 {
			st.stats.Lines += int64(bytes.Count(region[:s], nl))
			if err := st.sink.Plain(region[:s]); err != nil {
				return &WriteError{err}
			}
		}
		if s == len(region) {
			return nil
		}
		line, term := split(region[s:e])
		if err := st.longLine(line, term); err != nil {
			return err
		}
		region = region[e:]
	}
	return nil
}

var nl = []byte{'\n'}

// findLong returns the bounds of the first line of region (complete lines)
// longer than max, terminator excluded, or -1, -1. It looks at about two
// lines per max bytes: of the lines ending within a window of max+2 bytes
// from a line start, only the first can be too long.
func findLong(region []byte, max int) (start, end int) {
	for s := 0; len(region)-s > max+1; {
		w := region[s : s+max+2]
		i := bytes.IndexByte(w, '\n')
		if i < 0 {
			return s, s + bytes.IndexByte(region[s:], '\n') + 1
		}
		n := i
		if n > 0 && w[n-1] == '\r' {
			n--
		}
		if n > max {
			return s, s + i + 1
		}
		s += bytes.LastIndexByte(w, '\n') + 1
	}
	return -1, -1
}

// pendingLen is the length of an unfinished line without a trailing CR,
// which may turn out to be the first half of its CRLF terminator.
func pendingLen(b []byte) int {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return n - 1
	}
	return len(b)
}

// split separates a line from its terminator: LF, or CRLF. A CR that is
// not before an LF (at the end of the input) is part of the line.
func split(b []byte) (line, term []byte) {
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		if n > 1 && b[n-2] == '\r' {
			return b[:n-2], b[n-2:]
		}
		return b[:n-1], b[n-1:]
	}
	return b, nil
}

// line writes one line; candidate says the matcher named it a candidate, so
// that the gate need not be searched again.
func (st *run) line(line, term []byte, candidate bool) error {
	if len(line) > st.p.opts.MaxLine {
		return st.longLine(line, term)
	}
	var anns []matcher.Annotation
	if candidate {
		anns = st.p.m.MatchCandidate(line)
	} else {
		anns = st.p.m.Match(line)
	}
	return st.write(line, term, anns)
}

// write writes one line no longer than MaxLine with its annotations.
func (st *run) write(line, term []byte, anns []matcher.Annotation) error {
	st.stats.Lines++
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

// longLine writes a whole line over MaxLine the way one that arrives in
// pieces is written, so that output never depends on read boundaries.
func (st *run) longLine(line, term []byte) error {
	if err := st.longStart(line); err != nil {
		return err
	}
	return st.longFinish(term)
}

// last writes what is left at the end of the input: a line with no LF.
func (st *run) last(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if st.joint != nil && !st.joint.decided {
		st.joint.decide(b, st.p.opts.MaxLine)
	}
	if st.joint.joining() {
		return st.joinLine(b)
	}
	line, term := split(b)
	return st.line(line, term, false)
}

// longStart begins a too-long line with its first bytes. Such a line is
// never a container record's piece: it ends any pieces before it.
func (st *run) longStart(b []byte) error {
	if st.joint != nil {
		st.joint.Reset()
	}
	if err := st.sink.LongStart(); err != nil {
		return &WriteError{err}
	}
	return st.longMore(b)
}

// longMore writes more bytes of a too-long line.
func (st *run) longMore(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if err := st.sink.LongChunk(b); err != nil {
		return &WriteError{err}
	}
	return nil
}

// longEnd finishes a too-long line with b, its last bytes and terminator.
func (st *run) longEnd(b []byte) error {
	line, term := split(b)
	if err := st.longMore(line); err != nil {
		return err
	}
	return st.longFinish(term)
}

func (st *run) longFinish(term []byte) error {
	st.stats.Lines++
	if err := st.sink.LongEnd(term); err != nil {
		return &WriteError{err}
	}
	return nil
}
