//go:build linux

package e2e

// Outputs under attack (the red team of issue 8): -o naming a descriptor,
// links, owners, empty names, the run's own files, --out-dir's links and
// unwritable entries, and inputs that give nothing.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// sh runs script with /bin/sh in dir, $E being errtag, and returns its
// exit status and stderr.
func sh(t *testing.T, dir, script string) (int, string) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "E="+binary)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return exitStatus(err), stderr.String()
}

// TestOutputDescriptor: -o /dev/stdout and its other names write into the
// descriptor the shell opened, as a redirection would: appended to, and
// between what others wrote to it; never a new file put in its place.
// (It used to replace the file by a temporary one: keep.txt lost its old
// content, header and footer were lost.)
func TestOutputDescriptor(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("Linux names for descriptors")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\ntwo\n"), 0o644)
	for _, name := range []string{"/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"} {
		os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("EARLIER\n"), 0o644)
		code, stderr := sh(t, dir, `"$E" -o `+name+` a.log >> keep.txt`)
		if b, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); code != 0 || string(b) != "EARLIER\none\ntwo\n" {
			t.Errorf("-o %s >> keep.txt: exit %d (%s), keep.txt %q", name, code, stderr, b)
		}
	}
	code, stderr := sh(t, dir, `{ echo header; "$E" -o /dev/stdout a.log; echo footer; } > run.txt`)
	if b, _ := os.ReadFile(filepath.Join(dir, "run.txt")); code != 0 || string(b) != "header\none\ntwo\nfooter\n" {
		t.Errorf("between header and footer: exit %d (%s), run.txt %q", code, stderr, b)
	}
	os.WriteFile(filepath.Join(dir, "err.txt"), []byte("EARLIER\n"), 0o644)
	code, _ = sh(t, dir, `"$E" -o /dev/stderr a.log missing.log 2>> err.txt`)
	b, _ := os.ReadFile(filepath.Join(dir, "err.txt"))
	if code != 1 || !strings.HasPrefix(string(b), "EARLIER\none\ntwo\n") || !strings.Contains(string(b), "missing.log") {
		t.Errorf("-o /dev/stderr 2>> err.txt: exit %d, err.txt %q", code, b)
	}
	code, stderr = sh(t, dir, `"$E" -o /dev/fd/3 a.log 3>> keep.txt`)
	if b, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); code != 0 || !strings.HasSuffix(string(b), "two\none\ntwo\n") {
		t.Errorf("-o /dev/fd/3: exit %d (%s), keep.txt %q", code, stderr, b)
	}
}

// TestOutputLinks: -o through a dangling link creates the file it names
// and the link stays; links in a loop are an error and nothing is
// written. (They used to be replaced by regular files.)
func TestOutputLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\n"), 0o644)
	os.Symlink("current-2024.log", filepath.Join(dir, "current.log"))
	code, stderr := sh(t, dir, `"$E" -o current.log a.log`)
	fi, _ := os.Lstat(filepath.Join(dir, "current.log"))
	b, _ := os.ReadFile(filepath.Join(dir, "current-2024.log"))
	if code != 0 || fi == nil || fi.Mode()&os.ModeSymlink == 0 || string(b) != "one\n" {
		t.Errorf("dangling link: exit %d (%s), link %v, target %q", code, stderr, fi, b)
	}
	os.Symlink("loop2", filepath.Join(dir, "loop1"))
	os.Symlink("loop1", filepath.Join(dir, "loop2"))
	code, stderr = sh(t, dir, `"$E" -o loop1 a.log`)
	fi, _ = os.Lstat(filepath.Join(dir, "loop1"))
	if code != 1 || !strings.Contains(stderr, "loop") || fi == nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("loop: exit %d, stderr %q, loop1 %v", code, stderr, fi)
	}
}

// TestOutputKeepsOwner: an existing -o FILE keeps its owner and group
// (run as root, which may give them). It used to become root's.
func TestOutputKeepsOwner(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\n"), 0o644)
	owned := filepath.Join(dir, "owned.log")
	os.WriteFile(owned, []byte("old\n"), 0o640)
	if err := os.Chown(owned, 104, 4); err != nil {
		t.Skip(err)
	}
	if code, stderr := sh(t, dir, `"$E" -o owned.log a.log`); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	uid, gid := owner(t, owned)
	if b, _ := os.ReadFile(owned); uid != 104 || gid != 4 || string(b) != "one\n" {
		t.Errorf("owner %d:%d, content %q; want 104:4", uid, gid, b)
	}
}

