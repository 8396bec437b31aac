// Command gen writes errtag's benchmark inputs: a deterministic mixed log
// (text or JSON lines) of a given size, and optionally the code table for the
// awk/jq baselines and the 500-rule set with its catalogs.
//
//	go run ./bench/gen -size 1GB -seed 1 -format text -o bench/out/mixed.txt
//	go run ./bench/gen -codes bench/out/codes.tsv -rules500 bench/out/rules500
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/errtag/errtag/bench/loggen"
)

func main() {
	size := flag.String("size", "", "bytes of log to write: N, NKB, NMB or NGB (decimal units); no log when empty")
	seed := flag.Uint64("seed", 1, "random seed")
	format := flag.String("format", "text", "text or json")
	out := flag.String("o", "-", "log output file (- for standard output)")
	codes := flag.String("codes", "", "also write the catalogs' code table (TSV: system, code, name, message) to `FILE`")
	rules500 := flag.String("rules500", "", "also write rules500.yaml and one catalog per made-up system into `DIR`")
	stats := flag.Bool("stats", false, "print line counts to standard error")
	flag.Parse()
	if err := run(*size, *seed, *format, *out, *codes, *rules500, *stats); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(size string, seed uint64, format, out, codes, rules500 string, stats bool) error {
	if codes != "" {
		tsv, err := loggen.CodesTSV()
		if err != nil {
			return err
		}
		if err := os.WriteFile(codes, tsv, 0o644); err != nil {
			return err
		}
	}
	if rules500 != "" {
		if err := os.MkdirAll(rules500, 0o755); err != nil {
			return err
		}
		rf, cats := loggen.Rules500()
		for _, f := range append([]loggen.File{rf}, cats...) {
			if err := os.WriteFile(filepath.Join(rules500, f.Name), f.Data, 0o644); err != nil {
				return err
			}
		}
	}
	if size == "" {
		return nil
	}
	n, err := ParseSize(size)
	if err != nil {
		return err
	}
	f, err := loggen.ParseFormat(format)
	if err != nil {
		return err
	}
	g, err := loggen.New(seed, f)
	if err != nil {
		return err
	}
	var w io.Writer = os.Stdout
	var file *os.File
	if out != "-" {
		if file, err = os.Create(out); err != nil {
			return err
		}
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	buf := make([]byte, 0, 64<<10)
	var written, lines, annotated, decoys int64
	perSys := map[string]int64{}
	for written < n {
		buf = buf[:0]
		for len(buf) < 60<<10 && written+int64(len(buf)) < n {
			var ev loggen.Event
			buf, ev = g.Next(buf)
			lines += int64(ev.Lines)
			annotated += int64(ev.Annotated)
			if ev.System != "" {
				perSys[ev.System] += int64(ev.Lines)
			}
			if ev.Decoy {
				decoys++
			}
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		written += int64(len(buf))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return err
		}
	}
	if stats {
		fmt.Fprintf(os.Stderr, "bytes=%d lines=%d error_lines=%d (%.2f%% incl. wusp blocks: %d lines) annotated_expected=%d decoys=%d",
			written, lines, sum(perSys), 100*float64(sum(perSys))/float64(lines), perSys["wusp"], annotated, decoys)
		for _, s := range loggen.Systems {
			fmt.Fprintf(os.Stderr, " %s=%d", s, perSys[s])
		}
		fmt.Fprintln(os.Stderr)
	}
	return nil
}

func sum(m map[string]int64) int64 {
	var t int64
	for _, v := range m {
		t += v
	}
	return t
}

// ParseSize parses 1GB, 200MB, 64KB or a plain byte count (decimal units).
func ParseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, x := range []struct {
		suf string
		m   int64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1e9}, {"M", 1e6}, {"K", 1e3}, {"B", 1}} {
		if strings.HasSuffix(u, x.suf) {
			u, mult = strings.TrimSuffix(u, x.suf), x.m
			break
		}
	}
	v, err := strconv.ParseFloat(u, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q (e.g. 1GB, 200MB)", s)
	}
	return int64(v * float64(mult)), nil
}
