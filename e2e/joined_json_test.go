package e2e

import (
	"strings"
	"testing"
)

// TestJoinedRecordNotJSON: a Docker record that ends pieces is matched on
// the text the pieces make, which may be a JSON object when the record's
// own line is not (here: a trailing comma). The line is written as the
// text line it is, the annotation appended as logfmt pairs, and a key
// "errtag" in the invalid line does not make errtag take the line as one
// it annotated already (red team of issue 13: the writers took "the
// matcher read a JSON object" for the written line, and broke both).
func TestJoinedRecordNotJSON(t *testing.T) {
	first := `{"log":"{\"source\":\"knox-efota\",","stream":"stdout","time":"t"}` + "\n"
	for _, last := range []string{
		`{"log":"\"resultCode\":-2409}\n","stream":"stdout","time":"t",}`,
		`{"log":"\"resultCode\":-2409}\n","stream":"stdout","time":"t","errtag":1,}`,
	} {
		for _, args := range [][]string{nil, {"--format", "json"}} {
			code, out, errs := errtag(t, strings.NewReader(first+last+"\n"), args...)
			if code != 0 {
				t.Fatalf("%v: exit %d, stderr %s", args, code, errs)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 2 {
				t.Fatalf("%v: %d lines out: %q", args, len(lines), out)
			}
			got := lines[1]
			if args == nil {
				want := last + " errtag.system=knox-efota errtag.code=-2409 "
				if !strings.HasPrefix(got, want) {
					t.Errorf("%q: got %q, want it to start %q", last, got, want)
				}
				continue
			}
			// --format json: the invalid line is a text line, its
			// record's "line" holds it whole, and it is annotated.
			if !strings.Contains(got, `"code":"-2409"`) || strings.HasPrefix(got, last[:len(last)-1]) {
				t.Errorf("%q with --format json: got %q", last, got)
			}
		}
	}
}
