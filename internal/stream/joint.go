package stream

import (
	"bytes"

	"github.com/errtag/errtag/internal/container"
	"github.com/errtag/errtag/internal/matcher"
)

// Lines that container runtimes split.
//
// A container runtime cuts a long line into records (package container):
// CRI P records, or Docker records whose log does not end in \n, each
// followed by the next piece, up to the record that ends the line. An
// input is read as a container log from its first line that is such a
// record, wherever it is (a concatenation, or a file whose head was cut,
// may start with other text): the stream then matches each split line's
// pieces joined, so that an error whose cue and code, or whose JSON
// object, a cut separated is still found. Every record is written as it
// came; the annotations found in the joined line go on the record that
// ends it (the F record). A piece is never matched alone while it may be
// joined: a cut may fall inside a code, and the piece's part of it
// (-1 of -1401) may be another code. Pieces are joined when they follow
// each other with nothing between and the joined line is no longer than
// MaxLine; a record of the other stream or any other line between two
// pieces breaks the line, and its pieces, written already, keep no
// annotation. The pieces of a line longer than MaxLine are matched alone,
// each with the word that touches a cut blanked out (container.MaskCut).

// Joint holds what joining needs between the blocks of one input: whether
// the input is a container log (decided on its first record), and the
// pieces of a line not ended yet. Its zero value is ready for an input's
// first block. It is for one goroutine.
type Joint struct {
	decided bool
	g       *container.Group // nil: not a container log
}

// Reset forgets the pieces of a line not ended yet, when what follows in
// the input does not continue it (a file rotated or truncated). Whether
// the input is a container log is kept.
func (jt *Joint) Reset() {
	if jt.g != nil {
		jt.g.Reset()
	}
}

// decide makes the joint a container log's if block (lines, each but
// the last ending in LF) holds a container record no longer than maxLine
// (a longer one may come in pieces, and is no record then). Lines before
// that record are no records: joinedLines writes them as plain lines.
func (jt *Joint) decide(block []byte, maxLine int) {
	if jt.decided {
		return
	}
	if f, _ := container.Find(block, maxLine); f != container.None {
		jt.decided = true
		jt.g = container.NewGroup(f, maxLine)
	}
}

// format is the container log format of the input (None when not decided).
func (jt *Joint) format() container.Format {
	if jt == nil || jt.g == nil {
		return container.None
	}
	return jt.g.Format()
}

// joining says whether lines go through the joint.
func (jt *Joint) joining() bool { return jt != nil && jt.g != nil }

// LinesJoint is Lines for one of the blocks of an input read one after
// another (a followed file): jt carries, from one call to the next, the
// pieces of a line a container runtime split that a block ended with.
func (p *Processor) LinesJoint(sink Sink, block []byte, jt *Joint) (Stats, error) {
	st := &run{p: p, sink: sink, onAnnotated: p.opts.OnAnnotated, joint: jt}
	k := bytes.LastIndexByte(block, '\n') + 1
	err := st.lines(block[:k])
	if err == nil {
		err = st.last(block[k:])
	}
	st.stats.Bytes = int64(len(block))
	return st.stats, err
}

// replay takes into the joint the lines of carry (whole lines: the pieces
// a block before ended with, which a worker of RunParallel did not see),
// as if they had been read here, without writing them.
func (st *run) replay(carry []byte) {
	for len(carry) > 0 {
		e := bytes.IndexByte(carry, '\n') + 1
		if e == 0 {
			e = len(carry)
		}
		line, _ := split(carry[:e])
		st.joint.g.Add(line)
		carry = carry[e:]
	}
}

// joinedLines writes block (complete lines) of a container log: the lines
// between groups of pieces as lines does, and the pieces and the records
// that end them one by one through the joint.
func (st *run) joinedLines(block []byte) error {
	from := 0
	for from < len(block) {
		if st.joint.g.Open() {
			e := bytes.IndexByte(block[from:], '\n') + from + 1
			if err := st.joinLine(block[from:e]); err != nil {
				return err
			}
			from = e
			continue
		}
		s, e := container.NextPartial(block[from:], st.joint.g.Format())
		if s < 0 {
			return st.plainLines(block[from:])
		}
		if err := st.plainLines(block[from : from+s]); err != nil {
			return err
		}
		if err := st.joinLine(block[from+s : from+e]); err != nil {
			return err
		}
		from += e
	}
	return nil
}

// joinLine writes one line of a container log (with its terminator, if
// it has one) through the joint: a piece held to be joined is written
// without annotation, a record that ends pieces is matched on the whole
// line, a piece of a line too long to join is matched with the word at
// its cuts blanked out, and any other line as it is.
func (st *run) joinLine(b []byte) error {
	line, term := split(b)
	jt := st.joint
	if len(line) > st.p.opts.MaxLine {
		jt.Reset()
		return st.longLine(line, term)
	}
	var anns []matcher.Annotation
	switch p := jt.g.Add(line); {
	case p.Joined:
		anns = notOfLine(st.p.m.Match(p.Whole))
	case p.Held:
	case p.CutBefore || p.CutAfter:
		anns = notOfLine(st.p.m.Match(container.MaskCut(line, jt.g.Format(), p.CutBefore, p.CutAfter)))
	default:
		anns = st.p.m.Match(line)
	}
	return st.write(line, term, anns)
}

// notOfLine clears JSONLine in anns, which were found in another text than
// the line they are written with (the record the line's pieces make, the
// line with its cut words blanked): what that text is says nothing of what
// the line is.
func notOfLine(anns []matcher.Annotation) []matcher.Annotation {
	for i := range anns {
		anns[i].JSONLine = false
	}
	return anns
}
