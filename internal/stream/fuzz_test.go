package stream_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/rules"
	"github.com/errtag/errtag/internal/stream"
)

var (
	propMatcherOnce sync.Once
	propMatcher     *matcher.Matcher
	propMatcherErr  error
)

// builtinProp returns the built-in matcher (no --system), built once.
// large says to run the large versions of the tests that have one
// (ERRTAG_TEST_LARGE=1, as CI does); by default each runs a quick version
// of the same promise.
func large() bool { return os.Getenv("ERRTAG_TEST_LARGE") != "" }

func builtinProp(t testing.TB) *matcher.Matcher {
	t.Helper()
	propMatcherOnce.Do(func() {
		cat, err := catalog.Builtin()
		if err != nil {
			propMatcherErr = err
			return
		}
		set, err := rules.Compile(cat, rules.Builtin())
		if err != nil {
			propMatcherErr = err
			return
		}
		propMatcher, propMatcherErr = matcher.New(set, cat, matcher.Options{})
	})
	if propMatcherErr != nil {
		t.Fatal(propMatcherErr)
	}
	return propMatcher
}

// cutReader hands out data in reads whose sizes cycle through cuts (each
// size is the byte plus one; no cuts means one read). With eofWithData the
// last bytes come with io.EOF, as some readers do.
type cutReader struct {
	data        []byte
	cuts        []byte
	i           int
	eofWithData bool
}

func (r *cutReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.cuts) > 0 {
		n = int(r.cuts[r.i%len(r.cuts)]) + 1
		r.i++
	}
	n = min(n, len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	if r.eofWithData && len(r.data) == 0 {
		return n, io.EOF
	}
	return n, nil
}

// config says how a test runs the stream: the format, MaxLine, how reads
// are cut, and which driver.
type config struct {
	format  output.Format
	source  string // output.Options.Source
	maxLine int
	// cuts and eofWithData drive a cutReader.
	cuts        []byte
	eofWithData bool
	// fill marks the reader stream.NonBlocking.
	fill bool
	// workers > 0 runs RunParallel with that many workers; 0 runs Run.
	workers int
}

func (c config) String() string {
	return fmt.Sprintf("%s source=%q maxLine=%d cuts=%v eofWithData=%v fill=%v workers=%d",
		c.format, c.source, c.maxLine, c.cuts, c.eofWithData, c.fill, c.workers)
}

// runWith runs data through a Processor as c says, and returns the output
// and stats.
func runWith(t testing.TB, m *matcher.Matcher, c config, data []byte) ([]byte, stream.Stats) {
	t.Helper()
	var out bytes.Buffer
	w := output.NewWriter(&out)
	sink, err := output.NewSink(w, output.Options{Format: c.format, Source: c.source})
	if err != nil {
		t.Fatal(err)
	}
	var r io.Reader = &cutReader{data: data, cuts: c.cuts, eofWithData: c.eofWithData}
	if c.fill {
		r = stream.NonBlocking(r)
	}
	p := stream.New(m, stream.Options{MaxLine: c.maxLine})
	var st stream.Stats
	if c.workers > 0 {
		st, err = p.RunParallel(r, sink, c.workers)
	} else {
		st, err = p.Run(r, sink)
	}
	if err != nil {
		t.Fatalf("%v: %v", c, err)
	}
	return out.Bytes(), st
}

// runStream runs data through Run writing format, with reads cut as cuts
// say, and returns the output and stats.
func runStream(t testing.TB, m *matcher.Matcher, format output.Format, maxLine int, data, cuts []byte, eofWithData bool) ([]byte, stream.Stats) {
	t.Helper()
	return runWith(t, m, config{format: format, maxLine: maxLine, cuts: cuts, eofWithData: eofWithData}, data)
}

