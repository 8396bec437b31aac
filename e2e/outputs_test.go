//go:build linux

package e2e

// Output tests: what errtag writes, and what it never writes over. An
// output (-o FILE, standard output, the files of --out-dir) is never an
// input; -o FILE and --out-dir's files are written beside their place and
// put there whole; new files follow the umask.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// runErrtag runs errtag with args, its standard output appended to
// stdoutFile when set, and ends it if it runs past pollDeadline (an output
// that is an input used to grow without end). It returns the exit status
// and stderr.
func runErrtag(t *testing.T, stdoutFile string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pollDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if stdoutFile != "" {
		f, err := os.OpenFile(stdoutFile, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdout = f
	}
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("errtag %v still running after %v", args, pollDeadline)
	}
	return exitStatus(err), stderr.String()
}

// umasked runs the rest of its arguments with umask 027.
func umasked(args ...string) []string {
	return append([]string{"-c", `umask 027; exec "$0" "$@"`, binary}, args...)
}

// TestOutputNeverAnInput: an output that is also an input is refused before
// anything is read, with exit 2 and the input untouched: by name, through a
// symbolic link, compressed, among other inputs, standard output appended
// to an input, in follow mode, and --out-dir given the input's directory
// or a link to it. (It used to empty the input, or grow it without end.)
func TestOutputNeverAnInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		args   func(dir string) []string
		stdout string // a file of dir that stdout is appended to
	}{
		{"same name", func(d string) []string { return []string{"-o", d + "/in.log", d + "/in.log"} }, ""},
		{"through a link", func(d string) []string { return []string{"-o", d + "/link.log", d + "/in.log"} }, ""},
		{"compressed", func(d string) []string { return []string{"-o", d + "/in.log.gz", d + "/in.log.gz"} }, ""},
		{"second of two", func(d string) []string { return []string{"-o", d + "/b.log", d + "/a.log", d + "/b.log"} }, ""},
		{"standard output", func(d string) []string { return []string{d + "/in.log"} }, "in.log"},
		{"follow", func(d string) []string { return []string{"-f", "-o", d + "/in.log", d + "/in.log"} }, ""},
		{"--out-dir the input's directory", func(d string) []string { return []string{"--out-dir", d, d + "/in.log"} }, ""},
		{"--out-dir a link to it", func(d string) []string { return []string{"--out-dir", d + "/dirlink", d + "/in.log"} }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			files := map[string][]byte{
				"in.log":    []byte(sample + "\n"),
				"a.log":     []byte("a\n"),
				"b.log":     []byte("b " + errLine + "\n"),
				"in.log.gz": gzipBytes(t, sample+"\n"),
			}
			for n, b := range files {
				if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			os.Symlink("in.log", filepath.Join(dir, "link.log"))
			os.Symlink(".", filepath.Join(dir, "dirlink"))
			stdout := ""
			if c.stdout != "" {
				stdout = filepath.Join(dir, c.stdout)
			}
			code, stderr := runErrtag(t, stdout, c.args(dir)...)
			if code != 2 || !(strings.Contains(stderr, "would overwrite") || strings.Contains(stderr, "input file is output file")) {
				t.Errorf("exit %d, stderr %q; want 2 and why", code, stderr)
			}
			for n, b := range files {
				if got, _ := os.ReadFile(filepath.Join(dir, n)); !bytes.Equal(got, b) {
					t.Errorf("%s changed: %q", n, got)
				}
			}
		})
	}
}

// TestOutputFile: -o FILE takes FILE's place only when there is something
// to put there. With no input readable, FILE stays as it was (exit 1, both
// said); with one input missing, FILE holds the others (exit 1). An
// existing FILE keeps its permissions, a new one gets 0666 less the umask,
// a symbolic link stays a link to the replaced file, and no temporary file
// is left beside it.
func TestOutputFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	os.WriteFile(good, []byte(sample+"\n"), 0o644)
	_, want, _ := errtag(t, strings.NewReader(sample+"\n"))
	missing := filepath.Join(dir, "missing.log")
	report := filepath.Join(dir, "report.log")
	os.WriteFile(report, []byte("last week's report\n"), 0o600)

	code, stderr := runErrtag(t, "", "-o", report, missing)
	if b, _ := os.ReadFile(report); code != 1 || string(b) != "last week's report\n" ||
		!strings.Contains(stderr, "missing.log: no such file or directory") || !strings.Contains(stderr, report+" left as it was") {
		t.Errorf("no input: exit %d, stderr %q, %s holds %q", code, stderr, report, b)
	}

	code, stderr = runErrtag(t, "", "-o", report, missing, good)
	if b, _ := os.ReadFile(report); code != 1 || string(b) != want || !strings.Contains(stderr, "missing.log: no such file or directory") {
		t.Errorf("one input missing: exit %d, stderr %q, %s holds %q", code, stderr, report, b)
	}
	if fi, err := os.Stat(report); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("existing output's mode: %v %v, want 0600", fi.Mode(), err)
	}

	fresh := filepath.Join(dir, "fresh.log")
	if out, err := exec.Command("/bin/sh", umasked("-o", fresh, good)...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("new output under umask 027: %v %v, want 0640", fi.Mode(), err)
	}

	target := filepath.Join(dir, "target.log")
	os.WriteFile(target, []byte("old\n"), 0o644)
	link := filepath.Join(dir, "current.log")
	os.Symlink("target.log", link)
	if code, stderr := runErrtag(t, "", "-o", link, good); code != 0 {
		t.Fatalf("-o a link: exit %d, %s", code, stderr)
	}
	if l, err := os.Readlink(link); err != nil || l != "target.log" {
		t.Errorf("the link became %q, %v", l, err)
	}
	if b, _ := os.ReadFile(target); string(b) != want {
		t.Errorf("the link's target holds %q", b)
	}

	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) != 0 {
		t.Errorf("left beside the outputs: %v", leftovers)
	}
}

