// Package follow follows growing log files the way `tail -F` does, and
// patterns of files that come and go: it waits for a file that does not
// exist yet, survives rename-and-create rotation and copytruncate, and
// delivers every line exactly once, in order per file, with its original
// terminator (LF or CRLF). Data comes in Chunks on a channel, each with its
// source and the Position reached; what happens to the files (missing,
// appeared, rotated, truncated, released, compressed) and errors travel in
// band on the same channel. The package never logs, never exits and never
// writes to stdout or stderr: the caller decides what to tell.
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
//   - It follows names, not patterns: files that appear later, and deleted
//     ones to release, are the caller's problem.
//
// So this package reads the files itself, by file descriptor and offset, and
// uses fsnotify (which tail is built on) only to be woken early; a periodic
// check backs it up (Config.Poll turns notifications off). The tests in this
// package cover each trap above against this implementation, on both the
// notification and the polling path.
//
// # Generations, pinned as they appear
//
// Each followed name has a current generation: an open *os.File, its
// identity (device, inode, and birth time where the file system records
// it), the offset up to which data was delivered, and the bytes of an
// incomplete last line. The file is read with pread at that offset; only
// complete lines are delivered, so a half-written last line waits for its
// newline. Behind the current generation each name has a queue of the
// generations noticed after it, opened at once: files found at the name
// (in the order seen), and rotated copies found in the directory: named
// NAME.N, NAME-DATE, NAME_x (a separator and a digit after the name), or,
// the way logrotate's `extension` names them, with the number or date
// before the name's extension (app.1.log, app.000123.log,
// app-20240501.log, app.1.log.gz for app.log). A file so named is taken
// for a rotated copy whatever it holds, except the caller's own output. A
// generation held open is readable after it is renamed or deleted.
//
// Noticing does not wait for delivery: while the receiver of the chunks is
// slow and the follower is blocked handing it one, it goes on handling
// notifications (and, without them, looking every PollInterval), opening
// files that appear and generations that rotate. So a slow reader of
// errtag's output neither reorders rotated files nor loses those that a
// rotation deletes (rotate 1) before they are read.
//
// # How rotation is made lossless
//
// When the name holds another file and that file (or a generation rotated
// away unseen) has data, the name has moved on: the current generation is
// read to its end through the descriptor held, then every generation after
// it but the newest with data, oldest first, and the newest becomes
// current, read from 0. While every newer file is still empty the current
// one is followed on, since its writer may not have switched yet;
// generations rotated away unseen do not wait for the new file's first
// line.
//
// A writer may still append to the old file after the new one has data: a
// daemon that keeps its descriptor until logrotate's postrotate tells it to
// reopen, while another process already writes to the new file. So the
// generations left behind stay open and are read on, complete lines only,
// until each has not grown for Config.RotateWait (5 s); only then is an
// incomplete last line delivered (without a terminator: it is never joined
// with another generation's line), and the file closed. Their late lines
// come after lines of the newer file delivered meanwhile: order holds per
// generation, and generations start oldest first. At most maxRetired (16)
// are read on per name; beyond that the oldest is finished at once. At
// Stop they are read to their end first, last line included: the Position
// their chunks carry is the current generation's, so the next run would
// not come back to them.
//
// Generations are ordered by when they left the name (renamed away or
// deleted: they leave it one after the other). The follower's looks are
// numbered, and each generation keeps what they proved: the name held it
// (it had not left), the name held another file, a listing of the
// directory found it under a rotated name (it had left), a listing that
// held still did not have it (it had not left, once it is found later or
// while it still has a link). A generation seen at the name is older than
// every generation that had not left by then; one that had left by a look
// is older than one that had not left at that look. A listing is repeated
// until two agree (a directory read while files are renamed in it can miss
// one), and what it proves is dated between the two. Only where the looks
// prove nothing (two generations that left between the same two looks) do
// times decide: creation time, modification time (as it is now: a
// generation pinned while empty was written since), name (numbered copies
// either shift upwards, logrotate's way, or take the next number: which one
// is learnt from generations of known age; dated ones sort by date) and
// inode number. A generation seen at the name after the last listing began
// waits for the next one, which may hold generations rotated before it.
//
// # Truncation and copytruncate
//
// Truncation is detected in three ways: the file is smaller than what was
// read from it; its first bytes (up to 1 KiB, remembered as they are read)
// changed, which catches a copytruncate refilled past the old offset before
// the follower looked (the first bytes are checked after every read, so a
// block read after such a refill is never delivered); or a rotated copy
// appeared that the file does not hold, and that starts with what was read
// (or anything, when nothing of the current content was read yet).
//
// On truncation, the lines between the delivered offset and the old end are
// read from the copy that starts with the same bytes and agrees on the bytes
// before the offset; copies of this generation smaller than what was read
// hold nothing new. Copies of generations copied and truncated before any
// of them was read (behind a slow reader) are read whole, oldest first; the
// first read of every generation looks for them, after the read, so that a
// copy made before the truncation that preceded it is complete. When more
// copies wait than can be pinned (maxQueue), the oldest are read first,
// and the directory is listed again for the others before the file is
// read again (also when it is empty); so it is for generations rotated by
// rename: those ordered after the oldest left unpinned wait. A copy the
// file still holds (made, not truncated yet) waits. Then the file is read
// again from offset 0. copytruncate itself loses the lines written between
// its copy and its truncation: they are in neither file, and they are lost
// unless the follower read them before the truncation (TestStressCopytruncate
// measures and logs this loss).
//
// A writer without O_APPEND writes on at its old offset after a truncation,
// leaving a hole that reads as NUL bytes. At a line start, a hole (found with
// SEEK_DATA, on Linux) and the NULs of the block where data starts again are
// skipped and reported (Note Hole), never delivered: they were never written.
//
// # Lines longer than MaxLine
//
// A line is held until its terminator arrives, up to Config.MaxLine bytes.
// Past that it is delivered in pieces (Part Piece, then LastPiece) as its
// bytes arrive, so memory per file is bounded by MaxLine plus one read
// (256 KiB), whatever the line or hole. Over all files, the unfinished
// lines held add up to at most Config.MaxHeld (plus one read): past it,
// the longest of them is delivered in pieces the same way, so that many
// files each ending in a long unfinished line do not hold files times
// MaxLine. A Position taken inside such a line says so (InLine), and a
// restart continues with the rest of it as pieces.
//
// # Patterns
//
// An entry of Config.Files with *, ? or [ (and no file of that name) is a
// pattern: the files matching it at start are followed (from their end,
// unless FromStart), and those that appear later from their start, with an
// Appeared note; notifications on the pattern's directories find them at
// once, and the pattern is matched again every PollInterval. Left out are
// files matched by Config.Exclude (by path or base name), what is not a
// regular file, a rotated copy of another matched file (app.log* matches
// app.log.1, and *.log matches app.1.log: each is read as a generation of
// app.log, not twice), a file
// already followed or read under another name (a second symlink to it),
// compressed files, reported once (Skipped), and the caller's own output
// (Config.Outputs), reported once (Output) or, matched at start, refused by
// New. With FromStart, a matched file's rotated copies that the pattern
// matches too (app.log.1 for app.log*) are read before it, oldest first,
// once (those it does not match are history, as for a named file). A
// pattern that matches nothing yet is said once (NoMatch). A file matched by a pattern whose name has no
// file any more, read to its end and idle for ReleaseAfter (deleted) or 60
// times that (renamed away), is released: its descriptor closed, its
// directory no longer watched, a Gone note sent so that its saved Position
// can be forgotten. A named file (no pattern) is followed by name forever,
// like tail -F; its deleted generation is released the same way (a Missing
// note) and the name waited for.
//
// # Restarts
//
// Every followed file delivers its Position as soon as it is opened (an
// empty chunk), and the zero Position when it does not exist: a file that
// delivered nothing before a stop is remembered too, and what is written to
// it while stopped is read, with its rotated copies made meanwhile (plain
// or compressed; see Position). A file matching a pattern that a previous run
// followed (Config.KnownPatterns, kept in the State) but without a saved
// Position appeared while errtag was stopped, and is read from its start,
// after its rotated copies modified since the state was saved
// (Config.StoppedAt), oldest first.
// See Position for how a restart recognises the file, a truncation, a
// rotation, and generations rotated while stopped. A followed name that is
// a symbolic link a writer moves from file to file (app.log ->
// logs/app-0003.log, then app-0004.log...) and that moved while stopped:
// the files in the new target's directory named as the old and new
// targets are, with numbers between theirs, modified since the save, are
// read between them, by number (the names prove their order; see
// targetsBetween). Where the names do not tell (another naming, or the old
// target gone), nothing is guessed: an Err chunk says so.
//
// A Position lists the generations of its name read before its file
// (Read: identity, offset read to, a fingerprint of the first bytes; the
// most recent maxRead). A restart never reads one of them again from its
// start: one still in the directory that grew past its offset (a writer's
// late lines) is read from there, once, before the rest; the others are
// passed over. Beyond maxRead, an older generation modified while stopped
// is taken for one rotated while stopped and read whole.
//
// # Compressed files
//
// Follow mode does not follow compressed files: a compressed file grows by
// whole frames and is rewritten by the compressor. New refuses a named
// compressed file (NotFollowableError), and a directory, FIFO or device,
// which could never be followed either; a compressed generation at a
// followed name, or a compressed file matched by a pattern, is skipped
// with a Skipped note. Compressed rotated copies are not read, with one
// exception: at a restart, when the file a saved Position was taken of is
// gone, or was truncated while stopped and no plain copy holds it, a gzip
// or zstd rotated copy whose decoded first bytes, and last bytes before
// Offset, are the ones recorded (logrotate's compress with delaycompress,
// rotated twice while stopped: app.log.2.gz; copytruncate with compress:
// app.log.1.gz) is decoded, and its lines after Offset are delivered
// before the generations after it (Offset counts uncompressed bytes). Other compressed copies
// found at a restart are reported (Skipped). Reading an archive once is
// what errtag without -f does.
//
// # Limits
//
//   - Data written to a rotated file more than RotateWait after its last
//     growth (or after the follower stopped) is not read by this
//     follower; a restart from a saved Position reads it (see Position.Read),
//     for the maxRead generations read most recently.
//   - Behind a slow receiver, at most maxQueue generations per name are
//     pinned, oldest first; the others are pinned from the directory once
//     those were read, and those deleted before that are lost (an Err
//     chunk says, once per name, that generations wait).
//   - At a restart, a compressed generation is decoded only when it holds
//     the saved Position's file; other compressed generations rotated
//     while stopped (compress without delaycompress) are reported, not
//     read; a generation moved to another directory (olddir) is not found;
//     the files a followed link led to while stopped are read only when
//     the old target is still in the new one's directory and the names
//     number them between the two (else an Err chunk says they are not).
//   - A hole not preceded by a truncation is delivered as the NUL bytes it
//     reads as; at Stop, the current generation's incomplete last line is
//     delivered only with Config.EndAtStop (otherwise a saved Position
//     resumes inside it).
//   - When a pinning limit (maxQueue for the name, or the one over all
//     files) is reached and a listing finds a generation ordered before
//     some queued for its name, the newest queued one not read from yet
//     is closed to pin the older one (it is found again at the name or in
//     the listing; one deleted meanwhile is lost, as above). Generations
//     ordered after one left unpinned wait for it; when none can be let
//     go that way, the name waits (without spinning) until another file's
//     generation is closed.
//   - A generation created and deleted before the follower notices it
//     (faster than a notification is handled; with polling, within one
//     PollInterval) cannot be read. Generations never seen at the name are
//     ordered as above: with a coarse file clock and names that do not
//     tell, two such generations may be misordered.
//   - A truncation refilled with the very same first bytes, before a copy
//     shows it, cannot be told from growth (timestamps at the start of a
//     log make that unlikely). At a restart, the last bytes delivered
//     before the saved Offset (Position.MarkSHA256) are checked too: only
//     a refill with the same first bytes and the same bytes there, and no
//     copy left, is taken for growth.
//   - A writer appending to a deleted file after it was released is not
//     read; a file moved to another directory is only followed by its
//     descriptor while it is current, and is not found at a restart.
//   - Descriptors: one per followed file, plus generations queued behind
//     it (at most 64 per name, 1024 beyond the followed files); inotify
//     watches: one per directory of a followed file or pattern.
//   - Birth times (inode reuse told apart) and holes need Linux; device and
//     inode identity needs a Unix.
package follow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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
	// KnownPatterns lists patterns (absolute, as Follower.Patterns
	// gives them) that a previous run followed: a file matching one of
	// them that has no entry in Resume appeared while errtag was stopped,
	// and is read from its start (not from its end, as a file present at
	// a first start is).
	KnownPatterns []string
	// StoppedAt is when the previous run saved its state last (the state
	// file's modification time, State.SavedAt): a file that appeared
	// while errtag was stopped (see KnownPatterns) is read with its
	// rotated copies modified since then, oldest first. Zero: all its
	// rotated copies.
	StoppedAt time.Time
	// WatchedSince is when the previous runs began to watch the known
	// patterns without a gap (State.Watched; zero if not known): a file
	// that appeared while errtag was stopped may have been created
	// before StoppedAt, in a run that stopped before it saw the file, and
	// its rotated copies modified since WatchedSince are read.
	WatchedSince time.Time
	// MaxLine is the longest line held whole; a longer one is delivered
	// in pieces (Part Piece and LastPiece) as it arrives. Zero means
	// 1 MiB.
	MaxLine int
	// MaxHeld bounds the bytes of unfinished last lines held over all
	// files: when they add up to more, the longest is delivered in
	// pieces, as a line longer than MaxLine is. Zero means twice MaxLine,
	// and at least 16 MiB; it is never less than MaxLine.
	MaxHeld int
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
	// RotateWait is how long a generation rotated away is read on after
	// the name moved to a newer file: a writer that keeps its descriptor
	// until it is told to reopen (logrotate's create with a postrotate
	// reload) goes on writing to it. It is read on, complete lines only,
	// until it has not grown for RotateWait; then its last line, if
	// incomplete, is delivered and it is closed. Zero means 5 s (tail's
	// --max-unchanged-stats at its default --sleep-interval).
	RotateWait time.Duration
	// Outputs are files the caller writes (by path: they may not exist
	// yet) and OutputFiles those it has open (its standard output): a
	// file that is one of them (same device and inode) is never
	// followed, which would read back what was written, growing without
	// end. New refuses a named file, or a file a pattern matches at
	// start, that is one (OutputError); one that a pattern matches later
	// is left out with an Output note.
	Outputs     []string
	OutputFiles []os.FileInfo
	// EndAtStop delivers, at Stop, the incomplete last line each file's
	// current generation ends with, when it was read to its end (the
	// end, for a line longer than MaxLine),
	// as tail -F prints it: without a terminator, and nothing more of
	// that file follows. Its Position is past that line, so a caller
	// that saves Positions for a restart leaves it off: a restart
	// resumes inside the line and delivers it whole when it is ended.
	EndAtStop bool

	// manual, in tests, replaces notifications and polling: the follower
	// checks its files once per receive.
	manual chan struct{}
	// parked, in tests with manual, is received from while the follower
	// waits for manual, and does nothing: a send on it returns once the
	// follower has finished the turn the last receive started.
	parked chan struct{}
	// atEOF, in tests, runs when a file was read to its end, before the
	// follower looks for rotation and truncation.
	atEOF func(name string)
	// listed, in tests, runs after each listing of a directory for
	// rotated copies.
	listed func()
	// pinned, in tests, replaces maxPinned.
	pinned int
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
	// Output: the file Source, matched by a pattern, is one of
	// Config.Outputs: it is not followed. Pos means nothing.
	Output
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
	case Output:
		return "output"
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
	return c.Source != "" && c.Err == nil && c.Note != Skipped && c.Note != NoMatch && c.Note != Output
}

