package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
	"github.com/errtag/errtag/internal/textui"
	"github.com/spf13/cobra"
)

// newTestCmd is `errtag test`: for each line, which rule matched which span,
// which system and catalog entry it resolved to, and why a line did not
// match.
func newTestCmd(e *env) *cobra.Command {
	c := &configOptions{}
	var asJSON bool
	var format string
	var cases string
	input := "-"
	cmd := &cobra.Command{
		Use:   "test [flags] ['LINE'...]",
		Short: "Show how the rules treat log lines (for rule authors)",
		Long: `test runs the rules over each LINE (or each line of standard input when no
LINE is given) and shows what happened: the prefilter literal that let the
line in, the systems whose markers are on it, what every rule did where, the
finds that were dropped and why, and the annotations that result. It says
first which rules are off (switched off by a disable: list or replaced) and
why. The lines are matched as lines of the input --input names: the config
file's inputs: bindings decide its system.

With --cases FILE, test checks the lines of FILE against the annotations
each must get (or none), says ok or FAIL for each case with the difference,
and exits 1 when a case failed: a system's tests, for a person or for CI.
FILE is YAML or JSON Lines (docs/FORMATS.md, "Test cases").`,
		Example: `  errtag test 'E EFOTA: download failed resultCode=-1401'
  errtag test --rules my-rules.yaml < sample.log
  errtag test --system knox-efota --json 'error code 901'
  errtag test --config pg/errtag.yaml --input /var/log/postgresql/x.log < sample.log
  errtag test --config redis/errtag.yaml --cases redis/cases.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := resolveJSON(cmd, e, &format, asJSON); err != nil {
				return err
			}
			asJSON = format == "json"
			var cf *casesFile
			if cases != "" {
				if len(args) > 0 {
					return configErr(fmt.Errorf("test: --cases takes the lines from its file: give no LINE"))
				}
				var err error
				if cf, err = readCases(cases); err != nil {
					return configErr(err)
				}
			}
			t, err := c.load(e)
			if err != nil {
				return err
			}
			l := loader.Of(t) // the trace and the rules switched off
			if cf != nil {
				in := input
				if cf.input != "" && !cmd.Flags().Changed("input") {
					in = cf.input
				}
				w := bufio.NewWriter(e.stdout)
				err := runCases(w, l, cf, cases, in, asJSON)
				if ferr := w.Flush(); ferr != nil {
					return writeFailure(ferr)
				}
				return err
			}
			m := l.For(input)
			w := bufio.NewWriter(e.stdout)
			if !asJSON {
				writeOff(w, l.Rules.Off)
			}
			// On a terminal, what would control it in a line is shown, not
			// obeyed (textui.Escape).
			show := func(s string) string { return s }
			if e.display(e.stdout).Terminal {
				show = func(s string) string { return string(textui.Escape(nil, []byte(s), false)) }
			}
			each := func(n int, line string) {
				tr := m.Trace([]byte(line))
				if asJSON {
					writeTraceJSON(w, n, line, tr, l.Rules.Off) // w keeps the error for Flush
				} else {
					writeTrace(w, n, show(line), tr)
				}
			}
			done := func() error {
				if err := w.Flush(); err != nil {
					return writeFailure(err)
				}
				return nil
			}
			if len(args) > 0 {
				for i, a := range args {
					each(i+1, strings.TrimRight(a, "\r\n"))
				}
				return done()
			}
			r := bufio.NewReader(e.stdin)
			for n := 1; ; n++ {
				line, err := r.ReadString('\n')
				if len(line) > 0 {
					each(n, strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"))
				}
				if err == io.EOF {
					return done()
				}
				if err != nil {
					return &exitError{code: ExitInput, err: fmt.Errorf("reading standard input: %w", err)}
				}
			}
		},
	}
	c.register(cmd)
	markReadsLogs(cmd)
	formatFlags(cmd.Flags(), &format, &asJSON, []string{"text", "json"}, "output `FORMAT`: text, for a person, or json (one JSON object per line, for scripts)", "")
	cmd.Flags().StringVar(&input, "input", "-", "match the lines as lines of the input `NAME` (its path: the config's inputs: say which system it is)")
	cmd.Flags().StringVar(&cases, "cases", "", "check the cases of `FILE` (YAML or JSON Lines: each a line and the annotations it must get); exit 1 when one fails")
	return cmd
}

// writeOff says which rules are off, and why.
func writeOff(w io.Writer, off []rules.Off) {
	if len(off) == 0 {
		return
	}
	fmt.Fprintf(w, "rules off:\n")
	for _, o := range off {
		fmt.Fprintf(w, "  %-32s %s  (%s)\n", o.Rule.ID, o, o.Rule.Where())
	}
	fmt.Fprintln(w)
}

func writeTrace(w io.Writer, n int, line string, tr *matcher.Trace) {
	fmt.Fprintf(w, "line %d: %s\n", n, line)
	writeMarkers := func() {
		if len(tr.Marked) > 0 {
			fmt.Fprintf(w, "  markers:   %s\n", strings.Join(tr.Marked, ", "))
		} else {
			fmt.Fprintf(w, "  markers:   none\n")
		}
		for _, nm := range tr.NotMarkers {
			fmt.Fprintf(w, "  no marker: %s\n", nm)
		}
	}
	if tr.Gate == "" {
		fmt.Fprintf(w, "  prefilter: none of the words that let a rule run (markers, carrier literals) occurs on the line, so no rule ran\n")
		writeMarkers()
		// What the rules whose own literals are on the line would have
		// said: most often a missing marker.
		for _, ev := range tr.Events {
			if !strings.HasPrefix(ev.What, "none of its literals") {
				fmt.Fprintf(w, "  %-32s @%-4d %s  (%s)\n", ev.Rule, ev.Offset, ev.What, ev.Where)
			}
		}
		fmt.Fprintf(w, "  => no annotation\n\n")
		return
	}
	fmt.Fprintf(w, "  prefilter: %q at byte %d%s\n", tr.Gate, tr.GateOffset, gateInWord(line, tr.GateOffset, len(tr.Gate)))
	writeMarkers()
	seen := map[string]bool{}
	for _, ev := range tr.Events {
		key := ev.Rule + "\x00" + ev.What
		if seen[key] {
			continue
		}
		seen[key] = true
		fmt.Fprintf(w, "  %-32s @%-4d %s  (%s)\n", ev.Rule, ev.Offset, ev.What, ev.Where)
	}
	for _, d := range tr.Dropped {
		fmt.Fprintf(w, "  dropped %s @%d: %s\n", d.Rule, d.Offset, d.What)
	}
	if len(tr.Annotations) == 0 {
		fmt.Fprintf(w, "  => no annotation\n\n")
		return
	}
	for _, a := range tr.Annotations {
		e := a.Entry
		if !a.Known {
			fmt.Fprintf(w, "  => %s %s: not in the %s catalog (known=false) [rule %s, cue %s]\n", e.System, e.Code, e.System, a.Rule, a.Cue)
			continue
		}
		if e.Name == "" {
			fmt.Fprintf(w, "  => %s %s: no row picked: the line's message agrees with none of the code's %d rows [rule %s, cue %s]\n", e.System, e.Code, len(a.Alternatives), a.Rule, a.Cue)
		} else {
			fmt.Fprintf(w, "  => %s %s %s (%s) [rule %s, cue %s]\n", e.System, e.Code, e.Name, e.Category, a.Rule, a.Cue)
		}
		for _, alt := range a.Alternatives {
			fmt.Fprintf(w, "     or %s: the line's message did not pick a row\n", alt.Name)
		}
	}
	fmt.Fprintln(w)
}

// gateInWord says, when the prefilter literal found at off (n bytes) is
// part of a longer word ("ERR" in "ERROR"), that it is, and that this is
// only the prefilter's scan, which ignores word boundaries: the rules
// decide. It returns "" when the literal stands as a word of its own.
func gateInWord(line string, off, n int) string {
	if off < 0 || off+n > len(line) || n == 0 {
		return ""
	}
	word := func(i int) bool {
		c := line[i]
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
	}
	start, end := off, off+n
	if word(start) {
		for start > 0 && word(start-1) {
			start--
		}
	}
	if word(end - 1) {
		for end < len(line) && word(end) {
			end++
		}
	}
	if start == off && end == off+n {
		return ""
	}
	return fmt.Sprintf(", inside the word %q (only the prefilter's scan, which ignores word boundaries: the rules below decide)", clip(line[start:end], 40))
}

// traceJSON is one line of errtag test --json. Its keys are snake_case like
// the rest of errtag's JSON, and its lists are always present (empty when
// there is nothing), so that scripts need no test for a missing key.
type traceJSON struct {
	Line            int              `json:"line"`
	Text            string           `json:"text"`
	Prefilter       string           `json:"prefilter,omitempty"`
	PrefilterOffset *int             `json:"prefilter_offset,omitempty"`
	Markers         []string         `json:"markers"`
	NotMarkers      []string         `json:"not_markers"`
	Events          []traceEventJSON `json:"events"`
	Dropped         []traceEventJSON `json:"dropped"`
	Annotations     []annotationJSON `json:"annotations"`
	RulesOff        []offJSON        `json:"rules_off"`
}

// offJSON is a rule that is off (disable: or replace: true), in --json.
type offJSON struct {
	Rule  string `json:"rule"`
	Where string `json:"where"`
	Why   string `json:"why"`
}

// traceEventJSON is a matcher.TraceEvent in errtag test --json.
type traceEventJSON struct {
	Rule   string `json:"rule"`
	Offset int    `json:"offset"`
	What   string `json:"what"`
	Where  string `json:"where"`
}

type annotationJSON struct {
	System       string   `json:"system"`
	Code         string   `json:"code"`
	Name         string   `json:"name,omitempty"`
	Category     string   `json:"category,omitempty"`
	Known        bool     `json:"known"`
	Rule         string   `json:"rule"`
	Cue          string   `json:"cue"`
	Alternatives []string `json:"alternatives,omitempty"`
}

func traceEvents(evs []matcher.TraceEvent) []traceEventJSON {
	out := make([]traceEventJSON, len(evs))
	for i, ev := range evs {
		out[i] = traceEventJSON{Rule: ev.Rule, Offset: ev.Offset, What: ev.What, Where: ev.Where}
	}
	return out
}

func writeTraceJSON(w io.Writer, n int, line string, tr *matcher.Trace, off []rules.Off) error {
	out := traceJSON{Line: n, Text: line, Prefilter: tr.Gate, Markers: tr.Marked, NotMarkers: tr.NotMarkers,
		Events: traceEvents(tr.Events), Dropped: traceEvents(tr.Dropped), Annotations: []annotationJSON{}, RulesOff: []offJSON{}}
	for _, o := range off {
		out.RulesOff = append(out.RulesOff, offJSON{Rule: o.Rule.ID, Where: o.Rule.Where(), Why: o.String()})
	}
	if tr.Gate != "" {
		out.PrefilterOffset = &tr.GateOffset
	}
	if out.Markers == nil {
		out.Markers = []string{}
	}
	if out.NotMarkers == nil {
		out.NotMarkers = []string{}
	}
	for _, a := range tr.Annotations {
		aj := annotationJSON{System: a.Entry.System, Code: a.Entry.Code, Name: a.Entry.Name, Category: a.Entry.Category, Known: a.Known, Rule: a.Rule, Cue: a.Cue.String()}
		for _, alt := range a.Alternatives {
			aj.Alternatives = append(aj.Alternatives, alt.Name)
		}
		out.Annotations = append(out.Annotations, aj)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // log lines are not HTML: > stays >
	return enc.Encode(out)
}
