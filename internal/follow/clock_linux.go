//go:build linux

package follow

import (
	"time"

	"golang.org/x/sys/unix"
)

// fsNow is the time as the file system would stamp a file written now.
// Linux stamps files from its coarse clock, up to a tick (1 to 10 ms)
// behind time.Now: a file written just after time.Now can carry an earlier
// modification time, and was taken for one written before the follower
// started (the lines rotated away before it first saw the file were lost).
func fsNow() time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_REALTIME_COARSE, &ts); err != nil {
		return time.Now()
	}
	return time.Unix(ts.Unix())
}
