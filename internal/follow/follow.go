// Package follow follows growing log files the way `tail -F` does. DOC
package follow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Config says what to follow and how.
type Config struct {
	// Files are the names to follow, and patterns (filepath.Match
	// syntax: *, ?, [...]) whose matching files are followed, those
	// matching now and those that appear later. A name with pattern
	// characters that exists as it is written is a name. Each is followed
	// by name: when it is rotated, the file that takes the name is
	// followed next.
	Files []string
	// Exclude lists patterns of files not to follow: a file matched by a
	// pattern of Files is left out if its path or its base name matches
	// one of these.
	Exclude []string
	// FromStart reads the files present at start from the beginning.
	// Without it, reading starts after the last complete line. A file
	// that appears later (created after start, or the new file of a
	// rotation) is always read from its beginning.
	FromStart bool
	// Resume, keyed by Key (the absolute path of a followed file), is
	// where a previous run stopped (the Pos of the last Chunk it handled
	// for that file). It takes precedence over FromStart; see Position
	// for how it is checked. An entry for a file that matches a pattern
	// of Files but no longer exists is looked for as a rotated file.
	Resume map[string]Position
	// MaxLine is the longest line held whole; a longer one is delivered
	// in pieces (Part Piece and LastPiece) as it arrives. Zero means
	// 1 MiB.
	MaxLine int
	// PollInterval is how often files are checked when no change
	// notification arrives (a safety net: notifications wake the
	// follower at once), and how often patterns are matched again. Zero
	// means 250 ms. Where notifications are not available for a
	// directory, its files are checked every 20 ms.
	PollInterval time.Duration
	// Poll turns change notification off: files are checked every
	// PollInterval (for file systems that do not notify, such as NFS).
	Poll bool
	// ReleaseAfter is how long a deleted file, read to its end, is kept
	// open in case its writer still appends to it. A file matched by a
	// pattern whose name has no file any more is then forgotten (Gone);
	// one renamed away without being deleted is kept 60 times as long.
	// Zero means 2 s.
	ReleaseAfter time.Duration

	// manual, in tests, replaces notifications and polling: the follower
	// checks its files once per receive.
	manual chan struct{}
	// atEOF, in tests, runs when a file was read to its end, before the
	// follower looks for rotation and truncation.
	atEOF func(name string)
}

// Note says what happened to a followed file.
type Note int

const (
	// NoNote marks an ordinary Chunk.
	NoNote Note = iota
	// Rotated: the name now holds another file. Everything of the old
	// one, and of generations rotated away unseen, was delivered before
	// this Chunk; Pos is the start of the new.
	Rotated
	// Truncated: the file was truncated (or truncated and refilled).
	// What was recovered of the old content was delivered before this
	// Chunk; reading starts again at offset 0.
	Truncated
	// Appeared: a file appeared at a name that had none (Source was
	// missing), or a new file matches a pattern. It is read from its
	// start.
	Appeared
	// Missing: the name has no file (at start, or after its file was
	// deleted, read to its end and released). It is followed when a file
	// appears there.
	Missing
	// Gone: a file matched by a pattern was deleted (or renamed away for
	// good): it was read to its end and released, and Source delivers
	// nothing more. Its saved Position can be forgotten.
	Gone
	// Skipped: Path is compressed and is not read. Source is the
	// followed name it belongs to, or Path itself for a file matched by
	// a pattern. Pos means nothing.
	Skipped
	// NoMatch: the pattern Source matches no file yet. Pos means
	// nothing.
	NoMatch
	// Hole: Size bytes of Source, a hole never written (NUL bytes: a
	// writer without O_APPEND went on past a copytruncate), were
	// skipped.
	Hole
)

func (n Note) String() string {
	switch n {
	case Rotated:
		return "rotated"
	case Truncated:
		return "truncated"
	case Appeared:
		return "appeared"
	case Missing:
		return "missing"
	case Gone:
		return "gone"
	case Skipped:
		return "skipped"
	case NoMatch:
		return "no match"
	case Hole:
		return "hole"
	}
	return ""
}

// Chunk is what the follower delivers: data of one file, a Note, or an
// error.
type Chunk struct {
	// Source is the followed name the chunk is about ("" for an error
	// about the follower itself). For a file matched by a pattern it is
	// the path as the pattern matched it.
	Source string
	// Data holds whole lines, terminators included, or a piece of a line
	// longer than MaxLine (see Part). The receiver owns Data.
	Data []byte
	// Part says which.
	Part Part
	// Pos is where reading of Source stands after Data: saving it after
	// Data was written, and giving it back in Config.Resume, continues
	// with the next byte. Every chunk with a Source carries it (an empty
	// chunk when a file is first opened, so that even a file that
	// delivered nothing is remembered), except Err chunks and the notes
	// Skipped and NoMatch: see HasPos.
	Pos Position
	// Note, when set, reports what happened to Source.
	Note Note
	// Path is the file a Skipped note is about.
	Path string
	// Size is the number of bytes a Hole note skipped.
	Size int64
	// Err is a problem following Source (it could not be opened or
	// read). Following goes on: the follower tries again. Each distinct
	// error is reported once, until the file is read again.
	Err error
}