// oracle is the reference line splitter the engine is checked against: it
// holds the whole input, cuts it after every LF, and writes each line
// through Line, or LongStart, LongChunk and LongEnd when it is longer than
// maxLine. The engine must write exactly what it writes, whatever the
// reads, MaxLine, driver and workers.
func oracle(t testing.TB, m *matcher.Matcher, c config, data []byte) ([]byte, stream.Stats) {
	t.Helper()
	var out bytes.Buffer
	w := output.NewWriter(&out)
	sink, err := output.NewSink(w, output.Options{Format: c.format, Source: c.source})
	if err != nil {
		t.Fatal(err)
	}
	st := stream.Stats{Bytes: int64(len(data))}
	pieces := splitLines(data)
	ref := refAnnotations(m, pieces, c.maxLine)
	for i, piece := range pieces {
		line, term := splitTerm(piece)
		st.Lines++
		if len(line) > c.maxLine {
			sink.LongStart()
			sink.LongChunk(line)
			sink.LongEnd(term)
			continue
		}
		anns := ref[i]
		if len(anns) > 0 {
			st.Annotated++
		}
		sink.Line(line, term, anns)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), st
}

// checkOracle runs data as c says and compares output and stats with the
// oracle's.
func checkOracle(t testing.TB, m *matcher.Matcher, c config, data []byte) []byte {
	t.Helper()
	got, gst := runWith(t, m, c, data)
	want, wst := oracle(t, m, c, data)
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%v: output differs from the oracle's at byte %d (len %d, want %d)\n got ...%s\nwant ...%s\ninput %s",
			c, i, len(got), len(want), clipQ(got[max(0, i-80):min(len(got), i+80)]), clipQ(want[max(0, i-80):min(len(want), i+80)]), clipQ(data))
	}
	if gst != wst {
		t.Fatalf("%v: stats %+v, oracle %+v", c, gst, wst)
	}
	return got
}

// splitLines cuts b after every LF; a last piece without LF is a line too.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// splitTerm separates a piece from splitLines into line and terminator the
// way the docs define a line: it ends in LF, and a CR before the LF
// belongs to the terminator; a CR at the end of the input, before no LF,
// is part of the last line.
func splitTerm(piece []byte) (line, term []byte) {
	n := len(piece)
	switch {
	case n >= 2 && piece[n-2] == '\r' && piece[n-1] == '\n':
		return piece[:n-2], piece[n-2:]
	case n >= 1 && piece[n-1] == '\n':
		return piece[:n-1], piece[n-1:]
	}
	return piece, nil
}

// stripCandidates returns what an annotated output piece may have been
// before the auto sink annotated it, removing exactly what the sink adds:
//   - a JSON-object line: `,"errtag":V` (or `"errtag":V` in an empty object)
//     right before the closing brace, V valid JSON. The key is the last
//     `"errtag":` on the line (inside V every quote is escaped);
//   - a text line: ` errtag.system=... errtag.k=v ...` before the
//     terminator, read by a strict logfmt parser. Each ` errtag.system=`
//     from which the rest of the line parses is a candidate, since the line
//     itself may hold such text.
func stripCandidates(piece []byte) [][]byte {
	body, term := splitTerm(piece)
	var out [][]byte
	join := func(a, b []byte) []byte {
		return append(append(append([]byte{}, a...), b...), term...)
	}
	if t := bytes.TrimRight(body, " \t\r"); len(t) > 0 && t[len(t)-1] == '}' {
		closing := len(t) - 1
		if k := bytes.LastIndex(t, []byte(`"errtag":`)); k >= 0 && json.Valid(t[k+len(`"errtag":`):closing]) {
			start := k
			if k > 0 && body[k-1] == ',' {
				start = k - 1
			}
			out = append(out, join(body[:start], body[closing:]))
		}
	}
	marker := []byte(" errtag.system=")
	for from := 0; ; {
		p := bytes.Index(body[from:], marker)
		if p < 0 {
			break
		}
		p += from
		if _, err := parseErrtagLogfmt(body[p:], true); err == nil {
			out = append(out, join(body[:p], nil))
		}
		from = p + 1
	}
	return out
}

