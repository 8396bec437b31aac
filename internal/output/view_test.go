package output_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/textui"
)

var viewAnn = matcher.Annotation{
	Entry: catalog.Entry{System: "knox-efota", Code: "-1401", Name: "DOWNLOAD_REJECTED_BY_USER", Category: "cancelled",
		Group:       "Download result codes",
		Message:     "The device user rejected the download file. This result code can be returned before or after the download.",
		Remediation: "The user rejected the software download; ask the user to accept the update."},
	Known: true, Rule: "knox-efota.result-code", Offset: 36,
}

func viewOf(t *testing.T, opts output.Options, v output.View, line, term string, anns ...matcher.Annotation) string {
	t.Helper()
	var b bytes.Buffer
	w := output.NewWriter(&b)
	s := output.NewView(w, opts, v)
	if err := s.Line([]byte(line), []byte(term), anns); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.String()
}

// TestView pins the terminal view: the line as it came, then one block per
// error, wrapped to the width, showing the chosen fields.
func TestView(t *testing.T) {
	t.Parallel()
	const line = "E EFOTA: download failed resultCode=-1401"
	unknown := matcher.Annotation{Entry: catalog.Entry{System: "drupal-sdk", Code: "603"}, Rule: "drupal-sdk.error-object"}
	alts := viewAnn
	alts.Alternatives = []catalog.Entry{{Name: "ONE"}, {Name: "TWO"}}
	for _, c := range []struct {
		name string
		opts output.Options
		v    output.View
		line string
		term string
		anns []matcher.Annotation
		want string
	}{
		{"80 columns", output.Options{}, output.View{Width: 80}, line, "\n", []matcher.Annotation{viewAnn},
			line + "\n" +
				"  => knox-efota -1401 DOWNLOAD_REJECTED_BY_USER (cancelled)\n" +
				"     The device user rejected the download file. This result code can be\n" +
				"     returned before or after the download.\n" +
				"     fix: The user rejected the software download; ask the user to accept the\n" +
				"          update.\n" +
				"     group: Download result codes\n"},
		{"no width", output.Options{Fields: []output.Field{output.FieldCode, output.FieldMessage}}, output.View{}, line, "\r\n", []matcher.Annotation{viewAnn},
			line + "\r\n  => -1401\n     The device user rejected the download file. This result code can be returned before or after the download.\n"},
		{"unknown, file name, no line end", output.Options{Source: "app.log"}, output.View{Width: 80}, "x DrupalError(603)", "", []matcher.Annotation{unknown},
			"app.log:x DrupalError(603)\n  => drupal-sdk 603 not in the drupal-sdk catalog\n"},
		{"alternatives, rule and cue", output.Options{Fields: []output.Field{output.FieldSystem, output.FieldCode, output.FieldAlternatives, output.FieldRule, output.FieldCue}}, output.View{Width: 80}, line, "\n", []matcher.Annotation{alts},
			line + "\n  => knox-efota -1401\n     or: ONE, TWO (the line's message did not pick one)\n     rule: knox-efota.result-code\n     cue: " + alts.Cue.String() + "\n"},
		{"colour", output.Options{Fields: []output.Field{output.FieldSystem, output.FieldCode, output.FieldName, output.FieldCategory}}, output.View{Color: true, Width: 80}, line, "\n", []matcher.Annotation{viewAnn},
			"E EFOTA: download failed resultCode=\x1b[1m\x1b[33m-1401\x1b[0m\n" +
				"  => knox-efota \x1b[1m\x1b[33m-1401\x1b[0m \x1b[1m\x1b[36mDOWNLOAD_REJECTED_BY_USER\x1b[0m (\x1b[33mcancelled\x1b[0m)\n"},
		{"plain line", output.Options{}, output.View{Color: true, Width: 80}, "nothing here", "\n", nil, "nothing here\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := viewOf(t, c.opts, c.v, c.line, c.term, c.anns...)
			if got != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
			if c.v.Width > 0 {
				for _, l := range strings.Split(got, "\n")[1:] {
					if len(l) > c.v.Width && !strings.Contains(l, "\x1b") {
						t.Errorf("line over %d columns: %q", c.v.Width, l)
					}
				}
			}
		})
	}
}

// TestViewHighlight: the code is painted where it stands as a word, not
// inside a longer number.
func TestViewHighlight(t *testing.T) {
	t.Parallel()
	a := viewAnn
	a.Offset = 0
	got := viewOf(t, output.Options{Fields: []output.Field{output.FieldCode}}, output.View{Color: true}, "id=11401 x-1401 resultCode=-1401", "\n", a)
	want := "id=11401 x-1401 resultCode=\x1b[1m\x1b[33m-1401\x1b[0m\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}

// TestViewPlain: lines without annotations pass as they came, file name
// first with Source.
func TestViewPlain(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := output.NewWriter(&b)
	s := output.NewView(w, output.Options{Source: "a.log"}, output.View{})
	s.Plain([]byte("one\r\ntwo\n"))
	s.LongStart()
	s.LongChunk([]byte("long"))
	s.LongEnd([]byte("\n"))
	w.Flush()
	if b.String() != "a.log:one\r\na.log:two\na.log:long\n" {
		t.Errorf("%q", b.String())
	}
}

// TestViewEscapes: what would control the terminal is written visibly in
// every part of the view: plain blocks, annotated and unannotated lines,
// long lines (a character cut between chunks judged whole), the file name,
// a CR ending the input (part of its last line), and the catalog's text; CRLF stays.
func TestViewEscapes(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := output.NewWriter(&b)
	s := output.NewView(w, output.Options{Fields: []output.Field{output.FieldCode, output.FieldMessage}}, output.View{})
	s.Plain([]byte("esc \x1b[31mRED\x1b[0m \x1b]0;TITLE\x07\r\nbare\rCR\n"))
	s.Line([]byte("bidi \u202eevil resultCode=-1401"), []byte("\n"), []matcher.Annotation{viewAnn})
	s.Line([]byte("c1 \xc2\x9b31m \x9b31m"), []byte("\n"), nil)
	s.LongStart()
	s.LongChunk([]byte("long \x1b[2J \xe2\x80"))
	s.LongChunk([]byte("\xae end"))
	s.LongEnd([]byte("\n"))
	s.Line([]byte("last\r"), nil, nil)
	w.Flush()
	want := `esc \x1b[31mRED\x1b[0m \x1b]0;TITLE\x07` + "\r\n" +
		`bare\rCR` + "\n" +
		`bidi \u202eevil resultCode=-1401` + "\n" +
		"  => -1401\n     The device user rejected the download file. This result code can be returned before or after the download.\n" +
		`c1 \u009b31m \x9b31m` + "\n" +
		`long \x1b[2J \u202e end` + "\n" +
		`last\r`
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}

	hostile := viewAnn
	hostile.Entry.Message = "from a catalog \x1b]0;x\x07"
	got := viewOf(t, output.Options{Source: "a\x1b[1m.log", Fields: []output.Field{output.FieldMessage}}, output.View{Color: true}, "x\x07 resultCode=-1401", "\n", hostile)
	for _, bad := range []string{"\x07", "\x1b]", "\x1b[1m.log"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q reached the terminal: %q", bad, got)
		}
	}
	if !strings.Contains(got, textui.Reverse+`\x07`+textui.Reset) {
		t.Errorf("escapes not in reverse video: %q", got)
	}
}
