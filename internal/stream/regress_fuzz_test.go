package stream_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/output"
)

// TestMaxLineExcludesTerminatorCR: MaxLine counts the line without its
// terminator, so a line of exactly MaxLine bytes is matched whatever the
// read boundaries. Found by TestPropertyOutputMinusAnnotationIsInput and
// FuzzStream: when the CR of the terminator is in the buffer and its LF is
// not yet, the held bytes are MaxLine+1
// and the line was streamed as too long: unannotated in auto output, and
// marked "errtag_long_line" in JSON output. RunParallel holds lines the
// same way and is checked too.
func TestMaxLineExcludesTerminatorCR(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	line := "05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401"
	cases := []struct {
		name string
		in   string
		cuts []byte // read sizes minus one; none means one read
	}{
		{"CRLF, one read", line + "\r\n", nil},
		{"CRLF, read cut between CR and LF", line + "\r\n", []byte{byte(len(line)), 0}},
		{"CRLF then more lines, cut between CR and LF", line + "\r\nnext\n", []byte{byte(len(line)), 10}},
		{"LF, one read", line + "\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, st := runStream(t, m, output.Auto, len(line), []byte(c.in), c.cuts, false)
			if st.Annotated != 1 || !bytes.HasPrefix(out, []byte(line+" errtag.system=knox-efota errtag.code=-1401 ")) {
				t.Errorf("auto: line of exactly MaxLine bytes not annotated (stats %+v):\n%q", st, out)
			}
			out, _ = runStream(t, m, output.JSON, len(line), []byte(c.in), c.cuts, false)
			first, _, _ := strings.Cut(string(out), "\n")
			if strings.Contains(first, "errtag_long_line") || !strings.Contains(first, `"errtag":[{"system":"knox-efota"`) {
				t.Errorf("json: line of exactly MaxLine bytes treated as too long:\n%s", first)
			}
			par, pst := runWith(t, m, config{format: output.Auto, maxLine: len(line), cuts: c.cuts, workers: 2}, []byte(c.in))
			if pst.Annotated != 1 || !bytes.HasPrefix(par, []byte(line+" errtag.system=knox-efota errtag.code=-1401 ")) {
				t.Errorf("RunParallel: line of exactly MaxLine bytes not annotated (stats %+v):\n%q", pst, par)
			}
		})
	}
}

// TestLastCRIsContent: a CR at the end of the input, before no LF, is not a
// terminator (a line ends in LF, and only a CR before the LF belongs to the
// terminator): it is the last line's last byte. Auto writes the annotation
// after it, JSON keeps it in "log", and it counts toward MaxLine. Found by
// the red team of issue 12 (A2): the CR was taken for a terminator, so JSON
// dropped it and Auto annotated before it.
func TestLastCRIsContent(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	line := "05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\r"
	in := []byte("first\r\n" + line)
	for _, cuts := range [][]byte{nil, {0}, {7, byte(len(line) - 2), 0}} {
		for _, c := range []config{
			{format: output.Auto, maxLine: len(line), cuts: cuts},
			{format: output.Auto, maxLine: len(line), cuts: cuts, workers: 2},
			{format: output.Auto, maxLine: len(line), cuts: cuts, fill: true},
		} {
			out, st := runWith(t, m, c, in)
			want := "first\r\n" + line + " errtag.system=knox-efota errtag.code=-1401 "
			if st.Annotated != 1 || !strings.HasPrefix(string(out), want) || strings.HasSuffix(string(out), "\n") {
				t.Errorf("auto %+v: %q, want %q... without a final LF", c, out, want)
			}
		}
		out, _ := runStream(t, m, output.JSON, len(line), in, cuts, false)
		if _, last, _ := strings.Cut(string(out), "\n"); !strings.HasPrefix(last, `{"log":"05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\r","errtag":[`) {
			t.Errorf("json, cuts %v: %q", cuts, out)
		}
		// One byte less of MaxLine: the CR makes the line too long.
		out, st := runStream(t, m, output.Auto, len(line)-1, in, cuts, false)
		if st.Annotated != 0 || string(out) != string(in) {
			t.Errorf("auto, MaxLine one less, cuts %v: %q (stats %+v)", cuts, out, st)
		}
		out, _ = runStream(t, m, output.JSON, len(line)-1, in, cuts, false)
		if _, last, _ := strings.Cut(string(out), "\n"); last != `{"log":"05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\r","errtag_long_line":true}`+"\n" {
			t.Errorf("json, MaxLine one less, cuts %v: %q", cuts, out)
		}
	}
}
