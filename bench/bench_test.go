// Package bench holds errtag's benchmarks. The Go benchmarks here run only
// with -bench; the tests are quick checks of the generated inputs.
//
//	go test ./bench -run '^$' -bench . -benchtime 3x
//	go test ./bench -run '^$' -bench Pipeline/text -cpuprofile cpu.prof
//
// The end-to-end comparison with baselines is bench/run.sh.
package bench

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/errtag/errtag/bench/loggen"
	"github.com/errtag/errtag/internal/loader"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// benchBytes is the size of the in-memory log of the pipeline benchmarks.
const benchBytes = 32 << 20

var (
	logMu   sync.Mutex
	logs    = map[loggen.Format][]byte{}
	m500    *matcher.Matcher
	mBuiltn *matcher.Matcher
)

func genLog(tb testing.TB, f loggen.Format, size int) []byte {
	tb.Helper()
	g, err := loggen.New(1, f)
	if err != nil {
		tb.Fatal(err)
	}
	buf := make([]byte, 0, size+4096)
	for len(buf) < size {
		buf, _ = g.Next(buf)
	}
	return buf
}

func mixedLog(tb testing.TB, f loggen.Format) []byte {
	logMu.Lock()
	defer logMu.Unlock()
	if b, ok := logs[f]; ok {
		return b
	}
	b := genLog(tb, f, benchBytes)
	logs[f] = b
	return b
}

func builtinMatcher(tb testing.TB) *matcher.Matcher {
	tb.Helper()
	logMu.Lock()
	defer logMu.Unlock()
	if mBuiltn == nil {
		l, err := loader.Load(loader.Config{})
		if err != nil {
			tb.Fatal(err)
		}
		mBuiltn = l.Matcher
	}
	return mBuiltn
}

func matcher500(tb testing.TB) *matcher.Matcher {
	tb.Helper()
	logMu.Lock()
	defer logMu.Unlock()
	if m500 == nil {
		rf, cats := loggen.Rules500()
		var catalogs []loader.Source
		for _, c := range cats {
			catalogs = append(catalogs, loader.Source{Name: c.Name, Data: c.Data})
		}
		l, err := loader.Load(loader.Config{Catalogs: catalogs, Rules: []loader.Source{{Name: rf.Name, Data: rf.Data}}})
		if err != nil {
			tb.Fatal(err)
		}
		if len(l.Rules.Rules) < 500 {
			tb.Fatalf("compiled %d rules, want 500 extra", len(l.Rules.Rules))
		}
		m500 = l.Matcher
	}
	return m500
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		out = append(out, b[:i])
		b = b[i+1:]
	}
	return out
}

// BenchmarkMatcher calls Match on every line of a mixed log (text and JSON
// lines): the per-line cost without the stream's bulk skipping.
func BenchmarkMatcher(b *testing.B) {
	m := builtinMatcher(b)
	text := genLog(b, loggen.Text, 4<<20)
	js := genLog(b, loggen.JSON, 4<<20)
	lines := append(splitLines(text), splitLines(js)...)
	var size int64
	for _, l := range lines {
		size += int64(len(l) + 1)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			m.Match(l)
		}
	}
}

func runPipeline(b *testing.B, m *matcher.Matcher, in []byte, format output.Format) {
	p := stream.New(m, stream.Options{})
	w := output.NewWriter(io.Discard)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink, err := output.NewSink(w, output.Options{Format: format})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Run(bytes.NewReader(in), sink); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPipeline runs the whole stream.Processor over an in-memory mixed
// log, text and JSON-lines inputs, auto and json output.
func BenchmarkPipeline(b *testing.B) {
	m := builtinMatcher(b)
	for _, in := range []struct {
		name string
		f    loggen.Format
	}{{"text", loggen.Text}, {"jsonlines", loggen.JSON}} {
		for _, out := range []output.Format{output.Auto, output.JSON} {
			b.Run(in.name+"/"+string(out), func(b *testing.B) {
				runPipeline(b, m, mixedLog(b, in.f), out)
			})
		}
	}
}

// BenchmarkPipelineParallel is BenchmarkPipeline with stream.RunParallel
// (one matching goroutine per CPU), as the errtag command runs.
func BenchmarkPipelineParallel(b *testing.B) {
	m := builtinMatcher(b)
	for _, in := range []struct {
		name string
		f    loggen.Format
	}{{"text", loggen.Text}, {"jsonlines", loggen.JSON}} {
		b.Run(in.name, func(b *testing.B) {
			data := mixedLog(b, in.f)
			p := stream.New(m, stream.Options{})
			w := output.NewWriter(io.Discard)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sink, err := output.NewSink(w, output.Options{Format: output.Auto})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.RunParallel(bytes.NewReader(data), sink, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipeline500Rules is BenchmarkPipeline/text/auto with 500 more
// rules for 25 made-up systems.
func BenchmarkPipeline500Rules(b *testing.B) {
	runPipeline(b, matcher500(b), mixedLog(b, loggen.Text), output.Auto)
}

// TestGeneratedLog checks that a small generated log has the planned mix:
// the expected lines annotated (about 6%, 8% with the WindowsUpdate blocks'
// other lines), every system present, and the 500-rule set compiling.
func TestGeneratedLog(t *testing.T) {
	m := builtinMatcher(t)
	for _, f := range []loggen.Format{loggen.Text, loggen.JSON} {
		g, err := loggen.New(3, f)
		if err != nil {
			t.Fatal(err)
		}
		var lines, want, got int
		seen := map[string]bool{}
		var buf []byte
		for lines < 4000 {
			var ev loggen.Event
			buf, ev = g.Next(buf[:0])
			lines += ev.Lines
			want += ev.Annotated
			seen[ev.System] = true
			for _, l := range splitLines(buf) {
				if f == loggen.JSON && (len(l) == 0 || l[0] != '{') {
					t.Fatalf("json variant line is not an object: %q", l)
				}
				if len(m.Match(l)) > 0 {
					got++
				}
			}
		}
		for _, s := range loggen.Systems {
			if !seen[s] {
				t.Errorf("format %d: no %s errors in %d lines", f, s, lines)
			}
		}
		share := float64(want) / float64(lines)
		if share < 0.04 || share > 0.10 {
			t.Errorf("format %d: %.1f%% of lines carry an error, want about 6%%", f, 100*share)
		}
		// The generator follows shared/logformats.md; a difference is
		// reported, not failed on: it may be a matcher change in progress.
		if got != want {
			t.Logf("format %d: errtag annotated %d lines, the generator planned %d", f, got, want)
		}
	}
	matcher500(t)
}
