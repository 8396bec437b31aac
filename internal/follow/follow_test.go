package follow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestAppendFromEnd: without FromStart, what the file held is skipped and
// appended lines come, with change notification (no poking).
func TestAppendFromEnd(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "old 1\nold 2\n")
	c := start(t, Config{Files: []string{p}})
	// A first append may be read before or after the follower opened
	// the file, so wait for the follower to have a position first.
	waitOpened(t, c)
	appendTo(t, p, "new 1\n")
	c.waitText(t, p, "new 1\n")
	appendTo(t, p, "new 2\nnew 3\n")
	c.waitText(t, p, "new 1\nnew 2\nnew 3\n")
	if e := c.errs(); len(e) > 0 {
		t.Errorf("errors: %v", e)
	}
}

// waitOpened waits until the follower has looked at its files once (so
// that it has opened those that exist, at their end).
func waitOpened(t *testing.T, c *collector) {
	t.Helper()
	select {
	case <-c.fl.looked:
	case <-time.After(deadline):
		t.Fatal("follower did not start")
	}
}

// TestFromStart: with FromStart the existing lines come first.
func TestFromStart(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "old 1\nold 2\n")
	c := start(t, Config{Files: []string{p}, FromStart: true})
	c.waitText(t, p, "old 1\nold 2\n")
	appendTo(t, p, "new\n")
	c.waitText(t, p, "old 1\nold 2\nnew\n")
}

// TestStartAtEndKeepsHalfLine: starting at the end starts after the last
// complete line, so a line being written when errtag starts comes whole.
func TestStartAtEndKeepsHalfLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "old\nhalf a ")
	s := startManual(t, Config{Files: []string{p}})
	if got := text(s.settle(t)); got != "" {
		t.Fatalf("before the line ends: %q", got)
	}
	appendTo(t, p, "line\n")
	if got := text(s.settle(t)); got != "half a line\n" {
		t.Fatalf("got %q, want the whole line", got)
	}
}

// TestHalfLineWaits: an incomplete last line is not delivered until its
// newline arrives (tail's CompleteLines), however many times the follower
// looks in between.
func TestHalfLineWaits(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "one\ntw")
	if got := text(s.settle(t)); got != "one\n" {
		t.Fatalf("got %q, want only the complete line", got)
	}
	appendTo(t, p, "o, still")
	if got := text(s.settle(t)); got != "" {
		t.Fatalf("half line delivered: %q", got)
	}
	appendTo(t, p, " two\r\nthree\n")
	if got := text(s.settle(t)); got != "two, still two\r\nthree\n" {
		t.Fatalf("got %q", got)
	}
}

// TestCRLFKept: lines come byte for byte with their terminators (nxadm/tail
// strips the LF and leaves the CR in Line.Text).
func TestCRLFKept(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	content := "crlf\r\nlf\n\r\n\n\rcr inside\r\n\xff\x00 bytes\r\n"
	write(t, p, content)
	s := startManual(t, Config{Files: []string{p}, FromStart: true})
	if got := text(s.settle(t)); got != content {
		t.Fatalf("got %q, want %q", got, content)
	}
}

// TestRenameRotationDrainsOld: lines written to the old file after the
// follower last looked, then rename and create: the old file's lines come
// first, all of them, then the new file's from its start.
func TestRenameRotationDrainsOld(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "a1\n")
	if got := text(s.settle(t)); got != "a1\n" {
		t.Fatalf("got %q", got)
	}
	appendTo(t, p, "a2\na3 unread at rotation\n")
	rename(t, p, p+".1")
	write(t, p, "b1\nb2\n")
	got := s.settle(t)
	if text(got) != "a2\na3 unread at rotation\nb1\nb2\n" {
		t.Fatalf("got %q", text(got))
	}
	if n := notesOf(got); !slices.Equal(n, []Note{Rotated}) {
		t.Errorf("notes %v, want [rotated]", n)
	}
	// The Rotated note comes between the old and the new file's lines.
	for i, c := range got {
		if c.Note == Rotated && (text(got[:i]) != "a2\na3 unread at rotation\n") {
			t.Errorf("rotated note after %q", text(got[:i]))
		}
	}
}

