package follow

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// file is one followed name.
type file struct {
	name string // Source: as given, or as a pattern matched it
	path string // cleaned
	key  string // absolute path: the key of its Position
	glob bool   // matched by a pattern: forgotten once gone
	// target is the path through its symlinks; dir and base are where
	// its rotated copies are looked for: beside the target (a log reached
	// through a link is rotated in the link target's directory).
	target    string
	dir, base string

	first *gen // opened when a pattern found it, before it is started
	cur   *gen // the generation being read (nil: none yet)
	// queue holds the generations after cur, opened as soon as they were
	// noticed: files found at the name (atName), in the order seen, and
	// rotated copies found in the directory. Copies that the live file
	// still holds (copytruncate made the copy but did not truncate yet)
	// wait here too.
	queue []*gen
	// retired holds generations rotated away that are read on (complete
	// lines only) until they have been idle for Config.RotateWait, oldest
	// first: their writer may not have reopened the name yet.
	retired []*gen
	// done lists generations read to their end (and compressed copies),
	// oldest first: they are not read again. since is a lower bound on
	// the modification time of a generation that was not read yet.
	// reads caches the Position.Read made of done (nil: to be made).
	done  []doneGen
	since time.Time
	reads []ReadGen
	// late is the generation read from a previous run's offset at a
	// restart (see lateLines): its Positions are the saved one's.
	late *gen
	// scheme, when not "", is the only way of naming rotated copies
	// taken for generations (see schemeOf): learnt at a restart from
	// the name the file it stopped in was found under.
	scheme string

	started  bool
	appeared bool // found after start: read from its beginning
	// whileStopped: matched at start by a pattern a previous run
	// followed, without a saved Position: it appeared while errtag was
	// stopped, and so did its rotated copies modified since.
	whileStopped bool
	resume       *Position // where a previous run stopped
	retiring     bool      // a newer name took over: finish, then forget
	fresh        Note      // the note for a first file when there is none
	missing      bool      // a Missing note was sent, no file since
	nameGone     bool      // the name had no file at the last look
	released     bool

	lastErr string
	obsErr  error
	dirty   bool // look at it on the next turn
	scanDue bool // list its directory for rotated copies
	// numbers says how numbered rotated copies are named (see
	// olderByName), learnt from where read generations went.
	numbers int
	// changedAt counts the changes seen at the name; scannedAt is the
	// count when the directory was last listed for them.
	changedAt, scannedAt int
	lastScan             time.Time
	// listedAt is the round in which the last listing of the directory
	// began: every generation rotated away before a generation seen at
	// the name by then was in it (or known before).
	listedAt uint64
	// listed holds the identities of the rotated copies in the directory
	// (as of the listings since the last one that held still), each with
	// the round at which it had not been renamed there yet (absentAt; 0:
	// unknown); split is the round of the last listing that held still
	// (see stableSiblings).
	listed map[FileID]uint64
	split  uint64
	// waiting: the last listing found more rotated copies than could be
	// pinned; these are the oldest of those left (at most maxQueue), not
	// opened. Generations after them wait (see rotate).
	waiting []*gen
	cutSaid bool
	// unpinned: the name holds a file that is not its current one nor
	// queued (no room to pin it): the name has moved on.
	unpinned bool
}

type doneGen struct {
	id    FileID
	mtime time.Time
	// What Position.Read says of it (see ReadGen); known is false for
	// an entry of a version 3 Done list, which recorded no offset.
	known   bool
	off     int64
	headLen int
	head    string
	unread  bool
	// late: taken from a saved Position and found in the directory at
	// path: what it holds past off is read at the restart (lateLines).
	late bool
	path string
}

type devIno struct{ dev, ino uint64 }

const maxFileDone = 256

func newFile(name, path string, glob bool) *file {
	f := &file{name: name, path: path, key: Key(path), glob: glob}
	f.resolve()
	return f
}

// resolve finds where f's rotated copies are kept.
func (f *file) resolve() {
	t, err := filepath.EvalSymlinks(f.path)
	if err != nil {
		if f.dir == "" {
			f.dir, f.base = filepath.Dir(f.path), filepath.Base(f.path)
		}
		return
	}
	f.target = filepath.Clean(t)
	f.dir, f.base = filepath.Dir(f.target), filepath.Base(f.target)
}

// holds reports whether fi is f's current or a queued generation.
func (f *file) holds(fi os.FileInfo) bool {
	if f.cur != nil && os.SameFile(f.cur.fi, fi) {
		return true
	}
	for _, q := range f.queue {
		if os.SameFile(q.fi, fi) {
			return true
		}
	}
	for _, q := range f.retired {
		if os.SameFile(q.fi, fi) {
			return true
		}
	}
	return false
}

func sameID(a, b FileID) bool {
	return a.Ino != 0 && a.Ino == b.Ino && a.Dev == b.Dev && a.BTime == b.BTime
}

func (f *file) isDone(id FileID) bool {
	for _, d := range f.done {
		if sameID(d.id, id) {
			return true
		}
	}
	return false
}

// isDoneFI reports whether fi (device and inode alone) is a generation
// read to its end.
func (f *file) isDoneFI(fi os.FileInfo) bool {
	k, ok := idOf(fi)
	if !ok {
		return false
	}
	for _, d := range f.done {
		if d.id.Ino == k.ino && d.id.Dev == k.dev {
			return true
		}
	}
	return false
}

// readList is Position.Read: the most recent maxRead generations in done.
// The slice is shared by the Positions delivered until done changes, so it
// is never modified.
func (f *file) readList() []ReadGen {
	if f.reads != nil || len(f.done) == 0 {
		return f.reads
	}
	from := max(0, len(f.done)-maxRead)
	out := make([]ReadGen, 0, len(f.done)-from)
	for _, d := range f.done[from:] {
		r := ReadGen{FileID: d.id, Offset: d.off, Head: d.head, Unread: d.unread}
		if !d.known {
			r = ReadGen{FileID: d.id, Unread: true}
		}
		out = append(out, r)
	}
	f.reads = out
	return out
}

// addDone records d, replacing an entry of the same file.
func (f *file) addDone(d doneGen) {
	if d.id.Ino != 0 {
		f.done = slices.DeleteFunc(f.done, func(e doneGen) bool { return sameID(e.id, d.id) })
	}
	if len(f.done) >= maxFileDone {
		f.done = append(f.done[:0], f.done[len(f.done)-maxFileDone+1:]...)
	}
	f.done = append(f.done, d)
	f.reads = nil
}

// doneOf is what g's entry in done says once g was read (or passed over)
// as far as it stands: a generation read from (checked) up to its
// delivered offset; one passed over up to its size, Unread; one read
// through a decoder (g.f nil: a compressed copy) Unread with no offset.
func doneOf(g *gen) doneGen {
	d := doneGen{id: g.id, mtime: g.mtime, known: true, unread: true}
	var head []byte
	switch {
	case g.f == nil:
		return d
	case g.checked && g.skip == "":
		d.unread, d.off = false, g.pos.Offset
		if n := min(d.off, headMax); int64(len(g.head)) >= n {
			head = g.head[:n]
		}
	default:
		d.off = g.size
	}
	d.headLen = int(min(d.off, headMax))
	if head == nil {
		head = make([]byte, d.headLen)
		if !readFull(g.f, head, 0) {
			return doneGen{id: g.id, mtime: g.mtime, known: true, unread: true}
		}
	}
	d.head = headKeyOf(head)
	return d
}

