package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/stream"
	"github.com/errtag/errtag/internal/textui"
)

// Progress.
//
// A run on files (the filter, --out-dir, stats) shows on standard error,
// when that is a terminal, how far it has got:
//
//	errtag: 2 of 5 files · app-03.log.gz · 312.4 MiB of ~1.2 GiB uncompressed (26%) · 85.1 MiB/s · 0:10 left
//
// What it measures is the work: the bytes of log text (decoded, for a
// compressed file) that the line engine has taken, against the text all
// the files hold. A plain file holds its size; a gzip file states its
// decoded size in its trailer and a zstd file in its frame headers
// (compress.DecodedSize); a file that states nothing (pzstd, a zstd stream)
// is estimated, from its compression ratio so far once it is being read,
// before that from the ratio of the others, and the total is then written
// "~1.2 GiB". So a plain file and a compressed one of the same text weigh
// the same, as they take about as long, and the percentage reaches 100
// only when the last byte has been taken: it never goes back (when an
// estimate grows, it waits for the work to catch up) and shows at most 99
// until every file is done. The rate is of the same bytes, over the last
// few seconds, shown once a second has passed, so that it is steady and
// never the burst of the first read; the time left is what remains of the
// total at that rate. The line appears only once the run has lasted a
// second; on a narrow terminal the least useful parts are left out (the
// file name first, then the byte counts, the rate, the file count), never
// cut in the middle. At the end it is replaced by a summary that stays,
// saying how many files were read, missing, unreadable or cut short:
//
//	errtag: read 4 of 5 files (1 missing), 1.2 GiB uncompressed in 14.2s (86.3 MiB/s); 1234 of 9876543 lines annotated
//
// Nothing is shown when standard error is not a terminal, nor when the
// output itself goes to the same terminal (the lines are the progress).

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// progressAfter is how long a run lasts before its progress is shown.
const progressAfter = time.Second

// rateWindow is how far back the rate looks.
const rateWindow = 5 * time.Second

// defaultRatio is how many times its size on disk a compressed file that
// states no decoded size is taken to hold, before it is read, when no other
// compressed file of the run says better: about what gzip and zstd make of
// logs.
const defaultRatio = 6

// extrapolateAfter is how much of a compressed file must have been read
// before its decoded size is extrapolated from its compression ratio so far
// (the decoder reads ahead, so the first reads say little).
const extrapolateAfter = 4 << 20

// progress is the progress display of one run. Its methods are safe for
// concurrent use and on a nil *progress, which shows nothing.
type progress struct {
	w     io.Writer
	width int
	now   func() time.Time

	files []*progFile
	// budget counts the reads inspectAll made.
	budget atomic.Int64

	mu sync.Mutex
	// compressed: some input is compressed, so the bytes counted are not
	// those on disk, and the display says so.
	compressed bool
	reading    []*progFile // inputs being read, in the order they started
	start      time.Time
	samples    []sample // (time, bytes) of recent draws, for the rate
	shown      bool
	pct        int // the highest percentage shown

	workers sync.WaitGroup
	stop    chan struct{}
	once    sync.Once
}

type sample struct {
	at   time.Time
	done int64
}

// fileState is how far the progress display knows an input got.
type fileState int

const (
	pending    fileState = iota
	reading              // opened, being read
	read                 // read to its end
	missing              // could not be opened: it does not exist
	unreadable           // could not be opened otherwise
	failed               // a read failed part way (a corrupt archive)
	stopped              // a stop signal came while it was read
)

// progFile is one input of the display. Its methods are safe on a nil
// *progFile, which counts nothing.
type progFile struct {
	p    *progress
	name string
	size int64 // bytes on disk
	// comp is the file's compression; stated what it says of its decoded
	// size (known: it says something).
	comp   compress.Compression
	stated compress.Size
	known  bool
	isize  int64 // a gzip file's ISIZE, for compress.GzipWrap
	// inspected is false while what the file says is still being read
	// (inspectAll): its size is then an estimate.
	inspected bool

	raw     atomic.Int64 // bytes read from disk
	decoded atomic.Int64 // decoded bytes the line engine has taken

	// Guarded by p.mu.
	state     fileState
	lines     int64
	annotated int64
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
	for _, in := range inputs {
		if in == "-" {
			return nil
		}
	}
	p := newProgressAt(e.stderr, d.Width, time.Now)
	var total int64
	var regular []*progFile
	for _, in := range inputs {
		f := p.addFile(in, 0)
		if fi, err := os.Stat(in); err == nil && fi.Mode().IsRegular() {
			f.size = fi.Size()
			f.inspected = false
			regular = append(regular, f)
			total += f.size
		}
	}
	if total == 0 {
		return nil
	}
	p.workers.Add(2)
	go p.run()
	go p.inspectAll(regular)
	return p
}

