//go:build linux

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFollowPattern500: errtag -f 'dir/*.log' follows 500 files that appear
// and disappear over time (some rotated on the way): every line once and in
// order per file, each with its own file name (-H); deleted files are
// released, so descriptors and memory stay bounded.
func TestFollowPattern500(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pat := filepath.Join(dir, "*.log")
	r := startBG(t, "-f", "-H", "--exclude", "skip-*", pat)
	r.waitFor(t, "the start", func(_, e string) bool { return strings.Contains(e, "matches no file yet") })
	pid := r.cmd.Process.Pid
	base := countFDs(pid)

	const waves, perWave, lines = 25, 20, 12
	name := func(f int) string { return filepath.Join(dir, fmt.Sprintf("f%03d.log", f)) }
	next := map[int]int{} // next record of each file
	write := func(f, k int) {
		var b strings.Builder
		for range k {
			b.WriteString(rec(fmt.Sprintf("f%03d", f), next[f]))
			next[f]++
		}
		appendFile(t, name(f), b.String())
	}
	maxFDs := 0
	for w := range waves {
		for i := range perWave {
			write(w*perWave+i, lines/3)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("skip-%d.log", w)), []byte(rec("skip", w)), 0o644)
		for i := range perWave {
			f := w*perWave + i
			write(f, lines/3)
			if f%5 == 0 { // rotated by rename, a new file created
				os.Rename(name(f), name(f)+".1")
			}
			write(f, lines-2*(lines/3))
		}
		if w >= 2 {
			// Pods go away once their logs were shipped: the files
			// of wave w-2 are deleted once wave w-1 was read (while
			// wave w is being read).
			var last []string
			for i := range perWave {
				last = append(last, rec(fmt.Sprintf("f%03d", (w-1)*perWave+i), lines-1))
			}
			r.waitAll(t, last)
			for i := range perWave {
				f := (w-2)*perWave + i
				os.Remove(name(f))
				os.Remove(name(f) + ".1")
			}
		}
		if n := countFDs(pid); n > maxFDs {
			maxFDs = n
		}
	}
	waitRecords(t, r, waves*perWave*lines, func(out string) string {
		seen := map[string]int{}
		for _, m := range regexp.MustCompile(`<(f\d{3}):L`).FindAllStringSubmatch(out, -1) {
			seen[m[1]]++
		}
		var short []string
		for f := range waves * perWave {
			if n := seen[fmt.Sprintf("f%03d", f)]; n != lines {
				short = append(short, fmt.Sprintf("f%03d:%d", f, n))
			}
		}
		return fmt.Sprintf("files with other than %d records: %v", lines, short)
	})
	for f := (waves - 2) * perWave; f < waves*perWave; f++ {
		os.Remove(name(f))
		os.Remove(name(f) + ".1")
	}
	// Deleted files are released once read and idle (2 s).
	end := time.Now().Add(20 * time.Second)
	for countFDs(pid) > base && time.Now().Before(end) {
		time.Sleep(20 * time.Millisecond)
	}
	fdsAtEnd := countFDs(pid)
	hwm := peakRSS(pid)
	r.stop(t, syscall.SIGTERM)

	out := r.output()
	lineRE := regexp.MustCompile(`(?m)^(.*):<(f\d{3}|skip):L(\d{7}):abcdefghijklmnopqrstuvwxyz>$`)
	per := map[string][]int{}
	for _, m := range lineRE.FindAllStringSubmatch(out, -1) {
		if m[2] == "skip" {
			t.Fatalf("an excluded file was followed: %q", m[0])
		}
		if filepath.Base(m[1]) != m[2]+".log" {
			t.Errorf("line of %s named %s", m[2], m[1])
		}
		n, _ := strconv.Atoi(m[3])
		per[m[2]] = append(per[m[2]], n)
	}
	if got := len(per); got != waves*perWave {
		t.Errorf("%d files seen, want %d", got, waves*perWave)
	}
	for f := range waves * perWave {
		got := per[fmt.Sprintf("f%03d", f)]
		for i, n := range got {
			if n != i {
				t.Fatalf("f%03d: record %d is L%07d: lost, repeated or out of order", f, i, n)
			}
		}
		if len(got) != lines {
			t.Errorf("f%03d: %d records, want %d", f, len(got), lines)
		}
	}
	if strings.Count(out, "\n") != waves*perWave*lines {
		t.Errorf("%d lines out, want %d", strings.Count(out, "\n"), waves*perWave*lines)
	}
	t.Logf("descriptors: at most %d while files came and went, %d at the end; peak RSS %d MiB", maxFDs, fdsAtEnd, hwm>>20)
	if fdsAtEnd > base {
		t.Errorf("%d descriptors open after every file was deleted, %d before any: not released", fdsAtEnd, base)
	}
	// One per generation at most (files deleted less than 2 s ago, and
	// rotated ones read on for 5 s, included), and a few for a moment: a
	// directory being listed, a file opened to check it is the one listed
	// before it is kept. A notification or a look at the directory leaves
	// none behind (fdsAtEnd above).
	const transient = 8
	if gens := waves*perWave + waves*perWave/5; maxFDs > base+gens+transient {
		t.Errorf("%d descriptors open at once for %d generations", maxFDs, gens)
	}
	if hwm > 100<<20 && os.Getenv("ERRTAG_E2E_RACE") == "" {
		t.Errorf("peak RSS %d MiB", hwm>>20)
	}
}

