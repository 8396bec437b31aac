package cli

import (
	"context"
	"errors"
	"fmt"

	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/errtag/errtag/internal/fsmsg"
	"github.com/errtag/errtag/internal/outfile"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// batch is `errtag --out-dir DIR FILE...`: one output file per input, in
// DIR, under the input's name and with the input's compression. Files are
// processed in parallel, and within a file matching runs on the CPUs the
// files leave free.
//
// Each output is written to a temporary file in DIR (package outfile) that
// takes the output's name when its input has been read to the end, or as
// far as it could be read (reported, exit 1): a file in DIR under an
// input's name is complete. New files get 0666 less the umask, as any file
// a tool creates; an output that exists keeps its permissions, owner and
// group. An entry in DIR is replaced, never followed: a symbolic link
// there is replaced by the output, not the file it points at. On a stop
// signal, outputs written stay, those in progress are dropped, and the
// inputs whose output was not written are named on standard error. An
// output whose place cannot take it (a directory there) is named and the
// other files go on (exit 1); on a write error (disk full) or a DIR where
// no file can be made, the run stops, naming the inputs not written and
// why.
type batch struct {
	e      *env
	d      *driver
	outDir string
	// parents (--parents) keeps each input's path under DIR, not only
	// its name: DIR/PATH, its directories made as needed (outDirRel).
	parents bool
	// cleaned holds the directories under DIR whose stale temporary
	// files were removed (--parents).
	cleaned sync.Map
	// listed is true when the inputs come from a list (--files-from,
	// --shard): then an empty share is nothing to do, not a mistake.
	listed bool
	// all is, when listed, every input of the list, this worker's share
	// or not (--shard): their outputs must not clash either, so that
	// workers writing to one DIR never overwrite each other's.
	all  []string
	mu   sync.Mutex // guards stderr and onInput across the goroutines
	prog *progress
}

// batchJob is one input and its output.
type batchJob struct {
	in, out string
	i       int // its place among the inputs
	t       *track
}

// plan checks the inputs and returns the jobs: every input is a file, each
// has its own output, and no output is an input.
func (b *batch) plan(inputs []string) ([]batchJob, error) {
	if len(inputs) == 0 && !b.listed {
		return nil, configErr(errors.New("--out-dir needs input files"))
	}
	all := inputs
	if b.listed {
		all = b.all
	}
	clash := map[string]string{} // output -> its input, of every input
	for _, in := range all {
		if in == "-" {
			return nil, configErr(errors.New("--out-dir needs input files: standard input has no name to write under"))
		}
		out := outDirTarget(b.outDir, in, b.parents)
		if prev, dup := clash[out]; dup {
			return nil, configErr(fmt.Errorf("--out-dir: %s and %s would both be written to %s", prev, in, out))
		}
		clash[out] = in
	}
	outputs := map[string]string{} // output -> its input, of this run's
	var jobs []batchJob
	for _, in := range inputs {
		out := outDirTarget(b.outDir, in, b.parents)
		outputs[out] = in
		jobs = append(jobs, batchJob{in: in, out: out, i: len(jobs)})
	}
	what := map[string]string{}
	for out := range outputs {
		what[out] = "--out-dir"
	}
	if err := checkNotInputs(b.e, inputs, what); err != nil {
		return nil, err
	}
	for i := range jobs {
		jobs[i].t = b.e.ledger.add(jobs[i].in)
	}
	return jobs, nil
}

// run processes every input and returns the exit error.
func (b *batch) run(ctx context.Context, inputs []string) error {
	jobs, err := b.plan(inputs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.outDir, 0o777); err != nil {
		return &exitError{code: ExitInput, err: describeMkdirError(b.outDir, err)}
	}
	reportRemoved(b.e, outfile.RemoveStale(b.outDir, ""))
	cpus := b.d.workers
	parallel := max(1, min(cpus, len(jobs)))
	d := *b.d
	d.workers = max(1, cpus/parallel)
	d.warn = func(name string, err error) { b.say("%s: %v", name, err) }
	if on := b.d.onInput; on != nil {
		d.onInput = func(name string, st stream.Stats) {
			b.mu.Lock()
			defer b.mu.Unlock()
			on(name, st)
		}
	}

	prog := newProgress(b.e, inputs, false)
	defer prog.finish()
	b.prog = prog

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		res  batchResult
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || runCtx.Err() != nil {
					return
				}
				if b.settle(&res, jobs[i], b.one(runCtx, &d, jobs[i], prog)) {
					cancel()
				}
			}
		}()
	}
	wg.Wait()
	prog.finish()
	switch {
	case res.stopReason != "":
		if names := b.e.ledger.pending(); len(names) > 0 {
			b.say("not written: %s (%s)", quoteNames(names), res.stopReason)
		}
	case res.fatal != nil || ctx.Err() != nil:
		for _, l := range b.e.ledger.unwritten() {
			b.say("%s", l)
		}
	}
	switch {
	case res.fatal != nil:
		return res.fatal
	case res.failed:
		return &exitError{code: ExitInput}
	}
	return nil
}

// batchResult is what the jobs of a batch came to (guarded by batch.mu).
type batchResult struct {
	// failed is true when an input or an output was reported and the
	// others went on (exit 1).
	failed bool
	// fatal, when set, stopped the run: the exit error.
	fatal error
	// stopReason, when the run stopped because outputs could not be
	// written, says why the inputs left were not written.
	stopReason string
}

