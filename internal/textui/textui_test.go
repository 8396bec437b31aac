package textui

import (
	"bytes"
	"reflect"
	"testing"
)

func TestTruncate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s     string
		width int
		want  string
	}{
		{"hello", 0, "hello"},
		{"hello", 5, "hello"},
		{"hello world", 6, "hello…"},
		{"héllo wörld", 7, "héllo…"}, // a space before the cut goes
		{"hello", 1, "…"},
	} {
		if got := Truncate(c.s, c.width); got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.s, c.width, got, c.want)
		}
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s     string
		width int
		want  []string
	}{
		{"a b c", 0, []string{"a b c"}},
		{"the quick brown fox", 9, []string{"the quick", "brown fox"}},
		{"a verylongword b", 4, []string{"a", "verylongword", "b"}},
		{"", 10, []string{""}},
	} {
		if got := Wrap(c.s, c.width); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.s, c.width, got, c.want)
		}
	}
}

// TestTable: columns two spaces apart, the right column aligned right, the
// last not padded; on a terminal the shrink columns are cut to fit, and
// the header is bold in colour.
func TestTable(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"wusp", "12", "a long message that will not fit"}, {"knox-efota", "3", "short"}}
	var b bytes.Buffer
	if err := (Display{}).Table(&b, []string{"SYSTEM", "N", "MESSAGE"}, rows, 1, 2); err != nil {
		t.Fatal(err)
	}
	want := "SYSTEM       N  MESSAGE\n" +
		"wusp        12  a long message that will not fit\n" +
		"knox-efota   3  short\n"
	if b.String() != want {
		t.Errorf("plain:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	(Display{Terminal: true, Color: true, Width: 30}).Table(&b, []string{"SYSTEM", "N", "MESSAGE"}, rows, 1, 2)
	want = Bold + "SYSTEM       N  MESSAGE" + Reset + "\n" +
		"wusp        12  a long messag…\n" +
		"knox-efota   3  short\n"
	if b.String() != want {
		t.Errorf("terminal:\n%q\nwant\n%q", b.String(), want)
	}
}

func TestPaint(t *testing.T) {
	t.Parallel()
	if got := (Display{Color: true}).Paint(Red, "x"); got != Red+"x"+Reset {
		t.Errorf("colour: %q", got)
	}
	if got := (Display{}).Paint(Red, "x"); got != "x" {
		t.Errorf("no colour: %q", got)
	}
	if got := Paint(true, Red, ""); got != "" {
		t.Errorf("empty: %q", got)
	}
	if got := Paint(true, "", "x"); got != "x" {
		t.Errorf("no style: %q", got)
	}
}

// TestTerminal: a terminal that reports no width takes COLUMNS, else 80;
// NO_COLOR and TERM=dumb turn colour off.
func TestTerminal(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		width int
		env   map[string]string
		want  Display
	}{
		{100, nil, Display{Terminal: true, Color: true, Width: 100}},
		{100, map[string]string{"COLUMNS": "40"}, Display{Terminal: true, Color: true, Width: 100}},
		{0, map[string]string{"COLUMNS": "40"}, Display{Terminal: true, Color: true, Width: 40}},
		{0, map[string]string{"COLUMNS": "x"}, Display{Terminal: true, Color: true, Width: 80}},
		{0, nil, Display{Terminal: true, Color: true, Width: 80}},
		{80, map[string]string{"NO_COLOR": "1"}, Display{Terminal: true, Width: 80}},
		{80, map[string]string{"TERM": "dumb"}, Display{Terminal: true, Width: 80}},
		{80, map[string]string{"TERM": "xterm-256color"}, Display{Terminal: true, Color: true, Width: 80}},
	} {
		got := terminal(c.width, func(k string) string { return c.env[k] })
		if got != c.want {
			t.Errorf("terminal(%d, %v) = %+v, want %+v", c.width, c.env, got, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB",
		1<<20 - 1: "1.0 MiB", 5 << 30: "5.0 GiB", 1 << 40: "1.0 TiB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
