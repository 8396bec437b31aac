//go:build unix

package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// stdoutClosed reports whether f is the null device opened for reading and
// writing, as the Go runtime opens it in place of a closed standard
// descriptor. A shell's > /dev/null opens it for writing only.
func stdoutClosed(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var null unix.Stat_t
	if unix.Stat(os.DevNull, &null) != nil {
		return false
	}
	closed := false
	rc.Control(func(fd uintptr) {
		var st unix.Stat_t
		if unix.Fstat(int(fd), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != null.Rdev {
			return
		}
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		closed = err == nil && fl&unix.O_ACCMODE == unix.O_RDWR
	})
	return closed
}
