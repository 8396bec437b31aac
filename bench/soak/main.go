// Command soak attacks errtag's follow mode for as long as it is told and
// checks that every line came out exactly once and in order:
//
//	go run ./bench/soak -duration 10m
//
// While it runs:
//   - a fast writer appends to rename.log and rotates it by rename (to
//     rename.log.N), another appends to copy.log, which is rotated by
//     copytruncate (to copy.log-N); the oldest rotated files are deleted;
//   - pods/*.log files appear, are written for a while, stop, and are
//     deleted later (Kubernetes pod churn);
//   - errtag -f --state follows the two files and the pattern; its output
//     is read by a deliberately slow reader (small reads, long pauses);
//   - errtag is stopped every few tens of seconds, by SIGTERM or by
//     SIGKILL, left stopped for a moment while the writers go on, and
//     started again with the same --state.
//
// At the end the writers stop, errtag catches up and is stopped, and every
// stream of records is checked: all present; in order within each run of
// errtag; a run may start again before where the previous one ended only
// after a SIGKILL (what was written after the last saved state is written
// again: at least once), never after a SIGTERM; no record lost.
//
// copytruncate loses, by itself, the lines written between its copy and its
// truncation; the soak's writer pauses while it copies and truncates, so
// that every loss found is errtag's. Files are deleted only long after they
// were written (longer than errtag is ever stopped), so that every line was
// readable when errtag ran.
//
// It reports the records, restarts, repeats after SIGKILL, errtag's peak
// resident memory and descriptors, and exits non-zero on any violation.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	duration := flag.Duration("duration", 2*time.Minute, "how long to attack")
	bin := flag.String("errtag", "", "errtag binary (default: built from this module)")
	dirFlag := flag.String("dir", "", "work directory (default: a new temporary one, removed at the end)")
	pods := flag.Int("pods", 40, "pod log files alive at once")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	flag.Parse()
	if err := run(*duration, *bin, *dirFlag, *pods, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// rec is record i of stream s: a line errtag passes through unchanged.
func rec(s string, i int) string {
	return fmt.Sprintf("<%s:L%09d:the quick brown fox jumps over the lazy dog>\n", s, i)
}

var recRE = regexp.MustCompile(`<([a-z0-9-]+):L(\d{9}):the quick brown fox jumps over the lazy dog>`)

type soak struct {
	dir   string
	rnd   *rand.Rand
	mu    sync.Mutex // for rnd and written
	wrote map[string]int
	stop  chan struct{}
	wg    sync.WaitGroup
	// deleted counts rotated and pod files deleted.
	deleted atomic.Int64
	rotated atomic.Int64
}

func (s *soak) intn(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rnd.IntN(n)
}

func (s *soak) setWrote(stream string, n int) {
	s.mu.Lock()
	s.wrote[stream] = n
	s.mu.Unlock()
}

func (s *soak) stopped() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// sleep waits d, or less if the soak is stopping.
func (s *soak) sleep(d time.Duration) {
	select {
	case <-s.stop:
	case <-time.After(d):
	}
}

// deleteOld deletes rotated files older than keep.
func (s *soak) deleteOld(glob string, keep time.Duration) {
	ms, _ := filepath.Glob(glob)
	for _, m := range ms {
		if fi, err := os.Stat(m); err == nil && time.Since(fi.ModTime()) > keep {
			if os.Remove(m) == nil {
				s.deleted.Add(1)
			}
		}
	}
}

// renameWriter writes to rename.log in bursts and rotates it by rename.
func (s *soak) renameWriter() {
	defer s.wg.Done()
	p := filepath.Join(s.dir, "rename.log")
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	w := bufio.NewWriterSize(f, 64<<10)
	i, gen := 0, 0
	next := 2000 + s.intn(20000)
	for !s.stopped() {
		for range 50 + s.intn(450) {
			w.WriteString(rec("rename", i))
			i++
		}
		w.Flush()
		s.setWrote("rename", i)
		if i >= next {
			f.Close()
			gen++
			os.Rename(p, fmt.Sprintf("%s.%d", p, gen))
			s.rotated.Add(1)
			f, _ = os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			w.Reset(f)
			next = i + 2000 + s.intn(20000)
			s.deleteOld(p+".*", 30*time.Second)
		}
		s.sleep(time.Duration(10+s.intn(30)) * time.Millisecond)
	}
	w.Flush()
	f.Close()
}

// copyWriter writes to copy.log; every so often it copies and truncates
// the file (copytruncate), pausing its writes meanwhile.
func (s *soak) copyWriter() {
	defer s.wg.Done()
	p := filepath.Join(s.dir, "copy.log")
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	i, gen := 0, 0
	next := 2000 + s.intn(15000)
	var b strings.Builder
	for !s.stopped() {
		b.Reset()
		for range 20 + s.intn(280) {
			b.WriteString(rec("copy", i))
			i++
		}
		f.WriteString(b.String())
		s.setWrote("copy", i)
		if i >= next {
			gen++
			data, _ := os.ReadFile(p)
			os.WriteFile(fmt.Sprintf("%s-%06d", p, gen), data, 0o644)
			os.Truncate(p, 0)
			s.rotated.Add(1)
			next = i + 2000 + s.intn(15000)
			s.deleteOld(p+"-*", 30*time.Second)
		}
		s.sleep(time.Duration(10+s.intn(30)) * time.Millisecond)
	}
	f.Close()
}

// podChurn keeps about n pod log files alive: each is written for a few
// seconds, then left, then deleted.
func (s *soak) podChurn(n int) {
	defer s.wg.Done()
	dir := filepath.Join(s.dir, "pods")
	type pod struct {
		name    string
		f       *os.File
		i       int
		until   time.Time // writes until
		deleted time.Time // deleted at
	}
	var live []*pod
	id := 0
	for !s.stopped() {
		for len(live) < n {
			name := fmt.Sprintf("pod-%05d", id)
			id++
			f, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			if err != nil {
				continue
			}
			life := time.Duration(2+s.intn(10)) * time.Second
			live = append(live, &pod{name: name, f: f, until: time.Now().Add(life), deleted: time.Now().Add(life + 15*time.Second)})
		}
		rest := live[:0]
		for _, p := range live {
			now := time.Now()
			switch {
			case now.After(p.deleted):
				os.Remove(filepath.Join(dir, p.name+".log"))
				s.deleted.Add(1)
				continue
			case now.Before(p.until):
				for range 1 + s.intn(5) {
					p.f.WriteString(rec(p.name, p.i))
					p.i++
				}
				s.setWrote(p.name, p.i)
			case p.f != nil:
				p.f.Close()
				p.f = nil
			}
			rest = append(rest, p)
		}
		live = rest
		// a file that must not be followed
		if s.intn(50) == 0 {
			os.WriteFile(filepath.Join(dir, "ignored.tmp"), []byte(rec("ignored", 0)), 0o644)
		}
		s.sleep(20 * time.Millisecond)
	}
	for _, p := range live {
		if p.f != nil {
			p.f.Close()
		}
	}
}

// errtagRun is one run of errtag, its output read slowly into a file.
type errtagRun struct {
	cmd    *exec.Cmd
	out    string // file the output is copied to
	done   chan struct{}
	sig    syscall.Signal
	peakKB int64
	peakFD int
	stderr *os.File
}

// slowCopy copies r to w in small reads, pausing now and then: a reader
// slower than the writers while it pauses.
func (s *soak) slowCopy(w io.Writer, r io.Reader) {
	buf := make([]byte, 4<<10)
	for {
		n, err := r.Read(buf)
		w.Write(buf[:n])
		if err != nil {
			return
		}
		switch k := s.intn(2000); {
		case k == 0:
			time.Sleep(time.Duration(500+s.intn(2500)) * time.Millisecond) // a long stall
		case k < 400:
			time.Sleep(time.Millisecond)
		}
	}
}

func (s *soak) start(bin, state string, k int) (*errtagRun, error) {
	r := &errtagRun{out: filepath.Join(s.dir, fmt.Sprintf("out-%03d.txt", k)), done: make(chan struct{})}
	outF, err := os.Create(r.out)
	if err != nil {
		return nil, err
	}
	r.stderr, _ = os.Create(filepath.Join(s.dir, fmt.Sprintf("err-%03d.txt", k)))
	r.cmd = exec.Command(bin, "-f", "-H", "--state", state, "--exclude", "*.tmp",
		filepath.Join(s.dir, "rename.log"), filepath.Join(s.dir, "copy.log"), filepath.Join(s.dir, "pods", "*"))
	pipe, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(r.done)
		w := bufio.NewWriterSize(outF, 1<<20)
		s.slowCopy(w, pipe)
		w.Flush()
		outF.Close()
	}()
	go func() { // sample memory and descriptors
		for {
			select {
			case <-r.done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if kb := vmHWM(r.cmd.Process.Pid); kb > r.peakKB {
				r.peakKB = kb
			}
			if n := fds(r.cmd.Process.Pid); n > r.peakFD {
				r.peakFD = n
			}
		}
	}()
	return r, nil
}

func (r *errtagRun) stop(sig syscall.Signal) {
	r.sig = sig
	if kb := vmHWM(r.cmd.Process.Pid); kb > r.peakKB {
		r.peakKB = kb
	}
	r.cmd.Process.Signal(sig)
	<-r.done
	r.cmd.Wait()
	r.stderr.Close()
}

func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func fds(pid int) int {
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0
	}
	return len(es)
}