// OutputError is returned by New for a file to follow that is one of
// Config.Outputs.
type OutputError struct {
	Name   string // the file, as given or as a pattern matched it
	Output string // the output it is
}

func (e *OutputError) Error() string {
	return fmt.Sprintf("%s: the output (%s): following it would read back what is written to it", e.Name, e.Output)
}

// outputOf names the output fi is ("" if none).
func (fl *Follower) outputOf(fi os.FileInfo) string {
	for _, o := range fl.cfg.OutputFiles {
		if o != nil && os.SameFile(o, fi) {
			return "standard output"
		}
	}
	for _, p := range fl.cfg.Outputs {
		if ofi, err := os.Stat(p); err == nil && os.SameFile(ofi, fi) {
			return "-o " + p
		}
	}
	return ""
}

// notACopy says that the file at path (fi), named like a rotated copy of
// f, is none: it is one of the caller's outputs, or a file that is
// followed by its own name (errtag -f app.log app-2.log), which is read as
// itself, never as another file's generation.
func (fl *Follower) notACopy(f *file, path string, fi os.FileInfo) bool {
	if fl.outputOf(fi) != "" {
		return true
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	for _, g := range fl.files {
		if g != f && !g.glob && (g.key == abs || g.target == path || g.target == abs) {
			return true
		}
	}
	return false
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
	// defaultRotateWait is Config.RotateWait's default.
	defaultRotateWait = 5 * time.Second
	// maxRetired bounds the generations of one name read on after a
	// rotation: beyond it the oldest is finished at once.
	maxRetired     = 16
	defaultMaxLine = 1 << 20
	defaultMaxHeld = 16 << 20
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
	// listed for a file's rotated copies (a safety net: notifications
	// and rotations list it at once); for many files in one directory,
	// less often (scanEvery for every 16 of them).
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
	started time.Time // on the file system's clock (fsNow), to compare with modification times
	// setChanged: files were added or released since followed was
	// stored.
	setChanged bool
	cwd        string
	// looked is closed once every file was looked at (tests wait for it
	// before writing what must be read as new).
	looked chan struct{}
	// followed holds the keys of the files followed (not released), as
	// of the end of the last turn once looked is closed: see Watching.
	followed atomic.Pointer[[]string]

	files    []*file          // followed, in the order found
	byKey    map[string]*file // by absolute path
	pats     []pattern
	gens     map[*gen]*file  // open generations, and whose they are
	byID     map[devIno]*gen // open generations by device and inode
	doneIDs  map[FileID]bool // generations read to their end, by anyone
	doneFIFO []FileID
	ignored  map[string]FileID // pattern matches not followed, by path
	// round numbers the looks at names and directories, in the order
	// they were made: what each proved is dated by it (see knownOlder).
	round    uint64
	pending  []Chunk // notes found while observing, sent at the next turn
	changed  bool    // files were added or removed: reindex
	idx      index
	lastPoll time.Time
	lastGlob time.Time
	pollAll  bool
	// polling: this turn looks at every file (pollAll was set when it
	// began); the safety listings of directories are due on such turns.
	polling bool
	// held counts the bytes of unfinished lines held (gen.pend) over all
	// generations; it may count more than there are (generations that
	// ended), never less, and is counted again when over Config.MaxHeld.
	held     int
	startErr error // a file matched at start that cannot be followed
	// finishing: generations read on after a rotation are being
	// finished, even while stopping.
	finishing bool
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
	if cfg.MaxHeld <= 0 {
		cfg.MaxHeld = max(2*cfg.MaxLine, defaultMaxHeld)
	}
	cfg.MaxHeld = max(cfg.MaxHeld, cfg.MaxLine)
	if cfg.RotateWait <= 0 {
		cfg.RotateWait = defaultRotateWait
	}
	if cfg.pinned <= 0 {
		cfg.pinned = maxPinned
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
		started: fsNow(),
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
		if fi, err := os.Stat(name); err == nil {
			if o := fl.outputOf(fi); o != "" {
				fl.closeAll()
				return nil, &OutputError{Name: name, Output: o}
			}
		}
		path := filepath.Clean(name)
		if fl.byKey[Key(path)] != nil {
			continue
		}
		fl.add(newFile(name, path, false))
	}
	fl.globStart()
	if fl.startErr != nil {
		fl.closeAll()
		return nil, fl.startErr
	}
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
	defer fl.endLines()
	defer fl.finishRetired()
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
		fl.pollAll, fl.polling = false, all
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
		if first || fl.setChanged {
			fl.setChanged = false
			keys := make([]string, 0, len(fl.files))
			for _, f := range fl.files {
				keys = append(keys, Key(f.name))
			}
			fl.followed.Store(&keys)
		}
		if first {
			first = false
			close(fl.looked)
		}
		if !busy && len(fl.pending) == 0 {
			fl.wait()
		}
	}
}

