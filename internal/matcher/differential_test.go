package matcher_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/bench/loggen"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
)

var updateDiff = flag.Bool("update", false, "rewrite testdata/differential.txt.gz from the current matcher")

// The differential test holds the matcher to what it answered before it
// was rewritten for speed (issue 13): every annotation (system, code, row,
// alternatives, rule, cue, offset) of every line of a corpus of generated
// logs (bench/loggen, text and JSON lines, three seeds), the repository's
// test logs, the lookalike and positive corpora and the fuzz seeds, under
// the built-in rules with no --system, under each --system, and with the
// 500 generated rules; and, for the test logs and the positives, the whole
// Trace (what errtag test prints). The record was written by the matcher
// before the rewrite; a change of the matcher's answers shows up as a
// diff of testdata/differential.txt.gz (go test -run Differential -update
// rewrites it, and the change is then reviewed like a golden file's).

// diffCorpus is one named list of lines.
type diffCorpus struct {
	name  string
	lines []string
	trace bool // record the Trace of every line too
}

func diffCorpora(t *testing.T) []diffCorpus {
	t.Helper()
	var out []diffCorpus
	for _, f := range []loggen.Format{loggen.Text, loggen.JSON} {
		for seed := uint64(1); seed <= 3; seed++ {
			g, err := loggen.New(seed, f)
			if err != nil {
				t.Fatal(err)
			}
			var buf []byte
			for len(buf) < 256<<10 {
				buf, _ = g.Next(buf)
			}
			out = append(out, diffCorpus{name: fmt.Sprintf("loggen-%d-seed%d", f, seed), lines: strings.Split(strings.TrimSuffix(string(buf), "\n"), "\n")})
		}
	}
	logs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range logs {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, diffCorpus{name: "logs/" + filepath.Base(name), lines: strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), trace: true})
	}
	out = append(out, diffCorpus{name: "lookalikes", lines: readJSONLines(t, "lookalikes.jsonl")})
	out = append(out, diffCorpus{name: "positives", lines: readJSONLines(t, "positives.jsonl"), trace: true})
	out = append(out, diffCorpus{name: "fuzz-seeds", lines: fuzzMatchSeeds, trace: true})
	return out
}

// readJSONLines returns the "line" of each record of a testdata/lookalikes
// file.
func readJSONLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "lookalikes", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var v struct{ Line string }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v.Line)
	}
	return out
}

// diffMatchers are the matchers the corpora run under: the built-in rules
// with no --system and with each, then the 500 generated rules.
func diffMatchers(t *testing.T) (names []string, ms []*matcher.Matcher) {
	t.Helper()
	for i, sys := range fuzzSystems {
		names = append(names, "system="+sys)
		ms = append(ms, fuzzMatcherFor(t, i))
	}
	rf, cats := loggen.Rules500()
	var catalogs []loader.Source
	for _, c := range cats {
		catalogs = append(catalogs, loader.Source{Name: c.Name, Data: c.Data})
	}
	l, err := loader.Load(loader.Config{Catalogs: catalogs, Rules: []loader.Source{{Name: rf.Name, Data: rf.Data}}})
	if err != nil {
		t.Fatal(err)
	}
	names = append(names, "rules500")
	ms = append(ms, l.Matcher)
	return names, ms
}

// formatAnns writes the annotations of one line, all that Annotation holds.
func formatAnns(anns []matcher.Annotation) string {
	var b strings.Builder
	for i, a := range anns {
		if i > 0 {
			b.WriteString(" | ")
		}
		e := a.Entry
		fmt.Fprintf(&b, "%s %s known=%v name=%q cat=%q group=%q msg=%q rem=%q rule=%s cue=%s off=%d", e.System, e.Code, a.Known, e.Name, e.Category, e.Group, e.Message, e.Remediation, a.Rule, a.Cue, a.Offset)
		for _, alt := range a.Alternatives {
			fmt.Fprintf(&b, " alt=%q/%q", alt.Name, alt.Message)
		}
	}
	return b.String()
}

func formatTrace(tr *matcher.Trace) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  gate %q at %d; marked %q; not markers %q\n", tr.Gate, tr.GateOffset, tr.Marked, tr.NotMarkers)
	for _, e := range tr.Events {
		fmt.Fprintf(&b, "  event %s %s @%d: %s\n", e.Rule, e.Where, e.Offset, e.What)
	}
	for _, e := range tr.Dropped {
		fmt.Fprintf(&b, "  dropped %s @%d: %s\n", e.Rule, e.Offset, e.What)
	}
	fmt.Fprintf(&b, "  => %s\n", formatAnns(tr.Annotations))
	return b.String()
}

// diffRecord is what the matchers answer on the corpora. Lines the
// built-in matcher (no --system) leaves alone are not written for it; for
// the others, only the lines where they answer differently from it.
func diffRecord(t *testing.T) []byte {
	names, ms := diffMatchers(t)
	var b bytes.Buffer
	for _, c := range diffCorpora(t) {
		fmt.Fprintf(&b, "# %s (%d lines)\n", c.name, len(c.lines))
		for n, line := range c.lines {
			base := formatAnns(ms[0].Match([]byte(line)))
			if base != "" {
				fmt.Fprintf(&b, "%d %s: %s\n", n+1, names[0], base)
			}
			for i := 1; i < len(ms); i++ {
				if got := formatAnns(ms[i].Match([]byte(line))); got != base {
					fmt.Fprintf(&b, "%d %s: %s\n", n+1, names[i], got)
				}
			}
			if c.trace {
				for i, m := range ms[:len(ms)-1] {
					fmt.Fprintf(&b, "%d trace %s:\n%s", n+1, names[i], formatTrace(m.Trace([]byte(line))))
				}
			}
		}
	}
	return b.Bytes()
}

// TestDifferential compares the matcher's answers with the record (see
// above).
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("the differential corpus takes a few seconds")
	}
	got := diffRecord(t)
	name := filepath.Join("testdata", "differential.txt.gz")
	if *updateDiff {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(got)
		zw.Close()
		if err := os.WriteFile(name, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if _, err := want.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want.Bytes()) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(want.String(), "\n")
	shown := 0
	for i := 0; i < max(len(gl), len(wl)) && shown < 10; i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("record line %d:\n got %s\nwant %s", i+1, g, w)
			shown++
		}
	}
	t.Errorf("the matcher's answers differ from the record (go test -run Differential -update to rewrite it, then review the diff)")
}
