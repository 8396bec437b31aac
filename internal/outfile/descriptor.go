package outfile

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

// fdPath matches the names Linux gives the process's open descriptors:
// /dev/fd/N, /proc/self/fd/N, /proc/thread-self/fd/N, /proc/PID/fd/N and
// /proc/PID/task/TID/fd/N (/dev/stdout and /dev/stderr are links to
// /proc/self/fd/1 and 2).
var fdPath = regexp.MustCompile(`^/(?:dev|proc/(self|thread-self|[0-9]+)(?:/task/[0-9]+)?)/fd/([0-9]+)$`)

// Descriptor reports whether dest names one of this process's open file
// descriptors (-o /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N,
// or a link to one), and which. Such a name is a descriptor the caller
// already holds, opened by the shell perhaps for appending or at an
// offset: it is written into, never replaced by a new file, nor reopened
// (reopening a file through /proc empties it and starts at its start).
func Descriptor(dest string) (fd int, ok bool) {
	p := dest
	for range maxLinks {
		abs, err := filepath.Abs(p)
		if err != nil {
			return 0, false
		}
		// The directory may be a link to /proc/self/fd (/dev/fd is).
		dir := filepath.Dir(abs)
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			dir = r
		}
		if fd, ok := fdOf(filepath.Join(dir, filepath.Base(abs))); ok {
			return fd, true
		}
		fi, err := os.Lstat(abs)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return 0, false
		}
		target, err := os.Readlink(abs)
		if err != nil {
			return 0, false
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(abs), target)
		}
		p = target
	}
	return 0, false
}

// fdOf returns the descriptor that path names, if it is one of this
// process's.
func fdOf(path string) (int, bool) {
	m := fdPath.FindStringSubmatch(path)
	if m == nil {
		return 0, false
	}
	if m[1] != "" && m[1] != "self" && m[1] != "thread-self" && m[1] != strconv.Itoa(os.Getpid()) {
		return 0, false // another process's
	}
	fd, err := strconv.Atoi(m[2])
	if err != nil {
		return 0, false
	}
	return fd, true
}
