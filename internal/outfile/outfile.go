// Package outfile writes an output file so that it is never seen half
// written: the bytes go to a temporary file beside the destination, which
// is renamed over the destination when the output is complete (Commit), or
// removed, leaving the destination as it was (Abort).
//
// A temporary file is named .NAME.errtag-PID-RANDOM.tmp, after the
// destination's NAME and the writing process, and is locked (flock) while
// it is written. A run killed outright (SIGKILL, a crash) leaves it behind;
// RemoveStale, called by a later run before it writes there, removes such
// leftovers when both say their writer is gone: the process PID does not
// exist, and the lock can be taken.
package outfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/errtag/errtag/internal/fsmsg"
)

// File is an output being written to a temporary file. Its methods are
// safe for concurrent use: Abort may be called while another goroutine
// writes, and then wins over a later Commit.
type File struct {
	*os.File        // the temporary file
	dest     string // where Commit puts it, links resolved
	// mode, when the destination existed, is its mode, set again at
	// Commit when it has the setuid, setgid or sticky bit (writing the
	// file may clear them).
	mode fs.FileMode
	mu   sync.Mutex
	done bool // committed or aborted
}

// Dest is the path the output is committed to: the destination given to
// Create, or the file it is a symbolic link to.
func (f *File) Dest() string { return f.dest }

// maxLinks is how many symbolic links Resolve follows, as the kernel does
// (40), before it calls them a loop.
const maxLinks = 40

// LinkLoopError is a destination whose symbolic links lead round in a
// loop, or through more links than a path may: it names no file to write.
type LinkLoopError struct{ Dest string }

func (e *LinkLoopError) Error() string {
	return "its symbolic links go round in a loop (or through more than 40 links): they name no file to write"
}

// Resolve returns the file that dest names: dest, or the file its symbolic
// links lead to, whether that file exists or not (a dangling link names
// the file to create). Links in dest's directories are resolved too, as
// far as they exist. Links that lead round in a loop are a *LinkLoopError.
func Resolve(dest string) (string, error) {
	p := dest
	for range maxLinks {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				if errors.Is(err, syscall.ELOOP) {
					return "", &LinkLoopError{Dest: dest}
				}
				return p, nil // Create says what is wrong
			}
			if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
				p = filepath.Join(dir, filepath.Base(p))
			} else if errors.Is(err, syscall.ELOOP) {
				return "", &LinkLoopError{Dest: dest}
			}
			return p, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return p, nil
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	return "", &LinkLoopError{Dest: dest}
}

// Create starts an output for dest. When dest is a symbolic link, the
// output replaces the file it leads to and the link is kept, as a shell
// redirection would; a dangling link's file is created. The temporary
// file gets dest's permissions, owner and group if dest exists (as far as
// the process may give them: see keepOwner), and otherwise 0666 less the
// umask, as any file a tool creates. A dest that no rename could replace
// (a file mounted over, an immutable file: see checkReplaceable) is a
// *ReplaceError, before anything is written.
func Create(dest string) (*File, error) {
	target, err := Resolve(dest)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(target)
	if err != nil {
		fi = nil
	} else if !fi.Mode().IsRegular() {
		return nil, notRegular(target, fi)
	} else if err := checkReplaceable(target, fi); err != nil {
		return nil, err
	}
	return create(target, fi)
}

// CreateEntry starts an output for the directory entry dest, never
// following a symbolic link there: Commit replaces the entry, whatever it
// is (a link, or a file), with the output, so that a link planted in an
// output directory cannot lead the output elsewhere. An existing regular
// file's permissions, owner and group are kept as by Create; a directory
// is an error.
func CreateEntry(dest string) (*File, error) {
	fi, err := os.Lstat(dest)
	switch {
	case err != nil:
		fi = nil
	case fi.IsDir():
		return nil, notRegular(dest, fi)
	case !fi.Mode().IsRegular():
		fi = nil // replaced; nothing of it to keep
	default:
		if err := checkReplaceable(dest, fi); err != nil {
			return nil, err
		}
	}
	return create(dest, fi)
}

// NotRegularError is a destination that is not a file errtag can replace:
// a directory, say.
type NotRegularError struct {
	Dest string
	What string // "a directory", "a FIFO", ...
}

func (e *NotRegularError) Error() string {
	if e == nil {
		return "not a file"
	}
	return fsmsg.Quote(e.Dest) + " is " + e.What + ", not a file"
}

