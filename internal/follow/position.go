package follow

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Position is where the reading of one followed file stands: which file
// (device, inode and, where recorded, birth time), how many of its bytes
// were delivered, and fingerprints of its first bytes and of the last bytes
// delivered. Offset is at the
// end of a delivered line, except inside a line longer than MaxLine
// (InLine), which is delivered in pieces.
//
// When a Position is given back in Config.Resume, the file at the name is
// checked against it:
//   - the same inode (and birth time, where both are known), and the same
//     device or, if the device number changed (a remount, another
//     container), the same first HeadLen bytes; at least Offset bytes, the
//     same first bytes and the same MarkLen bytes before Offset: reading
//     resumes at Offset;
//   - the same file, but fewer bytes, other first bytes or other bytes
//     before Offset (truncated, or truncated and refilled, while stopped:
//     refilled with the same first bytes, a banner line longer than the
//     head, but not the same bytes before Offset), or a rotated copy made
//     since that starts with the same first bytes, reaches Offset and is
//     not held by the file (copytruncate, refilled past Offset with the
//     same first bytes and the same bytes before Offset): the lines after
//     Offset are recovered from the oldest copy in the directory that has
//     the same first bytes and the same bytes before Offset (copytruncate;
//     decoded, when the only such copy is gzip or zstd: copytruncate with
//     compress), other copies made since are read whole, oldest first,
//     then the file is read from 0;
//   - another file (rotated while stopped): the old file is looked for in
//     the directory under any name and, if found, is finished from Offset;
//     generations rotated after it (modified at MTime or later, not in
//     Read) are read whole, oldest first; then the file at the name is read
//     from 0. When the old file is found under a rotated name, only names
//     of its scheme count as generations (found as app.log.3: app.log.N
//     and app.log-DATE, not app-2.log; found as app.3.log: app.N.log, not
//     app-2.log; see schemeOf).
//
// Before any of that, the generations in Read that are still in the
// directory with the same identity and first bytes, and that have grown
// past their Offset (a writer's late lines, after the read-on or while
// stopped), are read from their Offset, in the order they were read; the
// others in Read are not read again. Entries of Read whose file is gone,
// or holds other first bytes (a reused inode), are dropped: the file is
// another one.
//
// At Offset 0 (nothing delivered yet; the zero Position means "no file
// yet": none at the name), there are no first bytes to recognise a copy
// by, and none is needed: every rotated copy modified at MTime or later
// (for the zero Position, since Config.StoppedAt) and not in Read holds
// only lines not delivered. The compressed ones are decoded whole, then
// the plain ones read whole, each oldest first, then the file at the name
// is read from its start.
type Position struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
	// BTime is the file's creation time (ns since the epoch), 0 where
	// the file system does not record it.
	BTime  int64 `json:"btime_ns,omitempty"`
	Offset int64 `json:"offset"`
	// HeadLen is how many of the file's first bytes HeadSHA256 covers:
	// min(Offset, 1024).
	HeadLen int `json:"head_len"`
	// HeadSHA256 is the hex SHA-256 of those bytes ("" when HeadLen is 0).
	HeadSHA256 string `json:"head_sha256"`
	// MarkLen is how many of the last bytes delivered before Offset
	// MarkSHA256 covers: min(Offset, 1024), fewer where fewer were seen
	// (0 in state files of version 4 and before: not checked).
	MarkLen int `json:"mark_len,omitempty"`
	// MarkSHA256 is the hex SHA-256 of those bytes ("" when MarkLen is
	// 0). A file with the same identity, first bytes and length that no
	// longer holds them before Offset was truncated and written again.
	MarkSHA256 string `json:"mark_sha256,omitempty"`
	// MTime is the file's modification time (ns since the epoch) when
	// last looked at: generations rotated after this one were modified
	// at this time or later.
	MTime int64 `json:"mtime_ns,omitempty"`
	// InLine says Offset is inside a line longer than MaxLine, whose
	// first pieces were delivered.
	InLine bool `json:"in_line,omitempty"`
	// Read lists the generations of this name read (wholly or in part)
	// or passed over (Unread) before this one, oldest first: the most
	// recent maxRead. They are never read again from their start.
	Read []ReadGen `json:"read,omitempty"`
	// Done, in version 3 state files, listed generations read to their
	// end whose modification time is MTime too: not to be read again.
	// It is read, not written (Read says more).
	Done []FileID `json:"done,omitempty"`
}

