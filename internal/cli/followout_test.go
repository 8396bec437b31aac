package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/errtag/errtag/internal/follow"
)

// markOf is the output mark of the file at p, of length size.
func markOf(t *testing.T, p string, size int64) *follow.OutputMark {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	dev, ino, _ := follow.FileIdentity(fi)
	return &follow.OutputMark{Path: p, Dev: dev, Ino: ino, Size: size}
}

// TestFollowOutputReconcile: resuming with --state, -o's FILE is truncated
// back to the saved mark when it is the file the mark names (what lies
// beyond was written after the save and comes again), is left alone when
// it is another file or shorter (and stderr says so), and never goes on
// after a partial line.
func TestFollowOutputReconcile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		content string
		mark    func(p string) *follow.OutputMark
		want    string // the file once opened and "next\n" written
		notice  string
	}{
		{"longer than the mark, ending in a torn line", "a\nb\nFA S", func(p string) *follow.OutputMark { return markOf(t, p, 2) },
			"a\nnext\n", "removed its last 6 bytes"},
		{"at the mark", "a\nb\n", func(p string) *follow.OutputMark { return markOf(t, p, 4) }, "a\nb\nnext\n", ""},
		{"another file", "a\nb\n", func(p string) *follow.OutputMark {
			m := markOf(t, p, 2)
			m.Ino++
			return m
		}, "a\nb\nnext\n", "is not the file the --state file counted"},
		{"another path", "a\nb\n", func(p string) *follow.OutputMark {
			m := markOf(t, p, 2)
			m.Path += ".old"
			return m
		}, "a\nb\nnext\n", ""},
		{"shorter", "a\n", func(p string) *follow.OutputMark { return markOf(t, p, 9) }, "a\nnext\n", "is shorter than"},
		{"no mark, a partial line", "a\nb", func(string) *follow.OutputMark { return nil }, "a\nb\nnext\n", ""},
		{"mark inside a line", "a\nbbbb\n", func(p string) *follow.OutputMark { return markOf(t, p, 4) }, "a\nbb\nnext\n", "removed its last 3 bytes"},
		// Red team 2 A6: after a clean stop the mark is where errtag's
		// last write ended: what follows is another program's.
		{"longer than a clean stop's mark", "a\nb\nother's\n", func(p string) *follow.OutputMark {
			m := markOf(t, p, 4)
			m.Clean = true
			return m
		}, "a\nb\nother's\nnext\n", "were added since errtag stopped"},
		{"longer than a clean stop's mark, no newline", "a\nb\nother's", func(p string) *follow.OutputMark {
			m := markOf(t, p, 4)
			m.Clean = true
			return m
		}, "a\nb\nother's\nnext\n", "kept, and appending after them"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "out.log")
			if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			e := newEnv(Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr})
			st := &follow.State{Output: c.mark(p)}
			w, err := openFollowOutput(e, p, st)
			if err != nil {
				t.Fatal(err)
			}
			fo := w.(*followOutput)
			if _, err := w.Write([]byte("next\n")); err != nil {
				t.Fatal(err)
			}
			if got := fo.mark().Size; got != int64(len(c.want)) {
				t.Errorf("mark %d, want %d", got, len(c.want))
			}
			if err := fo.Close(); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(p)
			if string(b) != c.want {
				t.Errorf("file %q, want %q", b, c.want)
			}
			if (c.notice == "") != (stderr.Len() == 0) || !strings.Contains(stderr.String(), c.notice) {
				t.Errorf("stderr %q, want %q", stderr.String(), c.notice)
			}
		})
	}
}

// TestStateSavedAfterOutputSynced: the state is saved only once the -o
// output holding the lines it counts was synced: when the sync fails, the
// state on disk stays as it was (behind the output, never ahead), and
// stderr says why.
func TestStateSavedAfterOutputSynced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stPath, outPath := filepath.Join(dir, "st.json"), filepath.Join(dir, "out.log")
	st, err := follow.LoadState(stPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stderr bytes.Buffer
	e := newEnv(Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr})
	w, err := openFollowOutput(e, outPath, st)
	if err != nil {
		t.Fatal(err)
	}
	fo := w.(*followOutput)
	sv := &stateSaver{state: st, pending: map[string]follow.Position{}, forget: map[string]bool{}, e: e, out: fo}
	w.Write([]byte("line\n"))
	sv.handled(follow.Chunk{Source: "/a.log", Data: []byte("line\n"), Pos: follow.Position{Offset: 5}})
	sv.flushed(true)
	fo.file.Close() // the sync fails
	sv.save(true)
	if _, err := os.Stat(stPath); err == nil {
		b, _ := os.ReadFile(stPath)
		t.Fatalf("state saved although the output could not be synced: %s", b)
	}
	if !strings.Contains(stderr.String(), "fsync") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestFollowCleanStopKeepsOthersBytes: after a clean stop the state says
// so (OutputMark.Clean), and a restart keeps, and appends after, what
// another program added to -o's FILE meanwhile, instead of removing it as
// lines "written again" (red team 2 A6).
func TestFollowCleanStopKeepsOthersBytes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	app, st, out := filepath.Join(dir, "app.log"), filepath.Join(dir, "st.json"), filepath.Join(dir, "out.log")
	if err := os.WriteFile(app, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFile := func(want string) {
		t.Helper()
		end := time.Now().Add(10 * time.Second)
		for {
			b, _ := os.ReadFile(out)
			if string(b) == want {
				return
			}
			if time.Now().After(end) {
				t.Fatalf("out.log %q, want %q", b, want)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	fw := startFollow(t, "-f", "--from-start", "--state", st, "-o", out, app)
	waitFile("a\n")
	fw.stop(t)
	if b, _ := os.ReadFile(st); !strings.Contains(string(b), `"clean":true`) {
		t.Fatalf("state after a clean stop: %s", b)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("another program's\n")
	f.Close()
	if f, err = os.OpenFile(app, os.O_WRONLY|os.O_APPEND, 0); err != nil {
		t.Fatal(err)
	}
	f.WriteString("b\n")
	f.Close()
	fw = startFollow(t, "-f", "--state", st, "-o", out, app)
	waitFile("a\nanother program's\nb\n")
	fw.stop(t)
	if !strings.Contains(fw.errb.String(), "were added since errtag stopped") {
		t.Errorf("stderr %q", fw.errb.String())
	}
}