func notRegular(dest string, fi fs.FileInfo) error {
	what := "not a regular file"
	switch m := fi.Mode(); {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return &NotRegularError{Dest: dest, What: what}
}

// create makes the temporary file for dest, whose FileInfo existing is,
// when it exists.
func create(dest string, existing fs.FileInfo) (*File, error) {
	dir, base := filepath.Dir(dest), filepath.Base(dest)
	for range 10 {
		name := filepath.Join(dir, tempName(base, os.Getpid(), randomSuffix()))
		tf, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the temporary file's name says nothing
			}
			if errors.Is(err, fs.ErrNotExist) {
				if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
					// The directory is there, but its file system
					// makes no new files (/proc, /sys).
					err = errNoNewFiles
				}
			}
			return nil, &DirError{Dir: dir, Err: err}
		}
		if err := lock(tf); err != nil {
			tf.Close()
			os.Remove(name)
			return nil, fmt.Errorf("locking %s: %w", name, err)
		}
		f := &File{File: tf, dest: dest}
		if existing != nil {
			// A new file got 0666 less the umask; an existing
			// destination's owner, group and permissions are kept
			// instead.
			f.mode = keepOwner(tf, existing)
			if err := tf.Chmod(f.mode &^ (fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
				tf.Close()
				os.Remove(name)
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		return f, nil
	}
	return nil, &DirError{Dir: dir, Err: errors.New("no free name for a temporary file")}
}

// errNoNewFiles is a directory whose file system refuses to create files
// in it although it exists (/proc, /sys say "no such file").
var errNoNewFiles = errors.New("its file system does not let new files be made there (as /proc and /sys do not), and the output is written to a new file that replaces the old")

// DirError is a temporary file that could not be made in Dir: it says
// nothing of one output, everything of the directory (read-only,
// missing, full).
type DirError struct {
	Dir string
	Err error
}

func (e *DirError) Error() string {
	if e == nil {
		return "cannot create a file"
	}
	return "cannot create a file in " + fsmsg.Quote(e.Dir) + ": " + reason(e.Err)
}

// Unwrap returns the cause, nil if none (a nil *DirError has none).
func (e *DirError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// ReplaceError is an output written in full that could not take its
// destination's place (the rename failed: an immutable file, a sticky
// directory and a file of another user's, a file mounted over), or a
// destination known before anything is written to be one that cannot be
// replaced. The destination is left as it was.
type ReplaceError struct {
	Dest string
	Err  error
}

func (e *ReplaceError) Error() string {
	if e == nil {
		return "cannot replace the file"
	}
	return "cannot replace " + fsmsg.Quote(e.Dest) + ": " + e.Reason()
}

// Reason says in plain words why the destination could not be replaced,
// without naming it.
func (e *ReplaceError) Reason() string {
	if e == nil || e.Err == nil {
		return "reason unknown"
	}
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		switch errno {
		case syscall.EPERM:
			return "the system does not permit it (the file is immutable or append-only, or its directory is sticky and the file is another user's)"
		case syscall.EACCES:
			return "permission denied (its directory cannot be written)"
		case syscall.EBUSY:
			return "it is a mount point (a file mounted over it, as containers do with single files), which only unmounting can replace"
		case syscall.EISDIR, syscall.EEXIST, syscall.ENOTEMPTY:
			// os.Rename says EEXIST for a directory in the way.
			return "a directory is there now"
		case syscall.EROFS:
			return "the file system is read-only"
		case syscall.EXDEV:
			return "it is on another file system than its directory"
		}
	}
	return reason(e.Err)
}

// Unwrap returns the cause, nil if none.
func (e *ReplaceError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// reason is err in plain words, without the operation or a temporary
// file's name (the messages around it name the destination).
func reason(err error) string {
	if err == nil {
		return "reason unknown"
	}
	return fsmsg.Reason(err)
}

// Commit makes the output the destination: it syncs and closes the
// temporary file and renames it over the destination. If the output was
// aborted, Commit does nothing and says so. A failure to sync or close is
// a write error (a full disk); a failure to rename is a *ReplaceError.
// Either way the temporary file is removed and the destination left as it
// was.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return fmt.Errorf("%s: output abandoned", f.dest)
	}
	f.done = true
	err := f.File.Sync()
	if err == nil && f.mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
		// Writing cleared them (the kernel does for a writer without
		// CAP_FSETID); where the owner could not be kept, keepOwner
		// has dropped them.
		err = f.File.Chmod(f.mode)
	}
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.File.Name())
		return err
	}
	if err := os.Rename(f.File.Name(), f.dest); err != nil {
		os.Remove(f.File.Name())
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err // the temporary file's name says nothing
		}
		return &ReplaceError{Dest: f.dest, Err: err}
	}
	return nil
}

// Abort removes the temporary file, leaving the destination as it was, and
// reports whether it did: it does nothing after Commit or a first Abort.
// The file is removed before it is closed, so that a writer blocked on it
// cannot hold Abort up.
func (f *File) Abort() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return false
	}
	f.done = true
	os.Remove(f.File.Name())
	go f.File.Close()
	return true
}

// tempName is the name of a temporary file for base, written by pid.
func tempName(base string, pid int, suffix string) string {
	return "." + base + ".errtag-" + strconv.Itoa(pid) + "-" + suffix + ".tmp"
}

// parseTempName returns the destination's base name and the pid in name,
// a temporary file's name, or false if name is not one.
func parseTempName(name string) (base string, pid int, ok bool) {
	rest, ok := strings.CutSuffix(name, ".tmp")
	if !ok || !strings.HasPrefix(rest, ".") {
		return "", 0, false
	}
	i := strings.LastIndex(rest, ".errtag-")
	if i < 1 {
		return "", 0, false
	}
	base = rest[1:i]
	pidStr, suffix, ok := strings.Cut(rest[i+len(".errtag-"):], "-")
	if !ok || len(suffix) != 12 || strings.Trim(suffix, "0123456789abcdef") != "" {
		return "", 0, false
	}
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return base, pid, true
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RemoveStale removes the temporary files for destination base in dir
// (for any destination if base is "") that were left by runs that are gone:
// their process does not exist, and their lock is free. It returns the
// paths it removed. Errors are ignored: a leftover that cannot be removed
// is no worse than before.
func RemoveStale(dir, base string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, de := range entries {
		b, pid, ok := parseTempName(de.Name())
		if !ok || (base != "" && b != base) || !de.Type().IsRegular() || processExists(pid) {
			continue
		}
		path := filepath.Join(dir, de.Name())
		if removeIfUnlocked(path) {
			removed = append(removed, path)
		}
	}
	return removed
}
