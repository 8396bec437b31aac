//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileInputByteExact runs the binary over input that log pipelines
// really carry and that parsers choke on, and requires every byte back,
// apart from the annotation of the lines that honestly carry an error.
func TestHostileInputByteExact(t *testing.T) {
	// Not in parallel: it measures errtag's peak memory, which grows when
	// other tests starve its garbage collector of CPU.
	huge := strings.Repeat("A", 17<<20) // 17 MiB, over --max-line
	lines := []struct {
		in        string
		annotated bool
	}{
		{"", false},
		{huge + " E EFOTA resultCode=-1401", false}, // too long to match: passed through
		{"E EFOTA resultCode=-1401", true},
		{`{"message":"Invalid access token.","errorCode":301,"errorCode":301}`, true},  // a duplicate key, the same value
		{`{"message":"Invalid access token.","errorCode":301,"errorCode":302}`, false}, // different values: ambiguous
		{strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000), false},       // deep nesting
		{`{"log":"plain text, not JSON: errorCode=5\n","stream":"stdout"}`, false},     // no cue
		{`{"log":"[VMXSync] upload failed errorCode=-1012\n","stream":"stderr"}`, true},
		{`{"message":"Invalid access token.","errorCode":301`, false}, // truncated JSON: no object, so no cue
		{"nul \x00 bytes \x00 E EFOTA resultCode=-1401", true},
		{"invalid \xff\xfe utf8 E EFOTA resultCode=-1401", true},
		{"bare\rCR inside", false},
		{"\t  ", false},
	}
	var in bytes.Buffer
	for i, l := range lines {
		in.WriteString(l.in)
		if i%2 == 0 {
			in.WriteString("\r\n")
		} else {
			in.WriteString("\n")
		}
	}
	in.WriteString("last line, no newline")
	path := filepath.Join(t.TempDir(), "hostile.log")
	if err := os.WriteFile(path, in.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, path)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	got := strings.SplitAfter(out.String(), "\n")
	want := strings.SplitAfter(in.String(), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines out, %d in", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		term := ""
		for _, t := range []string{"\r\n", "\n"} {
			if strings.HasSuffix(w, t) {
				term = t
				break
			}
		}
		body := strings.TrimSuffix(w, term)
		annotated := i < len(lines) && lines[i].annotated
		switch {
		case !annotated && g != w:
			t.Errorf("line %d changed:\n got %.120q\nwant %.120q", i, g, w)
		case annotated && (g == w || !strings.Contains(g, "errtag")):
			t.Errorf("line %d not annotated: %.200q", i, g)
		case annotated && !strings.HasSuffix(g, term):
			t.Errorf("line %d lost its terminator %q: %.200q", i, term, g)
		case annotated && strings.HasPrefix(body, "{") && !strings.HasPrefix(g, strings.TrimSuffix(body, "}")) && !strings.HasPrefix(g, body):
			t.Errorf("line %d: JSON line not kept: %.200q", i, g)
		case annotated && !strings.HasPrefix(body, "{") && !strings.HasPrefix(g, body+" errtag.system="):
			t.Errorf("line %d: not annotated in place: %.200q", i, g)
		}
	}
	// A 17 MiB line is streamed, not held: memory stays near the limit
	// errtag sets itself (40 MiB plus three --max-line of 1 MiB). It is
	// measured as VmHWM of errtag reading the same bytes from a pipe left
	// open, once all but the unterminated last line is out: the rusage of
	// a finished child is no measure, since its high-water mark includes
	// the test process's memory from before the exec (a vfork shares it).
	// (Not under the race detector, whose shadow memory is several times
	// the program's.)
	if os.Getenv("ERRTAG_E2E_RACE") == "" {
		outPath := filepath.Join(t.TempDir(), "out.log")
		outFile, err := os.Create(outPath)
		if err != nil {
			t.Fatal(err)
		}
		defer outFile.Close()
		mem := exec.Command(binary)
		mem.Stdout = outFile
		stdin, err := mem.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := mem.Start(); err != nil {
			t.Fatal(err)
		}
		defer mem.Wait()
		if _, err := stdin.Write(in.Bytes()); err != nil {
			t.Fatal(err)
		}
		// All but the last line (held for its newline) is out, with
		// its annotations: the 17 MiB line went through.
		whole := int64(in.Len() - len("last line, no newline"))
		waitUntil(t, "errtag to write all but the last line", func() bool {
			fi, err := os.Stat(outPath)
			return err == nil && fi.Size() >= whole
		})
		hwm := peakRSS(mem.Process.Pid)
		stdin.Close()
		t.Logf("peak RSS %d MiB", hwm>>20)
		if hwm > 96<<20 {
			t.Errorf("peak RSS %d MiB for a 17 MiB line", hwm>>20)
		}
	}
}

// TestLastCRIsContent: a CR at the end of the input, before no LF, is the
// last line's last byte, not a terminator: --json keeps it in "log", and
// the annotation goes after it (it was dropped, and the annotation went
// before it).
func TestLastCRIsContent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ args, in, want string }{
		{"--json", "abc\r", `{"log":"abc\r"}` + "\n"},
		{"--json", "abc\r\r\n", `{"log":"abc\r"}` + "\n"},
		{"--fields=code", "E EFOTA resultCode=-1401\r", "E EFOTA resultCode=-1401\r errtag.code=-1401"},
		{"--fields=code", "E EFOTA resultCode=-1401\r\n", "E EFOTA resultCode=-1401 errtag.code=-1401\r\n"},
	} {
		cmd := exec.Command(binary, c.args)
		cmd.Stdin = strings.NewReader(c.in)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %q: %v", c.args, c.in, err)
		}
		if string(out) != c.want {
			t.Errorf("errtag %s <<< %q: %q, want %q", c.args, c.in, out, c.want)
		}
	}
}
