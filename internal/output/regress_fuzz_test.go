package output_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/errtag/errtag/internal/output"
)

// TestJSONObjectLineWithCR: CR is JSON white space, and a line may hold one
// (a CR before the CRLF terminator, or a bare CR ending the input), so a
// JSON object with CRs around it is still a JSON-object line: the auto sink
// inserts the errtag key and the output stays valid JSON. Found by
// FuzzJSONAnnotation (testdata/fuzz/FuzzJSONAnnotation/528fee685c6b35ff):
// the sink trimmed only spaces and tabs, so it appended logfmt pairs to the
// object and the line was no longer JSON.
func TestJSONObjectLineWithCR(t *testing.T) {
	for _, line := range []string{"\r{}", "{\"a\":1}\r", " \r{\"a\":1}\t\r ", "\r\r{ }\r"} {
		out := runSink(t, output.Options{Format: output.Auto}, []byte(line), []byte("\r\n"), fixedAnnotations[:1])
		body := bytes.TrimSuffix(out, []byte("\r\n"))
		if !json.Valid(body) {
			t.Errorf("%q: output is not JSON: %q", line, body)
			continue
		}
		orig, _, err := stripJSONAnnotation(body, len(line))
		if err != nil || string(orig) != line {
			t.Errorf("%q: output %q minus errtag is %q (%v)", line, body, orig, err)
		}
	}
}
