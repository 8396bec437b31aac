package stream

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
)

func sinkFactory(t testing.TB, format output.Format, maxLine int) SinkFactory {
	return func(w output.Writer) output.Sink {
		s, err := output.New(w, output.Options{Format: format, MaxLine: maxLine})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func runBoth(t *testing.T, m *matcher.Matcher, opts Options, format output.Format, in string, split func(io.Reader) io.Reader) (seq, par string, seqStats, parStats Stats) {
	t.Helper()
	var a, b bytes.Buffer
	var seqOrder, parOrder []string
	record := func(order *[]string) func([]matcher.Annotation) {
		return func(anns []matcher.Annotation) {
			for _, an := range anns {
				*order = append(*order, an.Entry.System+":"+an.Entry.Code)
			}
		}
	}
	wa := bufio.NewWriter(&a)
	sa, _ := output.New(wa, output.Options{Format: format, MaxLine: opts.MaxLine})
	opts.OnAnnotated = record(&seqOrder)
	seqStats, err := New(m, opts).Run(context.Background(), split(strings.NewReader(in)), sa, wa)
	if err != nil {
		t.Fatal(err)
	}
	opts.OnAnnotated = record(&parOrder)
	wb := bufio.NewWriter(&b)
	parStats, err = New(m, opts).RunParallel(context.Background(), split(strings.NewReader(in)), sinkFactory(t, format, opts.MaxLine), wb, 3)
	if err != nil {
		t.Fatal(err)
	}
	// OnAnnotated is called in input order.
	if strings.Join(seqOrder, ",") != strings.Join(parOrder, ",") {
		t.Errorf("OnAnnotated order %v, want %v", parOrder, seqOrder)
	}
	return a.String(), b.String(), seqStats, parStats
}

// TestParallelMatchesSequential: RunParallel writes exactly what Run
// writes, for hostile inputs, every read pattern and both formats.
func TestParallelMatchesSequential(t *testing.T) {
	m := builtinMatcher(t)
	var mixed strings.Builder
	logs, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		mixed.Write(b)
		mixed.WriteString("\n")
	}
	rng := rand.New(rand.NewSource(7))
	var big strings.Builder
	for big.Len() < 3<<19 {
		switch rng.Intn(10) {
		case 0:
			big.WriteString("05-14 10:11:02.118 E EFOTA   : download failed resultCode=-1401\r\n")
		case 1:
			big.WriteString(strings.Repeat("z", rng.Intn(3000)) + "\n")
		default:
			big.WriteString("May 14 08:00:01 host sshd[2211]: Accepted publickey for deploy port 52214\n")
		}
	}
	inputs := map[string]string{
		"mixed":        mixed.String(),
		"big":          big.String(),
		"no final lf":  "a\nE EFOTA resultCode=-1401",
		"huge lines":   strings.Repeat("q", 3<<20) + "\nE EFOTA resultCode=-1401\n" + strings.Repeat("r", 2<<20) + "\r\n" + strings.Repeat("s", 2<<20),
		"empty":        "",
		"crlf":         "a\r\nb\r\n",
		"invalid utf8": "\xff\xfe\n\x00\n",
	}
	splits := map[string]func(io.Reader) io.Reader{
		"whole": func(r io.Reader) io.Reader { return r },
		"half":  iotest.HalfReader,
		"data err": func(r io.Reader) io.Reader {
			return iotest.DataErrReader(r)
		},
	}
	for name, in := range inputs {
		for sname, split := range splits {
			for _, format := range []output.Format{output.Auto, output.JSON} {
				for _, maxLine := range []int{1 << 20, 100} {
					seq, par, ss, ps := runBoth(t, m, Options{MaxLine: maxLine}, format, in, split)
					if seq != par {
						t.Errorf("%s/%s/%s/max %d: outputs differ (len %d vs %d)\nseq %q\npar %q", name, sname, format, maxLine, len(seq), len(par), clip(seq), clip(par))
					}
					if ss.Lines != ps.Lines || ss.Annotated != ps.Annotated || ss.Bytes != ps.Bytes {
						t.Errorf("%s/%s/%s/max %d: stats %+v vs %+v", name, sname, format, maxLine, ss, ps)
					}
				}
			}
		}
	}
}

// TestParallelStopsOnWriteError: a failing writer ends the run with a
// WriteError instead of hanging.
func TestParallelStopsOnWriteError(t *testing.T) {
	m := builtinMatcher(t)
	in := strings.Repeat("E EFOTA resultCode=-1401 padding padding padding\n", 200000)
	w := bufio.NewWriterSize(failWriter{}, 4096)
	_, err := New(m, Options{}).RunParallel(context.Background(), strings.NewReader(in), sinkFactory(t, output.Auto, 0), w, 2)
	if _, ok := err.(*WriteError); !ok {
		t.Fatalf("err = %v, want a WriteError", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }
