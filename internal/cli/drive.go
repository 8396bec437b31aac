package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"

	"github.com/errtag/errtag"
	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/fsmsg"
	"github.com/errtag/errtag/internal/input"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// driver takes inputs through the stream, one input per call, for every
// path that reads inputs: the filter, --out-dir and stats. It opens an
// input, hands it to the stream in exactly one place (process), and turns
// the outcome into an error its caller can sort: an *inputError (report,
// and go on with the next input), a *stream.WriteError (the output is
// gone), context.Canceled (a stop signal), or a config error. Opening and
// reading give up when the run's context ends, whatever the input: a FIFO
// with no writer yet, an idle pipe.
type driver struct {
	procs *processors
	// stdin is standard input (input reads it through the run's context).
	stdin   io.Reader
	workers int
	// sink makes the sink for the input shown as name, writing to w: one
	// per input, which is how w keeps the inputs' lines apart.
	sink func(w *output.Writer, name string) (stream.ParallelSink, error)
	// onInput, when set, is told each input's counts when it is done; it
	// may be called from several goroutines at once (--out-dir).
	onInput func(name string, st stream.Stats)
	// after, when set, writes to the output after each input that was
	// read, to its end or as far as it could be (the filter's -c).
	after func(w *output.Writer, name string, st stream.Stats)
	// prog shows the run's progress (nil: none).
	prog *progress
	// warn, when set, is told what input noticed and got past in an
	// input (data that only looks compressed); it may be called from
	// several goroutines at once (--out-dir).
	warn func(name string, err error)
}

// workersFor is how many goroutines match within one input for --workers
// n: one per CPU for 0, and never more than that, because matching is
// bound by the CPUs and each worker holds chunks of input and output in
// memory: memory stays bounded whatever --workers says.
func workersFor(n int) int {
	cpus := runtime.GOMAXPROCS(0)
	if n <= 0 || n > cpus {
		return cpus
	}
	return n
}

// inputError is an input that could not be opened or read to its end: it
// is reported, and the run goes on with the next input.
type inputError struct {
	name string // as shown
	msg  string
	// read is true when part of the input was read and written.
	read bool
	// missing is true when the input could not be opened because it does
	// not exist.
	missing bool
}

func (e *inputError) Error() string {
	if e.name == displayName("-") {
		return "standard input: " + e.msg
	}
	return quoteName(e.name) + ": " + e.msg
}

// processors are the stream processors of a run: one per matcher of the
// run's Tagger that inputs are given (Loaded.For: the config's inputs:
// bind inputs to systems by path).
type processors struct {
	l    *loader.Loaded
	opts stream.Options
	mu   sync.Mutex
	made map[*matcher.Matcher]*stream.Processor
}

// newProcessors returns the processors that run t's matchers with opts.
func newProcessors(t *errtag.Tagger, opts stream.Options) *processors {
	return &processors{l: loader.Of(t), opts: opts, made: map[*matcher.Matcher]*stream.Processor{}}
}

// of returns the processor for the input named name ("-" for standard
// input). It is safe for concurrent use (--out-dir). Nothing is kept per
// name: follow asks for every chunk of files that come and go for days,
// and the loader's binding lookup is cheap.
func (p *processors) of(name string) *stream.Processor {
	m := p.l.For(name)
	p.mu.Lock()
	defer p.mu.Unlock()
	proc := p.made[m]
	if proc == nil {
		proc = stream.New(m, p.opts)
		p.made[m] = proc
	}
	return proc
}

// source is an opened input.
type source struct {
	*input.Source
	name    string   // as given ("-" for standard input)
	shown   string   // its name in messages
	file    *os.File // nil for standard input
	regular bool     // reads never wait for data
	// taken, when set, is told the decoded bytes the stream takes.
	taken func(int64)
}

func (s *source) close() {
	s.Source.Close()
	if s.file != nil {
		s.file.Close()
	}
}

