package follow

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// file is one followed name.
type file struct {
	name      string // as given in Config.Files
	path      string // cleaned
	dir, base string
	cur       *gen // nil until the name has a file
	started   bool
	seen      []os.FileInfo // recent generations, not to be read again
	lastErr   string
}

func newFile(name, path string) *file {
	return &file{name: name, path: path, dir: filepath.Dir(path), base: filepath.Base(path)}
}

func (f *file) close() { f.cur.close() }

// remember records a generation as read.
func (f *file) remember(fi os.FileInfo) {
	const keep = 64
	if len(f.seen) == keep {
		f.seen = append(f.seen[:0], f.seen[1:]...)
	}
	f.seen = append(f.seen, fi)
}

func (f *file) wasSeen(fi os.FileInfo) bool {
	for _, s := range f.seen {
		if os.SameFile(s, fi) {
			return true
		}
	}
	return false
}

// report delivers err, unless it is the one reported last.
func (fl *Follower) report(f *file, err error) {
	if msg := err.Error(); msg != f.lastErr {
		f.lastErr = msg
		fl.send(Chunk{Source: f.name, Err: err})
	}
}

func notExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func (fl *Follower) deliver(f *file, g *gen, data []byte) {
	if len(data) > 0 {
		fl.send(Chunk{Source: f.name, Data: data, Pos: g.pos})
	}
}

// step reads what is new in f and looks for rotation and truncation. It
// reports whether it made progress (so that the follower looks again before
// it waits).
func (fl *Follower) step(f *file) bool {
	if f.cur == nil {
		return fl.open(f)
	}
	g := f.cur
	progress := false
	for budget := roundBudget; ; {
		n, err := g.f.ReadAt(fl.buf, g.readOff())
		if n > 0 {
			// Checked after the read: if the head is still there
			// now, it was when the block was read, so the block is
			// this file's content at this offset.
			if !g.headIntact() {
				fl.truncated(f, fl.buf[:n])
				return true
			}
			fl.deliver(f, g, g.take(fl.buf[:n]))
			f.lastErr = ""
			progress = true
			budget -= n
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fl.report(f, err)
			return progress
		}
		if budget <= 0 || fl.stopping() {
			return true // more to read: let the others have a turn
		}
	}
	if fl.cfg.atEOF != nil {
		fl.cfg.atEOF(f.name)
	}
	// At the end of the file: was it truncated, or does the name hold
	// another file now?
	if fi, err := g.f.Stat(); (err == nil && fi.Size() < g.readOff()) || !g.headIntact() {
		fl.truncated(f, nil)
		return true
	}
	pfi, err := os.Stat(f.path)
	switch {
	case notExist(err):
		// Renamed or removed, no new file yet: the old one is still
		// followed, its writer may not have moved on.
		return progress
	case err != nil:
		fl.report(f, err)
		return progress
	case os.SameFile(pfi, g.fi) || !pfi.Mode().IsRegular():
		f.lastErr = ""
		return progress
	case pfi.Size() == 0:
		// A new file, still empty: its writer has not switched yet, so
		// the old file may still grow.
		return progress
	}
	fl.rotate(f)
	return true
}

// open opens f's name when it had no file.
func (fl *Follower) open(f *file) bool {
	if !f.started {
		return fl.start(f)
	}
	g, err := openGen(f.path)
	if err != nil {
		if !notExist(err) {
			fl.report(f, err)
		}
		return false
	}
	f.lastErr = ""
	g.seek(0)
	f.cur = g
	f.remember(g.fi)
	return true
}

// start opens f for the first time: where a saved Position says, else at
// the beginning or after the last complete line.
func (fl *Follower) start(f *file) bool {
	f.started = true
	p, resume := fl.cfg.Resume[f.name]
	g, err := openGen(f.path)
	if err != nil && !notExist(err) {
		fl.report(f, err)
	}
	if !resume {
		if g == nil {
			return false
		}
		off := int64(0)
		if !fl.cfg.FromStart {
			off = lastLineEnd(g.f, g.fi.Size())
		}
		if !g.seek(off) {
			g.seek(0)
		}
		f.cur = g
		f.remember(g.fi)
		return true
	}
	if g != nil && samePos(g, p) {
		f.cur = g
		f.remember(g.fi)
		if g.fi.Size() >= p.Offset && headSum(g.f, p.HeadLen) == p.HeadSHA256 && g.seek(p.Offset) {
			return true
		}
		// Truncated, or truncated and refilled, while we were stopped.
		copyOf := func(c *gen) bool { return headSum(c.f, p.HeadLen) == p.HeadSHA256 }
		if c := fl.findSibling(f, g.fi, p.Offset, copyOf); c != nil {
			if c.seek(p.Offset) {
				c.pos.Dev, c.pos.Ino = p.Dev, p.Ino
				fl.drain(f, c)
			}
			c.close()
		}
		g.seek(0)
		fl.send(Chunk{Source: f.name, Note: Truncated, Pos: g.pos})
		return true
	}
	// The name holds another file, or none. Finish the old one first if
	// it is still in the directory under another name.
	if old := fl.findByID(f, p); old != nil {
		if old.seek(p.Offset) {
			g.close()
			f.cur = old
			f.remember(old.fi)
			return true
		}
		old.close()
	}
	if g == nil {
		return false
	}
	g.seek(0)
	f.cur = g
	f.remember(g.fi)
	fl.send(Chunk{Source: f.name, Note: Rotated, Pos: g.pos})
	return true
}

