package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestClosedStdin: a closed standard input, when it is read, is an error
// (exit 1) as for cat, and the other inputs are still written; standard
// input from /dev/null is an empty input. (It used to exit 0.)
func TestClosedStdin(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("Linux (kcmp)")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\n"), 0o644)
	code, stderr := sh(t, dir, `"$E" <&- > out.txt`)
	if code != 1 || !strings.Contains(stderr, "standard input: it is closed") {
		t.Errorf("<&-: exit %d, stderr %q", code, stderr)
	}
	code, stderr = sh(t, dir, `"$E" - a.log <&- > out.txt`)
	if b, _ := os.ReadFile(filepath.Join(dir, "out.txt")); code != 1 || string(b) != "one\n" {
		t.Errorf("- a.log <&-: exit %d (%s), out %q", code, stderr, b)
	}
	if code, stderr := sh(t, dir, `"$E" < /dev/null > out.txt`); code != 0 {
		t.Errorf("< /dev/null: exit %d, stderr %q", code, stderr)
	}
	if code, stderr := sh(t, dir, `"$E" a.log <&- > out.txt`); code != 0 {
		t.Errorf("standard input not read: exit %d, stderr %q", code, stderr)
	}
}

// TestOddFileNames: with -H, a file name holding a newline or invalid
// UTF-8 is written quoted with escapes in text output (one output line per
// input line, the name readable back), and in JSON as "file" plus, when
// not UTF-8, errtag_file_base64 with its exact bytes. (The name used to
// be written raw, splitting lines, and lossy in JSON.)
func TestOddFileNames(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("file names with any bytes")
	}
	dir := t.TempDir()
	nl, bad := "bad\nname.log", "bad\xffname.log"
	for _, n := range []string{nl, bad} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(errLine+"\nplain\n"), 0o644); err != nil {
			t.Skip(err)
		}
	}
	for _, c := range []struct{ name, label string }{{nl, `"bad\nname.log"`}, {bad, `"bad\xffname.log"`}} {
		code, out, stderr := errtag(t, nil, "-H", "--fields", "code", filepath.Join(dir, c.name))
		want := c.label + ":" + errLine + " errtag.code=-1401\n" + c.label + ":plain\n"
		full := strconv.Quote(filepath.Join(dir, c.name))
		want = strings.ReplaceAll(want, c.label, full)
		if code != 0 || out != want {
			t.Errorf("%q: exit %d (%s)\n got %q\nwant %q", c.name, code, stderr, out, want)
		}
	}
	code, out, stderr := errtag(t, nil, "-H", "--format", "json", "--fields", "code", filepath.Join(dir, bad))
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var rec struct {
			File   string `json:"file"`
			File64 []byte `json:"errtag_file_base64"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil || string(rec.File64) != filepath.Join(dir, bad) {
			t.Errorf("json: exit %d (%s), record %q: %v", code, stderr, l, err)
		}
	}
	_, out, _ = errtag(t, nil, "-H", "--format", "json", filepath.Join(dir, nl))
	if strings.Contains(out, "base64") {
		t.Errorf("a UTF-8 name got base64: %q", out)
	}
}