// HasPos reports whether c.Pos is a position of c.Source to be saved.
func (c Chunk) HasPos() bool {
	return c.Source != "" && c.Err == nil && c.Note != Skipped && c.Note != NoMatch
}

// ErrNoFiles is returned by New when Config.Files is empty.
var ErrNoFiles = errors.New("no files to follow")

// NotFollowableError is returned by New for a name that holds something
// that can never be followed: a directory, a FIFO or device, a compressed
// file.
type NotFollowableError struct {
	Name   string
	Reason string
}

func (e *NotFollowableError) Error() string {
	return fmt.Sprintf("%s: %s: cannot be followed", e.Name, e.Reason)
}

const (
	defaultPoll    = 250 * time.Millisecond
	fallbackPoll   = 20 * time.Millisecond
	defaultRelease = 2 * time.Second
	defaultMaxLine = 1 << 20
	readSize       = 256 << 10
	// roundBudget is how much is read from one file before the others
	// get a turn.
	roundBudget = 4 << 20
	chunkQueue  = 16
	// maxQueue is how many later generations of one name are kept open
	// waiting to be read; maxPinned bounds them over all names.
	maxQueue  = 64
	maxPinned = 1024
	// maxDoneIDs bounds the memory of generations read to their end.
	maxDoneIDs = 4096
	// scanEvery is how often, without a notification, a directory is
	// listed for rotated copies.
	scanEvery = time.Second
)

// Follower follows files. Its goroutine runs from New until Stop.
type Follower struct {
	cfg     Config
	out     chan Chunk
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	buf     []byte
	watch   *watcher
	started time.Time
	cwd     string
	// looked is closed once every file was looked at (tests wait for it
	// before writing what must be read as new).
	looked chan struct{}

	files    []*file          // followed, in the order found
	byKey    map[string]*file // by absolute path
	pats     []pattern
	gens     map[*gen]*file  // open generations, and whose they are
	byID     map[devIno]*gen // open generations by device and inode
	doneIDs  map[FileID]bool // generations read to their end, by anyone
	doneFIFO []FileID
	ignored  map[string]FileID // pattern matches not followed, by path
	round    uint64
	pending  []Chunk // notes found while observing, sent at the next turn
	changed  bool    // files were added or removed: reindex
	idx      index
	lastPoll time.Time
	lastGlob time.Time
	pollAll  bool
}

// New starts following cfg.Files. A name of "-" is refused (standard input
// is not a file that can be followed), and so is a name that can never be
// followed (NotFollowableError); a name given twice is followed once.
func New(cfg Config) (*Follower, error) {
	if len(cfg.Files) == 0 {
		return nil, ErrNoFiles
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPoll
	}
	if cfg.MaxLine <= 0 {
		cfg.MaxLine = defaultMaxLine
	}
	if cfg.ReleaseAfter <= 0 {
		cfg.ReleaseAfter = defaultRelease
	}
	for _, x := range cfg.Exclude {
		if _, err := filepath.Match(x, ""); err != nil {
			return nil, fmt.Errorf("exclude pattern %q: %w", x, err)
		}
	}
	cwd, _ := os.Getwd()
	fl := &Follower{
		cfg:     cfg,
		out:     make(chan Chunk, chunkQueue),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		buf:     make([]byte, readSize),
		looked:  make(chan struct{}),
		started: time.Now(),
		cwd:     cwd,
		byKey:   map[string]*file{},
		gens:    map[*gen]*file{},
		byID:    map[devIno]*gen{},
		doneIDs: map[FileID]bool{},
		ignored: map[string]FileID{},
		changed: true,
	}
	for _, name := range cfg.Files {
		if name == "-" || name == "" {
			return nil, errors.New("standard input cannot be followed: give file names")
		}
		if isPattern(name) {
			p, err := newPattern(name, cwd)
			if err != nil {
				return nil, err
			}
			fl.pats = append(fl.pats, p)
			continue
		}
		if err := followable(name); err != nil {
			fl.closeAll()
			return nil, err
		}
		path := filepath.Clean(name)
		if fl.byKey[Key(path)] != nil {
			continue
		}
		fl.add(newFile(name, path, false))
	}
	fl.globStart()
	if cfg.manual == nil && !cfg.Poll {
		fl.watch = newWatcher()
	}
	go fl.run()
	return fl, nil
}

