// Command report writes bench/RESULTS.md from what bench/run.sh measured in
// bench/out: hyperfine exports (h-*.json), peak RSS (rss-*.txt), the pipe
// latency (latency.json), CPU profile tops (cpu-*.top), the machine
// (machine.tsv) and the lookup check (sanity.tsv).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

type timing struct {
	Median float64   `json:"median"`
	Mean   float64   `json:"mean"`
	Stddev float64   `json:"stddev"`
	User   float64   `json:"user"`
	System float64   `json:"system"`
	Times  []float64 `json:"times"`
}

type latency struct {
	Lines        int     `json:"lines"`
	Annotated    int     `json:"annotated"`
	Rate         float64 `json:"rate_lines_per_s"`
	P50          float64 `json:"p50_ms"`
	P90          float64 `json:"p90_ms"`
	P99          float64 `json:"p99_ms"`
	Max          float64 `json:"max_ms"`
	AnnotatedP99 float64 `json:"annotated_p99_ms"`
}

var dir string

func main() {
	flag.StringVar(&dir, "dir", "bench/out", "run.sh's output directory")
	out := flag.String("o", "bench/RESULTS.md", "report file")
	flag.Parse()
	s, err := report()
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, []byte(s), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func readTSV(name string) ([][2]string, map[string]string) {
	var rows [][2]string
	m := map[string]string{}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, m
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "\t")
		rows = append(rows, [2]string{k, v})
		m[k] = v
	}
	return rows, m
}

func loadTiming(name string) (*timing, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "h-"+name+".json"))
	if err != nil {
		return nil, false
	}
	var h struct{ Results []timing }
	if json.Unmarshal(b, &h) != nil || len(h.Results) == 0 {
		return nil, false
	}
	return &h.Results[0], true
}

func size(name string) int64 {
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return 0
	}
	return fi.Size()
}

var rssRE = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)

func rssKiB(name string) (int64, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "rss-"+name+".txt"))
	if err != nil {
		return 0, false
	}
	// One record per run (time -a): the largest.
	var max int64
	found := false
	for _, m := range rssRE.FindAllSubmatch(b, -1) {
		n, _ := strconv.ParseInt(string(m[1]), 10, 64)
		if n > max {
			max = n
		}
		found = true
	}
	return max, found
}

