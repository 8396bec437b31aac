// Package fsmsg says in plain words why a file errtag was given (a rules,
// catalog or config file) could not be read: "rules file missing.yaml: no
// such file", not Go's "rules: open missing.yaml: no such file or
// directory", whose operation and repeated name say nothing to a user.
package fsmsg

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// FileError is a file that could not be read: What it is ("rules file"),
// its Name as given, and the error (an *fs.PathError, usually).
type FileError struct {
	What string
	Name string
	Err  error
}

func (e *FileError) Error() string {
	if e == nil {
		return "a file could not be read"
	}
	return e.What + " " + Quote(e.Name) + ": " + Reason(e.Err)
}

// Unwrap returns the cause, nil if none.
func (e *FileError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Reason says why err happened to a file, without the operation or the
// file's name (the message around it names the file).
func Reason(err error) string {
	if err == nil {
		return "reason unknown"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var errno syscall.Errno
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &errno) && errno == syscall.EISDIR:
		return "is a directory, not a file"
	case errors.As(err, &errno) && errno == syscall.ENOTDIR:
		return "a part of its path is not a directory"
	case errors.As(err, &errno) && errno == syscall.ELOOP:
		return "its symbolic links go round in a loop"
	}
	return err.Error()
}

// Quote returns name as messages show it: quoted when it would not read
// as a name (empty, spaces at its ends, control characters, invalid
// UTF-8), as it is otherwise.
func Quote(name string) string {
	if name == "" || strings.TrimSpace(name) != name || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return strconv.Quote(name)
	}
	return name
}