// followable refuses a name that exists and holds something that can never
// be followed.
func followable(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return nil // missing, or a problem that may pass: reported in band
	}
	if !fi.Mode().IsRegular() {
		return &NotFollowableError{Name: name, Reason: notRegular(fi).Error()}
	}
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	if c := compressionOf(f); c != "" {
		return &NotFollowableError{Name: name, Reason: c + "-compressed (follow mode reads only uncompressed files; read it once without following)"}
	}
	return nil
}

// Chunks is where the follower delivers. It is closed after Stop, once
// everything read before it was delivered: receive until it is closed.
func (fl *Follower) Chunks() <-chan Chunk { return fl.out }

// Stop asks the follower to stop and returns at once. The follower reads
// no more, finishes delivering the chunk it holds, releases its files and
// watches, and closes Chunks. Stop may be called more than once.
func (fl *Follower) Stop() { fl.once.Do(func() { close(fl.stop) }) }

// Close stops the follower, discards what it had not delivered yet, and
// returns when its goroutine has ended.
func (fl *Follower) Close() {
	fl.Stop()
	for range fl.out {
	}
	<-fl.done
}

func (fl *Follower) stopping() bool {
	select {
	case <-fl.stop:
		return true
	default:
		return false
	}
}

// send delivers c. While the receiver is not ready (a slow reader of the
// output), the follower keeps watching: files that appear are opened and
// rotated generations pinned, so that none is lost or misordered however
// long the wait.
func (fl *Follower) send(c Chunk) {
	if fl.cfg.manual != nil {
		fl.out <- c
		return
	}
	var tick <-chan time.Time
	for {
		select {
		case fl.out <- c:
			return
		case ev, ok := <-fl.watch.events():
			if !ok {
				fl.watch.lost()
				continue
			}
			fl.event(ev)
		case _, ok := <-fl.watch.errors():
			if !ok {
				fl.watch.lost()
			}
			fl.observeAll()
		case <-tick:
			fl.observeAll()
			tick = nil
		}
		if tick == nil {
			t := time.NewTimer(fl.cfg.PollInterval)
			defer t.Stop()
			tick = t.C
		}
	}
}

// note queues a chunk found while observing, to be sent at the next turn.
func (fl *Follower) note(c Chunk) { fl.pending = append(fl.pending, c) }

func (fl *Follower) flushNotes() {
	for len(fl.pending) > 0 {
		c := fl.pending[0]
		fl.pending = fl.pending[1:]
		fl.send(c)
	}
	fl.pending = nil
}

// closeAll releases every file still open.
func (fl *Follower) closeAll() {
	for g := range fl.gens {
		g.close()
	}
	clear(fl.gens)
	clear(fl.byID)
}

func (fl *Follower) run() {
	defer close(fl.done)
	defer close(fl.out)
	defer func() {
		fl.watch.close()
		fl.closeAll()
	}()
	if fl.watch != nil && fl.watch.err != nil {
		fl.send(Chunk{Err: fl.watch.err})
	}
	fl.reindex()
	fl.pollAll = true
	first := true
	for !fl.stopping() {
		if fl.changed {
			fl.reindex()
		}
		fl.flushNotes()
		busy := false
		all := fl.pollAll
		fl.pollAll = false
		if all {
			fl.lastPoll = time.Now()
			if fl.cfg.manual != nil || time.Since(fl.lastGlob) >= fl.cfg.PollInterval {
				fl.globScan()
			}
		}
		for i := 0; i < len(fl.files); i++ {
			f := fl.files[i]
			if f.released || (!all && !f.dirty && fl.watchedFile(f)) {
				continue
			}
			f.dirty = false
			if fl.step(f) {
				f.dirty = true
				busy = true
			}
			fl.flushNotes()
			if fl.stopping() {
				return
			}
		}
		fl.dropReleased()
		if first {
			first = false
			close(fl.looked)
		}
		if !busy && len(fl.pending) == 0 {
			fl.wait()
		}
	}
}

// watchedFile reports whether changes to f are notified (else it is looked
// at on every turn, at most every fallbackPoll).
func (fl *Follower) watchedFile(f *file) bool {
	if fl.watch == nil {
		return fl.cfg.Poll // polled every PollInterval; manual: every poke
	}
	return fl.watch.watched(filepath.Dir(f.path)) && (f.dir == "" || fl.watch.watched(f.dir))
}