// TestRotationWaitsForNewData: while the new file is empty the old one is
// still followed (its writer may not have switched yet). Once the new file
// has data, the old one is still read on (its writer may not have reopened
// yet), and its incomplete last line waits for the rest of it.
func TestRotationWaitsForNewData(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	old, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	s := startManual(t, Config{Files: []string{p}, RotateWait: time.Hour})
	s.settle(t)
	rename(t, p, p+".1")
	write(t, p, "")
	old.WriteString("late 1\n")
	if got := s.settle(t); text(got) != "late 1\n" || len(notesOf(got)) != 0 {
		t.Fatalf("got %q notes %v: the old file must still be followed", text(got), notesOf(got))
	}
	old.WriteString("late 2, no newline")
	appendTo(t, p, "new 1\n")
	if got := text(s.settle(t)); got != "new 1\n" {
		t.Fatalf("got %q, want the new file's line alone", got)
	}
	old.WriteString(", finished later\nlate 3\n")
	appendTo(t, p, "new 2\n")
	if got := text(s.settle(t)); got != "late 2, no newline, finished later\nlate 3\nnew 2\n" {
		t.Fatalf("got %q", got)
	}
}

// TestRotatedReadOnUntilIdle: a generation rotated away is read on until it
// has been idle for RotateWait; then its incomplete last line is delivered
// on its own, and the generation is closed.
func TestRotatedReadOnUntilIdle(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	old, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	c := start(t, Config{Files: []string{p}, PollInterval: 5 * time.Millisecond, RotateWait: 50 * time.Millisecond})
	<-c.fl.looked
	old.WriteString("g0 line1\ng0 partial")
	c.waitText(t, p, "g0 line1\n")
	rename(t, p, p+".1")
	write(t, p, "g1 line1\n")
	c.waitText(t, p, "g0 line1\ng1 line1\n")
	// Never read as a line while it may grow; delivered once idle.
	c.waitText(t, p, "g0 line1\ng1 line1\ng0 partial")
}

// TestStopFinishesRotated: at Stop, a generation still read on after a
// rotation is read to its end, its last line delivered though incomplete:
// a saved Position leads only to the current generation.
func TestStopFinishesRotated(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	old, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	s := startManual(t, Config{Files: []string{p}, RotateWait: time.Hour})
	s.settle(t)
	old.WriteString("a1\na2 partial")
	rename(t, p, p+".1")
	write(t, p, "b1\n")
	if got := text(s.settle(t)); got != "a1\nb1\n" {
		t.Fatalf("got %q", got)
	}
	old.WriteString(" and more")
	s.fl.Stop()
	var got []Chunk
	for c := range s.fl.Chunks() {
		got = append(got, c)
	}
	if text(got) != "a2 partial and more" {
		t.Fatalf("at stop got %q, want the rotated file's last line", text(got))
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	ino, _ := idOf(fi)
	for _, c := range got {
		if len(c.Data) > 0 && c.Pos.Ino != ino.ino {
			t.Errorf("a rotated file's late line carries the Position of inode %d, not the current file's", c.Pos.Ino)
		}
	}
}

// TestRemovedAndRecreated: rm + create is a rotation too.
func TestRemovedAndRecreated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "x1\n")
	os.Remove(p)
	write(t, p, "y1\n")
	if got := text(s.settle(t)); got != "x1\ny1\n" {
		t.Fatalf("got %q", got)
	}
}

// TestMissedGeneration: a generation created, written and rotated away
// between two looks is found in the directory and read whole, in order.
func TestMissedGeneration(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "A1\n")
	s.settle(t)
	appendTo(t, p, "A2\n")
	// logrotate-style shifts, twice, while the follower does not look.
	rename(t, p, p+".1")
	write(t, p, "B1\nB2\n")
	rename(t, p+".1", p+".2")
	rename(t, p, p+".1")
	write(t, p, "C1\n")
	// Unrelated files that must not be read: not a rotated name, and an
	// old rotated file written before the generation that was current.
	write(t, filepath.Join(dir, "app.log.lock"), "LOCK\n")
	got := text(s.settle(t))
	if got != "A2\nB1\nB2\nC1\n" {
		t.Fatalf("got %q, want A2 B1 B2 C1", got)
	}
}

