package follow

// Each test here covers one of nxadm/tail's traps (see the package doc)
// against this package: what tail would do wrong, this follower must not.

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStatErrorIsInBand: tail's watchers call os.Exit(1) when a stat of the
// name fails with anything but ENOENT. Here ENOTDIR (a path component is a
// file) is an error on the channel, reported once, and following goes on
// once the path is fixed.
func TestStatErrorIsInBand(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "logs")
	write(t, notDir, "a file where a directory should be\n")
	p := filepath.Join(notDir, "app.log")
	s := startManual(t, Config{Files: []string{p}})
	got := append(s.settle(t), s.settle(t)...)
	if len(got) != 1 || got[0].Err == nil || got[0].Source != p || !errorsIs(got[0].Err, syscall.ENOTDIR) {
		t.Fatalf("got %+v, want one ENOTDIR error for %s", got, p)
	}
	os.Remove(notDir)
	os.Mkdir(notDir, 0o755)
	write(t, p, "here now\n")
	if got := text(s.settle(t)); got != "here now\n" {
		t.Fatalf("after the fix: %q", got)
	}
}

// TestNoSplitNoSkip: tail's MaxLineSize splits long lines and its rate
// limiter skips data. A 5 MiB line comes whole (under a MaxLine above it),
// and a burst of 200 000 lines comes complete.
func TestNoSplitNoSkip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}, MaxLine: 8 << 20})
	s.settle(t)
	long := strings.Repeat("0123456789", 512<<10) + "\n"
	var burst strings.Builder
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&burst, "burst line %d\n", i)
	}
	appendTo(t, p, long[:3<<20]) // the line is written in two parts
	if got := text(s.settle(t)); got != "" {
		t.Fatalf("part of a line delivered: %d bytes", len(got))
	}
	appendTo(t, p, long[3<<20:]+burst.String())
	got := s.settle(t)
	if text(got) != long+burst.String() {
		t.Fatalf("got %d bytes, want %d", len(text(got)), len(long)+burst.Len())
	}
	// The first chunk holds the whole long line: never a piece of it.
	if len(got[0].Data) < len(long) || string(got[0].Data[:len(long)]) != long {
		t.Errorf("first chunk is %d bytes, not the whole long line", len(got[0].Data))
	}
}

// TestStopReleasesEverything: tail's inotify tracker is process-wide and
// its goroutine never ends. A stopped Follower leaves no goroutine, no open
// file and no inotify instance behind, and Chunks is closed.
func TestStopReleasesEverything(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	before, fdsBefore := runtime.NumGoroutine(), openFDs()
	for i := 0; i < 5; i++ {
		c := start(t, Config{Files: []string{p, filepath.Join(dir, "missing.log")}})
		waitOpened(t, c)
		appendTo(t, p, "x\n")
		c.waitText(t, p, "x\n")
		c.fl.Close()
		<-c.closed
		os.Truncate(p, 0)
	}
	end := time.Now().Add(deadline)
	for runtime.NumGoroutine() > before || (fdsBefore >= 0 && openFDs() > fdsBefore) {
		if time.Now().After(end) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines %d -> %d, fds %d -> %d\n%s", before, runtime.NumGoroutine(), fdsBefore, openFDs(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// openFDs counts this process's open descriptors (-1 where unknown).
func openFDs() int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(es)
}

// TestTwoFollowersOneFile: tail's tracker keys its channels by file name,
// so two Tails of one file steal each other's events. Two Followers of one
// file both get every line.
func TestTwoFollowersOneFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	a := start(t, Config{Files: []string{p}})
	b := start(t, Config{Files: []string{p}, PollInterval: time.Hour})
	waitOpened(t, a)
	waitOpened(t, b)
	want := ""
	for i := 0; i < 50; i++ {
		line := fmt.Sprintf("line %d\n", i)
		appendTo(t, p, line)
		want += line
		// One at a time: each must be noticed by both (no poll to
		// fall back on within the deadline for b).
		a.waitText(t, p, want)
		b.waitText(t, p, want)
	}
}

// TestStopDeliversWhatWasRead: after Stop the chunks still come until
// Chunks is closed; they are whole lines, and the last Position is the
// number of bytes delivered.
func TestStopDeliversWhatWasRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	var b []byte
	for i := 0; len(b) < 8<<20; i++ {
		b = append(strconv.AppendInt(append(b, "line "...), int64(i), 10), '\n')
	}
	write(t, p, string(b))
	fl, err := New(Config{Files: []string{p}, FromStart: true})
	if err != nil {
		t.Fatal(err)
	}
	first := <-fl.Chunks() // the Position at start, then data
	for len(first.Data) == 0 {
		first = <-fl.Chunks()
	}
	fl.Stop()
	n, last := len(first.Data), first.Pos
	for c := range fl.Chunks() {
		n += len(c.Data)
		last = c.Pos
	}
	if int64(n) != last.Offset || n == 0 || b[n-1] != '\n' {
		t.Fatalf("delivered %d bytes, last offset %d", n, last.Offset)
	}
	t.Logf("stopped after %d of %d bytes", n, len(b))
}

func errorsIs(err, target error) bool {
	for err != nil {
		if err == target {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// TestEndAtStop: with EndAtStop, the incomplete last line read before Stop
// is delivered at Stop (without a terminator, as tail -F prints it);
// without it, it is held (a saved Position resumes inside it).
func TestEndAtStop(t *testing.T) {
	for _, end := range []bool{false, true} {
		p := filepath.Join(t.TempDir(), "app.log")
		write(t, p, "one\ntw")
		c := start(t, Config{Files: []string{p}, FromStart: true, EndAtStop: end})
		c.waitText(t, p, "one\n")
		<-c.fl.looked
		c.fl.Stop()
		<-c.closed
		want := "one\n"
		if end {
			want = "one\ntw"
		}
		if got := c.text(p); got != want {
			t.Errorf("EndAtStop %v: got %q, want %q", end, got, want)
		}
	}
}
