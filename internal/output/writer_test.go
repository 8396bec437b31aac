package output_test

import (
	"bytes"
	"testing"

	"github.com/errtag/errtag/internal/output"
)

// TestInputsNeverShareALine: when one input's output ends inside a line (no
// final newline, a truncated input), the next input's first line starts on
// a line of its own; what ends inside a line and is followed by nothing (or
// by an input that writes nothing) is left so; and the Sink that wrote
// last may go on with its line.
func TestInputsNeverShareALine(t *testing.T) {
	t.Parallel()
	type write struct {
		sink int // which input's Sink
		line string
		term string
	}
	cases := []struct {
		name   string
		format output.Format
		source bool
		writes []write
		want   string
	}{
		{"no final newline, then the next file", output.Auto, false,
			[]write{{0, "a-last-no-newline", ""}, {1, "b-first", "\n"}},
			"a-last-no-newline\nb-first\n"},
		{"with file names", output.Auto, true,
			[]write{{0, "a1", "\n"}, {0, "a2", ""}, {1, "b1", "\r\n"}},
			"in0:a1\nin0:a2\nin1:b1\r\n"},
		{"a CR ends the first input", output.Auto, false,
			[]write{{0, "a\r", ""}, {1, "b", ""}},
			"a\r\nb"},
		{"the last input keeps its missing newline", output.Auto, false,
			[]write{{0, "a", "\n"}, {1, "b", ""}},
			"a\nb"},
		{"inputs taking turns (follow)", output.Auto, false,
			[]write{{0, "a1", ""}, {1, "b1", ""}, {0, "a2", "\n"}, {0, "a3", ""}, {2, "c", "\n"}},
			"a1\nb1\na2\na3\nc\n"},
		{"json records always end lines", output.JSON, false,
			[]write{{0, "a", ""}, {1, "b", ""}},
			"{\"log\":\"a\"}\n{\"log\":\"b\"}\n"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		w := output.NewWriter(&out)
		var sinks []*output.Sink
		for i := 0; i < 3; i++ {
			opts := output.Options{Format: c.format}
			if c.source {
				opts.Source = []string{"in0", "in1", "in2"}[i]
			}
			s, err := output.NewSink(w, opts)
			if err != nil {
				t.Fatal(err)
			}
			sinks = append(sinks, s)
		}
		for _, wr := range c.writes {
			if err := sinks[wr.sink].Line([]byte(wr.line), []byte(wr.term), nil); err != nil {
				t.Fatal(err)
			}
		}
		// An input that writes nothing adds nothing.
		sinks[2].Plain(nil)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("%s: wrote %q, want %q", c.name, out.String(), c.want)
		}
	}
}

// TestRenderedGoesThroughTheWriter: bytes RunParallel's workers render are
// written as the Sink's own, line boundaries included.
func TestRenderedGoesThroughTheWriter(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := output.NewWriter(&out)
	a, _ := output.NewSink(w, output.Options{})
	b, _ := output.NewSink(w, output.Options{})
	var buf bytes.Buffer
	a.Renderer(&buf).Line([]byte("a"), nil, nil)
	a.WriteRendered(buf.Bytes())
	buf.Reset()
	b.Renderer(&buf).Plain([]byte("b\n"))
	b.WriteRendered(buf.Bytes())
	w.Flush()
	if out.String() != "a\nb\n" {
		t.Errorf("wrote %q", out.String())
	}
}
