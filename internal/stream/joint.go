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
// input whose first line is such a record is read as a container log: the
// stream then also matches each line's pieces joined, so that an error
// whose cue and code, or whose JSON object, a cut separated is still
// found. Every record is written as it came; the annotations found in the
// joined line go on the record that ends it (the F record), except those
// of a code a piece already carried on its own (each piece is matched
// alone too, as any line is: a piece that is the last output of a
// container, never ended, keeps its own). Pieces are joined when they
// follow each other with nothing between (a record of the other stream
// between two pieces breaks the line: its pieces are matched alone) and
// the joined line is no longer than MaxLine.

// Joint holds what joining needs between the blocks of one input: whether
// the input is a container log (decided on its first line), and the
// pieces of a line not ended yet. Its zero value is ready for an input's
// first block. It is for one goroutine.
type Joint struct {
	decided bool
	g       *container.Group // nil: not a container log
	seen    []string         // system and code of each annotation on the open group's pieces
}

// Reset forgets the pieces of a line not ended yet, when what follows in
// the input does not continue it (a file rotated or truncated). Whether
// the input is a container log is kept.
func (jt *Joint) Reset() {
	if jt.g != nil {
		jt.g.Reset()
	}
	jt.seen = jt.seen[:0]
}

// decide makes the joint a container log's if line (with or without its
// terminator), the input's first, is a container record no longer than
// maxLine (a longer one may come in pieces, and is no record then).
func (jt *Joint) decide(line []byte, maxLine int) {
	if jt.decided {
		return
	}
	jt.decided = true
	line, _ = split(line)
	if len(line) > maxLine {
		return
	}
	if f := container.Detect(line); f != container.None {
		jt.g = container.NewGroup(f, maxLine)
	}
}

// firstLine is b's first line, with its LF if it has one.
func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
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

// annKey names an annotation's code in its system.
func annKey(a matcher.Annotation) string { return a.Entry.System + "\x00" + a.Entry.Code }

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
		st.noteSeen(st.p.m.Match(line))
		carry = carry[e:]
	}
}

// noteSeen records the annotations of the piece just added, after a new
// group's first piece forgot those of the group before.
func (st *run) noteSeen(anns []matcher.Annotation) {
	jt := st.joint
	switch {
	case !jt.g.Open():
		jt.seen = jt.seen[:0]
		return
	case jt.g.Pieces() == 1:
		jt.seen = jt.seen[:0]
	}
	for _, a := range anns {
		jt.seen = append(jt.seen, annKey(a))
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
// it has one) through the joint: a piece is matched alone, a record that
// ends pieces is matched on the whole line.
func (st *run) joinLine(b []byte) error {
	line, term := split(b)
	jt := st.joint
	if len(line) > st.p.opts.MaxLine {
		jt.Reset()
		return st.longLine(line, term)
	}
	whole, ended := jt.g.Add(line)
	var anns []matcher.Annotation
	if ended {
		for _, a := range st.p.m.Match(whole) {
			if !contains(jt.seen, annKey(a)) {
				anns = append(anns, a)
			}
		}
		jt.seen = jt.seen[:0]
	} else {
		anns = st.p.m.Match(line)
		st.noteSeen(anns)
	}
	return st.write(line, term, anns)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
