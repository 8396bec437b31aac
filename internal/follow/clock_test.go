package follow

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRotatedInFirstTick: a file that appears after the follower started
// and is rotated before the follower sees it is read whole, the rotated
// copy first, even when both were written in the clock tick the follower
// started in. Linux stamps files from a coarse clock, behind time.Now:
// the copy looked older than the follower and was skipped as history (a
// pattern-followed pod's first lines, lost under load in CI).
func TestRotatedInFirstTick(t *testing.T) {
	for _, tc := range []struct{ name, follow string }{
		{"pattern", "*.log"},
		{"named file missing at start", "app.log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "app.log")
			s := startManual(t, Config{Files: []string{filepath.Join(dir, tc.follow)}})
			// What the file system stamps a file written in the
			// follower's first tick.
			stamp := fsNow()
			s.settle(t)
			write(t, p, "one\n")
			if err := os.Chtimes(p, stamp, stamp); err != nil {
				t.Fatal(err)
			}
			rename(t, p, p+".1")
			write(t, p, "two\n")
			if got := text(s.settle(t)); got != "one\ntwo\n" {
				t.Errorf("read %q, want %q", got, "one\ntwo\n")
			}
		})
	}
}

func TestWrittenBefore(t *testing.T) {
	since := time.Date(2026, 12, 3, 18, 0, 0, 500_000_000, time.UTC)
	for _, tc := range []struct {
		mtime time.Time
		want  bool
	}{
		{since.Add(-time.Millisecond), true},
		{since, false},
		{since.Add(time.Millisecond), false},
		// A file system keeping whole seconds: the second since
		// falls in is not before it.
		{time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 3, 17, 59, 59, 0, time.UTC), true},
		{time.Date(2026, 12, 3, 18, 0, 1, 0, time.UTC), false},
	} {
		if got := writtenBefore(tc.mtime, since); got != tc.want {
			t.Errorf("writtenBefore(%v, %v) = %v, want %v", tc.mtime, since, got, tc.want)
		}
	}
}
