package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stats"
	"github.com/errtag/errtag/internal/stream"
	"github.com/errtag/errtag/internal/textui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// What a run writes for each line.
//
// By default, every line, in the chosen format (output.Auto or
// output.JSON). On a terminal (standard output, no --format given), the
// terminal view instead (output.NewView): each line as it came and, under
// an annotated one, its annotations wrapped to the width, in colour. Pipes
// and files get the format's exact bytes; --format auto gets them on a
// terminal too, and --color always gets the view on a pipe (for less -R).
//
// With -a (--only-annotated), only the lines that got an annotation, as
// grep writes only the lines that match; with -c (--count), for each input
// only the number of lines that got one, as grep -c does.

// colorValue is --color: when to colour human output.
type colorValue string

// colorWords maps what --color takes to auto, always or never: the
// documented words, grep's and ls's spellings (yes, force, tty, none...)
// and the booleans every other flag takes (true/false, on/off, 1/0).
var colorWords = map[string]string{
	"auto": "auto", "tty": "auto", "if-tty": "auto",
	"always": "always", "yes": "always", "force": "always", "on": "always", "true": "always", "1": "always",
	"never": "never", "no": "never", "none": "never", "off": "never", "false": "never", "0": "never",
}

func (c *colorValue) Set(v string) error {
	w, ok := colorWords[strings.ToLower(strings.TrimSpace(v))]
	if !ok {
		return errors.New("give auto (colour on a terminal, unless NO_COLOR is set or TERM is dumb), always or never (yes/no, true/false, on/off and 1/0 work too)")
	}
	*c = colorValue(w)
	return nil
}

func (c *colorValue) String() string { return string(*c) }
func (c *colorValue) Type() string   { return "WHEN" }

// registerColorFlag adds --color, for every command, with its British
// spelling --colour (grep takes both) and --no-color, the habit of many
// tools, hidden.
func registerColorFlag(root *cobra.Command) {
	c, british := colorValue("auto"), colorValue("auto")
	f := root.PersistentFlags()
	f.Var(&c, "color", "colour the output for a person: `WHEN` auto (on a terminal, unless NO_COLOR is set or TERM is dumb), always or never")
	f.Var(&british, "colour", "same as --color")
	f.MarkHidden("colour")
	f.Bool("no-color", false, "same as --color never")
	f.MarkHidden("no-color")
	f.Bool("no-colour", false, "same as --color never")
	f.MarkHidden("no-colour")
}

// applyColor makes e's displays follow --color: always colours wherever
// the output goes (NO_COLOR does not stop it: the command line wins over
// the environment), never nowhere, auto on a terminal unless NO_COLOR is
// set. --color, --colour and --no-color given together must agree; given
// on the command line, any of them wins over the config file's.
func applyColor(cmd *cobra.Command, e *env) error {
	fs := cmd.Flags()
	f := fs.Lookup("color")
	if f == nil {
		return nil
	}
	e.color = f.Value.String()
	// What each spelling given says, on the command line and in the
	// config file.
	var cli, cfg []string
	said := map[string]string{}
	for _, name := range []string{"color", "colour", "no-color", "no-colour"} {
		fl := fs.Lookup(name)
		if fl == nil || !fl.Changed {
			continue
		}
		v, as := fl.Value.String(), "--"+name+" "+fl.Value.String()
		if strings.HasPrefix(name, "no-") {
			if v != "true" {
				continue
			}
			v, as = "never", "--"+name
		}
		said[as] = v
		if _, fromConfig := e.config.origin[name]; fromConfig {
			cfg = append(cfg, as)
		} else {
			cli = append(cli, as)
		}
	}
	chosen := cli
	if len(chosen) == 0 {
		chosen = cfg
	}
	for _, as := range chosen {
		if said[as] != said[chosen[0]] {
			return configErr(fmt.Errorf("%s disagree: give one", strings.Join(chosen, " and ")))
		}
		e.color = said[as]
	}
	base := e.baseDisplay
	switch e.color {
	case "always":
		e.display = func(w io.Writer) textui.Display { d := base(w); d.Color = true; return d }
	case "never":
		e.display = func(w io.Writer) textui.Display { d := base(w); d.Color = false; return d }
	default:
		e.display = base
	}
	return nil
}

