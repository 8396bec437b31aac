package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// notesFor lists the notes about source among chunks.
func (c *collector) waitNote(t *testing.T, source string, n Note) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !slices.Contains(c.notes(source), n) {
		if time.Now().After(end) {
			t.Fatalf("%s: no %v note; notes %v", source, n, c.notes(source))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestPatternFollowsNewFiles: a pattern follows the files matching it at
// start (from their end) and those that appear later (from their start,
// with an Appeared note); files that do not match, or are excluded, are
// not followed.
func TestPatternFollowsNewFiles(t *testing.T) {
	paths(t, func(t *testing.T, cfg Config) {
		dir := t.TempDir()
		a := filepath.Join(dir, "a.log")
		write(t, a, "old\n")
		cfg.Files = []string{filepath.Join(dir, "*.log")}
		cfg.Exclude = []string{"skip-*"}
		c := start(t, cfg)
		waitOpened(t, c)
		appendTo(t, a, "a1\n")
		b, other, skipped := filepath.Join(dir, "b.log"), filepath.Join(dir, "b.txt"), filepath.Join(dir, "skip-me.log")
		write(t, b, "b1\nb2\n")
		write(t, other, "not matched\n")
		write(t, skipped, "excluded\n")
		c.waitText(t, a, "a1\n")
		c.waitText(t, b, "b1\nb2\n")
		c.waitNote(t, b, Appeared)
		appendTo(t, b, "b3\n")
		c.waitText(t, b, "b1\nb2\nb3\n")
		if got := c.text(other) + c.text(skipped); got != "" {
			t.Errorf("followed what it should not: %q", got)
		}
	})
}

// TestPatternRotatedNotTwice: app.log* matches app.log.1 too; a rotation
// renames app.log to app.log.1, which must be recognised as the rotated
// file (read once, through app.log), not followed as a new file.
func TestPatternRotatedNotTwice(t *testing.T) {
	paths(t, func(t *testing.T, cfg Config) {
		dir := t.TempDir()
		p := filepath.Join(dir, "app.log")
		write(t, p, "")
		write(t, p+".2", "an old generation\n")
		cfg.Files = []string{filepath.Join(dir, "app.log*")}
		c := start(t, cfg)
		waitOpened(t, c)
		want := ""
		for k := 1; k <= 5; k++ {
			for i := range 3 {
				line := fmt.Sprintf("gen %d line %d\n", k, i)
				appendTo(t, p, line)
				want += line
			}
			// Read before it rotates: this rotation keeps two
			// generations, a third is deleted.
			c.waitText(t, p, want)
			if k > 1 {
				os.Rename(p+".1", p+".2")
			}
			rename(t, p, p+".1")
			write(t, p, "")
		}
		appendTo(t, p, "last\n")
		want += "last\n"
		c.waitText(t, p, want)
		for _, ch := range c.all() {
			if ch.Source != p && len(ch.Data) > 0 {
				t.Errorf("read under another name: %s: %q", ch.Source, ch.Data)
			}
		}
	})
}

// TestPatternDeletedReleased: files matched by a pattern that are deleted
// are read to their end, released (a Gone note) and their descriptors
// closed, over many files coming and going.
func TestPatternDeletedReleased(t *testing.T) {
	paths(t, func(t *testing.T, cfg Config) {
		dir := t.TempDir()
		cfg.Files = []string{filepath.Join(dir, "*.log")}
		cfg.ReleaseAfter = time.Millisecond
		c := start(t, cfg)
		waitOpened(t, c)
		fds := openFDs()
		for wave := range 5 {
			var names []string
			for i := range 20 {
				p := filepath.Join(dir, fmt.Sprintf("pod-%d-%d.log", wave, i))
				write(t, p, fmt.Sprintf("%s line 1\n", p))
				names = append(names, p)
			}
			for _, p := range names {
				appendTo(t, p, "line 2\n")
				c.waitText(t, p, fmt.Sprintf("%s line 1\nline 2\n", p))
				os.Remove(p)
			}
			for _, p := range names {
				c.waitNote(t, p, Gone)
			}
		}
		if fds >= 0 {
			end := time.Now().Add(deadline)
			for openFDs() > fds+2 {
				if time.Now().After(end) {
					t.Fatalf("descriptors %d -> %d: deleted files were not released", fds, openFDs())
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	})
}

// TestPatternCompressedSkipped: a compressed file matched by a pattern is
// reported once and never read, however often the pattern is matched
// again.
func TestPatternCompressedSkipped(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "old.log.gz")
	write(t, gz, gzipped("compressed line\n"))
	// A text that merely starts like gzip is text, and followed.
	fake := filepath.Join(dir, "fake.log")
	write(t, fake, "\x1f\x8b not gzip, a log line\n")
	s := startManual(t, Config{Files: []string{filepath.Join(dir, "*")}})
	got := append(s.settle(t), s.settle(t)...)
	got = append(got, s.settle(t)...)
	n := 0
	for _, c := range got {
		if c.Note == Skipped && c.Path == gz {
			n++
		}
		if len(c.Data) > 0 && c.Source != fake {
			t.Errorf("read %q", c.Data)
		}
	}
	if n != 1 {
		t.Errorf("%d skipped notes, want 1", n)
	}
	appendTo(t, fake, "more\n")
	if got := text(s.settle(t)); got != "more\n" {
		t.Errorf("the fake gzip file: %q, want it followed", got)
	}
}

// TestPatternNoMatchYet: a pattern that matches nothing is said once, and
// its files are followed when they appear (in a directory created later).
func TestPatternNoMatchYet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "later")
	pat := filepath.Join(dir, "*.log")
	s := startManual(t, Config{Files: []string{pat}})
	if got := s.settle(t); len(got) != 1 || got[0].Note != NoMatch || got[0].Source != pat {
		t.Fatalf("got %+v, want one NoMatch note", got)
	}
	os.Mkdir(dir, 0o755)
	p := filepath.Join(dir, "x.log")
	write(t, p, "x1\n")
	if got := s.settle(t); text(got) != "x1\n" || !slices.Equal(notesOf(got), []Note{Appeared}) {
		t.Fatalf("got %q %v", text(got), notesOf(got))
	}
}

// TestPatternResumeRotatedAway: a file followed through a pattern was
// rotated while errtag was stopped and its name not created again: the
// state entry still leads to it (renamed, no longer matched) and its rest
// is read; an entry whose file is gone for good is forgotten.
func TestPatternResumeRotatedAway(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(t.TempDir(), "state.json")
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	write(t, a, "a1\n")
	write(t, b, "b1\n")
	cfg := Config{Files: []string{filepath.Join(dir, "*.log")}, FromStart: true}
	if got := sessionCfg(t, st, cfg); len(text(got)) != 6 {
		t.Fatalf("first run: %q", text(got))
	}
	appendTo(t, a, "a2\n")
	rename(t, a, a+".1")
	os.Remove(b)
	got := sessionCfg(t, st, cfg)
	if text(got) != "a2\n" {
		t.Fatalf("second run: %q, want the rest of the rotated file", text(got))
	}
	s, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.Files[Key(b)]; ok {
		t.Errorf("the entry of a deleted file was kept: %v", s.Files)
	}
}

// TestPatternRestartReadsNewFiles: a file that appeared, matching a
// pattern, while errtag was stopped is read from its start at the restart
// (at a first start, files are read from their end).
func TestPatternRestartReadsNewFiles(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(t.TempDir(), "state.json")
	a := filepath.Join(dir, "a.log")
	write(t, a, "old\n")
	cfg := Config{Files: []string{filepath.Join(dir, "*.log")}}
	if got := text(sessionCfg(t, st, cfg)); got != "" {
		t.Fatalf("first run: %q", got)
	}
	b := filepath.Join(dir, "b.log")
	write(t, b, "b1\nb2\n")
	appendTo(t, a, "a2\n")
	got := sessionCfg(t, st, cfg)
	if text(got) != "a2\nb1\nb2\n" && text(got) != "b1\nb2\na2\n" {
		t.Fatalf("second run: %q, want a2 and b's lines", text(got))
	}
}

// TestPatternRestartNewFileRotated: a file that appeared, matching a
// pattern, and was rotated while errtag was stopped: its rotated
// generation was never read, and comes first, then the file (A5).
func TestPatternRestartNewFileRotated(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(t.TempDir(), "state.json")
	write(t, filepath.Join(dir, "old.log"), "old\n")
	cfg := Config{Files: []string{filepath.Join(dir, "*.log*")}}
	if got := text(sessionCfg(t, st, cfg)); got != "" {
		t.Fatalf("first run: %q", got)
	}
	n := filepath.Join(dir, "new.log")
	write(t, n, "gen0 1\ngen0 2\n")
	rename(t, n, n+".1")
	write(t, n, "gen1 1\n")
	if got := text(sessionCfg(t, st, cfg)); got != "gen0 1\ngen0 2\ngen1 1\n" {
		t.Fatalf("second run: %q, want both generations", got)
	}
	if got := text(sessionCfg(t, st, cfg)); got != "" {
		t.Fatalf("third run: %q, want nothing again", got)
	}
}

// TestPatternFromStartRotated: with FromStart, the rotated copies of a
// file that the pattern matches too are read first, oldest first, once;
// copies the pattern does not match are history, as without a pattern.
func TestPatternFromStartRotated(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p+".2", "g0\n")
	write(t, p+".1", "g1\n")
	write(t, p, "g2\n")
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p+".2", old, old)
	os.Chtimes(p+".1", old.Add(time.Minute), old.Add(time.Minute))
	for pat, want := range map[string]string{"*.log*": "g0\ng1\ng2\n", "*.log": "g2\n"} {
		s := startManual(t, Config{Files: []string{filepath.Join(dir, pat)}, FromStart: true})
		if got := text(s.settle(t)); got != want {
			t.Errorf("%s: got %q, want %q", pat, got, want)
		}
	}
	st := filepath.Join(t.TempDir(), "state.json")
	cfg := Config{Files: []string{filepath.Join(dir, "*.log*")}, FromStart: true}
	if got := text(sessionCfg(t, st, cfg)); got != "g0\ng1\ng2\n" {
		t.Fatalf("first run with a state: %q", got)
	}
	if got := text(sessionCfg(t, st, cfg)); got != "" {
		t.Fatalf("second run: %q, want nothing again", got)
	}
}
