//go:build linux

package e2e

// Stop tests: SIGINT, SIGTERM and SIGHUP end errtag with everything it
// read written; a second signal ends it at once, saying what it could not
// write; waiting to open a FIFO or to write to a reader that does not read
// never keeps it from stopping.

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

var stopSignals = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP}

// TestStopFinishesOutput: stopped by a signal, errtag -o x.gz has written
// every line it read into a complete gzip file, put in place, and exits
// with 128+signal (SIGHUP used to kill it, leaving x.gz invalid).
func TestStopFinishesOutput(t *testing.T) {
	t.Parallel()
	needLinux(t)
	for _, sig := range stopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := filepath.Join(dir, "x.gz")
			inR, inW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer inW.Close()
			cmd := exec.Command(binary, "-o", out)
			cmd.Stdin = inR
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			inR.Close()
			defer cmd.Process.Kill()
			var in strings.Builder
			for i := 0; i < 1000; i++ {
				in.WriteString(itoa(i) + " " + errLine + "\n")
			}
			inW.WriteString(in.String())
			waitConsumed(t, inW)
			cmd.Process.Signal(sig)
			if code := exitStatus(cmd.Wait()); code != 128+int(sig) || stderr.Len() != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			_, want, _ := errtag(t, strings.NewReader(in.String()))
			if got := gunzip(t, out); got != want {
				t.Errorf("x.gz holds %d bytes, want %d", len(got), len(want))
			}
			if left := tempFiles(dir); len(left) != 0 {
				t.Errorf("left: %v", left)
			}
		})
	}
}

// TestSecondSignal: with its output blocked (errtag big.log | a reader that
// does not read), a first signal cannot finish; a second one ends errtag at
// once with 128+signal, saying which lines it read and did not write. The
// lines before those are all in the output. (A second signal used to be
// ignored.)
func TestSecondSignal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.log")
	bigLog(t, big, 100000)
	c := startPiped(t, nil, nil, errtagArgv(big)...)
	lines := c.lineChan()
	<-lines // running, and writing; nothing more is read from now on
	c.cmd.Process.Signal(syscall.SIGTERM)
	// A signal that comes while the first is still being delivered is
	// merged with it, so the second is sent until errtag ends.
	waitUntil(t, "errtag to end on a second signal", func() bool {
		c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
			return true
		default:
			return false
		}
	})
	if code := c.wait(pollDeadline); code != 143 {
		t.Errorf("exit %d, want 143", code)
	}
	stderr := c.stderr.String()
	m := regexp.MustCompile(`errtag: ` + regexp.QuoteMeta(big) + `: lines (\d+) to (\d+) were read but not all written\n`).FindStringSubmatch(stderr)
	if !strings.HasPrefix(stderr, "errtag: second signal (terminated): ending at once\n") || m == nil {
		t.Fatalf("stderr %q", stderr)
	}
	first, _ := strconv.Atoi(m[1])
	last, _ := strconv.Atoi(m[2])
	got := 1 + len(c.rest()) // the line read above, and what the pipe held
	if got < first-1 || got > last {
		t.Errorf("%d lines came out; the report says lines %d to %d were not all written", got, first, last)
	}
}

// TestStopWhileOpening: errtag waiting to open a FIFO that has no writer
// (an input) or no reader (-o) stops on SIGTERM with 143 and a silent
// stderr; -o's FIFO is left alone. (Opening an input FIFO ignored SIGTERM.)
func TestStopWhileOpening(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		args func(fifo string) []string
	}{
		{"input", func(f string) []string { return []string{f} }},
		{"output", func(f string) []string { return []string{"-o", f} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(binary, c.args(fifo)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			waitBlockedIn(t, cmd.Process.Pid, "wait_for_partner", "fifo_open")
			cmd.Process.Signal(syscall.SIGTERM)
			var err error
			waitUntil(t, "errtag to stop", func() bool {
				select {
				case err = <-done:
					return true
				default:
					return false
				}
			})
			if code := exitStatus(err); code != 143 || stderr.Len() != 0 {
				t.Errorf("exit %d, stderr %q", code, stderr.String())
			}
			if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
				t.Errorf("the FIFO became %v (%v)", fi.Mode(), err)
			}
		})
	}
}