// TestOutputNothingRead: -o FILE stays as it was when the inputs that
// could be opened gave nothing (a .gz cut before its data); a FILE that did
// not exist is not created, and stderr says "not created", not "left as
// it was". An empty input read to its end does empty FILE: that is its
// output.
func TestOutputNothingRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gz := gzipBytes(t, "one\ntwo\n")
	os.WriteFile(filepath.Join(dir, "cut.gz"), gz[:10], 0o644)
	os.WriteFile(filepath.Join(dir, "report.log"), []byte("last week\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.log"), nil, 0o644)
	code, stderr := sh(t, dir, `"$E" -o report.log cut.gz`)
	if b, _ := os.ReadFile(filepath.Join(dir, "report.log")); code != 1 || string(b) != "last week\n" || !strings.Contains(stderr, "report.log left as it was") {
		t.Errorf("cut .gz: exit %d, stderr %q, report.log %q", code, stderr, b)
	}
	code, stderr = sh(t, dir, `"$E" -o nf.o missing.log`)
	if _, err := os.Stat(filepath.Join(dir, "nf.o")); code != 1 || err == nil || !strings.Contains(stderr, "nf.o not created") || strings.Contains(stderr, "left as it was") {
		t.Errorf("never existed: exit %d, stderr %q, nf.o %v", code, stderr, err)
	}
	code, stderr = sh(t, dir, `"$E" -o report.log empty.log`)
	if b, _ := os.ReadFile(filepath.Join(dir, "report.log")); code != 0 || len(b) != 0 {
		t.Errorf("empty input: exit %d (%s), report.log %q; want it emptied", code, stderr, b)
	}
}

// TestOutDirPlantedLink: a symbolic link planted in --out-dir under an
// output's name is replaced by the output; the file it points at, outside
// the directory, is untouched. (It used to be replaced, exit 0.)
func TestOutDirPlantedLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "in"), 0o755)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	os.WriteFile(filepath.Join(dir, "in", "app.log"), []byte("1\n2\n3\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "victim.txt"), []byte("VICTIM\n"), 0o644)
	os.Symlink("../victim.txt", filepath.Join(dir, "out", "app.log"))
	code, stderr := sh(t, dir, `"$E" --out-dir out in/app.log`)
	v, _ := os.ReadFile(filepath.Join(dir, "victim.txt"))
	fi, _ := os.Lstat(filepath.Join(dir, "out", "app.log"))
	o, _ := os.ReadFile(filepath.Join(dir, "out", "app.log"))
	if code != 0 || string(v) != "VICTIM\n" || fi == nil || !fi.Mode().IsRegular() || string(o) != "1\n2\n3\n" {
		t.Errorf("exit %d (%s), victim %q, out/app.log %v %q", code, stderr, v, fi, o)
	}
}

// TestOutDirOneUnwritable: an output whose place holds a directory is
// named, once, and the other inputs are written; exit 1. (It used to stop
// the whole batch, outputs before it included, with misleading reasons.)
func TestOutDirOneUnwritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "ob", "bad.log"), 0o755)
	os.Mkdir(filepath.Join(dir, "ib"), 0o755)
	names := []string{"g1.log", "bad.log", "g2.log", "g3.log", "g4.log"}
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, "ib", n), []byte(n+" "+errLine+"\n"), 0o644)
	}
	code, stderr := sh(t, dir, `"$E" --workers 1 --out-dir ob ib/g1.log ib/bad.log ib/g2.log ib/g3.log ib/g4.log`)
	if code != 1 || stderr != "errtag: ib/bad.log: not written: ob/bad.log is a directory, not a file\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	for _, n := range names {
		if n == "bad.log" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, "ob", n)); err != nil || !strings.HasPrefix(string(b), n+" ") {
			t.Errorf("ob/%s: %q %v", n, b, err)
		}
	}
}
