//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMaxLineOneRecordPerLine: with any --max-line from 1 KiB up, short
// lines come out one JSON record each, none marked as too long, from a
// file, a .gz, a .zst, standard input and --out-dir (issue 8, item 1: 20,000
// lines came out as 681 records).
func TestMaxLineOneRecordPerLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var in strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "2024-05-14 08:00:01 INFO request %d served in 3ms\n", i)
	}
	files := map[string][]byte{
		"short.log":     []byte(in.String()),
		"short.log.gz":  gzipBytes(t, in.String()),
		"short.log.zst": zstdBytes(t, in.String()),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what, out string) {
		t.Helper()
		if n := strings.Count(out, "\n"); n != 20000 || strings.Contains(out, "errtag_long_line") {
			t.Errorf("%s: %d records (want 20000), long-line marks: %v", what, n, strings.Contains(out, "errtag_long_line"))
		}
	}
	for _, maxLine := range []string{"1024", "4096", "65536"} {
		for name := range files {
			code, out, stderr := errtag(t, nil, "--max-line", maxLine, "--output", "json", filepath.Join(dir, name))
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", name, code, stderr)
			}
			check(name+" --max-line "+maxLine, out)
		}
		_, out, _ := errtag(t, strings.NewReader(in.String()), "--max-line", maxLine, "--output", "json")
		check("stdin --max-line "+maxLine, out)
	}
	outDir := filepath.Join(dir, "out")
	if code, _, stderr := errtag(t, nil, "--out-dir", outDir, "--max-line", "4096", "--output", "json", filepath.Join(dir, "short.log"), filepath.Join(dir, "short.log.gz")); code != 0 {
		t.Fatalf("--out-dir: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(outDir, "short.log"))
	check("--out-dir short.log", string(b))
	check("--out-dir short.log.gz", gunzip(t, filepath.Join(outDir, "short.log.gz")))
}

// TestInputsNeverShareALine: a file whose last line has no newline is not
// glued to the next file's first line, in auto output, with -H, after a
// truncated .gz; a single such file still comes out byte for byte (issue
// 8, item 4).
func TestInputsNeverShareALine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.log", []byte("a-first\n"+errLine))
	b := write("b.log", []byte("b-first\nb-last\n"))
	empty := write("empty.log", nil)
	var big strings.Builder
	for big.Len() < 1<<20 {
		fmt.Fprintf(&big, "gz line %d\n", big.Len())
	}
	gz := gzipBytes(t, big.String())
	cut := write("cut.log.gz", gz[:len(gz)/2])

	_, out, _ := errtag(t, nil, a, b)
	lines := strings.Split(out, "\n")
	if len(lines) != 5 || lines[0] != "a-first" || !strings.HasPrefix(lines[1], errLine+" errtag.system=knox-efota") || lines[2] != "b-first" || lines[3] != "b-last" {
		t.Errorf("a.log b.log: %q", out)
	}
	_, out, _ = errtag(t, nil, "-H", a, b)
	lines = strings.Split(out, "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[1], a+":"+errLine) || lines[2] != b+":b-first" {
		t.Errorf("-H a.log b.log: %q", out)
	}
	code, out, _ := errtag(t, nil, cut, b)
	if code != 1 || !strings.HasSuffix(out, "\nb-first\nb-last\n") {
		t.Errorf("truncated .gz then b.log: exit %d, ends %q", code, out[max(0, len(out)-60):])
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.Contains(l, "b-first") && l != "b-first" {
			t.Errorf("truncated .gz then b.log: shared line %q", l)
		}
	}
	// One input, or inputs after it that write nothing: byte for byte.
	for _, args := range [][]string{{a}, {a, empty}, {empty, a}} {
		if _, out, _ := errtag(t, nil, args...); !strings.HasSuffix(out, "errtag.code=-1401 "+out[strings.LastIndex(out, "errtag.name="):]) || strings.HasSuffix(out, "\n") {
			t.Errorf("%v: a newline was added at the end: %q", args, out)
		}
	}
}

