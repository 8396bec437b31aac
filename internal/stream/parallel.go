package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
)

// SinkFactory makes a sink of the chosen format writing to w. RunParallel
// makes one per worker and one for the writer.
type SinkFactory func(w output.Writer) output.Sink

// NonBlocking marks r as a source whose reads never wait for data to
// arrive (a regular file, or a decoder reading one). RunParallel then gathers
// reads into whole chunks before handing them to the workers; from any
// other reader it hands out what each read returns at once, so that a line
// from an idle pipe is not held back.
func NonBlocking(r io.Reader) io.Reader { return nonBlocking{r} }

type nonBlocking struct{ io.Reader }

// chunkSize is how much input one job carries at most.
const chunkSize = 1 << 20

// job is a run of complete lines (or one piece of a too-long line), read in
// order, matched by a worker and written by the writer in the same order.
type job struct {
	in     []byte
	final  bool // in is the input's last line, with no LF
	long   int  // 0, or which piece of a too-long line: longStart|longMid|longEnd
	out    *bytes.Buffer
	stats  Stats
	anns   [][]matcher.Annotation
	err    error
	done   chan struct{}
	bufPtr *[]byte // the pooled buffer in came from
}

// Pieces of a too-long line (job.long): its first piece, a middle one, its
// last (with the terminator). A line may be all three at once.
const (
	longStart = 1 << iota
	longMid
	longEnd
)

// RunParallel does what Run does, with the matching spread over workers
// goroutines (0 means one per CPU): the calling goroutine reads, workers
// annotate whole chunks of lines, and a writer puts their output out in input
// order. Decoding, matching and writing overlap. Output is flushed whenever
// the writer has caught up with the reader (the input is idle), so a line
// from an idle pipe still comes out at once. OnAnnotated is called in input
// order, from the writer goroutine.
func (p *Processor) RunParallel(ctx context.Context, r io.Reader, newSink SinkFactory, w *bufio.Writer, workers int) (Stats, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	pools := &pools{
		in:  sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }},
		out: sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
	jobs := make(chan *job, workers)
	var writeFailed atomic.Bool           // set by the writer before it cancels
	ordered := make(chan *job, workers+2) // bounds the chunks in flight, and memory
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if writeFailed.Load() {
					// Nothing more will be written: skip the work.
					close(j.done)
					continue
				}
				p.work(j, newSink, pools)
			}
		}()
	}

	var total Stats
	writeErr := make(chan error, 1)
	go func() {
		writeErr <- p.writeInOrder(ordered, newSink(w), w, &total, func() {
			writeFailed.Store(true)
			cancel()
		}, pools)
	}()

	// Every job read is sent, even after cancellation: what was read is
	// written. The writer keeps draining after a write error, so sends
	// never block for good.
	readErr := p.readChunks(ctx, r, pools, func(j *job) {
		j.done = make(chan struct{})
		ordered <- j
		if j.long != 0 || (j.final && pendingLen(j.in) > p.opts.MaxLine) {
			close(j.done) // the writer streams it itself
			return
		}
		jobs <- j
	}, &total)
	close(jobs)
	close(ordered)
	wg.Wait()
	werr := <-writeErr
	if werr != nil {
		return total, &WriteError{werr}
	}
	if readErr != nil {
		return total, readErr
	}
	return total, nil
}