// noteRead moves g's entry in done (a generation read on after it was
// rotated away, or read from a previous run's offset) to where g was
// delivered up to.
func (f *file) noteRead(g *gen) {
	for i := len(f.done) - 1; i >= 0; i-- {
		d := &f.done[i]
		if !sameID(d.id, g.id) || !d.known || d.unread {
			continue
		}
		d.off = g.pos.Offset
		if n := int(min(d.off, headMax)); n != d.headLen && len(g.head) >= n {
			d.headLen, d.head = n, headKeyOf(g.head[:n])
		}
		f.reads = nil
		return
	}
}

func idOf(fi os.FileInfo) (devIno, bool) {
	dev, ino, _, ok := statID(fi)
	return devIno{dev, ino}, ok
}

// own records g as open and f's.
func (fl *Follower) own(g *gen, f *file) {
	fl.gens[g] = f
	if k, ok := idOf(g.fi); ok {
		fl.byID[k] = g
	}
}

// disown closes g.
func (fl *Follower) disown(g *gen) {
	owner := fl.gens[g]
	delete(fl.gens, g)
	if k, ok := idOf(g.fi); ok && fl.byID[k] == g {
		delete(fl.byID, k)
	}
	g.close()
	// Room for another generation: other files whose last listing
	// found more than could be pinned list their directory again (the
	// owner's own reading pins its next ones; see rotate).
	for _, f := range fl.files {
		if (len(f.waiting) > 0 || f.unpinned) && f != owner {
			f.scanDue, f.dirty = true, true
		}
	}
}

// openOwner returns the open generation that is the file fi describes, and
// whose it is.
func (fl *Follower) openOwner(fi os.FileInfo) (*gen, *file) {
	if k, ok := idOf(fi); ok {
		if g := fl.byID[k]; g != nil {
			return g, fl.gens[g]
		}
		return nil, nil
	}
	for g, f := range fl.gens {
		if os.SameFile(g.fi, fi) {
			return g, f
		}
	}
	return nil, nil
}

// pinRoom reports whether another generation may be kept open for f.
func (fl *Follower) pinRoom(f *file) bool {
	return len(f.queue) < maxQueue && len(fl.gens) < len(fl.files)+fl.cfg.pinned
}

// finished records g, read to its end, as done, and closes it.
func (fl *Follower) finished(f *file, g *gen) {
	if g.f != nil {
		g.refresh()
	}
	fl.markDone(f, g)
	fl.disown(g)
	f.queue = without(f.queue, g)
}

func (fl *Follower) markDone(f *file, g *gen) {
	f.addDone(doneOf(g))
	if g.mtime.After(f.since) {
		f.since = g.mtime
	}
	if g.id.Ino != 0 && !fl.doneIDs[g.id] {
		if len(fl.doneFIFO) == maxDoneIDs {
			delete(fl.doneIDs, fl.doneFIFO[0])
			fl.doneFIFO = fl.doneFIFO[1:]
		}
		fl.doneIDs[g.id] = true
		fl.doneFIFO = append(fl.doneFIFO, g.id)
	}
}

// report delivers err, unless it is the one reported last.
func (fl *Follower) report(f *file, err error) {
	if msg := err.Error(); msg != f.lastErr {
		f.lastErr = msg
		fl.send(Chunk{Source: f.name, Err: err})
	}
}

func notExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// posOf is the Position to deliver with a chunk of g.
func (fl *Follower) posOf(f *file, g *gen, inLine bool) Position {
	p := g.position()
	p.InLine = inLine
	p.Read, p.Done = f.readList(), nil
	return p
}

func (fl *Follower) deliver(f *file, g *gen, ps []piece) {
	for _, p := range ps {
		g.advance(p.data)
		retired := slices.Contains(f.retired, g)
		if retired || g == f.late {
			f.noteRead(g)
		}
		pos := fl.posOf(f, g, p.part == Piece)
		switch {
		case f.cur != nil && f.cur != g && retired:
			// A generation read on after a rotation: the
			// Position to save is the current one's (a restart
			// goes on with it; see finishRetired), its Read
			// says how far this one was read.
			pos = fl.posOf(f, f.cur, f.cur.long)
		case g == f.late && f.resume != nil:
			// Late lines of a generation read by a previous
			// run: the Position to save is still the saved one,
			// with how far this one was read.
			pos = *f.resume
			pos.Read, pos.Done = f.readList(), nil
		}
		fl.send(Chunk{Source: f.name, Data: p.data, Part: p.part, Pos: pos})
	}
}

// sendPos delivers g's Position (and a note) without data.
func (fl *Follower) sendPos(f *file, g *gen, n Note) {
	fl.send(Chunk{Source: f.name, Note: n, Pos: fl.posOf(f, g, g.long)})
}

// observe looks at f's name and opens the file it holds if it is new
// (rotation), without delivering anything: it runs while the follower
// waits for its reader too.
func (fl *Follower) observe(f *file) {
	if f.released || !f.started {
		return
	}
	fl.round++
	fi, err := os.Stat(f.path)
	if err != nil {
		if notExist(err) {
			f.nameGone = true
			fl.left(f)
		} else {
			f.obsErr = err
		}
		return
	}
	f.nameGone, f.unpinned = false, false
	if !fi.Mode().IsRegular() {
		f.obsErr = &os.PathError{Op: "follow", Path: f.path, Err: notRegular(fi)}
		return
	}
	if f.holds(fi) || f.retiring {
		if g := fl.live(f); g != nil && os.SameFile(g.fi, fi) {
			g.lastAt = fl.round
		}
		return
	}
	if g, _ := fl.openOwner(fi); g != nil {
		return // another followed name's generation
	}
	if !fl.pinRoom(f) {
		if !f.isDoneFI(fi) {
			// Pinned once there is room; meanwhile the generations
			// before it are read (see nameHoldsCur).
			f.unpinned = true
			fl.left(f)
		}
		f.dirty = true
		return
	}
	g, err := openGen(f.path)
	if err != nil {
		if !notExist(err) {
			f.obsErr = err
		}
		return
	}
	if f.holds(g.fi) || f.isDone(g.id) || fl.doneIDs[g.id] {
		g.close()
		return
	}
	if o, _ := fl.openOwner(g.fi); o != nil {
		g.close()
		return
	}
	fl.left(f)
	g.seq, g.lastAt, g.atName = fl.round, fl.round, true
	f.queue = append(f.queue, g)
	f.changedAt++
	fl.own(g, f)
	f.resolve()
	f.dirty = true
}

// lookAround, when the name has moved on, lists the directory for
// generations rotated away before they were seen at the name, once per
// change at the name. The name is looked at before and after: if it changed
// meanwhile, a generation found in the listing may be newer than the one
// seen at the name, so the look is repeated.
func (fl *Follower) lookAround(f *file) {
	if f.scannedAt == f.changedAt && !f.scanDue {
		return
	}
	before := f.changedAt
	for range 4 {
		fl.observe(f)
		before = f.changedAt
		fl.scanSiblings(f, false)
		fl.observe(f)
		if f.changedAt == before {
			break
		}
	}
	// Changes seen after the last listing began are not covered by it:
	// the next rotation lists again.
	f.scannedAt = before
}

// left notes that the name no longer holds its newest generation.
func (fl *Follower) left(f *file) {
	g := f.cur
	for _, q := range f.queue {
		if q.atName {
			g = q
		}
	}
	if g != nil && g.leftAt == 0 {
		g.leftAt = fl.round
		f.changedAt++
	}
}