// TestDetectionPassesOrDecodes: a .zst that starts with a skippable frame
// (as every pzstd file does) is decoded; a plain log whose first bytes are
// gzip's magic number is passed through as text with a warning that does
// not repeat itself, exit 0; a directory is named once (issue 8, items 5
// and 14).
func TestDetectionPassesOrDecodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := "first line\n" + errLine + "\nlast line\n"
	_, want, _ := errtag(t, strings.NewReader(log))

	// A skippable frame of 4 bytes, as pzstd writes (its payload is
	// the size of the frame that follows).
	n := len(zstdBytes(t, log))
	frame := []byte{0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}
	pz := filepath.Join(dir, "skippable.log.zst")
	os.WriteFile(pz, append(frame, zstdBytes(t, log)...), 0o644)
	inputs := []string{pz}
	if _, err := exec.LookPath("pzstd"); err == nil {
		plain := filepath.Join(dir, "p.log")
		os.WriteFile(plain, []byte(log), 0o644)
		if err := exec.Command("pzstd", "-q", plain, "-o", plain+".zst").Run(); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, plain+".zst")
	}
	for _, p := range inputs {
		if code, out, stderr := errtag(t, nil, p); code != 0 || out != want || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q, output %q", filepath.Base(p), code, stderr, out)
		}
	}

	for _, head := range []string{"\x1f\x8b", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"} {
		p := filepath.Join(dir, "magic.log")
		os.WriteFile(p, []byte(head+log), 0o644)
		code, out, stderr := errtag(t, nil, p)
		if code != 0 || !strings.HasSuffix(out, want[len("first line\n"):]) || !strings.HasPrefix(out, head+"first line\n") {
			t.Errorf("%q+log: exit %d, output %q", head, code, out)
		}
		if !strings.Contains(stderr, "magic.log: starts like gzip data") || strings.Count(stderr, "gzip") != 1 {
			t.Errorf("%q+log: stderr %q", head, stderr)
		}
	}

	code, _, stderr := errtag(t, nil, dir)
	if code != 1 || strings.Count(stderr, dir) != 1 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("a directory: exit %d, stderr %q", code, stderr)
	}
}

// TestNoKeyTwice: --output json -H on records that have a "file" key of
// their own (logrus writes one) writes errtag's as "errtag_file"; and
// errtag run over its own output, in either format, changes nothing: no
// second errtag key, no second annotation group (issue 8, item 6).
func TestNoKeyTwice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	os.WriteFile(p, []byte(`{"level":"error","file":"main.go:12","msg":"register failed","response":{"status":400,"body":{"errorCode":201}}}`+"\n"+
		errLine+"\n"+`{"level":"info","msg":"ok"}`+"\n"), 0o644)
	_, out, _ := errtag(t, nil, "--output", "json", "-H", p)
	for i, rec := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		keys := jsonKeys(t, rec)
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Errorf("record %d has %q twice: %s", i, k, rec)
			}
			seen[k] = true
		}
		if i == 0 && !seen["errtag_file"] {
			t.Errorf("record 0 lacks errtag_file: %s", rec)
		}
	}
	for _, args := range [][]string{nil, {"--output", "json"}} {
		_, once, _ := errtag(t, nil, append(args, p)...)
		_, twice, _ := errtag(t, strings.NewReader(once), args...)
		if twice != once {
			t.Errorf("%v: errtag over its own output changed it:\n once %q\ntwice %q", args, once, twice)
		}
	}
}

// jsonKeys returns a JSON object's top-level keys, duplicates included.
func jsonKeys(t *testing.T, rec string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(rec))
	if _, err := dec.Token(); err != nil {
		t.Fatalf("%q: %v", rec, err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatalf("%q: %v", rec, err)
		}
		keys = append(keys, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%q: %v", rec, err)
		}
	}
	return keys
}

// TestStopLosesNothingRead: SIGTERM while errtag reads a pipe that a writer
// keeps filling: every byte written is either in errtag's output or still in
// the pipe; none is taken from the pipe and dropped (issue 8, item 3: up to
// 64 KiB, the read in flight, were). Several runs, since the signal lands at
// a different point each time.
func TestStopLosesNothingRead(t *testing.T) {
	t.Parallel()
	for run := 0; run < 4; run++ {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(binary)
		cmd.Stdin = pr
		out := &syncBuffer{}
		cmd.Stdout = out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The writer fills the pipe until errtag has gone.
		var written bytes.Buffer
		wrote := make(chan struct{})
		stop := make(chan struct{})
		go func() {
			defer close(wrote)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				line := fmt.Sprintf("line %d of run %d, padding padding padding padding\n", i, run)
				n, err := pw.Write([]byte(line))
				written.WriteString(line[:n])
				if err != nil {
					return
				}
			}
		}()
		// Signal once errtag has written something.
		for deadline := time.Now().Add(patience(10 * time.Second)); out.Len() == 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		err = cmd.Wait()
		close(stop)
		// Unblock a writer stuck on a full pipe: drain into rest.
		var rest bytes.Buffer
		drained := make(chan struct{})
		go func() {
			io.Copy(&rest, pr)
			close(drained)
		}()
		<-wrote
		pw.Close()
		<-drained
		pr.Close()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 143 {
			t.Fatalf("run %d: exit %v, want 143", run, err)
		}
		got := append([]byte(out.String()), rest.Bytes()...)
		if !bytes.Equal(got, written.Bytes()) {
			i := 0
			for i < len(got) && i < written.Len() && got[i] == written.Bytes()[i] {
				i++
			}
			t.Fatalf("run %d: output (%d bytes) and what is left in the pipe (%d) differ from what was written (%d) at byte %d: %d bytes lost",
				run, out.Len(), rest.Len(), written.Len(), i, written.Len()-len(got))
		}
	}
}
