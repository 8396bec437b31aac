package stream_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// Real records, as containerd (pkg/cri/io/logger.go: time.RFC3339Nano, in
// the node's zone, stream, tag, message) and Docker's json-file driver
// (jsonlog.JSONLogs: log, stream, attrs, time; the log ends in \n unless
// the record is partial) write them.
const (
	criTime = "2024-05-14T08:00:01.123456789Z"
	// CRI-O writes the zone as an offset.
	crioTime = "2024-05-14T10:00:01.123456789+02:00"
)

func cri(stream, tag, msg string) string { return criTime + " " + stream + " " + tag + " " + msg }

// docker is a json-file record of msg; full adds the \n Docker appends to
// a whole line.
func docker(stream, msg string, full bool) string {
	if full {
		msg += "\n"
	}
	b, _ := json.Marshal(msg)
	return `{"log":` + string(b) + `,"stream":"` + stream + `","time":"2024-05-14T08:00:01.123456789Z"}`
}

// codesOf runs in (lines joined with LF, each ending in LF) through Run
// and returns, per line, the codes annotated ("" for none).
func codesOf(t *testing.T, in []string, maxLine int) []string {
	t.Helper()
	m := builtinProp(t)
	var out []string
	var cur []string
	sink := &recordSink{line: func(anns []matcher.Annotation) {
		cur = nil
		for _, a := range anns {
			cur = append(cur, a.Entry.Code)
		}
		out = append(out, strings.Join(cur, ","))
	}}
	data := strings.Join(in, "\n") + "\n"
	if _, err := stream.New(m, stream.Options{MaxLine: maxLine}).Run(strings.NewReader(data), sink); err != nil {
		t.Fatal(err)
	}
	return out
}

// recordSink records what each line was annotated with.
type recordSink struct {
	line func([]matcher.Annotation)
}

func (s *recordSink) Plain(block []byte) error {
	for range bytes.Count(block, []byte{'\n'}) {
		s.line(nil)
	}
	return nil
}
func (s *recordSink) Line(_, _ []byte, anns []matcher.Annotation) error { s.line(anns); return nil }
func (s *recordSink) LongStart() error                                  { return nil }
func (s *recordSink) LongChunk([]byte) error                            { return nil }
func (s *recordSink) LongEnd([]byte) error                              { s.line(nil); return nil }
func (s *recordSink) Flush() error                                      { return nil }

