//go:build linux

// Package e2e runs the built errtag binary the way its users do: over pipes
// and files, compressed input, signals, closed pipes and full disks.
package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

var binary string

// TestMain builds errtag for the tests, or takes the binary named by
// ERRTAG_E2E_BINARY (to test a release build, or an older one). It opens
// every source file of the module, so that go test's cache, which knows
// only the files a test opens, runs these tests again when one changes.
//
// The tests spend most of their time waiting for errtag processes: unless
// -parallel is given, twice as many run at once as there are CPUs.
func TestMain(m *testing.M) {
	flag.Parse()
	parallel := false
	flag.Visit(func(f *flag.Flag) { parallel = parallel || f.Name == "test.parallel" })
	if !parallel {
		flag.Set("test.parallel", strconv.Itoa(max(4, 2*runtime.GOMAXPROCS(0))))
	}
	unignoreStopSignals()
	if err := noteSources(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if b := os.Getenv("ERRTAG_E2E_BINARY"); b != "" {
		binary = b
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "errtag-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "errtag")
	args := []string{"build", "-o", binary}
	if os.Getenv("ERRTAG_E2E_RACE") != "" {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "../cmd/errtag")...)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building errtag:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// large says to run the large versions of the tests that have one
// (ERRTAG_TEST_LARGE=1, as CI does); by default each runs a quick version
// of the same promise.
func large() bool { return os.Getenv("ERRTAG_TEST_LARGE") != "" }

// noteSources opens the Go sources, embedded data and module files under
// root (the module), for go test's cache.
func noteSources(root string) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".go", ".yaml", ".mod", ".sum":
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			f.Close()
		}
		return nil
	})
}

const errLine = "05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401"

// sample is a little of everything a pipeline carries.
var sample = "plain line\r\n" + errLine + "\r\n" +
	`{"level":"warn","response":{"status":400,"body":{"errorCode":201,"message":"A user with the same username already exists."}}}` + "\n" +
	"\xff\xfe invalid utf8 \x00 nul\n" +
	"last line without newline"

func errtag(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestPipe(t *testing.T) {
	t.Parallel()
	code, out, stderr := errtag(t, strings.NewReader(sample))
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	lines := strings.SplitAfter(out, "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines out, want 5: %q", len(lines), out)
	}
	if lines[0] != "plain line\r\n" || lines[3] != "\xff\xfe invalid utf8 \x00 nul\n" || lines[4] != "last line without newline" {
		t.Errorf("pass-through lines changed: %q", out)
	}
	if !strings.HasPrefix(lines[1], errLine+" errtag.system=knox-efota errtag.code=-1401 ") || !strings.HasSuffix(lines[1], "\"\r\n") {
		t.Errorf("annotated text line: %q", lines[1])
	}
	if !strings.HasSuffix(lines[2], `}},"errtag":[{"system":"backend-services","code":"201","name":"USERNAME_ALREADY_EXISTS","category":"conflict","group":"HTTP 400; returned by: Register user, Update user","message":"A user with the same username already exists.","remediation":"The Username in the register or update request is taken by another account. Ask the user to choose a different username, or sign in to the existing account; retrying the same request will not succeed."}]}`+"\n") {
		t.Errorf("annotated JSON line: %q", lines[2])
	}
}

func TestFilesAndCompression(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := filepath.Join(dir, "a.log")
	os.WriteFile(plain, []byte(sample+"\n"), 0o644)
	gz := filepath.Join(dir, "b.log.gz")
	os.WriteFile(gz, gzipBytes(t, sample+"\n"), 0o644)
	multi := filepath.Join(dir, "c.log.gz")
	half := len(sample) / 2
	os.WriteFile(multi, append(gzipBytes(t, sample[:half]), gzipBytes(t, sample[half:]+"\n")...), 0o644)
	zst := filepath.Join(dir, "d.log.zst")
	os.WriteFile(zst, zstdBytes(t, sample+"\n"), 0o644)
	_, want, _ := errtag(t, strings.NewReader(sample+"\n"))
	for _, f := range []string{plain, gz, multi, zst} {
		code, out, stderr := errtag(t, nil, f)
		if code != 0 || out != want {
			t.Errorf("%s: exit %d stderr %q\n got %q\nwant %q", filepath.Base(f), code, stderr, out, want)
		}
	}
	// Compressed standard input, and several files in order.
	if _, out, _ := errtag(t, bytes.NewReader(zstdBytes(t, sample+"\n"))); out != want {
		t.Errorf("zstd on stdin: %q", out)
	}
	if _, out, _ := errtag(t, nil, plain, gz, zst); out != want+want+want {
		t.Errorf("three files: %q", out)
	}
	// -o FILE.gz round trip.
	outGz := filepath.Join(dir, "out.log.gz")
	if code, _, stderr := errtag(t, nil, "-o", outGz, zst); code != 0 {
		t.Fatalf("-o: exit %d %s", code, stderr)
	}
	if got := gunzip(t, outGz); got != want {
		t.Errorf("-o out.gz: %q", got)
	}
}

