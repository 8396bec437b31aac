// Package follow follows growing log files the way `tail -F` does: it waits
// for a file that does not exist yet, survives rename-and-create rotation and
// copytruncate, and delivers every complete line exactly once, in order per
// file, with its original terminator (LF or CRLF). Lines come in Chunks on a
// channel, each with its source and the Position reached, and errors travel
// in band on the same channel.
//
// # Why not github.com/nxadm/tail
//
// errtag first chose nxadm/tail (v1.4.11). Each of its traps was examined and
// most can be guarded by configuration, but the ones that lose lines cannot:
//
//   - os.Exit: TailFile calls os.Exit when ReOpen is set without Follow
//     (guardable: set both), but its watchers also call util.Fatal, which is
//     os.Exit(1), when a stat of the followed name fails with anything but
//     ENOENT (EACCES after a chmod of the directory, ENOTDIR), and when an
//     inotify instance cannot be created. No Config reaches those.
//   - Logging: Config.Logger silences the Tail, but package watch keeps its
//     own logger on os.Stderr.
//   - Rotation: on a rename or delete event tail reopens the name at once.
//     Lines written to the old file after its last read are never read, the
//     half line it holds (CompleteLines) is dropped, and a generation that is
//     created and rotated away between two looks is skipped. Its Line carries
//     no file identity and its Lines channel is shared by every generation,
//     so a consumer cannot tell which inode a line came from, nor drain the
//     old file itself from the right offset: keeping our own handle "by
//     inode" next to tail's handle is a guess, not a proof.
//   - Truncation is detected by size only (new size < old size at a write
//     event): a copytruncate whose file is refilled past the old size before
//     tail looks is read on from the old offset, in the middle of the new
//     content.
//   - MaxLineSize > 0 splits lines and the RateLimiter skips data; CR is left
//     at the end of Line.Text and LF is stripped, so the terminator must be
//     rebuilt; the inotify tracker is global process state keyed by file
//     name (two Tails of one name steal each other's events, its goroutine
//     never ends).
//
// So this package reads the files itself, by file descriptor and offset, and
// uses fsnotify (which tail is built on) only to be woken early; a periodic
// check backs it up. Nothing here logs, exits or splits lines. The tests in
// this package cover each trap above against this implementation.
//
// # How rotation is made lossless
//
// Each followed name has a current generation: an open *os.File, its
// identity (device and inode), the offset up to which lines were delivered,
// and the bytes of an incomplete last line. The file is read with pread at
// that offset; only complete lines (ending in LF) are delivered, so a
// half-written last line waits for its newline.
//
// When a read reaches the end of the file, the name is stat'ed. If it holds
// another file (rename-and-create, or delete-and-create) and that file is
// not empty, the writer has started the new file. Rotation assumes what
// every log writer does: it does not write to the old file after its first
// write to the new one. Because the new file's data was seen before the old
// file is read again, the old file is then complete: it is read to its end
// through the descriptor we hold (its name no longer matters), an incomplete
// last line is delivered without a terminator, and only then does the new
// file start, from offset 0. While the new file is still empty the old one
// is followed on, since its writer may not have switched yet. If the name
// has no file at all, the old one is followed until a new one appears.
//
// A generation created and rotated away between two looks (app.log -> a new
// app.log -> renamed to app.log.1 before we saw it) would otherwise be
// skipped. At each rotation the directory is searched for such files: named
// like rotated copies of the file (NAME.N, NAME-DATE, NAME_x: a separator and
// a digit after the name), regular, not empty, not compressed, not a
// generation seen before, and modified no earlier than the old generation's
// last write. They are read whole, oldest modification first, before the
// new file. A rotated file moved to another directory or compressed at once
// cannot be found this way.
//
// # Truncation and copytruncate
//
// Truncation is detected in two ways: the file is smaller than what was read
// from it, or its first bytes (up to 1 KiB, remembered as they are read)
// changed. The second catches a copytruncate whose file was refilled past
// the old offset before we looked; the prefix is checked after every read,
// so a block read after such a refill is never delivered. A truncation that
// refills the file with the very same first bytes cannot be told from growth
// (timestamps at the start of a log make that unlikely).
//
// On truncation, the lines between the delivered offset and the old end are
// looked for in a copy in the same directory (named like a rotated copy,
// with the same first bytes and the same bytes before the offset): they are
// read from it. Copies made by later copytruncates before the follower
// noticed the first are found as lost generations are (see above) and read
// whole. Then the file is read again from offset 0. copytruncate itself
// loses the lines written between its copy and its truncation: they are in
// neither file, and they are lost unless we had read them before the
// truncation (TestStressCopytruncate measures and logs this loss). A
// generation that is copied and truncated before the follower read any of
// it cannot be told from an empty one: with no first bytes to compare, its
// copy is not recognised.
//
// # Limits
//
// A line is held in memory until its terminator arrives (lines are never
// split). Data written to a rotated file after the new file has data (a
// second writer still appending to the old file) is not read. Files moved to
// another directory at rotation are only found again by their descriptor,
// which is kept until the switch.
package follow

