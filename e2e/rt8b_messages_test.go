package e2e

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMessagesPlain: the messages the red team's second look at issue 8
// found in Go's words or oddly punctuated say what happened in plain words.
func TestMessagesPlain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\n"), 0o644)
	gz := gzipBytes(t, strings.Repeat(errLine+"\n", 200))
	os.WriteFile(filepath.Join(dir, "cut.gz"), gz[:len(gz)/2], 0o644)
	os.WriteFile(filepath.Join(dir, "tail.gz"), append(append([]byte{}, gz...), "garbage\n"...), 0o644)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	os.WriteFile(filepath.Join(dir, "x\ny.log"), []byte("one\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "out", "x\ny.log"), 0o755)
	for _, tc := range []struct {
		script string
		code   int
		want   string
		not    []string
	}{
		{`"$E" cut.gz`, 1, "cut.gz: gzip data is cut short: the file ends inside compressed data, at compressed byte", []string{"unexpected EOF", "corrupt"}},
		{`"$E" tail.gz`, 1, "tail.gz: gzip data is followed by data that is not gzip", []string{"corrupt", "truncated"}},
		{`"$E" - <&-`, 1, "errtag: standard input: it is closed", []string{"(standard input):"}},
		{`"$E" a.log >&-`, 1, "standard output is closed", []string{"Go runtime"}},
		{`"$E" -o a.log < a.log`, 2, "-o: a.log would overwrite standard input, which is the same file", []string{") ("}},
		{`"$E" --out-dir out "x
y.log"`, 1, `not written: "out/x\ny.log" is a directory`, nil},
	} {
		code, stderr := sh(t, dir, tc.script)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tc.script, code, stderr, tc.code, tc.want)
		}
		for _, n := range tc.not {
			if strings.Contains(stderr, n) {
				t.Errorf("%s: stderr %q has %q", tc.script, stderr, n)
			}
		}
	}
	if runtime.GOOS == "linux" {
		code, stderr := sh(t, dir, `"$E" -o /proc/version a.log`)
		if code != 1 || strings.Contains(stderr, "no such file") || !strings.Contains(stderr, "does not let new files be made") {
			t.Errorf("-o /proc/version: exit %d, stderr %q", code, stderr)
		}
	}
}

// TestGzipTrailingZerosAccepted: a .gz followed by zero bytes (tar or
// preallocation padding) is read as gzip(1) reads it: every line, a
// warning, exit 0. (It was exit 1, "corrupt or truncated".)
func TestGzipTrailingZerosAccepted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	text := strings.Repeat("plain line\n", 100)
	os.WriteFile(filepath.Join(dir, "p.gz"), append(gzipBytes(t, text), make([]byte, 4096)...), 0o644)
	code, stdout, stderr := errtag(t, nil, filepath.Join(dir, "p.gz"))
	if code != 0 || stdout != text || !strings.Contains(stderr, "4096 zero bytes after the end of the gzip data (padding) were ignored") {
		t.Errorf("exit %d, %d bytes out, stderr %q", code, len(stdout), stderr)
	}
}
