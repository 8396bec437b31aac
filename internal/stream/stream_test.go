package stream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// process runs in through Run in auto format and returns the output.
func process(t testing.TB, opts stream.Options, r io.Reader) (string, stream.Stats) {
	t.Helper()
	var out bytes.Buffer
	w := output.NewWriter(&out)
	sink, err := output.NewSink(w, output.Options{Format: output.Auto})
	if err != nil {
		t.Fatal(err)
	}
	st, err := stream.New(builtinProp(t), opts).Run(r, sink)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), st
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:100] + "..." + s[len(s)-100:]
	}
	return s
}

// TestPassThroughExact feeds lines that carry no error and requires the
// output to be the input, byte for byte, whatever the bytes and however the
// reads are split.
func TestPassThroughExact(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 3<<20)
	cases := map[string]string{
		"empty":             "",
		"one newline":       "\n",
		"blank lines":       "\n\n\n\n",
		"no final newline":  "a\nb",
		"crlf":              "a\r\nb\r\n",
		"crlf no final lf":  "a\r\nb\r",
		"bare cr inside":    "a\rb\n",
		"nul bytes":         "a\x00b\n\x00\n",
		"invalid utf8":      "\xff\xfe\xc3(\n\xe2\x82\n",
		"huge line":         huge + "\nnext\n",
		"huge no lf":        huge,
		"huge crlf":         huge + "\r\nnext\r\n",
		"bad json":          "{\"errorCode\": 301, \"message\": \n{]\n",
		"marker only":       "VMXSync started\nknox efota agent up\n",
		"deep json":         strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n",
		"many braces":       strings.Repeat("{", 50000) + " errorCode=1\n",
		"docker non json":   `{"log":"plain text errorCode=5\n","stream":"stdout"}` + "\n",
		"cr at chunk edges": strings.Repeat("ab\r\n", 200000),
	}
	for name, in := range cases {
		for _, r := range []struct {
			name string
			r    io.Reader
		}{
			{"whole", strings.NewReader(in)},
			{"one byte reads", iotest.OneByteReader(strings.NewReader(in))},
			{"half reads", iotest.HalfReader(strings.NewReader(in))},
			{"whole, fill", stream.NonBlocking(strings.NewReader(in))},
		} {
			if len(in) > 1<<20 && r.name == "one byte reads" {
				continue
			}
			got, _ := process(t, stream.Options{MaxLine: 1 << 20}, r.r)
			if got != in {
				t.Errorf("%s, %s: output differs from input (len %d vs %d)\n got %q\nwant %q", name, r.name, len(got), len(in), clip(got), clip(in))
			}
		}
	}
}

// TestAnnotatedKeepsBytes checks the annotation is the only change: the
// original line comes first, then the logfmt pairs, then the original
// terminator.
func TestAnnotatedKeepsBytes(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, term string }{
		{"E EFOTA: download failed resultCode=-1401", "\n"},
		{"E EFOTA: download failed resultCode=-1401", "\r\n"},
		{"E EFOTA: download failed resultCode=-1401", ""},
		{"E EFOTA: \xff\x00 resultCode=-1401", "\n"},
	}
	for _, c := range cases {
		got, st := process(t, stream.Options{}, strings.NewReader("before\n"+c.in+c.term))
		rest, ok := strings.CutPrefix(got, "before\n"+c.in+" errtag.system=knox-efota errtag.code=-1401 ")
		if !ok || !strings.HasSuffix(rest, `"`+c.term) || strings.Contains(rest, "\n") && c.term == "" {
			t.Errorf("%q: got %q", c.in+c.term, got)
		}
		if st.Lines != 2 || st.Annotated != 1 {
			t.Errorf("%q: stats %+v, want 2 lines, 1 annotated", c.in, st)
		}
	}
}

// TestLongLineNotAnnotated: a line over MaxLine passes through unannotated,
// and the lines around it are still matched.
func TestLongLineNotAnnotated(t *testing.T) {
	t.Parallel()
	long := "E EFOTA resultCode=-1401 " + strings.Repeat("y", 5000)
	in := long + "\nE EFOTA resultCode=-1401\n"
	got, st := process(t, stream.Options{MaxLine: 1000}, iotest.HalfReader(strings.NewReader(in)))
	lines := strings.Split(got, "\n")
	if lines[0] != long {
		t.Errorf("long line changed: %q", clip(lines[0]))
	}
	if !strings.Contains(lines[1], "errtag.code=-1401") {
		t.Errorf("line after the long one not annotated: %q", lines[1])
	}
	if st.Lines != 2 {
		t.Errorf("lines = %d, want 2", st.Lines)
	}
}

