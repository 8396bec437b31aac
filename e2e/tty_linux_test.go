//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal cols columns wide and returns its two
// ends; the test is skipped where there is none.
func openPTY(t *testing.T, cols uint16) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pts: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: cols}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// onTerminal runs errtag with its standard output (and standard error if
// errToo) on a terminal cols columns wide, and returns what the terminal
// got (CRLF turned back into LF) and, if stderr is not the terminal, what
// errtag wrote to stderr.
func onTerminal(t *testing.T, cols uint16, env []string, errToo bool, args ...string) (term, stderr string) {
	t.Helper()
	master, tty := openPTY(t, cols)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = tty
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if errToo {
		cmd.Stderr = tty
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(master) // ends with EIO once the terminal is closed
		got <- b
	}()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("%v: %v; stderr %q", args, err, errb.String())
	}
	return strings.ReplaceAll(string(<-got), "\r\n", "\n"), errb.String()
}

// TestTerminalView: on a real terminal 80 columns wide, errtag writes the
// view, in colour unless NO_COLOR is set or --color never is given; the
// annotation blocks fit the width.
func TestTerminalView(t *testing.T) {
	t.Parallel()
	log := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(log, []byte("plain line\n"+errLine+"\n"), 0o644)
	for _, c := range []struct {
		env    []string
		args   []string
		colour bool
	}{
		{[]string{"NO_COLOR="}, nil, true},
		{[]string{"NO_COLOR=1"}, nil, false},
		{nil, []string{"--color", "never"}, false},
		{[]string{"NO_COLOR=1"}, []string{"--color", "always"}, true},
	} {
		out, _ := onTerminal(t, 80, c.env, false, append(c.args, log)...)
		if strings.Contains(out, "\x1b[") != c.colour {
			t.Errorf("%v %v: colour %v: %q", c.env, c.args, !c.colour, out)
		}
		plain := stripANSI(out)
		if !strings.HasPrefix(plain, "plain line\n"+errLine+"\n  => knox-efota -1401 DOWNLOAD_REJECTED_BY_USER (cancelled)\n     The device user rejected") {
			t.Errorf("%v %v: not the view:\n%s", c.env, c.args, plain)
		}
		for _, l := range strings.Split(plain, "\n")[2:] {
			if len(l) > 80 {
				t.Errorf("over 80 columns: %q", l)
			}
		}
	}
	// --format auto on a terminal: the exact bytes.
	out, _ := onTerminal(t, 80, nil, false, "--format", "auto", "--fields", "code", log)
	if out != "plain line\n"+errLine+" errtag.code=-1401\n" {
		t.Errorf("--format auto on a terminal: %q", out)
	}
}

// stripANSI removes SGR sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TestProgressOnTerminal: with standard error on a terminal and the output
// in a file, a run on files shows which file it reads and how far it has
// got, counting a gzip file as the text it holds (its trailer says how
// much), then leaves a summary line that names the missing file. The last
// input is a FIFO, so the run lasts until the test has seen the progress
// line.
func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := strings.Repeat("plain line\n", 1000) + errLine + "\n"
	log := filepath.Join(dir, "first.log")
	os.WriteFile(log, []byte(plain), 0o644)
	packed := strings.Repeat("a line that compresses well, as logs do\n", 50000)
	gz := filepath.Join(dir, "second.log.gz")
	os.WriteFile(gz, gzipBytes(t, packed), 0o644)
	fifo := filepath.Join(dir, "fourth.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	master, tty := openPTY(t, 160)
	cmd := exec.Command(binary, "-o", filepath.Join(dir, "out.log.gz"), log, gz, filepath.Join(dir, "third-missing.log"), fifo)
	cmd.Stderr = tty
	var seen syncBuffer
	go io.Copy(&seen, master)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	// The FIFO has no size: the other files are all the total, and the
	// percentage stays below 100 until the FIFO is read too. The gzip
	// file counts what it decodes to, not its few bytes on disk.
	total := float64(len(plain)+len(packed)) / (1 << 20)
	want := fmt.Sprintf("errtag: 3 of 4 files · %s · %.1f MiB of %.1f MiB uncompressed (99%%)", fifo, total, total)
	deadline := time.Now().Add(patience(10 * time.Second))
	for !strings.Contains(seen.String(), want) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no progress line %q on the terminal: %q", want, seen.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if before := seen.String(); strings.Contains(before, "(100%)") {
		t.Errorf("100%% before the end: %q", before)
	}
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString(errLine + "\n")
	w.Close()
	if err := cmd.Wait(); exitStatus(err) != 1 {
		t.Fatalf("exit: %v, want 1 (a missing input); terminal %q", err, seen.String())
	}
	deadline = time.Now().Add(patience(10 * time.Second))
	for !strings.Contains(seen.String(), "lines annotated") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	got := seen.String()
	summary := "errtag: read 3 of 4 files (1 missing), "
	if !strings.Contains(got, summary) || !strings.HasSuffix(got, "; 2 of 51002 lines annotated\r\n") {
		t.Errorf("no summary %q...: %q", summary, got)
	}
}

