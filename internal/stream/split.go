package stream

import (
	"bytes"
	"errors"
	"io"
)

// unit is what the splitter hands on: a kind and its bytes.
type unit uint8

const (
	// unitLines is one or more complete lines, each ending in LF.
	unitLines unit = iota
	// unitLast is the input's last line, which has no LF (a CR at its
	// end is part of it).
	unitLast
	// unitLongStart, unitLongMore and unitLongEnd are the pieces of an
	// unfinished line that grew over MaxLine: its first bytes, more of
	// them, and its last bytes with its terminator (none at the end of
	// the input).
	unitLongStart
	unitLongMore
	unitLongEnd
)

// readSize is the buffer Run reads into; it grows to hold a line up to
// MaxLine.
const readSize = 256 << 10

// firstSize is the buffer a splitter starts with.
const firstSize = 32 << 10

// splitter is errtag's one line-splitting engine: it reads an input and
// cuts it into units, handed in order to emit. It holds at most one
// unfinished line of up to MaxLine bytes (and, in fill mode, the complete
// lines read before it); a longer line is handed on in pieces as it
// arrives. Whatever was read is handed on before run returns, also when
// the read fails.
type splitter struct {
	r       io.Reader
	maxLine int
	// size is the size the buffer grows to while reads fill it (more
	// only to hold a line of up to maxLine).
	size int
	// fill gathers the reads of a source that never waits (a regular
	// file, or a decoder reading one) into units of about size bytes:
	// otherwise every read that completes a line hands its lines on, so
	// that a line from a quiet pipe is not held back.
	fill bool
	// emit receives each unit; b is only valid until it returns. An error
	// from emit ends run with that error.
	emit func(u unit, b []byte) error
	// idle, when set, is called before every read that may wait for
	// input (every read unless fill).
	idle func() error
	// stop, when set, is asked before every read whether to stop reading.
	stop func() bool
	// alloc, when set, makes the splitter give away the buffer of each
	// unitLines and unitLast unit instead of emit copying the bytes: emit
	// may keep b and cur, the whole buffer b lies in. The splitter moves
	// what follows the unit to a new buffer from alloc (of n bytes at
	// least) before it reads on, and never writes to cur again.
	alloc func(n int) []byte
	cur   []byte
	// bytes counts the bytes read.
	bytes int64
}

// run reads to the end of the input. It returns nil at io.EOF, a
// *ReadError when a read fails, or emit's or idle's error.
func (s *splitter) run() error {
	// The buffer starts small, for small inputs, and doubles (to size)
	// as it fills.
	buf := make([]byte, min(s.size, firstSize))
	target := s.size * 3 / 4 // fill mode: hand lines on once this many are held
	n := 0                   // bytes held: buf[:n]
	done := 0                // buf[:done] are complete lines (when not long)
	long := false            // buf[:n] continues a line over maxLine
	filled := false
	for {
		if s.stop != nil && s.stop() {
			return nil
		}
		// Grow when full: of one unfinished line no longer than maxLine,
		// or in fill mode of the lines gathered toward target; or, from
		// a source that may wait, when the last read filled a buffer
		// smaller than size (the source has more to give at once).
		if n == len(buf) || !s.fill && filled && len(buf) < s.size {
			nb := make([]byte, 2*len(buf))
			copy(nb, buf[:n])
			buf = nb
		}
		if s.idle != nil && !s.fill {
			if err := s.idle(); err != nil {
				return err
			}
		}
		m, rerr := s.r.Read(buf[n:])
		s.bytes += int64(m)
		filled = n+m == len(buf)
		from := n // the new bytes are buf[from:n]
		n += m
		used := 0 // buf[:used] was handed on
		if long {
			// buf[:from] holds no LF: the line's end can only be new.
			if i := bytes.IndexByte(buf[from:n], '\n'); i >= 0 {
				used = from + i + 1
				long = false
				if err := s.emit(unitLongEnd, buf[:used]); err != nil {
					return err
				}
			} else if rerr != nil {
				used = n
				long = false
				if err := s.emit(unitLongEnd, buf[:n]); err != nil {
					return err
				}
			} else if n == len(buf) {
				// A trailing CR may be the first half of CRLF: it
				// goes with what follows.
				used = pendingLen(buf[:n])
				if err := s.emit(unitLongMore, buf[:used]); err != nil {
					return err
				}
			}
		}
		if !long {
			done = max(done, used)
			lo := max(done, from)
			if k := bytes.LastIndexByte(buf[lo:n], '\n'); k >= 0 {
				done = lo + k + 1
			}
			over := rerr == nil && pendingLen(buf[done:n]) > s.maxLine
			if done > used && (!s.fill || n >= target || n == len(buf) && len(buf) >= s.size || over || rerr != nil) {
				s.cur = buf
				if err := s.emit(unitLines, buf[used:done]); err != nil {
					return err
				}
				used = done
				if s.alloc != nil {
					// buf was given away: go on in a new one.
					nb := s.alloc(len(buf))
					n = copy(nb, buf[done:n])
					buf, used, done = nb, 0, 0
				}
			}
			switch {
			case over:
				// An unfinished line over maxLine: hand it on as
				// it arrives instead of holding it.
				long = true
				end := done + pendingLen(buf[done:n])
				if err := s.emit(unitLongStart, buf[done:end]); err != nil {
					return err
				}
				used = end
			case rerr != nil && n > done:
				s.cur = buf // given away too: nothing is read into it after
				if err := s.emit(unitLast, buf[done:n]); err != nil {
					return err
				}
				used = n
			}
		}
		if used > 0 {
			n = copy(buf, buf[used:n])
			done = max(done-used, 0)
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return nil
			}
			return &ReadError{Offset: s.bytes, Err: rerr}
		}
	}
}

// unit writes one unit from the splitter.
func (st *run) unit(u unit, b []byte) error {
	switch u {
	case unitLines:
		return st.lines(b)
	case unitLast:
		return st.last(b)
	case unitLongStart:
		return st.longStart(b)
	case unitLongMore:
		return st.longMore(b)
	default:
		return st.longEnd(b)
	}
}

// NonBlocking marks r as a source whose reads never wait for data to
// arrive (a regular file, or a decoder reading one). Run and RunParallel
// then gather reads into whole chunks; from any other reader they hand on
// what each read completes at once, so that a line from an idle pipe is
// not held back.
func NonBlocking(r io.Reader) io.Reader { return nonBlocking{r} }

type nonBlocking struct{ io.Reader }

// Run reads r to its end on the calling goroutine and writes every line to
// sink. It returns nil at the end of r, a *ReadError when a read fails
// (what was read before is written), or a *WriteError when sink fails. The
// sink is flushed before every read that may wait for input, and at the
// end.
func (p *Processor) Run(r io.Reader, sink Sink) (Stats, error) {
	st := &run{p: p, sink: sink, onAnnotated: p.opts.OnAnnotated, joint: &Joint{}}
	sp := &splitter{r: r, maxLine: p.opts.MaxLine, size: readSize, emit: st.unit, idle: st.flush}
	_, sp.fill = r.(nonBlocking)
	err := sp.run()
	st.stats.Bytes = sp.bytes
	if ferr := st.flush(); ferr != nil {
		err = ferr
	}
	return st.stats, err
}

func (st *run) flush() error {
	if err := st.sink.Flush(); err != nil {
		return &WriteError{err}
	}
	return nil
}
