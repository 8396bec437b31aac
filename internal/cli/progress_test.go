package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/stream"
	"github.com/errtag/errtag/internal/textui"
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

// TestProgress: the progress line counts the decoded bytes the line engine
// takes against what the files hold, names the file being read, waits a
// second before it shows, gives a rate over a window (not the first burst)
// and ends with a summary that stays.
func TestProgress(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	const mib = 1 << 20
	p := newProgressAt(&out, 200, clk.now)
	for _, n := range []string{"a.log", "b.log", "c.log", "d.log"} {
		p.addFile(n, 100*mib)
	}
	a := p.input(0)
	a.begin()
	a.countDecoded()(50 * mib) // a burst at the start
	clk.advance(500 * time.Millisecond)
	p.draw()
	if out.Len() != 0 {
		t.Fatalf("shown before a second: %q", out.String())
	}
	clk.advance(500 * time.Millisecond)
	p.draw()
	if got := lastLine(out.String()); got != "errtag: 0 of 4 files · a.log · 50.0 MiB of 400.0 MiB (12%)" {
		t.Errorf("first line %q", got)
	}
	// Then 10 MiB a second for six seconds: the rate is over the last
	// seconds only, so the first burst no longer shows in it.
	a.countDecoded()(50 * mib)
	a.end(stream.Stats{Lines: 100, Annotated: 3}, nil)
	b := p.input(1)
	b.begin()
	for range 6 {
		clk.advance(time.Second)
		b.countDecoded()(10 * mib)
		p.draw()
	}
	if got := lastLine(out.String()); got != "errtag: 1 of 4 files · b.log · 160.0 MiB of 400.0 MiB (40%) · 10.0 MiB/s · 0:24 left" {
		t.Errorf("steady line %q", got)
	}
	b.end(stream.Stats{Lines: 50, Annotated: 2}, nil)
	// c is missing, d is cut short by a corrupt block: what they did
	// not give is no longer expected.
	p.input(2).begin()
	p.input(2).end(stream.Stats{}, &inputError{name: "c.log", msg: "no such file or directory", missing: true})
	d := p.input(3)
	d.begin()
	d.countDecoded()(5 * mib)
	d.end(stream.Stats{Lines: 7}, &inputError{name: "d.log", msg: "corrupt", read: true})
	p.draw()
	if got := lastLine(out.String()); !strings.HasPrefix(got, "errtag: 4 of 4 files · 165.0 MiB of 165.0 MiB (100%)") {
		t.Errorf("at the end %q", got)
	}
	p.finish()
	if !strings.HasSuffix(out.String(), "\r\x1b[Kerrtag: read 2 of 4 files (1 missing, 1 cut short by an error), 165.0 MiB in 7s (23.6 MiB/s); 5 of 157 lines annotated\n") {
		t.Errorf("summary %q", out.String()[max(0, out.Len()-160):])
	}
	// A run shorter than a second shows nothing, not even a summary.
	var quick bytes.Buffer
	r := newProgressAt(&quick, 80, clk.now)
	r.addFile("a.log", mib)
	r.draw()
	r.finish()
	if quick.Len() != 0 {
		t.Errorf("a quick run drew %q", quick.String())
	}
}