// scanSiblings lists f's directory and opens the rotated copies that are
// new: generations rotated away before they were seen at the name, and
// copytruncate copies. With report, compressed ones are reported (at a
// restart, they may hold lines written while errtag was stopped).
func (fl *Follower) scanSiblings(f *file, report bool) {
	if f.released || f.dir == "" || !f.started {
		return
	}
	f.scanDue = false
	f.lastScan = time.Now()
	// The name first, and again after the listing: what the name holds
	// then had not left it (see knownOlder).
	fl.observe(f)
	tick := func() uint64 { fl.round++; return fl.round }
	f.listedAt = tick()
	list, stable, split := stableSiblings(f.dir, f.base, tick)
	end := tick()
	if fl.cfg.listed != nil {
		fl.cfg.listed()
	}
	fl.observe(f)
	// What the listing proves: the copies in it had left the name by
	// split (end, if it did not hold still); those not in it and not in
	// the last listing that held still had not left at its split; the
	// generations held but not in it had not left at split.
	found := end
	if stable {
		found = split
	}
	in := make(map[FileID]uint64, len(list))
	names := make(map[FileID]string, len(list))
	for _, s := range list {
		at, ok := f.listed[s.id]
		if !ok {
			at = f.split
		}
		in[s.id] = at
		names[s.id] = s.path
	}
	for _, q := range f.queue {
		if _, ok := in[q.id]; ok {
			if !q.atName {
				// Its name now: numbered copies shift, and their
				// numbers order them (olderByName).
				q.path = names[q.id]
			}
			if q.foundAt == 0 || found < q.foundAt {
				q.foundAt = found
			}
		} else if stable && q.foundAt == 0 {
			q.absentAt = split
		}
	}
	if stable || f.listed == nil {
		f.listed = in
	} else {
		maps.Copy(f.listed, in)
	}
	if stable {
		f.split = split
	}
	// How numbered copies are named is learnt from the generations
	// whose age is known: read ones (oldest), the current one, those
	// seen at the name (in the order seen). Unknown ones are newer than
	// the first two.
	type aged struct{ rank, n int }
	var known []aged
	lo, hi := -1, -1
	for _, s := range list {
		n, ok := numericSuffix(f.base, filepath.Base(s.path))
		if !ok {
			continue
		}
		rank := -1
		switch {
		case f.isDoneFI(s.fi):
			rank = 0
		case f.cur != nil && os.SameFile(s.fi, f.cur.fi):
			rank = 1
		default:
			for i, q := range f.queue {
				if q.atName && os.SameFile(q.fi, s.fi) {
					rank = 2 + i
				}
			}
		}
		if rank < 0 {
			continue
		}
		for _, k := range known {
			if k.rank != rank && k.n != n {
				if (k.rank < rank) == (k.n < n) {
					f.numbers = 1
				} else {
					f.numbers = -1
				}
			}
		}
		known = append(known, aged{rank, n})
		if rank <= 1 {
			if lo < 0 || n < lo {
				lo = n
			}
			hi = max(hi, n)
		}
	}
	// Oldest first: when there is no room to pin them all, those left
	// are newer than those pinned, and are pinned once these were read.
	var cands []*gen
	for _, s := range list {
		if writtenBefore(s.fi.ModTime(), f.since) || f.holds(s.fi) || f.isDone(s.id) || fl.doneIDs[s.id] {
			continue
		}
		if g, _ := fl.openOwner(s.fi); g != nil {
			continue
		}
		if fl.notACopy(f, s.path, s.fi) {
			continue // the caller's output or a file followed by its own name, named like a copy (-o app.1.log)
		}
		if f.scheme != "" && schemeOf(f.base, filepath.Base(s.path)) != f.scheme {
			continue // named otherwise: another program's file (app-2.log)
		}
		cands = append(cands, &gen{path: s.path, fi: s.fi, id: s.id, size: s.fi.Size(), mtime: s.fi.ModTime(), nlink: 1,
			foundAt: found, absentAt: in[s.id], waiting: true})
	}
	f.waiting = nil
	cands = order(f.base, f.numbers, cands)
	for i, c := range cands {
		if !fl.pinRoom(f) && !fl.evictNewer(f, c, list) {
			// Generations newer than these wait until they are
			// pinned (see rotate).
			f.waiting = cands[i:min(len(cands), i+maxQueue)]
			if !f.cutSaid {
				f.cutSaid = true
				fl.note(Chunk{Source: f.name, Err: fmt.Errorf("more than %d rotated generations wait to be read (a slow reader): the others are read from the directory later, and those deleted before that are lost", maxQueue)})
			}
			return
		}
		g, err := openGen(c.path)
		if err != nil {
			continue
		}
		if !os.SameFile(g.fi, c.fi) {
			// Another file under that name since the listing (a
			// shift in progress): the next listing finds both.
			g.close()
			f.scanDue = true
			continue
		}
		if o, _ := fl.openOwner(g.fi); o != nil || f.holds(g.fi) || f.isDone(g.id) || fl.doneIDs[g.id] {
			g.close()
			continue
		}
		if c := compressionOf(g.f); c != "" {
			fl.markDone(f, g)
			g.close()
			if report {
				fl.note(Chunk{Source: f.name, Note: Skipped, Path: g.path})
			}
			continue
		}
		if n, ok := numericSuffix(f.base, filepath.Base(g.path)); ok && lo >= 0 {
			switch {
			case n > hi:
				f.numbers = 1
			case n < lo:
				f.numbers = -1
			}
		}
		g.foundAt, g.absentAt = c.foundAt, c.absentAt
		f.queue = append(f.queue, g)
		fl.own(g, f)
		f.dirty = true
	}
}

// evictNewer makes room to pin c, found rotated away, when a generation
// queued for f comes after c (order, the order rotate reads them in), was
// not read from yet, and can be found again (at the name, or in list): the
// newest such is closed and left to a later look. Without it, a queue full
// of generations newer than c would wait for c, and c for room that only
// reading them could make (rotate reads no generation after one left
// unpinned).
func (fl *Follower) evictNewer(f *file, c *gen, list []sibling) bool {
	for _, q := range f.queue {
		q.refresh()
	}
	seq := order(f.base, f.numbers, append(slices.Clone(f.queue), c))
	for i := len(seq) - 1; i >= 0 && seq[i] != c; i-- {
		q := seq[i]
		if q.checked || q.readOff() > 0 {
			continue
		}
		atName, ok := fl.findable(f, q, list)
		if !ok {
			continue
		}
		f.queue = without(f.queue, q)
		fl.disown(q)
		if atName {
			f.unpinned = true // see nameHoldsCur
		}
		return true
	}
	return false
}

// findable reports whether g is at f's name (atName) or in list.
func (fl *Follower) findable(f *file, g *gen, list []sibling) (atName, ok bool) {
	if fi, err := os.Stat(f.path); err == nil && os.SameFile(fi, g.fi) {
		return true, true
	}
	for _, s := range list {
		if os.SameFile(s.fi, g.fi) {
			return false, true
		}
	}
	return false, false
}

