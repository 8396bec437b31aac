package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shiftLogs rotates p as logrotate does: p.N to p.N+1, p to p.1, a new p
// holding content.
func shiftLogs(t *testing.T, p string, content string) {
	t.Helper()
	for i := 8; i >= 1; i-- {
		from := p + "." + string(rune('0'+i))
		if _, err := os.Stat(from); err == nil {
			rename(t, from, p+"."+string(rune('0'+i+1)))
		}
	}
	rename(t, p, p+".1")
	write(t, p, content)
}

// TestResumeReadGenerationNotReread: a generation read to its end by one
// run, which its writer appends a late line to after the stop, and which
// is rotated again while stopped (so that it is modified after the saved
// file was): the restart reads its late line only, not the whole
// generation again; a run after that reads nothing of it.
func TestResumeReadGenerationNotReread(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	if got := text(session(t, st, p, true)); got != "a1\n" {
		t.Fatalf("first run: %q", got)
	}
	appendTo(t, p, "a2\n")
	shiftLogs(t, p, "b1\n")
	// The old file last modified well before the new one (file clocks
	// are coarse: within a test they would be the same tick).
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p+".1", past, past); err != nil {
		t.Fatal(err)
	}
	if got := text(session(t, st, p, true)); got != "a2\nb1\n" {
		t.Fatalf("second run: %q", got)
	}
	appendTo(t, p+".1", "a late\n") // the old writer, after the stop
	shiftLogs(t, p, "c1\n")
	if got := text(session(t, st, p, true)); got != "a late\nc1\n" {
		t.Fatalf("third run: %q, want the late line and the new file only", got)
	}
	// A generation only touched (modified, nothing added) is not read.
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(p+".2", future, future); err != nil {
		t.Fatal(err)
	}
	shiftLogs(t, p, "d1\n")
	if got := text(session(t, st, p, true)); got != "d1\n" {
		t.Fatalf("fourth run: %q", got)
	}
	if got := text(session(t, st, p, true)); got != "" {
		t.Fatalf("nothing new, yet: %q", got)
	}
}

// TestResumeLateLinesStopped: a restart stopped while it reads a read
// generation's late lines saves how far it got: the next run reads the
// rest of them, once.
func TestResumeLateLinesStopped(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	shiftLogs(t, p, "b1\n")
	if got := text(session(t, st, p, true)); got != "b1\n" {
		t.Fatalf("second run: %q", got)
	}
	appendTo(t, p+".1", "late 1\nlate 2\n")
	shiftLogs(t, p, "c1\n")
	// The Positions of the late lines are the saved one's, with the
	// generation's offset moved on: saving the first one and stopping
	// there leaves the second to the next run.
	state, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	s := startManual(t, Config{Files: []string{p}, FromStart: true, Resume: state.Files, StoppedAt: state.SavedAt()})
	got := s.settle(t)
	s.fl.Stop()
	for c := range s.fl.Chunks() {
		got = append(got, c)
	}
	if !strings.HasPrefix(text(got), "late 1\nlate 2\n") {
		t.Fatalf("restart: %q", text(got))
	}
	var saved bool
	for _, c := range got {
		if string(c.Data) == "late 1\nlate 2\n" || string(c.Data) == "late 1\n" {
			if c.Pos.Ino != state.Files[Key(p)].Ino || c.Pos.Offset != state.Files[Key(p)].Offset {
				t.Fatalf("late lines delivered with %+v, want the saved Position", c.Pos)
			}
			// Keep only what goes with the first late line.
			pos := c.Pos
			if string(c.Data) == "late 1\nlate 2\n" {
				for i, r := range pos.Read {
					if r.Offset == int64(len("a1\nlate 1\nlate 2\n")) {
						pos.Read = append([]ReadGen(nil), pos.Read...)
						pos.Read[i].Offset = int64(len("a1\nlate 1\n"))
						pos.Read[i].Head = headKeyOf([]byte("a1\nlate 1\n"))
					}
				}
			}
			state.Files[Key(p)] = pos
			saved = true
			break
		}
	}
	if !saved {
		t.Fatalf("no late line delivered: %q", text(got))
	}
	if err := state.Save(); err != nil {
		t.Fatal(err)
	}
	state.Close()
	if got := text(session(t, st, p, true)); got != "late 2\nc1\n" {
		t.Fatalf("after a stop in the late lines: %q", got)
	}
}