// samePos reports whether g is the file p was taken of.
func samePos(g *gen, p Position) bool {
	if dev, ino, ok := fileID(g.fi); ok && (p.Dev != 0 || p.Ino != 0) {
		return dev == p.Dev && ino == p.Ino
	}
	// No identity on this platform: the first bytes must do.
	return p.HeadLen > 0 && headSum(g.f, p.HeadLen) == p.HeadSHA256
}

// drain reads g to its end and delivers its lines, the last one even if
// it is incomplete. It reports false if the follower was stopped first.
func (fl *Follower) drain(f *file, g *gen) bool {
	for {
		if fl.stopping() {
			return false
		}
		n, err := g.f.ReadAt(fl.buf, g.readOff())
		fl.deliver(f, g, g.take(fl.buf[:n]))
		if err == io.EOF {
			break
		}
		if err != nil {
			fl.report(f, err)
			break
		}
	}
	fl.deliver(f, g, g.rest())
	return true
}

// rotate moves f from its current file, which the name no longer holds, to
// the file that holds the name now. The new file has data, so the old one
// is complete: it is read to its end first.
func (fl *Follower) rotate(f *file) {
	old := f.cur
	next, err := openGen(f.path) // pin the new file before reading the old to its end
	if err != nil {
		if !notExist(err) {
			fl.report(f, err)
		}
		return
	}
	if os.SameFile(next.fi, old.fi) {
		next.close()
		return
	}
	if !fl.drain(f, old) {
		next.close()
		return
	}
	last := old.fi.ModTime()
	if fi, err := old.f.Stat(); err == nil {
		last = fi.ModTime()
	}
	f.remember(old.fi)
	missed := fl.missed(f, last, next)
	old.close()
	f.cur = next
	f.remember(next.fi)
	for i, m := range missed {
		f.remember(m.fi)
		if !fl.drain(f, m) {
			for _, m := range missed[i:] {
				m.close()
			}
			return
		}
		m.close()
	}
	next.seek(0)
	f.lastErr = ""
	fl.send(Chunk{Source: f.name, Note: Rotated, Pos: next.pos})
}

// truncated handles a truncation of f's current file, found after held
// (bytes read past what was delivered, if any) were read.
func (fl *Follower) truncated(f *file, read []byte) {
	g := f.cur
	held := append(append([]byte(nil), g.pend...), read...)
	g.pend = nil
	// copytruncate: a copy that starts like this generation holds its
	// old content; if it reaches past what was delivered (and agrees on
	// the bytes before), the lines not delivered yet are read from it.
	sameHead := func(c *gen) bool { return len(g.head) > 0 && hasAt(c.f, 0, g.head) }
	c := fl.findSibling(f, g.fi, 0, sameHead)
	ok := true
	if c != nil && c.fi.Size() >= g.pos.Offset && hasAt(c.f, g.pos.Offset-int64(len(g.mark)), g.mark) {
		c.pos, c.head, c.mark = g.pos, g.head, g.mark
		ok = fl.drain(f, c)
	} else if len(held) > 0 && !hasAt(g.f, g.pos.Offset, held) {
		// No copy holds them, and the file holds other bytes there
		// now: what was read is old content (written after the copy).
		// Deliver it, its last line incomplete.
		fl.deliver(f, g, g.take(held))
		fl.deliver(f, g, g.rest())
	}
	if c != nil {
		f.remember(c.fi)
		// Copies of generations that came and went before we looked.
		for _, m := range fl.missed(f, c.fi.ModTime(), g) {
			f.remember(m.fi)
			m.pos.Dev, m.pos.Ino = g.pos.Dev, g.pos.Ino
			ok = ok && fl.drain(f, m)
			m.close()
		}
		c.close()
	}
	if !ok {
		return // stopped: the Position delivered last leads back here
	}
	if fi, err := g.f.Stat(); err == nil {
		g.fi = fi
	}
	g.seek(0)
	fl.send(Chunk{Source: f.name, Note: Truncated, Pos: g.pos})
}
