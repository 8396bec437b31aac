package e2e

import (
	"os"
	"path/filepath"
	"runtime"
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
	if code != 1 || !strings.Contains(stderr, "(standard input): is closed") {
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