// readChunks reads r, cutting it into jobs of complete lines, and hands
// them to send in order. It returns the read error, if any (nil at EOF).
func (p *Processor) readChunks(ctx context.Context, r io.Reader, pools *pools, send func(*job), total *Stats) error {
	_, fill := r.(nonBlocking)
	const fillTarget = chunkSize * 3 / 4
	buf := make([]byte, chunkSize)
	n := 0        // bytes in buf
	long := false // inside a too-long line
	var bytesRead int64
	emit := func(in []byte, final bool, longFlags int) {
		j := &job{final: final, long: longFlags}
		nb := pools.in.Get().(*[]byte)
		j.in = append((*nb)[:0], in...)
		j.bufPtr = nb
		send(j)
	}
	for {
		if err := ctx.Err(); err != nil {
			if n > 0 && !long {
				emit(buf[:n], true, 0) // what was read is written
			} else if n > 0 {
				emit(buf[:n], false, longEnd)
			}
			total.Bytes = bytesRead
			return err
		}
		m, rerr := r.Read(buf[n:])
		n += m
		bytesRead += int64(m)
		if long {
			// The rest of a too-long line, up to its end.
			if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
				emit(buf[:i+1], false, longEnd)
				long = false
				n = copy(buf, buf[i+1:n])
			} else if n > 0 && (n == len(buf) || rerr != nil) {
				keep := 0
				if buf[n-1] == '\r' && rerr == nil {
					keep = 1 // may be the first half of CRLF
				}
				flags := longMid
				if rerr != nil {
					flags = longEnd
				}
				emit(buf[:n-keep], false, flags)
				n = copy(buf, buf[n-keep:n])
				if rerr != nil {
					long = false
				}
			}
		}
		if !long {
			// From a source that never waits, reads are gathered into
			// a full chunk: a decoder's reads are small, and a job per
			// read costs more than the work in it.
			if last := bytes.LastIndexByte(buf[:n], '\n'); last >= 0 && (!fill || n >= fillTarget || rerr != nil) {
				emit(buf[:last+1], false, 0)
				n = copy(buf, buf[last+1:n])
			}
			if pendingLen(buf[:n]) > p.opts.MaxLine && rerr == nil {
				// An unfinished line over MaxLine: stream it out.
				long = true
				keep := 0
				if buf[n-1] == '\r' {
					keep = 1
				}
				emit(buf[:n-keep], false, longStart)
				n = copy(buf, buf[n-keep:n])
			} else if n == len(buf) {
				// Grow to hold a line up to MaxLine.
				nb := make([]byte, 2*len(buf))
				copy(nb, buf[:n])
				buf = nb
			}
		}
		if rerr != nil {
			if n > 0 && !long {
				emit(buf[:n], true, 0)
			}
			total.Bytes = bytesRead
			if errors.Is(rerr, io.EOF) {
				return nil
			}
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(rerr, ctxErr) {
				return ctxErr
			}
			return &ReadError{Offset: bytesRead, Err: rerr}
		}
	}
}

// work annotates one job's lines into its own buffer.
func (p *Processor) work(j *job, newSink SinkFactory, pools *pools) {
	defer close(j.done)
	j.out = pools.out.Get().(*bytes.Buffer)
	j.out.Reset()
	st := &run{p: p, sink: newSink(j.out)}
	st.onAnnotated = func(a []matcher.Annotation) { j.anns = append(j.anns, a) }
	if j.final {
		j.err = st.last(j.in)
	} else {
		_, j.err = st.lines(j.in)
	}
	j.stats = st.stats
}

// writeInOrder writes the jobs' output in input order, flushing when it has
// caught up with the reader. On a write error it cancels the run and drains
// the remaining jobs.
func (p *Processor) writeInOrder(ordered <-chan *job, sink output.Sink, w *bufio.Writer, total *Stats, cancel func(), pools *pools) error {
	var err error
	for j := range ordered {
		<-j.done
		if err == nil {
			err = p.writeJob(j, sink, w, total)
			if err == nil && len(ordered) == 0 {
				err = w.Flush()
			}
			if err != nil {
				cancel()
			}
		}
		pools.put(j)
	}
	if err == nil {
		err = w.Flush()
	}
	return err
}

func (p *Processor) writeJob(j *job, sink output.Sink, w *bufio.Writer, total *Stats) error {
	switch {
	case j.long != 0 || (j.final && pendingLen(j.in) > p.opts.MaxLine):
		st := &run{p: p, sink: sink, w: w, long: j.long&longStart == 0}
		if j.long&longStart != 0 || j.final {
			if _, err := st.longChunk(nil); err != nil {
				return unwrapWrite(err)
			}
		}
		switch {
		case j.final || j.long&longEnd != 0:
			if err := st.longEnd(j.in); err != nil {
				return unwrapWrite(err)
			}
			total.Lines++
		default:
			if err := sink.LongChunk(j.in); err != nil {
				return err
			}
		}
		return nil
	case j.err != nil:
		return unwrapWrite(j.err)
	}
	if _, err := w.Write(j.out.Bytes()); err != nil {
		return err
	}
	total.Lines += j.stats.Lines
	total.Annotated += j.stats.Annotated
	if p.opts.OnAnnotated != nil {
		for _, a := range j.anns {
			p.opts.OnAnnotated(a)
		}
	}
	return nil
}

// pools recycle the jobs' buffers.
type pools struct {
	in, out sync.Pool
}

func (ps *pools) put(j *job) {
	if j.bufPtr != nil && cap(j.in) <= chunkSize {
		*j.bufPtr = j.in[:0]
		ps.in.Put(j.bufPtr)
	}
	if j.out != nil && j.out.Cap() <= 4*chunkSize {
		ps.out.Put(j.out)
	}
	j.in, j.out, j.bufPtr = nil, nil, nil
}

func unwrapWrite(err error) error {
	var we *WriteError
	if errors.As(err, &we) {
		return we.Err
	}
	return err
}