// TestProgressCompressed: a compressed file weighs what it decodes to, as
// its trailer or headers state, or estimated; the display says that it
// counts uncompressed bytes. After two of four equal files (two plain, two
// gzip at 6:1), it is half done, not 88% as bytes on disk would say.
func TestProgressCompressed(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	const mib = 1 << 20
	p := newProgressAt(&out, 200, clk.now)
	for _, n := range []string{"a.log", "b.log"} {
		p.addFile(n, 60*mib)
	}
	for _, n := range []string{"c.log.gz", "d.log.gz"} {
		f := p.addFile(n, 10*mib)
		f.setCompression(compress.Gzip)
		f.stated, f.known, f.isize = compress.Size{N: 60 * mib, Stated: true}, true, 60*mib
	}
	for i := range 2 {
		f := p.input(i)
		f.begin()
		f.countRaw()(60 * mib)
		f.countDecoded()(60 * mib)
		f.end(stream.Stats{}, nil)
	}
	clk.advance(2 * time.Second)
	p.draw()
	if got := lastLine(out.String()); got != "errtag: 2 of 4 files · 120.0 MiB of 240.0 MiB uncompressed (50%)" {
		t.Errorf("after two of four %q", got)
	}

	// A file that states no size (pzstd) is estimated: from the ratio of
	// the others before it is read, then from its own; the total says it
	// is an estimate, and the percentage never goes back.
	q := newProgressAt(&out, 200, clk.now)
	g := q.addFile("a.log.gz", 10*mib)
	g.setCompression(compress.Gzip)
	g.stated, g.known, g.isize = compress.Size{N: 40 * mib, Stated: true}, true, 40*mib
	z := q.addFile("b.log.zst", 10*mib)
	z.setCompression(compress.Zstd)
	g.begin()
	g.countRaw()(10 * mib)
	g.countDecoded()(40 * mib)
	g.end(stream.Stats{}, nil)
	clk.advance(2 * time.Second)
	q.draw()
	if got := lastLine(out.String()); got != "errtag: 1 of 2 files · 40.0 MiB of ~80.0 MiB uncompressed (50%)" {
		t.Errorf("estimated from the other %q", got)
	}
	z.begin()
	z.countRaw()(5 * mib)
	z.countDecoded()(20 * mib) // 4:1, as the other
	clk.advance(time.Second)
	q.draw()
	if got := lastLine(out.String()); !strings.HasPrefix(got, "errtag: 1 of 2 files · b.log.zst · 60.0 MiB of ~80.0 MiB uncompressed (75%)") {
		t.Errorf("estimated from its own ratio %q", got)
	}
	// Its ratio grows: so does the estimate, and the percentage waits
	// for the work to catch up rather than going back.
	z.countRaw()(mib / 2)
	z.countDecoded()(20 * mib)
	clk.advance(time.Second)
	q.draw()
	if got := lastLine(out.String()); !strings.HasPrefix(got, "errtag: 1 of 2 files · b.log.zst · 80.0 MiB of ~112.7 MiB uncompressed (75%)") {
		t.Errorf("went back: %q", got)
	}
}

// TestProgressNarrow: on a narrow terminal, parts are left out whole, in
// order (the file name, cut first, then the byte counts, the rate, the
// file count), never cut in the middle of a number.
func TestProgressNarrow(t *testing.T) {
	t.Parallel()
	parts := []progressPart{
		{text: "2 of 5 files", keep: 2},
		{text: "a-rather-long-file-name-2024-05-14.log.gz", keep: 5, name: true},
		{text: "312.4 MiB of 1.2 GiB", keep: 4, pct: 26},
		{text: "85.1 MiB/s", keep: 3},
		{text: "0:10 left", keep: 1},
	}
	for _, c := range []struct {
		width int
		want  string
	}{
		{0, "errtag: 2 of 5 files · a-rather-long-file-name-2024-05-14.log.gz · 312.4 MiB of 1.2 GiB (26%) · 85.1 MiB/s · 0:10 left"},
		{120, "errtag: 2 of 5 files · a-rather-long-file-name-2024-05-14.log.gz · 312.4 MiB of 1.2 GiB (26%) · 85.1 MiB/s · 0:10 left"},
		{100, "errtag: 2 of 5 files · …name-2024-05-14.log.gz · 312.4 MiB of 1.2 GiB (26%) · 85.1 MiB/s · 0:10 left"},
		{80, "errtag: 2 of 5 files · 312.4 MiB of 1.2 GiB (26%) · 85.1 MiB/s · 0:10 left"},
		{70, "errtag: 2 of 5 files · 26% · 85.1 MiB/s · 0:10 left"},
		{45, "errtag: 2 of 5 files · 26% · 0:10 left"},
		{30, "errtag: 26% · 0:10 left"},
		{20, "26% · 0:10 left"},
		{3, "26%"},
	} {
		got := layout(parts, c.width)
		if got != c.want {
			t.Errorf("width %d:\n got %q\nwant %q", c.width, got, c.want)
		}
		if c.width > 0 && textui.Width(got) > c.width {
			t.Errorf("width %d: %d columns", c.width, textui.Width(got))
		}
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
