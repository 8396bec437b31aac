package cli

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/textui"
)

// TestGrepHabits: grep's short flags either mean in errtag what they mean
// in grep, with an annotation as grep's match, or are refused (exit 2)
// with what errtag offers instead; none does something else with exit 0.
func TestGrepHabits(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a.log", plainLine+efotaLine+plainLine)
	b := writeFile(t, "b.log", plainLine)
	missing := filepath.Join(t.TempDir(), "missing.log")
	for _, c := range []struct {
		args   []string
		stdin  string
		exit   int
		out    string // exact, unless want is set
		stderr string // contained
	}{
		{[]string{"-v", a}, "", 0, plainLine + plainLine, ""},
		{[]string{"--invert-match"}, efotaLine + plainLine, 0, plainLine, ""},
		{[]string{"-v", "-H", a}, "", 0, a + ":" + plainLine + a + ":" + plainLine, ""},
		{[]string{"-c", "-v", a, b}, "", 0, a + ":2\n" + b + ":1\n", ""},
		{[]string{"-c", "-h", a, b}, "", 0, "1\n0\n", ""},
		{[]string{"-l", a, b}, "", 0, a + "\n", ""},
		{[]string{"--files-with-matches", b, a}, "", 0, a + "\n", ""},
		{[]string{"-L", a, b}, "", 0, b + "\n", ""},
		{[]string{"-l", missing, a}, "", 1, a + "\n", "missing.log: no such file"},
		{[]string{"-q", a}, "", 0, "", ""},
		{[]string{"-q", b}, "", 1, "", ""},
		{[]string{"--silent", b, a}, "", 0, "", ""},
		{[]string{"-q", missing, a}, "", 0, "", "missing.log: no such file"},
		{[]string{"-q", b, missing}, "", 2, "", "missing.log: no such file"},
		{[]string{"-q"}, efotaLine, 0, "", ""},
		// Contradictions.
		{[]string{"-av", a}, "", 2, "", "-a writes only the annotated lines and -v only the others"},
		{[]string{"-lc", a}, "", 2, "", "-c and -l: -c counts, -l and -L name inputs and -q writes nothing: give one"},
		{[]string{"-la", a}, "", 2, "", "-l writes no lines: it goes with neither -a nor -v"},
		{[]string{"-l", "--format", "json", a}, "", 2, "", "-l writes file names, not JSON"},
		{[]string{"-q", "-o", filepath.Join(t.TempDir(), "x"), a}, "", 2, "", "-q writes nothing: it does not go with -o"},
		{[]string{"-q", "-f", a}, "", 2, "", "-q is about whole inputs: it does not go with -f"},
		{[]string{"-H", "-h", a}, "", 2, "", "-H writes file names and -h leaves them out"},
		// Refused, saying what errtag offers.
		{[]string{"-i", a}, "", 2, "", "unknown flag -i (grep's habit?): errtag takes no pattern"},
		{[]string{"-in", a}, "", 2, "", "unknown flag -i (in -in)"},
		{[]string{"-n", a}, "", 2, "", "errtag does not number lines"},
		{[]string{"-r", "."}, "", 2, "", "find DIR -type f -exec errtag -a -H {} +"},
		{[]string{"-E", "x", a}, "", 2, "", "errtag takes no pattern: its rules find the codes"},
		{[]string{"-C", "3", a}, "", 2, "", "errtag writes no context lines"},
		{[]string{"-s", a}, "", 2, "", "2>/dev/null"},
		{[]string{"-m", "1", a}, "", 2, "", "head -n N"},
		{[]string{"-Y", a}, "", 2, "", "unknown flag -Y; errtag --help lists the flags"},
		{[]string{"stats", "-v", a}, "", 2, "", "-v (--invert-match) is a flag of errtag itself, not of errtag stats"},
		{[]string{"stats", "-i", a}, "", 2, "", "errtag takes no pattern"},
	} {
		code, out, stderr := run(t, c.stdin, c.args...)
		if code != c.exit || out != c.out || !strings.Contains(stderr, c.stderr) || (c.stderr == "" && stderr != "") {
			t.Errorf("%v: exit %d, out %q, stderr %q\nwant exit %d, out %q, stderr with %q", c.args, code, out, stderr, c.exit, c.out, c.stderr)
		}
	}
	// --help and --version keep their long forms; -V is grep's version
	// flag; errtag -h alone is help, as in every other tool.
	for _, args := range [][]string{{"-h"}, {"--help"}} {
		if code, out, _ := run(t, "", args...); code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "-h, --no-filename") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
	for _, args := range [][]string{{"--version"}, {"-V"}, {"stats", "--version"}, {"explain", "-V"}, {"catalog", "import", "--version"}} {
		if code, out, _ := run(t, "", args...); code != 0 || !strings.HasPrefix(out, "errtag version ") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}

// terminalInput is standard input on a terminal (textui.Display says
// so): a reader that is also a writer, as an *os.File is.
type terminalInput struct{ *strings.Reader }

func (terminalInput) Write(p []byte) (int, error) { return len(p), nil }

// TestTerminalInput: with no FILE and standard input on a terminal, -v
// and -h are likely other tools' --version and --help, and -o FILE
// naming an existing file likely the file to read: each is refused,
// saying so, before the terminal is read. From a pipe they run.
func TestTerminalInput(t *testing.T) {
	t.Parallel()
	existing := writeFile(t, "app.log", efotaLine)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-v"}, "-v is grep's -v here (--invert-match: the lines without an annotation), and with no FILE errtag would read your terminal"},
		{[]string{"-h", "-a"}, "-h is grep's -h here (--no-filename)"},
		{[]string{"-o", existing}, "-o " + existing + " names the file errtag writes, and with no FILE to read it would read your terminal and then replace " + existing},
	} {
		in := terminalInput{strings.NewReader(efotaLine)}
		var out, errb strings.Builder
		code := Main(c.args, Env{Stdin: in, Stdout: &out, Stderr: &errb, Display: func(w io.Writer) textui.Display {
			_, term := w.(terminalInput)
			return textui.Display{Terminal: term}
		}})
		if code != ExitConfig || out.Len() != 0 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, out %q, stderr %q", c.args, code, out.String(), errb.String())
		}
		if code, out, stderr := run(t, efotaLine+plainLine, c.args...); code != 0 || stderr != "" {
			t.Errorf("%v from a pipe: exit %d, out %q, stderr %q", c.args, code, out, stderr)
		}
	}
	if b, _ := os.ReadFile(existing); !strings.Contains(string(b), "errtag.code") {
		t.Errorf("-o from a pipe did not write: %q", b)
	}
}

