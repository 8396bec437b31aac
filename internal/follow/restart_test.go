package follow

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/errtag/errtag/internal/compress"
)

// TestResumeFileWithoutLines: a file that delivered no line before the
// stop (empty, missing, or started at its end) is in the state all the
// same, so the lines written to it while stopped come at the restart.
func TestResumeFileWithoutLines(t *testing.T) {
	for _, c := range []struct {
		name    string
		initial *string // nil: no file
	}{
		{"empty", ptr("")},
		{"missing", nil},
		{"started at its end", ptr("before the first run\n")},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			if c.initial != nil {
				write(t, p, *c.initial)
			}
			got := session(t, st, p, false)
			if text(got) != "" {
				t.Fatalf("first run: %q", text(got))
			}
			if c.initial == nil && !slices.Equal(notesOf(got), []Note{Missing}) {
				t.Errorf("notes %v, want [missing]", notesOf(got))
			}
			appendTo(t, p, "while stopped\n")
			if got := text(session(t, st, p, false)); got != "while stopped\n" {
				t.Fatalf("second run: %q, want the line written while stopped", got)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestResumeRotateOne: with `rotate 1`, two rotations while stopped delete
// the saved file; the generation in between (app.log.1) is read whole
// before the new file, not skipped.
func TestResumeRotateOne(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2 lost with its file\n")
	rename(t, p, p+".1")
	write(t, p, "b1\nb2\n")
	os.Remove(p + ".1")
	rename(t, p, p+".1")
	write(t, p, "c1\n")
	got := session(t, st, p, false)
	if text(got) != "b1\nb2\nc1\n" {
		t.Fatalf("got %q, want b1 b2 c1", text(got))
	}
	appendTo(t, p, "c2\n")
	if got := text(session(t, st, p, false)); got != "c2\n" {
		t.Fatalf("after: %q", got)
	}
}

// TestResumeDelaycompress: with compress + delaycompress, app.log.1 stays
// intact for one rotation: rotated once while stopped it is finished from
// the saved offset; rotated twice, the saved file is compressed (said, not
// read) and the intact generation between is read whole.
func TestResumeDelaycompress(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2\n")
	rename(t, p, p+".1")
	write(t, p, "b1\n")
	if got := text(session(t, st, p, false)); got != "a2\nb1\n" {
		t.Fatalf("one rotation: %q", got)
	}
	appendTo(t, p, "b2\n")
	// Two rotations: app.log.1 is compressed to app.log.2.gz, app.log
	// becomes app.log.1.
	gzipFile(t, p+".1", p+".2.gz")
	rename(t, p, p+".1")
	write(t, p, "c1\n")
	gzipFile(t, p+".1", p+".2.gz")
	rename(t, p, p+".1")
	write(t, p, "d1\n")
	got := session(t, st, p, false)
	if text(got) != "b2\nc1\nd1\n" {
		t.Fatalf("two rotations: %q, want b2 (decoded from app.log.2.gz) c1 d1", text(got))
	}
	for _, c := range got {
		if c.Note == Skipped {
			t.Errorf("%s reported skipped, but it was read", c.Path)
		}
	}
	// Compressed again (another rotation while stopped, nothing written
	// to the generation read): nothing is read twice, and the compressed
	// file that is no continuation is reported.
	rename(t, p+".2.gz", p+".3.gz")
	gzipFile(t, p+".1", p+".2.gz")
	rename(t, p, p+".1")
	write(t, p, "e1\n")
	got = session(t, st, p, false)
	if text(got) != "e1\n" {
		t.Fatalf("three rotations: %q, want e1", text(got))
	}
}

// TestResumeCopytruncateCompressed: copytruncate with compress while
// stopped: the lines after the saved offset are decoded from the copy.
func TestResumeCopytruncateCompressed(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\n")
	session(t, st, p, true)
	appendTo(t, p, "a2\n")
	copyFile(t, p, p+".1")
	gzipFile(t, p+".1", p+".1.gz")
	write(t, p, "b1\n")
	if got := text(session(t, st, p, false)); got != "a2\nb1\n" {
		t.Fatalf("got %q, want a2 b1", got)
	}
}

// TestResumeCopytruncateCompressedBanner: copytruncate with compress
// while stopped, and the writer starts the truncated file again with the
// same banner line: the file at the name has the same inode, the same
// first bytes (all of the head, for a banner of over headMax bytes) and
// at least the saved offset's bytes. Its bytes before the offset are no
// longer the ones delivered, so it was truncated: the copy's lines after
// the offset come first (decoded from a gzip or zstd copy, read from a
// plain one), then the file from its start. (With a banner longer than
// the head, the restart went on at the saved offset in the new content:
// the copy's unread lines and the file's first lines were lost.) When no
// copy is left, the file is read from its start all the same.
func TestResumeCopytruncateCompressedBanner(t *testing.T) {
	for _, banner := range []string{"# myapp 1.2.3 starting\n", "# " + strings.Repeat("B", headMax+100) + "\n", "# " + strings.Repeat("B", 5000) + "\n"} {
		for _, comp := range []compress.Compression{compress.Gzip, compress.Zstd, compress.None, -1} {
			name := comp.String()
			if comp < 0 {
				name = "copy gone"
			}
			t.Run(fmt.Sprintf("banner %d bytes, %s", len(banner), name), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
				write(t, p, banner+"a00 first\na01 first\n")
				if got := text(session(t, st, p, true)); got != banner+"a00 first\na01 first\n" {
					t.Fatalf("first run: %.300q", got)
				}
				appendTo(t, p, "a02 unread\na03 unread\n")
				copyFile(t, p, p+".1")
				write(t, p, banner+"b00 new file\nb01 new file\nb02 new file\nb03 new file\n")
				want := "a02 unread\na03 unread\n" + banner + "b00 new file\nb01 new file\nb02 new file\nb03 new file\n"
				switch comp {
				case compress.Gzip:
					compressFile(t, p+".1", p+".1.gz", comp)
				case compress.Zstd:
					compressFile(t, p+".1", p+".1.zst", comp)
				case compress.None:
				default:
					os.Remove(p + ".1")
					want = strings.TrimPrefix(want, "a02 unread\na03 unread\n")
				}
				if got := text(session(t, st, p, false)); got != want {
					t.Fatalf("got %.300q, want %.300q", got, want)
				}
				appendTo(t, p, "b04 after\n")
				if got := text(session(t, st, p, false)); got != "b04 after\n" {
					t.Fatalf("next run: %.300q, want b04", got)
				}
			})
		}
	}
}

// TestResumeVersion4State: a version 4 state file, which has no mark of
// the bytes before the offset, resumes as it did: at the offset of the
// same file, from the start of a truncated one.
func TestResumeVersion4State(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "a1\na2\n")
	session(t, st, p, true)
	toV4 := func() {
		b, err := os.ReadFile(st)
		if err != nil {
			t.Fatal(err)
		}
		v4 := regexp.MustCompile(`,"mark_len":\d+,"mark_sha256":"[0-9a-f]{64}"`).ReplaceAll(b, nil)
		v4 = regexp.MustCompile(` "watched_ns": \d+,`).ReplaceAll(v4, nil)
		v4 = bytes.Replace(v4, []byte(`"version": 6`), []byte(`"version": 4`), 1)
		if bytes.Equal(v4, b) || bytes.Contains(v4, []byte("mark")) {
			t.Fatalf("no mark to take out of %s", b)
		}
		write(t, st, string(v4))
	}
	toV4()
	appendTo(t, p, "a3\n")
	if got := text(session(t, st, p, false)); got != "a3\n" {
		t.Fatalf("appended: %q, want a3", got)
	}
	toV4()
	write(t, p, "b1\n")
	if got := text(session(t, st, p, false)); got != "b1\n" {
		t.Fatalf("truncated: %q, want b1", got)
	}
}

// compressFile compresses from into to with c and removes from.
func compressFile(t *testing.T, from, to string, c compress.Compression) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw, err := compress.NewWriter(&buf, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, to, buf.String())
	os.Remove(from)
}

