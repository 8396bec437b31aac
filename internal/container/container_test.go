package container

import (
	"encoding/json"
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
	p1, p2 := ts+"stderr P one\n", ts+"stderr P two\n"
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
		{"too long", "", p1 + p2, 5, ""},
		{"too long with prev", p1, p2, 5, ""},
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
	type step struct {
		line  string
		whole string // "" for none
	}
	for _, tc := range []struct {
		name  string
		max   int
		steps []step
	}{
		{"two pieces", 100, []step{{ts + "stderr P ab", ""}, {ts + "stderr F cd", "abcd"}}},
		{"a full record alone", 100, []step{{ts + "stderr F cd", ""}}},
		{"three pieces, then again", 100, []step{{ts + "stdout P a", ""}, {ts + "stdout P b", ""}, {ts + "stdout F c", "abc"}, {ts + "stdout P x", ""}, {ts + "stdout F y", "xy"}}},
		{"other stream breaks", 100, []step{{ts + "stdout P a", ""}, {ts + "stderr F b", ""}, {ts + "stdout F c", ""}}},
		{"text breaks", 100, []step{{ts + "stdout P a", ""}, {"text", ""}, {ts + "stdout F c", ""}}},
		{"over max", 3, []step{{ts + "stdout P ab", ""}, {ts + "stdout F cd", ""}, {ts + "stdout P a", ""}, {ts + "stdout F b", "ab"}}},
	} {
		g := NewGroup(CRI, tc.max)
		for i, s := range tc.steps {
			whole, ok := g.Add([]byte(s.line))
			if ok != (s.whole != "") || string(whole) != s.whole {
				t.Errorf("%s, step %d: Add = %q, %v; want %q", tc.name, i, whole, ok, s.whole)
			}
		}
	}
	g := NewGroup(Docker, 100)
	g.Add([]byte(`{"log":"{\"message\":\"Invalid access ","stream":"stdout","time":"t"}`))
	whole, ok := g.Add([]byte(`{"log":"token.\",\"errorCode\":301}\n","stream":"stdout","time":"t"}`))
	if !ok || string(whole) != `{"message":"Invalid access token.","errorCode":301}` {
		t.Fatalf("Docker: %q, %v", whole, ok)
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
			if err := json.Unmarshal(line, &rec); err != nil || rec.Log == nil {
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
