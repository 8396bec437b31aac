package matcher

import (
	"io"
	"regexp"
	"unicode/utf8"
)

// workCount counts the work the matcher does on one line, for the tests
// that check that it grows linearly with the line. Production code passes
// nil, and every method of a nil *workCount does nothing.
type workCount struct {
	regexBytes int // bytes the regexp engine read
	steps      int // comparisons made sorting and deduplicating finds
	lineBytes  int // bytes of whole-line scans (exclude words)
}

func (w *workCount) scan(n int) {
	if w != nil {
		w.lineBytes += n
	}
}

func (w *workCount) step() {
	if w != nil {
		w.steps++
	}
}

// regex counts the bytes that re reads looking for its leftmost match in
// b (run again on a reader, which the regexp package reads no further than
// it needs).
func (w *workCount) regex(re *regexp.Regexp, b []byte) {
	if w == nil {
		return
	}
	r := &countingReader{b: b}
	re.FindReaderSubmatchIndex(r)
	w.regexBytes += r.n
}

// regexAll counts the bytes that re.FindAllSubmatchIndex(b, -1) reads: one
// leftmost search after another, each starting where the last match ended.
func (w *workCount) regexAll(re *regexp.Regexp, b []byte) {
	if w == nil {
		return
	}
	for pos := 0; pos <= len(b); {
		r := &countingReader{b: b[pos:]}
		loc := re.FindReaderSubmatchIndex(r)
		w.regexBytes += r.n
		if loc == nil {
			return
		}
		pos += max(loc[1], loc[0]+1)
	}
}

// countingReader is an io.RuneReader over b that counts the bytes read.
type countingReader struct {
	b []byte
	n int
}

func (r *countingReader) ReadRune() (rune, int, error) {
	if r.n >= len(r.b) {
		return 0, 0, io.EOF
	}
	c, size := utf8.DecodeRune(r.b[r.n:])
	r.n += size
	return c, size, nil
}