// TestResumeReadGenerationReused: a generation in the saved Read list
// whose first bytes are other now (its inode reused by another file, here
// rewritten in place) is another file: it is read whole.
func TestResumeReadGenerationReused(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	shiftLogs(t, p, "b1\n")
	session(t, st, p, true)
	// app.log.1 (read) now holds other content, written after the save.
	write(t, p+".1", "x1\nx2\n")
	shiftLogs(t, p, "c1\n")
	if got := text(session(t, st, p, true)); got != "x1\nx2\nc1\n" {
		t.Fatalf("got %q", got)
	}
}

// TestResumeLookalikeNotRead: app-2.log, another program's file beside
// app.log, named like one of its rotated copies: at a restart that finds
// the file it stopped in as app.log.1, only app.log.N names are taken for
// generations rotated while stopped, and app-2.log is not read, whether
// it was there when following began or appeared while stopped.
func TestResumeLookalikeNotRead(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	other, other3 := filepath.Join(dir, "app-2.log"), filepath.Join(dir, "app-3.log")
	write(t, p, "a1\n")
	write(t, other, "o1\n")
	if got := text(session(t, st, p, true)); got != "a1\n" {
		t.Fatalf("first run: %q", got)
	}
	for i, want := range []string{"a2\nb1\n", "b2\nc1\n", "c2\nd1\n"} {
		appendTo(t, p, want[:3])
		appendTo(t, other, "o\n")
		appendTo(t, other3, "p\n") // appeared while stopped
		shiftLogs(t, p, want[3:])
		if got := text(session(t, st, p, true)); got != want {
			t.Fatalf("restart %d: %q, want %q", i+1, got, want)
		}
	}
}

// TestResumeExtensionSchemeKept: when the file errtag stopped in is found
// as app.1.log (logrotate's extension), the generations named so are read,
// and the ones named otherwise (app.log.1) are not.
func TestResumeExtensionSchemeKept(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2\n")
	rename(t, p, filepath.Join(dir, "app.2.log"))
	write(t, filepath.Join(dir, "app.1.log"), "b1\n")
	write(t, p+".1", "not a generation\n")
	write(t, p, "c1\n")
	if got := text(session(t, st, p, true)); got != "a2\nb1\nc1\n" {
		t.Fatalf("got %q", got)
	}
}

// TestResumeLateLinesSameFile: the file errtag stopped in is still at the
// name, and a generation read before it got a late line: the restart
// reads that line once, and the next rotation does not read the
// generation again.
func TestResumeLateLinesSameFile(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	shiftLogs(t, p, "b1\n")
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p+".1", past, past); err != nil {
		t.Fatal(err)
	}
	if got := text(session(t, st, p, true)); got != "b1\n" {
		t.Fatalf("second run: %q", got)
	}
	appendTo(t, p+".1", "a late\n")
	appendTo(t, p, "b2\n")
	state, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	s := startManual(t, Config{Files: []string{p}, FromStart: true, Resume: state.Files, StoppedAt: state.SavedAt()})
	state.Close()
	if got := text(s.settle(t)); got != "a late\nb2\n" {
		t.Fatalf("restart: %q", got)
	}
	shiftLogs(t, p, "c1\n")
	if got := text(s.settle(t)); got != "c1\n" {
		t.Fatalf("after a rotation: %q", got)
	}
}