// waitRecords waits until n lines were written out; on a timeout it fails
// with what describe says of the output (which records are missing).
func waitRecords(t *testing.T, r *bgRun, n int, describe func(out string) string) {
	t.Helper()
	end := time.Now().Add(patience(15 * time.Second))
	for strings.Count(r.output(), "\n") < n {
		if time.Now().After(end) {
			out := r.output()
			t.Fatalf("%d of %d lines out; %s; stderr %q", strings.Count(out, "\n"), n, describe(out), r.errors())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitAll waits until every one of needles was written out.
func (r *bgRun) waitAll(t *testing.T, needles []string) {
	t.Helper()
	from := 0
	end := time.Now().Add(patience(15 * time.Second))
	for len(needles) > 0 {
		out := r.output()
		window := out[max(0, from-200):]
		rest := needles[:0]
		for _, n := range needles {
			if !strings.Contains(window, n) {
				rest = append(rest, n)
			}
		}
		needles, from = rest, len(out)
		if len(needles) == 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%d records never came, the first %q", len(needles), needles[0])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countFDs counts the descriptors process pid has open (0 without /proc).
func countFDs(pid int) int {
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0
	}
	return len(es)
}

// TestFollowLongLineBounded: an unterminated line of 96 MiB, and a sparse
// hole of NULs left by a copytruncate under a writer without O_APPEND, go
// through follow mode in pieces: memory stays bounded (as --max-line bounds
// batch mode), and the lines after them come annotated.
func TestFollowLongLineBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	w, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644) // no O_APPEND
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// --from-start: the file is empty, and the writer need not wait for
	// errtag to have taken its starting point after opening it.
	r := startBG(t, "-f", "--from-start", "--max-line", "65536", p)
	waitForFD(t, r.cmd.Process.Pid, p)
	// A line, then a hole, of size MiB each: held whole, either would
	// take more memory than the whole run is allowed.
	size := 40
	if large() {
		size = 96
	} else if os.Getenv("ERRTAG_E2E_RACE") != "" {
		size = 24 // the race detector's errtag is slow; memory is not measured under it
	}
	chunk := []byte(strings.Repeat("x", 1<<20))
	for range size {
		w.Write(chunk)
	}
	w.WriteString("\n" + errLine + "\n")
	r.waitFor(t, "the line after the long one", func(out, _ string) bool { return strings.HasSuffix(out, "\"\n") })
	// copytruncate: the writer goes on at its offset, past a hole.
	os.Truncate(p, 0)
	w.WriteString(errLine + "\n")
	r.waitFor(t, "the line after the hole", func(out, _ string) bool { return strings.Count(out, "errtag.code=-1401") == 2 })
	hwm := peakRSS(r.cmd.Process.Pid)
	r.stop(t, syscall.SIGTERM)
	out := r.output()
	if !strings.HasPrefix(out, string(chunk[:100])) || strings.Count(out, "\n") != 3 {
		t.Errorf("output: %d bytes, %d lines", len(out), strings.Count(out, "\n"))
	}
	t.Logf("peak RSS %d MiB", hwm>>20)
	if hwm > int64(size)<<20 && os.Getenv("ERRTAG_E2E_RACE") == "" {
		t.Errorf("peak RSS %d MiB for a %d MiB line and a %d MiB hole", hwm>>20, size, size)
	}
}