// inspectBudget bounds the reads inspectAll makes over all the files
// (compress.DecodedSize walks zstd frames), so that a run over thousands
// of archives does not spend its first seconds on the display; files left
// over are estimated.
const inspectBudget = 1 << 16

// inspectAll reads what each file says of its decoded size, in the
// background, while the run reads the files; it stops when the display
// does.
func (p *progress) inspectAll(files []*progFile) {
	defer p.workers.Done()
	defer func() {
		p.mu.Lock()
		for _, f := range files {
			f.inspected = true
		}
		p.mu.Unlock()
	}()
	for _, f := range files {
		select {
		case <-p.stop:
			return
		default:
		}
		if p.budget.Load() > inspectBudget {
			return
		}
		info := inspect(f.name, f.size, &p.budget)
		p.mu.Lock()
		f.comp, f.stated, f.known, f.isize, f.inspected = info.comp, info.stated, info.known, info.isize, true
		if info.comp != compress.None {
			p.compressed = true
		}
		p.mu.Unlock()
	}
}

// newProgressAt is a progress display writing to w, width columns wide,
// with the clock now; it draws only when told (draw), for tests. Its
// inputs are added with addFile.
func newProgressAt(w io.Writer, width int, now func() time.Time) *progress {
	return &progress{w: w, width: width, now: now, start: now(), stop: make(chan struct{})}
}

// addFile adds an input of size bytes on disk; inspect tells what it holds.
func (p *progress) addFile(name string, size int64) *progFile {
	f := &progFile{p: p, name: name, size: size, inspected: true}
	p.files = append(p.files, f)
	return f
}

// fileInfo is what a file says of its decoded size.
type fileInfo struct {
	comp   compress.Compression
	stated compress.Size
	known  bool
	isize  int64
}

// inspect reads what the file path, size bytes long, says of its decoded
// size, counting its reads in reads.
func inspect(path string, size int64, reads *atomic.Int64) fileInfo {
	var info fileInfo
	r, err := os.Open(path)
	if err != nil {
		return info
	}
	defer r.Close()
	cr := &countingReaderAt{r: r, n: reads}
	head := make([]byte, compress.HeadLen)
	if n, _ := cr.ReadAt(head, 0); n < len(head) {
		return info
	}
	info.comp = compress.Detect(head)
	if info.comp == compress.None {
		return info
	}
	info.stated, info.known = compress.DecodedSize(cr, size)
	if info.comp == compress.Gzip && info.known {
		info.isize = info.stated.N % (1 << 32)
	}
	return info
}

// countingReaderAt counts the reads made through it.
type countingReaderAt struct {
	r io.ReaderAt
	n *atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.n.Add(1)
	return c.r.ReadAt(p, off)
}

// setCompression records that the file is compressed with c, with p.mu
// held or before the display runs.
func (f *progFile) setCompression(c compress.Compression) {
	f.comp = c
	if c != compress.None {
		f.p.compressed = true
	}
}

// input returns the display's i-th input (nil with no display).
func (p *progress) input(i int) *progFile {
	if p == nil || i < 0 || i >= len(p.files) {
		return nil
	}
	return p.files[i]
}

// begin records that the input is being read.
func (f *progFile) begin() {
	if f == nil {
		return
	}
	f.p.mu.Lock()
	f.state = reading
	f.p.reading = append(f.p.reading, f)
	f.p.mu.Unlock()
}

// countRaw is the counter of bytes read from disk (input.CountRaw), or nil.
func (f *progFile) countRaw() func(int64) {
	if f == nil {
		return nil
	}
	return func(n int64) { f.raw.Add(n) }
}

// countDecoded is the counter of the bytes the line engine takes, or nil.
func (f *progFile) countDecoded() func(int64) {
	if f == nil {
		return nil
	}
	return func(n int64) { f.decoded.Add(n) }
}

