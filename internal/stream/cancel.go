package stream

import (
	"context"
	"io"
)

// CancelableReader returns a reader whose Read returns ctx.Err() as soon as
// ctx is done, even while the underlying Read is blocked (a pipe or terminal
// with no input). The underlying read goes on in the background and its
// result is discarded; after cancellation the buffer last passed to Read must
// not be used again.
func CancelableReader(ctx context.Context, r io.Reader) io.Reader {
	cr := &cancelReader{ctx: ctx, r: r, req: make(chan []byte), res: make(chan readResult, 1)}
	go cr.serve()
	return cr
}

type readResult struct {
	n   int
	err error
}

type cancelReader struct {
	ctx context.Context
	r   io.Reader
	req chan []byte
	res chan readResult
}

func (c *cancelReader) serve() {
	for {
		select {
		case p := <-c.req:
			n, err := c.r.Read(p)
			c.res <- readResult{n, err}
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
		return r.n, r.err
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
}
