package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/errtag/errtag/internal/input"
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
	proc *stream.Processor
	// stdin is standard input, read through the run's context.
	stdin   io.Reader
	workers int
	// sinks makes the sinks for the input shown as name.
	sinks func(name string) (stream.SinkFactory, error)
	// onInput, when set, is told each input's counts when it is done; it
	// may be called from several goroutines at once (--out-dir).
	onInput func(name string, st stream.Stats)
	// after, when set, writes to the output after each input that was
	// read, to its end or as far as it could be (the filter's -c).
	after func(w *bufio.Writer, name string, st stream.Stats)
	// prog shows the run's progress (nil: none).
	prog *progress
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
}

func (e *inputError) Error() string { return e.name + ": " + e.msg }

// source is an opened input.
type source struct {
	*input.Source
	shown   string   // its name in messages
	file    *os.File // nil for standard input
	regular bool     // reads never wait for data
}

func (s *source) close() {
	s.Source.Close()
	if s.file != nil {
		s.file.Close()
	}
}

// open opens the input name ("-" for standard input) and its decoder.
// countRaw, when set, is told the bytes read from the input as it is read
// (before decoding).
func (d *driver) open(ctx context.Context, name string, countRaw func(int64)) (*source, error) {
	src := &source{shown: displayName(name)}
	var raw io.Reader
	if name == "-" {
		raw = d.stdin
	} else {
		f, err := openFile(ctx, name, os.O_RDONLY)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &inputError{name: name, msg: describeOpenError(err)}
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
		src.file, src.regular = f, fi.Mode().IsRegular()
		raw = f
		if !src.regular {
			// A FIFO or a device: reads may wait for data.
			raw = stream.CancelableReader(ctx, f)
		}
	}
	if countRaw != nil {
		raw = &rawCounter{r: raw, add: countRaw}
	}
	s, err := input.Wrap(name, raw)
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
// and closes src. It is the one place where the CLI runs the stream.
func (d *driver) process(ctx context.Context, src *source, t *track, w *bufio.Writer) (stream.Stats, error) {
	defer src.close()
	newSink, err := d.sinks(src.shown)
	if err != nil {
		return stream.Stats{}, configErr(err)
	}
	var r io.Reader = src.Source
	if !src.regular {
		r = stream.CancelableReader(ctx, r)
	}
	r = &countingReader{r: r, c: &t.read}
	if src.regular {
		r = stream.NonBlocking(r) // reads do not block: ctx is checked between them
	}
	t.state.Store(inProgress)
	st, err := d.proc.RunParallel(ctx, r, newSink, w, d.workers)
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

// countingReader counts what is read through it.
type countingReader struct {
	r io.Reader
	c *lineCounter
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.c.count(p[:n])
	return n, err
}

// rawCounter tells add how many bytes are read through it.
type rawCounter struct {
	r   io.Reader
	add func(int64)
}

func (c *rawCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.add(int64(n))
	return n, err
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
	if src.Compression != input.None {
		return fmt.Sprintf("%s data is corrupt or truncated at compressed byte %d (%d bytes decoded and written): %v",
			src.Compression, src.RawOffset(), re.Offset, re.Err)
	}
	return fmt.Sprintf("read failed at byte %d: %v", re.Offset, re.Err)
}
