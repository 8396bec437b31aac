//go:build linux

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFollowNeverReadsItsOwnOutput: a followed pattern that matches
// errtag's own output would read back what errtag writes, growing until the
// disk is full. An output that matches at start is refused (exit 2, as in
// batch mode), by -o and by standard output redirected into it; one that
// appears later (-o created by errtag) is left out with one notice.
func TestFollowNeverReadsItsOwnOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.Mkdir(logs, 0o755)
	in, out := filepath.Join(logs, "a.log"), filepath.Join(logs, "enriched.log")
	os.WriteFile(in, nil, 0o644)
	pat := filepath.Join(logs, "*.log")

	// Matching at start: refused, by -o and by standard output.
	os.WriteFile(out, nil, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), patience(15*time.Second))
	defer cancel()
	for _, how := range []string{"-o", ">>"} {
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, binary, "-f", pat)
		if how == "-o" {
			cmd.Args = append(cmd.Args, "-o", out)
		} else {
			cmd.Stdout = f
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err = cmd.Run()
		f.Close()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "output") {
			t.Errorf("%s into a matched file: %v, stderr %q; want exit 2 at once", how, err, stderr.String())
		}
	}

	// Created by errtag after start: not followed.
	os.Remove(out)
	r := startBG(t, "-f", pat, "-o", out)
	r.waitFor(t, "the output's notice", func(_, e string) bool { return strings.Contains(e, "enriched.log: errtag's own output: not followed") })
	appendFile(t, in, "one line\n")
	waitFile(t, out, func(s string) bool { return s == "one line\n" })
	// Another line: had errtag read its output back, "one line" would
	// be there twice by now.
	appendFile(t, in, "two\n")
	waitFile(t, out, func(s string) bool { return strings.HasSuffix(s, "two\n") })
	if code := r.stop(t, syscall.SIGTERM); code != 143 {
		t.Errorf("exit %d", code)
	}
	if got, _ := os.ReadFile(out); string(got) != "one line\ntwo\n" {
		t.Errorf("output %q, want each line once", got)
	}
	if n := strings.Count(r.errors(), "own output"); n != 1 {
		t.Errorf("%d notices about the output, want 1: %q", n, r.errors())
	}
}

// waitFile waits until cond holds of the content of path.
func waitFile(t *testing.T, path string, cond func(string) bool) {
	t.Helper()
	end := time.Now().Add(patience(15 * time.Second))
	for {
		b, _ := os.ReadFile(path)
		if cond(string(b)) {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s: %.300q", path, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