// TestCorruptGzip: lines decoded before the damage are written, the file and
// offset are named, the next file is processed, and the exit code is 1.
func TestCorruptGzip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var big strings.Builder
	for i := 0; big.Len() < 1<<20; i++ {
		fmt.Fprintf(&big, "line %d %s\n", i, errLine)
	}
	data := gzipBytes(t, big.String())
	bad := filepath.Join(dir, "bad.log.gz")
	os.WriteFile(bad, data[:len(data)/2], 0o644)
	good := filepath.Join(dir, "good.log")
	os.WriteFile(good, []byte("the next file\n"), 0o644)
	code, out, stderr := errtag(t, nil, bad, good)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr, "bad.log.gz: gzip data is cut short: the file ends inside compressed data, at compressed byte") {
		t.Errorf("stderr %q", stderr)
	}
	if !strings.HasPrefix(out, "line 0 ") || !strings.HasSuffix(out, "the next file\n") || strings.Count(out, "\n") < 1000 {
		t.Errorf("output: %d lines, ends %q", strings.Count(out, "\n"), out[max(0, len(out)-100):])
	}
}

// TestLatency: a line written to an idle pipe comes out before the next one
// is written (a deadline of seconds, not a timing benchmark).
func TestLatency(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary)
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	r := bufio.NewReader(outPipe)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(in, "%s %d\n", errLine, i)
		line := readLine(t, r, 5*time.Second)
		if !strings.Contains(line, fmt.Sprintf("resultCode=-1401 %d errtag.system=knox-efota", i)) {
			t.Fatalf("line %d: %q", i, line)
		}
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}

func readLine(t *testing.T, r *bufio.Reader, d time.Duration) string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		s, _ := r.ReadString('\n')
		ch <- s
	}()
	select {
	case s := <-ch:
		return s
	case <-time.After(d):
		t.Fatalf("no output line within %v", d)
	}
	return ""
}

// TestSignals: on SIGTERM, SIGINT or SIGHUP everything read so far is
// written and errtag exits with 128+signal.
func TestSignals(t *testing.T) {
	t.Parallel()
	for _, sig := range stopSignals {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(binary)
			in, _ := cmd.StdinPipe()
			outPipe, _ := cmd.StdoutPipe()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(outPipe)
			fmt.Fprintf(in, "one\n%s\n", errLine)
			readLine(t, r, 5*time.Second)
			readLine(t, r, 5*time.Second)
			cmd.Process.Signal(sig)
			rest, _ := io.ReadAll(r)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Errorf("exit %v, want %d", err, 128+int(sig))
			}
			if len(rest) != 0 || stderr.Len() != 0 {
				t.Errorf("after signal: out %q, stderr %q", rest, stderr.String())
			}
			in.Close()
		})
	}
}

// TestClosedPipe: errtag big.log | head -1 ends at once and quietly.
func TestClosedPipe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.log")
	f, _ := os.Create(big)
	w := bufio.NewWriter(f)
	// Its output is megabytes: errtag is still writing when the pipe
	// closes.
	for i := 0; i < 40000; i++ {
		fmt.Fprintf(w, "%d %s\n", i, errLine)
	}
	w.Flush()
	f.Close()
	cmd := exec.Command(binary, big)
	outPipe, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readLine(t, bufio.NewReader(outPipe), 5*time.Second)
	outPipe.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || stderr.Len() != 0 {
			t.Errorf("exit %v, stderr %q; want 0 and quiet", err, stderr.String())
		}
	case <-time.After(patience(10 * time.Second)):
		cmd.Process.Kill()
		t.Fatal("errtag kept running after its output pipe closed")
	}
}

// TestDiskFull: a write error is reported, with a non-zero exit.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/full")
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer full.Close()
	cmd := exec.Command(binary)
	cmd.Stdin = strings.NewReader(strings.Repeat(errLine+"\n", 10000))
	cmd.Stdout = full
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit %v, want 1", err)
	}
	if !strings.Contains(stderr.String(), "errtag: writing standard output: no space left on device\n") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestConfigErrorReadsNoInput: a bad rule file ends errtag before it reads
// its (never-ending) input.
func TestConfigErrorReadsNoInput(t *testing.T) {
	t.Parallel()
	rules := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(rules, []byte("rules:\n  - id: x\n    system: wusp\n    regex: '('\n"), 0o644)
	cmd := exec.Command(binary, "--rules", rules)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	cmd.Stdin = pr
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), rules+`:4: rule "x": bad regex`) {
			t.Errorf("exit %v, stderr %q", err, stderr.String())
		}
	case <-time.After(patience(10 * time.Second)):
		cmd.Process.Kill()
		t.Fatal("errtag waited for input despite a bad rule file")
	}
}

func gzipBytes(t *testing.T, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func zstdBytes(t *testing.T, s string) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	return zw.EncodeAll([]byte(s), nil)
}

func gunzip(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// patience is how long a test waits for errtag to do something it should do
// at once: long enough for a loaded CI machine, four times that under the
// race detector, which slows errtag several times over. Tests never assert
// on how long anything took; this only bounds how long a failure takes to
// show.
// unignoreStopSignals lets the errtag processes the tests start receive the
// stop signals even when the tests were started with one ignored (nohup,
// a shell's background job): errtag keeps a signal ignored that it
// inherits ignored, and the signal tests would wait on it for ever. A
// signal that has a handler here is at its default in a child.
func unignoreStopSignals() {
	for _, s := range []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM} {
		if signal.Ignored(s) {
			signal.Notify(make(chan os.Signal, 1), s) // and still ignored here
		}
	}
}

func patience(d time.Duration) time.Duration {
	if os.Getenv("ERRTAG_E2E_RACE") != "" {
		return 4 * d
	}
	return d
}
