package matcher

import (
	"bytes"

	"github.com/errtag/errtag/internal/prefilter"
)

// Candidates walks the candidate lines of a block of lines: those in which
// one of the matcher's gate literals occurs. Every other line has no
// annotation, so a caller can pass the stretches between candidates over in
// bulk without calling Match, as ripgrep's searcher asks its matcher for the
// next candidate line. A Candidates is used by one goroutine.
type Candidates struct {
	block []byte
	cur   *prefilter.Cursor
	pos   int // where the next search starts: a line start
}

// Candidates returns the candidate lines of block, in order. Lines end at
// LF; the last line of block may have none.
func (m *Matcher) Candidates(block []byte) *Candidates {
	return &Candidates{block: block, cur: m.gate.NewCursor(block)}
}

// Next returns the next candidate line: block[start:end] is the line with its
// LF, if it has one. ok is false when no candidate is left.
func (c *Candidates) Next() (start, end int, ok bool) {
	if c.pos >= len(c.block) {
		return 0, 0, false
	}
	hit := c.cur.Next(c.pos)
	if hit < 0 {
		c.pos = len(c.block)
		return 0, 0, false
	}
	start = bytes.LastIndexByte(c.block[c.pos:hit], '\n') + 1 + c.pos
	end = len(c.block)
	if i := bytes.IndexByte(c.block[hit:], '\n'); i >= 0 {
		end = hit + i + 1
	}
	c.pos = end
	return start, end, true
}

// MatchCandidate is Match for a line that Next returned, without its
// terminator: the gate, already found in it, is not searched again. Given
// any other line it returns what Match returns, only more slowly.
func (m *Matcher) MatchCandidate(line []byte) []Annotation { return m.match(line, nil) }
