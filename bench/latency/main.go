// Command latency measures errtag's follow/pipe latency: it starts errtag
// with a pipe on standard input, writes lines of the benchmark's mixed log
// at a steady rate (one write per line, as a logging process would), and
// times each line from its write to the moment its (possibly annotated)
// output line is read back.
//
//	go run ./bench/latency -errtag ./errtag -rate 1000 -duration 10s [-json out.json] [-- errtag args]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"sort"
	"time"

	"github.com/errtag/errtag/bench/loggen"
)

// Result is what the measurement found; milliseconds.
type Result struct {
	Lines        int     `json:"lines"`
	Annotated    int     `json:"annotated"`
	Rate         float64 `json:"rate_lines_per_s"` // achieved write rate
	Seconds      float64 `json:"seconds"`
	P50          float64 `json:"p50_ms"`
	P90          float64 `json:"p90_ms"`
	P99          float64 `json:"p99_ms"`
	Max          float64 `json:"max_ms"`
	AnnotatedP99 float64 `json:"annotated_p99_ms"`
}

func main() {
	bin := flag.String("errtag", "errtag", "errtag binary")
	rate := flag.Int("rate", 1000, "lines per second")
	dur := flag.Duration("duration", 10*time.Second, "how long to write")
	seed := flag.Uint64("seed", 7, "generator seed")
	jsonOut := flag.String("json", "", "also write the result as JSON to `FILE`")
	flag.Parse()
	res, err := run(*bin, flag.Args(), *rate, *dur, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "latency:", err)
		os.Exit(1)
	}
	fmt.Printf("lines=%d annotated=%d rate=%.0f/s p50=%.3fms p90=%.3fms p99=%.3fms max=%.3fms annotated_p99=%.3fms\n",
		res.Lines, res.Annotated, res.Rate, res.P50, res.P90, res.P99, res.Max, res.AnnotatedP99)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "latency:", err)
			os.Exit(1)
		}
	}
}

func run(bin string, args []string, rate int, dur time.Duration, seed uint64) (*Result, error) {
	n := int(float64(rate) * dur.Seconds())
	lines, err := makeLines(n, seed)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer cmd.Process.Kill()
	out := bufio.NewReaderSize(stdout, 1<<20)

	// Warm up: errtag's start-up (catalog, rules) is not pipe latency.
	if _, err := io.WriteString(stdin, "warm-up line\n"); err != nil {
		return nil, err
	}
	if _, err := out.ReadSlice('\n'); err != nil {
		return nil, fmt.Errorf("reading warm-up line: %w", err)
	}

	sent := make([]time.Time, n)
	recv := make([]time.Time, n)
	annotated := make([]bool, n)
	done := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			line, err := out.ReadSlice('\n')
			if err != nil {
				done <- fmt.Errorf("output line %d: %w", i, err)
				return
			}
			recv[i] = time.Now()
			annotated[i] = bytes.Contains(line, []byte("errtag"))
		}
		done <- nil
	}()
	interval := time.Second / time.Duration(rate)
	t0 := time.Now()
	for i, l := range lines {
		if d := time.Until(t0.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		sent[i] = time.Now()
		if _, err := stdin.Write(l); err != nil {
			return nil, fmt.Errorf("write line %d: %w", i, err)
		}
	}
	elapsed := time.Since(t0)
	select {
	case err := <-done:
		if err != nil {
			return nil, err
		}
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("timed out waiting for errtag's output")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("errtag: %w", err)
	}
	lat := make([]float64, n)
	var ann []float64
	res := &Result{Lines: n, Seconds: elapsed.Seconds(), Rate: float64(n) / elapsed.Seconds()}
	for i := range lat {
		lat[i] = float64(recv[i].Sub(sent[i])) / float64(time.Millisecond)
		if annotated[i] {
			res.Annotated++
			ann = append(ann, lat[i])
		}
	}
	sort.Float64s(lat)
	sort.Float64s(ann)
	res.P50, res.P90, res.P99, res.Max = pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[n-1]
	res.AnnotatedP99 = pct(ann, 99)
	return res, nil
}

// pct is the nearest-rank percentile of sorted xs.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(p/100*float64(len(xs)))) - 1
	if k < 0 {
		k = 0
	}
	return xs[k]
}

// makeLines returns n single lines of the mixed text log.
func makeLines(n int, seed uint64) ([][]byte, error) {
	g, err := loggen.New(seed, loggen.Text)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	var buf []byte
	for len(out) < n {
		buf, _ = g.Next(buf[:0])
		for len(buf) > 0 && len(out) < n {
			i := bytes.IndexByte(buf, '\n')
			out = append(out, append([]byte(nil), buf[:i+1]...))
			buf = buf[i+1:]
		}
	}
	return out, nil
}
