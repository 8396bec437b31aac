package outfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// umask reads the process's umask (Linux), or skips the test.
func umask(t *testing.T) os.FileMode {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			if err == nil {
				return os.FileMode(m)
			}
		}
	}
	t.Skip("no Umask in /proc/self/status")
	return 0
}

// TestCommit: the destination appears only at Commit, with 0666 less the
// umask when new and its own permissions when it existed; no temporary
// file is left.
func TestCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.log")
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new\n")
	if _, err := os.Stat(dest); err == nil {
		t.Fatal("the destination exists before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "new\n" {
		t.Errorf("destination holds %q", b)
	}
	if runtime.GOOS == "linux" {
		if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o666&^umask(t) {
			t.Errorf("new file mode %v, want 0666 less the umask %v", fi.Mode(), umask(t))
		}
	}
	os.Chmod(dest, 0o640)
	f, err = Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("second\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced file mode %v, want 0640", fi.Mode())
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
		t.Errorf("left: %v", m)
	}
}

// TestAbort: the destination stays as it was and the temporary file goes;
// Commit after Abort fails.
func TestAbort(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.log")
	os.WriteFile(dest, []byte("old\n"), 0o644)
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new\n")
	f.Abort()
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if b, _ := os.ReadFile(dest); string(b) != "old\n" {
		t.Errorf("destination holds %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
		t.Errorf("left: %v", m)
	}
}

// TestSymlink: a link is kept, and its target replaced.
func TestSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "target.log")
	os.WriteFile(target, []byte("old\n"), 0o644)
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink("target.log", link); err != nil {
		t.Skip(err)
	}
	f, err := Create(link)
	if err != nil {
		t.Fatal(err)
	}
	if f.Dest() != target {
		t.Errorf("Dest %q, want %q", f.Dest(), target)
	}
	f.WriteString("new\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if l, _ := os.Readlink(link); l != "target.log" {
		t.Errorf("link now %q", l)
	}
	if b, _ := os.ReadFile(target); string(b) != "new\n" {
		t.Errorf("target holds %q", b)
	}
}

func TestParseTempName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, base string
		pid        int
		ok         bool
	}{
		{tempName("a.log", 42, "0123456789ab"), "a.log", 42, true},
		{tempName("x.errtag-1-aaaaaaaaaaaa.tmp", 7, "0123456789ab"), "x.errtag-1-aaaaaaaaaaaa.tmp", 7, true},
		{".a.log.123456.tmp", "", 0, false},        // os.CreateTemp's, not ours
		{".a.log.errtag-42-xyz.tmp", "", 0, false}, // not a suffix of ours
		{".a.log.errtag-0-0123456789ab.tmp", "", 0, false},
		{"a.log.errtag-42-0123456789ab.tmp", "", 0, false}, // no leading dot
		{".a.log.errtag-42-0123456789ab", "", 0, false},
	} {
		base, pid, ok := parseTempName(c.name)
		if base != c.base || pid != c.pid || ok != c.ok {
			t.Errorf("%q: %q %d %v, want %q %d %v", c.name, base, pid, ok, c.base, c.pid, c.ok)
		}
	}
}

// deadPid returns the pid of a process that has ended.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestRemoveStale: a leftover is removed when its process is gone and its
// lock free, and only then; other files are never touched.
func TestRemoveStale(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	dir := t.TempDir()
	dead := deadPid(t)
	write := func(name string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("partial"), 0o644)
		return p
	}
	stale := write(tempName("a.log", dead, "0123456789ab"))
	otherBase := write(tempName("b.log", dead, "0123456789ab"))
	alive := write(tempName("a.log", os.Getpid(), "0123456789ab"))
	foreign := write(".a.log.123456.tmp")
	locked := write(tempName("a.log", dead, "ba9876543210"))
	lf, err := os.Open(locked)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if err := lock(lf); err != nil {
		t.Fatal(err)
	}

	removed := RemoveStale(dir, "a.log")
	if len(removed) != 1 || removed[0] != stale {
		t.Errorf("removed %v, want only %s", removed, stale)
	}
	for _, p := range []string{otherBase, alive, foreign, locked} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
	if removed := RemoveStale(dir, ""); len(removed) != 1 || removed[0] != otherBase {
		t.Errorf("any base: removed %v, want only %s", removed, otherBase)
	}
}

// TestCreatedLocked: a file being written is locked, so that another
// process's RemoveStale leaves it alone even if its pid looked dead.
func TestCreatedLocked(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	f, err := Create(filepath.Join(t.TempDir(), "out.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if removeIfUnlocked(f.Name()) {
		t.Error("a file being written was removed")
	}
}

// TestDanglingLink: a link to a file that does not exist yet stays a link,
// and the file it names is created.
func TestDanglingLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := filepath.Join(dir, "current.log")
	if err := os.Symlink("current-2024.log", link); err != nil {
		t.Skip(err)
	}
	f, err := Create(link)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("current.log is no longer a link (%v)", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "current-2024.log")); string(b) != "new\n" {
		t.Errorf("target holds %q", b)
	}
}

// TestLinkLoop: links that go round in a loop are an error naming the
// loop, and nothing is written; a link into a directory that does not
// exist fails as a shell redirection would.
func TestLinkLoop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l1, l2 := filepath.Join(dir, "loop1"), filepath.Join(dir, "loop2")
	if err := os.Symlink("loop2", l1); err != nil {
		t.Skip(err)
	}
	os.Symlink("loop1", l2)
	self := filepath.Join(dir, "self")
	os.Symlink("self", self)
	for _, p := range []string{l1, self, filepath.Join(self, "x.log")} {
		_, err := Create(p)
		var le *LinkLoopError
		if !errors.As(err, &le) {
			t.Errorf("%s: %v, want a LinkLoopError", p, err)
		}
	}
	missing := filepath.Join(dir, "into-missing")
	os.Symlink("nodir/x.log", missing)
	if f, err := Create(missing); err == nil {
		f.Abort()
		t.Error("a link into a missing directory was written")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*")); len(m) != 4 {
		t.Errorf("files now %v, want the 4 links only", m)
	}
}

// TestCreateEntry: a link in the destination's place is replaced, never
// followed; a directory there is a NotRegularError.
func TestCreateEntry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	os.WriteFile(victim, []byte("VICTIM\n"), 0o644)
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	entry := filepath.Join(out, "app.log")
	if err := os.Symlink("../victim.txt", entry); err != nil {
		t.Skip(err)
	}
	f, err := CreateEntry(entry)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "VICTIM\n" {
		t.Errorf("the link's target was written: %q", b)
	}
	if fi, _ := os.Lstat(entry); !fi.Mode().IsRegular() {
		t.Errorf("entry is %v, want a regular file", fi.Mode())
	}
	os.Mkdir(filepath.Join(out, "d.log"), 0o755)
	_, err = CreateEntry(filepath.Join(out, "d.log"))
	var nr *NotRegularError
	if !errors.As(err, &nr) || nr.What != "a directory" {
		t.Errorf("directory: %v", err)
	}
}