// checkAuto checks auto-format output against its input: the same lines in
// the same order, each unchanged or changed only by an annotation that
// stripCandidates removes, and the stats agreeing. A line is annotated
// exactly when it is no longer than maxLine and m.Match finds something in
// it (or, for the record that ends a container log's split line, in the
// whole line: refAnnotations), however the reads were cut.
func checkAuto(t testing.TB, m *matcher.Matcher, in, out []byte, st stream.Stats, maxLine int) {
	t.Helper()
	ins, outs := splitLines(in), splitLines(out)
	if len(ins) != len(outs) {
		t.Fatalf("%d lines in, %d out\n in %q\nout %q", len(ins), len(outs), clipQ(in), clipQ(out))
	}
	if st.Lines != int64(len(ins)) || st.Bytes != int64(len(in)) {
		t.Fatalf("stats %+v, want %d lines, %d bytes", st, len(ins), len(in))
	}
	changed, matched := 0, 0
	ref := refAnnotations(m, ins, maxLine)
	for i := range ins {
		line, _ := splitTerm(ins[i])
		found := len(line) <= maxLine && len(ref[i]) > 0
		if found {
			matched++
		}
		// A line that carries errtag's annotation already is written
		// unchanged: errtag is idempotent on its own output.
		want := found && !carriesAnnotation(line)
		if got := !bytes.Equal(ins[i], outs[i]); got != want {
			t.Fatalf("line %d (%d bytes, MaxLine %d): annotated=%v, want %v (the reference finds %d):\n in %s\nout %s", i, len(line), maxLine, got, want, len(ref[i]), clipQ(ins[i]), clipQ(outs[i]))
		}
		if !want {
			continue
		}
		changed++
		ok := false
		for _, c := range stripCandidates(outs[i]) {
			if bytes.Equal(c, ins[i]) {
				ok = true
				break
			}
		}
		if !ok {
			t.Fatalf("line %d: output minus the annotation is not the input:\n in %q\nout %q", i, clipQ(ins[i]), clipQ(outs[i]))
		}
	}
	if int64(matched) != st.Annotated {
		t.Fatalf("%d lines matched (%d changed), stats say %d annotated", matched, changed, st.Annotated)
	}
}

// carriesAnnotation reports whether line already carries an annotation as
// errtag writes it: a JSON-object line with a top-level "errtag" key, or a
// text line ending, from some " errtag." on, in pairs that
// parseErrtagLogfmt reads, every key one of errtag's fields.
func carriesAnnotation(line []byte) bool {
	if l := bytes.Trim(line, " \t\r"); len(l) >= 2 && l[0] == '{' && l[len(l)-1] == '}' && json.Valid(l) {
		return topLevelKeys(l)["errtag"]
	}
	for from := 0; ; {
		i := bytes.Index(line[from:], []byte(" errtag."))
		if i < 0 {
			return false
		}
		if pairs, err := parseErrtagLogfmt(line[from+i:], false); err == nil && knownKeys(pairs) {
			return true
		}
		from += i + 1
	}
}

func knownKeys(pairs [][2]string) bool {
	for _, p := range pairs {
		if !slices.Contains(output.AllFields(), output.Field(p[0])) {
			return false
		}
	}
	return true
}

// topLevelKeys returns the keys of a valid JSON object, decoded.
func topLevelKeys(obj []byte) map[string]bool {
	keys := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.Token() // {
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			break
		}
		keys[k.(string)] = true
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			break
		}
	}
	return keys
}