func buildErrtag(dir string) (string, error) {
	bin := filepath.Join(dir, "errtag")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/errtag")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return bin, cmd.Run()
}

func run(duration time.Duration, bin, dir string, pods int, seed uint64) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "errtag-soak-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	if err := os.MkdirAll(filepath.Join(dir, "pods"), 0o755); err != nil {
		return err
	}
	if bin == "" {
		var err error
		if bin, err = buildErrtag(dir); err != nil {
			return fmt.Errorf("building errtag: %w", err)
		}
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	s := &soak{dir: dir, rnd: rand.New(rand.NewPCG(seed, 1)), wrote: map[string]int{}, stop: make(chan struct{})}
	fmt.Printf("soak: %v in %s, seed %d\n", duration, dir, seed)
	state := filepath.Join(dir, "state.json")
	var runs []*errtagRun
	r, err := s.start(bin, state, 0)
	if err != nil {
		return err
	}
	// Writers start once errtag has looked at its files: a first start
	// reads files present from their end (those that do not exist yet are
	// read from their start when they appear).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(filepath.Join(dir, "err-000.txt")); strings.Contains(string(b), "matches no file yet") {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("errtag did not start")
		}
	}
	s.wg.Add(3)
	go s.renameWriter()
	go s.copyWriter()
	go s.podChurn(pods)
	end := time.Now().Add(duration)
	started := time.Now()
	for time.Now().Before(end) && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(10+s.intn(30)) * time.Second):
		}
		if time.Now().After(end) || ctx.Err() != nil {
			break
		}
		sig := syscall.SIGTERM
		if s.intn(2) == 0 {
			sig = syscall.SIGKILL
		}
		r.stop(sig)
		runs = append(runs, r)
		fmt.Printf("soak: %5.0fs run %d stopped by %v (peak RSS %d MiB, peak fds %d)\n",
			time.Since(started).Seconds(), len(runs), sig, r.peakKB>>10, r.peakFD)
		time.Sleep(time.Duration(200+s.intn(2500)) * time.Millisecond) // stopped while the writers go on
		if r, err = s.start(bin, state, len(runs)); err != nil {
			return err
		}
	}
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	wrote := s.wrote
	s.mu.Unlock()
	// Let the last run catch up: until its output stops growing.
	for last, same := int64(-1), 0; same < 30; {
		time.Sleep(200 * time.Millisecond)
		fi, _ := os.Stat(r.out)
		if fi != nil && fi.Size() == last {
			same++
		} else {
			same = 0
		}
		if fi != nil {
			last = fi.Size()
		}
	}
	r.stop(syscall.SIGTERM)
	runs = append(runs, r)
	return check(runs, wrote, s, time.Since(started))
}

