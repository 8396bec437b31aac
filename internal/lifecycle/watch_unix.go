//go:build unix

package lifecycle

import (
	"context"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// WatchOutput returns a context, derived from ctx, that is cancelled as soon
// as w, when it is a pipe or socket, has nobody left to read it: the end of
// output, as a write to it failing with EPIPE would be, but noticed without
// writing. errtag following an idle file under a shipper that has died
// writes nothing and so would never see EPIPE. stop ends the watch.
//
// The descriptor is polled with no events asked for, so poll reports only
// POLLERR and POLLHUP: Linux raises POLLERR on the write end of a pipe
// whose every reader has closed it, other Unixes raise POLLHUP, and a
// socket whose peer has closed it reports POLLHUP. A duplicate of the
// descriptor is polled, so the watch never holds up closing w; the watching
// goroutine is woken by a pipe of its own when stopped.
func WatchOutput(ctx context.Context, w io.Writer) (context.Context, func()) {
	noop := func() {}
	f, ok := w.(*os.File)
	if !ok || !isPipeOrSocket(f) {
		return ctx, noop
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return ctx, noop
	}
	dup := -1
	rc.Control(func(fd uintptr) {
		if d, err := unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0); err == nil {
			dup = d
		}
	})
	if dup < 0 {
		return ctx, noop
	}
	wakeR, wakeW, err := os.Pipe()
	if err != nil {
		unix.Close(dup)
		return ctx, noop
	}
	wake := int(wakeR.Fd())
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer unix.Close(dup)
		defer wakeR.Close()
		if readerGone(dup, wake) {
			cancel()
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			wakeW.Close() // wakes the poll: wakeR reads EOF
			cancel()
		})
	}
}

// readerGone blocks until fd, the write side of a pipe or socket, has lost
// its reader (true) or wake becomes readable (false).
func readerGone(fd, wake int) bool {
	fds := []unix.PollFd{{Fd: int32(fd)}, {Fd: int32(wake), Events: unix.POLLIN}}
	for {
		fds[0].Revents, fds[1].Revents = 0, 0
		n, err := unix.Poll(fds, -1)
		if err == unix.EINTR || (err == nil && n == 0) {
			continue
		}
		if err != nil || fds[1].Revents != 0 {
			return false
		}
		// POLLNVAL, or anything else, ends the watch without ending the
		// run; it never loops on a condition poll keeps reporting.
		return fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0
	}
}