// TestLineCount counts lines the way wc -l does, plus a last line with no LF.
func TestLineCount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "\n\n": 2, "x resultCode=1 knox\ny\n": 2} {
		if _, st := process(t, stream.Options{}, strings.NewReader(in)); st.Lines != want {
			t.Errorf("%q: %d lines, want %d", in, st.Lines, want)
		}
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadErrorKeepsWhatWasRead: everything before a read failure is
// written, including a partial last line, and the error says where; the
// same when the failure is a stop (a cancelled input.Source returns its
// context's error), through Run and RunParallel.
func TestReadErrorKeepsWhatWasRead(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	for _, failure := range []error{io.ErrUnexpectedEOF, context.Canceled} {
		for _, workers := range []int{0, 1, 3} {
			in := "a\nE EFOTA resultCode=-1401\npart"
			var out bytes.Buffer
			w := output.NewWriter(&out)
			sink, _ := output.NewSink(w, output.Options{})
			p := stream.New(m, stream.Options{})
			r := &failingReader{data: []byte(in), err: failure}
			var err error
			if workers == 0 {
				_, err = p.Run(r, sink)
			} else {
				_, err = p.RunParallel(r, sink, workers)
			}
			var re *stream.ReadError
			if !errors.As(err, &re) || re.Offset != int64(len(in)) || !errors.Is(err, failure) {
				t.Fatalf("%v, %d workers: err = %v, want a ReadError at %d", failure, workers, err, len(in))
			}
			want := "a\nE EFOTA resultCode=-1401 errtag.system=knox-efota errtag.code=-1401 "
			if !strings.HasPrefix(out.String(), want) || !strings.HasSuffix(out.String(), "\npart") {
				t.Errorf("%v, %d workers: output %q", failure, workers, out.String())
			}
		}
	}
}

// TestEngineMatchesOracle is the differential test of the one line-splitting
// engine: documents of every kind of line (real errors, JSON, random bytes,
// lines around MaxLine, LF and CRLF, a last line with or without one), and
// documents of thousands of short lines larger than the read buffers, run
// through Run and RunParallel with many MaxLine values, read sizes, fill
// mode on and off, and 1 to 3 workers, must each give exactly the oracle's
// output and stats.
func TestEngineMatchesOracle(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	r := rand.New(rand.NewPCG(8, 1))
	type doc struct {
		name string
		data []byte
	}
	var docs []doc
	for d := 0; d < 24; d++ {
		maxLine := []int{8, 64, 200, 1024}[r.IntN(4)]
		var b bytes.Buffer
		for i, n := 0, r.IntN(60); i < n; i++ {
			b.WriteString(randomLine(r, maxLine))
			b.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
		}
		b.WriteString([]string{"", "tail", "tail\r", "E EFOTA resultCode=-1401"}[r.IntN(4)])
		docs = append(docs, doc{fmt.Sprintf("mixed-%d", d), b.Bytes()})
	}
	// Larger than Run's 256 KiB buffer and RunParallel's 1 MiB chunks:
	// short lines, an error every so often, a long line in the middle.
	var big bytes.Buffer
	for i := 0; big.Len() < 3<<19; i++ {
		switch {
		case i%97 == 0:
			fmt.Fprintf(&big, "%d 05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\r\n", i)
		case i == 20000:
			big.WriteString(strings.Repeat("L", 300<<10) + "\n")
		default:
			fmt.Fprintf(&big, "line %d of the big document\n", i)
		}
	}
	docs = append(docs, doc{"big", big.Bytes()}, doc{"big, no final LF", big.Bytes()[:big.Len()-1]})

	readPlans := [][]byte{nil, {0}, {3, 200, 17}, {255, 255, 254, 0}}
	bigMaxLines := []int{1024, 4096, 1 << 20}
	if !large() {
		// The big documents through a MaxLine under the long line and
		// one over it.
		bigMaxLines = []int{4096, 1 << 20}
	}
	for di, d := range docs {
		for _, maxLine := range []int{1, 3, 64, 1000, 1024, 4096, 64 << 10, 1 << 20} {
			if len(d.data) > 64<<10 && !slices.Contains(bigMaxLines, maxLine) {
				continue // the same paths as the small documents, slower
			}
			format := []output.Format{output.Auto, output.JSON}[(di+maxLine)%2]
			source := ""
			if di%3 == 0 {
				source = "in.log"
			}
			want, wst := oracle(t, m, config{format: format, source: source, maxLine: maxLine}, d.data)
			for i, cuts := range readPlans {
				if len(d.data) > 64<<10 && (i == 1 || i == 2) {
					continue // small reads of a big document: the same paths, slower
				}
				c := config{format: format, source: source, maxLine: maxLine, cuts: cuts, eofWithData: i%2 == 1}
				for _, drive := range [][2]int{{0, 0}, {1, 0}, {0, 1 + i%3}, {1, 1 + (i+1)%3}} {
					c.fill, c.workers = drive[0] == 1, drive[1]
					got, gst := runWith(t, m, c, d.data)
					if !bytes.Equal(got, want) || gst != wst {
						checkOracle(t, m, c, d.data) // reports the difference
						t.Fatalf("%s, %v: stats %+v, oracle %+v", d.name, c, gst, wst)
					}
				}
			}
		}
	}
}

// TestSmallMaxLineOneRecordPerLine: any MaxLine above the lines' length
// gives one JSON record per line, none marked as too long, however the file
// is read (issue 8, item 1: a whole buffer of complete lines was once taken
// for one long line when reads were gathered into chunks).
func TestSmallMaxLineOneRecordPerLine(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	var in bytes.Buffer
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&in, "short line %d\n", i)
	}
	for _, maxLine := range []int{64, 1024, 4096, 100 << 10, 700 << 10} {
		for _, c := range []config{
			{fill: true, workers: 2},
			{fill: false, workers: 2},
			{fill: true},
			{cuts: []byte{255, 7}, workers: 1},
		} {
			c.format, c.maxLine = output.JSON, maxLine
			out, st := runWith(t, m, c, in.Bytes())
			if n := bytes.Count(out, []byte("\n")); n != 20000 || st.Lines != 20000 {
				t.Errorf("%v: %d records (%d lines counted), want 20000", c, n, st.Lines)
			}
			if bytes.Contains(out, []byte("errtag_long_line")) {
				t.Errorf("%v: a short line was written as too long", c)
			}
		}
	}
}

