package matcher

import (
	"bytes"
	"encoding/binary"

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
	start = lastNewline(c.block[c.pos:hit]) + 1 + c.pos
	end = len(c.block)
	if i := bytes.IndexByte(c.block[hit:], '\n'); i >= 0 {
		end = hit + i + 1
	}
	c.pos = end
	return start, end, true
}

// lastNewline is bytes.LastIndexByte(b, '\n'), eight bytes at a time
// (the "has zero byte" test of Bit Twiddling Hacks, exact as a test of a
// whole word): the standard library's is a loop over single bytes, and a
// candidate's line start is often a hundred bytes back.
func lastNewline(b []byte) int {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	i := len(b)
	for ; i >= 8; i -= 8 {
		w := binary.LittleEndian.Uint64(b[i-8:]) ^ (lsb * '\n')
		if (w-lsb)&^w&msb != 0 {
			break
		}
	}
	return bytes.LastIndexByte(b[:i], '\n')
}

// MatchCandidate is Match for a line that Next returned, without its
// terminator: the gate, already found in it, is not searched again. Given
// any other line it returns what Match returns, only more slowly.
func (m *Matcher) MatchCandidate(line []byte) []Annotation { return m.match(line, nil) }