// TestCopytruncate: lines the follower had not read when the file was
// copied and truncated are read from the copy, then the file from 0.
func TestCopytruncate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "a1\n")
	s.settle(t)
	appendTo(t, p, "a2 unread\n")
	copyFile(t, p, p+".1")
	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	appendTo(t, p, "b1\n")
	got := s.settle(t)
	if text(got) != "a2 unread\nb1\n" {
		t.Fatalf("got %q", text(got))
	}
	if n := notesOf(got); !slices.Equal(n, []Note{Truncated}) {
		t.Errorf("notes %v, want [truncated]", n)
	}
}

// TestTruncatedAndRefilledPastOffset: nxadm/tail detects truncation by size
// only; here the file is truncated and refilled past the old offset before
// the follower looks. The changed first bytes give it away: the new
// content is read from its start, nothing of it from the old offset.
func TestTruncatedAndRefilledPastOffset(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "2024-05-01 first generation line\n")
	s.settle(t)
	refill := "2024-05-02 second generation, longer than the first\nsecond line\n"
	write(t, p, refill) // O_TRUNC, then more bytes than before
	got := s.settle(t)
	if text(got) != refill {
		t.Fatalf("got %q, want the new content from its start %q", text(got), refill)
	}
	if n := notesOf(got); !slices.Equal(n, []Note{Truncated}) {
		t.Errorf("notes %v, want [truncated]", n)
	}
}

// TestTruncatedNoCopy: a plain truncation (> file): reading starts again at
// 0; lines read before are not repeated.
func TestTruncatedNoCopy(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "one\ntwo\n")
	s.settle(t)
	os.Truncate(p, 0)
	appendTo(t, p, "x\n")
	if got := text(s.settle(t)); got != "x\n" {
		t.Fatalf("got %q", got)
	}
}

// TestCreatedLater: a file that does not exist yet (nor its directory) is
// waited for and read from its start, with change notification.
func TestCreatedLater(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "later")
	p := filepath.Join(dir, "app.log")
	c := start(t, Config{Files: []string{p}})
	waitOpened(t, c) // else the file may exist at the first look: old content
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, p, "first\n")
	c.waitText(t, p, "first\n")
	appendTo(t, p, "second\n")
	c.waitText(t, p, "first\nsecond\n")
	if e := c.errs(); len(e) > 0 {
		t.Errorf("waiting for a file is not an error: %v", e)
	}
}

// TestSeveralFiles: each chunk carries its source.
func TestSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	write(t, a, "")
	write(t, b, "")
	c := start(t, Config{Files: []string{a, b, a}})
	waitOpened(t, c)
	appendTo(t, a, "to a\n")
	appendTo(t, b, "to b\n")
	c.waitText(t, a, "to a\n")
	c.waitText(t, b, "to b\n")
}

// TestNotFollowable: a name that holds something that can never be
// followed (a directory, a FIFO, a compressed file) is refused by New with
// a clear error, instead of being waited on forever; a name that becomes a
// directory later is an error in band, reported once, and following goes
// on once it is a file again.
func TestNotFollowable(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "adir")
	os.Mkdir(sub, 0o755)
	gz := filepath.Join(dir, "old.log.gz")
	write(t, gz, gzipped("compressed line\n"))
	fifo := filepath.Join(dir, "fifo")
	for _, c := range []struct{ path, want string }{
		{sub, "not a regular file (a directory)"},
		{gz, "gzip-compressed"},
		{fifo, "not a regular file"},
	} {
		if c.path == fifo && syscallMkfifo(fifo) != nil {
			continue
		}
		_, err := New(Config{Files: []string{filepath.Join(dir, "ok.log"), c.path}})
		var nf *NotFollowableError
		if !errors.As(err, &nf) || nf.Name != c.path || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a NotFollowableError saying %q", c.path, err, c.want)
		}
	}

	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	os.Remove(p)
	os.Mkdir(p, 0o755)
	got := append(s.settle(t), s.settle(t)...)
	errs := 0
	for _, c := range got {
		if c.Err != nil {
			errs++
			if c.Source != p || !strings.Contains(c.Err.Error(), "not a regular file") {
				t.Errorf("error %v", c.Err)
			}
		}
	}
	if errs != 1 {
		t.Fatalf("got %+v, want one error", got)
	}
	os.Remove(p)
	write(t, p, "now a file\n")
	if got := text(s.settle(t)); got != "now a file\n" {
		t.Fatalf("got %q", got)
	}
}

