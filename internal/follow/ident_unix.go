//go:build unix

package follow

import (
	"os"
	"syscall"
)

// statID returns the device and inode number of the file fi describes, and
// its link count (0 once it was deleted).
func statID(fi os.FileInfo) (dev, ino, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 1, false
	}
	// Dev is int32 on darwin, uint64 on linux; Nlink is uint16 on darwin.
	return uint64(st.Dev), uint64(st.Ino), uint64(st.Nlink), true
}
