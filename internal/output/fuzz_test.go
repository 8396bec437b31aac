package output_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
)

// The fuzz targets here check each format against an independent reader:
// encoding/json for JSON, and a strict logfmt parser (parseErrtagLogfmt) for
// the pairs appended to text lines. The stream fuzzer strips annotations by
// the same rules, so what is verified here is what it relies on.

// runSink writes one line through a sink of the given options and returns
// what it wrote.
func runSink(t *testing.T, opts output.Options, line, term []byte, anns []matcher.Annotation) []byte {
	t.Helper()
	var out bytes.Buffer
	w := output.NewWriter(&out)
	sink, err := output.NewSink(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Line(line, term, anns); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// fixedAnnotations are what FuzzJSONAnnotation inserts: a known row whose
// texts need every kind of JSON escape, and an unknown code.
var fixedAnnotations = []matcher.Annotation{
	{
		Entry: catalog.Entry{
			System: "backend-services", Code: "107", Name: "DUPLICATE_KEY", Category: "data", Group: "Data errors",
			Message:     "The operation results in a \"duplicate\" key\\ for a unique index.\n\x00\t\u2028\xff",
			Remediation: "Check {\"errtag\":1} and retry.",
		},
		Known:        true,
		Alternatives: []catalog.Entry{{Name: "GENERAL_DB"}, {Name: `DUP "VALUES"`}},
		Rule:         "backend-services.error-body",
		Offset:       3,
	},
	{Entry: catalog.Entry{System: "knox-efota", Code: "-1401"}, Rule: "knox-efota.text-result"},
}

// isJSONSpace reports JSON's white space.
func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// FuzzJSONAnnotation: for a line that is a JSON object, the auto sink's
// output is valid JSON and, with the inserted `,"errtag":...` removed, is the
// original line byte for byte.
func FuzzJSONAnnotation(f *testing.F) {
	for _, s := range []string{
		`{}`, `{ }`, ` { "a" : 1 } `, "\t{\"a\":[1,{\"b\":{}}]}\t",
		`{"errtag":{"x":1}}`, `{"a":"}"}`, `{"a":"\"errtag\":"}`, `{"a":"\u2028\ud800"}`,
		`{"source":"knox-efota","deviceId":"R58N3ABCDEF","resultCode":"-2409"}`,
		`{"t":"x","body":"{\"message\":\"An error\",\"errorCode\":901}"}`,
		"{\"a\":\"\xff\xfe\"}", "{\"a\":\r1}",
		`{"a":1e400,"b":-0.0E-0,"c":null,"d":true,"e":false}`,
	} {
		f.Add([]byte(s), false, uint8(0))
		f.Add([]byte(s), true, uint8(1))
	}
	f.Fuzz(func(t *testing.T, line []byte, two bool, termSel uint8) {
		if bytes.IndexByte(line, '\n') >= 0 || !json.Valid(line) {
			return
		}
		if obj := bytes.TrimLeftFunc(line, func(r rune) bool { return r < utf8.RuneSelf && isJSONSpace(byte(r)) }); len(obj) == 0 || obj[0] != '{' {
			return
		}
		anns := fixedAnnotations[:1]
		if two {
			anns = fixedAnnotations
		}
		term := []string{"\n", "\r\n", ""}[termSel%3]
		out := runSink(t, output.Options{Format: output.Auto}, line, []byte(term), anns)
		if slices.Contains(keyList(line), "errtag") {
			// It carries errtag's annotation already: unchanged.
			if !bytes.Equal(out, append(append([]byte{}, line...), term...)) {
				t.Fatalf("line %q with an errtag key: output %q, want it unchanged", line, out)
			}
			return
		}
		body, ok := bytes.CutSuffix(out, []byte(term))
		if !ok {
			t.Fatalf("line %q: output %q does not end with the terminator %q", line, out, term)
		}
		if !json.Valid(body) {
			t.Fatalf("line %q: output is not valid JSON: %q", line, body)
		}
		orig, val, err := stripJSONAnnotation(body, len(line))
		if err != nil {
			t.Fatalf("line %q: output %q: %v", line, body, err)
		}
		if !bytes.Equal(orig, line) {
			t.Fatalf("output minus the errtag key differs from the input:\n  in %q\n out %q\nleft %q", line, body, orig)
		}
		checkAnnotationJSON(t, val, anns)
		// The errtag key is a key of the line's own object.
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			t.Fatalf("output %q: %v", body, err)
		}
		if !bytes.Equal(top["errtag"], val) {
			t.Fatalf("output %q: top-level errtag is %q, want the inserted %q", body, top["errtag"], val)
		}
	})
}

// stripJSONAnnotation removes `,"errtag":V` (or `"errtag":V` in an empty
// object) that the auto sink inserted into out, given the original length,
// and returns what is left and V. The key is found as the last `"errtag":` in
// out: inside V every quote is escaped, so the sequence cannot occur there.
func stripJSONAnnotation(out []byte, origLen int) (orig, val []byte, err error) {
	k := bytes.LastIndex(out, []byte(`"errtag":`))
	if k < 0 {
		return nil, nil, errors.New(`no "errtag": key`)
	}
	n := len(out) - origLen
	start := k
	if k > 0 && out[k-1] == ',' {
		start = k - 1
	}
	if n <= 0 || start+n > len(out) {
		return nil, nil, fmt.Errorf("inserted span does not fit (start %d, %d bytes)", start, n)
	}
	ins := out[start : start+n]
	val = ins[bytes.IndexByte(ins, ':')+1:]
	if !json.Valid(val) {
		return nil, nil, fmt.Errorf("inserted value %q is not valid JSON", val)
	}
	orig = append(append([]byte{}, out[:start]...), out[start+n:]...)
	// A comma is added exactly when the object had members.
	inner := bytes.TrimFunc(orig, func(r rune) bool { return r < utf8.RuneSelf && isJSONSpace(byte(r)) })
	empty := bytes.Equal(bytes.TrimFunc(inner[1:len(inner)-1], func(r rune) bool { return r < utf8.RuneSelf && isJSONSpace(byte(r)) }), nil)
	if empty == (ins[0] == ',') {
		return nil, nil, fmt.Errorf("inserted %q into an object that is empty=%v", ins, empty)
	}
	return orig, val, nil
}

// checkAnnotationJSON decodes an errtag value, always an array of objects
// whatever their number, and compares it with anns.
func checkAnnotationJSON(t *testing.T, val []byte, anns []matcher.Annotation) {
	t.Helper()
	var objs []map[string]any
	if err := json.Unmarshal(val, &objs); err != nil {
		t.Fatalf("errtag %q: %v", val, err)
	}
	if len(objs) != len(anns) {
		t.Fatalf("errtag %q: %d annotations, want %d", val, len(objs), len(anns))
	}
	for i, a := range anns {
		o := objs[i]
		if o["system"] != fixUTF8(a.Entry.System) || o["code"] != fixUTF8(a.Entry.Code) {
			t.Fatalf("errtag %q: annotation %d is %v, want %s:%s", val, i, o, a.Entry.System, a.Entry.Code)
		}
		if a.Known && a.Entry.Message != "" && o["message"] != fixUTF8(a.Entry.Message) {
			t.Fatalf("errtag %q: message %q, want %q", val, o["message"], fixUTF8(a.Entry.Message))
		}
		if !a.Known && o["known"] != false {
			t.Fatalf("errtag %q: unknown code without known:false", val)
		}
	}
}

// fixUTF8 replaces each byte that is not part of valid UTF-8 with U+FFFD, as
// the writers promise to.
func fixUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// kv is one logfmt pair.
type kv struct{ k, v string }

// parseErrtagLogfmt parses what the auto sink appends to a text line: pairs
// ` errtag.KEY=VALUE`, each after exactly one space, where VALUE is bare (no
// space, '=', '"', '\', control or non-ASCII byte) or a JSON string that is
// itself valid UTF-8. Anything else is an error.
func parseErrtagLogfmt(s []byte) ([]kv, error) {
	var out []kv
	for len(s) > 0 {
		if s[0] != ' ' {
			return nil, fmt.Errorf("expected a space before a pair at %q", s)
		}
		s = s[1:]
		rest, ok := bytes.CutPrefix(s, []byte("errtag."))
		if !ok {
			return nil, fmt.Errorf("pair does not start with errtag.: %q", s)
		}
		eq := bytes.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("pair without a key and '=': %q", s)
		}
		for _, c := range rest[:eq] {
			if !('a' <= c && c <= 'z' || c == '_') {
				return nil, fmt.Errorf("bad key %q", rest[:eq])
			}
		}
		key := "errtag." + string(rest[:eq])
		s = rest[eq+1:]
		if len(s) > 0 && s[0] == '"' {
			i := 1
			for ; i < len(s); i++ {
				if s[i] == '\\' {
					i++
					continue
				}
				if s[i] == '"' {
					break
				}
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated quoted value %q", s)
			}
			raw := s[:i+1]
			if !utf8.Valid(raw) {
				return nil, fmt.Errorf("quoted value %q holds invalid UTF-8", raw)
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("quoted value %q: %v", raw, err)
			}
			out = append(out, kv{key, v})
			s = s[i+1:]
		} else {
			j := bytes.IndexByte(s, ' ')
			if j < 0 {
				j = len(s)
			}
			if j == 0 {
				return nil, fmt.Errorf("empty bare value for %s", key)
			}
			for _, c := range s[:j] {
				if c <= ' ' || c == '=' || c == '"' || c == '\\' || c >= utf8.RuneSelf {
					return nil, fmt.Errorf("bare value %q holds %q", s[:j], c)
				}
			}
			out = append(out, kv{key, string(s[:j])})
			s = s[j:]
		}
		if len(s) > 0 && s[0] != ' ' {
			return nil, fmt.Errorf("value not followed by a space: %q", s)
		}
	}
	return out, nil
}

