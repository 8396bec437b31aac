package follow

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLongLineInPieces: a line longer than MaxLine is delivered in pieces
// as it arrives, not held until its newline; its last piece carries the
// terminator (a CR at the end of a piece waits for what follows it).
func TestLongLineInPieces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}, MaxLine: 1000})
	s.settle(t)
	appendTo(t, p, "short\n"+strings.Repeat("a", 2500)+"\r")
	got := s.settle(t)
	if text(got) != "short\n"+strings.Repeat("a", 2500) {
		t.Fatalf("before the newline: %q", text(got))
	}
	if last := got[len(got)-1]; last.Part != Piece || !last.Pos.InLine {
		t.Errorf("last chunk %v in line %v, want a piece inside the line", last.Part, last.Pos.InLine)
	}
	appendTo(t, p, "\nnext\n")
	got = s.settle(t)
	if text(got) != "\r\nnext\n" || got[0].Part != LastPiece || got[1].Part != Lines || got[1].Pos.InLine {
		t.Fatalf("after the newline: %q %+v", text(got), got)
	}
}

// TestUnterminatedLineMemory: a line of 16 MiB without a newline is never
// held whole: no chunk is larger than MaxLine plus one read.
func TestUnterminatedLineMemory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	const maxLine = 64 << 10
	c := start(t, Config{Files: []string{p}, MaxLine: maxLine})
	waitOpened(t, c)
	chunk := strings.Repeat("z", 1<<20)
	for range 16 {
		appendTo(t, p, chunk)
	}
	appendTo(t, p, "\nafter\n")
	c.waitText(t, p, strings.Repeat(chunk, 16)+"\nafter\n")
	for _, ch := range c.all() {
		if len(ch.Data) > maxLine+readSize {
			t.Fatalf("a chunk of %d bytes: the line was held", len(ch.Data))
		}
	}
}

// TestSparseHole: copytruncate under a writer without O_APPEND: the writer
// goes on at its old offset, leaving a hole at the start of the file (read
// as NUL bytes; tail -F writes them out). The hole, never written, is
// skipped and reported (a Hole note), and the lines after it come as
// lines, not glued to megabytes of NULs.
func TestSparseHole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	w, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	c := start(t, Config{Files: []string{p}, MaxLine: 4096})
	waitOpened(t, c)
	w.WriteString("before\n")
	c.waitText(t, p, "before\n")
	copyFile(t, p, p+".1")
	os.Truncate(p, 0)
	w.Seek(8<<20+100, 0) // where the writer was, as if it had written 8 MiB
	w.WriteString("after the hole\nnext\n")
	c.waitText(t, p, "before\nafter the hole\nnext\n")
	var hole int64
	for _, ch := range c.all() {
		if ch.Note == Hole {
			hole += ch.Size
		}
	}
	if hole != 8<<20+100-int64(len("before\n")) && hole != 8<<20+100 {
		t.Errorf("hole notes add up to %d bytes, want the %d before the data", hole, 8<<20+100)
	}
}

// gzipped is s gzip-compressed.
func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// TestCompressedGenerationSkipped: a generation that is compressed (a
// rotation that put a .gz file at the name) is not delivered as log lines:
// it is reported, and the next generation is followed.
func TestCompressedGenerationSkipped(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.log")
	write(t, p, "")
	s := startManual(t, Config{Files: []string{p}})
	s.settle(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("compressed line\n"))
	zw.Close()
	os.Remove(p)
	write(t, p, gz.String())
	got := s.settle(t)
	if text(got) != "" || !slices.Contains(notesOf(got), Skipped) {
		t.Fatalf("got %q notes %v, want nothing and a skipped note", text(got), notesOf(got))
	}
	os.Remove(p)
	write(t, p, "plain again\n")
	if got := text(s.settle(t)); got != "plain again\n" {
		t.Fatalf("got %q", got)
	}
}

// TestHeldLinesBounded: unfinished last lines held over many files add up
// to at most MaxHeld: past it, the longest goes out in pieces (as a line
// longer than MaxLine does), so memory does not grow with the number of
// files times MaxLine. Every byte still comes, once and in order per file.
func TestHeldLinesBounded(t *testing.T) {
	dir := t.TempDir()
	const files, partial, maxLine = 8, 700, 1000
	var names []string
	for i := range files {
		p := filepath.Join(dir, string(rune('a'+i))+".log")
		write(t, p, "")
		names = append(names, p)
	}
	s := startManual(t, Config{Files: names, MaxLine: maxLine, MaxHeld: maxLine})
	s.settle(t)
	for i, p := range names {
		appendTo(t, p, strings.Repeat(string(rune('a'+i)), partial))
	}
	got := s.settle(t)
	// What was written and not delivered is held.
	if held := files*partial - len(text(got)); held > maxLine {
		t.Errorf("%d bytes of unfinished lines held, want at most %d", held, maxLine)
	}
	pieces := 0
	for _, c := range got {
		if c.Part == Piece {
			pieces++
			if !c.Pos.InLine {
				t.Errorf("a piece whose Position is not inside the line: %+v", c.Pos)
			}
		}
	}
	if pieces < files-1 {
		t.Errorf("%d pieces delivered early, want at least %d", pieces, files-1)
	}
	for _, p := range names {
		appendTo(t, p, "\nnext\n")
	}
	got = append(got, s.settle(t)...)
	for i, p := range names {
		var b strings.Builder
		for _, c := range got {
			if c.Source == p {
				b.Write(c.Data)
			}
		}
		if want := strings.Repeat(string(rune('a'+i)), partial) + "\nnext\n"; b.String() != want {
			t.Errorf("%s: got %q, want %q", p, b.String(), want)
		}
	}
}