// outputOptions are the flags that choose what a run writes of each line:
// grep's habits, with errtag's annotation in the place of grep's match.
type outputOptions struct {
	onlyAnnotated bool // -a: only the lines with an annotation
	invert        bool // -v: only the lines without one
	count         bool // -c: how many lines of each input have one
	filesWith     bool // -l: the names of the inputs with one
	filesWithout  bool // -L: the names of the inputs without one
	quiet         bool // -q: nothing; the exit status says
	noFilename    bool // -h: no file names, even with several inputs
	// formatGiven is true when --format (or --output, or --json) was
	// given, on the command line or by the config file: the format, not
	// the view.
	formatGiven bool
	// view is the terminal view's look, when the run writes the view.
	view *output.View
}

func (o *outputOptions) register(f *pflag.FlagSet) {
	f.BoolVarP(&o.onlyAnnotated, "only-annotated", "a", false, "write only the lines that got an annotation, as grep writes only the lines that match (with -H, each after its file name)")
	f.BoolVarP(&o.invert, "invert-match", "v", false, "write only the lines that got no annotation, as grep -v does (-c -v counts them)")
	f.BoolVarP(&o.count, "count", "c", false, "write, for each input, only how many lines got an annotation, as grep -c does (FILE:N with several inputs or -H)")
	f.BoolVarP(&o.filesWith, "files-with-annotations", "l", false, "write only the names of the inputs where a line got an annotation, as grep -l does")
	f.BoolVarP(&o.filesWithout, "files-without-annotations", "L", false, "write only the names of the inputs where no line got an annotation, as grep -L does")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "write nothing: exit 0 as soon as a line gets an annotation, 1 if none does, 2 if none does and an input could not be read, as grep -q does")
	f.BoolVarP(&o.noFilename, "no-filename", "h", false, "no file names in front of lines or counts, even with several inputs, as grep -h (for help: --help)")
	alias(f, "files-with-annotations", "files-with-matches")
	alias(f, "files-without-annotations", "files-without-match")
	alias(f, "quiet", "silent")
}

// alias adds old, hidden, as another name of flag now of fs (grep's long
// names).
func alias(fs *pflag.FlagSet, now, old string) {
	f := fs.Lookup(now)
	fs.Var(f.Value, old, "same as --"+now)
	a := fs.Lookup(old)
	a.NoOptDefVal = f.NoOptDefVal
	a.Hidden = true
}

// chooseView decides, once the flags are known, whether the run writes the
// terminal view.
func (o *runOptions) chooseView(e *env) {
	o.view = nil
	switch {
	case o.count, o.filesWith, o.filesWithout, o.quiet, o.outDir != "", o.outFile != "" && o.outFile != "-", o.formatGiven, !strings.EqualFold(o.format, string(output.Auto)):
		return
	}
	d := e.display(e.stdout)
	if d.Terminal || e.color == "always" {
		o.view = &output.View{Color: d.Color, Width: d.Width}
	}
}

// checkModes refuses flags that contradict each other, or that have no
// meaning where they are given, before anything is read.
func (o *runOptions) checkModes(e *env, args []string) error {
	var modes []string
	for _, m := range []struct {
		on   bool
		name string
	}{{o.count, "-c"}, {o.filesWith, "-l"}, {o.filesWithout, "-L"}, {o.quiet, "-q"}} {
		if m.on {
			modes = append(modes, m.name)
		}
	}
	mode := ""
	if len(modes) > 0 {
		mode = modes[0]
	}
	switch {
	case len(modes) > 1:
		return configErr(fmt.Errorf("%s: -c counts, -l and -L name inputs and -q writes nothing: give one", strings.Join(modes, " and ")))
	case o.onlyAnnotated && o.invert:
		return configErr(errors.New("-a writes only the annotated lines and -v only the others: give one (or neither, for every line)"))
	case o.withFilename && o.noFilename:
		return configErr(errors.New("-H writes file names and -h leaves them out: give one"))
	case mode != "" && mode != "-c" && (o.onlyAnnotated || o.invert):
		return configErr(fmt.Errorf("%s writes no lines: it goes with neither -a nor -v", mode))
	case mode != "" && o.follow.on:
		return configErr(fmt.Errorf("%s is about whole inputs: it does not go with -f, which never ends", mode))
	case mode != "" && o.outDir != "":
		return configErr(fmt.Errorf("%s writes no files: it does not go with --out-dir", mode))
	case (mode == "-l" || mode == "-L") && strings.EqualFold(o.format, string(output.JSON)):
		return configErr(fmt.Errorf("%s writes file names, not JSON; for JSON per input: -c --format json", mode))
	case mode == "-q" && o.outFile != "" && o.outFile != "-":
		return configErr(errors.New("-q writes nothing: it does not go with -o"))
	}
	return o.checkTerminalInput(e, args)
}

