package follow

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// session runs one follower "process" over p from the state file st:
// resume from it, let the follower read, save the last Position, stop.
// It returns what was delivered.
func session(t *testing.T, st, p string, fromStart bool) []Chunk {
	t.Helper()
	return sessionCfg(t, st, Config{Files: []string{p}, FromStart: fromStart})
}

// sessionCfg is session with cfg (whose Files may hold patterns): every
// Position delivered is saved, and a Gone file forgotten.
func sessionCfg(t *testing.T, st string, cfg Config) []Chunk {
	t.Helper()
	state, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	cfg.Resume, cfg.KnownPatterns, cfg.StoppedAt = state.Files, state.Patterns, state.SavedAt()
	if state.Watched != 0 {
		cfg.WatchedSince = time.Unix(0, state.Watched)
	}
	s := startManual(t, cfg)
	state.AddPatterns(s.fl.Patterns())
	got := s.settle(t)
	if w, _, ok := s.fl.Watching(); ok {
		state.Watched = w.UnixNano()
	}
	s.fl.Stop()
	for c := range s.fl.Chunks() {
		got = append(got, c)
	}
	for _, c := range got {
		if c.Err != nil {
			t.Errorf("error: %v", c.Err)
		}
		if c.Note == Gone {
			state.Forget(c.Source)
		} else if c.HasPos() {
			state.Files[Key(c.Source)] = c.Pos
		}
	}
	if err := state.Save(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestResume: stop, append, restart: the next run starts with the first
// line not delivered, also when the last line was incomplete at the stop.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "one\ntwo\n")
	if got := text(session(t, st, p, true)); got != "one\ntwo\n" {
		t.Fatalf("first run: %q", got)
	}
	appendTo(t, p, "three\nfou")
	if got := text(session(t, st, p, true)); got != "three\n" {
		t.Fatalf("second run: %q", got)
	}
	appendTo(t, p, "r\nfive\n")
	if got := text(session(t, st, p, true)); got != "four\nfive\n" {
		t.Fatalf("third run: %q", got)
	}
	if got := text(session(t, st, p, true)); got != "" {
		t.Fatalf("nothing new, yet: %q", got)
	}
	// The state is the documented JSON.
	b, _ := os.ReadFile(st)
	for _, want := range []string{`"version": 6`, `"files"`, `"` + Key(p) + `"`, `"ino":`, `"offset":24`, `"head_len":24`, `"head_sha256":`, `"mark_len":24`, `"mark_sha256":`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("state file lacks %s:\n%s", want, b)
		}
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".state.json.tmp-*")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestResumeAfterRotation: rotated while stopped, the old file renamed in
// the same directory: it is finished from the saved offset, then the new
// file is read from its start.
func TestResumeAfterRotation(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2 after the stop\n")
	rename(t, p, p+".1")
	write(t, p, "b1\n")
	got := session(t, st, p, true)
	if text(got) != "a2 after the stop\nb1\n" {
		t.Fatalf("got %q", text(got))
	}
	if n := notesOf(got); !slices.Equal(n, []Note{Rotated}) {
		t.Errorf("notes %v", n)
	}
	appendTo(t, p, "b2\n")
	if got := text(session(t, st, p, true)); got != "b2\n" {
		t.Fatalf("after: %q", got)
	}
}

// TestResumeAfterTwoRotations: rotated twice while stopped (app.log.2 is
// the saved file, app.log.1 a whole generation in between).
func TestResumeAfterTwoRotations(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2\n")
	rename(t, p, p+".1")
	write(t, p, "b1\n")
	rename(t, p+".1", p+".2")
	rename(t, p, p+".1")
	write(t, p, "c1\n")
	if got := text(session(t, st, p, true)); got != "a2\nb1\nc1\n" {
		t.Fatalf("got %q", got)
	}
}

// TestResumeOldGone: rotated while stopped and the old file deleted: the
// new file is read from its start.
func TestResumeOldGone(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	os.Remove(p)
	write(t, p, "b1\nb2\n")
	if got := text(session(t, st, p, false)); got != "b1\nb2\n" {
		t.Fatalf("got %q (a rotated file is read from its start, even without FromStart)", got)
	}
}

// TestResumeAfterTruncation: truncated while stopped, to less than the
// offset, or refilled past it: read from 0.
func TestResumeAfterTruncation(t *testing.T) {
	for _, c := range []struct{ name, refill string }{
		{"shorter", "x\n"},
		{"refilled past the offset", "a different first line, longer than before\nsecond\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			write(t, p, "first generation\n")
			session(t, st, p, true)
			write(t, p, c.refill)
			got := session(t, st, p, false)
			if text(got) != c.refill {
				t.Fatalf("got %q, want %q", text(got), c.refill)
			}
			if n := notesOf(got); !slices.Equal(n, []Note{Truncated}) {
				t.Errorf("notes %v", n)
			}
		})
	}
}

// TestResumeAfterCopytruncate: copied and truncated while stopped: the lines
// after the saved offset are read from the copy, then the file from 0.
func TestResumeAfterCopytruncate(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2\na3\n")
	copyFile(t, p, p+"-20240501")
	os.Truncate(p, 0)
	appendTo(t, p, "b1\n")
	if got := text(session(t, st, p, true)); got != "a2\na3\nb1\n" {
		t.Fatalf("got %q", got)
	}
}

func TestLoadStateErrors(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadState(filepath.Join(dir, "none.json"))
	if err != nil || len(s.Files) != 0 {
		t.Fatalf("missing state file: %v %v", s, err)
	}
	s.Close()
	bad := filepath.Join(dir, "bad.json")
	write(t, bad, "{not json")
	if _, err := LoadState(bad); err == nil || !strings.Contains(err.Error(), "not an errtag state file") {
		t.Errorf("corrupt: %v", err)
	}
	write(t, bad, `{"version": 7, "files": {}}`)
	if _, err := LoadState(bad); err == nil || !strings.Contains(err.Error(), "version 7") {
		t.Errorf("version: %v", err)
	}
}

// TestLoadStateEmpty: a 0-byte state file (what a power loss can leave)
// is refused with a message that says what it is and what to do.
func TestLoadStateEmpty(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	write(t, st, "")
	_, err := LoadState(st)
	if err == nil {
		t.Fatal("0-byte state file accepted")
	}
	for _, want := range []string{"empty (0 bytes)", "power loss", "Remove it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestStateOutputMark: the output mark is saved and read back, and a bad
// one is refused.
func TestStateOutputMark(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	s, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	s.Output = &OutputMark{Path: "/var/out.log", Dev: 3, Ino: 4, Size: 99}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s.Output == nil || *s.Output != (OutputMark{Path: "/var/out.log", Dev: 3, Ino: 4, Size: 99}) {
		t.Fatalf("output mark read back: %+v", s.Output)
	}
	if _, err := ParseState([]byte(`{"version": 3, "output": {"path": "out.log", "size": 1}, "files": {}}`)); err == nil {
		t.Error("relative output path accepted")
	}
}
