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
)

// File is an output being written to a temporary file. Its methods are
// safe for concurrent use: Abort may be called while another goroutine
// writes, and then wins over a later Commit.
type File struct {
	*os.File        // the temporary file
	dest     string // where Commit puts it, links resolved
	mu       sync.Mutex
	done     bool // committed or aborted
}

// Dest is the path the output is committed to: the destination given to
// Create, or the file it is a symbolic link to.
func (f *File) Dest() string { return f.dest }

// Resolve returns the file that dest names: dest, or the file it is a
// symbolic link to.
func Resolve(dest string) string {
	if r, err := filepath.EvalSymlinks(dest); err == nil {
		return r
	}
	return dest
}

// Create starts an output for dest. When dest is a symbolic link, the
// output replaces the file it points to and the link is kept, as a shell
// redirection would. The temporary file gets dest's permissions if dest
// exists, and otherwise 0666 less the umask, as any file a tool creates.
func Create(dest string) (*File, error) {
	dest = Resolve(dest)
	var keep *fs.FileMode // an existing destination's permissions
	if fi, err := os.Stat(dest); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", dest)
		}
		perm := fi.Mode().Perm()
		keep = &perm
	}
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
			return nil, fmt.Errorf("cannot create a file in %s: %w", dir, err)
		}
		if err := lock(tf); err != nil {
			tf.Close()
			os.Remove(name)
			return nil, fmt.Errorf("locking %s: %w", name, err)
		}
		if keep != nil {
			// A new file got 0666 less the umask; an existing
			// destination's permissions are kept instead.
			if err := tf.Chmod(*keep); err != nil {
				tf.Close()
				os.Remove(name)
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		return &File{File: tf, dest: dest}, nil
	}
	return nil, fmt.Errorf("cannot create a file in %s: no free name", dir)
}

// Commit makes the output the destination: it syncs and closes the
// temporary file and renames it over the destination. If the output was
// aborted, Commit does nothing and says so.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return fmt.Errorf("%s: output abandoned", f.dest)
	}
	f.done = true
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.File.Name(), f.dest)
	}
	if err != nil {
		os.Remove(f.File.Name())
		return err
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