// checkTerminalInput refuses what would read the terminal when the user
// most likely meant something else: -v or -h with no FILE (the --version
// and --help of other tools), and -o FILE naming an existing file with no
// FILE to read (errtag -o app.log would read the terminal and replace
// app.log).
func (o *runOptions) checkTerminalInput(e *env, args []string) error {
	if len(args) > 0 || o.follow.on {
		return nil
	}
	w, ok := e.stdin.(io.Writer)
	if !ok || !e.baseDisplay(w).Terminal {
		return nil
	}
	switch {
	case o.invert:
		return configErr(errors.New("-v is grep's -v here (--invert-match: the lines without an annotation), and with no FILE errtag would read your terminal: give FILEs or pipe logs in; for the version: errtag --version (or -V)"))
	case o.noFilename:
		return configErr(errors.New("-h is grep's -h here (--no-filename), and with no FILE errtag would read your terminal: give FILEs or pipe logs in; for help: errtag --help"))
	case o.outFile != "" && o.outFile != "-":
		if fi, err := os.Stat(o.outFile); err == nil && fi.Mode().IsRegular() {
			return configErr(fmt.Errorf("-o %s names the file errtag writes, and with no FILE to read it would read your terminal and then replace %s; to read it: errtag %s", o.outFile, o.outFile, o.outFile))
		}
	}
	return nil
}

// after is what the run writes after each input, if anything: -c's count,
// or -l's or -L's file name.
func (o *runOptions) after(e *env, args []string, listed bool) func(w *output.Writer, name string, st stream.Stats) {
	switch {
	case o.count:
		named := (o.withFilename || len(args) > 1 || listed) && !o.noFilename
		return func(w *output.Writer, name string, st stream.Stats) { o.writeCount(w, name, named, st) }
	case o.filesWith, o.filesWithout:
		show := func(s string) string { return s }
		if e.display(e.stdout).Terminal {
			show = func(s string) string { return string(textui.Escape(nil, []byte(s), false)) }
		}
		return func(w *output.Writer, name string, st stream.Stats) {
			if (st.Annotated > 0) == o.filesWith {
				w.WriteString(show(name) + "\n")
			}
		}
	}
	return nil
}

// newSink returns the sink that writes the lines of the input shown as
// name to w, as the flags say: the format or the terminal view, every line
// or only the annotated ones, or nothing (-c: the counts are written after
// each input, by writeCount). Each input gets its own sink: that is how w
// keeps the inputs' lines apart.
func (o *runOptions) newSink(w *output.Writer, opts output.Options, name string) (stream.ParallelSink, error) {
	if o.withFilename || o.jsonNamesFiles() {
		opts.Source = name
	}
	if o.count || o.filesWith || o.filesWithout || o.quiet {
		return stream.Discard, nil
	}
	var s *output.Sink
	if o.view != nil {
		s = output.NewView(w, opts, *o.view)
	} else {
		var err error
		if s, err = output.NewSink(w, opts); err != nil {
			return nil, err
		}
	}
	switch {
	case o.onlyAnnotated:
		return annotatedOnlyParallel{annotatedOnly{s}, s}, nil
	case o.invert:
		return unannotatedOnlyParallel{unannotatedOnly{s}, s}, nil
	}
	return s, nil
}