// TestRepeatedFlags: a flag that takes one value, on any command, given
// twice with two values is a usage error naming both; given twice with
// the same value (or spelling) it is harmless; list flags add up.
func TestRepeatedFlags(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a.log", efotaLine)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", filepath.Join(dir, "a.gz"), "-o", filepath.Join(dir, "b.gz"), a}, "-o/--output-file given twice (" + filepath.Join(dir, "a.gz") + ", then " + filepath.Join(dir, "b.gz") + ")"},
		{[]string{"--format", "json", "--format", "auto", a}, "--format given twice (json, then auto): it takes one value; give one"},
		{[]string{"--json", "--format", "auto", a}, "--json and --format auto ask for two formats: give one"},
		{[]string{"--color", "never", "--color", "always", a}, "--color given twice (never, then always)"},
		{[]string{"--color", "never", "--colour", "always", a}, "--color never and --colour always disagree: give one"},
		{[]string{"--no-color", "--color", "always", a}, "--color always and --no-color disagree: give one"},
		{[]string{"--config", "a", "--config", "b", a}, "--config given twice (a, then b)"},
		{[]string{"--max-line", "1k", "--max-line", "2k", a}, "--max-line given twice (1k, then 2k)"},
		{[]string{"--workers", "1", "--workers", "2", a}, "--workers given twice (1, then 2)"},
		{[]string{"--out-dir", "x", "--out-dir", "y", a}, "--out-dir given twice (x, then y)"},
		{[]string{"--count", "--count=false", a}, "-c/--count given twice (true, then false)"},
		{[]string{"explain", "--search", "token", "--search", "host"}, "--search given twice (token, then host)"},
		{[]string{"explain", "--system", "wusp", "--system", "drupal-sdk", "107"}, "--system given twice (wusp, then drupal-sdk)"},
		{[]string{"stats", "--top", "3", "--top", "5", a}, "--top given twice (3, then 5)"},
		{[]string{"stats", "--format", "json", "--format", "text", a}, "--format given twice (json, then text)"},
		{[]string{"test", "--input", "a", "--input", "b", "x"}, "--input given twice (a, then b)"},
		{[]string{"catalog", "--format", "csv", "--format", "json"}, "--format given twice (csv, then json)"},
		{[]string{"catalog", "import", "--system", "a", "--system", "b", a}, "--system given twice (a, then b)"},
		{[]string{"catalog", "import", "--from", "text", "--from", "html", "--system", "a", a}, "--from given twice (text, then html)"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, out %q, stderr %q; want exit 2 and %q", c.args, code, out, stderr, c.want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("written: %v", ents)
	}
	// The same value twice, or the same value spelt otherwise, is one.
	for _, args := range [][]string{
		{"--format", "json", "--format", "JSON", "--fields", "code"},
		{"--json", "--format", "json", "--fields", "code"},
		{"--system", "knox-efota", "--system", "knox-efota", "--format", "json", "--fields", "code"},
		{"-a", "-a", "--json", "--fields", "code"},
	} {
		if code, out, stderr := run(t, efotaLine, args...); code != 0 || out != jsonLine(strings.TrimSuffix(efotaLine, "\n"), `[{"code":"-1401"}]`) {
			t.Errorf("%v: exit %d, out %q, stderr %q", args, code, out, stderr)
		}
	}
	// --fields adds up, as --rules and --catalog do.
	if code, out, _ := run(t, efotaLine, "--fields", "code", "--fields", "name,code", "--fields", "system"); code != 0 ||
		out != strings.TrimSuffix(efotaLine, "\n")+" errtag.system=knox-efota errtag.code=-1401 errtag.name=DOWNLOAD_REJECTED_BY_USER\n" {
		t.Errorf("--fields code --fields name,code --fields system: exit %d, %q", code, out)
	}
}

