package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/errtag/errtag/internal/outfile"
)

// Stopping errtag.
//
// The first stop signal (SIGINT, SIGTERM, SIGHUP, or the parent's death)
// cancels the run's context: reading stops, everything read is written and
// flushed, a compressed output is finished, -o's file is put in place, the
// --state file is saved, and errtag exits with 128+signal. If the output
// blocks meanwhile (a reader that does not read), a second signal ends
// errtag at once: it says on standard error what it read and could not
// write (from the ledger), removes its temporary files, leaving -o's
// destination as it was, and exits with 128+signal.
//
// A SIGTERM after a first SIGTERM, within repeatWindow of it, is the same
// request, not a second one: coreutils timeout, and whatever kills a
// process group, sends SIGTERM to errtag and then to its group, so errtag
// gets it twice at once. Other repeats are a person's (a terminal sends one
// SIGINT per Ctrl-C, and a fast double press comes well within the
// window): they end errtag at once.

// stopper watches the stop signals of one run.
type stopper struct {
	sig  atomic.Int32 // the first signal's number; 0 until one came
	done chan struct{}
	once sync.Once
}

// repeatWindow is how long after a first SIGTERM another SIGTERM is taken
// as a repeat of it (see above).
const repeatWindow = 200 * time.Millisecond

// watchSignals calls stop on the first signal from sigs and abort on the
// second, until end is called; a SIGTERM after a first SIGTERM within
// repeatWindow of it is not a second. A nil sigs is never ready.
func watchSignals(sigs <-chan os.Signal, stop func(), abort func(os.Signal)) *stopper {
	return watchSignalsClock(sigs, stop, abort, time.Now)
}

// watchSignalsClock is watchSignals with the clock that times the window.
func watchSignalsClock(sigs <-chan os.Signal, stop func(), abort func(os.Signal), now func() time.Time) *stopper {
	st := &stopper{done: make(chan struct{})}
	if sigs == nil {
		return st
	}
	var first os.Signal
	var at time.Time
	takeFirst := func(s os.Signal) {
		first, at = s, now()
		st.sig.Store(int32(signalNumber(first)))
		stop()
	}
	// A signal already queued is taken before the run starts, so that
	// it stops the run however quickly the run would end.
	select {
	case s := <-sigs:
		takeFirst(s)
	default:
	}
	go func() {
		if first == nil {
			select {
			case s := <-sigs:
				takeFirst(s)
			case <-st.done:
				return
			}
		}
		for {
			select {
			case s := <-sigs:
				if s == first && s == syscall.SIGTERM && now().Sub(at) < repeatWindow {
					continue // the same request, sent twice
				}
				abort(s)
				return
			case <-st.done:
				return
			}
		}
	}()
	return st
}

// first is the number of the first signal, or 0.
func (st *stopper) first() int { return int(st.sig.Load()) }

// end stops watching.
func (st *stopper) end() { st.once.Do(func() { close(st.done) }) }

func signalNumber(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return int(n)
	}
	return int(syscall.SIGTERM)
}

// abortReportWait is how long a second signal waits for its report to be
// written to standard error before exiting anyway: a stderr that blocks
// must not keep errtag running.
const abortReportWait = time.Second

// abort ends errtag at once on a second signal s: it says what it could
// not write, removes its temporary outputs and calls exit.
func (e *env) abort(s os.Signal, exit func(int)) {
	e.ledger.discard()
	report := e.ledger.unwritten()
	written := make(chan struct{})
	go func() {
		defer close(written)
		var b strings.Builder
		fmt.Fprintf(&b, "errtag: second signal (%v): ending at once\n", s)
		for _, l := range report {
			fmt.Fprintf(&b, "errtag: %s\n", l)
		}
		fmt.Fprint(e.stderr, b.String())
	}()
	select {
	case <-written:
	case <-time.After(abortReportWait):
	}
	exit(128 + signalNumber(s))
}

