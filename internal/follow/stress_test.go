package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

const stressLines = 20000

// record is line i as the stress writers write it. A record is complete
// only with its closing '>', so a fragment (a line cut by copytruncate) is
// not counted as the line.
func record(i int) string { return fmt.Sprintf("<L%06d:abcdefghijklmnopqrstuvwxyz>\n", i) }

var recordRE = regexp.MustCompile(`<L(\d{6}):abcdefghijklmnopqrstuvwxyz>\n`)

// records lists the complete records in s, in order.
func records(s string) []int {
	var out []int
	for _, m := range recordRE.FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

// waitRecord waits until the record last appears in c's text for p.
func waitRecord(t *testing.T, c *collector, p string, last int) string {
	t.Helper()
	end := time.Now().Add(deadline)
	want := record(last)
	for {
		got := c.text(p)
		if len(got) >= len(want) && got[len(got)-len(want):] == want {
			return got
		}
		if time.Now().After(end) {
			recs := records(got)
			t.Fatalf("record %d not delivered within %v; %d records delivered", last, deadline, len(recs))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStressRenameRotation writes numbered lines as fast as it can through
// rename-and-create rotations, some of them back to back (a generation
// lives for a few lines only, and may come and go between two looks), with
// lines written in two pieces, and with the writer going on in the old file
// for a while after the new one was created. Every line must come exactly
// once, in order.
func TestStressRenameRotation(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	c := start(t, Config{Files: []string{p}})
	waitOpened(t, c)

	rotateAt := map[int]bool{}
	for _, at := range []int{3000, 3003, 3005, 7000, 11000, 11001, 15000, 19990} {
		rotateAt[at] = true
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	gen := 0
	var old *os.File // the previous file, still written for a few lines
	for i := 0; i < stressLines; i++ {
		if rotateAt[i] {
			gen++
			rename(t, p, fmt.Sprintf("%s.%d", p, gen))
			nf, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				// Like a writer that reopens only on its next
				// flush: a few more lines go to the old file.
				old, f = f, nf
			} else {
				f.Close()
				f = nf
			}
		}
		w := f
		if old != nil {
			w = old
		}
		r := record(i)
		if i%7 == 0 {
			w.WriteString(r[:10])
			w.WriteString(r[10:])
		} else {
			w.WriteString(r)
		}
		if old != nil && i%3 == 0 {
			old.Close()
			old = nil
		}
	}
	if old != nil {
		old.Close()
	}
	f.Close()

	got := records(waitRecord(t, c, p, stressLines-1))
	if len(got) != stressLines {
		t.Errorf("%d records delivered, want %d", len(got), stressLines)
	}
	for i, n := range got {
		if n != i {
			t.Fatalf("record %d is L%06d: lost, repeated or out of order", i, n)
		}
	}
	if text := c.text(p); len(text) != stressLines*len(record(0)) {
		t.Errorf("%d bytes delivered, want %d (fragments or garbage)", len(text), stressLines*len(record(0)))
	}
	rot := 0
	for _, n := range c.notes(p) {
		if n == Rotated {
			rot++
		}
	}
	t.Logf("%d rotations written, %d switches seen (the rest were found as missed generations)", gen, rot)
	if e := c.errs(); len(e) > 0 {
		t.Errorf("errors: %v", e)
	}
}

// TestStressCopytruncate writes numbered lines as fast as it can while
// another goroutine copytruncates the file (copy to app.log.N, then truncate)
// several times. copytruncate loses, by itself, the lines written between
// its copy and its truncation: they are in no file. The test measures that
// loss and requires of the follower that every line some file still holds
// comes exactly once, and that every line it delivers is one that was
// written, once.
func TestStressCopytruncate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.log")
	write(t, p, "")
	c := start(t, Config{Files: []string{p}})
	waitOpened(t, c)

	const rotations = 6
	// Each copytruncate comes a fixed number of lines after the end of
	// the one before, so that every generation has lines.
	const gap = stressLines / (rotations + 2)
	var written atomic.Int64 // lines whose write has returned
	type window struct{ lo, hi int64 }
	windows := make(chan window, rotations)
	writerDone := make(chan struct{})
	go func() {
		defer close(windows)
		next := int64(gap)
		for k := 1; k <= rotations; k++ {
			for written.Load() < next {
				select {
				case <-writerDone:
					return
				case <-time.After(100 * time.Microsecond):
				}
			}
			lo := written.Load()
			b, err := os.ReadFile(p)
			if err != nil {
				panic(err)
			}
			if err := os.WriteFile(fmt.Sprintf("%s.%d", p, k), b, 0o644); err != nil {
				panic(err)
			}
			if err := os.Truncate(p, 0); err != nil {
				panic(err)
			}
			hi := written.Load()
			windows <- window{lo, hi}
			next = hi + gap
		}
	}()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < stressLines; i++ {
		f.WriteString(record(i))
		written.Add(1)
		if i%20 == 0 {
			// A fast writer, but not so fast that a copy of a few
			// hundred kilobytes spans most of the test.
			time.Sleep(50 * time.Microsecond)
		}
	}
	f.Close()
	close(writerDone)
	var risky []window
	for w := range windows {
		risky = append(risky, w)
	}
	atRisk := func(i int) bool {
		for _, w := range risky {
			if int64(i) >= w.lo && int64(i) <= w.hi {
				return true
			}
		}
		return false
	}

	// What the files hold, copies and the live file.
	inFiles := map[int]bool{}
	for k := 0; k <= len(risky); k++ {
		name := p
		if k > 0 {
			name = fmt.Sprintf("%s.%d", p, k)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range records(string(b)) {
			inFiles[n] = true
		}
	}
	got := records(waitRecord(t, c, p, stressLines-1))
	seen := map[int]int{}
	for _, n := range got {
		seen[n]++
	}
	lostByRotation, lostByFollower, readBeforeTruncate, nRisk := 0, 0, 0, 0
	for i := 0; i < stressLines; i++ {
		if atRisk(i) {
			nRisk++
		}
		if seen[i] > 1 {
			t.Errorf("L%06d delivered %d times", i, seen[i])
		}
		switch {
		case !inFiles[i] && !atRisk(i):
			t.Errorf("L%06d is in no file but was not written during a copytruncate", i)
		case !inFiles[i] && seen[i] == 0:
			lostByRotation++
		case !inFiles[i]:
			readBeforeTruncate++
		case seen[i] == 0:
			lostByFollower++
			t.Errorf("L%06d is in a file but was not delivered", i)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Errorf("out of order: L%06d after L%06d", got[i], got[i-1])
			break
		}
	}
	t.Logf("copytruncate x%d over %d lines: %d lines written between a copy and its truncation; "+
		"%d of them are in no file (copytruncate's own loss): the follower had read %d before the truncation, %d are lost; "+
		"lines a file holds that the follower did not deliver: %d",
		len(risky), stressLines, nRisk, lostByRotation+readBeforeTruncate, readBeforeTruncate, lostByRotation, lostByFollower)
	truncs := 0
	for _, n := range c.notes(p) {
		if n == Truncated {
			truncs++
		}
	}
	if truncs != len(risky) || len(risky) < 3 {
		t.Errorf("%d truncations seen, %d made (want at least 3)", truncs, len(risky))
	}
}
