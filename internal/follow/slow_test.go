package follow

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// paths runs test with change notification and with polling only: every
// mechanism must work on both.
func paths(t *testing.T, test func(t *testing.T, cfg Config)) {
	t.Run("notify", func(t *testing.T) {
		t.Parallel()
		test(t, Config{})
	})
	t.Run("poll", func(t *testing.T) {
		t.Parallel()
		test(t, Config{Poll: true, PollInterval: 5 * time.Millisecond})
	})
}

// startGated is start with a reader that takes nothing until open is
// closed: the follower's output is blocked, as behind a slow reader.
func startGated(t *testing.T, cfg Config, open chan struct{}) *collector {
	t.Helper()
	fl, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{fl: fl, data: map[string]*strings.Builder{}, closed: make(chan struct{})}
	go func() {
		defer close(c.closed)
		<-open
		for ch := range fl.Chunks() {
			c.mu.Lock()
			c.chunks = append(c.chunks, ch)
			if len(ch.Data) > 0 {
				b := c.data[ch.Source]
				if b == nil {
					b = &strings.Builder{}
					c.data[ch.Source] = b
				}
				b.Write(ch.Data)
			}
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		select {
		case <-open:
		default:
			close(open)
		}
		fl.Close()
		<-c.closed
	})
	return c
}

// checkRecords requires records 0..n-1 in s, each once, in order.
func checkRecords(t *testing.T, s string, n int) {
	t.Helper()
	got := records(s)
	if len(got) != n {
		t.Errorf("%d records, want %d", len(got), n)
	}
	for i, r := range got {
		if r != i {
			t.Fatalf("record %d is L%06d: lost, repeated or out of order", i, r)
		}
	}
	if len(s) != n*len(record(0)) {
		t.Errorf("%d bytes, want %d (fragments or garbage)", len(s), n*len(record(0)))
	}
}

// TestSlowReaderRenameRotation: the follower's reader takes nothing while
// the writer rotates many times (rename and create), then reads: every
// line comes once, in order, whichever way rotated files are named
// (numbered upwards, shifted like logrotate, or dated; after the name, or
// before its extension as logrotate's `extension .log` does).
func TestSlowReaderRenameRotation(t *testing.T) {
	schemes := map[string]func(p string, k int){
		"unique numbers": func(p string, k int) { os.Rename(p, fmt.Sprintf("%s.%d", p, k)) },
		"logrotate shift": func(p string, k int) {
			for i := k - 1; i >= 1; i-- {
				os.Rename(fmt.Sprintf("%s.%d", p, i), fmt.Sprintf("%s.%d", p, i+1))
			}
			os.Rename(p, p+".1")
		},
		"dated": func(p string, k int) { os.Rename(p, fmt.Sprintf("%s-2024050%d%02d", p, 1+k/100, k%100)) },
	}
	maps.Copy(schemes, extensionSchemes)
	for name, rotate := range schemes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			paths(t, func(t *testing.T, cfg Config) {
				p := filepath.Join(t.TempDir(), "app.log")
				write(t, p, "")
				open := make(chan struct{})
				cfg.Files = []string{p}
				c := startGated(t, cfg, open)
				<-c.fl.looked
				const lines, per = 6000, 500
				f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
				for i := 0; i < lines; i++ {
					if i > 0 && i%per == 0 {
						f.Close()
						if cfg.Poll {
							// Polling sees the name only every
							// PollInterval; generations it did not
							// see there are ordered by their times,
							// which must differ (see pace).
							pace()
						}
						rotate(p, i/per)
						f, _ = os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
					}
					f.WriteString(record(i))
				}
				f.Close()
				close(open)
				checkRecords(t, waitRecord(t, c, p, lines-1), lines)
			})
		})
	}
}

// TestSlowReaderRotateDeletes: behind a blocked reader, generations are
// rotated away and deleted (`rotate 1`): the follower opened each as it
// appeared, so their lines still come, once, in order. Each rotation
// waits until the follower holds the file at the name open (seen in
// /proc), which is what the test is about: opening generations while its
// reader is blocked (after a few chunks fill its queue).
func TestSlowReaderRotateDeletes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc/self/fd")
	}
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	open := make(chan struct{})
	c := startGated(t, Config{Files: []string{p}}, open)
	<-c.fl.looked
	const lines, per = 3000, 100
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	for i := 0; i < lines; i++ {
		if i > 0 && i%per == 0 {
			f.Close()
			waitHeld(t, p)
			os.Remove(p + ".1")
			rename(t, p, p+".1")
			f, _ = os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		}
		f.WriteString(record(i))
	}
	f.Close()
	close(open)
	checkRecords(t, waitRecord(t, c, p, lines-1), lines)
}

// pace waits longer than a tick of the file time clock (a jiffy, up to
// 10 ms), so that files written after it have later times.
func pace() { time.Sleep(12 * time.Millisecond) }

