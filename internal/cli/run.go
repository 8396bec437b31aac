package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/input"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/rules"
	"github.com/errtag/errtag/internal/stream"
	"github.com/spf13/cobra"
)

// configOptions are the flags that say what to match with.
type configOptions struct {
	system   string
	rules    []string
	catalogs []string
}

func (c *configOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.system, "system", "", "the `NAME` of the system the input comes from: its rules need no cue, and bare codes (code=N, error code N) count as its")
	f.StringArrayVar(&c.rules, "rules", nil, "add the rules in `FILE` (repeatable)")
	f.StringArrayVar(&c.catalogs, "catalog", nil, "add or override catalog entries from `FILE` (repeatable)")
}

// load builds the catalog, rules and matcher. Every problem is a config
// error, found before any input is read.
func (c *configOptions) load() (*catalog.Catalog, *matcher.Matcher, error) {
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, nil, configErr(fmt.Errorf("built-in catalog: %w", err))
	}
	for _, f := range c.catalogs {
		if err := cat.LoadFile(f); err != nil {
			return nil, nil, configErr(err)
		}
	}
	srcs, err := rules.ReadFiles(c.rules)
	if err != nil {
		return nil, nil, configErr(err)
	}
	set, err := rules.Compile(cat, append([]rules.Source{rules.Builtin()}, srcs...)...)
	if err != nil {
		return nil, nil, configErr(err)
	}
	m, err := matcher.New(set, cat, matcher.Options{System: c.system})
	if err != nil {
		return nil, nil, configErr(fmt.Errorf("--system: %w", err))
	}
	return cat, m, nil
}

// runOptions are the root command's flags.
type runOptions struct {
	configOptions
	format       string
	fields       string
	maxLine      int
	outFile      string
	withFilename bool
	stats        bool
	workers      int
	follow       followOptions // -f and its flags (follow.go)
	outDir       string        // --out-dir: batch mode (batch.go)
}

func (o *runOptions) register(cmd *cobra.Command) {
	o.configOptions.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.format, "output", "auto", "output `FORMAT`: auto (lines as they came, annotated in place) or json (one JSON object per line)")
	f.StringVar(&o.fields, "fields", "", "annotation `FIELDS` to write, comma-separated (default system,code,name,category,group,message,remediation,known,alternatives; also: rule, cue)")
	f.IntVar(&o.maxLine, "max-line", stream.DefaultMaxLine, "longest line in `BYTES` that is matched; longer lines pass through unannotated without being held in memory")
	f.StringVarP(&o.outFile, "output-file", "o", "", "write to `FILE` instead of standard output (gzip or zstd compressed when FILE ends in .gz or .zst)")
	f.IntVar(&o.workers, "workers", 0, "goroutines matching in parallel within one input (0: one per CPU)")
	f.BoolVarP(&o.withFilename, "with-filename", "H", false, "prefix each line with its file name (auto), or add a \"file\" field (json)")
	f.StringVar(&o.outDir, "out-dir", "", "batch mode: write one output per input FILE into `DIR`, under its name and with its compression, processing files in parallel")
	f.BoolVar(&o.stats, "stats", false, "at the end, write counts of the codes found to standard error (see errtag stats)")
	o.follow.register(cmd)
}

func (o *runOptions) sinkOptions() (output.Options, error) {
	so := output.Options{Format: output.Format(o.format)}
	if so.Format != output.Auto && so.Format != output.JSON {
		return so, fmt.Errorf("--output: unknown format %q (auto or json)", o.format)
	}
	if o.fields != "" {
		fs, err := output.ParseFields(o.fields)
		if err != nil {
			return so, fmt.Errorf("--fields: %w", err)
		}
		so.Fields = fs
	}
	if o.maxLine < 1 {
		return so, fmt.Errorf("--max-line must be positive")
	}
	if o.workers < 0 {
		return so, fmt.Errorf("--workers must be 0 (one per CPU) or more")
	}
	so.MaxLine = o.maxLine
	return so, nil
}