// TestStdoutClosed: a closed standard output (errtag in.log >&-) is an
// error with exit 1, as cat's EBADF is, although the Go runtime puts
// /dev/null read-write in its place; /dev/null given on purpose is written
// to like any output: > /dev/null (write-only), daemon(3)'s one /dev/null
// on all three descriptors, Python's stdin=DEVNULL, stdout=DEVNULL (one
// description for both), and -o /dev/null. Standard output alone on a
// read-write /dev/null cannot be told from a closed one and is refused,
// saying how to discard on purpose. Linux only: elsewhere nothing tells.
func TestStdoutClosed(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("telling a closed standard output from /dev/null needs Linux")
	}
	in := filepath.Join(t.TempDir(), "in.log")
	os.WriteFile(in, []byte(errLine+"\n"), 0o644)
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Skip(err)
	}
	defer null.Close()
	shell := func(redirect string, args ...string) (int, string) {
		cmd := exec.Command("/bin/sh", append([]string{"-c", `exec "$0" "$@" ` + redirect, binary}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		return exitCode(err), stderr.String()
	}
	for _, args := range [][]string{{in}, {"--stats", in}, {"stats", in}, {"-c", in}} {
		if code, stderr := shell(">&-", args...); code != 1 || !strings.Contains(stderr, "standard output is closed") {
			t.Errorf("%v >&-: exit %d, stderr %q; want 1 and a message", args, code, stderr)
		}
		if code, stderr := shell(">/dev/null", args...); code != 0 || (args[0] != "--stats" && stderr != "") {
			t.Errorf("%v >/dev/null: exit %d, stderr %q", args, code, stderr)
		}
		// daemon(3): all three on one /dev/null.
		cmd := exec.Command(binary, args...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
		if err := cmd.Run(); err != nil {
			t.Errorf("%v, daemon style: %v", args, err)
		}
		// stdin=DEVNULL, stdout=DEVNULL: one description for both.
		cmd = exec.Command(binary, args...)
		var stderr bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("%v, stdin and stdout DEVNULL: %v, stderr %q", args, err, stderr.String())
		}
		// stdout=DEVNULL alone: refused, saying what to do.
		cmd = exec.Command(binary, args...)
		stderr.Reset()
		cmd.Stdout, cmd.Stderr = null, &stderr
		if err := cmd.Run(); exitCode(err) != 1 || !strings.Contains(stderr.String(), "-o /dev/null") {
			t.Errorf("%v, stdout DEVNULL alone: %v, stderr %q; want exit 1 and the way to discard", args, err, stderr.String())
		}
	}
	if code, stderr := shell(">&-", "-o", "/dev/null", in); code != 0 || stderr != "" {
		t.Errorf("-o /dev/null >&-: exit %d, stderr %q", code, stderr)
	}
	if code, stderr := shell(">&-", "-q", in); code != 0 || stderr != "" {
		t.Errorf("-q >&-: exit %d, stderr %q (-q writes nothing)", code, stderr)
	}
}

// TestWorkersMemory: whatever --workers says, errtag behind a reader that
// does not read holds a bounded amount: it stops reading after a few
// chunks per CPU, and its peak memory stays low. (With --workers 1000 it
// read on, holding a chunk per worker, into hundreds of MB.) GOMAXPROCS is
// pinned, since the bound is per CPU.
func TestWorkersMemory(t *testing.T) {
	t.Parallel()
	needLinux(t)
	if os.Getenv("ERRTAG_E2E_RACE") != "" {
		t.Skip("the race detector's shadow memory multiplies RSS")
	}
	c := startPiped(t, nil, []string{"GOMAXPROCS=2"}, errtagArgv("--workers", "1000")...)
	const (
		limit    = 512 << 20 // what the writer offers at most
		maxTaken = 16 << 20  // input errtag may take in with its output blocked
		maxRSS   = 100 << 20 // errtag's peak RSS allowed
	)
	var line strings.Builder
	for i := 0; i < 100; i++ {
		line.WriteString("an ordinary line of some length, with nothing in it to annotate\n")
	}
	line.WriteString(errLine + "\n")
	block := []byte(line.String())
	var sent atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sent.Load() < limit {
			n, err := c.stdin.Write(block)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	// Wait until the writer stops getting anywhere (errtag has stopped
	// reading), or has given all it had.
	var last int64 = -1
	stuck := 0
	waitUntil(t, "errtag to stop reading", func() bool {
		select {
		case <-done:
			last = sent.Load()
			return true
		default:
		}
		n := sent.Load()
		if rss := peakRSS(c.cmd.Process.Pid); rss > maxRSS || n > maxTaken {
			t.Fatalf("took %d MB of input with nobody reading its output; peak RSS %d MB", n>>20, rss>>20)
		}
		if n == last {
			stuck++
		} else {
			stuck, last = 0, n
		}
		return stuck >= 250 // half a second without progress
	})
	rss := peakRSS(c.cmd.Process.Pid)
	t.Logf("took %d MB of input before stopping; peak RSS %d MB", last>>20, rss>>20)
	if last > maxTaken || rss > maxRSS {
		t.Errorf("took %d MB of input with nobody reading its output; peak RSS %d MB", last>>20, rss>>20)
	}
	c.cmd.Process.Kill()
	io.Copy(io.Discard, bufio.NewReader(c.outR))
}

// exitCode is err's exit status: 0 for nil, -1 if the process did not exit.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
