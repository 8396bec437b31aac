//go:build !unix

package follow

import "os"

// fileID has no device and inode number to give on this platform. Live
// following still tells files apart with os.SameFile; a saved Position is
// then recognised by its first bytes (Position.HeadSHA256) alone, and a
// rotated file cannot be found again by identity after a restart.
func fileID(fi os.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }
