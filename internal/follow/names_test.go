package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRotatedName: the names taken for rotated copies of a file, both
// base+suffix (app.log.1) and logrotate's `extension` way (app.1.log), and
// the number a numbered copy carries.
func TestRotatedName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		base, name string
		rotated    bool
		n          int // number, -1 for none
	}{
		{"app.log", "app.log.1", true, 1},
		{"app.log", "app.log-20240501", true, 20240501},
		{"app.log", "app.log_3", true, 3},
		{"app.log", "app.log.1.gz", true, -1},
		{"app.log", "app.1.log", true, 1},
		{"app.log", "app.000123.log", true, 123},
		{"app.log", "app-20240501.log", true, 20240501},
		{"app.log", "app_7.log", true, 7},
		{"app.log", "app-2024-05-01.log", true, -1},
		{"app.log", "app.1.log.gz", true, -1},
		{"app.log", "app.2.log.zst", true, -1},
		{"app.log", "app-20240501-1714567890.log", true, -1},
		{"messages", "messages.1", true, 1},
		{"messages", "messages-20240501", true, 20240501},
		{"a.b.log", "a.b.3.log", true, 3},

		{"app.log", "app.log", false, -1},
		{"app.log", "app.logx", false, -1},
		{"app.log", "app.log.old", false, -1},
		{"app.log", "app-error.log", false, -1},
		{"app.log", "app.1.txt", false, -1},
		{"app.log", "app.1.logx", false, -1},
		{"app.log", "app.1.log.backup-old", false, -1},
		{"app.log", "app.1x.log", false, -1},
		{"app.log", "app1.log", false, -1},
		{"app.log", "apps.1.log", false, -1},
		{"app.log", "ap.1.log", false, -1},
		{"app.log", "app..log", false, -1},
		{"app.log", "app.log.log", false, -1},
		{".log", ".1.log", false, -1},
		// An extension that is a number is no extension.
		{"app.log.1", "app.log.2.1", false, -1},
		{"app.log.1", "app.log.1.1", true, 1},
	} {
		if got := rotatedName(c.base, c.name); got != c.rotated {
			t.Errorf("rotatedName(%q, %q) = %v, want %v", c.base, c.name, got, c.rotated)
		}
		n, ok := numericSuffix(c.base, c.name)
		if !ok {
			n = -1
		}
		if n != c.n {
			t.Errorf("numericSuffix(%q, %q) = %d, want %d", c.base, c.name, n, c.n)
		}
	}
}

// extensionSchemes rotate app.log the ways logrotate's `extension .log`
// names its generations: shifted (app.1.log is the newest), numbered
// upwards (app.000001.log) and dated (app-20240501.log); k counts the
// rotations from 1.
var extensionSchemes = map[string]func(p string, k int){
	"extension shift": func(p string, k int) {
		stem := strings.TrimSuffix(p, ".log")
		for i := k - 1; i >= 1; i-- {
			os.Rename(fmt.Sprintf("%s.%d.log", stem, i), fmt.Sprintf("%s.%d.log", stem, i+1))
		}
		os.Rename(p, stem+".1.log")
	},
	"extension numbers": func(p string, k int) {
		os.Rename(p, fmt.Sprintf("%s.%06d.log", strings.TrimSuffix(p, ".log"), k))
	},
	"extension dated": func(p string, k int) {
		os.Rename(p, fmt.Sprintf("%s-2024050%d%02d.log", strings.TrimSuffix(p, ".log"), 1+k/100, k%100))
	},
}

// TestResumeExtensionNames: rotated several times while stopped, with the
// generations named logrotate's `extension .log` way (app.1.log and so
// on): the saved file is finished, then every generation after it, oldest
// first, then the new file. (They were not recognised as generations: all
// but the saved one were skipped.)
func TestResumeExtensionNames(t *testing.T) {
	for name, rotate := range extensionSchemes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			write(t, p, "g0 a\n")
			if got := text(session(t, st, p, true)); got != "g0 a\n" {
				t.Fatalf("first run: %q", got)
			}
			var want strings.Builder
			appendTo(t, p, "g0 b\n")
			want.WriteString("g0 b\n")
			for k := 1; k <= 4; k++ {
				rotate(p, k)
				line := fmt.Sprintf("g%d\n", k)
				write(t, p, line)
				want.WriteString(line)
			}
			if got := text(session(t, st, p, false)); got != want.String() {
				t.Fatalf("after four rotations while stopped: %q, want %q", got, want.String())
			}
			appendTo(t, p, "after\n")
			if got := text(session(t, st, p, false)); got != "after\n" {
				t.Fatalf("third run: %q", got)
			}
		})
	}
}

// TestResumeExtensionDelaycompress: logrotate's `extension .log` with
// compress and delaycompress, rotated twice while stopped: the saved file
// became app.2.log.gz; its rest is decoded, then app.1.log is read, then
// the new file.
func TestResumeExtensionDelaycompress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	one, two := filepath.Join(dir, "app.1.log"), filepath.Join(dir, "app.2.log.gz")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2\n")
	rename(t, p, one)
	write(t, p, "b1\n")
	gzipFile(t, one, two)
	rename(t, p, one)
	write(t, p, "c1\n")
	if got := text(session(t, st, p, false)); got != "a2\nb1\nc1\n" {
		t.Fatalf("got %q, want a2 (decoded from app.2.log.gz) b1 c1", got)
	}
}

// TestCopytruncateExtensionNames: copytruncate with the copies named
// app.N.log: the lines not read before the truncation are read from the
// copy (they were never read: the copy was not taken for one).
func TestCopytruncateExtensionNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "a1\n")
	s := startManual(t, Config{Files: []string{p}, FromStart: true})
	if got := text(s.settle(t)); got != "a1\n" {
		t.Fatalf("got %q", got)
	}
	want := ""
	for k := 1; k <= 3; k++ {
		line := fmt.Sprintf("unread %d\n", k)
		appendTo(t, p, line)
		copyFile(t, p, filepath.Join(dir, fmt.Sprintf("app.%06d.log", k)))
		if err := os.Truncate(p, 0); err != nil {
			t.Fatal(err)
		}
		next := fmt.Sprintf("new %d\n", k)
		appendTo(t, p, next)
		want = line + next
		if got := text(s.settle(t)); got != want {
			t.Fatalf("copytruncate %d: got %q, want %q", k, got, want)
		}
	}
}

// TestMoreGenerationsThanPinnedExtension: TestMoreGenerationsThanPinned
// with the generations named app.NNNN.log: more than maxQueue of them
// wait; the oldest are read first, the others from the directory later,
// and that they wait is said once.
func TestMoreGenerationsThanPinnedExtension(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	var want strings.Builder
	n := maxQueue + 20
	for i := range n {
		line := fmt.Sprintf("gen %03d\n", i)
		appendTo(t, p, line)
		want.WriteString(line)
		rename(t, p, filepath.Join(dir, fmt.Sprintf("app.%04d.log", i+1)))
		write(t, p, "")
	}
	appendTo(t, p, "current\n")
	want.WriteString("current\n")
	got := s.settle(t)
	if text(got) != want.String() {
		t.Fatalf("got %q, want %q", text(got), want.String())
	}
	said := 0
	for _, c := range got {
		if c.Err != nil && strings.Contains(c.Err.Error(), "wait to be read") {
			said++
		}
	}
	if said != 1 {
		t.Errorf("%d notices that generations wait, want 1", said)
	}
}

// TestPatternExtensionNamesNotTwice: *.log matches app.000001.log too;
// generations of app.log renamed to logrotate's `extension .log` names
// before the follower saw them at the name are read as app.log's, once,
// in order, not followed as files of their own (they were, as files that
// appeared, after app.log's newer lines), and an old generation there at
// start is not read at all.
func TestPatternExtensionNamesNotTwice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	write(t, filepath.Join(dir, "app.000000.log"), "an old generation\n")
	s := startManual(t, Config{Files: []string{filepath.Join(dir, "*.log")}})
	s.settle(t)
	want := ""
	for k := 1; k <= 3; k++ {
		line := fmt.Sprintf("gen %d\n", k)
		appendTo(t, p, line)
		want += line
		extensionSchemes["extension numbers"](p, k)
		write(t, p, "")
	}
	appendTo(t, p, "last\n")
	want += "last\n"
	got := s.settle(t)
	var mine strings.Builder
	for _, ch := range got {
		if ch.Source != p && len(ch.Data) > 0 {
			t.Errorf("read under another name: %s: %q", ch.Source, ch.Data)
		}
		if ch.Source == p {
			mine.Write(ch.Data)
		}
	}
	if mine.String() != want {
		t.Errorf("app.log: got %q, want %q", mine.String(), want)
	}
}

// TestOutputNamedLikeACopy: the caller's output named like a rotated copy
// of the followed file (-o app.1.log, -o app.log.1) is never read as one
// (it was, at the next rotation: errtag read back what it wrote).
func TestOutputNamedLikeACopy(t *testing.T) {
	for _, out := range []string{"app.1.log", "app.log.1"} {
		t.Run(out, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, o := filepath.Join(dir, "app.log"), filepath.Join(dir, out)
			write(t, p, "a1\n")
			s := startManual(t, Config{Files: []string{p}, FromStart: true, Outputs: []string{o}})
			if got := text(s.settle(t)); got != "a1\n" {
				t.Fatalf("got %q", got)
			}
			write(t, o, "a1 annotated\n")
			appendTo(t, p, "a2\n")
			rename(t, p, filepath.Join(dir, "app.log-old"))
			write(t, p, "b1\n")
			if got := text(s.settle(t)); got != "a2\nb1\n" {
				t.Fatalf("got %q, want a2 b1 (not the output)", got)
			}
			// copytruncate, nothing of the new content read yet: the
			// output is no copy of it either.
			appendTo(t, o, "a2 annotated\n")
			appendTo(t, p, "b2\n")
			if got := text(s.settle(t)); got != "b2\n" {
				t.Fatalf("got %q, want b2", got)
			}
		})
	}
}

// TestResumeCopytruncateSameHead: copytruncate while stopped, and the
// writer begins the new file with the very bytes the old one began with
// (a banner line; also one longer than the fingerprinted head), past the
// saved offset: the same inode, the same first bytes, enough bytes, yet
// truncated. The copy's lines after the saved offset come first, then the
// file from its start. (The restart went on at the saved offset in the new
// content: the copy's lines were lost.) Several copies made while stopped
// that start alike are read in order; a copy the file still holds (made,
// not truncated) is no truncation.
func TestResumeCopytruncateSameHead(t *testing.T) {
	for _, banner := range []string{"# myapp 1.2.3 starting\n", "# " + strings.Repeat("B", 2*headMax) + "\n"} {
		t.Run(fmt.Sprintf("banner %d bytes", len(banner)), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			write(t, p, banner+"a0\n")
			if got := text(session(t, st, p, true)); got != banner+"a0\n" {
				t.Fatalf("first run: %.300q", got)
			}
			appendTo(t, p, "a1\na2\n")
			copyFile(t, p, p+".1")
			write(t, p, banner+"b1 a longer line than the old ones\n")
			want := "a1\na2\n" + banner + "b1 a longer line than the old ones\n"
			if got := text(session(t, st, p, false)); got != want {
				t.Fatalf("one copytruncate: %.300q, want %.300q", got, want)
			}

			// Twice while stopped: app.log.2 is the saved file's copy,
			// app.log.3 a whole generation with the same banner.
			appendTo(t, p, "b2\n")
			copyFile(t, p, p+".2")
			write(t, p, banner+"c1\n")
			copyFile(t, p, p+".3")
			write(t, p, banner+"d1 and a much longer line than any before it\n")
			want = "b2\n" + banner + "c1\n" + banner + "d1 and a much longer line than any before it\n"
			if got := text(session(t, st, p, false)); got != want {
				t.Fatalf("two copytruncates: %.300q, want %.300q", got, want)
			}

			// Copied, not truncated: the file goes on.
			appendTo(t, p, "d2\n")
			copyFile(t, p, p+".4")
			appendTo(t, p, "d3\n")
			if got := text(session(t, st, p, false)); got != "d2\nd3\n" {
				t.Fatalf("copied, not truncated: %q, want d2 d3", got)
			}
		})
	}
}

// relink points the symbolic link p at target, atomically (as a writer
// that rotates by moving a link does).
func relink(t *testing.T, p, target string) {
	t.Helper()
	tmp := p + ".tmp-link"
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	rename(t, tmp, p)
}

// TestResumeLinkRetargeted: the followed name is a link that the writer
// moves from file to file (app.log -> logs/app-0001.log, app-0002.log...),
// and it moved several times while errtag was stopped, the files kept:
// the file it stopped in is finished, then the files the link led to in
// between, in the order of their numbers, then the new target. (Those in
// between were skipped.) A file named alike but older than the save, or
// numbered after the new target, is not read.
func TestResumeLinkRetargeted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	target := func(k int) string { return filepath.Join(logs, fmt.Sprintf("app-%04d.log", k)) }
	write(t, target(1), "t1 a\n")
	relink(t, p, "logs/app-0001.log")
	if got := text(session(t, st, p, true)); got != "t1 a\n" {
		t.Fatalf("first run: %q", got)
	}
	appendTo(t, target(1), "t1 b\n")
	want := "t1 b\n"
	// The numbers' order is not their names' (app-0010 after
	// app-0009), nor their inodes' or times': the numbers decide.
	for _, k := range []int{10, 2, 9} {
		write(t, target(k), fmt.Sprintf("t%d\n", k))
	}
	for _, k := range []int{2, 9, 10} {
		want += fmt.Sprintf("t%d\n", k)
	}
	write(t, target(12), "t12 not yet linked\n")
	write(t, target(11), "t11\n")
	relink(t, p, "logs/app-0011.log")
	want += "t11\n"
	if got := text(session(t, st, p, false)); got != want {
		t.Fatalf("after the link moved while stopped: %q, want %q", got, want)
	}
	appendTo(t, target(11), "t11 b\n")
	if got := text(session(t, st, p, false)); got != "t11 b\n" {
		t.Fatalf("third run: %q", got)
	}
}

// TestResumeLinkRetargetedUnknown: the link moved while errtag was
// stopped to a file whose name does not tell what came between (another
// naming), or the file it led to is gone: no file is guessed at, and an
// error says that files in between are not read.
func TestResumeLinkRetargetedUnknown(t *testing.T) {
	for _, gone := range []bool{false, true} {
		t.Run(fmt.Sprintf("old gone %v", gone), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			write(t, filepath.Join(dir, "first.log"), "a1\n")
			relink(t, p, "first.log")
			if got := text(session(t, st, p, true)); got != "a1\n" {
				t.Fatalf("first run: %q", got)
			}
			write(t, filepath.Join(dir, "between.log"), "unknown\n")
			write(t, filepath.Join(dir, "second.log"), "b1\n")
			relink(t, p, "second.log")
			if gone {
				os.Remove(filepath.Join(dir, "first.log"))
			}
			state, err := LoadState(st)
			if err != nil {
				t.Fatal(err)
			}
			defer state.Close()
			s := startManual(t, Config{Files: []string{p}, Resume: state.Files, StoppedAt: state.SavedAt()})
			got := s.settle(t)
			if text(got) != "b1\n" {
				t.Errorf("got %q, want b1 alone", text(got))
			}
			said := 0
			for _, c := range got {
				if c.Err != nil && strings.Contains(c.Err.Error(), "in between") && strings.Contains(c.Err.Error(), "not read") {
					said++
				}
			}
			if said != 1 {
				t.Errorf("%d notices of the gap, want 1: %v", said, got)
			}
		})
	}
}
