//go:build unix

package outfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on f for as long as f is open in this
// process (flock: the kernel drops it when the process ends, however it
// ends).
func lock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// removeIfUnlocked removes path if nobody holds its lock, holding the lock
// while it does, and reports whether it did.
func removeIfUnlocked(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if lock(f) != nil {
		return false
	}
	return os.Remove(path) == nil
}

// processExists reports whether a process pid may exist: kill(pid, 0)
// succeeds, or fails for want of permission.
func processExists(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
