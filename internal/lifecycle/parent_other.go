//go:build !linux

package lifecycle

import (
	"os"
	"time"
)

// watchParent delivers SIGTERM on ch when errtag's parent dies, by polling
// os.Getppid once a second: on Unix an orphan is reparented (to init or a
// subreaper), so a changed parent pid means the parent is gone. See
// parent.go for why and when. On Windows the parent pid never changes, so
// only the closed-output check (WatchOutput) applies there.
func watchParent(ch chan<- os.Signal) (stop func()) {
	if !parentWatchWanted() {
		return func() {}
	}
	return pollParent(ch, os.Getppid(), os.Getppid, time.Second)
}