// TestFlagValues: bool flags take true/false and their YAML spellings,
// and refuse anything else saying what they take; empty values are
// refused; errors never leak Go's parse errors.
func TestFlagValues(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a.log", efotaLine+plainLine)
	for _, args := range [][]string{{"-a=yes"}, {"--only-annotated=on"}, {"--only-annotated=1"}, {"-a=TRUE"}, {"-c=no", "-a"}} {
		if code, out, stderr := run(t, "", append(args, "--fields", "code", a)...); code != 0 || out != strings.TrimSuffix(efotaLine, "\n")+" errtag.code=-1401\n" {
			t.Errorf("%v: exit %d, out %q, stderr %q", args, code, out, stderr)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--count=maybe", a}, "errtag: --count=maybe: --count is on when given and takes no value (a value, if given, is true or false; yes/no, on/off and 1/0 work too)\n"},
		{[]string{"--stats=full", a}, "errtag: --stats=full: --stats is on when given"},
		{[]string{"--follow=name", a}, "errtag: --follow=name: errtag -f already follows by name, like tail -F"},
		{[]string{"--follow=descriptor", a}, "errtag -f already follows by name"},
		{[]string{"--system", "", a}, "errtag: --system needs a value: an empty one is none (give --system NAME)\n"},
		{[]string{"--system", " ", a}, "--system needs a value"},
		{[]string{"--fields", "", a}, "--fields needs a value"},
		{[]string{"--fields", ",", a}, "errtag: --fields needs at least one field: system,code,name,category,group,message,remediation,known,alternatives,rule,cue\n"},
		{[]string{"--fields", "code,nmae", a}, `errtag: --fields: unknown field "nmae"`},
		{[]string{"-o", "", a}, "-o/--output-file needs a value"},
		{[]string{"--rules", "", a}, "--rules needs a value"},
		{[]string{"explain", "--search", " "}, "--search needs a value"},
		{[]string{"explain", "--search="}, "--search needs a value"},
		{[]string{"--workers", "-1", a}, "errtag: --workers -1: must be 0 or more\n"},
		{[]string{"--max-line", "100G", a}, "errtag: --max-line 100G: too large: at most 1GiB (a line is held whole in memory to be matched)\n"},
		{[]string{"--max-line", "1T", a}, "too large: at most 1GiB"},
		{[]string{"--max-line", "0", a}, "must be at least 1 byte"},
		{[]string{"--color", "sometimes", a}, "errtag: --color sometimes: give auto (colour on a terminal, unless NO_COLOR is set or TERM is dumb), always or never (yes/no, true/false, on/off and 1/0 work too)\n"},
		{[]string{"--format", "jsno", a}, `errtag: --format: unknown format "jsno": auto or json (did you mean json?) (to write to a file, use -o FILE)`},
		{[]string{"stats", "--format", "table", a}, `--format: unknown format "table": text or json`},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "strconv") || strings.Contains(stderr, "invalid argument") {
			t.Errorf("%v: exit %d, out %q, stderr %q; want exit 2 and %q", c.args, code, out, stderr, c.want)
		}
	}
	// --max-line takes T (and is bounded), and 1GiB is allowed.
	if n, err := parseSize("1T"); err != nil || n != 1<<40 {
		t.Errorf("parseSize(1T) = %d, %v", n, err)
	}
	if code, _, stderr := run(t, efotaLine, "--max-line", "1GiB"); code != 0 {
		t.Errorf("--max-line 1GiB: exit %d, %q", code, stderr)
	}
}