// TestResumeNamedFileNotACopy: a file followed by its own name that is
// named like a rotated copy of another followed file (errtag -f app.log
// app.log.7) is read as itself only, also when it appeared while errtag
// was stopped and the other file was rotated meanwhile (renamed to a name
// of the same scheme, or deleted).
func TestResumeNamedFileNotACopy(t *testing.T) {
	for _, name := range []string{"app-2.log", "app.1.log", "app.log.7"} {
		for _, deleted := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/deleted=%v", name, deleted), func(t *testing.T) {
				dir := t.TempDir()
				p, other, st := filepath.Join(dir, "app.log"), filepath.Join(dir, name), filepath.Join(dir, "state.json")
				cfg := Config{Files: []string{p, other}, FromStart: true}
				write(t, p, "a1\n")
				bySource := func(chunks []Chunk) map[string]string {
					m := map[string]string{}
					for _, c := range chunks {
						m[c.Source] += string(c.Data)
					}
					return m
				}
				if got := bySource(sessionCfg(t, st, cfg)); got[p] != "a1\n" || got[other] != "" {
					t.Fatalf("first run: %q", got)
				}
				// While stopped: the other file appears, app.log is rotated.
				write(t, other, "o1\n")
				appendTo(t, p, "a2\n")
				if deleted {
					if err := os.Remove(p); err != nil {
						t.Fatal(err)
					}
				} else {
					rename(t, p, p+".1")
				}
				write(t, p, "b1\n")
				want := "a2\nb1\n"
				if deleted {
					want = "b1\n"
				}
				if got := bySource(sessionCfg(t, st, cfg)); got[p] != want || got[other] != "o1\n" {
					t.Fatalf("restart: %q, want %q for app.log and %q for %s", got, want, "o1\n", name)
				}
			})
		}
	}
}

// TestResumeGenerationReplacedSameBanner: a rotated generation's name
// holds, at the restart, a new file that starts with the same long banner
// as the file errtag stopped in and is longer than the saved offset (an
// old generation deleted and another written under its name): it is no
// copy of the saved file, which is read on where it was, and errtag does
// not panic. (It did: a nil copy was compared with the file.)
func TestResumeGenerationReplacedSameBanner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	banner := "BANNER " + strings.Repeat("=", 2*headMax) + "\n"
	write(t, p+".2", banner+"g1\n")
	write(t, p+".1", banner+"g2\n")
	write(t, p, banner+"a1\n")
	if got := text(session(t, st, p, true)); got != banner+"a1\n" {
		t.Fatalf("first run: %.100q", got)
	}
	if err := os.Remove(p + ".2"); err != nil {
		t.Fatal(err)
	}
	write(t, p+".2", banner+strings.Repeat("other x\n", 30))
	appendTo(t, p, "a2\n")
	// The saved file goes on at a2; nothing read before is read again.
	// (Whether the file written under the old generation's name is read
	// after it is not asserted: it is not one of this file's.)
	got := text(session(t, st, p, false))
	if !strings.HasPrefix(got, "a2\n") || strings.Contains(got, "a1\n") || strings.Contains(got, "g1\n") || strings.Contains(got, "g2\n") {
		t.Fatalf("restart: %q, want a2 first and nothing read before", strings.ReplaceAll(got, banner, "BANNER\n"))
	}
}

// TestResumeCopytruncateSameSuffix: copytruncate while stopped, the copy
// kept, the file written again with the same long banner, and every line
// ending in the same long suffix (JSON logs): the bytes before the saved
// offset still tell the refilled file from the old one, so the copy's
// rest is read, then the new file from its start.
func TestResumeCopytruncateSameSuffix(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	banner := "BANNER " + strings.Repeat("=", 2*headMax) + "\n"
	line := func(i int) string {
		return fmt.Sprintf("{\"seq\":%06d,\"msg\":\"%s\"}\n", i, strings.Repeat("same suffix ", 12))
	}
	var old strings.Builder
	for i := 0; i < 10; i++ {
		old.WriteString(line(i))
	}
	write(t, p, banner+old.String())
	if got := text(session(t, st, p, true)); got != banner+old.String() {
		t.Fatal("first run")
	}
	rest := line(10) + line(11)
	appendTo(t, p, rest)
	copyFile(t, p, p+".1")
	var again strings.Builder
	for i := 100; i < 120; i++ {
		again.WriteString(line(i))
	}
	write(t, p, banner+again.String())
	want := rest + banner + again.String()
	if got := text(session(t, st, p, false)); got != want {
		t.Fatalf("restart: %d bytes, want %d: %.300q", len(got), len(want), got)
	}
}
