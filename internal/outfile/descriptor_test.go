package outfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// TestDescriptor: the names of this process's descriptors, and links to
// them, are descriptors; files and other processes' descriptors are not.
func TestDescriptor(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("Linux names")
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "out.log")
	if err := os.Symlink("/dev/stdout", link); err != nil {
		t.Skip(err)
	}
	fdDir := filepath.Join(dir, "fds")
	os.Symlink("/proc/self/fd", fdDir)
	plain := filepath.Join(dir, "plain.log")
	os.WriteFile(plain, nil, 0o644)
	for _, c := range []struct {
		name string
		fd   int
		ok   bool
	}{
		{"/dev/stdout", 1, true},
		{"/dev/stderr", 2, true},
		{"/dev/fd/1", 1, true},
		{"/dev/fd/7", 7, true},
		{"/proc/self/fd/1", 1, true},
		{"/proc/thread-self/fd/2", 2, true},
		{"/proc/" + strconv.Itoa(os.Getpid()) + "/fd/1", 1, true},
		{"/proc/1/fd/1", 0, false},
		{link, 1, true},
		{filepath.Join(fdDir, "2"), 2, true},
		{plain, 0, false},
		{filepath.Join(dir, "new.log"), 0, false},
		{"/dev/null", 0, false},
	} {
		fd, ok := Descriptor(c.name)
		if fd != c.fd || ok != c.ok {
			t.Errorf("%s: %d %v, want %d %v", c.name, fd, ok, c.fd, c.ok)
		}
	}
}