// end records that the input is done, with its counts and err, the
// outcome of reading it (nil: read to its end).
func (f *progFile) end(st stream.Stats, err error) {
	if f == nil {
		return
	}
	p := f.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, c := range p.reading {
		if c == f {
			p.reading = append(p.reading[:i], p.reading[i+1:]...)
			break
		}
	}
	var ie *inputError
	switch {
	case err == nil:
		f.state = read
	case errors.Is(err, context.Canceled):
		f.state = stopped
	case errors.As(err, &ie) && !ie.read && ie.missing:
		f.state = missing
	case errors.As(err, &ie) && !ie.read:
		f.state = unreadable
	default:
		f.state = failed
	}
	f.lines += st.Lines
	f.annotated += st.Annotated
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

func (p *progress) run() {
	defer p.workers.Done()
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

// totals returns the bytes taken so far and the total expected, and
// whether the total is an estimate (a file that states no size is still to
// be read), with p.mu held.
func (p *progress) totals() (done, total int64, estimate bool) {
	// The ratio assumed for a compressed file not yet read: that of the
	// compressed files whose decoded size is known, else defaultRatio.
	var knownDecoded, knownSize int64
	for _, f := range p.files {
		if f.comp != compress.None && (f.stated.Stated || f.state == read) {
			knownDecoded += f.expected(0)
			knownSize += f.size
		}
	}
	ratio := float64(defaultRatio)
	if knownSize > 0 {
		ratio = float64(knownDecoded) / float64(knownSize)
	}
	for _, f := range p.files {
		done += f.decoded.Load()
		total += f.expected(ratio)
		if f.state <= reading && (!f.inspected || f.comp != compress.None && !f.stated.Stated) {
			estimate = true
		}
	}
	return done, total, estimate
}

// expected is how many decoded bytes the file holds, as far as can be
// told (ratio: the compression ratio assumed for a compressed file that
// states no size and is not read yet), with p.mu held. A file that is done
// holds what was taken from it: a missing or damaged file's part that was
// not read is no longer expected.
func (f *progFile) expected(ratio float64) int64 {
	d, r := f.decoded.Load(), f.raw.Load()
	if f.state > reading {
		return d
	}
	if f.comp == compress.None {
		return max(f.size, d)
	}
	var extrapolated int64
	if r >= min(f.size, extrapolateAfter) && r > 0 {
		extrapolated = int64(float64(d) * float64(f.size) / float64(r))
	}
	var n int64
	switch {
	case f.comp == compress.Gzip && f.known && extrapolated > 0:
		// ISIZE is modulo 4 GiB, and only the last member's: trust it
		// where it agrees with what the file decodes to.
		n = compress.GzipWrap(f.isize, extrapolated)
		if n < extrapolated*2/3 || n > extrapolated*3/2 {
			n = extrapolated
		}
	case f.stated.Stated:
		n = f.stated.N
	case extrapolated > 0:
		n = extrapolated
	case f.known:
		n = f.stated.N
	default:
		n = int64(float64(f.size) * ratio)
	}
	return max(n, d)
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
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
}

// line is the progress line at now, with p.mu held.
func (p *progress) line(now time.Time) string {
	done, total, estimate := p.totals()
	p.samples = append(p.samples, sample{now, done})
	for len(p.samples) > 2 && now.Sub(p.samples[1].at) >= rateWindow {
		p.samples = p.samples[1:]
	}
	finished := 0
	for _, f := range p.files {
		if f.state > reading {
			finished++
		}
	}
	pct := 100
	if total > 0 {
		pct = int(done * 100 / total)
	}
	if finished < len(p.files) {
		pct = min(pct, 99) // 100 is the end, not a rounding
	}
	pct = max(pct, p.pct) // never back: a grown estimate waits for the work
	p.pct = pct

	var parts []progressPart
	parts = append(parts, progressPart{text: fmt.Sprintf("%d of %d files", finished, len(p.files)), keep: 2})
	if n := len(p.reading); n > 0 {
		name := p.reading[n-1].name
		if n > 1 {
			name += fmt.Sprintf(" (and %d more)", n-1)
		}
		parts = append(parts, progressPart{text: string(textui.Escape(nil, []byte(name), false)), keep: 5, name: true})
	}
	of := textui.Bytes(total)
	if estimate {
		of = "~" + of
	}
	what := ""
	if p.compressed {
		what = " uncompressed"
	}
	parts = append(parts, progressPart{text: fmt.Sprintf("%s of %s%s", textui.Bytes(done), of, what), keep: 4, pct: pct})
	first := p.samples[0]
	if span := now.Sub(first.at); span >= time.Second {
		rate := float64(done-first.done) / span.Seconds()
		parts = append(parts, progressPart{text: textui.Bytes(int64(rate)) + "/s", keep: 3})
		if rate > 0 && done < total {
			left := time.Duration(float64(total-done) / rate * float64(time.Second))
			parts = append(parts, progressPart{text: clock(left) + " left", keep: 1})
		}
	}
	return layout(parts, p.width-1)
}

// progressPart is one part of the progress line. keep orders the parts by
// how long they stay as the width shrinks: the largest goes first.
type progressPart struct {
	text string
	keep int
	// name is the file name, which is cut to fit before it goes.
	name bool
	// pct, on the byte counts, is the percentage that follows them, and
	// stays alone when they go.
	pct int
}

// layout joins parts into a line at most width columns wide (no limit if
// width < 1): it leaves out the parts that are least worth keeping until
// the line fits, cutting the file name to fit rather than leaving it out
// while at least a few of its characters fit; the percentage always stays.
func layout(parts []progressPart, width int) string {
	const sep, prefix = " · ", "errtag: "
	const minName = 8
	render := func(ps []progressPart, withPrefix bool) string {
		var s []string
		for _, p := range ps {
			switch {
			case p.keep == 0:
				s = append(s, fmt.Sprintf("%d%%", p.pct))
			case p.keep == 4:
				s = append(s, fmt.Sprintf("%s (%d%%)", p.text, p.pct))
			default:
				s = append(s, p.text)
			}
		}
		line := strings.Join(s, sep)
		if withPrefix {
			line = prefix + line
		}
		return line
	}
	ps := append([]progressPart(nil), parts...)
	withPrefix := true
	for {
		line := render(ps, withPrefix)
		over := textui.Width(line) - width
		if width < 1 || over <= 0 {
			return line
		}
		// Cut the name, if that is enough and leaves enough of it.
		for i, p := range ps {
			if p.name && textui.Width(p.text)-over-1 >= minName {
				r := []rune(p.text)
				ps[i].text = "…" + string(r[over+1:])
				return render(ps, withPrefix)
			}
		}
		// Leave out the part least worth keeping; the byte counts leave
		// their percentage behind; the time left goes after "errtag: ".
		worst := -1
		for i, p := range ps {
			if p.keep > 0 && (worst < 0 || p.keep > ps[worst].keep) {
				worst = i
			}
		}
		switch {
		case withPrefix && worst >= 0 && ps[worst].keep == 1:
			withPrefix = false
		case worst >= 0 && ps[worst].keep == 4:
			ps[worst].keep = 0
		case worst >= 0:
			ps = append(ps[:worst], ps[worst+1:]...)
		case withPrefix:
			withPrefix = false
		default:
			return textui.Truncate(line, width)
		}
	}
}

// finish stops the display and, if it was shown, replaces it with the
// summary; later calls do nothing.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		p.workers.Wait()
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.shown {
			return
		}
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", p.summary(p.now()))
	})
}

