//go:build unix && !linux

package input

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// wakePipe makes the wake-up pipe, close-on-exec and non-blocking. macOS
// has no pipe2(2): the flags are set after, under the fork lock, so that
// no child started meanwhile inherits the pipe.
func wakePipe() ([2]int, error) {
	var p [2]int
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(p[:]); err != nil {
		return p, err
	}
	for _, fd := range p {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(p[0])
			unix.Close(p[1])
			return p, err
		}
	}
	return p, nil
}
