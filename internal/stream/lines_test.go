package stream

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/output"
)

// TestLinesMatchesRun: Lines, given the same bytes in blocks of whole lines,
// writes exactly what Run writes, in both formats: annotations before the
// terminator, CRLF kept, a last line without terminator, a line over
// MaxLine passed through unannotated.
func TestLinesMatchesRun(t *testing.T) {
	m := builtinMatcher(t)
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
	opts := Options{MaxLine: 4096}
	for _, format := range []output.Format{output.Auto, output.JSON} {
		var want bytes.Buffer
		w := bufio.NewWriter(&want)
		sink, _ := output.New(w, output.Options{Format: format})
		if _, err := New(m, opts).Run(t.Context(), strings.NewReader(strings.Join(blocks, "")), sink, w); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w = bufio.NewWriter(&got)
		sink, _ = output.New(w, output.Options{Format: format})
		p := New(m, opts)
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