// TestFollowStateAppends: errtag -f --state -o FILE, stopped and started
// again, appends to FILE: each line is in it once, those written before the
// stop included (a restart used to empty it). Stopped by SIGHUP too, which
// saves the state like SIGTERM (it used to kill errtag).
func TestFollowStateAppends(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			app, st, out := filepath.Join(dir, "app.log"), filepath.Join(dir, "st.json"), filepath.Join(dir, "out.log")
			os.WriteFile(app, []byte("one\n"), 0o644)
			// The first run reads the file from its start, the second
			// from where the state says the first one stopped.
			follow := func(want string, sig syscall.Signal, flags ...string) {
				t.Helper()
				if code, stderr := followUntil(t, app, st, out, want, sig, flags...); code != 128+int(sig) || stderr != "" {
					t.Fatalf("exit %d, stderr %q", code, stderr)
				}
			}
			follow("one\n", sig, "--from-start")
			appendFile(t, app, "two\n") // while errtag is stopped
			follow("one\ntwo\n", syscall.SIGTERM)
		})
	}
}

// followUntil runs errtag -f --state st -o out app (after flags) until out
// holds want, then sends sig; it returns the exit status and stderr.
func followUntil(t *testing.T, app, st, out, want string, sig syscall.Signal, flags ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, append(flags, "-f", "--state", st, "-o", out, app)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitUntil(t, "out.log to hold "+want, func() bool {
		b, _ := os.ReadFile(out)
		return string(b) == want
	})
	cmd.Process.Signal(sig)
	return exitStatus(cmd.Wait()), stderr.String()
}

// TestOutDirFiles: --out-dir's files get 0666 less the umask (they were
// 0600 whatever the umask), and -H prefixes their lines with the input's
// name as it does on standard output (it wrote no prefix).
func TestOutDirFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "app.log")
	os.WriteFile(in, []byte("one\n"+errLine+"\n"), 0o644)
	outDir := filepath.Join(dir, "out")
	if out, err := exec.Command("/bin/sh", umasked("--out-dir", outDir, in)...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if fi, err := os.Stat(filepath.Join(outDir, "app.log")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("output under umask 027: %v %v, want 0640", fi.Mode(), err)
	}
	_, want, _ := errtag(t, nil, "-H", in)
	if code, stderr := runErrtag(t, "", "-H", "--out-dir", outDir, in); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(outDir, "app.log")); string(b) != want || !strings.HasPrefix(want, in+":one\n") {
		t.Errorf("-H --out-dir wrote %q, want %q", b, want)
	}
}