// jsonNamesFiles says whether --format json adds each record's file
// without -H: with several inputs, a list or a -f pattern (manyInputs),
// unless -h; never with --out-dir, where each output holds one input.
func (o *runOptions) jsonNamesFiles() bool {
	return o.manyInputs && !o.noFilename && o.outDir == "" && strings.EqualFold(o.format, string(output.JSON))
}

// sinks is newSink for the driver.
func (o *runOptions) sinks(opts output.Options) func(w *output.Writer, name string) (stream.ParallelSink, error) {
	return func(w *output.Writer, name string) (stream.ParallelSink, error) {
		return o.newSink(w, opts, name)
	}
}

// writeCount writes -c's count of one input to w: N, or NAME:N when named
// (several inputs, or -H, and not -h); with --format json, one object per
// input. With -v, N counts the lines without an annotation.
func (o *runOptions) writeCount(w *output.Writer, name string, named bool, st stream.Stats) {
	if strings.EqualFold(o.format, string(output.JSON)) {
		// The keys of errtag stats --json's inputs.
		b, _ := json.Marshal(stats.Input{File: name, Lines: st.Lines, Annotated: st.Annotated, Bytes: st.Bytes})
		w.Write(append(b, '\n'))
		return
	}
	if named {
		d := textui.Display{}
		if o.view != nil {
			d.Color = o.view.Color
		}
		w.WriteString(d.Paint(textui.Magenta, output.SourceLabel(name)) + ":")
	}
	n := st.Annotated
	if o.invert {
		n = st.Lines - st.Annotated
	}
	w.WriteString(strconv.FormatInt(n, 10) + "\n")
}

// annotatedOnly is -a: it passes on only the lines that got an
// annotation, with the line break they had: a last line without one gets
// none, as everywhere (the output's Writer still starts the next input's
// lines on a line of their own).
type annotatedOnly struct{ s stream.Sink }

func (a annotatedOnly) Plain([]byte) error { return nil }

func (a annotatedOnly) Line(line, term []byte, anns []matcher.Annotation) error {
	if len(anns) == 0 {
		return nil
	}
	return a.s.Line(line, term, anns)
}

func (annotatedOnly) LongStart() error          { return nil }
func (annotatedOnly) LongChunk([]byte) error    { return nil }
func (annotatedOnly) LongEnd(term []byte) error { return nil }
func (a annotatedOnly) Flush() error            { return a.s.Flush() }

// annotatedOnlyParallel is annotatedOnly for stream.RunParallel: its
// workers render through annotatedOnly too.
type annotatedOnlyParallel struct {
	annotatedOnly
	p stream.ParallelSink
}

func (a annotatedOnlyParallel) Renderer(buf *bytes.Buffer) stream.Sink {
	return annotatedOnly{a.p.Renderer(buf)}
}

func (a annotatedOnlyParallel) WriteRendered(b []byte) error { return a.p.WriteRendered(b) }

// unannotatedOnly is -v: it passes on only the lines that got no
// annotation, as they came (long lines, never matched, included).
type unannotatedOnly struct{ s stream.Sink }

func (u unannotatedOnly) Plain(b []byte) error { return u.s.Plain(b) }

func (u unannotatedOnly) Line(line, term []byte, anns []matcher.Annotation) error {
	if len(anns) > 0 {
		return nil
	}
	return u.s.Line(line, term, nil)
}

func (u unannotatedOnly) LongStart() error          { return u.s.LongStart() }
func (u unannotatedOnly) LongChunk(b []byte) error  { return u.s.LongChunk(b) }
func (u unannotatedOnly) LongEnd(term []byte) error { return u.s.LongEnd(term) }
func (u unannotatedOnly) Flush() error              { return u.s.Flush() }

// unannotatedOnlyParallel is unannotatedOnly for stream.RunParallel.
type unannotatedOnlyParallel struct {
	unannotatedOnly
	p stream.ParallelSink
}

func (u unannotatedOnlyParallel) Renderer(buf *bytes.Buffer) stream.Sink {
	return unannotatedOnly{u.p.Renderer(buf)}
}

func (u unannotatedOnlyParallel) WriteRendered(b []byte) error { return u.p.WriteRendered(b) }
