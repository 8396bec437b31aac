package follow

import (
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/errtag/errtag/internal/compress"
)

// readCompressedRest looks, at a restart, for the file p was taken of
// among f's compressed rotated copies (gzip or zstd: logrotate's compress
// with delaycompress makes app.log.2.gz of the file errtag stopped in):
// a copy whose decoded first p.HeadLen bytes, and last p.MarkLen bytes
// before p.Offset, are the ones recorded. Its lines after p.Offset are
// delivered (the last even if incomplete), with Positions that lead back
// here if the follower stops meanwhile. It reports whether it found one;
// false with the follower stopped too.
func (fl *Follower) readCompressedRest(f *file, p Position) (found, ok bool) {
	if p.HeadLen == 0 || f.dir == "" {
		return false, true
	}
	for _, s := range listSiblings(f.dir, f.base) {
		if fl.isOpen(s.fi) || f.isDoneFI(s.fi) {
			continue
		}
		c, err := os.Open(s.path)
		if err != nil {
			continue
		}
		comp := compressed(c)
		if comp == compress.None {
			c.Close()
			continue
		}
		g, r := decodeAt(c, comp, p)
		if g == nil {
			c.Close()
			continue
		}
		g.path = s.path
		f.scheme = schemeOf(f.base, filepath.Base(s.path)) // see Position
		ok := fl.deliverDecoded(f, g, r)
		r.Close()
		g.id.BTime = birthTime(c)
		g.id.Dev, g.id.Ino, _, _ = statID(s.fi)
		g.mtime = s.fi.ModTime()
		c.Close()
		if ok {
			// Done, but not a bound on what is unread: the copy was
			// written after generations that came after it.
			since := f.since
			fl.markDone(f, g)
			f.since = since
		}
		return true, ok
	}
	return false, true
}

// decodeCopies decodes whole, at a restart from a Position at offset 0
// (see resumeUnread), f's compressed rotated copies modified since f.since
// and not read before, oldest first, and delivers their lines (the last
// even if incomplete). Their Positions are the copy's own: a restart in
// the middle of one finds it again by its decoded first bytes
// (readCompressedRest). It reports whether it decoded any; ok false if
// the follower was stopped first.
func (fl *Follower) decodeCopies(f *file) (decoded, ok bool) {
	if f.dir == "" {
		return false, true
	}
	var cands []*gen
	for _, s := range listSiblings(f.dir, f.base) {
		if writtenBefore(s.fi.ModTime(), f.since) || fl.isOpen(s.fi) || f.isDoneFI(s.fi) || fl.doneIDs[s.id] || fl.notACopy(f, s.path, s.fi) {
			continue
		}
		c, err := os.Open(s.path)
		if err != nil {
			continue
		}
		comp := compressed(c)
		c.Close()
		if comp == compress.None {
			continue
		}
		cands = append(cands, &gen{path: s.path, fi: s.fi, id: s.id, size: s.fi.Size(), mtime: s.fi.ModTime(), nlink: 1})
	}
	for _, q := range order(f.base, f.numbers, cands) {
		c, err := os.Open(q.path)
		if err != nil {
			continue
		}
		if fi, err := c.Stat(); err != nil || !os.SameFile(fi, q.fi) {
			c.Close()
			continue // another file under that name since the listing
		}
		g, r := decodeAt(c, compressed(c), Position{})
		if g == nil {
			c.Close()
			continue
		}
		g.path, g.mtime, g.id = q.path, q.mtime, q.id
		g.pos.Dev, g.pos.Ino, g.pos.BTime = q.id.Dev, q.id.Ino, q.id.BTime
		decoded = true
		ok := fl.deliverDecoded(f, g, r)
		r.Close()
		c.Close()
		if !ok {
			return true, false
		}
		since := f.since // not a bound on what is unread (see readCompressedRest)
		fl.markDone(f, g)
		f.since = since
	}
	return decoded, true
}

// isOpen reports whether fi is a generation the follower holds open.
func (fl *Follower) isOpen(fi os.FileInfo) bool {
	g, _ := fl.openOwner(fi)
	return g != nil
}

// compressed names the compression (gzip or zstd) that f's data is in.
func compressed(f *os.File) compress.Compression {
	b := make([]byte, headProbe)
	n, _ := f.ReadAt(b, 0)
	c, _, _ := compress.Probe(b[:n], n < len(b))
	return c
}

// decodeAt decodes c from its start and, if it begins with the bytes p
// recorded and holds the bytes p recorded before p.Offset, returns a gen standing at p.Offset (its
// Positions are p's, advanced) and the decoder, positioned there.
func decodeAt(c *os.File, comp compress.Compression, p Position) (*gen, io.ReadCloser) {
	r, err := compress.NewReader(io.NewSectionReader(c, 0, 1<<62), comp)
	if err != nil {
		return nil, nil
	}
	head := make([]byte, p.HeadLen)
	if _, err := io.ReadFull(r, head); err != nil || sum(head) != p.HeadSHA256 {
		r.Close()
		return nil, nil
	}
	// The last bytes before Offset: the mark recorded, or (none
	// recorded) as many as there are, to record from here on.
	markLen := p.MarkLen
	if markLen == 0 {
		markLen = int(min(p.Offset, markMax))
	}
	skip := p.Offset - int64(markLen)
	if skip < int64(p.HeadLen) {
		// The mark overlaps the head: it is taken from the head.
		skip = int64(p.HeadLen)
	}
	if n, _ := io.CopyN(io.Discard, r, skip-int64(p.HeadLen)); n != skip-int64(p.HeadLen) {
		r.Close()
		return nil, nil
	}
	rest := make([]byte, p.Offset-skip)
	if _, err := io.ReadFull(r, rest); err != nil {
		r.Close()
		return nil, nil
	}
	mark := concat(head[len(head)-(markLen-len(rest)):], rest)
	if p.MarkLen > 0 && sum(mark) != p.MarkSHA256 {
		r.Close()
		return nil, nil
	}
	g := &gen{pos: p, head: head, mark: mark, long: p.InLine, checked: true, mtime: time.Unix(0, p.MTime)}
	return g, r
}

// deliverDecoded delivers what r holds from g's position on, the last line
// even if incomplete. It reports false if the follower was stopped first
// (the Positions delivered lead back to the copy).
func (fl *Follower) deliverDecoded(f *file, g *gen, r io.Reader) bool {
	for {
		if fl.stopping() {
			return false
		}
		n, err := r.Read(fl.buf)
		if n > 0 {
			g.sawRead(fl.buf[:n])
			fl.deliver(f, g, g.cut(fl.buf[:n], fl.cfg.MaxLine))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fl.report(f, &os.PathError{Op: "decode", Path: g.path, Err: err})
			break
		}
	}
	if p, ok := g.rest(); ok {
		fl.deliver(f, g, []piece{p})
	}
	return true
}

// plainCopy reports whether an uncompressed rotated copy of f holds the
// file p was taken of, up to p.Offset (its first bytes, and the last ones
// before p.Offset).
func plainCopy(f *file, p Position) bool {
	for _, s := range listSiblings(f.dir, f.base) {
		if s.fi.Size() < p.Offset {
			continue
		}
		c, err := os.Open(s.path)
		if err != nil {
			continue
		}
		ok := compressed(c) == compress.None && headSum(c, p.HeadLen) == p.HeadSHA256 && markIntact(c, p)
		c.Close()
		if ok {
			return true
		}
	}
	return false
}