// checkJSONRun checks --output json: one valid JSON record per input line,
// in order; a line that is not a JSON object comes back from "log" or
// "log_base64" (a too-long line from "log", with invalid bytes as U+FFFD).
func checkJSONRun(t testing.TB, in, out []byte, maxLine int) {
	t.Helper()
	ins, recs := splitLines(in), splitLines(out)
	if len(ins) != len(recs) {
		t.Fatalf("%d lines in, %d JSON records\n in %q\nout %q", len(ins), len(recs), clipQ(in), clipQ(out))
	}
	for i, rec := range recs {
		line, _ := splitTerm(ins[i])
		if rec[len(rec)-1] != '\n' || !json.Valid(rec) {
			t.Fatalf("line %d %q: record is not one line of valid JSON: %q", i, clipQ(line), clipQ(rec))
		}
		if l := bytes.Trim(line, " \t\r"); len(l) >= 2 && l[0] == '{' && l[len(l)-1] == '}' && json.Valid(l) && utf8.Valid(l) && bytes.HasPrefix(rec, l[:len(l)-1]) {
			continue // a JSON-object line, kept as written
		}
		var fields map[string]json.RawMessage
		var log string
		if err := json.Unmarshal(rec, &fields); err != nil || json.Unmarshal(fields["log"], &log) != nil {
			t.Fatalf("line %d %q: record has no log string: %q", i, clipQ(line), clipQ(rec))
		}
		if log != fixUTF8(string(line)) {
			t.Fatalf("line %d %q: log reads %q", i, clipQ(line), clipQ([]byte(log)))
		}
		if long := string(fields["errtag_long_line"]) == "true"; long != (len(line) > maxLine) {
			t.Fatalf("line %d of %d bytes: errtag_long_line=%v with MaxLine %d", i, len(line), long, maxLine)
		} else if long {
			continue
		}
		if b64, has := fields["log_base64"]; has {
			var s string
			json.Unmarshal(b64, &s)
			if raw, err := base64.StdEncoding.DecodeString(s); err != nil || !bytes.Equal(raw, line) {
				t.Fatalf("line %d %q: log_base64 gives %q (%v)", i, clipQ(line), clipQ(raw), err)
			}
		} else if !utf8.Valid(line) {
			t.Fatalf("line %d %q is not valid UTF-8 and its record has no log_base64", i, clipQ(line))
		}
	}
}

func clipQ(b []byte) string {
	if len(b) > 600 {
		return fmt.Sprintf("%q...(%d bytes)...%q", b[:300], len(b)-600, b[len(b)-300:])
	}
	return fmt.Sprintf("%q", b)
}

