//go:build unix

package follow

import (
	"os"
	"syscall"
)

// fileID returns the device and inode number of the file fi describes.
func fileID(fi os.FileInfo) (dev, ino uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	// Dev is int32 on darwin, uint64 on linux.
	return uint64(st.Dev), uint64(st.Ino), true
}
