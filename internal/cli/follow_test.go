package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/errtag/errtag/internal/follow"
)

// syncBuffer is an output written by a running command and read by a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// following is errtag -f running in this process until stop.
type following struct {
	out, errb *syncBuffer
	cancel    func()
	done      chan error
	stopped   bool
}

func startFollow(t *testing.T, args ...string) *following {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	fw := &following{out: &syncBuffer{}, errb: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	e := newEnv(Env{Stdin: strings.NewReader(""), Stdout: fw.out, Stderr: fw.errb})
	root := newRoot(e)
	root.SetArgs(args)
	root.SetOut(fw.out)
	root.SetErr(fw.errb)
	go func() { fw.done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() { fw.stop(t) })
	return fw
}

// waitOut waits until the output is want.
func (fw *following) waitOut(t *testing.T, want string) {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	for fw.out.String() != want {
		if time.Now().After(end) {
			t.Fatalf("output %q, want %q (stderr %q)", fw.out.String(), want, fw.errb.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// stop cancels the run (as a signal does) and waits for it to end.
func (fw *following) stop(t *testing.T) {
	t.Helper()
	fw.cancel()
	if fw.stopped {
		return
	}
	select {
	case err := <-fw.done:
		fw.stopped = true
		if err != nil {
			t.Errorf("run ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("errtag -f did not stop")
	}
}

const followErrLine = "05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401"

// TestFollowUsage: -f needs files; --state and --from-start need -f.
func TestFollowUsage(t *testing.T) {
	p := writeFile(t, "a.log", "x\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-f"}, "-f (--follow) needs at least one FILE"},
		{[]string{"--follow", "-"}, "standard input cannot be followed"},
		{[]string{"--state", filepath.Join(t.TempDir(), "s.json"), p}, "--state needs -f"},
		{[]string{"--from-start", p}, "--from-start needs -f"},
		{[]string{"--exclude", "*.gz", p}, "--exclude needs -f"},
		{[]string{"-f", "[bad", p}, `pattern "[bad": syntax error in pattern`},
		// Red team 2 A4: a compressed file cannot follow the state.
		{[]string{"-f", "--state", filepath.Join(t.TempDir(), "s.json"), "-o", filepath.Join(t.TempDir(), "out.log.gz"), p}, "--state cannot be kept with a compressed -o"},
		{[]string{"-f", "--state", filepath.Join(t.TempDir(), "s.json"), "-o", filepath.Join(t.TempDir(), "out.zst"), p}, "--state cannot be kept with a compressed -o"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, out %q, stderr %q; want exit 2 and %q", c.args, code, out, stderr, c.want)
		}
	}
	bad := writeFile(t, "state.json", "{oops")
	code, _, stderr := run(t, "", "-f", "--state", bad, p)
	if code != ExitConfig || !strings.Contains(stderr, "--state: "+bad+": not an errtag state file") {
		t.Errorf("corrupt state: exit %d, stderr %q", code, stderr)
	}
}

// TestFollowStateRestart: lines go through the matcher and the sink (-H
// prefix, annotation before the CRLF); stopped and restarted with the same
// --state, errtag continues with the next line, also after a rotation and
// after a truncation while it was stopped.
func TestFollowStateRestart(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "errtag.state")
	os.WriteFile(p, []byte("old\r\n"), 0o644)

	fw := startFollow(t, "-f", "-H", "--from-start", "--state", st, p)
	fw.waitOut(t, p+":old\r\n")
	appendLine(t, p, followErrLine+"\r\n")
	end := time.Now().Add(10 * time.Second)
	for !strings.HasSuffix(fw.out.String(), "\"\r\n") {
		if time.Now().After(end) {
			t.Fatalf("no annotated line: %q", fw.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	first := fw.out.String()
	if !strings.HasPrefix(first, p+":old\r\n"+p+":"+followErrLine+" errtag.system=knox-efota errtag.code=-1401 ") {
		t.Fatalf("output %q", first)
	}
	fw.stop(t)

	// Appended while stopped; --from-start does not apply to a file the
	// state knows.
	appendLine(t, p, "while stopped\n")
	fw = startFollow(t, "-f", "-H", "--from-start", "--state", st, p)
	fw.waitOut(t, p+":while stopped\n")
	fw.stop(t)

	// Rotated while stopped.
	appendLine(t, p, "last of the old file\n")
	os.Rename(p, p+".1")
	os.WriteFile(p, []byte("first of the new file\n"), 0o644)
	fw = startFollow(t, "-f", "-H", "--state", st, p)
	fw.waitOut(t, p+":last of the old file\n"+p+":first of the new file\n")
	fw.stop(t)

	// Truncated while stopped.
	os.WriteFile(p, []byte("refilled\n"), 0o644)
	fw = startFollow(t, "-f", "--state", st, p)
	fw.waitOut(t, "refilled\n")
	appendLine(t, p, "live\n")
	fw.waitOut(t, "refilled\nlive\n")
	fw.stop(t)
	if s, want := fw.errb.String(), "errtag: "+p+": truncated; reading it again from its start\n"; s != want {
		t.Errorf("stderr %q, want %q", s, want)
	}
}

// TestFollowJSONSeveralFiles: with several files and --format json -H, each
// record names its file.
func TestFollowJSONSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	os.WriteFile(a, []byte("from a\n"), 0o644)
	os.WriteFile(b, []byte(followErrLine+"\n"), 0o644)
	fw := startFollow(t, "-f", "--from-start", "-H", "--format", "json", a, b)
	end := time.Now().Add(10 * time.Second)
	for strings.Count(fw.out.String(), "\n") < 2 {
		if time.Now().After(end) {
			t.Fatalf("output %q", fw.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	out := fw.out.String()
	if !strings.Contains(out, `{"log":"from a","file":"`+a+`"}`+"\n") ||
		!strings.Contains(out, `"file":"`+b+`","errtag":[{"system":"knox-efota","code":"-1401"`) {
		t.Errorf("output %q", out)
	}
}

func appendLine(t *testing.T, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(s)
}

// TestNotifierRateLimit: notices of one kind are shown up to a burst per
// window; the rest are counted, and the count is told.
func TestNotifierRateLimit(t *testing.T) {
	var b bytes.Buffer
	now := time.Unix(1000, 0)
	n := newNotifier(&b)
	n.now = func() time.Time { return now }
	for i := range 25 {
		n.say("rotated", fmt.Sprintf("f%d: rotated", i))
	}
	n.say("truncated", "g: truncated")
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != noticeBurst+1 || lines[noticeBurst] != "errtag: g: truncated" {
		t.Fatalf("got %q", lines)
	}
	now = now.Add(noticeWindow)
	n.say("rotated", "f99: rotated")
	n.flush()
	if want := "errtag: ... and 15 more \"rotated\" notices (at most 10 every 10s are shown)\nerrtag: f99: rotated\n"; !strings.HasSuffix(b.String(), want) {
		t.Errorf("got %q, want it to end with %q", b.String(), want)
	}
}

// TestFollowLongLinesAndFiles: with --max-line, a too-long line that is
// still being written goes out in pieces, unannotated; a line of another
// file coming between its pieces ends it there and starts on its own line
// (the rest continues on a line of its own), in auto and in json output.
func TestFollowLongLinesAndFiles(t *testing.T) {
	for _, c := range []struct {
		format string
		want   func(a, b string) string
	}{
		{"auto", func(a, b string) string {
			return a + ":" + strings.Repeat("x", 300) + "\n" + b + ":other\n" + a + ":yyy\n" + a + ":next\n"
		}},
		{"json", func(a, b string) string {
			return `{"log":"` + strings.Repeat("x", 300) + `","file":"` + a + `","errtag_long_line":true}` + "\n" +
				`{"log":"other","file":"` + b + `"}` + "\n" +
				`{"log":"yyy","file":"` + a + `","errtag_long_line":true}` + "\n" +
				`{"log":"next","file":"` + a + `"}` + "\n"
		}},
	} {
		t.Run(c.format, func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
			os.WriteFile(a, nil, 0o644)
			os.WriteFile(b, nil, 0o644)
			// --from-start: what is appended is read wherever the
			// follower stands.
			fw := startFollow(t, "-f", "--from-start", "-H", "--max-line", "100", "--output", c.format, a, b)
			appendLine(t, a, strings.Repeat("x", 300))
			waitFor(t, fw, func(out string) bool { return strings.Count(out, "x") == 300 })
			appendLine(t, b, "other\n")
			waitFor(t, fw, func(out string) bool { return strings.Contains(out, "other") })
			appendLine(t, a, "yyy\nnext\n")
			fw.waitOut(t, c.want(a, b))
		})
	}
}

func waitFor(t *testing.T, fw *following, cond func(string) bool) {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	for !cond(fw.out.String()) {
		if time.Now().After(end) {
			t.Fatalf("output %q (stderr %q)", fw.out.String(), fw.errb.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestFollowPatternStateKeepsOneEntryPerFile: with a pattern and --state,
// each followed file has its entry, and the entry of a file deleted (read
// to its end and released) is dropped from the state.
func TestFollowPatternStateKeepsOneEntryPerFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := filepath.Join(t.TempDir(), "state.json")
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	os.WriteFile(a, []byte("a1\n"), 0o644)
	os.WriteFile(b, []byte("b1\n"), 0o644)
	fw := startFollow(t, "-f", "--from-start", "--state", st, filepath.Join(dir, "*.log"))
	waitFor(t, fw, func(out string) bool { return strings.Count(out, "\n") == 2 })
	os.Remove(b)
	end := time.Now().Add(10 * time.Second)
	for !strings.Contains(fw.errb.String(), b+": deleted; read to its end and released") {
		if time.Now().After(end) {
			t.Fatalf("no release notice: %q", fw.errb.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	fw.stop(t)
	s, err := follow.LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.Files[b]; ok || len(s.Files) != 1 || s.Files[a].Offset != 3 {
		t.Errorf("state %+v, want one entry, for %s at offset 3", s.Files, a)
	}
}
