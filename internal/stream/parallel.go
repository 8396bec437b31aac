package stream

import (
	"bytes"
	"io"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/errtag/errtag/internal/container"
	"github.com/errtag/errtag/internal/matcher"
)

// chunkSize is how much input one job of RunParallel carries, about.
const chunkSize = 1 << 20

// job is a unit from the splitter: complete lines (or the last line),
// matched and rendered by a worker, or a piece of a too-long line, which
// the writer writes itself; the writer takes jobs in input order.
type job struct {
	kind   unit
	in     []byte
	out    *bytes.Buffer
	stats  Stats
	anns   [][]matcher.Annotation
	err    error
	done   chan struct{}
	bufPtr *[]byte // the pooled buffer in came from
	// format is the input's container log format, and carry the pieces
	// of a split line that the units before ended with (joint.go).
	format container.Format
	carry  []byte
}

// RunParallel does what Run does, with the matching spread over workers
// goroutines (0 means one per CPU): the calling goroutine reads, workers
// match and render chunks of lines, and a writer puts their output out in
// input order. Decoding, matching and writing overlap. The sink is flushed
// whenever the writer has caught up with the reader (the input is idle),
// so a line from an idle pipe still comes out at once. OnAnnotated is
// called in input order, from the writer goroutine. After a write error
// RunParallel stops reading at the next read.
func (p *Processor) RunParallel(r io.Reader, sink ParallelSink, workers int) (Stats, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	pools := newPools(2*workers + 4)
	jobs := make(chan *job, workers)
	ordered := make(chan *job, workers+2) // bounds the chunks in flight, and memory
	var writeFailed atomic.Bool
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
				p.work(j, sink, pools)
			}
		}()
	}

	w := &run{p: p, sink: sink}
	writeErr := make(chan error, 1)
	go func() { writeErr <- p.writeInOrder(ordered, w, &writeFailed, pools) }()

	// Every unit read is sent: what was read is written. The writer keeps
	// draining after a write error, so sends never block for good. The
	// reader decides, on the first unit that holds a container record,
	// whether the input is a container log, and hands each unit the
	// pieces of a split line that the units before ended with, so that
	// its worker can join them.
	var jt Joint
	var carry []byte
	var sp *splitter
	sp = &splitter{r: r, maxLine: p.opts.MaxLine, size: chunkSize, stop: writeFailed.Load, alloc: pools.get,
		emit: func(u unit, b []byte) error {
			if !jt.decided && (u == unitLines || u == unitLast) {
				jt.decide(b, p.opts.MaxLine)
			}
			j := &job{kind: u, done: make(chan struct{}), format: jt.format(), carry: carry}
			if jt.joining() {
				carry = nil
				if u == unitLines {
					carry = container.OpenTail(j.carry, b, j.format, p.opts.MaxLine)
				}
			}
			if u == unitLines || u == unitLast {
				// The splitter gives the job the buffer the lines
				// were read into (sp.alloc): no copy.
				whole := sp.cur
				j.in, j.bufPtr = b, &whole
			} else {
				nb := pools.get(len(b))
				j.in = append(nb[:0], b...)
				j.bufPtr = &nb
			}
			ordered <- j
			if u == unitLines || u == unitLast {
				jobs <- j
			} else {
				close(j.done) // the writer streams it itself
			}
			return nil
		}}
	_, sp.fill = r.(nonBlocking)
	readErr := sp.run()
	close(jobs)
	close(ordered)
	wg.Wait()
	err := <-writeErr
	w.stats.Bytes = sp.bytes
	if err == nil {
		err = readErr
	}
	return w.stats, err
}

// work matches and renders one job's lines into its own buffer.
func (p *Processor) work(j *job, sink ParallelSink, pools *pools) {
	defer close(j.done)
	j.out = pools.getOut()
	j.out.Reset()
	// Room for the lines and some annotations, so that the buffer is
	// not regrown (and copied) while it is written.
	j.out.Grow(len(j.in) + len(j.in)/4)
	st := &run{p: p, sink: sink.Renderer(j.out), joint: &Joint{decided: true}}
	st.onAnnotated = func(a []matcher.Annotation) { j.anns = append(j.anns, a) }
	if j.format != container.None {
		st.joint.g = container.NewGroup(j.format, p.opts.MaxLine)
		st.replay(j.carry)
	}
	j.err = st.unit(j.kind, j.in)
	j.stats = st.stats
}

// writeInOrder writes the jobs' output in input order through w, flushing
// when it has caught up with the reader. On a write error it sets failed
// and drains the remaining jobs.
func (p *Processor) writeInOrder(ordered <-chan *job, w *run, failed *atomic.Bool, pools *pools) error {
	var err error
	for j := range ordered {
		<-j.done
		if err == nil {
			err = p.writeJob(j, w)
			if err == nil && len(ordered) == 0 {
				err = w.flush()
			}
			if err != nil {
				failed.Store(true)
			}
		}
		pools.put(j)
	}
	if err == nil {
		err = w.flush()
	}
	return err
}

func (p *Processor) writeJob(j *job, w *run) error {
	switch j.kind {
	case unitLongStart, unitLongMore, unitLongEnd:
		return w.unit(j.kind, j.in)
	}
	if j.err != nil {
		return j.err
	}
	if err := w.sink.(ParallelSink).WriteRendered(j.out.Bytes()); err != nil {
		return &WriteError{err}
	}
	w.stats.Lines += j.stats.Lines
	w.stats.Annotated += j.stats.Annotated
	if p.opts.OnAnnotated != nil {
		for _, a := range j.anns {
			p.opts.OnAnnotated(a)
		}
	}
	return nil
}

// pools recycle the jobs' buffers. They are free lists the size of the
// jobs in flight, not sync.Pools, which the garbage collector empties:
// every buffer dropped is one more allocated, grown and cleared.
type pools struct {
	in  chan *[]byte
	out chan *bytes.Buffer
}

func newPools(n int) *pools {
	return &pools{in: make(chan *[]byte, n), out: make(chan *bytes.Buffer, n)}
}

// get returns a buffer of at least n bytes (all of its capacity).
func (ps *pools) get(n int) []byte {
	select {
	case b := <-ps.in:
		if cap(*b) >= n {
			return (*b)[:cap(*b)]
		}
	default:
	}
	// A power of two, so that buffers of chunks of about the same size
	// are reused, not regrown.
	return make([]byte, 1<<bits.Len(uint(max(n, 1)-1)))
}

func (ps *pools) getOut() *bytes.Buffer {
	select {
	case b := <-ps.out:
		return b
	default:
		return new(bytes.Buffer)
	}
}

func (ps *pools) put(j *job) {
	if j.bufPtr != nil && cap(*j.bufPtr) <= 2*chunkSize {
		select {
		case ps.in <- j.bufPtr:
		default:
		}
	}
	if j.out != nil && j.out.Cap() <= 4*chunkSize {
		select {
		case ps.out <- j.out:
		default:
		}
	}
	j.in, j.out, j.bufPtr, j.carry = nil, nil, nil, nil
}