// fixUTF8 replaces each byte that is not part of valid UTF-8 with U+FFFD.
func fixUTF8(s string) string {
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

// parseErrtagLogfmt is the strict reader of the pairs the auto sink appends
// (the same as output's FuzzLogfmtAnnotation uses): ` errtag.KEY=VALUE`
// pairs, VALUE bare or a JSON string that is valid UTF-8, the first key
// errtag.system when systemFirst says so.
func parseErrtagLogfmt(s []byte, systemFirst bool) ([][2]string, error) {
	var out [][2]string
	for len(s) > 0 {
		rest, ok := bytes.CutPrefix(s, []byte(" errtag."))
		if !ok {
			return nil, fmt.Errorf("expected ' errtag.' at %q", s)
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
		key := string(rest[:eq])
		if systemFirst && len(out) == 0 && key != "system" {
			return nil, fmt.Errorf("first key is %q, not system", key)
		}
		s = rest[eq+1:]
		var v string
		if len(s) > 0 && s[0] == '"' {
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			if i >= len(s) || !utf8.Valid(s[:i+1]) || json.Unmarshal(s[:i+1], &v) != nil {
				return nil, fmt.Errorf("bad quoted value at %q", s)
			}
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
			v, s = string(s[:j]), s[j:]
		}
		if len(s) > 0 && s[0] != ' ' {
			return nil, fmt.Errorf("value not followed by a space: %q", s)
		}
		out = append(out, [2]string{key, v})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no pairs")
	}
	return out, nil
}

// FuzzStream runs any bytes through the stream, read in pieces cut at fuzzed
// sizes, with a fuzzed MaxLine (1 to 512), through Run and through
// RunParallel (fill mode or not, 1 to 3 workers, chosen by mode). Each
// output must be the oracle's, byte for byte; auto output minus the
// annotations must be the input, line for line; JSON output must be one
// valid record per line that gives a text line back.
func FuzzStream(f *testing.F) {
	seeds := []string{
		"",
		"\n",
		"a\r\nb\r",
		"x\r\r\n\r",
		"E EFOTA: download failed resultCode=-1401\nnext\r\n",
		"E EFOTA: download failed resultCode=-1401\r",
		"before\nE EFOTA: \xff\x00 resultCode=-1401\r\nafter",
		`{"source":"knox-efota","deviceId":"R58N3ABCDEF","resultCode":"-2409"}` + "\n" + `{ }` + "\n",
		`  {"source":"knox-efota","resultCode":"-2409"}  ` + "\r\n",
		"10.20.1.7 - - \"GET /v1/Books HTTP/1.1\" 403 52 {\"message\":\"Invalid access token.\",\"errorCode\":301}\n",
		"2024-05-14 08:31:07.415 ERROR [VMXSync] upload failed errorCode=-1012 errorMessage=\"host not available\"\n" +
			strings.Repeat("knox resultCode=-1401 ", 20) + "\n",
		"2024-05-14\t10:05:31:204\t 988\t1a3c\tPT\tWARNING:     ErrorCode:ConfigChanged(2)\n<detail><ErrorCode>ServerBusy</ErrorCode></detail>",
		"[drupal-sdk] ERROR {\"code\":101,\"error\":\"Object not found.\"} DrupalError(209) errtag.system=x\n",
		"\x00\x00\n\xff\xfe\xc3(\n\xe2\x82",
		`{"log":"E EFOTA resultCode=-1401\n","stream":"stderr"}` + "\n",
		`{"resultCode":"-2409","source":"knox-efota","errtag":{"system":"knox-efota"}}` + "\n",
		strings.Repeat("short line\n", 300),
		// Container logs: a line split into records (CRI, Docker).
		"2024-05-14T08:00:01.123456789Z stdout F started\n2024-05-14T08:00:01.2Z stderr P 05-14 10:11:02.118 E EFOTA : resu\n" +
			"2024-05-14T08:00:01.3Z stdout F between\n2024-05-14T08:00:01.4Z stderr P x\n2024-05-14T08:00:01.5Z stderr F ltCode=-1401\n",
		`{"log":"{\"message\":\"Invalid access ","stream":"stdout","time":"2024-05-14T08:00:01.1Z"}` + "\n" +
			`{"log":"token.\",\"errorCode\":301}\n","stream":"stdout","time":"2024-05-14T08:00:01.2Z"}` + "\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), []byte{}, uint16(200), uint8(i))
		f.Add([]byte(s), []byte{0, 2, 5, 0x83}, uint16(i*7), uint8(i*5))
	}
	f.Fuzz(func(t *testing.T, data, cuts []byte, maxLine uint16, mode uint8) {
		m := builtinProp(t)
		ml := 1 + int(maxLine)%512
		eofWithData := len(cuts) > 0 && cuts[0]&0x80 != 0
		par := config{maxLine: ml, cuts: cuts, eofWithData: eofWithData, fill: mode&1 != 0, workers: 1 + int(mode>>1)%3}
		if mode&8 != 0 {
			par.source = "a.log"
		}
		for _, format := range []output.Format{output.Auto, output.JSON} {
			seq := config{format: format, maxLine: ml, cuts: cuts, eofWithData: eofWithData, fill: mode&16 != 0}
			out := checkOracle(t, m, seq, data)
			if format == output.Auto {
				_, st := runWith(t, m, seq, data)
				checkAuto(t, m, data, out, st, ml)
			} else {
				checkJSONRun(t, data, out, ml)
			}
			par.format = format
			checkOracle(t, m, par, data)
		}
	})
}