// check reads the runs' outputs in order and checks every stream.
func check(runs []*errtagRun, wrote map[string]int, s *soak, took time.Duration) error {
	next := map[string]int{} // first record of each stream not seen yet
	var repeats, violations, records, lines, cut int
	var peakKB int64
	var peakFD int
	report := func(format string, a ...any) {
		violations++
		if violations <= 20 {
			fmt.Printf("VIOLATION: "+format+"\n", a...)
		}
	}
	for k, r := range runs {
		peakKB, peakFD = max(peakKB, r.peakKB), max(peakFD, r.peakFD)
		f, err := os.Open(r.out)
		if err != nil {
			return err
		}
		last := map[string]int{} // last record of each stream in this run
		rd := bufio.NewReaderSize(f, 1<<20)
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				if line != "" && r.sig == syscall.SIGKILL {
					cut++ // the line being written when errtag was killed
				} else if line != "" {
					report("run %d: output ends inside a line: %.200q", k, line)
				}
				break
			}
			lines++
			m := recRE.FindStringSubmatch(line)
			if m == nil {
				report("run %d: a line that is no record: %.200q", k, line)
				continue
			}
			stream, n := m[1], atoi(m[2])
			if stream == "ignored" {
				report("run %d: an excluded file was followed", k)
				continue
			}
			records++
			l, seen := last[stream]
			switch {
			case seen && n != l+1:
				report("run %d: %s L%d after L%d", k, stream, n, l)
			case !seen && n > next[stream]:
				report("run %d: %s starts at L%d: L%d..L%d lost", k, stream, n, next[stream], n-1)
			case !seen && n < next[stream]:
				if k == 0 || runs[k-1].sig != syscall.SIGKILL {
					report("run %d: %s repeats from L%d after a clean stop (next was L%d)", k, stream, n, next[stream])
				}
				repeats += next[stream] - n
			}
			last[stream] = n
			next[stream] = max(next[stream], n+1)
		}
		f.Close()
	}
	var missing []string
	for stream, n := range wrote {
		if next[stream] != n {
			missing = append(missing, fmt.Sprintf("%s: %d of %d", stream, next[stream], n))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		report("records not all out: %s", m)
	}
	kills := 0
	for _, r := range runs {
		if r.sig == syscall.SIGKILL {
			kills++
		}
	}
	fmt.Printf("soak: %v, %d streams (%d pod files), %d records written, %d lines out\n",
		took.Round(time.Second), len(wrote), len(wrote)-2, sum(wrote), lines)
	fmt.Printf("soak: %d runs of errtag (%d ended by SIGKILL, %d by SIGTERM), %d rotations, %d files deleted\n",
		len(runs), kills, len(runs)-kills, s.rotated.Load(), s.deleted.Load())
	fmt.Printf("soak: %d records repeated after SIGKILL, %d output lines cut by SIGKILL (and written again), %d violations\n", repeats, cut, violations)
	fmt.Printf("soak: errtag peak RSS %d MiB, peak open descriptors %d\n", peakKB>>10, peakFD)
	if violations > 0 {
		return fmt.Errorf("%d violations", violations)
	}
	return nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func sum(m map[string]int) int {
	t := 0
	for _, n := range m {
		t += n
	}
	return t
}
