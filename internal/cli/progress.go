package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/errtag/errtag/internal/stream"
	"github.com/errtag/errtag/internal/textui"
)

// Progress.
//
// A run on files (the filter, --out-dir, stats) shows on standard error,
// when that is a terminal, how far it has got:
//
//	errtag: 2 of 5 files · app-03.log.gz · 312.4 MiB of 1.2 GiB (26%) · 85.1 MiB/s · 0:10 left
//
// The bytes are the files' bytes as stored, read so far, against the sum
// of their sizes: one measure on both sides, so the percentage is true for
// a mix of compressed and plain files (a compressed file counts its
// compressed bytes). The rate is taken over the last few seconds, and shown
// once a second has passed, so that it is steady and never the burst of
// the first read. The line appears only once the run has lasted a second,
// and is replaced at the end by a summary that stays:
//
//	errtag: read 5 files, 1.2 GiB in 14.2s (86.3 MiB/s); 1234 of 9876543 lines annotated
//
// Nothing is shown when standard error is not a terminal, nor when the
// output itself goes to the same terminal (the lines are the progress).

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// progressAfter is how long a run lasts before its progress is shown.
const progressAfter = time.Second

// rateWindow is how far back the rate looks.
const rateWindow = 5 * time.Second

// progress is the progress display of one run. Its methods are safe for
// concurrent use and on a nil *progress, which shows nothing.
type progress struct {
	w     io.Writer
	width int
	now   func() time.Time

	total int64 // bytes of the inputs, as stored
	files int   // inputs

	done      atomic.Int64 // bytes read
	mu        sync.Mutex
	current   []string // inputs being read, in the order they started
	finished  int      // inputs read to their end (or as far as they could be)
	lines     int64
	annotated int64
	start     time.Time
	samples   []sample // (time, bytes) of recent draws, for the rate
	shown     bool

	running bool // run was started
	stop    chan struct{}
	wait    chan struct{}
	once    sync.Once
}

type sample struct {
	at   time.Time
	done int64
}

// newProgress returns the progress display of a run over inputs on e's
// standard error, or nil when there is to be none: standard error is not
// a terminal, outputOnTerminal says the output goes to the terminal, or
// the inputs have no size to show progress against (standard input).
func newProgress(e *env, inputs []string, outputOnTerminal bool) *progress {
	d := e.display(e.stderr)
	if !d.Terminal || outputOnTerminal {
		return nil
	}
	var total int64
	for _, in := range inputs {
		if in == "-" {
			return nil
		}
		if fi, err := os.Stat(in); err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
	}
	if total == 0 {
		return nil
	}
	p := newProgressAt(e.stderr, d.Width, total, len(inputs), time.Now)
	p.running = true
	go p.run()
	return p
}

// newProgressAt is a progress display writing to w, width columns wide,
// for files of total bytes, with the clock now; it draws only when told
// (draw), for tests.
func newProgressAt(w io.Writer, width int, total int64, files int, now func() time.Time) *progress {
	return &progress{w: w, width: width, now: now, total: total, files: files, start: now(),
		stop: make(chan struct{}), wait: make(chan struct{})}
}

// add records n more bytes read.
func (p *progress) add(n int64) {
	if p != nil {
		p.done.Add(n)
	}
}

// counter is add, or nil for no display (so that nothing counts).
func (p *progress) counter() func(int64) {
	if p == nil {
		return nil
	}
	return p.add
}

// clear removes the progress line, if shown, before a message is written
// to standard error; the next draw puts it back.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// begin records that the input name is being read.
func (p *progress) begin(name string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.current = append(p.current, name)
	p.mu.Unlock()
}

// end records that the input name has been read, with its counts.
func (p *progress) end(name string, st stream.Stats) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, c := range p.current {
		if c == name {
			p.current = append(p.current[:i], p.current[i+1:]...)
			break
		}
	}
	p.finished++
	p.lines += st.Lines
	p.annotated += st.Annotated
}

func (p *progress) run() {
	defer close(p.wait)
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.draw()
		case <-p.stop:
			return
		}
	}
}

// draw redraws the progress line, once the run has lasted progressAfter.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(p.start) < progressAfter {
		return
	}
	p.shown = true
	done := p.done.Load()
	p.samples = append(p.samples, sample{now, done})
	for len(p.samples) > 2 && now.Sub(p.samples[1].at) >= rateWindow {
		p.samples = p.samples[1:]
	}
	parts := []string{fmt.Sprintf("%d of %d files", p.finished, p.files)}
	if len(p.current) > 0 {
		cur := p.current[len(p.current)-1]
		if n := len(p.current); n > 1 {
			cur += fmt.Sprintf(" (and %d more)", n-1)
		}
		parts = append(parts, cur)
	}
	pct := float64(done) * 100 / float64(p.total)
	parts = append(parts, fmt.Sprintf("%s of %s (%.0f%%)", bytesText(done), bytesText(p.total), min(pct, 100)))
	first := p.samples[0]
	if span := now.Sub(first.at); span >= time.Second {
		rate := float64(done-first.done) / span.Seconds()
		parts = append(parts, bytesText(int64(rate))+"/s")
		if rate > 0 && done < p.total {
			left := time.Duration(float64(p.total-done) / rate * float64(time.Second))
			parts = append(parts, clock(left)+" left")
		}
	}
	line := "errtag: " + strings.Join(parts, " · ")
	if p.width > 0 {
		line = textui.Truncate(line, p.width-1)
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// finish stops the display and, if it was shown, replaces it with the
// summary; later calls do nothing.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		if p.running {
			<-p.wait
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.shown {
			return
		}
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", p.summary(p.now()))
	})
}

// summary is the line that stays at the end.
func (p *progress) summary(now time.Time) string {
	took := now.Sub(p.start)
	done := p.done.Load()
	files := "files"
	if p.files == 1 {
		files = "file"
	}
	s := fmt.Sprintf("errtag: read %d of %d %s, %s in %s", p.finished, p.files, files, bytesText(done), took.Round(100*time.Millisecond))
	if took >= time.Second {
		s += fmt.Sprintf(" (%s/s)", bytesText(int64(float64(done)/took.Seconds())))
	}
	return s + fmt.Sprintf("; %d of %d lines annotated", p.annotated, p.lines)
}

// bytesText writes n bytes for a person: 512 B, 1.5 KiB, 312.4 MiB.
func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}

// clock writes d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