// gzipFile compresses from into to and removes from (logrotate's compress).
func gzipFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	write(t, to, buf.String())
	os.Remove(from)
}

// TestResumeDeviceChanged: the same inode and first bytes under another
// device number (a remount, LVM, another container) continue where they
// stopped instead of replaying the file.
func TestResumeDeviceChanged(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	write(t, p, "one\ntwo\n")
	session(t, st, p, true)
	s, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	pos := s.Files[Key(p)]
	pos.Dev += 7
	s.Files[Key(p)] = pos
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	appendTo(t, p, "three\n")
	if got := text(session(t, st, p, true)); got != "three\n" {
		t.Fatalf("got %q, want only the new line", got)
	}
}

// TestResumeInsideLongLine: stopped while a line longer than MaxLine was
// being delivered in pieces, a restart continues with the rest of that
// line (as pieces) and then the next lines: every byte once.
func TestResumeInsideLongLine(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	long := strings.Repeat("x", 3000)
	write(t, p, "short\n"+long)
	cfg := Config{Files: []string{p}, FromStart: true, MaxLine: 1000}
	first := sessionCfg(t, st, cfg)
	if text(first) != "short\n"+long {
		t.Fatalf("first run: %d bytes", len(text(first)))
	}
	appendTo(t, p, "yyy\r\nnext\n")
	second := sessionCfg(t, st, cfg)
	if text(second) != "yyy\r\nnext\n" {
		t.Fatalf("second run: %q", text(second))
	}
	if second[1].Part != LastPiece || second[2].Part != Lines {
		t.Errorf("parts %v %v, want the rest of the long line, then lines", second[1].Part, second[2].Part)
	}
}