// endLines delivers, with Config.EndAtStop, the incomplete last lines the
// current generations hold.
func (fl *Follower) endLines() {
	if !fl.cfg.EndAtStop {
		return
	}
	for _, f := range fl.files {
		// Only a line the file ends inside: the end of a read that
		// stopped inside a line is not the end of the line.
		if g := f.cur; g != nil && !f.released && g.refresh() && g.readOff() >= g.size {
			if p, ok := g.rest(); ok {
				fl.deliver(f, g, []piece{p})
			}
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
		for {
			select {
			case <-fl.cfg.manual:
				fl.observeAll()
				fl.pollAll = true
			case <-fl.cfg.parked:
				continue
			case <-fl.stop:
			}
			return
		}
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
			if f.scanDue || fl.scanDue(f) {
				fl.scanSiblings(f, false)
			}
		}
	}
	if time.Since(fl.lastGlob) >= fl.cfg.PollInterval {
		fl.globScan()
	}
}

// scanDue reports whether f's directory is due a safety listing.
func (fl *Follower) scanDue(f *file) bool {
	n := max(1, len(fl.idx.bySibDir[f.dir])/16)
	return time.Since(f.lastScan) >= time.Duration(n)*scanEvery
}

// add starts following f.
func (fl *Follower) add(f *file) {
	if p, ok := fl.cfg.Resume[f.key]; ok {
		f.resume = &p
	}
	fl.files = append(fl.files, f)
	fl.byKey[f.key] = f
	f.dirty = true
	fl.changed, fl.setChanged = true, true
}

// dropReleased forgets the files released this turn.
func (fl *Follower) dropReleased() {
	n := 0
	for _, f := range fl.files {
		if f.released {
			if fl.byKey[f.key] == f {
				delete(fl.byKey, f.key)
			}
			fl.changed, fl.setChanged = true, true
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
