// Package lifecycle is what the errtag process does besides running its
// command: it turns the signals that stop errtag into a channel, ends errtag
// when its parent dies or its output's reader goes, and sets Go's memory
// limit. The process entry point (cmd/errtag) sets these up and hands the
// channel and functions to the command (internal/cli), which never touches
// process-wide state itself, so that tests can run it in-process.
package lifecycle

import (
	"os"
	"os/signal"
	"syscall"
)

// Signals starts delivering the signals that stop errtag on the returned
// channel: SIGINT, SIGTERM and SIGHUP, and SIGTERM when errtag's parent
// dies (see parent.go). A signal that errtag was started with ignored
// (nohup ignores SIGHUP, a shell's background job SIGINT) stays ignored.
// SIGPIPE is caught too, and never delivered, so that a write to a pipe
// whose reader has gone fails with EPIPE instead of killing errtag.
//
// The first signal asks the command to write what it has read and end; a
// second one, to end at once. stop undoes what can be undone.
func Signals() (sigs <-chan os.Signal, stop func()) {
	ch := make(chan os.Signal, 4)
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			signal.Notify(ch, s)
		}
	}
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	unwatch := watchParent(ch)
	return ch, func() {
		unwatch()
		signal.Stop(ch)
	}
}