// TestParseStateInvalid: a state file that is not right is a clear error
// naming the entry and what is wrong, never a panic or a huge allocation.
func TestParseStateInvalid(t *testing.T) {
	const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	entry := func(fields string) string {
		return `{"version": 2, "files": {"/var/log/app.log": {` + fields + `}}}`
	}
	for _, c := range []struct{ name, in, want string }{
		{"negative offset", entry(`"dev":1,"ino":2,"offset":-5,"head_len":0,"head_sha256":""`), "offset -5 is negative"},
		{"negative head_len", entry(`"dev":1,"ino":2,"offset":10,"head_len":-1,"head_sha256":""`), "head_len -1 is not between 0 and 1024"},
		{"huge head_len", entry(`"dev":1,"ino":2,"offset":1e15,"head_len":9000000000000,"head_sha256":""`), "not an errtag state file"},
		{"head_len past 1024", entry(`"dev":1,"ino":2,"offset":5000,"head_len":5000,"head_sha256":"` + sha + `"`), "head_len 5000 is not between 0 and 1024"},
		{"head_len past offset", entry(`"dev":1,"ino":2,"offset":3,"head_len":4,"head_sha256":"` + sha + `"`), "head_len 4 is more than offset 3"},
		{"bad sha", entry(`"dev":1,"ino":2,"offset":4,"head_len":4,"head_sha256":"zz"`), "is not a hex SHA-256"},
		{"negative inode", entry(`"dev":1,"ino":-2,"offset":0,"head_len":0,"head_sha256":""`), "not an errtag state file"},
		{"unknown field", entry(`"dev":1,"ino":2,"offest":4`), `unknown field "offest"`},
		{"relative key", `{"version": 2, "files": {"app.log": {}}}`, `entry "app.log": not an absolute path`},
		{"relative pattern", `{"version": 2, "patterns": ["*.log"], "files": {}}`, `pattern "*.log": not an absolute pattern`},
		{"no version", `{"files": {}}`, "no version"},
		{"future version", `{"version": 7, "files": {}}`, "version 7"},
		{"watched before the epoch", `{"version": 6, "watched_ns": -1, "files": {}}`, "watched_ns"},
		{"mark too long", entry(`"dev":1,"ino":2,"offset":2000,"head_len":1024,"head_sha256":"` + sha + `","mark_len":1025,"mark_sha256":"` + sha + `"`), "mark_len 1025 is not between 0 and 1024"},
		{"mark past offset", entry(`"dev":1,"ino":2,"offset":4,"head_len":4,"head_sha256":"` + sha + `","mark_len":5,"mark_sha256":"` + sha + `"`), "mark_len 5 is more than offset 4"},
		{"mark sum without mark", entry(`"dev":1,"ino":2,"offset":4,"head_len":4,"head_sha256":"` + sha + `","mark_sha256":"` + sha + `"`), "mark_sha256 given for mark_len 0"},
		{"bad mark sum", entry(`"dev":1,"ino":2,"offset":4,"head_len":4,"head_sha256":"` + sha + `","mark_len":4,"mark_sha256":"xyz"`), "is not a hex SHA-256"},
		{"negative read offset", entry(`"dev":1,"ino":2,"offset":0,"head_len":0,"head_sha256":"","read":[{"dev":1,"ino":3,"offset":-1}]`), "offset -1 is negative"},
		{"read head without offset", entry(`"dev":1,"ino":2,"offset":0,"head_len":0,"head_sha256":"","read":[{"dev":1,"ino":3,"offset":0,"head":"0123456789abcdef"}]`), "does not fit offset 0"},
		{"read offset without head", entry(`"dev":1,"ino":2,"offset":0,"head_len":0,"head_sha256":"","read":[{"dev":1,"ino":3,"offset":9}]`), "does not fit offset 9"},
		{"bad read head", entry(`"dev":1,"ino":2,"offset":0,"head_len":0,"head_sha256":"","read":[{"dev":1,"ino":3,"offset":9,"head":"xyz"}]`), "is not 16 hex digits"},
		{"not an object", `[1,2]`, "not an errtag state file"},
		{"files not a map", `{"version": 2, "files": 7}`, "not an errtag state file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseState([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v, want an error saying %q", err, c.want)
			}
		})
	}
	// A version 1 file is read.
	s, err := ParseState([]byte(`{"version": 1, "files": {"/a.log": {"dev": 1, "ino": 2, "offset": 4, "head_len": 4, "head_sha256": "` + sha + `"}}}`))
	if err != nil || s.Files["/a.log"].Offset != 4 || s.Version != StateVersion {
		t.Errorf("version 1: %+v %v", s, err)
	}
	// A version 3 file (done, not read) is read.
	s, err = ParseState([]byte(`{"version": 3, "files": {"/a.log": {"dev": 1, "ino": 2, "offset": 4, "head_len": 4, "head_sha256": "` + sha + `", "done": [{"dev": 1, "ino": 3}]}}}`))
	if err != nil || len(s.Files["/a.log"].Done) != 1 || s.Version != StateVersion {
		t.Errorf("version 3: %+v %v", s, err)
	}
	// A version 4 file (no mark) is read.
	s, err = ParseState([]byte(`{"version": 4, "files": {"/a.log": {"dev": 1, "ino": 2, "offset": 4, "head_len": 4, "head_sha256": "` + sha + `"}}}`))
	if err != nil || s.Files["/a.log"].MarkLen != 0 || s.Version != StateVersion {
		t.Errorf("version 4: %+v %v", s, err)
	}
}