// TestLinesMatchesRun: Lines, given the same bytes in blocks of whole lines,
// writes exactly what Run writes, in both formats: annotations before the
// terminator, CRLF kept, a last line without terminator, a line over
// MaxLine passed through unannotated.
func TestLinesMatchesRun(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	errLine := "05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401"
	long := strings.Repeat("y", 5000) + " resultCode=-1401"
	blocks := []string{
		"plain\r\n" + errLine + "\r\n",
		errLine + "\n",
		"\n\r\n",
		long + "\n" + errLine + "\n",
		`{"response":{"status":400,"body":{"errorCode":201}}}` + "\r\n",
		"no terminator " + errLine,
	}
	opts := stream.Options{MaxLine: 4096}
	for _, format := range []output.Format{output.Auto, output.JSON} {
		var want bytes.Buffer
		w := output.NewWriter(&want)
		sink, _ := output.NewSink(w, output.Options{Format: format})
		if _, err := stream.New(m, opts).Run(strings.NewReader(strings.Join(blocks, "")), sink); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w = output.NewWriter(&got)
		sink, _ = output.NewSink(w, output.Options{Format: format})
		p := stream.New(m, opts)
		var lines, annotated int64
		for _, b := range blocks {
			st, err := p.Lines(sink, []byte(b))
			if err != nil {
				t.Fatal(err)
			}
			lines += st.Lines
			annotated += st.Annotated
		}
		w.Flush()
		if got.String() != want.String() {
			t.Errorf("%s: Lines wrote\n%q\nRun wrote\n%q", format, got.String(), want.String())
		}
		if lines != 9 || annotated != 4 {
			t.Errorf("%s: stats %d lines %d annotated, want 9 and 4", format, lines, annotated)
		}
		if !strings.Contains(got.String(), "-1401") || (format == output.Auto && !strings.Contains(got.String(), "\"\r\n")) {
			t.Errorf("%s: no annotation before a CRLF: %q", format, got.String())
		}
	}
}

// TestParallelMatchesSequentialOnSamples: RunParallel writes exactly what
// Run writes for the sample logs, with OnAnnotated called in input order.
func TestParallelMatchesSequentialOnSamples(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	var mixed bytes.Buffer
	logs, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		mixed.Write(b)
		mixed.WriteString("\n")
	}
	for _, format := range []output.Format{output.Auto, output.JSON} {
		var outs [2]bytes.Buffer
		var orders [2][]string
		for i, workers := range []int{0, 3} {
			opts := stream.Options{OnAnnotated: func(anns []matcher.Annotation) {
				for _, a := range anns {
					orders[i] = append(orders[i], a.Entry.System+":"+a.Entry.Code)
				}
			}}
			w := output.NewWriter(&outs[i])
			sink, _ := output.NewSink(w, output.Options{Format: format})
			p := stream.New(m, opts)
			var err error
			if workers == 0 {
				_, err = p.Run(iotest.HalfReader(bytes.NewReader(mixed.Bytes())), sink)
			} else {
				_, err = p.RunParallel(iotest.HalfReader(bytes.NewReader(mixed.Bytes())), sink, workers)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
			t.Errorf("%s: RunParallel wrote something else than Run", format)
		}
		if strings.Join(orders[0], ",") != strings.Join(orders[1], ",") || len(orders[0]) < 20 {
			t.Errorf("%s: OnAnnotated order %v, want %v", format, orders[1], orders[0])
		}
	}
}

// TestParallelStopsOnWriteError: a failing writer ends the run with a
// WriteError instead of hanging.
func TestParallelStopsOnWriteError(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("E EFOTA resultCode=-1401 padding padding padding\n", 200000)
	sink, _ := output.NewSink(output.NewWriter(failWriter{}), output.Options{})
	_, err := stream.New(builtinProp(t), stream.Options{}).RunParallel(strings.NewReader(in), sink, 2)
	var we *stream.WriteError
	if !errors.As(err, &we) {
		t.Fatalf("err = %v, want a WriteError", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }
