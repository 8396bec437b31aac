//go:build unix

package input

import (
	"context"
	"io"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// cancelable returns r made to stop when ctx is done, and what releases
// it. A file (a pipe, a terminal, a socket, a FIFO) is read only once
// poll(2) says it has input, while also waiting for ctx: a stop never
// leaves a read in flight whose bytes would be taken from the pipe and
// lost. Any other reader is checked for ctx between reads.
func cancelable(ctx context.Context, r io.Reader) (io.Reader, func() error) {
	f, ok := r.(*os.File)
	if !ok {
		return &ctxReader{ctx: ctx, r: r}, func() error { return nil }
	}
	pr, err := newPollReader(ctx, f)
	if err != nil {
		// No pipe for the wake-up (out of descriptors): stop between
		// reads only.
		return &ctxReader{ctx: ctx, r: r}, func() error { return nil }
	}
	return pr, pr.close
}

// pollReader reads a file once poll(2) reports input on it. ctx's end
// closes the write end of a pipe whose read end is polled with the file,
// which wakes the poll.
type pollReader struct {
	ctx   context.Context
	f     *os.File
	rc    syscall.RawConn
	wakeR int
	wakeW int
	stop  func() bool
	mu    sync.Mutex // guards wakeW
}

func newPollReader(ctx context.Context, f *os.File) (*pollReader, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	p, err := wakePipe()
	if err != nil {
		return nil, err
	}
	r := &pollReader{ctx: ctx, f: f, rc: rc, wakeR: p[0], wakeW: p[1]}
	r.stop = context.AfterFunc(ctx, r.wake)
	return r, nil
}

// wake closes the write end of the wake-up pipe: its read end then polls
// as hung up.
func (r *pollReader) wake() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wakeW >= 0 {
		unix.Close(r.wakeW)
		r.wakeW = -1
	}
}

func (r *pollReader) close() error {
	r.stop()
	r.wake()
	if r.wakeR >= 0 {
		unix.Close(r.wakeR)
		r.wakeR = -1
	}
	return nil
}

// Read waits for input or ctx, and reads only input that is there.
func (r *pollReader) Read(p []byte) (int, error) {
	for {
		if err := r.ctx.Err(); err != nil {
			return 0, err
		}
		ready, err := r.wait()
		if err != nil {
			return 0, err
		}
		if ready {
			return r.f.Read(p)
		}
	}
}

// wait polls the file and the wake-up pipe; ready says the file has input
// (or an end or error to report).
func (r *pollReader) wait() (ready bool, err error) {
	var perr error
	cerr := r.rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{
			{Fd: int32(fd), Events: unix.POLLIN},
			{Fd: int32(r.wakeR), Events: unix.POLLIN},
		}
		for {
			_, perr = unix.Poll(fds, -1)
			if perr != unix.EINTR {
				break
			}
		}
		ready = fds[0].Revents != 0
	})
	if cerr != nil {
		return false, cerr
	}
	return ready, perr
}