// step reads what is new in f and looks for rotation and truncation. It
// reports whether it made progress (so that the follower looks again before
// it waits).
func (fl *Follower) step(f *file) bool {
	if f.obsErr != nil {
		err := f.obsErr
		f.obsErr = nil
		fl.report(f, err)
	}
	if !f.started {
		return fl.start(f)
	}
	progress := len(f.retired) > 0 && fl.tendRetired(f, false)
	if f.cur == nil {
		fl.observe(f)
		if f.nameGone && len(f.queue) == 0 && (f.glob || f.retiring) {
			fl.release(f)
			return true
		}
		return fl.rotate(f) || progress
	}
	g := f.cur
	for budget := roundBudget; g.skip == ""; {
		n, err := g.f.ReadAt(fl.buf, g.readOff())
		if n > 0 {
			// Checked after the read: if the head is still there
			// now, it was when the block was read, so the block is
			// this file's content at this offset.
			if !g.headIntact() {
				fl.truncated(f, fl.buf[:n])
				return true
			}
			if g.readOff() == 0 && fl.unreadCopies(f) {
				// Copied and truncated before this generation was
				// read: the copies come first, then this file
				// again from 0.
				fl.truncated(f, nil)
				return true
			}
			if !g.checked {
				g.checked = true
				if c := compression(fl.buf[:n], err == io.EOF); c != "" && g.readOff() == 0 {
					g.skip = c
					fl.send(Chunk{Source: f.name, Note: Skipped, Path: g.path})
					break
				}
			}
			if fl.buf[0] == 0 && !g.long && len(g.pend) == 0 && fl.skipHole(f, g) {
				progress = true
				continue
			}
			g.sawRead(fl.buf[:n])
			before := len(g.pend)
			fl.deliver(f, g, g.cut(fl.buf[:n], fl.cfg.MaxLine))
			if fl.held += len(g.pend) - before; fl.held > fl.cfg.MaxHeld {
				fl.shed()
			}
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
	return fl.atEOF(f) || progress
}

// skipHole skips, at a line start, a hole in the file (a range never
// written, read as NUL bytes) and the NULs that fill the block where data
// starts again: what a writer without O_APPEND leaves when copytruncate
// truncates its file under it and it writes on at its old offset. Those
// bytes were never written as log data; they are reported (Hole), not
// delivered. It reports whether it skipped anything.
func (fl *Follower) skipHole(f *file, g *gen) bool {
	off := g.readOff()
	data := dataAfter(g.f, off)
	if data <= off {
		return false
	}
	// NULs from the start of the data block up to the first byte
	// written.
	end := data
	buf := fl.buf[:min(len(fl.buf), 64<<10)]
	for {
		n, _ := g.f.ReadAt(buf, end)
		i := 0
		for i < n && buf[i] == 0 {
			i++
		}
		end += int64(i)
		if i < n || n == 0 {
			break
		}
	}
	if !g.headIntact() {
		return false // truncated again: the next read finds it
	}
	if off < headMax {
		b := make([]byte, min(end, headMax)-off)
		if !readFull(g.f, b, off) {
			return false
		}
		g.sawRead(b)
	}
	g.pos.Offset = end
	g.mark = make([]byte, min(end, markMax))
	if !readFull(g.f, g.mark, end-int64(len(g.mark))) {
		g.mark = nil // not recorded: not checked at a restart
	}
	fl.send(Chunk{Source: f.name, Note: Hole, Size: end - off, Pos: fl.posOf(f, g, false)})
	return true
}

// atEOF looks, at the end of f's current file, for truncation, rotation,
// and a deleted file to release.
func (fl *Follower) atEOF(f *file) bool {
	g := f.cur
	if g.refresh() && (g.size < g.readOff() || !g.headIntact()) {
		fl.truncated(f, nil)
		return true
	}
	fl.observe(f)
	if f.scanDue || fl.cfg.manual != nil || (fl.polling && fl.scanDue(f)) {
		fl.scanSiblings(f, false)
	}
	if fl.nameHoldsCur(f) {
		if fl.copyEvidence(f) {
			fl.truncated(f, nil)
			return true
		}
		return false
	}
	if fl.rotate(f) {
		return true
	}
	return fl.maybeRelease(f)
}

// nameHoldsCur reports whether f's name still holds its current file (as
// of the last look).
func (fl *Follower) nameHoldsCur(f *file) bool {
	if f.nameGone || f.unpinned {
		return false
	}
	for _, q := range f.queue {
		if q.atName {
			return false
		}
	}
	return true
}

// live is the file f's name holds now (nil if none).
func (fl *Follower) live(f *file) *gen {
	if f.nameGone {
		return nil
	}
	g := f.cur
	for _, q := range f.queue {
		if q.atName {
			g = q
		}
	}
	return g
}

// unreadCopies reports, when the first bytes of the current file were just
// read, whether rotated copies hold generations that came before them and
// were never read: copytruncate behind a slow reader. It is checked after
// the read, so that a copy made before the truncation that preceded the
// read is complete. Copies the file still holds (made, not truncated yet)
// do not count.
func (fl *Follower) unreadCopies(f *file) bool {
	g := f.cur
	fl.scanSiblings(f, false)
	if !fl.nameHoldsCur(f) || !g.refresh() {
		return false
	}
	for _, q := range f.queue {
		if !q.atName && q.refresh() && q.size > 0 && !heldBy(q, g.f, g.size) {
			return true
		}
	}
	return false
}

// copyEvidence reports, while the name holds the current file, whether a
// rotated copy shows that the file was truncated although its size and
// first bytes did not tell: a copy the file does not hold (any more) that
// starts with what was read of it, or any such copy when nothing of the
// current content was read yet (a copytruncate before the follower read
// anything of that generation).
func (fl *Follower) copyEvidence(f *file) bool {
	g := f.cur
	for _, q := range f.queue {
		if q.atName || !q.refresh() || q.size == 0 || heldBy(q, g.f, g.size) {
			continue
		}
		if len(g.head) == 0 || (int64(len(g.head)) <= q.size && hasAt(q.f, 0, g.head) && !otherPast(q, g)) {
			return true
		}
	}
	return false
}

// otherPast reports whether q, a file that starts like generation g,
// reaches past what was delivered of g but holds other bytes before that
// offset: it is not a copy of g (a file written under a rotated name that
// begins with the same banner line), whatever its first bytes say.
func otherPast(q, g *gen) bool {
	off := g.pos.Offset
	return len(g.mark) > 0 && q.size >= off && !hasAt(q.f, off-int64(len(g.mark)), g.mark)
}

// rotate moves f on once its name holds a newer file (or none, with newer
// generations found rotated away): the current file is complete then, since
// its writer has moved on. It is read to its end, then every generation
// after it but the newest that has data, oldest first; the newest becomes
// current. While every newer file is still empty, the current one is
// followed on (its writer may not have switched yet). With no current file
// (a name that had none), the newest generation becomes current.
func (fl *Follower) rotate(f *file) bool {
	if f.cur != nil && fl.nameHoldsCur(f) {
		return false
	}
	fl.lookAround(f)
	live := fl.live(f)
	var later []*gen
	deferred := false
	for _, q := range f.queue {
		if q.atName && q.seq > f.listedAt {
			// Seen at the name after the last listing of the
			// directory began: generations rotated away before it
			// may be missing from the listing. It waits for the next
			// one (taking it now could put it before them).
			f.scanDue, deferred = true, true
			continue
		}
		q.refresh()
		if !q.atName && live != nil && live != f.cur && heldBy(q, live.f, live.size) {
			continue // a copy of the live file, not truncated yet
		}
		later = append(later, q)
	}
	if len(later) == 0 {
		return deferred
	}
	seq := order(f.base, f.numbers, append(later, f.waiting...))
	// The file at the name now is the newest generation, whatever its
	// times say: copytruncate keeps the live file, created before every
	// copy of it, and the copies made of it hold its older lines.
	if fi, err := os.Stat(f.path); err == nil {
		if i := slices.IndexFunc(seq, func(g *gen) bool { return g.fi != nil && os.SameFile(g.fi, fi) }); i >= 0 && i < len(seq)-1 {
			seq = append(append(seq[:i:i], seq[i+1:]...), seq[i])
		}
	}
	if i := slices.IndexFunc(seq, func(g *gen) bool { return g.waiting }); i >= 0 {
		// Generations after the oldest left in the directory (no
		// room to pin it) wait until it is pinned (a generation
		// closed lists the directory again; see disown). Waiting is
		// no progress.
		seq = seq[:i]
		if len(seq) == 0 {
			return deferred
		}
	}
	last := -1
	for i, q := range seq {
		if q.size > 0 {
			last = i
		}
	}
	if last < 0 {
		if f.cur != nil {
			return deferred // the newer files are empty: the old one may still grow
		}
		last = len(seq) - 1
	}
	note := Rotated
	if f.cur == nil {
		note = f.fresh
	}
	// The generations stay queued while they are read, so that what is
	// noticed meanwhile is compared with them; each leaves the queue
	// once read (finished).
	if f.cur != nil {
		if !fl.readOn(f, f.cur, false) {
			return true // stopped
		}
		fl.retire(f, f.cur)
		f.cur = nil
	}
	if f.retiring {
		fl.release(f)
		return true
	}
	for _, q := range seq[:last] {
		if !fl.readOn(f, q, false) {
			return true
		}
		fl.retire(f, q)
	}
	f.cur = seq[last]
	f.queue = without(f.queue, f.cur)
	f.cur.seek(0)
	f.missing, f.lastErr = false, ""
	fl.sendPos(f, f.cur, note)
	return true
}

// drain reads g to its end and delivers it, the last line even if it is
// incomplete. It reports false if the follower was stopped first.
func (fl *Follower) drain(f *file, g *gen) bool { return fl.readOn(f, g, true) }

// retire keeps g, rotated away, to be read on until it is idle (see
// Config.RotateWait); beyond maxRetired the oldest is finished now.
func (fl *Follower) retire(f *file, g *gen) {
	if g.skip != "" {
		fl.finished(f, g)
		return
	}
	g.refresh()
	// Done now: the Positions delivered from here on say so, and a
	// restart does not read it again.
	fl.markDone(f, g)
	f.queue = without(f.queue, g)
	f.retired = append(f.retired, g)
	if len(f.retired) > maxRetired {
		old := f.retired[0]
		f.retired = f.retired[1:]
		fl.readOn(f, old, true)
		fl.disown(old)
	}
}

// tendRetired reads on f's generations rotated away, complete lines only,
// and finishes those idle for Config.RotateWait (all of them with all; also
// when stopping). It reports whether it delivered or finished anything.
func (fl *Follower) tendRetired(f *file, all bool) bool {
	if all {
		fl.finishing = true
		defer func() { fl.finishing = false }()
	}
	progress := false
	for len(f.retired) > 0 {
		g := f.retired[0]
		before := g.readOff()
		final := all || (g.refresh() && time.Since(g.grew) >= fl.cfg.RotateWait)
		if !fl.readOn(f, g, final) && !all {
			return true // stopped
		}
		if g.readOff() != before {
			progress = true
		}
		if !final {
			break // the newer ones are read on after it
		}
		f.retired = f.retired[1:]
		fl.disown(g)
		progress = true
	}
	// Generations after the first are read on too, complete lines
	// only, in order; they are finished once they come first.
	for _, g := range f.retired[min(1, len(f.retired)):] {
		before := g.readOff()
		if !fl.readOn(f, g, false) {
			return true
		}
		if g.readOff() != before {
			progress = true
		}
	}
	return progress
}

// finishRetired reads every generation still read on after a rotation to
// its end, its last line delivered even if incomplete: when the follower
// stops, a saved Position leads to the current generation only, so what
// they hold would not be read by the next run.
func (fl *Follower) finishRetired() {
	for _, f := range fl.files {
		if len(f.retired) > 0 {
			fl.tendRetired(f, true)
		}
	}
}

// readOn reads g from where it stands to its end and delivers the complete
// lines, and with final the last line even if it is incomplete. It reports
// false if the follower was stopped first.
func (fl *Follower) readOn(f *file, g *gen, final bool) bool {
	if g.skip != "" {
		return true
	}
	if !g.checked && g.readOff() == 0 {
		g.checked = true
		if c := compressionOf(g.f); c != "" {
			g.skip = c
			fl.send(Chunk{Source: f.name, Note: Skipped, Path: g.path})
			return true
		}
	}
	for {
		if fl.stopping() && !fl.finishing {
			return false
		}
		n, err := g.f.ReadAt(fl.buf, g.readOff())
		if n > 0 {
			g.sawRead(fl.buf[:n])
			before := len(g.pend)
			fl.deliver(f, g, g.cut(fl.buf[:n], fl.cfg.MaxLine))
			if fl.held += len(g.pend) - before; fl.held > fl.cfg.MaxHeld {
				fl.shed()
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			fl.report(f, err)
			break
		}
	}
	if !final {
		return true
	}
	if p, ok := g.rest(); ok {
		fl.deliver(f, g, []piece{p})
	}
	return true
}

// truncated handles a truncation of f's current file, found after read
// (bytes read past what was delivered, if any) was read.
func (fl *Follower) truncated(f *file, read []byte) {
	g := f.cur
	held := concat(g.pend, read)
	g.pend = nil
	fl.scanSiblings(f, false)
	var sibs []*gen
	for _, q := range f.queue {
		if !q.atName {
			q.refresh()
			sibs = append(sibs, q)
		}
	}
	// copytruncate: a copy that starts like this generation holds its
	// old content; if it reaches past what was delivered (and agrees on
	// the bytes before), the lines not delivered yet are read from it.
	// Copies that start like it are of this generation: the largest one
	// that reaches past what was delivered holds the rest; the others
	// (made earlier, or copies smaller than what was read) hold nothing
	// new.
	var ours *gen
	var mine []*gen
	if len(g.head) > 0 {
		for _, q := range sibs {
			if int64(len(g.head)) > q.size || !hasAt(q.f, 0, g.head) {
				continue
			}
			mine = append(mine, q)
			if q.size >= g.pos.Offset && hasAt(q.f, g.pos.Offset-int64(len(g.mark)), g.mark) && (ours == nil || q.size > ours.size) {
				ours = q
			}
		}
	}
	if ours != nil {
		fl.learnNumbers(f, ours, sibs)
	}
	ok := true
	if ours != nil {
		long := g.long
		ours.seek(g.pos.Offset)
		ours.long, ours.checked = long, true
		if ok = fl.drain(f, ours); ok {
			fl.finished(f, ours)
		}
	} else {
		// No copy holds them: if the file holds other bytes there
		// now, what was read is old content (written after the copy).
		// Deliver it, its last line incomplete.
		if len(held) > 0 && !hasAt(g.f, g.pos.Offset, held) {
			fl.deliver(f, g, g.cut(held, fl.cfg.MaxLine))
		}
		if p, ok := g.rest(); ok {
			fl.deliver(f, g, []piece{p})
		}
	}
	// Copies of generations that came and went before they were read
	// (the live file does not hold them), oldest first.
	g.refresh()
	var others []*gen
	for _, q := range sibs {
		switch {
		case q == ours || q.f == nil:
		case slices.Contains(mine, q):
			fl.finished(f, q)
		case heldBy(q, g.f, g.size):
			// a copy of the live file, not truncated yet: stays queued
		default:
			others = append(others, q)
		}
	}
	for _, q := range order(f.base, f.numbers, others) {
		if !ok {
			break // stopped: left open, closed when the follower ends
		}
		if ok = fl.drain(f, q); ok {
			fl.finished(f, q)
		}
	}
	if !ok {
		return // stopped: the Position delivered last leads back here
	}
	if len(f.waiting) > 0 {
		// More copies waited than could be pinned: the others are
		// pinned by the next listing, and read (the file is empty)
		// or found before the file's first bytes are delivered (see
		// unreadCopies).
		f.scanDue = true
	}
	g.seek(0)
	g.checked = true
	fl.sendPos(f, g, Truncated)
}

// learnNumbers learns how f's numbered copies are named from old, a copy
// older than the others in gens.
func (fl *Follower) learnNumbers(f *file, old *gen, gens []*gen) {
	if by := numbersByTime(f.base, append(slices.Clone(gens), old)); by != 0 {
		// The copies' times tell (old may not be older than all of
		// them: copies made after it, in a burst, are there too).
		f.numbers = by
		return
	}
	n, ok := numericSuffix(f.base, filepath.Base(old.path))
	if !ok {
		return
	}
	for _, q := range gens {
		if m, ok := numericSuffix(f.base, filepath.Base(q.path)); ok && q != old && m != n {
			if m > n {
				f.numbers = 1
			} else {
				f.numbers = -1
			}
			return
		}
	}
}

// maybeRelease releases f's current file, read to its end, when its name
// has no file any more and it was deleted (or, for a file matched by a
// pattern, renamed away) and has not grown for a while.
func (fl *Follower) maybeRelease(f *file) bool {
	g := f.cur
	if !f.nameGone || len(f.queue) > 0 {
		return false
	}
	idle := time.Since(g.grew)
	switch {
	case g.nlink == 0 && idle >= fl.cfg.ReleaseAfter:
	case (f.glob || f.retiring) && idle >= 60*fl.cfg.ReleaseAfter:
	default:
		return false
	}
	if !fl.drain(f, g) {
		return true
	}
	fl.finished(f, g)
	f.cur = nil
	if f.glob || f.retiring {
		fl.release(f)
	} else {
		f.missing, f.fresh = true, Appeared
		fl.send(Chunk{Source: f.name, Note: Missing})
	}
	return true
}

// release forgets f (a file matched by a pattern that is gone).
func (fl *Follower) release(f *file) {
	fl.tendRetired(f, true)
	if f.cur != nil {
		fl.disown(f.cur)
		f.cur = nil
	}
	for _, q := range f.queue {
		fl.disown(q)
	}
	f.queue = nil
	if f.first != nil {
		fl.disown(f.first)
		f.first = nil
	}
	f.released = true
	fl.send(Chunk{Source: f.name, Note: Gone})
}

// start opens f for the first time: where a saved Position says, else at
// the beginning or after the last complete line.
func (fl *Follower) start(f *file) bool {
	f.started = true
	if f.resume != nil {
		if f.first != nil {
			fl.disown(f.first) // opened again where the Position says
			f.first = nil
		}
		return fl.resumeAt(f, *f.resume)
	}
	g := f.first
	f.first = nil
	if g == nil {
		var err error
		if g, err = openGen(f.path); err != nil {
			switch {
			case notExist(err) && f.glob:
				fl.release(f) // gone before it could be opened
				return true
			case notExist(err):
				f.since, f.missing, f.nameGone, f.fresh = fl.started, true, true, Appeared
				fl.send(Chunk{Source: f.name, Note: Missing})
			default:
				fl.report(f, err)
			}
			return false
		}
		fl.own(g, f)
	}
	f.resolve()
	copies := fl.cfg.FromStart && f.resume == nil && f.glob && !f.appeared
	if f.appeared || copies {
		// Created after the follower started (or while it was
		// stopped): generations of it rotated away before it was seen
		// are read first, oldest first (they were written since).
		// With FromStart, the rotated copies the pattern matches too
		// are read first (those it does not match are history).
		f.since, f.fresh = fl.started, Appeared
		switch {
		case f.whileStopped:
			// Created after the previous runs began to watch the
			// pattern, and not seen by them.
			f.since = fl.cfg.StoppedAt
			if w := fl.cfg.WatchedSince; !w.IsZero() && w.Before(f.since) {
				f.since = w
			}
		case copies:
			f.since, f.fresh = time.Time{}, NoNote
			for _, s := range listSiblings(f.dir, f.base) {
				if !fl.matched(s.path) {
					fl.history(f, s)
				}
			}
		}
		fl.round++
		g.atName, g.seq = true, fl.round
		f.queue = append(f.queue, g)
		fl.scanSiblings(f, f.whileStopped || copies)
		return fl.rotate(f)
	}
	fromStart := fl.cfg.FromStart || f.resume != nil
	off := int64(0)
	if !fromStart {
		off = lastLineEnd(g.f, g.size)
	}
	if !g.seek(off) {
		g.seek(0)
	}
	g.checked = g.pos.Offset > 0
	f.cur = g
	f.since = g.mtime
	// Rotated copies already there are history, not to be read.
	for _, s := range listSiblings(f.dir, f.base) {
		fl.history(f, s)
	}
	fl.sendPos(f, g, NoNote)
	return true
}

// history records s, a rotated copy of f there at start, as read: it is
// history, not to be read.
func (fl *Follower) history(f *file, s sibling) {
	c, err := os.Open(s.path)
	if err != nil {
		return
	}
	id := FileID{BTime: birthTime(c)}
	if k, ok := idOf(s.fi); ok {
		id.Dev, id.Ino = k.dev, k.ino
	}
	d := doneGen{id: id, mtime: s.fi.ModTime(), known: true, unread: true, off: s.fi.Size()}
	d.headLen = int(min(d.off, headMax))
	head := make([]byte, d.headLen)
	if readFull(c, head, 0) {
		d.head = headKeyOf(head)
	} else {
		d.off, d.headLen = 0, 0
	}
	c.Close()
	f.addDone(d)
}

// resumeAt starts f from p, a Position saved by a previous run.
func (fl *Follower) resumeAt(f *file, p Position) bool {
	f.since = time.Unix(0, p.MTime)
	if p.IsZero() {
		// No file at the stop: what appeared since was written since
		// the state was saved.
		f.since = fl.cfg.StoppedAt
	}
	for _, id := range p.Done {
		f.addDone(doneGen{id: id, mtime: f.since})
	}
	f.resolve()
	fl.loadRead(f, p)
	if !fl.lateLines(f, p) {
		return true // stopped: the Positions delivered lead back here
	}
	if p.Offset == 0 && !p.InLine {
		return fl.resumeUnread(f, p)
	}
	g, err := openGen(f.path)
	if err != nil && !notExist(err) {
		fl.report(f, err)
	}
	if g != nil {
		fl.own(g, f)
	}
	f.resolve()
	if g != nil && samePos(g, p) {
		f.cur = g
		if g.size >= p.Offset && headSum(g.f, p.HeadLen) == p.HeadSHA256 && markIntact(g.f, p) && !fl.copiedAway(f, g, p) && g.seek(p.Offset) {
			g.long, g.checked = p.InLine, true
			f.resume = nil
			f.scanDue = true
			fl.sendPos(f, g, NoNote)
			return true
		}
		// Truncated, or truncated and refilled, while stopped (other
		// first bytes, or other bytes before Offset: the same banner
		// line, longer than the head, then other lines). A compressed
		// copy (copytruncate with compress) may hold the rest when no
		// plain one does.
		if !plainCopy(f, p) {
			if found, ok := fl.readCompressedRest(f, p); found && !ok {
				return true
			}
		}
		fl.scanSiblings(f, true)
		// The copies that start like the saved file, oldest first: the
		// first that reaches Offset with the bytes delivered last
		// before it holds its rest (or a later copy that holds that
		// one too: the same file copied again, further on). Those
		// before it that do not reach Offset hold nothing new; the
		// others that do not hold it are generations that start with
		// the same bytes (a banner line): they are read whole, in
		// order.
		var ours *gen
		var mine []*gen
		for _, q := range f.queue {
			if p.HeadLen > 0 && headSum(q.f, p.HeadLen) == p.HeadSHA256 {
				q.refresh()
				mine = append(mine, q)
			}
		}
		var stale []*gen
		for _, q := range order(f.base, f.numbers, mine) {
			switch {
			case ours == nil && q.size >= p.Offset && markIntact(q.f, p):
				ours = q
			case ours == nil && q.size < p.Offset:
				stale = append(stale, q) // a copy of what was read before the stop
			case ours != nil && heldBy(ours, q.f, q.size):
				stale, ours = append(stale, ours), q
			}
		}
		for _, q := range stale {
			f.queue = without(f.queue, q)
			fl.finished(f, q)
		}
		if ours != nil && ours.seek(p.Offset) {
			ours.long, ours.checked = p.InLine, true
			f.queue = without(f.queue, ours)
			if !fl.drain(f, ours) {
				return true
			}
			fl.finished(f, ours)
		}
		// What is left in the queue are copies of generations that
		// came and went while stopped: read them, then the file.
		f.cur = nil
		fl.round++
		g.atName, g.seq = true, fl.round
		f.queue = append(f.queue, g)
		f.resume, f.fresh = nil, Truncated
		return fl.rotate(f)
	}
	// Another file at the name, or none: rotated while stopped. Finish
	// the old file first if it is still in the directory.
	if g != nil {
		fl.round++
		g.atName, g.seq = true, fl.round
		f.queue = append(f.queue, g)
	}
	if old := fl.findByID(f, p); old != nil {
		old.long, old.checked = p.InLine, true
		f.cur = old
		f.scheme = schemeOf(f.base, filepath.Base(old.path))
		if g != nil && isLink(f.path) {
			fl.targetsBetween(f, old, g)
		}
		fl.scanSiblings(f, true)
		f.resume = nil
		fl.sendPos(f, old, NoNote)
		return true
	}
	// Compressed since (logrotate's delaycompress, two rotations while
	// stopped): the rest is decoded.
	found, ok := fl.readCompressedRest(f, p)
	if found && !ok {
		return true
	}
	if !found && g != nil && isLink(f.path) {
		fl.send(Chunk{Source: f.name, Err: fmt.Errorf("now a link to %s; the file it led to when errtag stopped is no longer in %s: what was written to it since, and files the link led to in between, if any, are not read", f.target, f.dir)})
	}
	fl.scanSiblings(f, true)
	f.resume, f.fresh = nil, Rotated
	if len(f.queue) == 0 {
		f.nameGone = true
		if f.glob {
			fl.release(f)
			return true
		}
		f.missing, f.fresh = true, Appeared
		fl.send(Chunk{Source: f.name, Note: Missing})
		return false
	}
	return fl.rotate(f)
}

// resumeUnread starts f at a restart from p, a Position at offset 0: the
// zero Position of a file that did not exist at the stop, or that of a file
// that had delivered nothing yet. Nothing of the file errtag stopped in was
// delivered, so every rotated copy modified since (f.since: p.MTime, or
// StoppedAt for the zero Position) and not read before (p.Read) holds lines
// not delivered, whatever it starts with: the compressed ones are decoded
// whole, then the plain ones read whole, each oldest first (logrotate
// compresses the older copies), then the file at the name from its start.
func (fl *Follower) resumeUnread(f *file, p Position) bool {
	decoded, ok := fl.decodeCopies(f)
	if !ok {
		return true // stopped: the Positions delivered lead back here
	}
	g, err := openGen(f.path)
	if err != nil && !notExist(err) {
		fl.report(f, err)
	}
	if g != nil {
		fl.own(g, f)
	}
	f.resolve()
	same := g != nil && !p.IsZero() && samePos(g, p)
	if same {
		f.cur = g
	}
	fl.scanSiblings(f, true)
	if g != nil && (same || p.IsZero()) && !decoded && len(f.queue) == 0 && g.seek(0) {
		// Neither rotated nor copied while stopped.
		f.cur = g
		f.resume = nil
		f.scanDue = true
		fl.sendPos(f, g, NoNote)
		return true
	}
	f.cur = nil
	f.resume = nil
	switch {
	case same:
		f.fresh = Truncated
	case p.IsZero():
		f.fresh = Appeared
	default:
		f.fresh = Rotated
	}
	if g != nil {
		fl.round++
		g.atName, g.seq = true, fl.round
		f.queue = append(f.queue, g)
	}
	if len(f.queue) == 0 {
		f.nameGone = true
		if f.glob {
			fl.release(f)
			return true
		}
		f.since, f.missing, f.fresh = fl.started, true, Appeared
		fl.send(Chunk{Source: f.name, Note: Missing})
		return false
	}
	return fl.rotate(f)
}

// loadRead puts the generations p.Read lists into f.done, those that
// are still in f's directory (under any name) with the same identity and
// first bytes: the others are gone, and a file that has the identity of
// one of them later is another file (a reused inode), not to be taken for
// it. The device may differ (a remount) where first bytes were recorded.
func (fl *Follower) loadRead(f *file, p Position) {
	if len(p.Read) == 0 || f.dir == "" {
		return
	}
	byIno := make(map[uint64][]int, len(p.Read))
	for i, r := range p.Read {
		if r.Ino != 0 {
			byIno[r.Ino] = append(byIno[r.Ino], i)
		}
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	found := make([]*doneGen, len(p.Read))
	for _, e := range entries {
		path := filepath.Join(f.dir, e.Name())
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		k, ok := idOf(fi)
		if !ok || len(byIno[k.ino]) == 0 {
			continue
		}
		c, err := os.Open(path)
		if err != nil {
			continue
		}
		id := FileID{Dev: k.dev, Ino: k.ino, BTime: birthTime(c)}
		for _, i := range byIno[k.ino] {
			r := p.Read[i]
			if found[i] != nil || (r.Dev != id.Dev && r.Head == "") || (r.BTime != 0 && id.BTime != 0 && r.BTime != id.BTime) {
				continue
			}
			n := int(min(r.Offset, headMax))
			head := make([]byte, n)
			if !readFull(c, head, 0) || headKeyOf(head) != r.Head {
				continue
			}
			found[i] = &doneGen{id: id, mtime: fi.ModTime(), known: true, off: r.Offset, headLen: n, head: r.Head,
				unread: r.Unread, late: !r.Unread, path: path}
		}
		c.Close()
	}
	for _, d := range found {
		if d != nil {
			f.addDone(*d)
		}
	}
}

// lateLines reads, at a restart, what the generations a previous run read
// (loadRead) hold past the offset it read them to: a writer's late lines,
// written after their read-on or while errtag was stopped. They are read
// in the order the generations were read, each to its end, before the
// file the saved Position p was taken of; their Positions are p (with
// Read saying how far each was read). It reports false if the follower
// was stopped first.
func (fl *Follower) lateLines(f *file, p Position) bool {
	since := f.since
	defer func() { f.since = since }() // not a bound on what is unread
	var late []doneGen
	for _, d := range f.done {
		if d.late {
			late = append(late, d)
		}
	}
	for _, d := range late {
		f.done[slices.IndexFunc(f.done, func(e doneGen) bool { return sameID(e.id, d.id) })].late = false
		if d.id.Ino == p.Ino && d.id.Dev == p.Dev {
			continue // the saved Position's own file
		}
		fi, err := os.Stat(d.path)
		if err != nil || fi.Size() <= d.off {
			continue
		}
		if o, _ := fl.openOwner(fi); o != nil {
			continue
		}
		if at, err := os.Stat(f.path); err == nil && os.SameFile(at, fi) {
			continue // back at the name: not a rotated generation
		}
		g, err := openGen(d.path)
		if err != nil {
			continue
		}
		if !sameID(g.id, d.id) {
			g.close()
			continue
		}
		head := make([]byte, d.headLen)
		if !readFull(g.f, head, 0) || headKeyOf(head) != d.head || compressionOf(g.f) != "" || !g.seek(d.off) {
			g.close()
			continue
		}
		g.checked = true
		fl.own(g, f)
		f.late = g
		ok := fl.drain(f, g)
		f.late = nil
		if !ok {
			return false
		}
		fl.finished(f, g)
	}
	return true
}

func without(gs []*gen, g *gen) []*gen {
	out := gs[:0]
	for _, q := range gs {
		if q != g {
			out = append(out, q)
		}
	}
	return out
}

// copiedAway reports, at a restart that finds the file p was taken of at
// f's name (g) with at least p.Offset bytes and the same first bytes,
// whether it was copied and truncated while errtag was stopped all the
// same (copytruncate, refilled past Offset with the very same first bytes:
// a banner line): a rotated copy modified since the save and not read,
// that starts with those bytes and reaches p.Offset, which the file does
// not hold (any more).
func (fl *Follower) copiedAway(f *file, g *gen, p Position) bool {
	if p.Offset == 0 || p.HeadLen == 0 || f.dir == "" {
		return false
	}
	for _, s := range listSiblings(f.dir, f.base) {
		if s.fi.Size() < p.Offset || writtenBefore(s.fi.ModTime(), f.since) || f.isDone(s.id) || fl.notACopy(f, s.path, s.fi) {
			continue
		}
		c, err := openGen(s.path)
		if err != nil {
			continue
		}
		// A copy of the saved file holds the bytes delivered before
		// Offset too; a generation that merely starts the same way (a
		// banner) does not.
		away := headSum(c.f, p.HeadLen) == p.HeadSHA256 && markIntact(c.f, p) && !heldBy(c, g.f, g.size)
		c.close()
		if away {
			return true
		}
	}
	return false
}

// isLink reports whether path is a symbolic link.
func isLink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&os.ModeSymlink != 0
}

// targetsBetween queues, at a restart, the files a followed symbolic link
// led to while errtag was stopped, between old (the file it stopped in,
// found in the new target's directory) and g (the new target): when the
// link moves from file to file (app.log -> logs/app-0003.log, then
// app-0004.log...), those are the files in that directory named as old and
// g are, with numbers between theirs (app-0004.log..app-0008.log), modified
// since the save and not read. They are queued oldest (lowest numbered)
// first, before g. When old is a rotated copy of the target (the link leads
// to one file, rotated in its directory), there is nothing to do here: the
// rotated copies are found as for any file. Otherwise, when the names do
// not tell which files came between (another naming, numbers that do not
// go up), none is guessed at: an Err chunk says that files in between, if
// any, are not read.
func (fl *Follower) targetsBetween(f *file, old, g *gen) {
	ob := filepath.Base(old.path)
	if rotatedName(f.base, ob) || filepath.Dir(old.path) != f.dir {
		return
	}
	tmpl, lo, ok := numbering(ob)
	t2, hi, ok2 := numbering(f.base)
	if !ok || !ok2 || tmpl != t2 || compareNums(lo, hi) >= 0 {
		fl.send(Chunk{Source: f.name, Err: fmt.Errorf("now a link to %s, which is not numbered after %s (the file it led to when errtag stopped): files the link led to in between, if any, are not read", f.target, old.path)})
		return
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	type numbered struct {
		g    *gen
		nums []uint64
	}
	var between []numbered
	for _, e := range entries {
		t, n, ok := numbering(e.Name())
		if !ok || t != tmpl || compareNums(n, lo) <= 0 || compareNums(n, hi) >= 0 {
			continue
		}
		q, err := openGen(filepath.Join(f.dir, e.Name()))
		if err != nil {
			continue
		}
		if writtenBefore(q.mtime, f.since) || f.isDone(q.id) || fl.doneIDs[q.id] || fl.notACopy(f, q.path, q.fi) {
			q.close()
			continue
		}
		if o, _ := fl.openOwner(q.fi); o != nil {
			q.close()
			continue
		}
		between = append(between, numbered{q, n})
	}
	slices.SortFunc(between, func(a, b numbered) int { return compareNums(a.nums, b.nums) })
	// Their order is proved by their names, as the follower's looks
	// prove it (see knownOlder): each had left the name before the next
	// one, and all before g, seen at the name after them.
	for _, b := range between {
		fl.round++
		b.g.absentAt = fl.round
		fl.round++
		b.g.foundAt = fl.round
		f.queue = append(f.queue, b.g)
		fl.own(b.g, f)
	}
	fl.round++
	g.seq, g.lastAt = fl.round, fl.round
}

// numbering splits a file name into its template (the name with each run
// of digits replaced by '#') and the numbers those runs spell.
func numbering(name string) (tmpl string, nums []uint64, ok bool) {
	var b strings.Builder
	for i := 0; i < len(name); {
		if !isDigit(name[i]) {
			b.WriteByte(name[i])
			i++
			continue
		}
		j := i
		for j < len(name) && isDigit(name[j]) {
			j++
		}
		n, err := strconv.ParseUint(name[i:j], 10, 64)
		if err != nil {
			return "", nil, false
		}
		nums = append(nums, n)
		b.WriteByte('#')
		i = j
	}
	return b.String(), nums, len(nums) > 0
}

// compareNums compares two numberings of one template, the first number
// first.
func compareNums(a, b []uint64) int { return slices.Compare(a, b) }

// samePos reports whether g is the file p was taken of.
func samePos(g *gen, p Position) bool {
	if g.id.Ino != 0 && p.Ino != 0 {
		if g.id.Ino != p.Ino || (p.BTime != 0 && g.id.BTime != 0 && p.BTime != g.id.BTime) {
			return false
		}
		if g.id.Dev == p.Dev {
			return true
		}
		// The device number changed (a remount, another container):
		// the inode and the first bytes must do.
		if p.HeadLen == 0 {
			return p.Offset == 0
		}
		return headSum(g.f, p.HeadLen) == p.HeadSHA256
	}
	// No identity on this platform: the first bytes must do.
	return p.HeadLen > 0 && headSum(g.f, p.HeadLen) == p.HeadSHA256
}

// findByID returns, opened at p.Offset, the file in f's directory (under
// any name) that p was taken of, if it is still there with the same first
// bytes.
func (fl *Follower) findByID(f *file, p Position) *gen {
	if p.Ino == 0 || f.dir == "" {
		return nil
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		path := filepath.Join(f.dir, e.Name())
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() < p.Offset {
			continue
		}
		if k, ok := idOf(fi); !ok || k.ino != p.Ino {
			continue
		}
		if o, _ := fl.openOwner(fi); o != nil {
			continue
		}
		g, err := openGen(path)
		if err != nil {
			continue
		}
		if samePos(g, p) && headSum(g.f, p.HeadLen) == p.HeadSHA256 && markIntact(g.f, p) && g.seek(p.Offset) {
			fl.own(g, f)
			return g
		}
		g.close()
	}
	return nil
}

// shed keeps the unfinished lines held within Config.MaxHeld: while they
// add up to more, the longest is delivered as a piece (what follows of its
// line comes in pieces too, as for a line longer than MaxLine).
func (fl *Follower) shed() {
	for {
		fl.held = 0
		var big *gen
		for g, f := range fl.gens {
			if f.cur != g {
				continue
			}
			fl.held += len(g.pend)
			if big == nil || len(g.pend) > len(big.pend) {
				big = g
			}
		}
		if fl.held <= fl.cfg.MaxHeld || big == nil {
			return
		}
		n := pendingLen(big.pend) // a last CR may be half a CRLF
		if n == 0 {
			return
		}
		data := append([]byte(nil), big.pend[:n]...)
		big.pend = append([]byte(nil), big.pend[n:]...)
		big.long = true
		fl.held -= n
		fl.deliver(fl.gens[big], big, []piece{{data, Piece}})
	}
}