// FuzzParseState: any bytes give a state or an error, never a panic; a
// state that parses is written back to the same state.
func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"version": 2, "files": {"/var/log/a.log": {"dev":2049,"ino":12,"btime_ns":5,"offset":10,"head_len":10,"head_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","mtime_ns":7,"in_line":true,"done":[{"dev":1,"ino":2}]}}}`))
	f.Add([]byte(`{"version": 1, "files": {}}`))
	f.Add([]byte(`{"version": 5, "files": {"/a.log": {"dev":1,"ino":2,"offset":4,"head_len":4,"head_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","mark_len":4,"mark_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}}`))
	f.Add([]byte(`{"version": 4, "files": {"/a.log": {"dev":1,"ino":2,"offset":0,"head_len":0,"head_sha256":"","read":[{"dev":1,"ino":3,"btime_ns":4,"offset":9,"head":"0123456789abcdef"},{"dev":1,"ino":5,"offset":0,"unread":true}]}}}`))
	f.Add([]byte(`{"version": 2, "patterns": ["/var/log/*.log", "/x/[a-"], "files": {}}`))
	f.Add([]byte(`{"version": 2, "files": {"/x": {"offset": -1, "head_len": -9}}}`))
	f.Add([]byte(`{"version":2,"files":{"/x":{"head_len":1e300}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseState(b)
		if err != nil {
			return
		}
		for k, p := range s.Files {
			if err := p.validate(); err != nil || !filepath.IsAbs(k) {
				t.Fatalf("accepted %q: %+v (%v)", k, p, err)
			}
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseState(out)
		if err != nil {
			t.Fatalf("written state does not parse: %v\n%s", err, out)
		}
		if len(again.Files) != len(s.Files) || !slices.Equal(again.Patterns, s.Patterns) {
			t.Fatalf("round trip: %d entries, want %d", len(again.Files), len(s.Files))
		}
		for k, p := range s.Files {
			if q := again.Files[k]; q.Offset != p.Offset || q.HeadSHA256 != p.HeadSHA256 || q.Ino != p.Ino || len(q.Done) != len(p.Done) || !slices.Equal(q.Read, p.Read) {
				t.Fatalf("round trip of %q: %+v, want %+v", k, q, p)
			}
		}
	})
}

// TestStateManyFiles: a state of thousands of files saves atomically and
// loads back whole.
func TestStateManyFiles(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	s, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5000 {
		s.Files[fmt.Sprintf("/var/log/containers/pod-%05d.log", i)] = Position{Dev: 1, Ino: uint64(i + 1), Offset: int64(i), HeadLen: min(i, 1), HeadSHA256: map[bool]string{true: sum([]byte("x")), false: ""}[i > 0]}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Files) != 5000 || s.Files["/var/log/containers/pod-04999.log"].Offset != 4999 {
		t.Fatalf("%d entries", len(s.Files))
	}
}

// rotateWhileStopped rotates p as logrotate does, by rot: "rename",
// "copytruncate", either with "+gzip" (the copy compressed), or
// "delaycompress" (two renames, the older copy compressed: the first
// copy gets more lines, more, before its rotation). It returns what
// more it wrote.
func rotateWhileStopped(t *testing.T, p, rot, more string) string {
	t.Helper()
	base, gz := strings.CutSuffix(rot, "+gzip")
	switch base {
	case "rename":
		rename(t, p, p+".1")
	case "copytruncate":
		copyFile(t, p, p+".1")
		write(t, p, "")
	case "delaycompress":
		rename(t, p, p+".1")
		write(t, p, more)
		gzipFile(t, p+".1", p+".2.gz")
		rename(t, p, p+".1")
		return more
	default:
		t.Fatalf("rotation %q", rot)
	}
	if gz {
		gzipFile(t, p+".1", p+".1.gz")
	}
	return ""
}

// TestResumeAbsentRotatedWhileStopped: a file that did not exist at the
// stop (its zero Position saved) is created, written and rotated while
// errtag is stopped: at the restart its rotated copy, plain or compressed,
// is read whole before the file at the name. (The copy was taken for
// history: only the lines written after the rotation came.) A rotated copy
// there before the stop is history all the same.
func TestResumeAbsentRotatedWhileStopped(t *testing.T) {
	t.Parallel()
	for _, rot := range []string{"rename", "copytruncate", "copytruncate+gzip", "rename+gzip", "delaycompress"} {
		t.Run(rot, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			old := filepath.Join(dir, "app.log.9")
			write(t, old, "history\n")
			hourAgo := time.Now().Add(-time.Hour)
			if err := os.Chtimes(old, hourAgo, hourAgo); err != nil {
				t.Fatal(err)
			}
			if got := session(t, st, p, false); text(got) != "" || !slices.Equal(notesOf(got), []Note{Missing}) {
				t.Fatalf("first run: %q, notes %v", text(got), notesOf(got))
			}
			write(t, p, "a1\na2\n")
			more := rotateWhileStopped(t, p, rot, "b1\n")
			appendTo(t, p, "c1\n")
			want := "a1\na2\n" + more + "c1\n"
			if got := text(session(t, st, p, false)); got != want {
				t.Fatalf("restart: %q, want %q", got, want)
			}
			appendTo(t, p, "c2\n")
			if got := text(session(t, st, p, false)); got != "c2\n" {
				t.Fatalf("after: %q, want c2 (nothing read twice)", got)
			}
		})
	}
}

// TestResumeOffsetZeroRotatedWhileStopped: the file errtag stopped in was
// empty (offset 0: no first bytes recorded to recognise a copy of it by);
// written and rotated while stopped, plain or compressed, its copy holds
// nothing delivered, and is read (decoded) whole before the file at the
// name. (A compressed copy was said to be "not read", and its lines were
// lost.)
func TestResumeOffsetZeroRotatedWhileStopped(t *testing.T) {
	t.Parallel()
	for _, rot := range []string{"rename", "copytruncate", "copytruncate+gzip", "rename+gzip", "delaycompress"} {
		t.Run(rot, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			write(t, p, "")
			if got := session(t, st, p, false); text(got) != "" {
				t.Fatalf("first run: %q", text(got))
			}
			appendTo(t, p, "a1\na2\n")
			more := rotateWhileStopped(t, p, rot, "b1\n")
			appendTo(t, p, "c1\n")
			want := "a1\na2\n" + more + "c1\n"
			got := session(t, st, p, false)
			if text(got) != want {
				t.Fatalf("restart: %q, want %q", text(got), want)
			}
			for _, c := range got {
				if c.Note == Skipped {
					t.Errorf("%s reported skipped, but it was read", c.Path)
				}
			}
			appendTo(t, p, "c2\n")
			if got := text(session(t, st, p, false)); got != "c2\n" {
				t.Fatalf("after: %q, want c2 (nothing read twice)", got)
			}
		})
	}
}