import (
	"errors"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Config says what to follow and how.
type Config struct {
	// Files are the names to follow. Each is followed by name: when it
	// is rotated, the file that takes the name is followed next.
	Files []string
	// FromStart reads the files present at start from the beginning.
	// Without it, reading starts after the last complete line. A file
	// that appears later (created after start, or the new file of a
	// rotation) is always read from its beginning.
	FromStart bool
	// Resume, keyed by an entry of Files, is where a previous run
	// stopped (the Pos of the last Chunk it handled). It takes precedence
	// over FromStart; see Position for how it is checked.
	Resume map[string]Position
	// PollInterval is how often files are checked when no change
	// notification arrives (a safety net: notifications wake the
	// follower at once). Zero means 250 ms. When notifications are not
	// available for a file's directory, it is checked every 20 ms.
	PollInterval time.Duration

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
	// one was delivered before this Chunk; Pos is the start of the new.
	Rotated
	// Truncated: the file was truncated (or truncated and refilled).
	// What was recovered of the old content was delivered before this
	// Chunk; reading starts again at offset 0.
	Truncated
)

func (n Note) String() string {
	switch n {
	case Rotated:
		return "rotated"
	case Truncated:
		return "truncated"
	}
	return ""
}

// Chunk is what the follower delivers: complete lines of one file, a Note,
// or an error.
type Chunk struct {
	// Source is the entry of Config.Files the data belongs to ("" for an
	// error about the follower itself).
	Source string
	// Data holds whole lines, terminators included. Only the last chunk
	// of a generation that ended without a newline (delivered at
	// rotation or truncation) may end in an incomplete line. The
	// receiver owns Data.
	Data []byte
	// Pos is where reading of Source stands after Data: saving it after
	// Data was written, and giving it back as Config.Resume, continues
	// with the next line.
	Pos Position
	// Note, when set, reports a rotation or truncation.
	Note Note
	// Err is a problem following Source (it could not be opened or
	// read). Following goes on: the follower tries again. Each distinct
	// error is reported once, until the file is read again.
	Err error
}

// ErrNoFiles is returned by New when Config.Files is empty.
var ErrNoFiles = errors.New("no files to follow")

const (
	defaultPoll  = 250 * time.Millisecond
	fallbackPoll = 20 * time.Millisecond
	readSize     = 256 << 10
	// roundBudget is how much is read from one file before the others
	// get a turn.
	roundBudget = 4 << 20
	chunkQueue  = 16
)

// Follower follows files. Its goroutine runs from New until Stop.
type Follower struct {
	cfg   Config
	files []*file
	out   chan Chunk
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	buf   []byte
	watch *watcher
	// looked is closed once every file was looked at (tests wait for it
	// before writing what must be read as new).
	looked chan struct{}
}

// New starts following cfg.Files. A name of "-" is refused (standard input
// is not a file that can be followed); a name given twice is followed once.
func New(cfg Config) (*Follower, error) {
	if len(cfg.Files) == 0 {
		return nil, ErrNoFiles
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPoll
	}
	fl := &Follower{
		cfg:    cfg,
		out:    make(chan Chunk, chunkQueue),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		buf:    make([]byte, readSize),
		looked: make(chan struct{}),
	}
	seen := map[string]bool{}
	for _, name := range cfg.Files {
		if name == "-" || name == "" {
			return nil, errors.New("standard input cannot be followed: give file names")
		}
		path := filepath.Clean(name)
		if seen[path] {
			continue
		}
		seen[path] = true
		fl.files = append(fl.files, newFile(name, path))
	}
	if cfg.manual == nil {
		fl.watch = newWatcher(fl.files)
	}
	go fl.run()
	return fl, nil
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

func (fl *Follower) send(c Chunk) { fl.out <- c }

func (fl *Follower) run() {
	defer close(fl.done)
	defer close(fl.out)
	defer func() {
		if fl.watch != nil {
			fl.watch.close()
		}
		for _, f := range fl.files {
			f.close()
		}
	}()
	if fl.watch != nil && fl.watch.err != nil {
		fl.send(Chunk{Err: fl.watch.err})
	}
	first := true
	for !fl.stopping() {
		busy := false
		for _, f := range fl.files {
			if fl.step(f) {
				busy = true
			}
			if fl.stopping() {
				return
			}
		}
		if first {
			first = false
			close(fl.looked)
		}
		if !busy {
			fl.wait()
		}
	}
}

// wait blocks until something may have changed: a notification about a
// followed name, the poll interval, or Stop.
func (fl *Follower) wait() {
	if fl.cfg.manual != nil {
		select {
		case <-fl.cfg.manual:
		case <-fl.stop:
		}
		return
	}
	interval := fl.cfg.PollInterval
	if !fl.watch.complete() {
		interval = min(interval, fallbackPoll)
	}
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		var events <-chan fsnotify.Event
		var errs <-chan error
		if fl.watch.w != nil {
			events, errs = fl.watch.w.Events, fl.watch.w.Errors
		}
		select {
		case <-fl.stop:
			return
		case <-t.C:
			fl.watch.rewatch()
			return
		case ev, ok := <-events:
			if !ok {
				fl.watch.lost()
				return
			}
			if fl.watch.relevant(ev) {
				fl.watch.drain()
				return
			}
		case _, ok := <-errs:
			// An overflow or read error: events may be lost, so
			// look at everything.
			if !ok {
				fl.watch.lost()
			}
			return
		}
	}
}