// bigLog writes a log of n lines (every tenth with an error code) to path
// and returns its content.
func bigLog(t *testing.T, path string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			b.WriteString(itoa(i) + " " + errLine + "\n")
		} else {
			b.WriteString(itoa(i) + " an ordinary line of some length, with nothing in it to annotate\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tempFiles lists errtag's temporary files in dir.
func tempFiles(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	return m
}

// TestOutDirStopped: SIGTERM during --out-dir leaves every output in DIR
// complete, removes the ones in progress and names each input whose output
// was not written (it used to name none); exit 143.
func TestOutDirStopped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var inputs []string
	for _, n := range []string{"a.log", "b.log", "c.log", "d.log"} {
		p := filepath.Join(dir, n)
		bigLog(t, p, 200000)
		inputs = append(inputs, p)
	}
	outDir := filepath.Join(dir, "out")
	cmd := exec.Command(binary, append([]string{"--workers", "1", "--out-dir", outDir}, inputs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitUntil(t, "an output in progress", func() bool { return len(tempFiles(outDir)) > 0 })
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitStatus(cmd.Wait()); code != 143 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if left := tempFiles(outDir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	for _, in := range inputs {
		out := filepath.Join(outDir, filepath.Base(in))
		got, err := os.ReadFile(out)
		named := strings.Contains(stderr.String(), in)
		switch {
		case err == nil && named:
			t.Errorf("%s was written and named as not written", in)
		case err != nil && !named:
			t.Errorf("%s was not written and not named; stderr %q", in, stderr.String())
		case err == nil:
			_, want, _ := errtag(t, nil, in)
			if string(got) != want {
				t.Errorf("%s: incomplete output (%d bytes of %d)", out, len(got), len(want))
			}
		}
	}
	if !strings.Contains(stderr.String(), "not written: ") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestOutDirLeftovers: the temporary files of a run killed outright
// (SIGKILL) are removed by the next run writing to the same directory,
// which says so; those of a run still going are left alone.
func TestOutDirLeftovers(t *testing.T) {
	t.Parallel()
	needLinux(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.log")
	bigLog(t, big, 200000)
	outDir := filepath.Join(dir, "out")

	// A run that is still going: it reads a FIFO that stays open.
	fifo := filepath.Join(dir, "live.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	live := exec.Command(binary, "--out-dir", outDir, fifo)
	var liveErr bytes.Buffer
	live.Stderr = &liveErr
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	defer live.Process.Kill()
	fw, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fw.WriteString("a line\n")
	waitUntil(t, "the live run's temporary file", func() bool {
		m, _ := filepath.Glob(filepath.Join(outDir, ".live.log.*.tmp"))
		return len(m) == 1
	})

	killed := exec.Command(binary, "--workers", "1", "--out-dir", outDir, big)
	if err := killed.Start(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the killed run's temporary file", func() bool {
		m, _ := filepath.Glob(filepath.Join(outDir, ".big.log.*.tmp"))
		return len(m) == 1
	})
	killed.Process.Kill()
	killed.Wait()
	left, _ := filepath.Glob(filepath.Join(outDir, ".big.log.*.tmp"))
	if len(left) != 1 {
		t.Fatalf("the killed run left %v", left)
	}

	small := filepath.Join(dir, "small.log")
	os.WriteFile(small, []byte("small\n"), 0o644)
	code, stderr := runErrtag(t, "", "--out-dir", outDir, small)
	if code != 0 || !strings.Contains(stderr, "removed "+left[0]) {
		t.Errorf("exit %d, stderr %q; want it to say it removed %s", code, stderr, left[0])
	}
	if _, err := os.Stat(left[0]); err == nil {
		t.Errorf("%s is still there", left[0])
	}
	if m, _ := filepath.Glob(filepath.Join(outDir, ".live.log.*.tmp")); len(m) != 1 {
		t.Errorf("the live run's temporary file was removed")
	}

	fw.Close()
	if err := live.Wait(); err != nil {
		t.Fatalf("live run: %v, %s", err, liveErr.String())
	}
	if b, _ := os.ReadFile(filepath.Join(outDir, "live.log")); string(b) != "a line\n" {
		t.Errorf("live run's output %q", b)
	}
}

// TestFollowKillAfterCleanStop: a run killed right after its first write,
// following a clean stop, leaves -o FILE holding each line once after the
// next run. The clean stop's mark says that bytes beyond it are another
// program's; the killed run wrote there before saving, so its lines were
// kept and then written again (red team: lines twice in -o after short
// runs). The mark is now saved unclean before a run's first write.
func TestFollowKillAfterCleanStop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	app, st, out := filepath.Join(dir, "app.log"), filepath.Join(dir, "st.json"), filepath.Join(dir, "out.log")
	os.WriteFile(app, []byte("one\n"), 0o644)
	run := func(want string, sig syscall.Signal, flags ...string) {
		t.Helper()
		followUntil(t, app, st, out, want, sig, flags...)
	}
	run("one\n", syscall.SIGTERM, "--from-start") // a clean stop
	appendFile(t, app, "two\n")
	run("one\ntwo\n", syscall.SIGKILL) // killed as soon as it wrote
	b, _ := os.ReadFile(st)
	if bytes.Contains(b, []byte(`"clean":true`)) {
		t.Errorf("state after a kill that followed the first write still marks the output clean: %s", b)
	}
	appendFile(t, app, "three\n")
	run("one\ntwo\nthree\n", syscall.SIGTERM)
	if b, _ := os.ReadFile(out); string(b) != "one\ntwo\nthree\n" {
		t.Errorf("out.log %q, want each line once", b)
	}
}

// TestFollowKillAfterNotice: errtag -f --state, killed right after it
// says a pattern matches nothing yet or a FILE does not exist yet, leaves
// a state that makes the restart read the files that appeared meanwhile
// from their start. It used to save its state only later: the restart
// took them for present at a first start and read them from their end
// (red team: every line lost).
func TestFollowKillAfterNotice(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, follow, notice string }{
		{"pattern", "*.log", "matches no file yet"},
		{"named file", "app.log", "no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			app, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "st.json")
			r := startBG(t, "-f", "--state", st, filepath.Join(dir, c.follow))
			r.waitFor(t, "the notice", func(_, e string) bool { return strings.Contains(e, c.notice) })
			r.cmd.Process.Kill()
			<-r.done
			r.cmd.Wait()
			appendFile(t, app, "one\ntwo\n")
			r = startBG(t, "-f", "--state", st, filepath.Join(dir, c.follow))
			r.waitFor(t, "both lines", func(out, _ string) bool { return out == "one\ntwo\n" })
			r.stop(t, syscall.SIGTERM)
		})
	}
}
