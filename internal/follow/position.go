package follow

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// Position is where the reading of one followed file stands: which file
// (device and inode), how many of its bytes were delivered, and a
// fingerprint of its first bytes. Offset is always at the end of a
// delivered line.
//
// When a Position is given back in Config.Resume, the file at the name is
// checked against it:
//   - the same device and inode, at least Offset bytes, and the same first
//     HeadLen bytes: reading resumes at Offset;
//   - the same inode but fewer bytes or other first bytes (truncated, or
//     truncated and refilled, or the inode number was reused): the lines
//     after Offset are recovered from a copy in the same directory if one
//     has the same first bytes (copytruncate), then the file is read from 0;
//   - another inode (rotated): the old inode is looked for in the same
//     directory under any name and, if found with the same first bytes, is
//     finished from Offset first; then the new file is read from 0.
type Position struct {
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	Offset int64  `json:"offset"`
	// HeadLen is how many of the file's first bytes HeadSHA256 covers:
	// min(Offset, 1024) when the Position was taken.
	HeadLen int `json:"head_len"`
	// HeadSHA256 is the hex SHA-256 of those bytes ("" when HeadLen is 0).
	HeadSHA256 string `json:"head_sha256"`
}

const (
	headMax = 1024 // first bytes kept to recognise a file and its truncation
	markMax = 64   // last delivered bytes kept to check a copytruncate copy
)

func sum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// gen is one generation of a followed name: an open file and how far it
// was read.
type gen struct {
	f    *os.File
	fi   os.FileInfo // from fstat when opened (identity)
	pos  Position    // delivered up to pos.Offset
	pend []byte      // bytes read after pos.Offset: an incomplete line
	head []byte      // the file's first min(pos.Offset, headMax) bytes
	mark []byte      // the last min(pos.Offset, markMax) bytes before pos.Offset
}

// openGen opens the regular file at path.
func openGen(path string) (*gen, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		// Opening a FIFO would block; a directory has no lines.
		return nil, &os.PathError{Op: "follow", Path: path, Err: fmt.Errorf("not a regular file (%s)", fi.Mode().Type())}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, err
	}
	g := &gen{f: f, fi: fi}
	g.pos.Dev, g.pos.Ino, _ = fileID(fi)
	return g, nil
}

func (g *gen) close() {
	if g != nil && g.f != nil {
		g.f.Close()
		g.f = nil
	}
}

func (g *gen) readOff() int64 { return g.pos.Offset + int64(len(g.pend)) }

// seek makes g deliver from off, reading the head and mark there. It
// reports false if the file is shorter than off.
func (g *gen) seek(off int64) bool {
	g.pos.Offset, g.pend = off, nil
	g.head = make([]byte, min(off, headMax))
	g.mark = make([]byte, min(off, markMax))
	if !readFull(g.f, g.head, 0) || !readFull(g.f, g.mark, off-int64(len(g.mark))) {
		g.pos.Offset, g.head, g.mark = 0, nil, nil
		g.pos.HeadLen, g.pos.HeadSHA256 = 0, ""
		return false
	}
	g.pos.HeadLen, g.pos.HeadSHA256 = len(g.head), sum(g.head)
	return true
}

// take adds data, read at g.readOff(), and returns the complete lines now
// held, or nil.
func (g *gen) take(data []byte) []byte {
	i := bytes.LastIndexByte(data, '\n')
	if i < 0 {
		g.pend = append(g.pend, data...)
		return nil
	}
	out := make([]byte, len(g.pend)+i+1)
	n := copy(out, g.pend)
	copy(out[n:], data[:i+1])
	g.pend = append(g.pend[:0], data[i+1:]...)
	g.advance(out)
	return out
}

// rest returns the incomplete line held, delivered as it is when its
// generation ends.
func (g *gen) rest() []byte {
	out := g.pend
	g.pend = nil
	g.advance(out)
	return out
}

func (g *gen) advance(b []byte) {
	if off := g.pos.Offset; off < headMax && len(b) > 0 {
		g.head = append(g.head, b[:min(int64(len(b)), headMax-off)]...)
		g.pos.HeadLen, g.pos.HeadSHA256 = len(g.head), sum(g.head)
	}
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

// headIntact reports whether the file still starts with the bytes it
// started with when they were read: if not, it was truncated (and
// refilled) since.
func (g *gen) headIntact() bool {
	return hasAt(g.f, 0, g.head)
}

// hasAt reports whether f holds b at off.
func hasAt(f *os.File, off int64, b []byte) bool {
	if len(b) == 0 {
		return true
	}
	got := make([]byte, len(b))
	return readFull(f, got, off) && bytes.Equal(got, b)
}

// headSum is the fingerprint of f's first n bytes ("" if it has fewer).
func headSum(f *os.File, n int) string {
	b := make([]byte, n)
	if !readFull(f, b, 0) {
		return "-"
	}
	return sum(b)
}

func readFull(f *os.File, b []byte, off int64) bool {
	if len(b) == 0 {
		return true
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
