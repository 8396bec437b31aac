//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// rec is record i of writer w: a line errtag passes through unchanged.
func rec(w string, i int) string { return fmt.Sprintf("<%s:L%07d:abcdefghijklmnopqrstuvwxyz>\n", w, i) }

var recRE = regexp.MustCompile(`<([a-z0-9-]+):L(\d{7}):abcdefghijklmnopqrstuvwxyz>\n`)

// recsOf lists, per writer, the record numbers in out, in order.
func recsOf(out string) map[string][]int {
	m := map[string][]int{}
	for _, s := range recRE.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(s[2])
		m[s[1]] = append(m[s[1]], n)
	}
	return m
}

// bgRun is errtag running with its output collected in the background.
type bgRun struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	stderr bytes.Buffer
	done   chan struct{}
}

func startBG(t *testing.T, args ...string) *bgRun {
	t.Helper()
	r := &bgRun{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	pipe, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stderr = &lockedWriter{mu: &r.mu, w: &r.stderr}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		buf := make([]byte, 64<<10)
		for {
			n, err := pipe.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { r.cmd.Process.Kill(); <-r.done; r.cmd.Wait() })
	return r
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (r *bgRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

func (r *bgRun) errors() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// waitFor waits until cond holds of the output.
func (r *bgRun) waitFor(t *testing.T, what string, cond func(out, stderr string) bool) {
	t.Helper()
	end := time.Now().Add(patience(15 * time.Second))
	for !cond(r.output(), r.errors()) {
		if time.Now().After(end) {
			t.Fatalf("waiting for %s: output %.300q..., stderr %q", what, r.output(), r.errors())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stop sends sig and waits for the exit; it returns the exit code.
func (r *bgRun) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	r.cmd.Process.Signal(sig)
	<-r.done
	err := r.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// TestFollowRestartFilesWithoutLines: stopped before an empty file, a
// missing one and one started at its end delivered any line, and started
// again with the same --state, errtag writes the lines written to them
// while it was stopped.
func TestFollowRestartFilesWithoutLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := filepath.Join(dir, "state.json")
	empty, missing, old := filepath.Join(dir, "empty.log"), filepath.Join(dir, "missing.log"), filepath.Join(dir, "old.log")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(old, []byte("before the first run\n"), 0o644)
	r := startBG(t, "-f", "--state", st, empty, missing, old)
	r.waitFor(t, "the missing file notice", func(_, e string) bool { return strings.Contains(e, missing+": no such file") })
	if code := r.stop(t, syscall.SIGTERM); code != 143 || r.output() != "" {
		t.Fatalf("first run: exit %d, output %q", code, r.output())
	}
	appendFile(t, empty, "to the empty file\n")
	appendFile(t, missing, "to the missing file\n")
	appendFile(t, old, "to the old file\n")
	r = startBG(t, "-f", "--state", st, empty, missing, old)
	r.waitFor(t, "the lines written while stopped", func(out, _ string) bool { return strings.Count(out, "\n") == 3 })
	if code := r.stop(t, syscall.SIGTERM); code != 143 {
		t.Fatalf("second run: exit %d", code)
	}
	for _, want := range []string{"to the empty file\n", "to the missing file\n", "to the old file\n"} {
		if !strings.Contains(r.output(), want) {
			t.Errorf("lost %q: output %q", want, r.output())
		}
	}
}

// TestFollowStateInUseAndBad: a second errtag given a --state in use is
// refused (instead of the two overwriting each other's entries), and a
// state file with impossible values is a clear error, not a crash.
func TestFollowStateInUseAndBad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, p := filepath.Join(dir, "state.json"), filepath.Join(dir, "app.log")
	os.WriteFile(p, nil, 0o644)
	r := startBG(t, "-f", "--state", st, p)
	r.waitFor(t, "the lock", func(string, string) bool {
		b, _ := os.ReadFile(st + ".lock")
		return len(b) > 0
	})
	code, out, stderr := errtag(t, nil, "-f", "--state", st, p)
	if want := fmt.Sprintf("in use by another process (process %d", r.cmd.Process.Pid); code != 2 || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("second errtag: exit %d, stderr %q; want exit 2 and %q", code, stderr, want)
	}
	r.stop(t, syscall.SIGTERM)

	for _, c := range []struct{ state, want string }{
		{`{"version": 2, "files": {"/a.log": {"dev":1,"ino":2,"offset":10,"head_len":-4,"head_sha256":""}}}`, `entry "/a.log": head_len -4 is not between 0 and 1024`},
		{`{"version": 2, "files": {"/a.log": {"dev":1,"ino":2,"offset":1e18,"head_len":1000000000000,"head_sha256":""}}}`, "not an errtag state file"},
		{`{"version": 2, "files": {"/a.log": {"dev":1,"ino":2,"offset":-1,"head_len":0,"head_sha256":""}}}`, "offset -1 is negative"},
	} {
		bad := filepath.Join(t.TempDir(), "bad.json")
		os.WriteFile(bad, []byte(c.state), 0o644)
		code, _, stderr := errtag(t, nil, "-f", "--state", bad, p)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "panic") {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.state, code, stderr, c.want)
		}
	}
}

// TestFollowRefusesWhatCannotBeFollowed: a directory, or a compressed file,
// given to -f ends errtag at once with a clear error instead of waiting
// forever or writing compressed bytes as log lines.
func TestFollowRefusesWhatCannotBeFollowed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gz := filepath.Join(dir, "old.log.gz")
	os.WriteFile(gz, gzipBytes(t, "compressed line\n"), 0o644)
	for _, c := range []struct{ path, want string }{
		{dir, dir + ": not a regular file (a directory): cannot be followed"},
		{gz, gz + ": gzip-compressed (follow mode reads only uncompressed files; read it once without following): cannot be followed"},
	} {
		code, out, stderr := errtag(t, nil, "-f", c.path)
		if code != 1 || out != "" || stderr != "errtag: "+c.want+"\n" {
			t.Errorf("-f %s: exit %d, out %q, stderr %q; want exit 1 and %q", c.path, code, out, stderr, c.want)
		}
	}
}

