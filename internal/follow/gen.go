package follow

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"
)

// gen is one generation of a followed name: an open file and how far it
// was read. A gen is pinned (opened) as soon as the follower notices it, so
// that it can be read later even if it is renamed or deleted meanwhile.
type gen struct {
	f     *os.File
	path  string      // where it was found
	fi    os.FileInfo // fstat when opened (identity, os.SameFile)
	id    FileID
	nlink uint64    // link count at the last look (0: deleted)
	size  int64     // size at the last look
	mtime time.Time // modification time at the last look
	grew  time.Time // when its size was last seen to change (wall clock)

	pos  Position // delivered up to pos.Offset
	pend []byte   // read after pos.Offset, not delivered: an incomplete line
	long bool     // inside a line longer than MaxLine (pieces delivered)
	head []byte   // the first min(readOff, headMax) bytes read
	mark []byte   // the last min(pos.Offset, markMax) bytes delivered
	// sumLen and sumHex cache the fingerprint of head[:sumLen].
	sumLen int
	sumHex string

	// How it was found (see file.queue), and what the follower's looks
	// (numbered rounds, see Follower.round) proved about when it left
	// the name (see knownOlder).
	atName bool   // found at the followed name (else: as a rotated copy)
	seq    uint64 // atName: the round in which it was first seen there
	lastAt uint64 // atName: the last round in which it was seen there
	leftAt uint64 // atName: round in which the name was seen holding another file
	// foundAt: it had left the name by this round (a listing of the
	// directory found it under a rotated name); absentAt: it had not
	// left yet at this round (a listing that held still did not have
	// it).
	foundAt, absentAt uint64
	// waiting: not opened, a rotated copy left in the directory for
	// want of room to pin it (see file.waiting).
	waiting bool
	// skip names the compression of a generation that is not read.
	skip    string
	checked bool // its first bytes were checked for compression
}

// openGen opens the regular file at path.
func openGen(path string) (*gen, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &os.PathError{Op: "follow", Path: path, Err: notRegular(fi)}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() { // replaced between the stat and the open
		f.Close()
		return nil, &os.PathError{Op: "follow", Path: path, Err: notRegular(fi)}
	}
	g := &gen{f: f, path: path, fi: fi, grew: time.Now()}
	g.id.Dev, g.id.Ino, g.nlink, _ = statID(fi)
	g.id.BTime = birthTime(f)
	g.size, g.mtime = fi.Size(), fi.ModTime()
	g.pos.Dev, g.pos.Ino, g.pos.BTime = g.id.Dev, g.id.Ino, g.id.BTime
	return g, nil
}

func notRegular(fi os.FileInfo) error {
	t := "a directory"
	if !fi.IsDir() {
		t = fi.Mode().Type().String()
	}
	return fmt.Errorf("not a regular file (%s)", t)
}

func (g *gen) close() {
	if g != nil && g.f != nil {
		g.f.Close()
		g.f = nil
	}
}

func (g *gen) readOff() int64 { return g.pos.Offset + int64(len(g.pend)) }

// refresh looks at the file again (size, time, links) and reports whether
// the look succeeded.
func (g *gen) refresh() bool {
	fi, err := g.f.Stat()
	if err != nil {
		return false
	}
	if fi.Size() != g.size {
		g.grew = time.Now()
	}
	g.size, g.mtime = fi.Size(), fi.ModTime()
	_, _, g.nlink, _ = statID(fi)
	return true
}

// seek makes g deliver from off, reading the head and mark there. It
// reports false (and starts at 0) if the file is shorter than off.
func (g *gen) seek(off int64) bool {
	g.pos.Offset, g.pend, g.long = off, nil, false
	g.head = make([]byte, min(off, headMax))
	g.mark = make([]byte, min(off, markMax))
	if readFull(g.f, g.head, 0) && readFull(g.f, g.mark, off-int64(len(g.mark))) {
		return true
	}
	g.pos.Offset, g.head, g.mark = 0, nil, nil
	return false
}

// position is the Position after what was delivered.
func (g *gen) position() Position {
	p := g.pos
	p.HeadLen = int(min(p.Offset, headMax))
	if p.HeadLen != g.sumLen || (p.HeadLen > 0 && g.sumHex == "") {
		g.sumLen, g.sumHex = p.HeadLen, sum(g.head[:p.HeadLen])
	}
	p.HeadSHA256 = g.sumHex
	p.MarkLen, p.MarkSHA256 = len(g.mark), sum(g.mark)
	p.MTime = g.mtime.UnixNano()
	p.InLine = g.long
	return p
}