// runFilter is errtag's main job: every input, in order, to one output.
func runFilter(ctx context.Context, e *env, o *runOptions, args []string) error {
	if o.outDir != "" && (o.follow.on || o.outFile != "") {
		return configErr(errors.New("--out-dir writes one file per input: it goes with neither -f nor -o"))
	}
	if done, err := runFollowMode(ctx, e, o, args); done {
		return err
	}
	sinkOpts, err := o.sinkOptions()
	if err != nil {
		return configErr(err)
	}
	limitMemory(o.maxLine)
	_, m, err := o.load()
	if err != nil {
		return err
	}
	// --stats (stats.go); finish gets the signal's ctx, bound here before
	// ctx is rebound below.
	rs := newStatsHook(o.stats, e)
	defer rs.finish(ctx)
	if o.outDir != "" {
		b := &batch{e: e, outDir: o.outDir, sinkOpts: sinkOpts, workers: o.workers, onInput: rs.addInput,
			proc: stream.New(m, stream.Options{MaxLine: o.maxLine, OnAnnotated: rs.hook()})}
		if len(args) == 0 {
			return configErr(errors.New("--out-dir needs input files"))
		}
		return b.run(ctx, args)
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	out, err := openOutput(o.outFile, e.stdout)
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	// A pipe or socket output whose reader has gone ends the run, quietly,
	// even while no input arrives to be written (parent.go).
	ctx, unwatch := watchOutput(ctx, out)
	defer unwatch()
	// Standard input is read through ctx, so that a signal or a gone
	// output ends errtag even while input.Open waits for the first bytes.
	stdin := stream.CancelableReader(ctx, e.stdin)
	w := bufio.NewWriterSize(out, 256<<10)
	proc := stream.New(m, stream.Options{MaxLine: o.maxLine, OnAnnotated: rs.hook()})
	failed := false
	for _, name := range args {
		src, err := input.Open(name, stdin)
		if err != nil {
			if ctx.Err() != nil {
				return finishOutput(out, w)
			}
			fmt.Fprintf(e.stderr, "errtag: %s\n", describeOpenError(name, err))
			failed = true
			continue
		}
		opts := sinkOpts
		opts.Source, opts.WithSource = displayName(name), o.withFilename
		if _, err := output.New(w, opts); err != nil {
			src.Close()
			return configErr(err)
		}
		newSink := func(w output.Writer) output.Sink {
			s, _ := output.New(w, opts) // opts checked just above
			return s
		}
		var r io.Reader = stream.CancelableReader(ctx, src)
		if src.Regular {
			r = stream.NonBlocking(src) // reads do not block: ctx is checked between them
		}
		st, err := proc.RunParallel(ctx, r, newSink, w, o.workers)
		src.Close()
		rs.addInput(displayName(name), st)
		var we *stream.WriteError
		var re *stream.ReadError
		switch {
		case err == nil:
		case errors.As(err, &we):
			return writeFailure(we.Err)
		case errors.Is(err, context.Canceled):
			return finishOutput(out, nil)
		case errors.As(err, &re):
			fmt.Fprintf(e.stderr, "errtag: %s: %s\n", displayName(name), describeReadError(src, re))
			failed = true
		default:
			fmt.Fprintf(e.stderr, "errtag: %s: %v\n", displayName(name), err)
			failed = true
		}
	}
	if err := finishOutput(out, w); err != nil {
		return err
	}
	if failed {
		return &exitError{code: ExitInput}
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "(standard input)"
	}
	return name
}

func describeOpenError(name string, err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %v", name, pe.Err)
	}
	return fmt.Sprintf("%s: %v", displayName(name), err)
}

func describeReadError(src *input.Source, re *stream.ReadError) string {
	if src.Compression != input.None {
		return fmt.Sprintf("%s data is corrupt or truncated at compressed byte %d (%d bytes decoded and written): %v",
			src.Compression, src.RawOffset(), re.Offset, re.Err)
	}
	return fmt.Sprintf("read failed at byte %d: %v", re.Offset, re.Err)
}

// writeFailure turns an output error into the exit: a closed pipe is the
// reader saying it has enough (errtag big.log | head), not an error.
func writeFailure(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return &exitError{code: ExitInput, err: fmt.Errorf("writing output: %w", err)}
}

func finishOutput(out io.Writer, w *bufio.Writer) error {
	if w != nil {
		if err := w.Flush(); err != nil {
			return writeFailure(err)
		}
	}
	if c, ok := out.(io.Closer); ok && out != io.Writer(os.Stdout) {
		if err := c.Close(); err != nil {
			return writeFailure(err)
		}
	}
	return nil
}

// openOutput returns the output: w, or FILE compressed as its name says.
func openOutput(name string, w io.Writer) (io.Writer, error) {
	if name == "" || name == "-" {
		return w, nil
	}
	return output.Create(name, compressionFor(name))
}

func compressionFor(name string) input.Compression {
	switch {
	case strings.HasSuffix(name, ".gz"):
		return input.Gzip
	case strings.HasSuffix(name, ".zst"):
		return input.Zstd
	}
	return input.None
}
