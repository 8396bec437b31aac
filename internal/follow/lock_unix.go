//go:build unix

package follow

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockState takes an exclusive flock on path+".lock" (created if needed;
// left in place afterwards, since removing it would race with another
// process taking it). The holder's process id is written in it, for the
// message a second process gets.
func lockState(path string) (*os.File, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking the state file: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			who := "another process"
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b[:n]))); perr == nil && pid > 0 {
				who = fmt.Sprintf("process %d", pid)
			}
			return nil, fmt.Errorf("%s: %w (%s holds %s): two followers cannot share a state file; give each its own --state",
				path, ErrStateLocked, who, name)
		}
		return nil, fmt.Errorf("locking the state file %s: %w", name, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}

func unlockState(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Close() // closing the descriptor releases the flock
}
