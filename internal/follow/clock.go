package follow

import "time"

// writtenBefore reports whether a file whose modification time is mtime
// was last written before since, a time taken from fsNow or from another
// file's modification time. A modification time with no fraction of a
// second comes from a file system that keeps whole seconds (ext3's small
// inodes, HFS+): it is compared with since at that precision, so a file
// written in the second since falls in is not taken for older.
func writtenBefore(mtime, since time.Time) bool {
	if mtime.Nanosecond() == 0 {
		since = since.Truncate(time.Second)
	}
	return mtime.Before(since)
}