// TestColorValues: --color takes its three words, grep's and ls's
// spellings and booleans; --colour and --no-color are other spellings.
func TestColorValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args   []string
		colour bool
	}{
		{[]string{"--color", "always"}, true},
		{[]string{"--color=true"}, true},
		{[]string{"--color", "yes"}, true},
		{[]string{"--color", "1"}, true},
		{[]string{"--colour", "always"}, true},
		{[]string{"--color", "never"}, false},
		{[]string{"--color", "false"}, false},
		{[]string{"--color", "off"}, false},
		{[]string{"--no-color"}, false},
		{[]string{"--no-colour"}, false},
		{[]string{"--color", "auto"}, true}, // on a terminal in colour
	} {
		code, out, stderr := runEnv(t, onTerminal(80, true), efotaLine, append(c.args, "--fields", "code")...)
		if code != 0 || strings.Contains(out, "\x1b[") != c.colour {
			t.Errorf("%v: exit %d, colour %v, out %q, stderr %q", c.args, code, !c.colour, out, stderr)
		}
	}
	// The command line's spelling wins over the config file's, whichever.
	for _, c := range []struct {
		config string
		args   []string
		colour bool
	}{
		{"defaults:\n  color: always\n", []string{"--no-color"}, false},
		{"defaults:\n  no-color: true\n", []string{"--color", "always"}, true},
		{"defaults:\n  color: never\n", nil, false},
	} {
		cfg := writeFile(t, "c.yaml", c.config)
		code, out, stderr := runEnv(t, onTerminal(80, true), efotaLine, append(c.args, "--config", cfg, "--fields", "code")...)
		if code != 0 || strings.Contains(out, "\x1b[") != c.colour {
			t.Errorf("%q %v: exit %d, colour %v, stderr %q", c.config, c.args, code, !c.colour, stderr)
		}
	}
}

// TestUnknownFlags: a misspelt flag gets the flag it is closest to; a flag
// of another command says which.
func TestUnknownFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--formt", "json"}, "errtag: unknown flag --formt: did you mean --format? (errtag --help)\n"},
		{[]string{"--fromat", "json"}, "did you mean --format?"},
		{[]string{"--sytem", "wusp"}, "did you mean --system?"},
		{[]string{"--max-lines", "1k"}, "did you mean --max-line?"},
		{[]string{"--outdir", "x"}, "did you mean --out-dir?"},
		{[]string{"--jsno"}, "did you mean --json?"},
		{[]string{"--colr", "never"}, "did you mean --color?"},
		{[]string{"stats", "--topp", "3"}, "unknown flag --topp: did you mean --top? (errtag stats --help)"},
		{[]string{"explain", "--serch", "x"}, "unknown flag --serch: did you mean --search? (errtag explain --help)"},
		{[]string{"--search", "token"}, "errtag: unknown flag --search for errtag: it is a flag of errtag explain\n"},
		{[]string{"--top", "3"}, "it is a flag of errtag stats"},
		{[]string{"--frobnicate"}, "errtag: unknown flag --frobnicate; errtag --help lists the flags\n"},
	} {
		code, out, stderr := run(t, efotaLine, c.args...)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, out %q, stderr %q; want %q", c.args, code, out, stderr, c.want)
		}
	}
}

