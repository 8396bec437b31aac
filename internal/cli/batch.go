package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/input"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// batch is `errtag --out-dir DIR FILE...`: one output file per input, in
// DIR, under the input's name and with the input's compression. Files are
// processed in parallel, and within a file matching runs on the cores the
// files leave free.
type batch struct {
	e            *env
	outDir       string
	proc         *stream.Processor
	sinkOpts     output.Options
	withFilename bool // -H: the input's name on each line or record
	workers      int
	// onInput, when set, is told each input's stats when it is done.
	onInput func(name string, st stream.Stats)
}

// run processes every input and returns the exit error.
func (b *batch) run(ctx context.Context, inputs []string) error {
	outputs := map[string]string{}
	var total int64
	for _, in := range inputs {
		if in == "-" {
			return configErr(errors.New("--out-dir needs input files: standard input has no name to write under"))
		}
		out := filepath.Join(b.outDir, filepath.Base(in))
		if prev, dup := outputs[out]; dup {
			return configErr(fmt.Errorf("--out-dir: %s and %s would both be written to %s", prev, in, out))
		}
		if abs(out) == abs(in) {
			return configErr(fmt.Errorf("--out-dir: %s would overwrite its own input", in))
		}
		outputs[out] = in
		if fi, err := os.Stat(in); err == nil {
			total += fi.Size()
		}
	}
	if err := os.MkdirAll(b.outDir, 0o755); err != nil {
		return &exitError{code: ExitInput, err: fmt.Errorf("--out-dir: %w", err)}
	}
	cpus := runtime.GOMAXPROCS(0)
	if b.workers > 0 {
		cpus = b.workers
	}
	parallel := min(cpus, len(inputs))
	perFile := max(1, cpus/parallel)

	prog := newProgress(b.e.stderr, total, "errtag")
	defer prog.finish()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu     sync.Mutex // guards stderr, onInput and the fields below
		failed bool
		fatal  error
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	for g := 0; g < parallel; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(inputs) || ctx.Err() != nil {
					return
				}
				in := inputs[i]
				out := filepath.Join(b.outDir, filepath.Base(in))
				st, warning, err := b.one(ctx, in, out, perFile, prog)
				mu.Lock()
				if warning != nil {
					fmt.Fprintf(b.e.stderr, "errtag: %s: %v\n", in, warning)
				}
				if b.onInput != nil {
					b.onInput(in, st)
				}
				var we *stream.WriteError
				switch {
				case err == nil:
				case errors.As(err, &we):
					// Disk full or similar: the other files would
					// fail the same way.
					if fatal == nil {
						fatal = &exitError{code: ExitInput, err: fmt.Errorf("writing %s: %w", out, we.Err)}
					}
					cancel()
				case errors.Is(err, context.Canceled):
				default:
					fmt.Fprintf(b.e.stderr, "errtag: %v\n", err)
					failed = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if fatal != nil {
		return fatal
	}
	if failed {
		return &exitError{code: ExitInput}
	}
	return nil
}

// one processes one input into out. The output is written to a temporary
// file beside out and renamed when done, so a file in DIR under the final
// name is complete (or holds all that could be read of a damaged input, as
// reported). warning is what input noticed and got past.
func (b *batch) one(ctx context.Context, in, out string, workers int, prog *progress) (st stream.Stats, warning, err error) {
	f, err := os.Open(in)
	if err != nil {
		return st, nil, fmt.Errorf("%s: %w", in, errors.Unwrap(err))
	}
	defer f.Close()
	src, err := input.Wrap(ctx, in, &countingReader{r: f, prog: prog})
	if err != nil {
		return st, nil, fmt.Errorf("%s: %w", in, err)
	}
	defer src.Close()
	st, err = b.write(src, in, out, workers)
	return st, src.Warning, err
}

// write writes src, read from the input file in, to out.
func (b *batch) write(src *input.Source, in, out string, workers int) (stream.Stats, error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return stream.Stats{}, &stream.WriteError{Err: err}
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	dst, err := compress.Wrap(tmp, src.Compression)
	if err != nil {
		tmp.Close()
		return stream.Stats{}, &stream.WriteError{Err: err}
	}
	opts := b.sinkOpts
	if b.withFilename {
		opts.Source = in
	}
	sink, err := output.NewSink(output.NewWriter(dst), opts)
	if err != nil {
		dst.Close()
		return stream.Stats{}, err
	}
	st, runErr := b.proc.RunParallel(stream.NonBlocking(src), sink, workers)
	if cerr := dst.Close(); cerr != nil && runErr == nil {
		runErr = &stream.WriteError{Err: cerr}
	}
	var we *stream.WriteError
	if errors.As(runErr, &we) || errors.Is(runErr, context.Canceled) {
		return st, runErr
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return st, &stream.WriteError{Err: err}
	}
	var re *stream.ReadError
	if errors.As(runErr, &re) {
		return st, fmt.Errorf("%s: %s (what was read is in %s)", in, describeReadError(src, re), out)
	}
	return st, runErr
}

// countingReader reports the bytes read from an input file to the
// progress display.
type countingReader struct {
	r    io.Reader
	prog *progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.prog.add(int64(n))
	return n, err
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
