package lifecycle

import (
	"os"
	"strings"
	"syscall"
	"time"
)

// Ending with the parent.
//
// Log shippers run errtag as a child that writes to a pipe they read
// (Fluent Bit's exec input, Vector's exec source, Fluentd's exec_filter,
// Logstash's pipe input). Not all of them stop it when they stop: Fluent Bit
// neither sends SIGTERM on shutdown nor kills the child, and it ignores
// SIGPIPE, which its children inherit. Left alone, an errtag following an
// idle file would then run for ever, reparented to init, holding the file
// open. So errtag ends when its parent goes:
//
//   - on Linux the kernel sends SIGTERM when the parent dies
//     (PR_SET_PDEATHSIG, parent_linux.go), which takes the ordinary SIGTERM
//     path of Signals: everything read so far is written, exit 143;
//   - elsewhere a goroutine polls os.Getppid once a second and, when it
//     changes (the parent died and errtag was reparented), delivers SIGTERM
//     to the same path (parent_other.go);
//   - everywhere, a pipe or socket on standard output whose reader has gone
//     ends the run like a write to it would (EPIPE): quietly, exit 0
//     (WatchOutput, watch_unix.go). This also covers a shell left
//     between the shipper and errtag (Fluent Bit runs commands through
//     popen, that is /bin/sh -c), which does not die with the shipper.
//
// Parent watching is on when standard output is a pipe or a socket, which
// is how every shipper runs errtag, and off otherwise, so that
// `nohup errtag -f app.log > out.log &` or a daemonising launcher whose
// intermediate process exits at once does not stop errtag. The environment
// variable ERRTAG_PARENT_WATCH=on or off overrides that choice.

// parentWatchEnv names the variable that turns parent watching on or off.
const parentWatchEnv = "ERRTAG_PARENT_WATCH"

// parentWatchWanted reports whether errtag should end when its parent does.
func parentWatchWanted() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(parentWatchEnv))) {
	case "on", "1", "true", "yes":
		return true
	case "off", "0", "false", "no":
		return false
	}
	return isPipeOrSocket(os.Stdout)
}

// isPipeOrSocket reports whether f is a pipe (or FIFO) or a socket.
func isPipeOrSocket(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0
}

// deliverTerm queues SIGTERM on ch, the channel Signals delivers signals
// from, as if it had come from outside. If ch is full a signal is already
// pending and that one ends the run.
func deliverTerm(ch chan<- os.Signal) {
	select {
	case ch <- syscall.SIGTERM:
	default:
	}
}

// pollParent checks getppid every interval and delivers SIGTERM on ch once
// it differs from ppid, the parent errtag started with. It returns a
// function that stops the polling. It is the portable way to notice a dead
// parent on systems that reparent orphans (every Unix); on Linux the
// kernel's parent-death signal is used instead.
func pollParent(ch chan<- os.Signal, ppid int, getppid func() int, interval time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if getppid() != ppid {
					deliverTerm(ch)
					return
				}
			}
		}
	}()
	var stopped bool
	return func() {
		if !stopped {
			stopped = true
			close(done)
		}
	}
}