// wait blocks until something may have changed: a notification about a
// followed name, the poll interval, or Stop.
func (fl *Follower) wait() {
	if fl.cfg.manual != nil {
		select {
		case <-fl.cfg.manual:
			fl.observeAll()
			fl.pollAll = true
		case <-fl.stop:
		}
		return
	}
	interval := fl.cfg.PollInterval - time.Since(fl.lastPoll)
	if fl.unwatched() {
		interval = min(interval, fallbackPoll)
	}
	t := time.NewTimer(max(interval, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-fl.stop:
			return
		case <-t.C:
			if fl.watch != nil {
				fl.watch.rewatch()
			}
			if time.Since(fl.lastPoll) >= fl.cfg.PollInterval {
				fl.pollAll = true
			}
			return
		case ev, ok := <-fl.watch.events():
			if !ok {
				fl.watch.lost()
				return
			}
			if fl.event(ev) {
				fl.drainEvents()
				return
			}
		case _, ok := <-fl.watch.errors():
			// An overflow or read error: events may be lost, so
			// look at everything.
			if !ok {
				fl.watch.lost()
			}
			fl.pollAll = true
			return
		}
	}
}

// unwatched reports whether some followed file or pattern directory has
// no notifications.
func (fl *Follower) unwatched() bool {
	if fl.watch == nil {
		return !fl.cfg.Poll
	}
	for _, on := range fl.watch.dirs {
		if !on {
			return true
		}
	}
	return false
}

// drainEvents handles the events already queued, so that one look serves
// them all.
func (fl *Follower) drainEvents() {
	for {
		select {
		case ev, ok := <-fl.watch.events():
			if !ok {
				fl.watch.lost()
				return
			}
			fl.event(ev)
		default:
			return
		}
	}
}

// event handles a notification: it marks the files it concerns to be
// looked at, pins a generation that appeared at a followed name or as a
// rotated copy, and follows a new file that matches a pattern. It reports
// whether the event concerned anything followed.
func (fl *Follower) event(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	relevant := false
	if fl.watch.isDir(name) && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
		fl.watch.dirGone(name)
		fl.pollAll = true
		relevant = true
	}
	structural := ev.Op&(fsnotify.Create|fsnotify.Rename|fsnotify.Remove) != 0
	for _, f := range fl.idx.byPath[name] {
		f.dirty = true
		relevant = true
		if structural {
			fl.observe(f)
		}
	}
	dir, base := filepath.Split(name)
	dir = filepath.Clean(dir)
	for _, f := range fl.idx.bySibDir[dir] {
		if f.base != "" && rotatedName(f.base, base) {
			f.dirty = true
			relevant = true
			if ev.Has(fsnotify.Create) {
				fl.scanSiblings(f, false)
			} else {
				f.scanDue = true
			}
		}
	}
	if fl.idx.patDirs[dir] && ev.Has(fsnotify.Create) {
		if fl.globOne(name) {
			relevant = true
		}
	}
	return relevant
}

// observeAll looks at every followed name (and matches the patterns again
// when due), without delivering anything.
func (fl *Follower) observeAll() {
	for _, f := range fl.files {
		if !f.released && f.started {
			fl.observe(f)
			if f.scanDue || time.Since(f.lastScan) >= scanEvery {
				fl.scanSiblings(f, false)
			}
		}
	}
	if time.Since(fl.lastGlob) >= fl.cfg.PollInterval {
		fl.globScan()
	}
}

// add starts following f.
func (fl *Follower) add(f *file) {
	if p, ok := fl.cfg.Resume[f.key]; ok {
		f.resume = &p
	}
	fl.files = append(fl.files, f)
	fl.byKey[f.key] = f
	f.dirty = true
	fl.changed = true
}

// dropReleased forgets the files released this turn.
func (fl *Follower) dropReleased() {
	n := 0
	for _, f := range fl.files {
		if f.released {
			if fl.byKey[f.key] == f {
				delete(fl.byKey, f.key)
			}
			fl.changed = true
			continue
		}
		fl.files[n] = f
		n++
	}
	clear(fl.files[n:])
	fl.files = fl.files[:n]
}

// index routes notifications to followed files.
type index struct {
	byPath   map[string][]*file // a followed path, or its symlink's target
	bySibDir map[string][]*file // where a file's rotated copies are
	patDirs  map[string]bool    // directories patterns look in
}

// reindex rebuilds the index and the set of watched directories.
func (fl *Follower) reindex() {
	fl.changed = false
	ix := index{byPath: map[string][]*file{}, bySibDir: map[string][]*file{}, patDirs: map[string]bool{}}
	dirs := map[string]bool{}
	for _, f := range fl.files {
		ix.byPath[f.path] = append(ix.byPath[f.path], f)
		dirs[filepath.Dir(f.path)] = true
		if f.target != "" && f.target != f.path {
			ix.byPath[f.target] = append(ix.byPath[f.target], f)
		}
		if f.dir != "" {
			ix.bySibDir[f.dir] = append(ix.bySibDir[f.dir], f)
			dirs[f.dir] = true
		}
	}
	for _, p := range fl.pats {
		for _, d := range p.dirs() {
			ix.patDirs[d] = true
			dirs[d] = true
		}
	}
	fl.idx = ix
	if fl.watch != nil {
		fl.watch.want(dirs)
	}
}