// expectedPairs is the documented logfmt form of a: one pair per field that
// applies, in the order of fields.
func expectedPairs(a *matcher.Annotation, fields []output.Field) []kv {
	var out []kv
	add := func(f output.Field, v string) { out = append(out, kv{"errtag." + string(f), fixUTF8(v)}) }
	e := &a.Entry
	for _, f := range fields {
		switch f {
		case output.FieldSystem:
			add(f, e.System)
		case output.FieldCode:
			add(f, e.Code)
		case output.FieldName:
			if a.Known && e.Name != "" {
				add(f, e.Name)
			}
		case output.FieldCategory:
			if a.Known && e.Category != "" {
				add(f, e.Category)
			}
		case output.FieldGroup:
			if a.Known && e.Group != "" {
				add(f, e.Group)
			}
		case output.FieldMessage:
			if a.Known && e.Message != "" {
				add(f, e.Message)
			}
		case output.FieldRemediation:
			if a.Known && e.Remediation != "" {
				add(f, e.Remediation)
			}
		case output.FieldKnown:
			if !a.Known {
				add(f, "false")
			}
		case output.FieldAlternatives:
			if len(a.Alternatives) > 0 {
				names := make([]string, len(a.Alternatives))
				for i, alt := range a.Alternatives {
					names[i] = alt.Name
				}
				add(f, strings.Join(names, ","))
			}
		case output.FieldRule:
			add(f, a.Rule)
		case output.FieldCue:
			add(f, a.Cue.String())
		}
	}
	return out
}