// settle reports err, what job j came to, and records it in res. It
// returns true when the run must stop: no other output could be written
// either (a full disk, DIR where no file can be made), or an error that is
// not one file's.
func (b *batch) settle(res *batchResult, j batchJob, err error) (stop bool) {
	var (
		ie *inputError
		oe *outputError
		re *outfile.ReplaceError
		we *stream.WriteError
		de *outfile.DirError
	)
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &ie):
		b.say("%v", ie)
	case errors.As(err, &oe):
		// This output's place cannot take it (a directory there): the
		// others can.
		b.say("%v", oe)
	case errors.As(err, &re):
		// Written in full, but its entry in DIR refused to be replaced
		// (an immutable file, a file mounted over): the others can be.
		b.say("%v", &outputError{in: j.in, err: re})
	case errors.As(err, &we), errors.As(err, &de):
		// Disk full, or DIR not writable: the other files would fail
		// the same way.
		var msg string
		if we != nil {
			msg = "writing " + quoteName(j.out) + ": " + reasonOf(we.Err)
		} else {
			msg = "--out-dir " + quoteName(b.outDir) + ": no file can be made there: " + reasonOf(de.Err)
		}
		reason := "the output could not be written"
		if errors.Is(err, syscall.ENOSPC) {
			reason = "no space left on the device"
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if res.fatal == nil {
			res.fatal = &exitError{code: ExitInput, err: errors.New(msg)}
			res.stopReason = reason
		}
		return true
	default:
		b.mu.Lock()
		defer b.mu.Unlock()
		if res.fatal == nil {
			res.fatal = err
		}
		return true
	}
	b.mu.Lock()
	res.failed = true
	b.mu.Unlock()
	return false
}

// reasonOf is err in plain words, without a path the message around it
// names; "reason unknown" for none.
func reasonOf(err error) string {
	if err == nil {
		return "reason unknown"
	}
	return fsmsg.Reason(withoutPath(err))
}

// quoteNames is names, each quoted as messages quote a name, joined by
// commas.
func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteName(n)
	}
	return strings.Join(q, ", ")
}

// describeMkdirError says why --out-dir DIR could not be made, naming the
// part of DIR that failed when it is not DIR itself.
func describeMkdirError(dir string, err error) error {
	if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
		return fmt.Errorf("--out-dir %s is not a directory", quoteName(dir))
	}
	var pe *os.PathError
	if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
		if fi, serr := os.Stat(filepath.Dir(pe.Path)); serr == nil && fi.IsDir() {
			// The parent is there: its file system makes no new
			// directories (/proc, /sys).
			return fmt.Errorf("--out-dir %s: cannot create the directory %s: its file system does not let new directories be made there", quoteName(dir), quoteName(pe.Path))
		}
	}
	if errors.As(err, &pe) && filepath.Clean(pe.Path) != filepath.Clean(dir) {
		return fmt.Errorf("--out-dir %s: %s: %s", quoteName(dir), quoteName(pe.Path), fsmsg.Reason(pe.Err))
	}
	return fmt.Errorf("--out-dir %s: %s", quoteName(dir), fsmsg.Reason(withoutPath(err)))
}

// say writes one message to standard error.
func (b *batch) say(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prog.clear()
	fmt.Fprintf(b.e.stderr, "errtag: "+format+"\n", args...)
}

// outputError is an output that its place in DIR cannot take (a
// directory is there): it is reported, and the other files go on.
type outputError struct {
	in  string // the input, as given
	err error
}

func (e *outputError) Error() string {
	return quoteName(e.in) + ": not written: " + e.err.Error()
}

// one processes one input into its output. The output is written to a
// temporary file beside it and renamed when done; a read error still
// renames it (the error says so), anything else removes it.
func (b *batch) one(ctx context.Context, d *driver, j batchJob, prog *progress) (err error) {
	pf := prog.input(j.i)
	pf.begin()
	var st stream.Stats
	defer func() { pf.end(st, err) }()
	src, err := d.open(ctx, j.in, pf)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			j.t.state.Store(finished) // reported as an input error
		}
		return err
	}
	if b.parents {
		// The directories under DIR are made, never followed if they
		// are links; the stale temporary files of a killed run there
		// are removed, as in DIR itself.
		dir := filepath.Dir(j.out)
		if err := makeOutDirs(b.outDir, dir); err != nil {
			src.close()
			j.t.state.Store(finished) // reported as this output's error
			return &outputError{in: j.in, err: err}
		}
		if _, done := b.cleaned.LoadOrStore(dir, true); !done && dir != filepath.Clean(b.outDir) {
			b.mu.Lock()
			reportRemoved(b.e, outfile.RemoveStale(dir, ""))
			b.mu.Unlock()
		}
	}
	// The entry in DIR is replaced, never followed: a link planted
	// there cannot lead the output outside DIR.
	tmp, err := outfile.CreateEntry(j.out)
	if err != nil {
		src.close()
		var de *outfile.DirError
		if errors.As(err, &de) {
			return err // no output can be made in DIR
		}
		j.t.state.Store(finished) // reported as this output's error
		return &outputError{in: j.in, err: err}
	}
	b.e.ledger.addTemp(tmp, "")
	enc, finish, err := newEncoder(tmp.File, src.Compression)
	if err != nil {
		src.close()
		tmp.Abort()
		return &stream.WriteError{Err: err}
	}
	st, runErr := d.process(src, j.t, output.NewWriter(enc))
	var ie *inputError
	if runErr != nil && !errors.As(runErr, &ie) {
		tmp.Abort() // a write error, a signal, a bad option
		return runErr
	}
	if finish != nil {
		if err := finish(); err != nil {
			tmp.Abort()
			return &stream.WriteError{Err: err}
		}
	}
	if err := tmp.Commit(); err != nil {
		var re *outfile.ReplaceError
		if errors.As(err, &re) {
			j.t.state.Store(finished) // reported as this output's error
			return re
		}
		return &stream.WriteError{Err: err}
	}
	j.t.state.Store(finished)
	if ie != nil {
		ie.msg += " (what was read is in " + j.out + ")"
	}
	return runErr
}
