//go:build !unix

package input

import (
	"context"
	"io"
)

// cancelable returns r made to stop when ctx is done, and what releases
// it. Here a read that blocks cannot be interrupted without abandoning it:
// Read returns ctx.Err() at once, and the bytes of the read in flight, if
// any arrive, are lost. (On Unix, poll(2) avoids that.)
func cancelable(ctx context.Context, r io.Reader) (io.Reader, func() error) {
	cr := &cancelReader{ctx: ctx, r: r, req: make(chan []byte), res: make(chan readResult, 1)}
	go cr.serve()
	return cr, func() error { return nil }
}

type readResult struct {
	b   []byte
	err error
}

type cancelReader struct {
	ctx context.Context
	r   io.Reader
	req chan []byte
	res chan readResult
}

func (c *cancelReader) serve() {
	var buf []byte
	for {
		select {
		case p := <-c.req:
			// Into a buffer of its own: the caller's may be reused
			// once a stop abandoned this read.
			if cap(buf) < len(p) {
				buf = make([]byte, len(p))
			}
			n, err := c.r.Read(buf[:len(p)])
			c.res <- readResult{buf[:n], err}
		case <-c.ctx.Done():
			return
		}
	}
}

func (c *cancelReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	select {
	case c.req <- p:
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
	select {
	case r := <-c.res:
		return copy(p, r.b), r.err
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
}