// TestFollowNoGlueAtRotation: a generation whose last line has no newline
// is rotated: the old file is still read on (its writer may not have
// reopened yet), so that line waits, and at the stop it and the new file's
// first line have come out on lines of their own (with -H too); it is the
// last thing written, so no newline is added after it.
func TestFollowNoGlueAtRotation(t *testing.T) {
	t.Parallel()
	for _, h := range []bool{false, true} {
		dir := t.TempDir()
		p := filepath.Join(dir, "app.log")
		os.WriteFile(p, []byte("a\nlast, no newline"), 0o644)
		args := []string{"-f", "--from-start", p}
		prefix := ""
		if h {
			args = append([]string{"-H"}, args...)
			prefix = p + ":"
		}
		r := startBG(t, args...)
		r.waitFor(t, "the first line", func(out, _ string) bool { return out == prefix+"a\n" })
		os.Rename(p, p+".1")
		os.WriteFile(p, []byte("first of the new file\n"), 0o644)
		r.waitFor(t, "the rotation", func(out, _ string) bool { return strings.Contains(out, "first of the new file\n") })
		r.stop(t, syscall.SIGTERM)
		want := prefix + "a\n" + prefix + "first of the new file\n" + prefix + "last, no newline"
		if got := r.output(); got != want {
			t.Errorf("-H %v: got %q, want %q", h, got, want)
		}
	}
}

// writer writes numbered records to a file, rotating it by rename every
// per records (unique names), at full speed.
func writeRotating(t *testing.T, p, name string, from, to, per int) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := from; i < to; i++ {
		if i > from && i%per == 0 {
			w.Flush()
			f.Close()
			os.Rename(p, fmt.Sprintf("%s.%d", p, i/per))
			f, _ = os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			w.Reset(f)
		}
		w.WriteString(rec(name, i))
		if i%50 == 0 {
			w.Flush()
		}
	}
	w.Flush()
	f.Close()
}

// TestFollowSlowReader: errtag's output is read slowly while a fast writer
// rotates its file (rename, unique names) again and again, first with
// nobody reading at all (errtag blocks on the full pipe), then slowly:
// every record comes once, in order.
func TestFollowSlowReader(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	os.WriteFile(p, nil, 0o644)
	// --from-start: the file is empty, and the writer need not wait for
	// errtag to have taken its starting point after opening it.
	cmd := exec.Command(binary, "-f", "--from-start", p)
	pipe, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitForFD(t, cmd.Process.Pid, p)
	n, per := 50000, 5000 // ten rotations
	if large() {
		n, per = 200000, 20000
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for from := 0; from < n; from += per / 4 {
			writeRotating(t, p, "w", from, from+per/4, per)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	<-time.After(100 * time.Millisecond) // nobody reads at first
	var out bytes.Buffer
	rd := bufio.NewReaderSize(pipe, 4096)
	last := rec("w", n-1)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() }) // then the records are checked
	defer deadline.Stop()
	for i := 0; ; i++ {
		line, err := rd.ReadString('\n')
		out.WriteString(line)
		if err != nil || line == last {
			break
		}
		if i%200 == 0 {
			time.Sleep(time.Millisecond) // a slow reader
		}
	}
	<-writerDone
	cmd.Process.Signal(syscall.SIGTERM)
	checkSeq(t, recsOf(out.String())["w"], n)
}

