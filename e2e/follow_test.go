//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// followProc is errtag -f running as a process.
type followProc struct {
	cmd    *exec.Cmd
	out    *bufio.Reader
	stderr *bytes.Buffer
}

func startFollowing(t *testing.T, args ...string) *followProc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &followProc{cmd: cmd, out: bufio.NewReader(outPipe), stderr: &stderr}
}

func (p *followProc) expect(t *testing.T, want string) {
	t.Helper()
	if got := readLine(t, p.out, 5*time.Second); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// term sends sig and returns the exit code and what came out after it.
func (p *followProc) term(t *testing.T, sig syscall.Signal) (int, string) {
	t.Helper()
	p.cmd.Process.Signal(sig)
	rest, _ := io.ReadAll(p.out)
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("exit: %v", err)
	}
	return ee.ExitCode(), string(rest)
}

func appendFile(t *testing.T, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestFollow: errtag -f annotates appended lines as they come (each read
// back before the next is written: nothing waits in a buffer), follows the
// file through a rename-and-create rotation without losing the lines
// written to the old file just before it, and on SIGTERM exits with 143
// having written everything.
func TestFollow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	os.WriteFile(p, []byte("before start\n"), 0o644)
	proc := startFollowing(t, "-f", "--from-start", p)
	proc.expect(t, "before start\n")

	appendFile(t, p, errLine+"\r\n")
	if got := readLine(t, proc.out, 5*time.Second); !strings.HasPrefix(got, errLine+" errtag.system=knox-efota errtag.code=-1401 ") || !strings.HasSuffix(got, "\"\r\n") {
		t.Fatalf("annotated line: %q", got)
	}
	appendFile(t, p, "plain\n")
	proc.expect(t, "plain\n")

	// Rotation: the last lines of the old file are written right before
	// the rename.
	appendFile(t, p, "old 1\nold 2\n")
	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, p, "new 1\n")
	proc.expect(t, "old 1\n")
	proc.expect(t, "old 2\n")
	proc.expect(t, "new 1\n")
	appendFile(t, p, "new 2\n")
	proc.expect(t, "new 2\n")

	code, rest := proc.term(t, syscall.SIGTERM)
	if want := "errtag: " + p + ": rotated; reading the old file to its end, then the new one\n"; code != 143 || rest != "" || proc.stderr.String() != want {
		t.Errorf("exit %d, then %q, stderr %q; want 143, nothing, and %q", code, rest, proc.stderr.String(), want)
	}
}

// TestFollowState: stopped by SIGINT and started again with the same
// --state, errtag -f writes each line once: those written while it was
// stopped, then the new ones.
func TestFollowState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "errtag.state")
	os.WriteFile(p, []byte("one\n"), 0o644)
	proc := startFollowing(t, "-f", "--from-start", "--state", st, p)
	proc.expect(t, "one\n")
	if code, rest := proc.term(t, syscall.SIGINT); code != 130 || rest != "" {
		t.Fatalf("exit %d, then %q", code, rest)
	}
	appendFile(t, p, "two\n")
	proc = startFollowing(t, "-f", "--from-start", "--state", st, p)
	proc.expect(t, "two\n")
	appendFile(t, p, "three\n")
	proc.expect(t, "three\n")
	if code, rest := proc.term(t, syscall.SIGTERM); code != 143 || rest != "" || proc.stderr.Len() != 0 {
		t.Fatalf("exit %d, then %q, stderr %q", code, rest, proc.stderr.String())
	}
}

// TestFollowUsage: -f without a file is a usage error.
func TestFollowUsage(t *testing.T) {
	t.Parallel()
	code, out, stderr := errtag(t, nil, "-f")
	if code != 2 || out != "" || !strings.Contains(stderr, "needs at least one FILE") {
		t.Errorf("exit %d, out %q, stderr %q", code, out, stderr)
	}
}

// TestFollowEndsLastLineAtStop: without --state, a last line not ended yet
// is written when errtag is stopped (tail -F prints it too), byte-exact:
// nothing follows it, so no newline is added (as in batch mode); the
// unfinished last lines of two files still come out on lines of their own.
// With --state it is held, and the next run writes it whole once it is
// ended.
func TestFollowEndsLastLineAtStop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "errtag.state")
	os.WriteFile(p, []byte("one\npart"), 0o644)
	proc := startFollowing(t, "-f", "--from-start", p)
	proc.expect(t, "one\n")
	if code, rest := proc.term(t, syscall.SIGTERM); code != 143 || rest != "part" {
		t.Fatalf("without --state: exit %d, then %q; want 143 and the unfinished line, no newline added", code, rest)
	}
	q := filepath.Join(dir, "other.log")
	os.WriteFile(q, []byte("two\nrest"), 0o644)
	proc = startFollowing(t, "-f", "--from-start", p, q)
	got := map[string]bool{}
	for range 2 {
		got[readLine(t, proc.out, 5*time.Second)] = true
	}
	if !got["one\n"] || !got["two\n"] {
		t.Fatalf("two files: got %v, want one and two", got)
	}
	if code, rest := proc.term(t, syscall.SIGTERM); code != 143 || rest != "part\nrest" {
		t.Fatalf("two files: exit %d, then %q; want 143 and each unfinished line on its own, none added at the end", code, rest)
	}
	proc = startFollowing(t, "-f", "--from-start", "--state", st, p)
	proc.expect(t, "one\n")
	if code, rest := proc.term(t, syscall.SIGTERM); code != 143 || rest != "" {
		t.Fatalf("with --state: exit %d, then %q; want 143 and nothing", code, rest)
	}
	appendFile(t, p, "ial\n")
	proc = startFollowing(t, "-f", "--state", st, p)
	proc.expect(t, "partial\n")
}