// ReadGen is a generation that was read, or passed over, before the one
// a Position is taken of.
type ReadGen struct {
	FileID
	// Offset is how many of its bytes were delivered; for an Unread
	// one, its size when it was passed over.
	Offset int64 `json:"offset"`
	// Head is the first 16 hex digits of the SHA-256 of its first
	// min(Offset, 1024) bytes ("" when Offset is 0): a file with the
	// same identity and other first bytes is another file (a reused
	// inode).
	Head string `json:"head,omitempty"`
	// Unread: passed over, not read (a rotated copy there when
	// following began, a compressed one, a copy holding nothing new):
	// what it gains later is not read either.
	Unread bool `json:"unread,omitempty"`
}

// FileID names a file: device, inode, and birth time where known.
type FileID struct {
	Dev   uint64 `json:"dev"`
	Ino   uint64 `json:"ino"`
	BTime int64  `json:"btime_ns,omitempty"`
}

// IsZero reports whether p is the zero Position ("no file yet").
func (p Position) IsZero() bool {
	return p.Dev == 0 && p.Ino == 0 && p.Offset == 0 && p.HeadLen == 0 && p.MTime == 0 && !p.InLine
}

const (
	headMax = 1024 // first bytes kept to recognise a file and its truncation
	// markMax is how many of the last bytes delivered are kept to check
	// a copytruncate copy and a refilled file: a kilobyte holds several
	// lines, so lines that all end alike (JSON logs) still differ in it.
	markMax = 1024
	maxDone = 16 // Position.Done entries kept (version 3)
	maxRead = 64 // Position.Read entries kept
	headKey = 16 // hex digits of ReadGen.Head
)

// validate reports what is wrong with a Position read from a state file.
func (p Position) validate() error {
	switch {
	case p.Offset < 0:
		return fmt.Errorf("offset %d is negative", p.Offset)
	case p.HeadLen < 0 || p.HeadLen > headMax:
		return fmt.Errorf("head_len %d is not between 0 and %d", p.HeadLen, headMax)
	case int64(p.HeadLen) > p.Offset:
		return fmt.Errorf("head_len %d is more than offset %d", p.HeadLen, p.Offset)
	case p.HeadLen == 0 && p.HeadSHA256 != "":
		return fmt.Errorf("head_sha256 given for head_len 0")
	case p.HeadLen > 0 && !isSHA256(p.HeadSHA256):
		return fmt.Errorf("head_sha256 %q is not a hex SHA-256", p.HeadSHA256)
	case p.MarkLen < 0 || p.MarkLen > markMax:
		return fmt.Errorf("mark_len %d is not between 0 and %d", p.MarkLen, markMax)
	case int64(p.MarkLen) > p.Offset:
		return fmt.Errorf("mark_len %d is more than offset %d", p.MarkLen, p.Offset)
	case p.MarkLen == 0 && p.MarkSHA256 != "":
		return fmt.Errorf("mark_sha256 given for mark_len 0")
	case p.MarkLen > 0 && !isSHA256(p.MarkSHA256):
		return fmt.Errorf("mark_sha256 %q is not a hex SHA-256", p.MarkSHA256)
	case len(p.Done) > 4*maxDone:
		return fmt.Errorf("%d done entries (at most %d)", len(p.Done), 4*maxDone)
	case len(p.Read) > 4*maxRead:
		return fmt.Errorf("%d read entries (at most %d)", len(p.Read), 4*maxRead)
	}
	for _, r := range p.Read {
		switch {
		case r.Offset < 0:
			return fmt.Errorf("read entry of inode %d: offset %d is negative", r.Ino, r.Offset)
		case (r.Offset == 0) != (r.Head == ""):
			return fmt.Errorf("read entry of inode %d: head %q does not fit offset %d", r.Ino, r.Head, r.Offset)
		case r.Head != "" && !isHex(r.Head, headKey):
			return fmt.Errorf("read entry of inode %d: head %q is not %d hex digits", r.Ino, r.Head, headKey)
		}
	}
	return nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// headKeyOf is ReadGen.Head for b, a file's first min(offset, headMax)
// bytes.
func headKeyOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return sum(b)[:headKey]
}

func isSHA256(s string) bool { return isHex(s, 64) }

func sum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// headSum is the fingerprint of f's first n bytes ("-" if it has fewer).
func headSum(f *os.File, n int) string {
	if n < 0 || n > headMax {
		return "-"
	}
	b := make([]byte, n)
	if !readFull(f, b, 0) {
		return "-"
	}
	return sum(b)
}

// markIntact reports whether f still holds, just before p.Offset, the
// last bytes delivered from it (p.MarkLen of them; true when none were
// recorded).
func markIntact(f *os.File, p Position) bool {
	if p.MarkLen == 0 {
		return true
	}
	b := make([]byte, p.MarkLen)
	return readFull(f, b, p.Offset-int64(p.MarkLen)) && sum(b) == p.MarkSHA256
}

// Key is the key under which a followed name is kept in a State and in
// Config.Resume: its absolute path.
func Key(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}