func TestNewRefuses(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, ErrNoFiles) {
		t.Errorf("no files: %v", err)
	}
	if _, err := New(Config{Files: []string{"-"}}); err == nil {
		t.Error("standard input accepted")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(b))
}

// TestRotationRightAfterEOF: the writer appends its last lines to the old
// file and rotates between the follower's last read of the old file and its
// look at the name. The old file is read again after the new file's data
// was seen, so those lines come, before the new file's.
func TestRotationRightAfterEOF(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	old, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	var once sync.Once
	cfg := Config{Files: []string{p}}
	s := startManualHook(t, cfg, func(string) {
		once.Do(func() {
			old.WriteString("last words\n")
			os.Rename(p, p+".1")
			os.WriteFile(p, []byte("new file\n"), 0o644)
		})
	})
	if got := text(s.settle(t)); got != "last words\nnew file\n" {
		t.Fatalf("got %q", got)
	}
}

// TestCopytruncateTwiceUnseen: two copytruncates before the follower looks:
// the rest of the first generation comes from the first copy, the whole
// second generation from the second copy, then the file.
func TestCopytruncateTwiceUnseen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "a1\n")
	s.settle(t)
	appendTo(t, p, "a2\n")
	copyFile(t, p, p+".1")
	os.Truncate(p, 0)
	appendTo(t, p, "b1\nb2\n")
	copyFile(t, p, p+".2")
	os.Truncate(p, 0)
	appendTo(t, p, "c1\n")
	if got := text(s.settle(t)); got != "a2\nb1\nb2\nc1\n" {
		t.Fatalf("got %q", got)
	}
	// A copy made but its file not truncated yet is not read twice.
	copyFile(t, p, p+".3")
	appendTo(t, p, "c2\n")
	if got := text(s.settle(t)); got != "c2\n" {
		t.Fatalf("got %q", got)
	}
}

// TestLatency logs how long an appended line takes to be delivered when
// the follower is idle (woken by change notification, not by polling). It
// asserts only a generous deadline: the number is for the log.
func TestLatency(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	c := start(t, Config{Files: []string{p}, PollInterval: time.Hour})
	waitOpened(t, c)
	var worst, total time.Duration
	want := ""
	const n = 20
	for i := 0; i < n; i++ {
		time.Sleep(5 * time.Millisecond) // idle
		line := fmt.Sprintf("line %d\n", i)
		want += line
		t0 := time.Now()
		appendTo(t, p, line)
		c.waitText(t, p, want)
		d := time.Since(t0)
		total += d
		worst = max(worst, d)
	}
	t.Logf("idle append to delivery: mean %v, worst %v over %d lines", total/n, worst, n)
}

// TestRotationsDuringListings: the name keeps moving on while the follower
// lists the directory, and every time a generation is created, written and
// rotated away after the listing without ever being seen at the name. The
// generation seen at the name afterwards must not be read before it: all
// generations come out whole, oldest first.
func TestRotationsDuringListings(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	var armed atomic.Bool
	n := 0
	var want strings.Builder
	want.WriteString("G0\n")
	s := startManual(t, Config{Files: []string{p}, listed: func() {
		if !armed.Load() || n >= 20 {
			return
		}
		// Two rotations: the first new file is never seen at the
		// name, the second is.
		for range 2 {
			n++
			rename(t, p, fmt.Sprintf("%s.%d", p, n))
			line := fmt.Sprintf("G%d\n", n)
			write(t, p, line)
			want.WriteString(line)
		}
	}})
	s.settle(t)
	appendTo(t, p, "G0\n")
	armed.Store(true)
	got := text(s.settle(t))
	if got != want.String() {
		t.Fatalf("got %q, want %q", got, want.String())
	}
}
