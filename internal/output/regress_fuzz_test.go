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

// TestJSONRecordOfAnnotatedLine: errtag's JSON record of a text line that
// carried errtag's annotation ({"log":"... errtag.code=-1401"}) is not
// annotated again, in json or auto output: errtag is idempotent on its
// own output whatever the formats. It used to get an "errtag" key.
func TestJSONRecordOfAnnotatedLine(t *testing.T) {
	t.Parallel()
	for _, f := range []output.Format{output.JSON, output.Auto} {
		opts := output.Options{Format: f}
		line := `{"log":"E EFOTA: download failed resultCode=-1401 errtag.code=-1401"}`
		if out := runSink(t, opts, []byte(line), []byte("\n"), fixedAnnotations[:1]); string(out) != line+"\n" {
			t.Errorf("%s: %q, want the record as it is", f, out)
		}
		// A log string without errtag's pairs is annotated.
		line = `{"log":"E EFOTA: download failed resultCode=-1401"}`
		if out := runSink(t, opts, []byte(line), []byte("\n"), fixedAnnotations[:1]); !bytes.Contains(out, []byte(`"errtag":`)) {
			t.Errorf("%s: %q, want an annotation", f, out)
		}
	}
}
