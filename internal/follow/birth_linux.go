//go:build linux

package follow

import (
	"os"

	"golang.org/x/sys/unix"
)

// birthTime is the creation time of the open file f in nanoseconds since
// the epoch, or 0 where the file system does not record it. Together with
// the inode number it tells a file from a later one that reuses the
// number, and it orders generations found in a directory.
func birthTime(f *os.File) int64 {
	var st unix.Statx_t
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	var serr error
	rc.Control(func(fd uintptr) {
		serr = unix.Statx(int(fd), "", unix.AT_EMPTY_PATH|unix.AT_STATX_SYNC_AS_STAT, unix.STATX_BTIME, &st)
	})
	if serr != nil || st.Mask&unix.STATX_BTIME == 0 {
		return 0
	}
	return st.Btime.Sec*1e9 + int64(st.Btime.Nsec)
}

// birthTimeAt is birthTime of the file at path (following symlinks, as
// os.Stat does): a directory listing orders the rotated copies it finds by
// the same times as the generations already open.
func birthTimeAt(path string) int64 {
	var st unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, path, unix.AT_STATX_SYNC_AS_STAT, unix.STATX_BTIME, &st)
	if err != nil || st.Mask&unix.STATX_BTIME == 0 {
		return 0
	}
	return st.Btime.Sec*1e9 + int64(st.Btime.Nsec)
}
