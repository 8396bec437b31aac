package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestErrorsNilSafe: every error type of the package says something and
// unwraps to nil when it is a nil pointer or has no cause, never panics.
// (A nil *DirError's Unwrap panicked in --out-dir's handling of a full
// disk.)
func TestErrorsNilSafe(t *testing.T) {
	t.Parallel()
	for _, err := range []interface {
		error
	}{
		(*DirError)(nil), &DirError{Dir: "d"},
		(*ReplaceError)(nil), &ReplaceError{Dest: "f"},
		(*NotRegularError)(nil), &LinkLoopError{},
	} {
		if err.Error() == "" {
			t.Errorf("%T: empty message", err)
		}
		if u := errors.Unwrap(err); u != nil {
			t.Errorf("%T: unwraps to %v", err, u)
		}
	}
}

// TestCommitReplaceError: a rename that fails at Commit (here a directory
// put in the destination's place meanwhile) is a *ReplaceError naming the
// destination and the reason in plain words; the temporary file is
// removed and what is there is left as it was.
func TestCommitReplaceError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.log")
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x\n")
	if err := os.MkdirAll(filepath.Join(dest, "keep"), 0o777); err != nil {
		t.Fatal(err)
	}
	err = f.Commit()
	var re *ReplaceError
	if !errors.As(err, &re) || re.Dest != dest {
		t.Fatalf("Commit: %v (%T)", err, err)
	}
	if msg := err.Error(); strings.Contains(msg, ".tmp") || strings.Contains(msg, "rename") || !strings.Contains(msg, "a directory is there") {
		t.Errorf("message %q: want the destination and the reason, no temporary file or operation", msg)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := os.Stat(filepath.Join(dest, "keep")); err != nil {
		t.Errorf("the directory was touched: %v", err)
	}
}

// TestReplaceReasons: each errno a rename gives has its plain reason.
func TestReplaceReasons(t *testing.T) {
	t.Parallel()
	for errno, want := range map[syscall.Errno]string{
		syscall.EPERM:  "does not permit",
		syscall.EBUSY:  "mount point",
		syscall.EISDIR: "directory",
		syscall.EROFS:  "read-only",
	} {
		if got := (&ReplaceError{Dest: "f", Err: errno}).Reason(); !strings.Contains(got, want) {
			t.Errorf("%v: %q, want %q in it", errno, got, want)
		}
	}
}
