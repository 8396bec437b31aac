package stream

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/rules"
)

func builtinMatcher(t testing.TB) *matcher.Matcher {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(cat, rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	m, err := matcher.New(set, cat, matcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// process runs in through a Processor in auto format and returns the output.
func process(t testing.TB, m *matcher.Matcher, opts Options, r io.Reader) (string, Stats) {
	t.Helper()
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	sink, err := output.New(w, output.Options{Format: output.Auto})
	if err != nil {
		t.Fatal(err)
	}
	st, err := New(m, opts).Run(context.Background(), r, sink, w)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), st
}

// TestPassThroughExact feeds lines that carry no error and requires the
// output to be the input, byte for byte, whatever the bytes and however the
// reads are split.
func TestPassThroughExact(t *testing.T) {
	m := builtinMatcher(t)
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
		t.Run(name, func(t *testing.T) {
			for _, r := range []struct {
				name string
				r    io.Reader
			}{
				{"whole", strings.NewReader(in)},
				{"one byte reads", iotest.OneByteReader(strings.NewReader(in))},
				{"half reads", iotest.HalfReader(strings.NewReader(in))},
			} {
				if len(in) > 1<<20 && r.name == "one byte reads" {
					continue
				}
				got, _ := process(t, m, Options{MaxLine: 1 << 20}, r.r)
				if got != in {
					t.Errorf("%s: output differs from input (len %d vs %d)\n got %q\nwant %q", r.name, len(got), len(in), clip(got), clip(in))
				}
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:100] + "..." + s[len(s)-100:]
	}
	return s
}

// TestAnnotatedKeepsBytes checks the annotation is the only change: the
// original line comes first, then the logfmt pairs, then the original
// terminator.
func TestAnnotatedKeepsBytes(t *testing.T) {
	m := builtinMatcher(t)
	cases := []struct{ in, term string }{
		{"E EFOTA: download failed resultCode=-1401", "\n"},
		{"E EFOTA: download failed resultCode=-1401", "\r\n"},
		{"E EFOTA: download failed resultCode=-1401", ""},
		{"E EFOTA: \xff\x00 resultCode=-1401", "\n"},
	}
	for _, c := range cases {
		got, st := process(t, m, Options{}, strings.NewReader("before\n"+c.in+c.term))
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
	m := builtinMatcher(t)
	long := "E EFOTA resultCode=-1401 " + strings.Repeat("y", 5000)
	in := long + "\nE EFOTA resultCode=-1401\n"
	got, st := process(t, m, Options{MaxLine: 1000}, iotest.HalfReader(strings.NewReader(in)))
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
	m := builtinMatcher(t)
	for in, want := range map[string]int64{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "\n\n": 2, "x resultCode=1 knox\ny\n": 2} {
		if _, st := process(t, m, Options{}, strings.NewReader(in)); st.Lines != want {
			t.Errorf("%q: %d lines, want %d", in, st.Lines, want)
		}
	}
}

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
// written, including a partial last line, and the error says where.
func TestReadErrorKeepsWhatWasRead(t *testing.T) {
	m := builtinMatcher(t)
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	sink, _ := output.New(w, output.Options{})
	_, err := New(m, Options{}).Run(context.Background(), &failingReader{data: []byte("a\nb\npart"), err: io.ErrUnexpectedEOF}, sink, w)
	var re *ReadError
	if !asReadError(err, &re) || re.Offset != 8 {
		t.Fatalf("err = %v, want ReadError at 8", err)
	}
	if out.String() != "a\nb\npart" {
		t.Errorf("output %q", out.String())
	}
}

func asReadError(err error, re **ReadError) bool {
	r, ok := err.(*ReadError)
	*re = r
	return ok
}