// isJSONObjectLine says whether line is a JSON-object line: after trimming
// the JSON white space a line can hold (space, tab, CR), one JSON object.
func isJSONObjectLine(line []byte) bool {
	l := bytes.Trim(line, " \t\r")
	return len(l) >= 2 && l[0] == '{' && l[len(l)-1] == '}' && json.Valid(l)
}

// FuzzLogfmtAnnotation: for a text line and any annotation texts, the auto
// sink keeps the line as a byte prefix, appends pairs that a strict logfmt
// parser reads back to the same keys and values (invalid UTF-8 read back as
// U+FFFD), adds no line break, and ends with the line's terminator.
func FuzzLogfmtAnnotation(f *testing.F) {
	f.Add([]byte("05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401"), "knox-efota", "-1401", "DOWNLOAD_FAILED", "Download failed.", "Retry the download.", "", true, false, false)
	f.Add([]byte("E EFOTA: \xff\x00 resultCode=-1401"), "knox-efota", "-1401", "", "", "", "", false, false, false)
	f.Add([]byte("plain line\r"), "backend-services", "107", "DUP", "a \"quoted\" \\ text\nwith\rbreaks", "x=y", "GENERAL,OTHER", true, true, true)
	f.Add([]byte(""), "", "", "", "", "", "", true, true, false)
	f.Add([]byte(`not {"json"`), "s", "c", "n\xff\xfe", "\u2028\u2029\x7f\x1f", "tab\there", "=", true, false, true)
	f.Add([]byte(" errtag.system=fake"), "wusp", "ConfigChanged", "ConfigChanged", "The server configuration has changed.", "", "", true, true, true)
	f.Fuzz(func(t *testing.T, line []byte, system, code, name, message, remediation, alt string, known, all, two bool) {
		if bytes.IndexByte(line, '\n') >= 0 || isJSONObjectLine(line) {
			return
		}
		a := matcher.Annotation{
			Entry: catalog.Entry{
				System: system, Code: code, Name: name, Category: "network", Group: "Sync errors",
				Message: message, Remediation: remediation,
			},
			Known: known,
			Rule:  "fuzz." + name,
		}
		if alt != "" {
			a.Alternatives = []catalog.Entry{{Name: alt}, {Name: "OTHER"}}
		}
		anns := []matcher.Annotation{a}
		if two {
			anns = append(anns, fixedAnnotations...)
		}
		fields := output.DefaultFields()
		if all {
			fields = output.AllFields()
		}
		var want []kv
		for i := range anns {
			want = append(want, expectedPairs(&anns[i], fields)...)
		}
		for _, term := range []string{"\n", "\r\n", ""} {
			out := runSink(t, output.Options{Format: output.Auto, Fields: fields}, line, []byte(term), anns)
			if hasLogfmtGroup(line) {
				// It carries errtag's annotation already: unchanged.
				if !bytes.Equal(out, append(append([]byte{}, line...), term...)) {
					t.Fatalf("line %q ending in errtag pairs: output %q, want it unchanged", line, out)
				}
				continue
			}
			rest, ok := bytes.CutPrefix(out, line)
			if !ok {
				t.Fatalf("line %q is not a prefix of the output %q", line, out)
			}
			suffix, ok := bytes.CutSuffix(rest, []byte(term))
			if !ok {
				t.Fatalf("line %q: output %q does not end with the terminator %q", line, out, term)
			}
			if i := bytes.IndexAny(suffix, "\r\n"); i >= 0 {
				t.Fatalf("line %q: the annotation holds a raw line break: %q", line, suffix)
			}
			got, err := parseErrtagLogfmt(suffix)
			if err != nil {
				t.Fatalf("line %q: appended %q: %v", line, suffix, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("line %q: appended %q\n read back %q\n      want %q", line, suffix, got, want)
			}
		}
	})
}

// FuzzJSONOutput (--output json): every record is one line of valid JSON. A
// line that is not a JSON object comes back exactly from "log", or from
// "log_base64" when present (and "log" then reads as the line with invalid
// bytes replaced); a JSON-object line keeps its bytes up to its closing
// brace. A line streamed in chunks as too long comes back in "log" too.
func FuzzJSONOutput(f *testing.F) {
	for _, s := range []string{
		"", "plain", "E EFOTA: \xff\x00 resultCode=-1401", "\x00\x01\x1f\x7f\u2028\u2029",
		`{"a":1}`, ` {"a":1} `, `{}`, `{ }`, "{\"a\":\"\xff\"}", "{\"a\":1}\r", `{"log":"x"}`,
		`{`, `[1,2]`, `"str"`, "\xe2\x82\xac\xe2\x82", "\xf0\x9f\x98\x80 \xed\xa0\x80",
		`{"level":"error","file":"main.go:12","msg":"x"}`, `{"file":1,"errtag_file":2}`, `{"\u0066ile":1}`,
		`{"errtag":{"system":"x"},"file":"a.log"}`, "plain errtag.system=x errtag.code=1",
		`{"file":1,"file":2}`, `{"log":"plain errtag.system=x errtag.code=1"}`, `{"log":"plain errtag.nosuch=1"}`,
		`{"log":1}`,
	} {
		f.Add([]byte(s), false, false, []byte{1, 2})
		f.Add([]byte(s), true, true, []byte{3})
	}
	f.Fuzz(func(t *testing.T, line []byte, withAnn, withSource bool, cuts []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		var anns []matcher.Annotation
		if withAnn {
			anns = fixedAnnotations[:1]
		}
		opts := output.Options{Format: output.JSON}
		if withSource {
			opts.Source = "dir/fuzz \"x\".log"
		}
		out := runSink(t, opts, line, []byte("\n"), anns)
		rec := checkOneRecord(t, line, out)
		trimmed := bytes.Trim(line, " \t\r")
		var in []string // the keys the line itself has, if it is an object
		var added []string
		if isJSONObjectLine(line) && utf8.Valid(line) {
			// The object is kept as written, up to its closing brace.
			keep := trimmed[:len(trimmed)-1]
			if !bytes.HasPrefix(out, keep) {
				t.Fatalf("JSON line %q: record %q does not start with the object's bytes", line, out)
			}
			in = keyList(trimmed)
			switch {
			case slices.Contains(in, "errtag"):
				// errtag's output again: written as it is.
				if !bytes.Equal(out, append(append([]byte{}, trimmed...), '\n')) {
					t.Fatalf("JSON line %q with an errtag key: record %q, want the object itself", line, out)
				}
			case withSource && !slices.Contains(in, output.FileKey):
				added = append(added, output.FileKey)
			case withSource && !slices.Contains(in, output.FileKeyAlt):
				added = append(added, output.FileKeyAlt)
			}
			if withAnn && !slices.Contains(in, "errtag") && !annotatedLog(trimmed) {
				added = append(added, "errtag")
			}
			if !withAnn && !withSource && !bytes.Equal(out, append(append([]byte{}, trimmed...), '\n')) {
				t.Fatalf("JSON line %q: record %q, want the object itself", line, out)
			}
		} else {
			checkLogField(t, line, rec, false)
			in = []string{"log"}
			if !utf8.Valid(line) {
				in = append(in, "log_base64")
			}
			if withSource {
				added = append(added, output.FileKey)
			}
			if withAnn && !hasLogfmtGroup(line) {
				added = append(added, "errtag")
			}
		}
		// No key is written twice: the record's keys are the line's and
		// those errtag adds, each once.
		if got, want := keyList(out), append(in, added...); !slices.Equal(got, want) {
			t.Fatalf("line %q: record %q has keys %q, want %q", line, out, got, want)
		}
		if withSource && len(added) > 0 && added[0] != "errtag" {
			if k := added[0]; string(rec[k]) != `"dir/fuzz \"x\".log"` {
				t.Fatalf("line %q: %s is %s", line, k, rec[k])
			}
		}

		// The same line as a too-long line, in chunks cut where cuts say.
		var buf bytes.Buffer
		w := output.NewWriter(&buf)
		sink, err := output.NewSink(w, opts)
		if err != nil {
			t.Fatal(err)
		}
		sink.LongStart()
		rest := line
		for _, c := range cuts {
			if len(rest) == 0 {
				break
			}
			n := int(c) % (len(rest) + 1)
			sink.LongChunk(rest[:n])
			rest = rest[n:]
		}
		sink.LongChunk(rest)
		sink.LongEnd([]byte("\r\n"))
		w.Flush()
		rec = checkOneRecord(t, line, buf.Bytes())
		if string(rec["errtag_long_line"]) != "true" {
			t.Fatalf("long line %q: record %q lacks errtag_long_line", line, buf.Bytes())
		}
		checkLogField(t, line, rec, true)
	})
}

// keyList returns the top-level keys of a JSON object in order, decoded,
// duplicates included.
func keyList(obj []byte) []string {
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return keys
		}
		keys = append(keys, k.(string))
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return keys
		}
	}
	return keys
}

