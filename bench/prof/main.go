// Command prof runs errtag's pipeline (input → stream → matcher → output)
// through the packages, as the errtag command does (stream.RunParallel with
// one matching goroutine per CPU; -serial for stream.Run), with a CPU
// profile:
//
//	go run ./bench/prof -cpuprofile cpu.prof [-output json] [-rules F -catalog F...] FILE
//
// Output goes to /dev/null unless -o is given.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/errtag/errtag/internal/input"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile to `FILE`")
	mem := flag.String("memprofile", "", "write an allocation profile to `FILE`")
	format := flag.String("output", "auto", "auto or json")
	out := flag.String("o", "", "write output to `FILE` (default: discard)")
	workers := flag.Int("workers", 0, "matching goroutines, as errtag --workers (0: one per CPU)")
	serial := flag.Bool("serial", false, "use the single-goroutine stream.Run instead of RunParallel")
	limit := flag.String("limit", "", "stop after `SIZE` bytes of decoded input per file (e.g. 256MB)")
	var ruleFiles, catFiles list
	flag.Var(&ruleFiles, "rules", "extra rule `FILE` (repeatable)")
	flag.Var(&catFiles, "catalog", "extra catalog `FILE` (repeatable)")
	flag.Parse()
	if err := run(*cpu, *mem, *format, *out, *limit, *workers, *serial, ruleFiles, catFiles, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "prof:", err)
		os.Exit(1)
	}
}

func run(cpu, mem, format, outName, limit string, workers int, serial bool, ruleFiles, catFiles, files []string) error {
	var max int64
	if limit != "" {
		var err error
		if max, err = parseSize(limit); err != nil {
			return err
		}
	}
	l, err := loader.Load(loader.Config{CatalogFiles: catFiles, RuleFiles: ruleFiles})
	if err != nil {
		return err
	}
	m := l.Matcher
	var dst io.Writer = io.Discard
	if outName != "" {
		f, err := os.Create(outName)
		if err != nil {
			return err
		}
		defer f.Close()
		dst = f
	}
	w := output.NewWriter(dst)
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	proc := stream.New(m, stream.Options{})
	if len(files) == 0 {
		files = []string{"-"}
	}
	start := time.Now()
	var total stream.Stats
	for _, name := range files {
		src, err := input.Open(context.Background(), name, os.Stdin)
		if err != nil {
			return err
		}
		sink, err := output.NewSink(w, output.Options{Format: output.Format(format)})
		if err != nil {
			return err
		}
		var r io.Reader = src
		if max > 0 {
			r = io.LimitReader(src, max)
		}
		if src.Regular {
			r = stream.NonBlocking(r)
		}
		var st stream.Stats
		if serial {
			st, err = proc.Run(r, sink)
		} else {
			// As errtag does (internal/cli): matching spread over workers.
			st, err = proc.RunParallel(r, sink, workers)
		}
		src.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		total.Bytes += st.Bytes
		total.Lines += st.Lines
		total.Annotated += st.Annotated
	}
	if err := w.Flush(); err != nil {
		return err
	}
	el := time.Since(start)
	if mem != "" {
		f, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "bytes=%d lines=%d annotated=%d seconds=%.3f MB/s=%.1f\n",
		total.Bytes, total.Lines, total.Annotated, el.Seconds(), float64(total.Bytes)/1e6/el.Seconds())
	return nil
}

// parseSize parses 256MB, 1GB, 64KB or a byte count (decimal units).
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	for _, x := range []struct {
		suf string
		m   float64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(u, x.suf) {
			u, mult = strings.TrimSuffix(u, x.suf), x.m
			break
		}
	}
	v, err := strconv.ParseFloat(u, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * mult), nil
}
