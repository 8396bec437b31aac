package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/errtag/errtag"
	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/loader"
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
	systemFlag(f, &c.system, "the `NAME` of the system the input comes from: its rules need no cue, and bare codes (code=N, error code N) count as its")
	f.StringArrayVar(&c.rules, "rules", nil, "add the rules in `FILE` (repeatable)")
	f.StringArrayVar(&c.catalogs, "catalog", nil, "add or override catalog entries from `FILE` (repeatable)")
}

// load builds the run's one Tagger through the front door (errtag.New):
// the catalogs, rules and matchers, with what the config file gave
// (e.config): its input bindings, unless --system was given on the
// command line, and its disable list. Every problem is a config error,
// found before any input is read; warnings go to standard error. The
// commands run the Tagger's matchers (loader.Of) with what the front door
// leaves out: the terminal view, -a and -c, follow mode, progress, the
// trace of errtag test.
func (c *configOptions) load(e *env) (*errtag.Tagger, error) {
	cfg := errtag.Config{Catalogs: c.catalogs, Rules: c.rules, System: c.system,
		Disable: disables(e.config.disable), DisableAfter: e.config.ruleFiles}
	if !e.config.systemGiven {
		cfg.Inputs = e.config.inputs
	}
	t, err := errtag.New(cfg)
	var se *loader.SystemError
	switch {
	case errors.As(err, &se):
		ue := unknownSystem(se.System, se.Known)
		return nil, configErr(errors.New(e.fromConfig("system", ue.Error())))
	case err != nil:
		return nil, configErr(err)
	}
	for _, w := range t.Warnings() {
		fmt.Fprintf(e.stderr, "errtag: warning: %v\n", w)
	}
	return t, nil
}

// disables are a config file's disable: list as the front door takes it.
func disables(ds []rules.Disable) []errtag.Disable {
	out := make([]errtag.Disable, len(ds))
	for i, d := range ds {
		out[i] = errtag.Disable{Rule: d.ID, System: d.System, Reason: d.Reason, File: d.File, Line: d.Line}
	}
	return out
}

// runOptions are the root command's flags.
type runOptions struct {
	configOptions
	outputOptions
	format       string
	asJSON       bool // --json
	fields       string
	maxLine      int
	outFile      string
	withFilename bool
	// manyInputs is set once the inputs are known: several, a list
	// (--files-from, --shard) or a -f pattern. Then --format json names
	// each record's file, as grep names the files when given several.
	manyInputs bool
	stats      bool
	workers    int
	follow     followOptions // -f and its flags (follow.go)
	outDir     string        // --out-dir: batch mode (batch.go)
	parents    bool          // --parents: keep input paths under --out-dir
	inputs     inputOptions  // --files-from, --shard (inputs.go)
}

// maxLineLimit is the largest --max-line: a line up to --max-line is held
// whole in memory to be matched.
const maxLineLimit = 1 << 30

func (o *runOptions) register(cmd *cobra.Command) {
	o.configOptions.register(cmd)
	f := cmd.Flags()
	formatFlags(f, &o.format, &o.asJSON, []string{string(output.Auto), string(output.JSON)},
		"output `FORMAT`: auto (lines as they came, annotated in place) or json (one JSON object per line)", "to write to a file, use -o FILE")
	f.Var(&fieldsValue{p: &o.fields}, "fields", "annotation `FIELDS` to write, comma-separated or repeated (default system,code,name,category,group,message,remediation,known,alternatives; also: rule, cue); system, when named, comes first")
	f.Var(newSizeValue(&o.maxLine, stream.DefaultMaxLine, maxLineLimit, "a line is held whole in memory to be matched"), "max-line", "longest line in `BYTES` that is matched (units: 64k, 1M; at most 1GiB); longer lines pass through unannotated without being held in memory")
	f.VarP(&outputFileValue{p: &o.outFile, hint: "for JSON lines use --format json"}, "output-file", "o", "write to `FILE` instead of standard output (gzip or zstd compressed when FILE ends in .gz, .tgz or .zst; JSON lines when it ends in .json or .jsonl and --format is not given); FILE is written beside itself and replaced only when done")
	f.Var(&nonNegative{&o.workers}, "workers", "`N` goroutines matching in parallel within one input (0, or more than the CPUs: one per CPU)")
	f.BoolVarP(&o.withFilename, "with-filename", "H", false, "prefix each line with its file name (auto), or add a \"file\" field (json, where several inputs, a list or a -f pattern add it without -H)")
	f.StringVar(&o.outDir, "out-dir", "", "batch mode: write one output per input FILE into `DIR`, under its name and with its compression, processing files in parallel")
	f.BoolVar(&o.parents, "parents", false, "with --out-dir: write each output under DIR at its input's path (DIR/2024/05/01/app.log.gz), not only its name; a leading / or .. is dropped")
	f.BoolVar(&o.stats, "stats", false, "at the end, write counts of the codes found to standard error (see errtag stats)")
	o.outputOptions.register(f)
	o.follow.register(cmd)
	o.inputs.register(f)
}

