package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestImmutableRefusedUpFront: an immutable file (chattr +i) is a
// *ReplaceError at Create and CreateEntry, before anything is written,
// and no temporary file is made. Setting the flag needs root and a file
// system that has it; elsewhere the test skips.
func TestImmutableRefusedUpFront(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.log")
	if err := os.WriteFile(dest, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err == nil {
		err = unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags|fsImmutableFL))
	}
	f.Close()
	if err != nil {
		t.Skipf("cannot make a file immutable here (needs root and a file system with the flag): %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.Open(dest); err == nil {
			unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags))
			f.Close()
		}
	})
	for name, create := range map[string]func(string) (*File, error){"Create": Create, "CreateEntry": CreateEntry} {
		_, err := create(dest)
		var re *ReplaceError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("%s: %v, want a *ReplaceError saying the file is immutable", name, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files made: %v", left)
	}
}
