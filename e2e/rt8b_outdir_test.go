package e2e

// --out-dir failures after the red team's second look at issue 8: a full
// disk and an entry that refuses to be replaced panicked (a nil
// *outfile.DirError unwrapped); they must name the inputs not written and
// why, exit 1.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutDirFullDisk: --out-dir onto a small tmpfs that fills up ends with
// exit 1, the reason and the inputs not written, no panic and no
// temporary file left. Mounting needs root and a system that permits it;
// elsewhere the test skips (TestBatchSettle in internal/cli covers the
// same path with an injected failure).
func TestOutDirFullDisk(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs Linux and root")
	}
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.Mkdir(small, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", small).Run() })
	big := strings.Repeat(errLine+"\n", 4000) // ~350 KB
	var args []string
	for _, n := range []string{"big1.log", "big2.log"} {
		p := filepath.Join(dir, n)
		os.WriteFile(p, []byte(big), 0o644)
		args = append(args, p)
	}
	code, _, stderr := errtag(t, nil, append([]string{"--out-dir", small, "--workers", "1"}, args...)...)
	if code != 1 || strings.Contains(stderr, "panic") || !strings.Contains(stderr, "no space left on device") ||
		!strings.Contains(stderr, "not written: ") || !strings.Contains(stderr, "big1.log") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(small, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestOutDirEntryRefusesRename: an output whose entry in DIR cannot be
// replaced when it is done (here a directory is made there while its
// input, a FIFO, is read) is named with the reason in plain words, the
// other inputs are written, exit 1; no panic, no Go error text.
func TestOutDirEntryRefusesRename(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs FIFOs")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	other := filepath.Join(dir, "b.log")
	os.WriteFile(other, []byte("fine\n"), 0o644)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	cmd := exec.Command(binary, "--out-dir", out, "--workers", "1", fifo, other)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // until errtag opens it
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString(errLine + "\n") // errtag looks at the first bytes before it makes the output
	deadline := time.Now().Add(patience(10 * time.Second))
	for {
		if tmp, _ := filepath.Glob(filepath.Join(out, ".a.log.errtag-*.tmp")); len(tmp) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no temporary file for a.log appeared")
		}
		time.Sleep(5 * time.Millisecond)
	}
	os.MkdirAll(filepath.Join(out, "a.log", "keep"), 0o755)
	w.Close()
	code := exitStatus(cmd.Wait())
	msg := stderr.String()
	if code != 1 || strings.Contains(msg, "panic") || strings.Contains(msg, "rename") ||
		!strings.Contains(msg, "a.log: not written: cannot replace") || !strings.Contains(msg, "a directory is there") {
		t.Errorf("exit %d, stderr %q", code, msg)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "b.log")); string(b) != "fine\n" {
		t.Errorf("b.log not written: %q", b)
	}
}