// summary is the line that stays at the end, with p.mu held.
func (p *progress) summary(now time.Time) string {
	took := now.Sub(p.start)
	var done, lines, annotated int64
	count := map[fileState]int{}
	for _, f := range p.files {
		done += f.decoded.Load()
		lines += f.lines
		annotated += f.annotated
		count[f.state]++
	}
	files := "files"
	if len(p.files) == 1 {
		files = "file"
	}
	var notes []string
	for _, n := range []struct {
		state fileState
		what  string
	}{{missing, "missing"}, {unreadable, "unreadable"}, {failed, "cut short by an error"}} {
		if count[n.state] > 0 {
			notes = append(notes, fmt.Sprintf("%d %s", count[n.state], n.what))
		}
	}
	if left := count[pending] + count[reading] + count[stopped]; left > 0 {
		notes = append(notes, fmt.Sprintf("stopped before the end of %d", left))
	}
	s := fmt.Sprintf("errtag: read %d of %d %s", count[read], len(p.files), files)
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	what := ""
	if p.compressed {
		what = " uncompressed"
	}
	s += fmt.Sprintf(", %s%s in %s", textui.Bytes(done), what, took.Round(100*time.Millisecond))
	if took >= time.Second {
		s += fmt.Sprintf(" (%s/s)", textui.Bytes(int64(float64(done)/took.Seconds())))
	}
	return s + fmt.Sprintf("; %d of %d lines annotated", annotated, lines)
}

// clock writes d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
