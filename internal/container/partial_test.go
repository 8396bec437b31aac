package container

import (
	"bytes"
	"strings"
	"testing"
)

// nextPartialEveryLine is NextPartial as it was: every line parsed. The
// scan by key must find the same line.
func nextPartialEveryLine(block []byte, f Format) (start, end int) {
	for s := 0; s < len(block); {
		e := bytes.IndexByte(block[s:], '\n')
		if e < 0 {
			e = len(block)
		} else {
			e += s + 1
		}
		if r, ok := ParseAs(trimEnd(block[s:e]), f); ok && r.Partial {
			return s, e
		}
		s = e
	}
	return -1, -1
}

var partialLines = []string{
	"2024-05-14T08:00:01.123456789Z stdout P part one",
	"2024-05-14T08:00:01.123456789Z stderr F whole",
	"2024-05-14T08:00:01Z stderr P:x:y tagged",
	"2024-05-14T08:00:01.5+02:00 stdout P",
	"no record: stdout P here",
	"2024-05-14T08:00:01Z stdout Pxx",
	"2024-05-14T08:00:01Z stdout F stdout P in the message",
	`{"log":"whole\n","stream":"stdout","time":"2024-05-14T08:00:01Z"}`,
	`{"log":"part","stream":"stderr","time":"2024-05-14T08:00:01Z"}`,
	`{"log":"a \",\"stream\":\" inside\n","stream":"stdout","time":"t"}`,
	`{"log":"a \",\"stream\":\" inside","stream":"stdout","time":"t"}`,
	`{"log":"ends in a backslash \\n","stream":"stdout","time":"t"}`,
	`{"log":"ends in u \u000a","stream":"stdout","time":"t"}`,
	// mayBeDockerPartial's short cut: an escaped quote before the
	// first `","stream":"`, an escaped backslash before the string's end,
	// a second "stream" after a quote the log string does not end at.
	`{"log":"x\n\","stream":"stdout","stream":"stdout","time":"t"}`,
	`{"log":"x\n\","stream":"stdout","time":"t"}`,
	`{"log":"x\\","stream":"stdout","time":"t"}`,
	`{"log":"{\"a\":\"b\",\"stream\":\"c\"}\n","stream":"stderr","time":"t"}`,
	`{"log":"{\"a\":\"b\",\"stream\":\"c\"}","stream":"stderr","time":"t"}`,
	`{"log":"no stream key\n"}`,
	`{"log":"x","stream":"nope"}`,
	`plain text ","stream":" and more`,
	"",
	"\r",
}

// TestNextPartialAsEveryLine: the scan by key finds, in every block of
// these lines (pairs and triples, LF and CRLF, with and without a last
// LF), the line that parsing every line finds, in both formats.
func TestNextPartialAsEveryLine(t *testing.T) {
	for _, f := range []Format{CRI, Docker, None} {
		for _, a := range partialLines {
			for _, b := range partialLines {
				for _, c := range []string{"", partialLines[0], partialLines[8]} {
					for _, nl := range []string{"\n", "\r\n"} {
						block := a + nl + b + nl + c
						checkNextPartial(t, []byte(block), f)
						checkNextPartial(t, []byte(block+nl), f)
					}
				}
			}
		}
	}
}

func checkNextPartial(t *testing.T, block []byte, f Format) {
	t.Helper()
	s, e := NextPartial(block, f)
	ws, we := nextPartialEveryLine(block, f)
	if s != ws || e != we {
		t.Fatalf("%v %q: got %d,%d, want %d,%d", f, block, s, e, ws, we)
	}
}

// FuzzNextPartial: any block, both formats, and the two searches for a
// Docker record's start from every place.
func FuzzNextPartial(f *testing.F) {
	f.Add([]byte(strings.Join(partialLines, "\n")))
	f.Fuzz(func(t *testing.T, block []byte) {
		for _, fm := range []Format{CRI, Docker} {
			checkNextPartial(t, block, fm)
		}
		checkDockerStarts(t, block)
	})
}

// TestNextDockerStartModes: the search by line breaks (JSON lines) finds
// the record starts the search by '{' finds, from every place of blocks
// of the partial lines.
func TestNextDockerStartModes(t *testing.T) {
	for _, a := range partialLines {
		for _, b := range partialLines {
			for _, nl := range []string{"\n", "\r\n"} {
				checkDockerStarts(t, []byte(a+nl+b+nl+a))
				checkDockerStarts(t, []byte(a+nl+b))
			}
		}
	}
}

func checkDockerStarts(t *testing.T, block []byte) {
	t.Helper()
	for from := 0; from <= len(block); from++ {
		if got, want := nextDockerStart(block, from, true), nextDockerStart(block, from, false); got != want {
			t.Fatalf("%q from %d: by line breaks %d, by '{' %d", block, from, got, want)
		}
	}
}

// BenchmarkNextPartial scans a mixed log (plain lines, JSON lines, whole
// Docker and CRI records, no partial one) to its end, as joinedLines does
// for every block of a container log.
func BenchmarkNextPartial(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < 4<<20 {
		sb.WriteString("2024-05-14T10:00:01.123Z INFO POST /api/v1/orders status=200 Processing took 12ms\n")
		sb.WriteString(`{"level":"info","msg":"user \"bob\" logged in","stream":"x","PID":311}` + "\n")
		sb.WriteString(`{"log":"2024-05-14T00:00:00.004Z INFO checkout listening on :8061\n","stream":"stdout","time":"2024-05-14T00:00:00.004184192Z"}` + "\n")
		sb.WriteString("2024-05-14T08:00:01.123456789Z stdout F GET /healthz 200 Pending=0\n")
	}
	block := []byte(sb.String())
	for _, f := range []Format{Docker, CRI} {
		b.Run(f.String(), func(b *testing.B) {
			b.SetBytes(int64(len(block)))
			for i := 0; i < b.N; i++ {
				if s, _ := NextPartial(block, f); s >= 0 {
					b.Fatal("found a partial record")
				}
			}
		})
	}
}