// profTop returns the first n function rows of a pprof -top file, with its
// header.
func profTop(name, ext string, n int) string {
	b, err := os.ReadFile(filepath.Join(dir, "cpu-"+name+"."+ext))
	if err != nil {
		return "(no profile)"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	var out []string
	rows := 0
	inRows := false
	for _, l := range lines {
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Type:") || strings.HasPrefix(l, "Time:") || strings.HasPrefix(l, "Showing top") {
			continue
		}
		if strings.Contains(l, "flat%") {
			inRows = true
			out = append(out, l)
			continue
		}
		if inRows {
			if rows >= n {
				break
			}
			rows++
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

type row struct {
	name, tool, input string
	bytes             int64 // uncompressed input bytes the tool goes through
}

func report() (string, error) {
	mrows, mach := readTSV("machine.tsv")
	sanity, _ := readTSV("sanity.tsv")
	txt, jsn, jq := size("mixed.txt"), size("mixed.json"), size("jq-slice.json")
	if txt == 0 {
		return "", fmt.Errorf("%s/mixed.txt is missing: run bench/run.sh", dir)
	}
	mb := func(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }
	rows := []row{
		{"cat", "`cat` > /dev/null", "text", txt},
		{"copylines", "Go bufio line copy (bench/copylines)", "text", txt},
		{"errtag-text", "**errtag**", "text", txt},
		{"rg", "`rg -c -i -F` marker/carrier literals", "text", txt},
		{"gawk", "gawk -f lookup.awk", "text", txt},
		{"mawk", "mawk -f lookup.awk", "text", txt},
		{"errtag-500rules", "**errtag**, built-in + 500 rules", "text", txt},
		{"errtag-json", "**errtag**", "JSON lines", jsn},
		{"jq", "jq -f lookup.jq", "JSON lines (first " + mb(jq) + ")", jq},
		{"zcat", "`zcat`", "text.gz", txt},
		{"pigz-d", "`pigz -dc`", "text.gz", txt},
		{"decompress-gz", "klauspost gzip only (bench/decompress)", "text.gz", txt},
		{"errtag-gz", "**errtag**", "text.gz", txt},
		{"zstd-d", "`zstd -dc`", "text.zst", txt},
		{"decompress-zst", "klauspost zstd only (bench/decompress)", "text.zst", txt},
		{"errtag-zst", "**errtag**", "text.zst", txt},
		{"startup", "**errtag** start-up: built-in catalogs and rules loaded, a 50-line file annotated", "startup.txt", size("startup.txt")},
	}
	T := map[string]*timing{}
	mbps := map[string]float64{}
	cpuMBps := map[string]float64{}
	for _, r := range rows {
		if t, ok := loadTiming(r.name); ok {
			T[r.name] = t
			mbps[r.name] = float64(r.bytes) / 1e6 / t.Median
			if c := t.User + t.System; c > 0 {
				cpuMBps[r.name] = float64(r.bytes) / 1e6 / c
			}
		}
	}

	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# errtag benchmark results\n\n")
	p("Written by `bench/run.sh %s` on %s. Do not edit by hand: run the script again.\n\n", mach["size"], mach["date"])

	// ---------------------------------------------------------- machine
	p("## Machine\n\n| | |\n|---|---|\n")
	for _, kv := range mrows {
		switch kv[0] {
		case "date", "size", "runs", "jq_size", "prof_size":
			continue
		case "load_before", "load_after":
			p("| load average (1/5/15 min) %s timing | %s |\n", strings.TrimPrefix(kv[0], "load_"), kv[1])
			continue
		}
		p("| %s | %s |\n", kv[0], kv[1])
	}
	p("\n")
	p("## Inputs\n\n")
	p("Generated by `bench/gen` (seed 1; deterministic): ~92%% ordinary lines (syslog, RFC 5424, logcat, access logs, log4j, logfmt, JSON app logs, container wrappers; HTTP statuses, ports, pids, durations, sizes, ids) including ~3%% decoys (exit codes, gRPC/SQL codes, carriers without their cue, cues without a carrier), and ~8%% lines of error events of the five systems in the shapes of shared/logformats.md (6%% carry a code; WindowsUpdate fault blocks add 5 context lines each).\n\n")
	p("| input | bytes | lines | what |\n|---|---:|---:|---|\n")
	p("| mixed.txt | %d | %s | text log |\n", txt, genLines("gen-text.txt"))
	p("| mixed.json | %d | %s | JSON lines: every line an object; errors nested, in escaped bodies, or text in `{\"log\":...}` wrappers |\n", jsn, genLines("gen-json.txt"))
	p("| mixed.txt.gz | %d | | `pigz -6` of mixed.txt |\n", size("mixed.txt.gz"))
	p("| mixed.txt.zst | %d | | `zstd -3` of mixed.txt |\n", size("mixed.txt.zst"))
	p("| jq-slice.json | %d | | the first %s of mixed.json, for jq (about 2 MB/s: the full file would take many minutes per run) |\n", jq, mb(jq))
	p("| rules500/ | | | 500 generated rules (regex and JSON; marker and carrier cues) for 25 made-up systems, 25 catalogs; run on mixed.txt with `--catalog ... --rules` |\n\n")

	// ---------------------------------------------------------- throughput
	noisyRows := 0
	p("## Throughput\n\n")
	p("Median of %s runs (hyperfine), output to /dev/null. MB/s = 10^6 bytes of uncompressed input per second of wall time. CPU MB/s uses user+system time instead (less sensitive to other load on the machine; above wall MB/s when a tool uses both cores). \"(noisy)\" marks a spread over 20%% of the median: other work on the machine interfered; the per-run times are in bench/out/h-*.json.\n\n", mach["runs"])
	p("| tool | input | median s | ± stddev | MB/s (wall) | MB/s (CPU) |\n|---|---|---:|---:|---:|---:|\n")
	for _, r := range rows {
		t := T[r.name]
		if r.name == "startup" {
			continue // in the targets, in ms
		}
		if t == nil {
			p("| %s | %s | – | | | |\n", r.tool, r.input)
			continue
		}
		noisy := ""
		if t.Stddev > 0.2*t.Median {
			noisy = " (noisy)"
			noisyRows++
		}
		p("| %s | %s | %.3f | %.3f%s | %.1f | %.1f |\n", r.tool, r.input, t.Median, t.Stddev, noisy, mbps[r.name], cpuMBps[r.name])
	}
	p("\n")

	// ---------------------------------------------------------- targets
	type target struct {
		what, measure string
		got, limit    float64
		higherBetter  bool
		unit          string
		prof          string // profile to show on a miss
		cpuGot        float64
	}
	ratio := func(a, b map[string]float64, x, y string) float64 {
		if a[x] == 0 || b[y] == 0 {
			return math.NaN()
		}
		return a[x] / b[y]
	}
	tratio := func(x, y string) (float64, float64) {
		if T[x] == nil || T[y] == nil {
			return math.NaN(), math.NaN()
		}
		return T[x].Median / T[y].Median, (T[x].User + T[x].System) / (T[y].User + T[y].System)
	}
	gzR, gzC := tratio("errtag-gz", "decompress-gz")
	zsR, zsC := tratio("errtag-zst", "decompress-zst")
	r5R, r5C := tratio("errtag-500rules", "errtag-text")
	// The targets of issue 13.
	targets := []target{
		{"plain text ≥ 0.35× of Go bufio line copy", "errtag MB/s ÷ copylines MB/s", ratio(mbps, mbps, "errtag-text", "copylines"), 0.35, true, "×", "text", ratio(cpuMBps, cpuMBps, "errtag-text", "copylines")},
		{"plain text ≥ 4× mawk (same lookup)", "errtag MB/s ÷ mawk MB/s", ratio(mbps, mbps, "errtag-text", "mawk"), 4, true, "×", "text", ratio(cpuMBps, cpuMBps, "errtag-text", "mawk")},
		{"JSON lines ≥ 200× jq (same lookup)", "errtag MB/s ÷ jq MB/s", ratio(mbps, mbps, "errtag-json", "jq"), 200, true, "×", "json", ratio(cpuMBps, cpuMBps, "errtag-json", "jq")},
		{"gzip input within 1.10× of decompressing alone", "errtag time ÷ klauspost gzip time", gzR, 1.10, false, "×", "gz", gzC},
		{"zstd input within 1.25× of decompressing alone", "errtag time ÷ klauspost zstd time", zsR, 1.25, false, "×", "zst", zsC},
		{"500 rules at most 1.5× the built-in set", "errtag+500 rules time ÷ errtag time", r5R, 1.5, false, "×", "500rules", r5C},
	}
	rssNames := []struct{ name, input, prof string }{
		{"errtag-text", "text", "text"}, {"errtag-json", "JSON lines", "json"}, {"errtag-gz", "text.gz", "gz"},
		{"errtag-zst", "text.zst", "zst"}, {"errtag-500rules", "text, 500 rules", "500rules"},
	}
	for _, r := range rssNames {
		k, ok := rssKiB(r.name)
		got := math.NaN()
		if ok {
			got = float64(k) / 1024
		}
		targets = append(targets, target{"peak RSS < 64 MiB (" + r.input + ")", "/usr/bin/time -v maximum resident set size (largest of the timed runs)", got, 64, false, " MiB", r.prof, math.NaN()})
	}
	var lat latency
	latOK := false
	if bb, err := os.ReadFile(filepath.Join(dir, "latency.json")); err == nil && json.Unmarshal(bb, &lat) == nil {
		latOK = true
	}
	latGot := math.NaN()
	if latOK {
		latGot = lat.P99
	}
	targets = append(targets, target{"pipe latency p99 ≤ 20 ms at 1,000 lines/s", "write → annotated output read back", latGot, 20, false, " ms", "", math.NaN()})
	startGot, startCPU := math.NaN(), math.NaN()
	if t := T["startup"]; t != nil {
		startGot, startCPU = 1000*t.Median, 1000*(t.User+t.System)
	}
	targets = append(targets, target{"start-up < 10 ms", "median wall time of errtag on a 50-line file (load catalogs and rules, lines out, exit); CPU column: user+system ms", startGot, 10, false, " ms", "", startCPU})

	lb, _ := strconv.ParseFloat(strings.Fields(mach["load_before"] + " 0")[0], 64)
	la, _ := strconv.ParseFloat(strings.Fields(mach["load_after"] + " 0")[0], 64)
	// The load after timing includes the benchmark's own last commands;
	// the load before it (after run.sh's wait for an idle machine) and the
	// spread of the runs tell whether other work interfered.
	if lb >= 1.0 || noisyRows > 0 {
		p("> **Other work interfered** (1-minute load average %.2f on %s cores when timing began, %.2f when it ended; %d noisy rows): some wall times and wall-time ratios are skewed; the CPU-time columns are the steadier guide for single-threaded tools.\n\n", lb, mach["cores"], la, noisyRows)
	}
	p("## Targets\n\n")
	p("Ratios from the timings above (same run). Time ratios are of median wall times; the CPU column gives the same ratio on user+system time, for information.\n\n")
	p("| target | measure | got | target | CPU-time ratio | result |\n|---|---|---:|---:|---:|---|\n")
	var misses []target
	for _, t := range targets {
		res := "PASS"
		switch {
		case math.IsNaN(t.got):
			res = "NOT MEASURED"
		case t.higherBetter && t.got < t.limit, !t.higherBetter && t.got > t.limit:
			res = "**MISS**"
			misses = append(misses, t)
		}
		cpu := ""
		switch {
		case math.IsNaN(t.cpuGot):
		case t.unit == " ms":
			cpu = fmt.Sprintf("%.1f ms", t.cpuGot)
		default:
			cpu = fmt.Sprintf("%.2f×", t.cpuGot)
		}
		cmp := "≤"
		if t.higherBetter {
			cmp = "≥"
		}
		if strings.HasPrefix(t.what, "peak RSS") || strings.HasPrefix(t.what, "start-up") {
			cmp = "<"
		}
		p("| %s | %s | %s | %s %s | %s | %s |\n", t.what, t.measure, fmtVal(t.got, t.unit), cmp, fmtVal(t.limit, t.unit), cpu, res)
	}
	p("\n")

	// ---------------------------------------------------------- RSS, latency
	p("## Peak RSS (errtag)\n\n| input | max RSS |\n|---|---:|\n")
	for _, r := range rssNames {
		if k, ok := rssKiB(r.name); ok {
			p("| %s | %.1f MiB |\n", r.input, float64(k)/1024)
		}
	}
	p("\n## Pipe latency\n\n")
	if latOK {
		p("`bench/latency`: errtag reads a pipe; %d lines of the mixed text log written one per write at %.0f lines/s (%d of them annotated); latency from the write to reading the line back from errtag's stdout.\n\n", lat.Lines, lat.Rate, lat.Annotated)
		p("| p50 | p90 | p99 | max | p99 of annotated lines |\n|---:|---:|---:|---:|---:|\n")
		p("| %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |\n\n", lat.P50, lat.P90, lat.P99, lat.Max, lat.AnnotatedP99)
	} else {
		p("(not measured)\n\n")
	}

	// ---------------------------------------------------------- misses
	p("## Misses\n\n")
	if len(misses) == 0 {
		p("None.\n\n")
	}
	shown := map[string]bool{}
	for _, t := range misses {
		p("### %s\n\n", t.what)
		if t.higherBetter {
			p("Got %s, target %s: %.0f%% of the target; errtag needs %.2f× its measured speed.\n\n", fmtVal(t.got, t.unit), fmtVal(t.limit, t.unit), 100*t.got/t.limit, t.limit/t.got)
		} else {
			p("Got %s, target %s: %.0f%% over; errtag needs to cut it by %.0f%%.\n\n", fmtVal(t.got, t.unit), fmtVal(t.limit, t.unit), 100*(t.got/t.limit-1), 100*(1-t.limit/t.got))
		}
		switch {
		case t.prof == "":
		case shown[t.prof]:
			p("CPU profile: as above (%s input).\n\n", t.prof)
		default:
			shown[t.prof] = true
			p("CPU profile of the same pipeline on this input (`bench/prof`, first %s, flat):\n\n```\n%s\n```\n\n", mach["prof_size"], profTop(t.prof, "top", 15))
		}
	}

	// ---------------------------------------------------------- profiles
	p("## CPU profiles\n\n")
	p("`bench/prof` runs errtag's pipeline (input → stream.RunParallel → matcher → output, auto output, one matching goroutine per CPU, as the errtag command does) through the packages with `-cpuprofile`, on the first %s of each decoded input; tops by `go tool pprof -top` (flat) and `-top -cum`. Files: bench/out/cpu-*.prof.\n\n", mach["prof_size"])
	for _, pr := range []struct{ name, title string }{{"text", "text input"}, {"json", "JSON-lines input"}} {
		if st, err := os.ReadFile(filepath.Join(dir, "prof-"+pr.name+".txt")); err == nil {
			p("### %s\n\n`%s`\n\n", pr.title, strings.TrimSpace(string(st)))
		}
		p("Flat:\n\n```\n%s\n```\n\nCumulative:\n\n```\n%s\n```\n\n", profTop(pr.name, "top", 20), profTop(pr.name, "cum", 20))
	}

	// ---------------------------------------------------------- sanity
	p("## Same lookup? (first 20 MB of each input)\n\n")
	p("Lines annotated by each tool on a 20 MB prefix of the inputs, and what the generator planned. lookup.awk finds the same carriers as errtag on the text log; lookup.jq only walks JSON keys (errorCode/resultCode/code, also inside escaped JSON strings), not text carriers inside `{\"log\":...}` wrappers, so it finds fewer on the JSON log. rg counts candidate lines (any marker or carrier literal).\n\n")
	p("| tool | lines |\n|---|---:|\n")
	for _, kv := range sanity {
		p("| %s | %s |\n", kv[0], kv[1])
	}
	p("\n")
	p("Reproduce: `bench/run.sh %s` (RUNS, JQ_SIZE, LAT_SECONDS, IDLE_WAIT in the environment). Go benchmarks: `go test ./bench -run '^$' -bench . -cpuprofile cpu.prof`.\n", mach["size"])
	return b.String(), nil
}

func genLines(name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	m := regexp.MustCompile(`lines=(\d+)`).FindSubmatch(b)
	if m == nil {
		return ""
	}
	return string(m[1])
}

func fmtVal(v float64, unit string) string {
	if math.IsNaN(v) {
		return "–"
	}
	if unit == "×" {
		return fmt.Sprintf("%.2f×", v)
	}
	return fmt.Sprintf("%.1f%s", v, unit)
}
