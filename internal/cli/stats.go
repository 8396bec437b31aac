package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stats"
	"github.com/errtag/errtag/internal/stream"
	"github.com/errtag/errtag/internal/textui"
	"github.com/spf13/cobra"
)

// statsOptions are the flags of errtag stats.
type statsOptions struct {
	configOptions
	format  string
	json    bool
	top     int
	workers int
	inputs  inputOptions // --files-from, --shard (inputs.go)
}

func newStatsCmd(e *env) *cobra.Command {
	o := &statsOptions{}
	cmd := &cobra.Command{
		Use:   "stats [flags] [FILE...]",
		Short: "Count the error codes in logs by system, code and category",
		Long: `stats reads the FILEs (standard input when none is given; gzip and zstd are
recognised) with the same rules and catalog as a normal run, discards the
lines and prints what it found: lines read and annotated, codes by system
and by category, the top codes with a bar chart, and the codes the catalog
does not have. With --json the report is one JSON object listing every
code. Stopped by a signal, it prints the counts so far.

errtag --stats FILE... writes the same report to standard error at the end
of a normal run.`,
		Example: `  errtag stats /var/log/app/*.log.gz
  errtag stats --top 25 archive-2024-05-*.zst
  errtag stats --json app.log | jq '.unknown_codes'
  errtag stats --format json app.log | jq -r '.systems[] | "\(.system) \(.count)"'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := resolveJSON(cmd, e, &o.format, o.json); err != nil {
				return err
			}
			return runStats(cmd.Context(), e, o, args)
		},
	}
	o.configOptions.register(cmd)
	markReadsLogs(cmd)
	f := cmd.Flags()
	formatFlags(f, &o.format, &o.json, []string{"text", "json"}, "report `FORMAT`: text, for a person, or json (every code is listed whatever --top says)", "")
	o.top = stats.DefaultTop
	f.Var(&nonNegative{&o.top}, "top", "list the `N` most frequent codes (0: all)")
	f.Var(&nonNegative{&o.workers}, "workers", "`N` goroutines matching in parallel within one input (0: one per CPU)")
	o.inputs.register(f)
	return cmd
}

func runStats(ctx context.Context, e *env, o *statsOptions, args []string) error {
	if err := checkStdoutOpen(e); err != nil {
		return err
	}
	in, err := o.inputs.expand(ctx, e, args)
	if errors.Is(err, context.Canceled) {
		return nil // stopped while reading the list: nothing was read
	}
	if err != nil {
		return err
	}
	args = in.paths
	tg, err := o.load(e)
	if err != nil {
		return err
	}
	if len(args) == 0 && !in.listed {
		args = []string{"-"}
	}
	col := stats.New()
	d := &driver{
		procs: newProcessors(tg, stream.Options{OnAnnotated: col.Add}),
		// Inputs are read through ctx, so that a signal ends errtag
		// even while it waits for input.
		stdin:   e.stdin,
		workers: workersFor(o.workers),
		sink:    func(*output.Writer, string) (stream.ParallelSink, error) { return stream.Discard, nil },
		warn:    warnTo(e.stderr),
		onInput: col.AddInput,
	}
	discard := output.NewWriter(io.Discard)
	prog := newProgress(e, args, false)
	defer prog.finish()
	failed, interrupted := false, false
	for i, name := range args {
		t := e.ledger.add(displayName(name))
		pf := prog.input(i)
		pf.begin()
		src, err := d.open(ctx, name, pf)
		var st stream.Stats
		if err == nil {
			st, err = d.process(src, t, discard)
		}
		t.state.Store(finished)
		pf.end(st, err)
		var ie *inputError
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			interrupted = true
		case errors.As(err, &ie):
			prog.clear()
			fmt.Fprintf(e.stderr, "errtag: %v\n", ie)
			failed = true
		default:
			return err
		}
		if interrupted {
			break
		}
	}
	prog.finish()
	r := col.Report()
	// A signal that came as the last input ended still ends errtag with
	// its code: the report says so too.
	r.Interrupted = interrupted || ctx.Err() != nil
	if err := writeReport(e.stdout, e.display(e.stdout), r, o.format == "json", o.top); err != nil {
		return writeFailure(err)
	}
	if failed {
		return &exitError{code: ExitInput}
	}
	return nil
}

// writeReport writes r as JSON or as text rendered for d.
func writeReport(w io.Writer, d textui.Display, r *stats.Report, asJSON bool, top int) error {
	if asJSON {
		return r.WriteJSON(w)
	}
	return r.WriteText(w, stats.TextOptions{Top: top, Color: d.Color, Width: d.Width})
}

// statsHook is the --stats option of a normal run: it counts through the
// stream's OnAnnotated hook and the stream.Stats of each input, and writes
// the report to standard error when the run ends, however it ends (a
// signal included). A nil *statsHook (--stats not given) does nothing.
type statsHook struct {
	col *stats.Collector
	e   *env
}

func newStatsHook(on bool, e *env) *statsHook {
	if !on {
		return nil
	}
	return &statsHook{col: stats.New(), e: e}
}

// hook is the stream.Options.OnAnnotated to use.
func (r *statsHook) hook() func([]matcher.Annotation) {
	if r == nil {
		return nil
	}
	return r.col.Add
}

// addInput records one input's stream counts.
func (r *statsHook) addInput(name string, st stream.Stats) {
	if r != nil {
		r.col.AddInput(name, st)
	}
}

// finish writes the report to standard error; ctx tells whether the run
// was stopped by a signal.
func (r *statsHook) finish(ctx context.Context) {
	if r == nil {
		return
	}
	rep := r.col.Report()
	rep.Interrupted = ctx.Err() != nil
	writeReport(r.e.stderr, r.e.display(r.e.stderr), rep, false, stats.DefaultTop)
}
