//go:build linux

package follow

import (
	"os"

	"golang.org/x/sys/unix"
)

// dataAfter is the offset of the first byte at or after off that was
// written (SEEK_DATA): more than off if off is in a hole. It returns off
// when it cannot tell, or when the hole runs to the end of the file.
func dataAfter(f *os.File, off int64) int64 {
	rc, err := f.SyscallConn()
	if err != nil {
		return off
	}
	data := off
	rc.Control(func(fd uintptr) {
		if d, err := unix.Seek(int(fd), off, unix.SEEK_DATA); err == nil {
			data = d
		}
	})
	return data
}