// ledger is what a run has done so far, kept for the report of a run that a
// second signal ends at once: its inputs and how far each got, and its
// temporary outputs, to be removed. Its methods are safe for concurrent
// use and never wait for output.
type ledger struct {
	mu     sync.Mutex
	tracks []*track
	temps  []tempOutput
	kept   []string // what discard left as it was
}

// tempOutput is a temporary output and what to say when discard removes
// it ("out.log left as it was"), if anything.
type tempOutput struct {
	f    *outfile.File
	kept string
}

func newLedger() *ledger { return &ledger{} }

// The states of an input.
const (
	notStarted int32 = iota
	inProgress
	finished
)

// track is one input of a run.
type track struct {
	name  string // as shown to the user
	state atomic.Int32
	read  lineCounter // what the stream took from the input
	// written, if set, counts the lines of this input written out so far.
	written func() int64
}

// add records an input, not started yet.
func (l *ledger) add(name string) *track {
	t := &track{name: name}
	l.mu.Lock()
	l.tracks = append(l.tracks, t)
	l.mu.Unlock()
	return t
}

// addTemp records a temporary output, removed by discard unless committed
// first; kept is what to say then.
func (l *ledger) addTemp(f *outfile.File, kept string) {
	l.mu.Lock()
	l.temps = append(l.temps, tempOutput{f, kept})
	l.mu.Unlock()
}

// discard removes the temporary outputs not committed yet.
func (l *ledger) discard() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range l.temps {
		if t.f.Abort() && t.kept != "" {
			l.kept = append(l.kept, t.kept)
		}
	}
}

// pending returns the inputs whose output was not written (not finished).
func (l *ledger) pending() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var names []string
	for _, t := range l.tracks {
		if t.state.Load() != finished {
			names = append(names, t.name)
		}
	}
	return names
}

// unwritten says, line by line, what the run read and did not write, and
// which inputs it did not read.
func (l *ledger) unwritten() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out, stopped, notRead []string
	for _, t := range l.tracks {
		switch t.state.Load() {
		case notStarted:
			notRead = append(notRead, t.name)
		case inProgress:
			if t.written == nil {
				stopped = append(stopped, t.name)
				continue
			}
			if msg := t.unwrittenLines(); msg != "" {
				out = append(out, msg)
			}
		}
	}
	if len(stopped) > 0 {
		out = append(out, "not written: "+strings.Join(stopped, ", ")+" (stopped while being written)")
	}
	if len(notRead) > 0 {
		out = append(out, "not written: "+strings.Join(notRead, ", ")+" (not read)")
	}
	if len(l.tracks) == 0 {
		// Follow mode: its inputs are not tracked here.
		out = append(out, "lines read and not yet written were dropped; with --state, the next run starts from the last position saved")
	}
	return append(out, l.kept...)
}

// unwrittenLines says which lines of t were read and not written, or ""
// if none.
func (t *track) unwrittenLines() string {
	w := t.written()
	last := t.read.lines.Load()
	if t.read.partial.Load() {
		last++ // a line read in part
	}
	switch {
	case last <= w:
		return ""
	case last == w+1:
		return fmt.Sprintf("%s: line %d was read but not written", t.name, last)
	}
	return fmt.Sprintf("%s: lines %d to %d were read but not all written", t.name, w+1, last)
}

// lineCounter counts bytes and lines going through it; safe to read from
// any goroutine while one goroutine counts.
type lineCounter struct {
	bytes   atomic.Int64
	lines   atomic.Int64 // LFs seen
	partial atomic.Bool  // bytes seen after the last LF
}

func (c *lineCounter) count(p []byte) {
	if len(p) == 0 {
		return
	}
	c.bytes.Add(int64(len(p)))
	c.lines.Add(int64(bytes.Count(p, []byte{'\n'})))
	c.partial.Store(p[len(p)-1] != '\n')
}
