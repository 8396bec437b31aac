package input

import "golang.org/x/sys/unix"

// wakePipe makes the wake-up pipe, close-on-exec and non-blocking, in one
// call.
func wakePipe() ([2]int, error) {
	var p [2]int
	err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK)
	return p, err
}