// hasLogfmtGroup reports whether a text line ends, from some " errtag." on,
// in pairs parseErrtagLogfmt reads whose keys are all errtag's fields: an
// annotation errtag wrote.
func hasLogfmtGroup(line []byte) bool {
	for from := 0; ; {
		i := bytes.Index(line[from:], []byte(" errtag."))
		if i < 0 {
			return false
		}
		if pairs, err := parseErrtagLogfmt(line[from+i:]); err == nil && len(pairs) > 0 {
			known := true
			for _, p := range pairs {
				known = known && slices.Contains(output.AllFields(), output.Field(strings.TrimPrefix(p.k, "errtag.")))
			}
			if known {
				return true
			}
		}
		from += i + 1
	}
}

// annotatedLog reports whether obj, a JSON object, has a "log" string
// ending in errtag's logfmt annotation: errtag's record of a line it
// annotated, which it does not annotate again.
func annotatedLog(obj []byte) bool {
	var rec map[string]json.RawMessage
	if json.Unmarshal(obj, &rec) != nil {
		return false
	}
	var log string
	return json.Unmarshal(rec["log"], &log) == nil && hasLogfmtGroup([]byte(log))
}

// checkOneRecord checks out is one line holding one JSON object, and returns
// the object's fields.
func checkOneRecord(t *testing.T, line, out []byte) map[string]json.RawMessage {
	t.Helper()
	if len(out) == 0 || out[len(out)-1] != '\n' || bytes.IndexByte(out[:len(out)-1], '\n') >= 0 {
		t.Fatalf("line %q: record is not one line: %q", line, out)
	}
	if !json.Valid(out) {
		t.Fatalf("line %q: record is not valid JSON: %q", line, out)
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(out, &rec); err != nil {
		t.Fatalf("line %q: record %q is not an object: %v", line, out, err)
	}
	return rec
}

// checkLogField checks that rec gives line back: "log" is the line (invalid
// bytes as U+FFFD), and its exact bytes are in "log" or "log_base64".
func checkLogField(t *testing.T, line []byte, rec map[string]json.RawMessage, long bool) {
	t.Helper()
	var log string
	if err := json.Unmarshal(rec["log"], &log); err != nil {
		t.Fatalf("line %q: log field %q: %v", line, rec["log"], err)
	}
	if !utf8.Valid(rec["log"]) {
		t.Fatalf("line %q: log field %q holds invalid UTF-8", line, rec["log"])
	}
	if log != fixUTF8(string(line)) {
		t.Fatalf("line %q: log reads %q, want %q", line, log, fixUTF8(string(line)))
	}
	if long {
		lossy := string(rec["log_invalid_utf8"]) == "true"
		if lossy == utf8.Valid(line) {
			t.Fatalf("long line %q: log_invalid_utf8=%v for a line that is valid UTF-8=%v", line, lossy, utf8.Valid(line))
		}
		return
	}
	b64, has := rec["log_base64"]
	if !has {
		if !utf8.Valid(line) {
			t.Fatalf("line %q is not valid UTF-8 but the record has no log_base64", line)
		}
		return
	}
	var s string
	if err := json.Unmarshal(b64, &s); err != nil {
		t.Fatalf("line %q: log_base64 %q: %v", line, b64, err)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !bytes.Equal(raw, line) {
		t.Fatalf("line %q: log_base64 gives %q (%v)", line, raw, err)
	}
}
