package prefilter

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/errtag/errtag/bench/loggen"
)

// gateLiterals reads a literal list from testdata: the matcher's gate for
// the built-in rules (gate-builtin.txt) or for them plus the 500 generated
// rules (gate-500.txt).
func gateLiterals(tb testing.TB, name string) (fold, exact []string) {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		kind, lit, _ := strings.Cut(line, " ")
		switch kind {
		case "fold":
			fold = append(fold, lit)
		case "exact":
			exact = append(exact, lit)
		default:
			tb.Fatalf("%s: bad line %q", name, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return fold, exact
}

var (
	benchLogMu sync.Mutex
	benchLogs  = map[loggen.Format][]byte{}
)

// benchLog returns a generated mixed log of about 16 MB (bench/gen's
// generator, seed 1).
func benchLog(tb testing.TB, format loggen.Format) []byte {
	tb.Helper()
	benchLogMu.Lock()
	defer benchLogMu.Unlock()
	if b, ok := benchLogs[format]; ok {
		return b
	}
	g, err := loggen.New(1, format)
	if err != nil {
		tb.Fatal(err)
	}
	const size = 16 << 20
	b := make([]byte, 0, size+4096)
	for len(b) < size {
		b, _ = g.Next(b)
	}
	benchLogs[format] = b
	return b
}

// longLines joins the log's lines in groups of n (their LFs replaced by
// spaces), for lines of several KB.
func longLines(b []byte, n int) []byte {
	out := make([]byte, 0, len(b))
	k := 0
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		k++
		if k%n == 0 {
			out = append(out, '\n')
		} else {
			out = append(out, ' ')
		}
		b = b[i+1:]
	}
	return out
}

// walk finds the lines of block holding a literal the way the stream does:
// the next occurrence, then on from the end of its line. It returns how
// many lines it found.
func walk(c *Cursor, block []byte) int {
	n := 0
	for pos := 0; pos < len(block); {
		p := c.Next(pos)
		if p < 0 {
			break
		}
		n++
		e := bytes.IndexByte(block[p:], '\n')
		if e < 0 {
			break
		}
		pos = p + e + 1
	}
	return n
}

type benchSet struct {
	name string
	file string
}

var benchSets = []benchSet{{"builtin", "gate-builtin.txt"}, {"rules500", "gate-500.txt"}}

// benchPaths are the scan paths benchmarked: scalar and each SIMD kernel
// of this CPU, chosen as NewMixed chooses (not forced).
func benchPaths() []scanPath {
	paths := []scanPath{{"scalar", buildOpts{kernel: kernelNone}}}
	for _, k := range cpuKernels {
		paths = append(paths, scanPath{k.String(), buildOpts{kernel: k}})
	}
	return paths
}

// BenchmarkCursor walks 1 MB blocks of a generated log with a Cursor, as
// the stream's block scan does: text and JSON lines, and text joined into
// lines of about 8 KB ("long").
func BenchmarkCursor(b *testing.B) {
	for _, bs := range benchSets {
		fold, exact := gateLiterals(b, bs.file)
		for _, p := range benchPaths() {
			s := newMixed(fold, exact, p.opts)
			for _, in := range []struct {
				name string
				data func() []byte
			}{
				{"text", func() []byte { return benchLog(b, loggen.Text) }},
				{"json", func() []byte { return benchLog(b, loggen.JSON) }},
				{"long", func() []byte { return longLines(benchLog(b, loggen.Text), 64) }},
			} {
				b.Run(bs.name+"/"+p.name+"/"+in.name, func(b *testing.B) {
					data := in.data()
					const blockSize = 1 << 20
					b.SetBytes(int64(len(data)))
					for b.Loop() {
						for off := 0; off < len(data); off += blockSize {
							block := data[off:min(off+blockSize, len(data))]
							walk(s.NewCursor(block), block)
						}
					}
				})
			}
		}
	}
}

// cleanText is the lines of b in which none of the literals occurs.
func cleanText(b []byte, fold, exact []string) []byte {
	ref := newMixed(fold, exact, buildOpts{kernel: kernelNone})
	var clean []byte
	for _, l := range bytes.SplitAfter(b, []byte{'\n'}) {
		if !ref.Contains(l) {
			clean = append(clean, l...)
		}
	}
	return clean
}

// BenchmarkIndexClean runs Index over 1 MB blocks of generated text with
// no literal in them (the lines holding one removed): the raw scan speed.
func BenchmarkIndexClean(b *testing.B) {
	for _, bs := range benchSets {
		fold, exact := gateLiterals(b, bs.file)
		clean := cleanText(benchLog(b, loggen.Text), fold, exact)
		for _, p := range benchPaths() {
			s := newMixed(fold, exact, p.opts)
			b.Run(bs.name+"/"+p.name, func(b *testing.B) {
				const blockSize = 1 << 20
				b.SetBytes(int64(len(clean)))
				for b.Loop() {
					for off := 0; off < len(clean); off += blockSize {
						if s.Index(clean[off:min(off+blockSize, len(clean))]) >= 0 {
							b.Fatal("literal in clean text")
						}
					}
				}
			})
		}
	}
}

// BenchmarkContains calls Contains on every line of generated text with no
// literal in it, as it is (lines of about 130 bytes: "short") and joined
// into lines of about 8 KB ("long"): the per-call cost.
func BenchmarkContains(b *testing.B) {
	for _, bs := range benchSets {
		fold, exact := gateLiterals(b, bs.file)
		clean := cleanText(benchLog(b, loggen.Text)[:4<<20], fold, exact)
		for _, p := range benchPaths() {
			s := newMixed(fold, exact, p.opts)
			for _, in := range []struct {
				name string
				data []byte
			}{
				{"short", clean},
				{"long", longLines(clean, 64)},
			} {
				b.Run(bs.name+"/"+p.name+"/"+in.name, func(b *testing.B) {
					lines := bytes.SplitAfter(in.data, []byte{'\n'})
					b.SetBytes(int64(len(in.data)))
					for b.Loop() {
						for _, l := range lines {
							if s.Contains(l) {
								b.Fatal("literal in clean text")
							}
						}
					}
				})
			}
		}
	}
}

// BenchmarkBuild compiles the gate sets: part of start-up.
func BenchmarkBuild(b *testing.B) {
	for _, bs := range benchSets {
		fold, exact := gateLiterals(b, bs.file)
		for _, p := range benchPaths() {
			b.Run(bs.name+"/"+p.name, func(b *testing.B) {
				for b.Loop() {
					newMixed(fold, exact, p.opts)
				}
			})
		}
	}
}