// TestFollowRestartRotateOne: while errtag is stopped, the file is rotated
// twice with logrotate's `rotate 1` (the file errtag stopped in is
// deleted): at the restart the generation in between (app.log.1, intact)
// is read whole, then the new file.
func TestFollowRestartRotateOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	os.WriteFile(p, []byte("a1\n"), 0o644)
	r := startBG(t, "-f", "--from-start", "--state", st, p)
	r.waitFor(t, "a1", func(out, _ string) bool { return out == "a1\n" })
	r.stop(t, syscall.SIGTERM)
	os.Rename(p, p+".1")
	os.WriteFile(p, []byte("b1\nb2\n"), 0o644)
	os.Remove(p + ".1")
	os.Rename(p, p+".1")
	os.WriteFile(p, []byte("c1\n"), 0o644)
	r = startBG(t, "-f", "--from-start", "--state", st, p)
	r.waitFor(t, "c1", func(out, _ string) bool { return strings.Contains(out, "c1\n") })
	r.stop(t, syscall.SIGTERM)
	if got := r.output(); got != "b1\nb2\nc1\n" {
		t.Errorf("got %q, want b1 b2 c1", got)
	}
}

// checkSeq requires got to be 0..n-1.
func checkSeq(t *testing.T, got []int, n int) {
	t.Helper()
	if len(got) != n {
		t.Errorf("%d records, want %d", len(got), n)
	}
	for i, r := range got {
		if r != i {
			t.Fatalf("record %d is L%07d: lost, repeated or out of order", i, r)
		}
	}
}

// waitForFD waits until process pid has the file at path open.
func waitForFD(t *testing.T, pid int, path string) {
	t.Helper()
	pfi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(patience(15 * time.Second))
	for time.Now().Before(end) {
		es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			time.Sleep(50 * time.Millisecond) // no /proc: give it time
			return
		}
		for _, e := range es {
			if fi, err := os.Stat(fmt.Sprintf("/proc/%d/fd/%s", pid, e.Name())); err == nil && os.SameFile(fi, pfi) {
				return
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("errtag did not open %s", path)
}

// TestFollowKilledAndRestarted: errtag -f --state is killed (SIGKILL) and
// stopped (SIGTERM) again and again while a fast writer rotates its file.
// Across all runs every record comes, in order; a run after SIGKILL may
// repeat what the run before wrote after its last saved state (at least
// once), a run after SIGTERM repeats nothing.
func TestFollowKilledAndRestarted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	os.WriteFile(p, nil, 0o644)
	const n, per = 40000, 3000
	var runs []string
	var sigs []syscall.Signal
	written := 0
	for k := 0; written < n; k++ {
		r := startBG(t, "-f", "--from-start", "--state", st, p)
		waitForFD(t, r.cmd.Process.Pid, p)
		next := min(written+7000, n)
		writeRotating(t, p, "w", written, next, per)
		written = next
		sig := syscall.SIGTERM
		if k%2 == 0 {
			sig = syscall.SIGKILL
			// Let it write some, and save some state, first.
			r.waitFor(t, "some output", func(out, _ string) bool { return len(out) > 0 })
			time.Sleep(time.Duration(50+k*370%900) * time.Millisecond)
		} else {
			r.waitFor(t, "the last record written", func(out, _ string) bool { return strings.HasSuffix(out, rec("w", written-1)) })
		}
		r.stop(t, sig)
		runs = append(runs, r.output())
		sigs = append(sigs, sig)
	}
	if !strings.HasSuffix(runs[len(runs)-1], rec("w", n-1)) {
		// The last run was killed: one more reads the rest.
		r := startBG(t, "-f", "--from-start", "--state", st, p)
		r.waitFor(t, "the last record", func(out, _ string) bool { return strings.HasSuffix(out, rec("w", n-1)) })
		r.stop(t, syscall.SIGTERM)
		runs = append(runs, r.output())
	}

	next := 0 // the first record not seen yet
	for k, out := range runs {
		got := recsOf(out)["w"]
		for i, x := range got {
			switch {
			case i > 0 && x != got[i-1]+1:
				t.Fatalf("run %d: L%07d after L%07d", k, x, got[i-1])
			case i == 0 && x > next:
				t.Fatalf("run %d starts at L%07d: L%07d..L%07d lost", k, x, next, x-1)
			case i == 0 && x < next && sigs[k-1] != syscall.SIGKILL:
				t.Fatalf("run %d repeats from L%07d after a clean stop (next was L%07d)", k, x, next)
			}
		}
		if len(got) > 0 {
			next = max(next, got[len(got)-1]+1)
		}
	}
	if next != n {
		t.Fatalf("records up to L%07d came, want %d", next, n)
	}
}