func (o *runOptions) sinkOptions() (output.Options, error) {
	so := output.Options{Format: output.Format(strings.ToLower(o.format))}
	if so.Format != output.Auto && so.Format != output.JSON {
		return so, fmt.Errorf("--format: unknown format %q: auto or json (to write to a file, use -o FILE)", o.format)
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
	return so, nil
}

// jsonNames are the file name extensions of JSON lines: -o FILE ending in
// one (before a compression's) writes --format json unless --format says
// otherwise.
var jsonNames = map[string]bool{".json": true, ".jsonl": true, ".ndjson": true}

// impliesJSON reports whether -o name asks for JSON lines by its name.
func impliesJSON(name string) bool {
	if compress.ForName(name) != compress.None {
		name = strings.TrimSuffix(name, filepath.Ext(name))
	}
	return jsonNames[strings.ToLower(filepath.Ext(name))]
}

// runFilter is errtag's main job: every input, in order, to one output
// (standard output or -o), each input to its own (--out-dir, batch.go), or
// files followed as they grow (-f, follow.go).
func runFilter(ctx context.Context, e *env, o *runOptions, args []string) error {
	if !o.formatGiven && impliesJSON(o.outFile) {
		o.format = string(output.JSON)
	}
	if err := o.checkModes(e, args); err != nil {
		return err
	}
	if o.follow.on && o.inputs.shard.spec != nil {
		// A pattern's files come and go: no list to share out is known
		// in advance, and a share of named files that is empty would
		// leave a follower with nothing to follow.
		return configErr(errors.New("--shard shares out a list of archives among batch workers: it does not go with -f (run one follower per node, over that node's files)"))
	}
	in, err := o.inputs.expand(ctx, e, args)
	if errors.Is(err, context.Canceled) {
		return nil // stopped while reading the list: nothing was read
	}
	if err != nil {
		return err
	}
	args = in.paths
	o.manyInputs = len(args) > 1 || in.listed
	if err := o.checkOutputs(e, args); err != nil {
		return err
	}
	o.chooseView(e)
	if done, err := runFollowMode(ctx, e, o, args); done {
		return err
	}
	if len(args) == 0 && !in.listed {
		args = []string{"-"}
	}
	sinkOpts, err := o.sinkOptions()
	if err != nil {
		return configErr(err)
	}
	e.limitMemory(o.maxLine)
	t, err := o.load(e)
	if err != nil {
		return err
	}
	// --stats (stats.go); finish gets the signal's ctx, not one derived
	// from it below.
	rs := newStatsHook(o.stats, e)
	defer rs.finish(ctx)
	// -q: the first annotated line ends the run.
	var q quiet
	runCtx := ctx
	if o.quiet {
		runCtx = q.start(ctx)
		defer q.stop()
	}
	d := &driver{
		procs:   newProcessors(t, stream.Options{MaxLine: o.maxLine, OnAnnotated: q.hook(rs.hook())}),
		stdin:   e.stdin,
		workers: workersFor(o.workers),
		sink:    o.sinks(sinkOpts),
		onInput: rs.addInput,
		warn:    warnTo(e.stderr),
	}
	d.after = o.after(e, args, in.listed)
	if o.outDir != "" {
		b := &batch{e: e, d: d, outDir: o.outDir, parents: o.parents, listed: in.listed, all: in.all}
		return b.run(ctx, args)
	}
	toStdout := o.outFile == "" || o.outFile == "-"
	d.prog = newProgress(e, args, toStdout && e.display(e.stdout).Terminal)
	defer d.prog.finish()
	err = filter(runCtx, e, d, o.outFile, args)
	if o.quiet {
		return q.exit(err)
	}
	return err
}

// checkOutputs checks, before anything is read, that the flags choose one
// kind of output and that no output is an input.
func (o *runOptions) checkOutputs(e *env, args []string) error {
	switch {
	case o.outDir != "" && (o.follow.on || o.outFile != ""):
		return configErr(errors.New("--out-dir writes one file per input: it goes with neither -f nor -o"))
	case o.parents && o.outDir == "":
		return configErr(errors.New("--parents says where under --out-dir DIR each output goes: it needs --out-dir"))
	case o.outDir != "":
		outs := map[string]string{}
		for _, in := range args {
			outs[outDirTarget(o.outDir, in, o.parents)] = "--out-dir"
		}
		return checkNotOwnFiles(outs, o.ownFiles(e))
	case o.outFile != "" && o.outFile != "-":
		if err := checkNotOwnFiles(map[string]string{o.outFile: "-o"}, o.ownFiles(e)); err != nil {
			return err
		}
		if o.inputs.filesFrom == "-" {
			if err := checkNotStdinList(e, o.outFile); err != nil {
				return err
			}
		}
		inputs := args
		if len(inputs) == 0 {
			inputs = []string{"-"}
		}
		return checkNotInputs(e, inputs, map[string]string{o.outFile: "-o"})
	}
	if !o.quiet {
		if err := checkStdoutOpen(e); err != nil {
			return err
		}
	}
	if err := checkStdoutNotOwn(e, o.ownFiles(e), o.inputs.filesFrom == "-"); err != nil {
		return err
	}
	return checkStdoutNotInput(e, args)
}

// ownFiles are the files the run reads or keeps besides its inputs, and
// what each is: the rules and catalog files, the config file, the
// --files-from list and the --state file. No output may be one of them.
func (o *runOptions) ownFiles(e *env) map[string]string {
	own := map[string]string{}
	for _, r := range o.rules {
		own[r] = "the --rules file"
	}
	for _, c := range o.catalogs {
		own[c] = "the --catalog file"
	}
	if e.config.file != "" {
		own[e.config.file] = "the config file"
	}
	if o.follow.state != "" {
		own[o.follow.state] = "the --state file"
	}
	if f := o.inputs.filesFrom; f != "" && f != "-" {
		own[f] = "the --files-from list"
	}
	return own
}

// filter writes every input, in order, to one output: standard output or
// -o FILE (see outputs.go for what becomes of FILE). An input that cannot
// be read is reported and the others are still written; exit 1 says so.
//
// args are the inputs ("-" for standard input); none (an empty list, or a
// shard's empty share) writes an empty output.
func filter(ctx context.Context, e *env, d *driver, outFile string, args []string) error {
	tracks := make([]*track, len(args))
	for i, name := range args {
		tracks[i] = e.ledger.add(displayName(name))
	}
	dst, err := openDestination(ctx, e, outFile)
	if errors.Is(err, context.Canceled) {
		return nil // stopped while waiting for a FIFO's reader
	}
	if err != nil {
		return err
	}
	// A pipe or socket output whose reader has gone ends the run, quietly,
	// even while no input arrives to be written (lifecycle.WatchOutput).
	ctx, unwatch := watchOutput(ctx, dst)
	defer unwatch()
	// Inputs are read through ctx, so that a signal or a gone output
	// ends errtag even while it waits for input, having written every
	// byte it read. Each input writes through its own sink to w, which
	// keeps their lines apart.
	w := output.NewWriter(dst)
	opened, failed := false, false
inputs:
	for i, name := range args {
		t := tracks[i]
		pf := d.prog.input(i)
		pf.begin()
		src, err := d.open(ctx, name, pf)
		var st stream.Stats
		if err == nil {
			opened = true
			base := dst.lines()
			t.written = func() int64 { return dst.lines() - base }
			st, err = d.process(src, t, w)
			var ie *inputError
			if d.after != nil && (err == nil || errors.As(err, &ie)) {
				d.after(w, t.name, st)
			}
		}
		t.state.Store(finished)
		pf.end(st, err)
		var ie *inputError
		var we *stream.WriteError
		switch {
		case err == nil:
		case errors.As(err, &ie):
			d.prog.clear()
			fmt.Fprintf(e.stderr, "errtag: %v\n", ie)
			failed = true
		case errors.As(err, &we):
			dst.abandon()
			return dst.writeError(we.Err)
		case errors.Is(err, context.Canceled):
			break inputs // what was read has been written
		default:
			dst.abandon()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		dst.abandon()
		return dst.writeError(err)
	}
	// -o FILE is left as it was when no input could be read, and when
	// the inputs that could be opened gave nothing either before failing
	// (a damaged .gz that decodes no byte): an empty FILE would say
	// nothing of the inputs, and lose what FILE held. Inputs read to
	// their end that are empty do make FILE empty: that is their output,
	// and so does an empty list of inputs (a shard's empty share).
	if dst.tmp != nil && len(args) > 0 && (!opened || failed && dst.count.bytes.Load() == 0) {
		dst.abandon()
		if ctx.Err() != nil && !opened {
			fmt.Fprintf(e.stderr, "errtag: %s: stopped before any input was read\n", dst.leftAsItWas())
			return nil
		}
		if !opened {
			return &exitError{code: ExitInput, err: fmt.Errorf("no input could be read: %s", dst.leftAsItWas())}
		}
		return &exitError{code: ExitInput, err: fmt.Errorf("nothing could be read from the inputs: %s", dst.leftAsItWas())}
	}
	if err := dst.commit(); err != nil {
		return err
	}
	if failed {
		return &exitError{code: ExitInput}
	}
	return nil
}
