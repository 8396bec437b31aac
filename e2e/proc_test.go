//go:build linux

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pollDeadline bounds every wait for a condition; polls never assert on
// how long something took, only that it happened at all.
var pollDeadline = patience(10 * time.Second)

// waitUntil polls cond until it holds, failing the test after pollDeadline.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(pollDeadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", pollDeadline, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// needLinux skips tests that read /proc or use Linux ioctls.
func needLinux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
}

// waitBlockedIn waits until a thread of pid sleeps in one of the kernel
// functions named (its /proc wchan), such as wait_for_partner (opening a
// FIFO that has no other end yet). The test is skipped if the kernel does
// not show wchan.
func waitBlockedIn(t *testing.T, pid int, funcs ...string) {
	t.Helper()
	needLinux(t)
	deadline := time.Now().Add(pollDeadline)
	for {
		seen := false
		tasks, _ := filepath.Glob(filepath.Join("/proc", itoa(pid), "task", "*", "wchan"))
		if len(tasks) == 0 {
			t.Fatalf("process %d ended before it waited in %v", pid, funcs)
		}
		for _, p := range tasks {
			b, err := os.ReadFile(p)
			w := strings.TrimSpace(string(b))
			if err != nil || w == "" || w == "0" {
				continue
			}
			seen = true
			// The compiler may have renamed it: poll_schedule_timeout.constprop.0.
			base, _, _ := strings.Cut(w, ".")
			for _, f := range funcs {
				if base == f {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			if !seen {
				t.Skip("this kernel does not show /proc/PID/task/*/wchan")
			}
			t.Fatalf("errtag never waited in %v", funcs)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// waitConsumed waits until the pipe whose write end is w holds no unread
// bytes: the process reading it has taken everything written.
func waitConsumed(t *testing.T, w *os.File) {
	t.Helper()
	needLinux(t)
	waitUntil(t, "the pipe to be read empty", func() bool {
		n, err := unix.IoctlGetInt(int(w.Fd()), unix.TIOCINQ) // FIONREAD
		return err == nil && n == 0
	})
}

// exitStatus is a finished command's exit code, 128+N when a signal N
// killed it.
func exitStatus(err error) int {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		if err != nil {
			return -1
		}
		return 0
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

// peakRSS is the peak resident memory of pid in bytes (VmHWM), or 0.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// pipeReadWaits are the kernel functions errtag sleeps in while it waits
// for input on an empty pipe: a read of the pipe, or poll(2) on it (input
// reads a pipe only once poll says it has input).
var pipeReadWaits = []string{"anon_pipe_read", "pipe_read", "pipe_wait", "pipe_wait_readable", "poll_schedule_timeout", "do_poll", "do_sys_poll"}

// parentOf is the parent pid of pid, from /proc, or 0.
func parentOf(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...: comm may hold spaces and parentheses.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}
