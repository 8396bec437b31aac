package container

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// Records as the runtimes write them: containerd and CRI-O (CRI, the
// examples of kubelet's parseCRILog and containerd's redirectLogs) and
// Docker's json-file driver (jsonlog.JSONLogs.MarshalJSONBuf).
func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line    string
		format  Format
		stream  string
		partial bool
		msg     string
	}{
		{line: "2016-10-06T00:17:09.669794202Z stdout P log content 1", format: CRI, stream: "stdout", partial: true, msg: "log content 1"},
		{line: "2016-10-06T00:17:09.669794203Z stderr F log content 2", format: CRI, stream: "stderr", msg: "log content 2"},
		{line: "2024-05-14T10:00:01.123456789+02:00 stdout F CRI-O writes an offset", format: CRI, stream: "stdout", msg: "CRI-O writes an offset"},
		{line: "2024-05-14T08:00:01Z stdout F no fraction", format: CRI, stream: "stdout", msg: "no fraction"},
		{line: "2024-05-14T08:00:01.1Z stdout F ", format: CRI, stream: "stdout", msg: ""},
		{line: "2024-05-14T08:00:01.1Z stdout F  two  spaces ", format: CRI, stream: "stdout", msg: " two  spaces "},
		{line: "2024-05-14T08:00:01.1Z stderr P:x:y more tags", format: CRI, stream: "stderr", partial: true, msg: "more tags"},
		{line: `2024-05-14T08:00:01.1Z stdout F {"level":"error","errorCode":301}`, format: CRI, stream: "stdout", msg: `{"level":"error","errorCode":301}`},
		{line: `{"log":"hello\n","stream":"stdout","time":"2016-10-20T18:39:20.57606443Z"}`, format: Docker, stream: "stdout", msg: "hello"},
		{line: `{"log":"part of a long line","stream":"stderr","time":"2016-10-20T18:39:20.57606443Z"}`, format: Docker, stream: "stderr", partial: true, msg: "part of a long line"},
		{line: `{"log":"say \"hi\" \u003cb\u003e\t\\ \",\"stream\":\"stdout\" ok\n","stream":"stderr","attrs":{"tag":"web"},"time":"2024-05-14T08:00:01.1Z"}`, format: Docker, stream: "stderr", msg: "say \"hi\" <b>\t\\ \",\"stream\":\"stdout\" ok"},
		{line: `{"log":"{\"message\":\"Invalid access token.\",\"errorCode\":301}\n","stream":"stdout","time":"2024-05-14T08:00:01.1Z"}`, format: Docker, stream: "stdout", msg: `{"message":"Invalid access token.","errorCode":301}`},
		// A log ending in an escaped backslash then n is not a line end.
		{line: `{"log":"ends in \\n","stream":"stdout","time":"2024-05-14T08:00:01.1Z"}`, format: Docker, stream: "stdout", partial: true, msg: `ends in \n`},
		{line: `{"log":"\\\n","stream":"stdout","time":"2024-05-14T08:00:01.1Z"}`, format: Docker, stream: "stdout", msg: `\`},
	} {
		r, ok := Parse([]byte(tc.line))
		if !ok || r.Format != tc.format || r.Stream != tc.stream || r.Partial != tc.partial {
			t.Errorf("Parse(%q) = %+v, %v; want %v %s partial=%v", tc.line, r, ok, tc.format, tc.stream, tc.partial)
			continue
		}
		if Detect([]byte(tc.line)) != tc.format {
			t.Errorf("Detect(%q) = %v", tc.line, Detect([]byte(tc.line)))
		}
		msg, ok := r.AppendMessage([]byte("prefix:"))
		if !ok || string(msg) != "prefix:"+tc.msg {
			t.Errorf("%q: message %q, %v; want %q", tc.line, msg, ok, tc.msg)
		}
	}
}

func TestNotRecords(t *testing.T) {
	t.Parallel()
	for _, line := range []string{
		"",
		"plain text",
		"2024-05-14 08:00:01 stdout F a space instead of T",
		"2024-05-14T08:00:01.123Z stdin F no such stream",
		"2024-05-14T08:00:01.123Z stdout X unknown tag",
		"2024-05-14T08:00:01.123Z stdout F",
		"2024-05-14T08:00:01.123Z stdout FF tag too long",
		"2024-05-14T08:00:01.123Z stdout P:nospace",
		"2024-05-14T08:00:01. stdout F empty fraction",
		"2024-05-14T08:00:01.123+0200 stdout F offset without colon",
		"2024-05-14T08:00:01.123Z  stdout F two spaces",
		"05-14 10:11:02.118  3021  3088 E EFOTA   : stdout P resultCode=-1401",
		`{"log":"x\n","stream":"stdin","time":"t"}`,
		`{"log":"x\n","time":"t"}`,
		`{"log":"unterminated`,
		`{"stream":"stdout","log":"x\n"}`,
		`{"log":"x\",\"stream\":\"stdout\"}`,
		`{"msg":"x","stream":"stdout"}`,
		// Another key between log and stream: not Docker's writer, and the
		// log string ends at its first unescaped quote, not at a later
		// "," followed by "stream".
		`{"log":"","":"","stream":"stdout"}`,
		`{"log":"a","x":"b","stream":"stdout"}`,
	} {
		if r, ok := Parse([]byte(line)); ok {
			t.Errorf("Parse(%q) = %+v, want no record", line, r)
		}
	}
}

func TestAppendMessageBadEscape(t *testing.T) {
	t.Parallel()
	r, ok := Parse([]byte(`{"log":"bad \q escape","stream":"stdout","time":"t"}`))
	if !ok {
		t.Fatal("not parsed")
	}
	if msg, ok := r.AppendMessage([]byte("x")); ok || string(msg) != "x" {
		t.Fatalf("AppendMessage = %q, %v; want dst unchanged and false", msg, ok)
	}
}

const ts = "2024-05-14T08:00:01.123456789Z "

func TestNextPartial(t *testing.T) {
	t.Parallel()
	block := []byte(ts + "stdout F a\n" + "x stdout P not a record\n" + ts + "stderr P b\n" + ts + "stderr F c\n")
	s, e := NextPartial(block, CRI)
	if string(block[s:e]) != ts+"stderr P b\n" {
		t.Fatalf("NextPartial = %q", block[s:e])
	}
	if s, e := NextPartial(block[e:], CRI); s != -1 || e != -1 {
		t.Fatalf("NextPartial after = %d, %d", s, e)
	}
	if s, _ := NextPartial(block, Docker); s != -1 {
		t.Fatalf("NextPartial as Docker found %d", s)
	}
}

func TestOpenTail(t *testing.T) {
	t.Parallel()
	p1, p2, p3 := ts+"stderr P one\n", ts+"stderr P two\n", ts+"stderr P six\n"
	o1 := ts + "stdout P other\n"
	f := ts + "stderr F end\n"
	for _, tc := range []struct {
		name        string
		prev, block string
		max         int
		want        string
	}{
		{"ends with a full record", "", p1 + f, 100, ""},
		{"ends with pieces", "", f + p1 + p2, 100, p1 + p2},
		{"pieces of another stream before", "", o1 + p1, 100, p1},
		{"continues prev", p1, p2, 100, p1 + p2},
		{"prev of another stream", o1, p1, 100, p1},
		{"not whole: prev is not continued", p1, f + p2, 100, p2},
		// Over max: the last pieces over max by themselves, so that
		// the next block's pieces are not joined as a line of their own.
		{"too long", "", p1 + p2, 5, p1 + p2},
		{"too long: the last pieces over max", "", f + p1 + p2 + p3, 5, p2 + p3},
		{"too long with prev", p1, p2, 5, p1 + p2},
		{"too long with prev: the last pieces over max", p1 + p2, p3, 5, p2 + p3},
		{"nothing", "", "", 100, ""},
		{"no record", p1, "text\n", 100, ""},
	} {
		got := OpenTail([]byte(tc.prev), []byte(tc.block), CRI, tc.max)
		if string(got) != tc.want {
			t.Errorf("%s: OpenTail = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	// want: "held", "alone", "cut<before><after>" (cut10: cut before
	// only), or the whole message a record ended.
	type step struct{ line, want string }
	show := func(p Piece) string {
		switch {
		case p.Joined:
			return string(p.Whole)
		case p.Held:
			return "held"
		case p.CutBefore || p.CutAfter:
			return fmt.Sprintf("cut%d%d", b2i(p.CutBefore), b2i(p.CutAfter))
		}
		return "alone"
	}
	for _, tc := range []struct {
		name  string
		max   int
		steps []step
	}{
		{"two pieces", 100, []step{{ts + "stderr P ab", "held"}, {ts + "stderr F cd", "abcd"}}},
		{"a full record alone", 100, []step{{ts + "stderr F cd", "alone"}}},
		{"three pieces, then again", 100, []step{{ts + "stdout P a", "held"}, {ts + "stdout P b", "held"}, {ts + "stdout F c", "abc"}, {ts + "stdout P x", "held"}, {ts + "stdout F y", "xy"}}},
		{"other stream breaks", 100, []step{{ts + "stdout P a", "held"}, {ts + "stderr F b", "alone"}, {ts + "stdout F c", "alone"}}},
		{"text breaks", 100, []step{{ts + "stdout P a", "held"}, {"text", "alone"}, {ts + "stdout F c", "alone"}}},
		{"over max", 3, []step{{ts + "stdout P ab", "held"}, {ts + "stdout F cd", "cut10"}, {ts + "stdout P a", "held"}, {ts + "stdout F b", "ab"}}},
		{"over max in the middle", 3, []step{{ts + "stdout P ab", "held"}, {ts + "stdout P cd", "cut11"}, {ts + "stdout P e", "cut11"}, {ts + "stdout F f", "cut10"}, {ts + "stdout F g", "alone"}}},
	} {
		g := NewGroup(CRI, tc.max)
		for i, s := range tc.steps {
			if got := show(g.Add([]byte(s.line))); got != s.want {
				t.Errorf("%s, step %d: Add = %q; want %q", tc.name, i, got, s.want)
			}
		}
	}
	g := NewGroup(Docker, 100)
	g.Add([]byte(`{"log":"{\"message\":\"Invalid access ","stream":"stdout","time":"t"}`))
	p := g.Add([]byte(`{"log":"token.\",\"errorCode\":301}\n","stream":"stdout","time":"t"}`))
	if !p.Joined || string(p.Whole) != `{"message":"Invalid access token.","errorCode":301}` {
		t.Fatalf("Docker: %+v", p)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestMaskCut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		f             Format
		line, want    string
		before, after bool
	}{
		{"CRI end", CRI, ts + "stderr P failed resultCode=-1", ts + "stderr P failed resultCode=  ", false, true},
		{"CRI start", CRI, ts + "stderr F 401 more", ts + "stderr F     more", true, false},
		{"CRI both", CRI, ts + "stderr P 401 x=-1", ts + "stderr P     x=  ", true, true},
		{"CRI one word, both", CRI, ts + "stderr P abc", ts + "stderr P    ", true, true},
		{"CRI nothing at the cut", CRI, ts + "stderr P code: ", ts + "stderr P code: ", false, true},
		{"CRI neither", CRI, ts + "stderr P x=-1", ts + "stderr P x=-1", false, false},
		{"Docker end", Docker, `{"log":"resultCode=-1","stream":"stderr","time":"t"}`, `{"log":"resultCode=  ","stream":"stderr","time":"t"}`, false, true},
		{"Docker start", Docker, `{"log":"401\n","stream":"stderr","time":"t"}`, `{"log":"   \n","stream":"stderr","time":"t"}`, true, false},
		{"Docker escape kept", Docker, `{"log":"a\tb12","stream":"stderr","time":"t"}`, `{"log":"a\t   ","stream":"stderr","time":"t"}`, false, true},
		{"Docker \\u escape kept", Docker, `{"log":"a\u00e9","stream":"stderr","time":"t"}`, `{"log":"a\u00e9","stream":"stderr","time":"t"}`, false, true},
		{"Docker escaped backslash", Docker, `{"log":"a\\b12","stream":"stderr","time":"t"}`, `{"log":"a\\   ","stream":"stderr","time":"t"}`, false, true},
		{"not a record", CRI, "x=-1", "x=-1", false, true},
	} {
		got := MaskCut([]byte(tc.line), tc.f, tc.before, tc.after)
		if string(got) != tc.want {
			t.Errorf("%s: MaskCut = %q, want %q", tc.name, got, tc.want)
		}
		if r, ok := ParseAs(got, tc.f); ok {
			if _, dec := r.AppendMessage(nil); !dec {
				t.Errorf("%s: %q no longer decodes", tc.name, got)
			}
		}
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		block string
		max   int
		f     Format
		at    int
	}{
		{"none", "plain text\nwith stdout in it\n", 100, None, -1},
		{"first line", ts + "stdout F a\n", 100, CRI, 0},
		{"after text", "garbage first line\n" + ts + "stderr P a\n", 100, CRI, 19},
		{"mark in text first", "a stdout b\n" + ts + "stderr F a\n", 100, CRI, 11},
		{"docker after text", "x\n" + `{"log":"a\n","stream":"stderr","time":"t"}` + "\n", 100, Docker, 2},
		{"earliest of both", `{"log":"a\n","stream":"stdout","time":"t"}` + "\n" + ts + "stderr F a\n", 100, Docker, 0},
		{"too long", ts + "stdout F abcdef\n", 10, None, -1},
		{"no newline at the end", "x\n" + ts + "stdout P a", 100, CRI, 2},
	} {
		f, at := Find([]byte(tc.block), tc.max)
		if f != tc.f || at != tc.at {
			t.Errorf("%s: Find = %v, %d; want %v, %d", tc.name, f, at, tc.f, tc.at)
		}
	}
}

// FuzzParse: any line parses without panicking; a record's message
// decodes to valid UTF-8 for Docker (JSON strings are), is the bytes
// after the tag for CRI, and a Docker record's message is the log
// string encoding/json reads from the line.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2016-10-06T00:17:09.669794202Z stdout P log content 1",
		"2024-05-14T10:00:01.123456789+02:00 stderr F:x y",
		`{"log":"hello\n","stream":"stdout","time":"2016-10-20T18:39:20.57606443Z"}`,
		`{"log":"a \"q\" \\","stream":"stderr","attrs":{"a":"b"},"time":"t"}`,
		`{"log":"\ud800","stream":"stdout","time":"t"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, ok := Parse(line)
		if !ok {
			return
		}
		msg, dec := r.AppendMessage(nil)
		switch r.Format {
		case CRI:
			if !dec || !strings.HasSuffix(string(line), " "+string(msg)) {
				t.Fatalf("%q: CRI message %q", line, msg)
			}
		case Docker:
			var rec struct {
				Log    *string `json:"log"`
				Stream string  `json:"stream"`
			}
			if err := json.Unmarshal(line, &rec); err != nil || rec.Log == nil || foldedTwice(line) {
				return // the rest of the record is Docker's to get right
			}
			if !dec {
				t.Fatalf("%q: encoding/json reads the log, AppendMessage does not", line)
			}
			want := *rec.Log
			if !r.Partial {
				want = strings.TrimSuffix(want, "\n")
			}
			if string(msg) != want || !utf8.ValidString(want) && utf8.Valid(msg) {
				t.Fatalf("%q: message %q, encoding/json reads %q", line, msg, want)
			}
			if rec.Stream != r.Stream || r.Partial == strings.HasSuffix(*rec.Log, "\n") {
				t.Fatalf("%q: stream %q partial %v, encoding/json reads %q, log %q", line, r.Stream, r.Partial, rec.Stream, *rec.Log)
			}
		}
	})
}

// foldedTwice says whether a JSON object has two top-level keys that
// encoding/json would both read into one field (it matches names without
// regard to case, and the last wins). Docker never writes such a record,
// so the oracle has nothing to say about it.
func foldedTwice(line []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(line, &m) != nil {
		return true
	}
	seen := map[string]int{}
	for k := range m {
		seen[strings.ToLower(k)]++
	}
	for _, n := range seen {
		if n > 1 {
			return true
		}
	}
	// Exact duplicates collapse in the map: count the keys as written.
	dec := json.NewDecoder(strings.NewReader(string(line)))
	if _, err := dec.Token(); err != nil {
		return true
	}
	n := 0
	for dec.More() {
		if _, err := dec.Token(); err != nil {
			return true
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return true
		}
		n++
	}
	return n != len(m)
}
