package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
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

// colorWords maps what --color takes to auto, always or never (grep's and
// ls's spellings included).
var colorWords = map[string]string{
	"auto": "auto", "tty": "auto", "if-tty": "auto",
	"always": "always", "yes": "always", "force": "always", "on": "always",
	"never": "never", "no": "never", "none": "never", "off": "never",
}

func (c *colorValue) Set(v string) error {
	w, ok := colorWords[strings.ToLower(v)]
	if !ok {
		return errors.New("give auto (colour on a terminal, unless NO_COLOR is set), always or never")
	}
	*c = colorValue(w)
	return nil
}

func (c *colorValue) String() string { return string(*c) }
func (c *colorValue) Type() string   { return "WHEN" }

// registerColorFlag adds --color, for every command.
func registerColorFlag(root *cobra.Command) {
	c := colorValue("auto")
	root.PersistentFlags().Var(&c, "color", "colour the output for a person: `WHEN` auto (on a terminal, unless NO_COLOR is set), always or never")
}

// applyColor makes e's displays follow --color: always colours wherever
// the output goes (NO_COLOR does not stop it: the command line wins over
// the environment), never nowhere, auto on a terminal unless NO_COLOR is
// set.
func applyColor(cmd *cobra.Command, e *env) {
	f := cmd.Flags().Lookup("color")
	if f == nil {
		return
	}
	e.color = f.Value.String()
	base := e.baseDisplay
	switch e.color {
	case "always":
		e.display = func(w io.Writer) textui.Display { d := base(w); d.Color = true; return d }
	case "never":
		e.display = func(w io.Writer) textui.Display { d := base(w); d.Color = false; return d }
	default:
		e.display = base
	}
}

// outputOptions are the flags that choose what a run writes of each line.
type outputOptions struct {
	onlyAnnotated bool
	count         bool
	// formatGiven is true when --format (or --output) was given, on the
	// command line or by the config file: the format, not the view.
	formatGiven bool
	// view is the terminal view's look, when the run writes the view.
	view *output.View
}

func (o *outputOptions) register(f *pflag.FlagSet) {
	f.BoolVarP(&o.onlyAnnotated, "only-annotated", "a", false, "write only the lines that got an annotation, as grep writes only the lines that match (with -H, each after its file name)")
	f.BoolVarP(&o.count, "count", "c", false, "write, for each input, only how many lines got an annotation, as grep -c does (FILE:N with several inputs or -H)")
}

// choose decides, once the flags are known, whether the run writes the
// terminal view.
func (o *runOptions) chooseView(e *env) {
	o.view = nil
	switch {
	case o.count, o.outDir != "", o.outFile != "" && o.outFile != "-", o.formatGiven, !strings.EqualFold(o.format, string(output.Auto)):
		return
	}
	d := e.display(e.stdout)
	if d.Terminal || e.color == "always" {
		o.view = &output.View{Color: d.Color, Width: d.Width}
	}
}

// checkCount refuses -c where it has no meaning.
func (o *runOptions) checkCount() error {
	switch {
	case !o.count:
		return nil
	case o.follow.on:
		return configErr(errors.New("-c counts whole inputs: it does not go with -f, which never ends"))
	case o.outDir != "":
		return configErr(errors.New("-c writes counts, not files: it does not go with --out-dir"))
	}
	return nil
}

// newSink returns the sink that writes the lines of the input shown as
// name to w, as the flags say: the format or the terminal view, every line
// or only the annotated ones, or nothing (-c: the counts are written after
// each input, by writeCount). Each input gets its own sink: that is how w
// keeps the inputs' lines apart.
func (o *runOptions) newSink(w *output.Writer, opts output.Options, name string) (stream.ParallelSink, error) {
	if o.withFilename {
		opts.Source = name
	}
	if o.count {
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
	if o.onlyAnnotated {
		return annotatedOnlyParallel{annotatedOnly{s}, s}, nil
	}
	return s, nil
}

// sinks is newSink for the driver.
func (o *runOptions) sinks(opts output.Options) func(w *output.Writer, name string) (stream.ParallelSink, error) {
	return func(w *output.Writer, name string) (stream.ParallelSink, error) {
		return o.newSink(w, opts, name)
	}
}

// writeCount writes -c's count of one input to w: N, or NAME:N when named
// (several inputs, or -H); with --format json, one object per input.
func (o *runOptions) writeCount(w *output.Writer, name string, named bool, st stream.Stats) {
	if strings.EqualFold(o.format, string(output.JSON)) {
		b, _ := json.Marshal(struct {
			File      string `json:"file"`
			Lines     int64  `json:"lines"`
			Annotated int64  `json:"annotated"`
		}{name, st.Lines, st.Annotated})
		w.Write(append(b, '\n'))
		return
	}
	if named {
		d := textui.Display{}
		if o.view != nil {
			d.Color = o.view.Color
		}
		w.WriteString(d.Paint(textui.Magenta, name) + ":")
	}
	w.WriteString(strconv.FormatInt(st.Annotated, 10) + "\n")
}

// annotatedOnly is -a: it passes on only the lines that got an
// annotation, each ending in a line break (a last line without one gets
// one: -a's output is lines).
type annotatedOnly struct{ s stream.Sink }

func (a annotatedOnly) Plain([]byte) error { return nil }

func (a annotatedOnly) Line(line, term []byte, anns []matcher.Annotation) error {
	if len(anns) == 0 {
		return nil
	}
	if len(term) == 0 {
		term = []byte{'\n'}
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