// open opens the input name ("-" for standard input) and its decoder. pf,
// when not nil, is the input's progress: it is told the bytes read from the
// input (before decoding) and those the stream takes (decoded).
func (d *driver) open(ctx context.Context, name string, pf *progFile) (*source, error) {
	src := &source{name: name, shown: displayName(name), taken: pf.countDecoded()}
	countRaw := pf.countRaw()
	var raw io.Reader
	if name == "-" {
		// A closed standard input (errtag <&-) is an error, as for
		// cat: the runtime's /dev/null in its place would read as an
		// empty input (see stdoutClosed).
		if f, ok := d.stdin.(*os.File); ok && stdoutClosed(f) {
			return nil, &inputError{name: src.shown, msg: "it is closed (to give no input on purpose, redirect it with < /dev/null)"}
		}
		raw = d.stdin
	} else {
		f, err := openFile(ctx, name, os.O_RDONLY)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &inputError{name: name, msg: describeOpenError(err), missing: errors.Is(err, fs.ErrNotExist)}
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, &inputError{name: name, msg: describeOpenError(err)}
		}
		if fi.IsDir() {
			f.Close()
			return nil, &inputError{name: name, msg: "is a directory"}
		}
		src.file = f
		raw = f
	}
	// A FIFO, a device or standard input may wait for data: input reads
	// them so that ctx's end stops a waiting read without losing a byte.
	var opts []input.Option
	if countRaw != nil {
		opts = append(opts, input.CountRaw(countRaw))
	}
	s, err := input.Wrap(ctx, name, raw, opts...)
	if err != nil {
		if src.file != nil {
			src.file.Close()
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, ctx.Err()
		}
		return nil, &inputError{name: src.shown, msg: err.Error()}
	}
	src.Source = s
	src.regular = s.Regular
	return src, nil
}

// openFile opens name with flag, giving up when ctx ends first: opening a
// FIFO waits for the other end. A given-up open goes on in the background
// and its file, if it comes, is closed.
func openFile(ctx context.Context, name string, flag int) (*os.File, error) {
	type result struct {
		f   *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		f, err := os.OpenFile(name, flag, 0)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.f != nil {
				r.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// process runs src through the stream to w, recording its progress in t,
// and closes src. It is the one place where the CLI runs the stream. It
// returns when src ends: at its end, on a read error, or with ctx's error
// once ctx is done (after writing every byte read).
func (d *driver) process(src *source, t *track, w *output.Writer) (stream.Stats, error) {
	defer src.close()
	sink, err := d.sink(w, src.shown)
	if err != nil {
		return stream.Stats{}, configErr(err)
	}
	if src.Warning != nil && d.warn != nil {
		d.warn(src.shown, src.Warning)
	}
	var r io.Reader = &countingReader{r: src.Source, c: &t.read, add: src.taken}
	if src.regular {
		r = stream.NonBlocking(r) // reads do not wait for data
	}
	t.state.Store(inProgress)
	st, err := d.procs.of(src.name).RunParallel(r, sink, d.workers)
	if note := src.Note(); err == nil && note != nil && d.warn != nil {
		d.warn(src.shown, note)
	}
	if d.onInput != nil {
		d.onInput(src.shown, st)
	}
	var re *stream.ReadError
	var we *stream.WriteError
	switch {
	case err == nil, errors.As(err, &we), errors.Is(err, context.Canceled):
		return st, err
	case errors.As(err, &re):
		return st, &inputError{name: src.shown, msg: describeReadError(src.Source, re), read: true}
	}
	return st, &inputError{name: src.shown, msg: err.Error(), read: true}
}

// countingReader counts what is read through it, in c and, when set, add.
type countingReader struct {
	r   io.Reader
	c   *lineCounter
	add func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.c.count(p[:n])
	if c.add != nil && n > 0 {
		c.add(int64(n))
	}
	return n, err
}

// warnTo returns a driver's warn that writes to w, for one goroutine.
func warnTo(w io.Writer) func(name string, err error) {
	return func(name string, err error) { fmt.Fprintf(w, "errtag: %s: %v\n", name, err) }
}

func displayName(name string) string {
	if name == "-" {
		return "(standard input)"
	}
	return name
}

// describeOpenError says why an input could not be opened, without
// repeating its name (the caller puts it in front).
func describeOpenError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func describeReadError(src *input.Source, re *stream.ReadError) string {
	if c := src.Compression; c != compress.None {
		where := fmt.Sprintf("at compressed byte %d (%d bytes decoded and written)", src.RawOffset(), re.Offset)
		switch {
		case errors.Is(re.Err, io.ErrUnexpectedEOF):
			return fmt.Sprintf("%s data is cut short: the file ends inside compressed data, %s", c, where)
		case compress.Trailing(re.Err):
			return fmt.Sprintf("%s data is followed by data that is not %s, %s", c, c, where)
		}
		return fmt.Sprintf("%s data is corrupt %s: %v", c, where, re.Err)
	}
	return fmt.Sprintf("read failed at byte %d: %v", re.Offset, withoutPath(re.Err))
}

// quoteName is name as messages show it (fsmsg.Quote).
func quoteName(name string) string { return fsmsg.Quote(name) }
