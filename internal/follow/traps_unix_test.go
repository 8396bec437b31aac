//go:build unix

package follow

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWritesNothingOfItsOwn: tail logs to stderr unless given a logger, and
// its watch package logs there whatever it is given. The follower writes
// nothing to file descriptors 1 and 2 (redirected here, so that a logger
// holding its own *os.File is caught too) through waiting, rotation,
// truncation and an error.
func TestWritesNothingOfItsOwn(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := map[int]int{}
	for _, fd := range []int{1, 2} {
		if saved[fd], err = syscall.Dup(fd); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Dup2(int(w.Fd()), fd); err != nil {
			t.Fatal(err)
		}
	}
	restore := func() {
		for fd, s := range saved {
			syscall.Dup2(s, fd)
			syscall.Close(s)
		}
		saved = nil
	}
	defer func() {
		if saved != nil {
			restore()
		}
	}()

	c := start(t, Config{Files: []string{p, filepath.Join(dir, "file", "x.log")}})
	write(t, filepath.Join(dir, "file"), "")
	waitOpened(t, c)
	write(t, p, "1\n") // created after start
	c.waitText(t, p, "1\n")
	rename(t, p, p+".1")
	write(t, p, "2\n")
	c.waitText(t, p, "1\n2\n")
	copyFile(t, p, p+".2")
	write(t, p, "3 refilled\n")
	c.waitText(t, p, "1\n2\n3 refilled\n")
	c.fl.Close()

	restore()
	w.Close()
	out, _ := io.ReadAll(r)
	if len(out) > 0 {
		t.Errorf("the follower wrote %q", out)
	}
}

func syscallMkfifo(p string) error { return syscall.Mkfifo(p, 0o644) }
