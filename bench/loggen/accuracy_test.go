package loggen_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/errtag/errtag/bench/loggen"
	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
)

// score counts, line by line, the built-in matcher's annotations against
// what the generator says each line carries.
type score struct {
	lines, tp, fp, fn int
	fpLines, fnLines  []string // a few examples
}

func (s *score) precision() float64 { return float64(s.tp) / float64(max(s.tp+s.fp, 1)) }
func (s *score) recall() float64    { return float64(s.tp) / float64(max(s.tp+s.fn, 1)) }

// measure generates lines of format f and scores the matcher on them.
func measure(t *testing.T, m *matcher.Matcher, f loggen.Format, lines int) *score {
	t.Helper()
	g, err := loggen.New(7, f)
	if err != nil {
		t.Fatal(err)
	}
	s := &score{}
	var buf []byte
	for s.lines < lines {
		var ev loggen.Event
		buf, ev = g.Next(buf[:0])
		for i, line := range bytes.Split(bytes.TrimSuffix(buf, []byte("\n")), []byte("\n")) {
			s.lines++
			want := ""
			if ev.System != "" && i == ev.Carrier {
				want = ev.System + ":" + ev.Code
			}
			found := false
			for _, a := range m.Match(line) {
				if got := a.Entry.System + ":" + a.Entry.Code; got == want && !found {
					found = true
					s.tp++
				} else {
					s.fp++
					if len(s.fpLines) < 5 {
						s.fpLines = append(s.fpLines, fmt.Sprintf("%s (want %q): %s", got, want, line))
					}
				}
			}
			if want != "" && !found {
				s.fn++
				if len(s.fnLines) < 5 {
					s.fnLines = append(s.fnLines, fmt.Sprintf("%s: %s", want, line))
				}
			}
		}
	}
	return s
}

// TestGeneratedAccuracy: on the benchmark generator's corpus (error events
// of the five systems among ordinary lines and decoys), the built-in rules
// keep precision >= 0.995 and recall >= 0.99. ERRTAG_LOGGEN_LINES sets the
// number of lines per format (default 40,000).
func TestGeneratedAccuracy(t *testing.T) {
	t.Parallel()
	n := 40000
	if v, err := strconv.Atoi(os.Getenv("ERRTAG_LOGGEN_LINES")); err == nil && v > 0 {
		n = v
	}
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(cat, rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	m, err := matcher.New(set, cat, matcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		f    loggen.Format
	}{{"text", loggen.Text}, {"json", loggen.JSON}} {
		s := measure(t, m, f.f, n)
		t.Logf("%s: %d lines, %d errors found, %d wrong, %d missed: precision %.4f, recall %.4f", f.name, s.lines, s.tp, s.fp, s.fn, s.precision(), s.recall())
		if s.precision() < 0.995 || s.recall() < 0.99 {
			t.Errorf("%s: precision %.4f (want >= 0.995), recall %.4f (want >= 0.99)\nwrong: %q\nmissed: %q", f.name, s.precision(), s.recall(), s.fpLines, s.fnLines)
		}
	}
}