// runOnTerminal runs the shell command cmd in dir with its standard output
// and error on a terminal 80 columns wide, and returns what the terminal
// got (CRLF turned back into LF), whether it exited 0, and whether it could
// run at all.
func runOnTerminal(t *testing.T, dir string, env []string, cmd string) (string, bool, bool) {
	t.Helper()
	master, tty := openPTY(t, 80)
	c := exec.Command("sh", "-c", cmd)
	c.Dir, c.Env = dir, env
	c.Stdout, c.Stderr = tty, tty
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(master)
		got <- b
	}()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	err := c.Wait()
	return strings.ReplaceAll(string(<-got), "\r\n", "\n"), err == nil, true
}

// TestTerminalEscapesLogContent: on a terminal, control sequences in the
// log (colour, a title, a bell, a bare CR, C1 and bidi controls) are shown,
// not obeyed; to a pipe the same lines keep their exact bytes.
func TestTerminalEscapesLogContent(t *testing.T) {
	t.Parallel()
	hostile := "esc \x1b[31mRED\x1b[0m \x1b]0;TITLE\x07 overwritten\rBY CR \u202eevil\u202c \xc2\x9b31m resultCode=-1401 efota\n" +
		"plain \x1b[2J\x07 line\n"
	log := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(log, []byte(hostile), 0o644)
	for _, env := range [][]string{{"NO_COLOR=1"}, {"NO_COLOR="}} {
		out, _ := onTerminal(t, 80, env, false, "--fields", "code", log)
		plain := stripANSI(out) // errtag's own colours
		for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "\xc2\x9b"} {
			if strings.Contains(plain, bad) {
				t.Errorf("%v: %q reached the terminal: %q", env, bad, out)
			}
		}
		want := `esc \x1b[31mRED\x1b[0m \x1b]0;TITLE\x07 overwritten\rBY CR \u202eevil\u202c \u009b31m resultCode=-1401 efota` + "\n  => -1401\n" +
			`plain \x1b[2J\x07 line` + "\n"
		if plain != want {
			t.Errorf("%v: the terminal got\n%q\nwant\n%q", env, plain, want)
		}
	}
	code, out, stderr := errtagIn(t, filepath.Dir(log), "--fields", "code", "app.log")
	if code != 0 || out != strings.Replace(hostile, "efota\n", "efota errtag.code=-1401\n", 1) {
		t.Errorf("to a pipe: exit %d, stderr %q, out %q", code, stderr, out)
	}
}

// TestTerminalEnvironment: TERM=dumb gets no colour; a terminal that
// reports no width (0 columns) is as wide as COLUMNS says.
func TestTerminalEnvironment(t *testing.T) {
	t.Parallel()
	log := filepath.Join(t.TempDir(), "app.log")
	os.WriteFile(log, []byte(errLine+"\n"), 0o644)
	out, _ := onTerminal(t, 80, []string{"TERM=dumb", "NO_COLOR="}, false, log)
	if strings.Contains(out, "\x1b") || !strings.Contains(out, "  => knox-efota -1401") {
		t.Errorf("TERM=dumb: %q", out)
	}
	out, _ = onTerminal(t, 0, []string{"COLUMNS=40", "NO_COLOR=1"}, false, log)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "     ") && len(l) > 40 { // the wrapped text under the head line
			t.Errorf("COLUMNS=40 on a terminal of no width: %q is over 40 columns", l)
		}
	}
	if len(lines) < 8 {
		t.Errorf("not wrapped to 40 columns: %q", out)
	}
}

// TestTerminalStdinHabits: with standard input on a terminal and no FILE,
// errtag -v (another tool's --version) is refused, saying what -v is here,
// instead of waiting for the terminal; errtag -h alone is help.
func TestTerminalStdinHabits(t *testing.T) {
	t.Parallel()
	_, tty := openPTY(t, 80)
	cmd := exec.Command(binary, "-v")
	cmd.Stdin = tty
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if exitStatus(err) != 2 || out.Len() != 0 || !strings.Contains(errb.String(), "-v is grep's -v here (--invert-match") || !strings.Contains(errb.String(), "errtag --version") {
		t.Errorf("-v on a terminal: %v, out %q, stderr %q", err, out.String(), errb.String())
	}
	cmd = exec.Command(binary, "-h")
	cmd.Stdin = tty
	help, err := cmd.Output()
	if err != nil || !strings.Contains(string(help), "Usage:") {
		t.Errorf("-h alone: %v, %q", err, help)
	}
}
