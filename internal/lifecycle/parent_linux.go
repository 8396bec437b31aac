//go:build linux

package lifecycle

import (
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// watchParent arranges for SIGTERM to arrive on ch when errtag's parent
// dies, and returns a function that undoes what can be undone. See
// parent.go for why and when.
//
// It asks the kernel for a parent-death signal: prctl(PR_SET_PDEATHSIG,
// SIGTERM). The kernel then sends a real SIGTERM, which signal.Notify in
// Signals delivers on ch like any other; nothing else is needed.
//
// Caveats of PR_SET_PDEATHSIG, and what is done about them:
//
//   - It fires when the parent *thread* that created errtag exits, not only
//     when the parent process does. A shipper that spawns errtag from a
//     worker thread and later ends that thread (Fluent Bit's threaded input
//     on a hot reload; Vector or Logstash restarting a pipeline) stops
//     errtag then, which is what a reload wants; each of them starts the
//     command again.
//   - The setting belongs to the calling *thread* of errtag, and a Go
//     program runs on many. The call is made with the goroutine locked to
//     its thread (runtime.LockOSThread), and the setting stays with that
//     thread, which the Go runtime never ends: a Go thread exits only when
//     a goroutine locked to it returns without unlocking, which errtag
//     never does. Threads created later do not inherit it, and need not:
//     the kernel checks every thread of the child.
//   - If the parent died before the prctl (between fork and here), no
//     signal will ever come: errtag has already been reparented. So the
//     parent pid read before the call is compared with the one after it;
//     if they differ, SIGTERM is delivered at once. A parent that died
//     before errtag's first instruction cannot be told from a parent that
//     is init (a container's PID 1, a systemd service), so that case is not
//     guessed at.
//
// If the prctl fails (a seccomp filter, say), os.Getppid is polled instead.
func watchParent(ch chan<- os.Signal) (stop func()) {
	if !parentWatchWanted() {
		return func() {}
	}
	ppid := os.Getppid()
	runtime.LockOSThread()
	err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0)
	runtime.UnlockOSThread()
	if err != nil {
		return pollParent(ch, ppid, os.Getppid, time.Second)
	}
	if os.Getppid() != ppid {
		deliverTerm(ch)
	}
	return func() {}
}
