package cli

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// blockedWriter takes the first write, then blocks every write until
// released.
type blockedWriter struct {
	mu      sync.Mutex
	got     int
	blocked chan struct{} // closed when a write blocks
	release chan struct{}
	once    sync.Once
}

func (w *blockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	first := w.got == 0
	w.got += len(p)
	w.mu.Unlock()
	if !first {
		w.once.Do(func() { close(w.blocked) })
		<-w.release
	}
	return len(p), nil
}

// TestSecondSignal: with the output blocked, a first signal cannot end the
// run; a second calls Env.Exit with 128+signal after saying which lines
// were read and not all written.
func TestSecondSignal(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 100000; i++ {
		in.WriteString("a line that is long enough to fill buffers quickly, over and over\n")
	}
	out := &blockedWriter{blocked: make(chan struct{}), release: make(chan struct{})}
	errb := &syncBuffer{}
	sigs := make(chan os.Signal, 1)
	exited := make(chan int, 1)
	done := make(chan int, 1)
	go func() {
		done <- Main(nil, Env{Stdin: strings.NewReader(in.String()), Stdout: out, Stderr: errb, Signals: sigs,
			Exit: func(code int) { exited <- code }})
	}()
	<-out.blocked
	sigs <- syscall.SIGTERM
	sigs <- syscall.SIGINT
	select {
	case code := <-exited:
		if code != 130 {
			t.Errorf("Exit(%d), want 130", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no Exit after a second signal")
	}
	stderr := errb.String()
	if !strings.HasPrefix(stderr, "errtag: second signal (interrupt): ending at once\nerrtag: (standard input): lines ") ||
		!strings.Contains(stderr, " were read but not all written\n") {
		t.Errorf("stderr %q", stderr)
	}
	close(out.release)
	if code := <-done; code != 143 {
		t.Errorf("Main returned %d, want 143 (the first signal)", code)
	}
}

// TestLedger: the report of a second signal names the lines read and not
// written of the input in progress, the inputs stopped and those not read,
// and what became of -o's file.
func TestLedger(t *testing.T) {
	t.Parallel()
	l := newLedger()
	done := l.add("a.log")
	done.state.Store(finished)
	cur := l.add("b.log")
	cur.state.Store(inProgress)
	cur.read.count([]byte("1\n2\n3\n4\n5"))
	cur.written = func() int64 { return 2 }
	batch := l.add("c.log")
	batch.state.Store(inProgress)
	l.add("d.log")
	l.add("e.log")
	l.kept = append(l.kept, "out.log left as it was")
	want := []string{
		"b.log: lines 3 to 5 were read but not all written",
		"not written: c.log (stopped while being written)",
		"not written: d.log, e.log (not read)",
		"out.log left as it was",
	}
	if got := l.unwritten(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	cur.written = func() int64 { return 4 }
	if got := cur.unwrittenLines(); got != "b.log: line 5 was read but not written" {
		t.Errorf("one line: %q", got)
	}
	cur.written = func() int64 { return 5 }
	if got := cur.unwrittenLines(); got != "" {
		t.Errorf("all written: %q", got)
	}
}

// TestInputErrorsSayOnce: an input that cannot be read is named once, with
// why.
func TestInputErrorsSayOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.log")
	for _, args := range [][]string{{dir}, {"stats", dir}, {"--out-dir", filepath.Join(dir, "out"), dir}} {
		code, _, stderr := run(t, "", args...)
		if code != ExitInput || stderr != "errtag: "+dir+": is a directory\n" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, stderr := run(t, "", missing); code != ExitInput || stderr != "errtag: "+missing+": no such file or directory\n" {
		t.Errorf("missing: exit %d, stderr %q", code, stderr)
	}
}

// TestSignalRepeatedAtOnce: a SIGTERM again within repeatWindow of the
// first (coreutils timeout sends SIGTERM to errtag, then to its process
// group) is the first request again, not a second signal; another signal,
// the same one later, or a repeated SIGINT or SIGHUP however soon (a
// person's fast double Ctrl-C) is a second.
func TestSignalRepeatedAtOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		sigs  []os.Signal
		after []time.Duration // when each came, after the first
		want  os.Signal       // the signal abort gets (nil: none)
	}{
		{"timeout's two SIGTERMs", []os.Signal{syscall.SIGTERM, syscall.SIGTERM}, []time.Duration{0, time.Millisecond}, nil},
		{"then another signal", []os.Signal{syscall.SIGTERM, syscall.SIGTERM, syscall.SIGINT}, []time.Duration{0, time.Millisecond, 2 * time.Millisecond}, syscall.SIGINT},
		{"the same signal later", []os.Signal{syscall.SIGTERM, syscall.SIGTERM}, []time.Duration{0, repeatWindow}, syscall.SIGTERM},
		{"a fast double Ctrl-C", []os.Signal{syscall.SIGINT, syscall.SIGINT}, []time.Duration{0, 50 * time.Millisecond}, syscall.SIGINT},
		{"SIGHUP twice at once", []os.Signal{syscall.SIGHUP, syscall.SIGHUP}, []time.Duration{0, time.Millisecond}, syscall.SIGHUP},
		{"repeats, then later", []os.Signal{syscall.SIGTERM, syscall.SIGTERM, syscall.SIGTERM}, []time.Duration{0, time.Millisecond, time.Second}, syscall.SIGTERM},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sigs := make(chan os.Signal)
			start := time.Unix(1000, 0)
			// The clock is read once per signal taken: the n-th
			// read is the n-th signal's time.
			times := make(chan time.Time, len(c.after)+1)
			for _, d := range c.after {
				times <- start.Add(d)
			}
			times <- start.Add(time.Hour) // the probe's
			stopped := make(chan struct{})
			aborted := make(chan os.Signal, 1)
			st := watchSignalsClock(sigs, func() { close(stopped) }, func(s os.Signal) { aborted <- s }, func() time.Time { return <-times })
			defer st.end()
			for _, s := range c.sigs {
				sigs <- s // unbuffered: taken once the previous one was handled
			}
			<-stopped
			// Handled when the watcher takes the next send, or aborts.
			select {
			case s := <-aborted:
				if s != c.want {
					t.Fatalf("abort(%v), want %v", s, c.want)
				}
			case sigs <- syscall.SIGQUIT:
				if c.want != nil {
					t.Fatalf("no abort, want abort(%v)", c.want)
				}
				if s := <-aborted; s != syscall.SIGQUIT {
					t.Fatalf("abort(%v) after the probe", s)
				}
			}
		})
	}
}
