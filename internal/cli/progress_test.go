package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/errtag/errtag/internal/stream"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// lastLine is the last progress line drawn on a terminal: what follows
// the last carriage return, without the erase sequence.
func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "\x1b[K"), "\x1b[K")
}

// TestProgress: the progress line counts the same bytes on both sides,
// names the file being read, waits a second before it shows, gives a rate
// over a window (not the first burst) and ends with a summary that stays.
func TestProgress(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	const mib = 1 << 20
	p := newProgressAt(&out, 200, 400*mib, 4, clk.now)
	p.begin("a.log.gz")
	p.add(50 * mib) // a burst at the start
	clk.advance(500 * time.Millisecond)
	p.draw()
	if out.Len() != 0 {
		t.Fatalf("shown before a second: %q", out.String())
	}
	clk.advance(500 * time.Millisecond)
	p.draw()
	if got := lastLine(out.String()); got != "errtag: 0 of 4 files · a.log.gz · 50.0 MiB of 400.0 MiB (12%)" {
		t.Errorf("first line %q", got)
	}
	// Then 10 MiB a second for six seconds: the rate is over the last
	// seconds only, so the first burst no longer shows in it.
	p.end("a.log.gz", stream.Stats{Lines: 100, Annotated: 3})
	p.begin("b.log")
	for range 6 {
		clk.advance(time.Second)
		p.add(10 * mib)
		p.draw()
	}
	if got := lastLine(out.String()); got != "errtag: 1 of 4 files · b.log · 110.0 MiB of 400.0 MiB (28%) · 10.0 MiB/s · 0:29 left" {
		t.Errorf("steady line %q", got)
	}
	p.end("b.log", stream.Stats{Lines: 50, Annotated: 2})
	p.finish()
	if !strings.HasSuffix(out.String(), "\r\x1b[Kerrtag: read 2 of 4 files, 110.0 MiB in 7s (15.7 MiB/s); 5 of 150 lines annotated\n") {
		t.Errorf("summary %q", out.String()[max(0, out.Len()-120):])
	}
	// Narrow terminals get the line cut, never wrapped.
	var narrow bytes.Buffer
	q := newProgressAt(&narrow, 40, 10*mib, 1, clk.now)
	q.begin("a-rather-long-file-name-2024-05-14.log.gz")
	clk.advance(2 * time.Second)
	q.draw()
	if got := lastLine(narrow.String()); len([]rune(got)) > 39 {
		t.Errorf("over 39 columns: %q", got)
	}
	// A run shorter than a second shows nothing, not even a summary.
	var quick bytes.Buffer
	r := newProgressAt(&quick, 80, mib, 1, clk.now)
	r.draw()
	r.finish()
	if quick.Len() != 0 {
		t.Errorf("a quick run drew %q", quick.String())
	}
}

// TestProgressWhere: no progress on a stderr that is not a terminal, for
// standard input, or when the output goes to the terminal.
func TestProgressWhere(t *testing.T) {
	t.Parallel()
	f := writeFile(t, "a.log", "x\n")
	if p := newProgress(newEnv(Env{}), []string{f}, false); p != nil {
		t.Error("progress without a terminal")
	}
	term := newEnv(onTerminal(80, false))
	for _, c := range []struct {
		inputs   []string
		onTerm   bool
		wantShow bool
	}{
		{[]string{f}, false, true},
		{[]string{f}, true, false},
		{[]string{"-"}, false, false},
		{[]string{f, "-"}, false, false},
	} {
		p := newProgress(term, c.inputs, c.onTerm)
		if (p != nil) != c.wantShow {
			t.Errorf("%v on terminal %v: progress %v", c.inputs, c.onTerm, p != nil)
		}
		p.finish()
	}
}