// waitHeld waits until this process has the file at path open.
func waitHeld(t *testing.T, path string) {
	t.Helper()
	end := time.Now().Add(deadline)
	for time.Now().Before(end) {
		es, _ := os.ReadDir("/proc/self/fd")
		for _, e := range es {
			fi, err := os.Stat("/proc/self/fd/" + e.Name())
			if pfi, perr := os.Stat(path); err == nil && perr == nil && os.SameFile(fi, pfi) {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("the follower did not open %s while its reader was blocked", path)
}

// TestSlowReaderCopytruncate: behind a blocked reader, the file is copied
// to a new name and truncated many times (copytruncate with unique names,
// after the name or before its extension). Generations the follower never read are read whole from
// their copies, in order; nothing is read twice.
func TestSlowReaderCopytruncate(t *testing.T) {
	for name, copyName := range map[string]func(p string, k int) string{
		"app.log.N":      func(p string, k int) string { return fmt.Sprintf("%s.%d", p, k) },
		"app.NNNNNN.log": func(p string, k int) string { return fmt.Sprintf("%s.%06d.log", strings.TrimSuffix(p, ".log"), k) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			paths(t, func(t *testing.T, cfg Config) {
				p := filepath.Join(t.TempDir(), "app.log")
				write(t, p, "")
				open := make(chan struct{})
				cfg.Files = []string{p}
				c := startGated(t, cfg, open)
				<-c.fl.looked
				const lines, per = 6000, 500
				f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
				for i := 0; i < lines; i++ {
					if i > 0 && i%per == 0 {
						copyFile(t, p, copyName(p, i/per))
						os.Truncate(p, 0)
					}
					f.WriteString(record(i))
				}
				f.Close()
				close(open)
				checkRecords(t, waitRecord(t, c, p, lines-1), lines)
			})
		})
	}
}

// TestRotatedFoundLateNoWait: generations rotated away before the follower
// looked are read as soon as it looks, even while the file now at the name
// is still empty (they must not wait for its first line).
func TestRotatedFoundLateNoWait(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	appendTo(t, p, "x1\n")
	if got := text(s.settle(t)); got != "x1\n" {
		t.Fatalf("got %q", got)
	}
	appendTo(t, p, "x2\n")
	rename(t, p, p+".1")
	write(t, p, "y1\ny2\n")
	rename(t, p, p+".2")
	write(t, p, "")
	if got := text(s.settle(t)); got != "x2\ny1\ny2\n" {
		t.Fatalf("got %q, want x2 y1 y2 while the new file is empty", got)
	}
	appendTo(t, p, "z1\n")
	if got := text(s.settle(t)); got != "z1\n" {
		t.Fatalf("got %q", got)
	}
}

// TestMoreGenerationsThanPinned: more generations rotated away unseen than
// can be pinned at once (maxQueue): the oldest are pinned first, the others
// once these were read, so that none is lost or misordered; that some wait
// is said once.
func TestMoreGenerationsThanPinned(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	var want strings.Builder
	base := time.Now()
	n := maxQueue + 20
	for i := range n {
		// Names in an order unlike their age: a listing sorted by
		// name, or in directory order, is not oldest first.
		name := fmt.Sprintf("%s.%d", p, (i*37)%n+1000)
		line := fmt.Sprintf("gen %03d\n", i)
		appendTo(t, p, line)
		want.WriteString(line)
		rename(t, p, name)
		tm := base.Add(time.Duration(i) * time.Microsecond)
		if err := os.Chtimes(name, tm, tm); err != nil {
			t.Fatal(err)
		}
		write(t, p, "")
	}
	appendTo(t, p, "current\n")
	want.WriteString("current\n")
	got := s.settle(t)
	if text(got) != want.String() {
		t.Fatalf("got %q, want %q", text(got), want.String())
	}
	said := 0
	for _, c := range got {
		if c.Err != nil && strings.Contains(c.Err.Error(), "wait to be read") {
			said++
		}
	}
	if said != 1 {
		t.Errorf("%d notices that generations wait, want 1", said)
	}
}

// TestPinnedAtNameBeforeTheCut: a generation is pinned at the name while
// it is still empty, then written and rotated away behind the follower's
// back, followed by more generations than can be pinned: it is older than
// all of them, although its modification time when it was pinned (its
// creation) is newer than theirs (set half an hour back; the first file's
// an hour back): what was seen at the name decides, and times are looked
// at as they are now. (It was held back as newer than those left in the
// directory, and read after them.)
func TestPinnedAtNameBeforeTheCut(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	first := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, first, first); err != nil {
		t.Fatal(err)
	}
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	base := time.Now().Add(-30 * time.Minute)
	rotate := func(i int) {
		name := fmt.Sprintf("%s.%d", p, (i*37)%100+1000)
		rename(t, p, name)
		tm := base.Add(time.Duration(i) * time.Microsecond)
		if err := os.Chtimes(name, tm, tm); err != nil {
			t.Fatal(err)
		}
		write(t, p, "")
	}
	var want strings.Builder
	line := func(i int) {
		l := fmt.Sprintf("gen %03d\n", i)
		appendTo(t, p, l)
		want.WriteString(l)
	}
	line(0)
	rotate(0)
	// Generation 1 is pinned at the name, empty.
	if got := text(s.settle(t)); got != "gen 000\n" {
		t.Fatalf("got %q", got)
	}
	want.Reset()
	for i := 1; i <= maxQueue+20; i++ {
		line(i)
		rotate(i)
	}
	appendTo(t, p, "current\n")
	want.WriteString("current\n")
	if got := text(s.settle(t)); got != want.String() {
		t.Fatalf("got %q, want %q", got, want.String())
	}
}

// TestSlowReaderCopytruncateMoreThanPinned: behind a blocked reader, more
// copies are made and truncated than can be pinned at once (maxQueue),
// and the file is left empty: the copies left in the directory are read
// too, in order, once the pinned ones were (A4: the newest were never
// read).
func TestSlowReaderCopytruncateMoreThanPinned(t *testing.T) {
	paths(t, func(t *testing.T, cfg Config) {
		p := filepath.Join(t.TempDir(), "app.log")
		write(t, p, "")
		open := make(chan struct{})
		cfg.Files = []string{p}
		c := startGated(t, cfg, open)
		<-c.fl.looked
		per := 100
		lines := (maxQueue + 16) * per
		f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		for i := 0; i < lines; i++ {
			f.WriteString(record(i))
			if (i+1)%per == 0 {
				copyFile(t, p, fmt.Sprintf("%s.%d", p, (i+1)/per))
				os.Truncate(p, 0)
			}
		}
		f.Close()
		close(open)
		checkRecords(t, waitRecord(t, c, p, lines-1), lines)
	})
}

// TestPinLimitWaitsQuietly: the limit on generations held open over all
// files is reached, and a file's only queued generation must wait for an
// older one that cannot be pinned yet: the follower waits (it does not
// spin: a manual follower that spins never becomes idle), and goes on in
// order once another file's generation is closed.
func TestPinLimitWaitsQuietly(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	write(t, a, "")
	write(t, b, "")
	s := startManual(t, Config{Files: []string{a, b}, pinned: 2, RotateWait: time.Nanosecond})
	s.settle(t)
	appendTo(t, a, "a1\n")
	appendTo(t, b, "b1\n")
	if got := text(s.settle(t)); len(got) != len("a1\nb1\n") {
		t.Fatalf("got %q", got)
	}
	// b's new file is empty: it is held, and b's old file followed on.
	rename(t, b, b+".1")
	write(t, b, "")
	s.settle(t)
	// a is rotated twice: the generation between is found in the
	// directory only, after the newest was pinned at the name.
	appendTo(t, a, "a2\n")
	rename(t, a, a+".1")
	write(t, a, "a3\n")
	rename(t, a, a+".2")
	write(t, a, "a4\n")
	for i, n := range []string{a + ".1", a + ".2", a} {
		tm := time.Now().Add(time.Duration(i+1) * time.Second)
		os.Chtimes(n, tm, tm)
	}
	got := text(s.settle(t))
	// b's new file gets a line: b's old file is finished and closed,
	// which makes room.
	appendTo(t, b, "b2\n")
	for range 3 {
		got += text(s.settle(t))
	}
	var as, bs []string
	for _, l := range strings.SplitAfter(got, "\n") {
		if strings.HasPrefix(l, "a") {
			as = append(as, l)
		} else if l != "" {
			bs = append(bs, l)
		}
	}
	if strings.Join(as, "") != "a2\na3\na4\n" || strings.Join(bs, "") != "b2\n" {
		t.Fatalf("got %q, want a2 a3 a4 in order, and b2", got)
	}
}

// TestPinLimitFullOfNewer: every generation that can be pinned is newer
// than one found rotated away in the directory: the name's newest file was
// pinned before the listing found the one rotated away between two looks.
// Reading must not wait for room that only reading could make (red team
// A1: with more than maxQueue generations behind a blocked reader, the
// follower delivered nothing more, ever): a newer generation is let go (it
// is found again at the name or in the directory) to pin the older one.
func TestPinLimitFullOfNewer(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "g0 a\n")
	s := startManual(t, Config{Files: []string{p}, FromStart: true, pinned: 1, RotateWait: time.Nanosecond})
	if got := text(s.settle(t)); got != "g0 a\n" {
		t.Fatalf("got %q", got)
	}
	// Two rotations between two looks: g1 is seen only in the
	// directory, g2 at the name.
	appendTo(t, p, "g0 b\n")
	rename(t, p, p+".1")
	write(t, p, "g1\n")
	rename(t, p, p+".2")
	write(t, p, "g2\n")
	for i, n := range []string{p + ".1", p + ".2", p} {
		tm := time.Now().Add(time.Duration(i+1) * time.Second)
		if err := os.Chtimes(n, tm, tm); err != nil {
			t.Fatal(err)
		}
	}
	var got string
	for range 4 {
		got += text(s.settle(t))
	}
	appendTo(t, p, "g2 b\n")
	got += text(s.settle(t))
	if want := "g0 b\ng1\ng2\ng2 b\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
