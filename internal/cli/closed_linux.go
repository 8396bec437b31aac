package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// kcmpFile is kcmp(2)'s KCMP_FILE: do two descriptors share one open file
// description?
const kcmpFile = 0

// stdoutClosed reports whether f (standard output) is what the Go runtime
// puts in place of a standard descriptor that was closed at exec: the null
// device, opened for reading and writing, in a file description of its own.
//
// A shell's > /dev/null opens it write-only, so it is not taken for closed.
// A parent that gives /dev/null read-write on purpose nearly always gives
// one description to several descriptors: daemon(3) and
// subprocess.run(..., stdin=DEVNULL, stdout=DEVNULL) dup one open of
// /dev/null onto 0, 1 and 2, or 0 and 1, and kcmp(2) sees them shared,
// while the runtime opens a new description for each closed descriptor.
// What remains indistinguishable (standard output alone on a read-write
// /dev/null, as subprocess.DEVNULL for stdout only) is taken for closed:
// a spurious error that says how to discard on purpose is better than
// output lost without one.
func stdoutClosed(f *os.File) bool {
	var null unix.Stat_t
	if unix.Stat(os.DevNull, &null) != nil {
		return false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	rc.Control(func(fd uintptr) {
		if !isNullRW(int(fd), null.Rdev) {
			return
		}
		pid := uintptr(os.Getpid())
		for _, other := range []uintptr{0, 2} {
			if other == fd {
				continue
			}
			r, _, errno := unix.Syscall6(unix.SYS_KCMP, pid, pid, kcmpFile, fd, other, 0)
			switch {
			case errno == 0 && r == 0:
				return // shares its description: given on purpose
			case errno != 0 && isNullRW(int(other), null.Rdev):
				// No kcmp (a seccomp profile may forbid it): another
				// standard descriptor on read-write /dev/null too is
				// taken as daemon(3)'s doing.
				return
			}
		}
		closed = true
	})
	return closed
}

// isNullRW reports whether descriptor fd is the null device (rdev) opened
// for reading and writing.
func isNullRW(fd int, rdev uint64) bool {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != rdev {
		return false
	}
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	return err == nil && fl&unix.O_ACCMODE == unix.O_RDWR
}
