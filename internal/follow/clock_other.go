//go:build !linux

package follow

import "time"

// fsNow is the time as the file system would stamp a file written now.
// Systems that stamp files from a coarse clock are allowed a tick.
func fsNow() time.Time { return time.Now().Add(-10 * time.Millisecond) }