// headIntact reports whether the file still starts with the bytes read
// from its start: if not, it was truncated (and refilled) since.
func (g *gen) headIntact() bool { return hasAt(g.f, 0, g.head) }

// sawRead records data, just read at g.readOff(), in the head.
func (g *gen) sawRead(data []byte) {
	if off := g.readOff(); off < headMax {
		g.head = append(g.head, data[:min(int64(len(data)), headMax-off)]...)
	}
}

// Part says what a Chunk's Data holds.
type Part int

const (
	// Lines: whole lines, each with its terminator, except that the last
	// line of a generation that ended without one is delivered as it is
	// when the generation ends (rotation, truncation, release).
	Lines Part = iota
	// Piece: a piece of a line longer than Config.MaxLine, which is not
	// held whole; more pieces follow.
	Piece
	// LastPiece: the last piece of a line longer than MaxLine, ending with
	// the line's terminator (none if the generation ended inside it).
	LastPiece
)

// piece is data to deliver.
type piece struct {
	data []byte
	part Part
}

// cut takes data, read at g.readOff(), and returns what can be delivered:
// complete lines, and pieces of a line that has grown past maxLine. A
// trailing CR is held back from a piece: it may be the first half of a
// CRLF terminator.
func (g *gen) cut(data []byte, maxLine int) []piece {
	var out []piece
	for len(data) > 0 {
		if g.long {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				b := concat(g.pend, data)
				n := len(b)
				if b[n-1] == '\r' {
					n--
				}
				g.pend = append([]byte(nil), b[n:]...)
				if n > 0 {
					out = append(out, piece{b[:n], Piece})
				}
				return out
			}
			out = append(out, piece{concat(g.pend, data[:i+1]), LastPiece})
			g.pend, g.long = nil, false
			data = data[i+1:]
			continue
		}
		if last := bytes.LastIndexByte(data, '\n'); last >= 0 {
			out = append(out, piece{concat(g.pend, data[:last+1]), Lines})
			g.pend = g.pend[:0]
			if cap(g.pend) > 64<<10 {
				g.pend = nil
			}
			data = data[last+1:]
		}
		g.pend = append(g.pend, data...)
		if n := pendingLen(g.pend); n > maxLine {
			out = append(out, piece{append([]byte(nil), g.pend[:n]...), Piece})
			g.pend = append([]byte(nil), g.pend[n:]...)
			g.long = true
		}
		return out
	}
	return out
}

// rest returns what is held when the generation ends: an incomplete last
// line, or the end of a too-long line.
func (g *gen) rest() (piece, bool) {
	p := piece{data: g.pend, part: Lines}
	if g.long {
		p.part = LastPiece
	}
	ok := g.long || len(g.pend) > 0
	g.pend, g.long = nil, false
	return p, ok
}

// advance moves the delivered offset past b.
func (g *gen) advance(b []byte) {
	if len(b) >= markMax {
		g.mark = append(g.mark[:0], b[len(b)-markMax:]...)
	} else {
		g.mark = append(g.mark, b...)
		if extra := len(g.mark) - markMax; extra > 0 {
			g.mark = append(g.mark[:0], g.mark[extra:]...)
		}
	}
	g.pos.Offset += int64(len(b))
}

// concat returns a new slice holding a then b.
func concat(a, b []byte) []byte {
	out := make([]byte, len(a)+len(b))
	copy(out, a)
	copy(out[len(a):], b)
	return out
}

// pendingLen is the length of an unfinished line without a trailing CR,
// which may turn out to be the first half of its CRLF terminator.
func pendingLen(b []byte) int {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return n - 1
	}
	return len(b)
}

// hasAt reports whether f holds b at off.
func hasAt(f *os.File, off int64, b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if off < 0 {
		return false
	}
	got := make([]byte, len(b))
	return readFull(f, got, off) && bytes.Equal(got, b)
}

func readFull(f *os.File, b []byte, off int64) bool {
	if len(b) == 0 {
		return true
	}
	if off < 0 {
		return false
	}
	n, err := f.ReadAt(b, off)
	return n == len(b) && (err == nil || err == io.EOF)
}

// lastLineEnd is where following starts when it starts at the end: after
// the last complete line, so that a line being written is delivered whole.
// It looks back at most 1 MiB; a last line longer than that is joined at
// the end of the file.
func lastLineEnd(f *os.File, size int64) int64 {
	const window = 1 << 20
	buf := make([]byte, 64<<10)
	end := size
	for end > 0 && size-end < window {
		n := min(int64(len(buf)), end)
		if !readFull(f, buf[:n], end-n) {
			return size
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1
		}
		end -= n
	}
	if end == 0 {
		return 0
	}
	return size
}