// TestJointAnnotations: in a container log, the record that ends a line
// the runtime split is annotated with what the whole line carries; the
// pieces are never matched alone while they may be joined, and the pieces
// of a line too long to join are matched without the word at a cut.
func TestJointAnnotations(t *testing.T) {
	t.Parallel()
	voltmx := "2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012"
	efota := "05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401"
	body := `{"level":"error","msg":"register failed","response":{"status":400,"body":{"errorCode":201,"message":"A user with the same username already exists."}}}`
	for _, tc := range []struct {
		name string
		in   []string
		want []string
		max  int
	}{
		{
			name: "CRI full records are matched on their message, JSON included",
			in:   []string{cri("stderr", "F", voltmx), cri("stdout", "F", body), cri("stdout", "F", "all good")},
			want: []string{"-1012", "201", ""},
		},
		{
			name: "a code cut in two",
			in:   []string{cri("stderr", "F", "first"), cri("stderr", "P", voltmx[:70]), cri("stderr", "F", voltmx[70:])},
			want: []string{"", "", "-1012"},
		},
		{
			name: "the cue in one piece, the code in another, three pieces",
			in:   []string{cri("stderr", "P", efota[:30]), cri("stderr", "P", efota[30:60]), cri("stderr", "F", efota[60:])},
			want: []string{"", "", "-1401"},
		},
		{
			name: "a JSON object cut in two (CRI-O's time stamps)",
			in: []string{
				strings.Replace(cri("stdout", "P", body[:40]), criTime, crioTime, 1),
				strings.Replace(cri("stdout", "F", body[40:]), criTime, crioTime, 1),
			},
			want: []string{"", "201"},
		},
		{
			name: "a piece that carries the error itself is not matched alone: the end carries it",
			in:   []string{cri("stderr", "P", efota+" and then "), cri("stderr", "F", "more text")},
			want: []string{"", "-1401"},
		},
		{
			name: "with what only the whole line has",
			in:   []string{cri("stderr", "P", efota+` then {"message":"Invalid access `), cri("stderr", "F", `token.","errorCode":301}`)},
			want: []string{"", "-1401,301"},
		},
		{
			name: "a cut inside a code: the piece's part of it (-1, a real code) is not annotated",
			in:   []string{cri("stderr", "P", efota[:len(efota)-3]), cri("stderr", "F", "401")},
			want: []string{"", "-1401"},
		},
		{
			name: "Docker: a cut inside a code",
			in:   []string{docker("stderr", efota[:len(efota)-3], false), docker("stderr", "401", true)},
			want: []string{"", "-1401"},
		},
		{
			// Lines are up to 123 bytes, the pieces' messages add up
			// to more than 130: the line is not joined, and the pieces
			// from the one that makes it too long on are matched alone.
			name: "a cut inside a code of a line too long to join: neither part is taken for a code",
			in:   []string{cri("stderr", "P", strings.Repeat("x", 60)), cri("stderr", "P", "x "+efota[:len(efota)-3]), cri("stderr", "F", "401 done")},
			want: []string{"", "", ""},
			max:  130,
		},
		{
			name: "the pieces of a line too long to join keep a code away from the cut",
			in:   []string{cri("stderr", "P", strings.Repeat("x", 60)), cri("stderr", "P", "x "+efota+" x"), cri("stderr", "F", "more")},
			want: []string{"", "-1401", ""},
			max:  130,
		},
		{
			name: "the record that ends a line too long to join, a code away from the cut",
			in:   []string{cri("stderr", "P", strings.Repeat("x", 60)), cri("stderr", "F", "x "+efota)},
			want: []string{"", "-1401"},
			max:  130,
		},
		{
			name: "the other stream between the pieces breaks the line",
			in:   []string{cri("stderr", "P", voltmx[:70]), cri("stdout", "F", "other"), cri("stderr", "F", voltmx[70:])},
			want: []string{"", "", ""},
		},
		{
			name: "a piece of the other stream starts its own line",
			in:   []string{cri("stdout", "P", "unrelated "), cri("stderr", "P", voltmx[:70]), cri("stderr", "F", voltmx[70:])},
			want: []string{"", "", "-1012"},
		},
		{
			name: "more tags after P",
			in:   []string{cri("stderr", "P:x", voltmx[:70]), cri("stderr", "F:y", voltmx[70:])},
			want: []string{"", "-1012"},
		},
		{
			name: "a line longer than MaxLine is not joined",
			in:   []string{cri("stderr", "P", voltmx[:70]), cri("stderr", "F", voltmx[70:])},
			want: []string{"", ""},
			max:  75,
		},
		{
			name: "pieces at the end of the input, never ended, are not matched: they may end inside a code",
			in:   []string{cri("stderr", "F", "x"), cri("stderr", "P", efota)},
			want: []string{"", ""},
		},
		{
			name: "Docker json-file: a code cut in two",
			in:   []string{docker("stderr", voltmx[:70], false), docker("stderr", voltmx[70:], true)},
			want: []string{"", "-1012"},
		},
		{
			name: "Docker json-file: an escaped JSON message cut in two",
			in:   []string{docker("stdout", body[:50], false), docker("stdout", body[50:], true), docker("stdout", body, true)},
			want: []string{"", "201", "201"},
		},
		{
			name: "Docker: a log ending in a backslash and n is not a whole line",
			in:   []string{docker("stderr", voltmx[:70]+`\n`, false), docker("stderr", " errorCode=-1012", true)},
			want: []string{"", "-1012"},
		},
		{
			name: "a first line that is no record: the records after it are joined all the same",
			in:   []string{"plain first line", cri("stderr", "P", voltmx[:70]), cri("stderr", "F", voltmx[70:])},
			want: []string{"", "", "-1012"},
		},
		{
			name: "a first line that is no record, Docker",
			in:   []string{"plain first line", docker("stderr", efota[:len(efota)-3], false), docker("stderr", "401", true)},
			want: []string{"", "", "-1401"},
		},
		{
			name: "a time stamp that is not RFC 3339 is no record",
			in:   []string{"2024-05-14 08:00:01 stderr P " + voltmx[:70], "2024-05-14 08:00:01 stderr F " + voltmx[70:]},
			want: []string{"", ""},
		},
	} {
		max := tc.max
		if max == 0 {
			max = 1 << 20
		}
		if got := codesOf(t, tc.in, max); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// splitRecords writes msg as the records a runtime writes for it, cut into
// pieces at random points (as max_container_log_line_size cuts long
// lines), in format "cri" or "docker".
func splitRecords(r *rand.Rand, format, stream, msg string) []string {
	var cuts []int
	for range r.IntN(4) {
		cuts = append(cuts, r.IntN(len(msg)+1))
	}
	cuts = append(cuts, len(msg))
	var recs []string
	from := 0
	for i, c := range cuts {
		if c < from {
			c = from
		}
		last := i == len(cuts)-1
		piece := msg[from:c]
		from = c
		switch format {
		case "cri":
			tag := "P"
			if last {
				tag = "F"
			}
			recs = append(recs, cri(stream, tag, piece))
		default:
			if piece == "" && !last {
				continue // Docker leaves out an empty log
			}
			recs = append(recs, docker(stream, piece, last))
		}
	}
	return recs
}

// containerDoc is a container log of n lines of every kind, split into
// records at random, the two streams sometimes between each other's
// pieces.
func containerDoc(r *rand.Rand, format string, n, maxLine int) []byte {
	var b bytes.Buffer
	for range n {
		line := strings.ReplaceAll(randomLine(r, maxLine), "\n", " ")
		if format == "cri" {
			line = strings.ReplaceAll(line, "\r", " ")
		}
		stream := []string{"stdout", "stderr"}[r.IntN(2)]
		recs := splitRecords(r, format, stream, line)
		if r.IntN(8) == 0 && len(recs) > 1 {
			other := map[string]string{"stdout": "stderr", "stderr": "stdout"}[stream]
			i := 1 + r.IntN(len(recs)-1)
			recs = append(recs[:i], append(splitRecords(r, format, other, "between"), recs[i:]...)...)
		}
		for _, rec := range recs {
			b.WriteString(rec + "\n")
		}
	}
	return b.Bytes()
}

// TestJointMatchesOracle runs container logs, small and larger than
// RunParallel's chunks (so that split lines straddle chunks and workers),
// through Run, RunParallel and LinesJoint over blocks of whole lines cut
// at random, and checks each against the oracle; the oracle's joins must
// have annotated records that alone carry nothing.
func TestJointMatchesOracle(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	r := rand.New(rand.NewPCG(14, 5))
	joined := 0
	for _, format := range []string{"cri", "docker"} {
		// The last is over RunParallel's 1 MiB chunks (randomLine makes
		// one line in 12 about MaxLine long); small reads (cuts, without
		// fill) make a job of every read, which split lines straddle.
		for d, n := range []int{3, 40, 300, 2500} {
			maxLine := []int{200, 1024, 1024, 4096}[d]
			data := containerDoc(r, format, n, maxLine)
			pieces := splitLines(data)
			for i, a := range refAnnotations(m, pieces, maxLine) {
				line, _ := splitTerm(pieces[i])
				if len(a) > 0 && len(line) <= maxLine && len(m.Match(line)) == 0 {
					joined++
				}
			}
			for _, c := range []config{
				{format: output.Auto, maxLine: maxLine},
				{format: output.JSON, maxLine: maxLine, cuts: []byte{7, 200, 3}},
				{format: output.Auto, maxLine: maxLine, fill: true, workers: 2},
				{format: output.Auto, maxLine: maxLine, cuts: []byte{255, 90}, workers: 3},
				{format: output.JSON, maxLine: maxLine, fill: true, workers: 1},
			} {
				if len(data) > 1<<20 && len(c.cuts) > 0 && c.workers == 0 {
					continue // small reads of a large document: slow, and the same paths
				}
				checkOracle(t, m, c, data)
			}
			// LinesJoint, as follow mode calls it: blocks of whole lines.
			want, wst := oracle(t, m, config{format: output.Auto, maxLine: maxLine}, data)
			var got bytes.Buffer
			w := output.NewWriter(&got)
			sink, _ := output.NewSink(w, output.Options{Format: output.Auto})
			p := stream.New(m, stream.Options{MaxLine: maxLine})
			var jt stream.Joint
			var gst stream.Stats
			for rest := pieces; len(rest) > 0; {
				k := min(len(rest), 1+r.IntN(5))
				st, err := p.LinesJoint(sink, bytes.Join(rest[:k], nil), &jt)
				if err != nil {
					t.Fatal(err)
				}
				gst.Lines += st.Lines
				gst.Annotated += st.Annotated
				gst.Bytes += st.Bytes
				rest = rest[k:]
			}
			w.Flush()
			if !bytes.Equal(got.Bytes(), want) || gst != wst {
				t.Fatalf("%s %d lines: LinesJoint differs from the oracle (stats %+v, oracle %+v)", format, n, gst, wst)
			}
		}
	}
	if joined < 50 {
		t.Fatalf("only %d records annotated by joining: the documents no longer split lines", joined)
	}
	t.Logf("%d records annotated only by joining", joined)
}

func TestJointDocsAreTheRuntimesFormat(t *testing.T) {
	t.Parallel()
	// The generator's records must be what the runtimes write, or the
	// tests above test nothing: check a few by hand.
	if got := cri("stderr", "P", "x y"); got != "2024-05-14T08:00:01.123456789Z stderr P x y" {
		t.Fatal(got)
	}
	if got := docker("stdout", `say "hi" <b>`, true); got != `{"log":"say \"hi\" \u003cb\u003e\n","stream":"stdout","time":"2024-05-14T08:00:01.123456789Z"}` {
		t.Fatal(got)
	}
}

// TestJointOverMaxAcrossReads: a line split into pieces that are more
// than MaxLine together is matched piece by piece, however the reads and
// RunParallel's jobs fall among its pieces. A job that starts inside such
// a line took the line's pieces carried from the job before as a line of
// its own (red team: -c said 1 or 0 by where a pipe's reads fell): its
// last pieces were joined, and a code in them annotated or not.
func TestJointOverMaxAcrossReads(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	const maxLine = 1024
	filler := strings.Repeat("x", 290)
	for _, format := range []string{"cri", "docker"} {
		var b strings.Builder
		for i := range 6 {
			// Five pieces of 290 bytes, more than maxLine together, and
			// an end whose code is found only when its piece is joined
			// with the one before ("resu" + "ltCode=-1401").
			rec := func(msg string, full bool) string {
				if format == "cri" {
					return cri("stderr", map[bool]string{true: "F", false: "P"}[full], msg)
				}
				return docker("stderr", msg, full)
			}
			for range 5 {
				b.WriteString(rec(filler, false) + "\n")
			}
			b.WriteString(rec("E EFOTA : download failed resu", false) + "\n")
			b.WriteString(rec("ltCode=-1401", true) + "\n")
			b.WriteString(rec(fmt.Sprintf("line %d between", i), true) + "\n")
		}
		data := []byte(b.String())
		for _, c := range []config{
			{format: output.Auto, maxLine: maxLine},
			{format: output.Auto, maxLine: maxLine, workers: 2, cuts: []byte{255}},
			{format: output.Auto, maxLine: maxLine, workers: 2, cuts: []byte{200, 57}},
			{format: output.JSON, maxLine: maxLine, workers: 3, cuts: []byte{97, 255, 13}},
			{format: output.Auto, maxLine: maxLine, workers: 2, fill: true},
		} {
			checkOracle(t, m, c, data)
		}
	}
}
