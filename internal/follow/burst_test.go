package follow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCopytruncateBurst: a file that appears and is copytruncated ten times
// in a burst (logrotate's shift to app.log.N+1, copy to app.log.1,
// truncate, 20 more lines) comes out whole and in order, whenever in the
// burst the follower first looks: before, between or after any shift,
// copy, truncation or write; and with every file stamped in one tick of
// the file clock. The live file, created before every copy, was read
// before the copies of its older lines (or they were skipped as older
// than it: 140 of 220 lost, red team); copies that one tick could not
// order were ordered by stale names (a pinned copy keeps shifting).
func TestCopytruncateBurst(t *testing.T) {
	const rotations, lines = 10, 20
	for look := 0; look <= 4*rotations; look++ {
		for _, oneTick := range []bool{false, true} {
			t.Run(fmt.Sprintf("look%d/oneTick=%v", look, oneTick), func(t *testing.T) {
				dir := t.TempDir()
				p := filepath.Join(dir, "app.log")
				s := startManual(t, Config{Files: []string{filepath.Join(dir, "*.log")}})
				stamp := fsNow()
				s.settle(t)
				touch := func(path string) {
					if oneTick {
						os.Chtimes(path, stamp, stamp)
					}
				}
				var got, want strings.Builder
				step := 0
				maybeLook := func() {
					if step == look {
						got.WriteString(text(s.settle(t)))
					}
					step++
				}
				seq := 0
				for g := 0; g <= rotations; g++ {
					if g > 0 {
						for k := g - 1; k >= 1; k-- {
							rename(t, fmt.Sprintf("%s.%d", p, k), fmt.Sprintf("%s.%d", p, k+1))
						}
						maybeLook()
						b, err := os.ReadFile(p)
						if err != nil {
							t.Fatal(err)
						}
						write(t, p+".1", string(b))
						touch(p + ".1")
						maybeLook()
						if err := os.Truncate(p, 0); err != nil {
							t.Fatal(err)
						}
						touch(p)
						maybeLook()
					}
					var chunk strings.Builder
					for range lines {
						fmt.Fprintf(&chunk, "app:%d\n", seq)
						seq++
					}
					appendTo(t, p, chunk.String())
					touch(p)
					want.WriteString(chunk.String())
					maybeLook()
				}
				got.WriteString(text(s.settle(t)))
				if got.String() != want.String() {
					t.Errorf("read, as runs of line numbers: %s; want 0-%d", runs(got.String()), seq-1)
				}
			})
		}
	}
}

// runs sums up lines "app:N" as runs of consecutive N ("0-19 40-59 20-39").
func runs(text string) string {
	var nums []int
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var n int
		fmt.Sscanf(l, "app:%d", &n)
		nums = append(nums, n)
	}
	var out []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		out = append(out, fmt.Sprintf("%d-%d", nums[i], nums[j]))
		i = j + 1
	}
	return strings.Join(out, " ")
}

// TestNumbersByTime: how numbered copies are named, told by those their
// creation times order.
func TestNumbersByTime(t *testing.T) {
	copyAt := func(name string, btime int64) *gen {
		return &gen{path: "/d/" + name, id: FileID{BTime: btime}}
	}
	for _, c := range []struct {
		name string
		gens []*gen
		want int
	}{
		{"shifted", []*gen{copyAt("app.log.1", 30), copyAt("app.log.2", 20), copyAt("app.log.3", 20)}, -1},
		{"counting up", []*gen{copyAt("app.log.1", 10), copyAt("app.log.2", 20), copyAt("app.log.3", 20)}, 1},
		{"one tick", []*gen{copyAt("app.log.1", 10), copyAt("app.log.2", 10)}, 0},
		{"disagree", []*gen{copyAt("app.log.1", 10), copyAt("app.log.2", 20), copyAt("app.log.3", 5)}, 0},
		{"extension shift", []*gen{copyAt("app.1.log", 9), copyAt("app.2.log", 8)}, -1},
		{"dated (a date counts up)", []*gen{copyAt("app.log-20240501", 1), copyAt("app.log-20240502", 2)}, 1},
	} {
		if got := numbersByTime("app.log", c.gens); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestResumePatternNameGone: with a pattern that matches the rotated names
// too (*.log and app.1.log), a restart that finds the file errtag stopped
// in rotated away and no file at its name yet (logrotate's nocreate, or a
// writer that has not written since) reads nothing again: the rotated
// generations are the saved file's, not files that appeared while errtag
// was stopped (they were read again whole, newest first; red team).
func TestResumePatternNameGone(t *testing.T) {
	for name, rotate := range extensionSchemes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
			cfg := Config{Files: []string{filepath.Join(dir, "*.log")}}
			write(t, p, "g0 a\n")
			first := cfg
			first.FromStart = true
			if got := text(sessionCfg(t, st, first)); got != "g0 a\n" {
				t.Fatalf("first run: %q", got)
			}
			rotate(p, 1)
			write(t, p, "g1\n")
			if got := text(sessionCfg(t, st, cfg)); got != "g1\n" {
				t.Fatalf("after a rotation while stopped: %q, want %q", got, "g1\n")
			}
			rotate(p, 2) // and no new file at the name
			if got := text(sessionCfg(t, st, cfg)); got != "" {
				t.Fatalf("after a rotation with no new file while stopped: %q, want nothing", got)
			}
			write(t, p, "g2\n")
			if got := text(sessionCfg(t, st, cfg)); got != "g2\n" {
				t.Fatalf("once the name has a file again: %q, want %q", got, "g2\n")
			}
		})
	}
}

// TestResumePatternUnseenFile: a file created while errtag ran, rotated
// and created again before errtag saw it (a run stopped right after its
// start, or a file created just before the stop), is read whole at the
// restart, its rotated copy first: its copies were modified before the
// state was saved, and were taken for history (red team: whole first
// generations of new files lost over fast restarts).
func TestResumePatternUnseenFile(t *testing.T) {
	dir := t.TempDir()
	p, st := filepath.Join(dir, "app.log"), filepath.Join(dir, "state.json")
	cfg := Config{Files: []string{filepath.Join(dir, "*.log")}}
	if got := text(sessionCfg(t, st, cfg)); got != "" {
		t.Fatalf("first run: %q", got)
	}
	state, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	watched, saved := time.Unix(0, state.Watched), state.SavedAt()
	state.Close()
	if state.Watched == 0 || !watched.Before(saved) {
		t.Fatalf("Watched %v, saved at %v: want a time before the save", watched, saved)
	}
	// Written during the first run, after its look at the pattern, and
	// not seen by it.
	during := watched.Add(saved.Sub(watched) / 2)
	write(t, p, "g0\n")
	rename(t, p, p+".1")
	if err := os.Chtimes(p+".1", during, during); err != nil {
		t.Fatal(err)
	}
	write(t, p, "g1\n")
	if got := text(sessionCfg(t, st, cfg)); got != "g0\ng1\n" {
		t.Fatalf("restart: %q, want %q", got, "g0\ng1\n")
	}
}
