//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recLines writes records 0..n-1 of writer w to p and returns them.
func recLines(t *testing.T, p, w string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		b.WriteString(rec(w, i))
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestFollowResumeAfterWriteError: -o FILE fails in the middle of a write
// (here the file size limit, as a full disk does), leaving FILE ending in
// a torn line with the state behind it. The error names FILE (not
// standard output), and a restart with the same --state truncates FILE
// back to what the state counted: every line once, none fused with
// another. (FILE used to keep the torn line, with the restart's first
// line glued to it and the lines since the last save repeated.)
func TestFollowResumeAfterWriteError(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs ulimit -f")
	}
	dir := t.TempDir()
	app, st, out := filepath.Join(dir, "app.log"), filepath.Join(dir, "st.json"), filepath.Join(dir, "out.log")
	const n = 30000                   // 1.4 MB, past the limit below
	want := recLines(t, app, "ab", n) // 41-byte records
	// ulimit -f counts 512-byte blocks (dash) or 1024-byte ones (bash):
	// 200 KiB at most, and the size is not a multiple of a record's.
	cmd := exec.Command("sh", "-c", `ulimit -f 200 && exec "$@"`, "sh", binary, "-f", "--from-start", "--state", st, "-o", out, app)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("first run: %v, want exit 1; stderr %q", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "errtag: writing "+out+": file too large") {
		t.Errorf("first run's stderr %q does not name %s", stderr.String(), out)
	}
	if b, _ := os.ReadFile(out); len(b) == 0 || len(b) >= len(want) || b[len(b)-1] == '\n' {
		t.Fatalf("the first run was to stop inside a line: %d bytes, ending %q", len(b), b[max(0, len(b)-10):])
	}
	r := startBG(t, "-f", "--state", st, "-o", out, app)
	end := time.Now().Add(patience(15 * time.Second))
	for {
		b, _ := os.ReadFile(out)
		if len(b) >= len(want) {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("restart: out.log has %d of %d bytes; stderr %q", len(b), len(want), r.errors())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if code := r.stop(t, syscall.SIGTERM); code != 143 {
		t.Fatalf("restart: exit %d, stderr %q", code, r.errors())
	}
	b, _ := os.ReadFile(out)
	if string(b) != want {
		got := recsOf(string(b))["ab"]
		t.Fatalf("out.log: %d bytes, want %d; %d records; stray bytes: %v; stderr %q", len(b), len(want), len(got),
			len(recRE.ReplaceAllString(string(b), "")), r.errors())
	}
	if !strings.Contains(r.errors(), "removed its last") {
		t.Errorf("the restart did not say it truncated out.log: %q", r.errors())
	}
}

// TestFollowStateBeforeFirstSave: a reader that leaves before the first
// state save (errtag -f --from-start --state st a.log | head -c 100) still
// leaves an entry for a.log, at its start, so that a restart without
// --from-start writes what was never delivered. (The state used to be
// left with no entry, most of the time, and the restart began at the end.)
func TestFollowStateBeforeFirstSave(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	app := filepath.Join(dir, "a.log")
	recLines(t, app, "a", 50000)
	for i := range 5 { // the old failure depended on timing: try a few
		st := filepath.Join(dir, "st"+strconv.Itoa(i)+".json")
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary, "-f", "--from-start", "--state", st, app)
		cmd.Stdout = w
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		io.ReadFull(r, make([]byte, 100))
		r.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit %v, want 0 (the reader left)", err)
			}
		case <-time.After(patience(15 * time.Second)):
			cmd.Process.Kill()
			t.Fatal("errtag kept running after its reader left")
		}
		b, err := os.ReadFile(st)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Files map[string]struct {
				Offset int64 `json:"offset"`
			} `json:"files"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if p, ok := s.Files[app]; !ok || p.Offset != 0 {
			t.Fatalf("run %d: state %s: want an entry for %s at offset 0", i, b, app)
		}
	}
}

// TestFollowTimeoutDoubleTerm: coreutils timeout sends SIGTERM to errtag,
// then to its process group: errtag gets it twice at once. That is one
// request to stop: everything read is written (exit 143), not dropped as on
// a second signal. The second is sent once the first was delivered, the
// order in which it used to end errtag at once.
//
// errtag takes a SIGTERM within 200 ms of a first SIGTERM as the same
// request (TestFollowDoubleCtrlC: not a SIGINT). On a
// loaded machine this test may not get its second signal out that soon
// after the first: such a try does not count. Every try that counts (up
// to three) must see one request; before, most saw two (the signals are
// not always delivered apart, so one try alone would not tell). It skips
// if no try counted.
func TestFollowTimeoutDoubleTerm(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc/PID/status")
	}
	dir := t.TempDir()
	app := filepath.Join(dir, "big.log")
	want := recLines(t, app, "a", 100000)
	counted := 0
	for try := 0; try < 8 && counted < 3; try++ {
		c := startPiped(t, nil, nil, errtagArgv("-f", "--from-start", app)...)
		first := make([]byte, 100)
		if _, err := io.ReadFull(c.outR, first); err != nil {
			t.Fatal(err)
		}
		// Not read from now on: errtag fills the pipe and blocks.
		pid := c.cmd.Process.Pid
		sent := time.Now()
		syscall.Kill(pid, syscall.SIGTERM)
		waitUntil(t, "the first SIGTERM to be delivered", func() bool { return !sigPending(pid, syscall.SIGTERM) })
		syscall.Kill(pid, syscall.SIGTERM) // the process group's
		gap := time.Since(sent)
		rest, _ := io.ReadAll(c.outR)
		code := c.wait(pollDeadline)
		if gap > 100*time.Millisecond {
			t.Logf("try %d: the second SIGTERM went %v after the first: does not count", try, gap)
			continue
		}
		counted++
		got := string(first) + string(rest)
		if code == 143 && !strings.Contains(c.stderr.String(), "second signal") && strings.HasPrefix(want, got) && strings.HasSuffix(got, "\n") && len(got) >= 100 {
			continue
		}
		t.Errorf("try %d: exit %d, %d bytes (a prefix of the file: %v), stderr %q", try, code, len(got), strings.HasPrefix(want, got), c.stderr.String())
	}
	if counted == 0 {
		t.Skip("the machine was too loaded to send two signals within 100 ms")
	}
}

// TestFollowDoubleCtrlC: a person's second Ctrl-C ends errtag at once while
// its output blocks (exit 130, the unwritten lines named); the 200 ms in
// which a repeat is the same request is SIGTERM's only (red team 2 B1: a
// double tap under 200 ms was swallowed, and only a third ended errtag).
// Two signals sent back to back can be merged into one before errtag sees
// the first (the kernel and Go's runtime keep one pending signal of each
// kind), so SIGINT is sent again until errtag ends; which repeat counts is
// timing, so TestSignalRepeatedAtOnce (internal/cli) is the test that
// fails on the old window, this one checks the whole path.
func TestFollowDoubleCtrlC(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc/PID/status")
	}
	app := filepath.Join(t.TempDir(), "big.log")
	recLines(t, app, "a", 100000)
	c := startPiped(t, nil, nil, errtagArgv("-f", "--from-start", app)...)
	first := make([]byte, 100)
	if _, err := io.ReadFull(c.outR, first); err != nil {
		t.Fatal(err)
	}
	// Not read from now on: errtag fills the pipe and blocks.
	pid := c.cmd.Process.Pid
	syscall.Kill(pid, syscall.SIGINT)
	waitUntil(t, "the first SIGINT to be delivered", func() bool { return !sigPending(pid, syscall.SIGINT) })
	// errtag must end with its output still blocked: the pipe is read
	// only once it has exited (its status is taken first).
	waitUntil(t, "errtag to end on a second SIGINT", func() bool {
		select {
		case <-c.done:
			return true
		default:
			c.cmd.Process.Signal(syscall.SIGINT) // safe after exit, unlike kill(2)
			return false
		}
	})
	code := c.wait(pollDeadline)
	io.Copy(io.Discard, c.outR)
	if code != 130 || !strings.Contains(c.stderr.String(), "second signal") {
		t.Fatalf("exit %d, stderr %q; want 130 and the second signal said", code, c.stderr.String())
	}
}

// sigPending reports whether sig is pending for process pid.
func sigPending(pid int, sig syscall.Signal) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || (k != "SigPnd" && k != "ShdPnd") {
			continue
		}
		if m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && m&(1<<(uint(sig)-1)) != 0 {
			return true
		}
	}
	return false
}