// TestFormatEverywhere: every command with a JSON output takes both
// --format json and --json, with the same result, and refuses the two
// asking for different formats.
func TestFormatEverywhere(t *testing.T) {
	t.Parallel()
	a := writeFile(t, "a.log", efotaLine)
	for _, args := range [][]string{
		{a},
		{"stats", a},
		{"explain", "-1401"},
		{"test", "x resultCode=-1401 efota"},
		{"catalog", "--system", "wusp"},
		{"catalog", "systems"},
	} {
		_, byFormat, _ := run(t, "", append(args, "--format", "json")...)
		code, byJSON, stderr := run(t, "", append(args, "--json")...)
		if code != 0 || byJSON != byFormat || !strings.HasPrefix(strings.TrimSpace(byJSON), "{") && !strings.HasPrefix(strings.TrimSpace(byJSON), "[") {
			t.Errorf("%v: --json (exit %d, %q) is not --format json (%q); stderr %q", args, code, byJSON, byFormat, stderr)
		}
		other := "text"
		switch args[0] {
		case a:
			other = "auto"
		case "catalog":
			other = "csv"
		}
		if code, _, stderr := run(t, "", append(args, "--json", "--format", other)...); code != ExitConfig || !strings.Contains(stderr, "--json and --format "+other+" ask for two formats") {
			t.Errorf("%v --json --format %s: exit %d, %q", args, other, code, stderr)
		}
	}
}

// TestFormatOverConfig: --json and --format on the command line win over
// the other in the config file's defaults.
func TestFormatOverConfig(t *testing.T) {
	t.Parallel()
	text := strings.TrimSuffix(efotaLine, "\n") + " errtag.code=-1401\n"
	jsonl := jsonLine(strings.TrimSuffix(efotaLine, "\n"), `[{"code":"-1401"}]`)
	for _, c := range []struct {
		config string
		args   []string
		want   string
	}{
		{"defaults:\n  format: auto\n", []string{"--json"}, jsonl},
		{"defaults:\n  json: true\n", []string{"--format", "auto"}, text},
		{"defaults:\n  json: true\n", nil, jsonl},
	} {
		cfg := writeFile(t, "c.yaml", c.config)
		if code, out, stderr := run(t, efotaLine, append(c.args, "--config", cfg, "--fields", "code")...); code != 0 || out != c.want {
			t.Errorf("%q %v: exit %d, out %q, stderr %q", c.config, c.args, code, out, stderr)
		}
	}
}

// TestOutputFileNames: -o's name says the compression (.tgz is gzip) and,
// for .json and .jsonl, the format unless --format says otherwise; a
// compression errtag does not write is refused.
func TestOutputFileNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	read := func(name string) string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(name, "gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatalf("%s: not gzip: %v", name, err)
			}
			r = zr
		}
		b, _ := io.ReadAll(r)
		return string(b)
	}
	text := strings.TrimSuffix(efotaLine, "\n") + " errtag.code=-1401\n"
	jsonl := jsonLine(strings.TrimSuffix(efotaLine, "\n"), `[{"code":"-1401"}]`)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"logs.tgz", nil, text},
		{"out.json", nil, jsonl},
		{"out.JSONL", nil, jsonl},
		{"out.ndjson.gz", nil, jsonl},
		{"out2.json", []string{"--format", "auto"}, text},
		{"out.log", nil, text},
	} {
		if code, _, stderr := run(t, efotaLine, append(c.args, "--fields", "code", "-o", filepath.Join(dir, c.name))...); code != 0 || read(c.name) != c.want {
			t.Errorf("-o %s %v: exit %d, stderr %q, wrote %q", c.name, c.args, code, stderr, read(c.name))
		}
	}
	for ext, what := range map[string]string{".tbz2": "bzip2", ".txz": "xz", ".lzo": "lzop", ".zz": "zlib", ".tlz": "lzip"} {
		code, _, stderr := run(t, efotaLine, "-o", filepath.Join(dir, "x"+ext))
		if code != ExitConfig || !strings.Contains(stderr, "but not "+what) {
			t.Errorf("-o x%s: exit %d, %q", ext, code, stderr)
		}
	}
}
