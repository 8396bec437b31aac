//go:build linux

package e2e

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the outputs of the README's examples from the current binary")

// The README's examples are run, so that a sample can no longer drift from
// the tool.
//
//   - A fenced block whose lines start with "$ " is a session: each command
//     (continued on the next line after a trailing backslash) runs with
//     sh in one working directory, and its standard output and error
//     together must be the lines shown under it, up to the next "$ " line.
//     A line "..." stands for any number of lines. A command with nothing
//     shown under it must exit 0. A block marked ```terminal runs its
//     commands with their output on a terminal 80 columns wide, NO_COLOR
//     set.
//   - Every errtag command in a ```sh block (not run: it may follow files
//     for ever, or write to /var) is run with --help appended, which parses
//     its flags: a renamed or misspelled flag fails.
//
// The working directory holds the files of testdata/readme/ (app.log.gz
// is app.log compressed, which is checked) and every ```yaml block whose first line is
// "# NAME.yaml", as NAME.yaml. errtag is first on PATH.
//
// After an intended change of output, `go test ./e2e -run TestREADME
// -update` writes the new outputs into README.md (those without "...");
// review the diff.
func TestREADME(t *testing.T) {
	readme := filepath.Join("..", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	dir := readmeDir(t, lines)
	env := append(os.Environ(), "PATH="+filepath.Dir(binary)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"LC_ALL=C", "ERRTAG_CONFIG=", "NO_COLOR=1", "HOME="+dir)
	type edit struct {
		from, to int // lines of README replaced
		with     []string
	}
	var edits []edit
	ran, checked := 0, 0 // commands run; sh commands whose flags were checked
	for _, b := range fencedBlocks(lines) {
		switch {
		case b.info == "sh" || b.info == "bash":
			for _, l := range lines[b.from:b.to] {
				for _, cmd := range errtagCommands(l) {
					checked++
					c := exec.Command("sh", "-c", cmd+" --help")
					c.Dir, c.Env = dir, env
					if out, err := c.CombinedOutput(); err != nil {
						t.Errorf("README.md:%d: %s: flags not accepted: %v\n%s", b.from+1, cmd, err, out)
					}
				}
			}
		case hasSession(lines[b.from:b.to]):
			for _, c := range sessionCommands(lines, b.from, b.to) {
				if strings.Contains(c.cmd, "| jq") && !haveJQ() {
					t.Logf("README.md:%d: jq is not installed: not checked", c.line+1)
					continue
				}
				ran++
				var got string
				var ok bool
				if b.info == "terminal" {
					var run bool
					got, ok, run = runOnTerminal(t, dir, env, c.cmd)
					if !run {
						continue
					}
				} else {
					sh := exec.Command("sh", "-c", c.cmd)
					sh.Dir, sh.Env = dir, env
					out, err := sh.CombinedOutput()
					got, ok = string(out), err == nil
				}
				want := lines[c.outFrom:c.outTo]
				gotLines := strings.Split(strings.TrimRight(got, "\n"), "\n")
				if got == "" {
					gotLines = nil
				}
				switch {
				case len(want) == 0 && !ok:
					t.Errorf("README.md:%d: %s: failed:\n%s", c.line+1, c.cmd, got)
				case len(want) > 0 && !globLines(want, gotLines):
					if *update && !hasWildcard(want) {
						edits = append(edits, edit{c.outFrom, c.outTo, gotLines})
						continue
					}
					t.Errorf("README.md:%d: %s: output differs (go test ./e2e -run TestREADME -update to take it)\n got:\n%s\nwant:\n%s",
						c.line+1, c.cmd, strings.Join(gotLines, "\n"), strings.Join(want, "\n"))
				}
			}
		}
	}
	// The README has more than this: fewer means the parsing broke.
	if ran < 12 || checked < 15 {
		t.Errorf("only %d commands run and %d checked: is the README parsed?", ran, checked)
	}
	if len(edits) > 0 {
		for i := len(edits) - 1; i >= 0; i-- {
			e := edits[i]
			lines = append(lines[:e.from], append(append([]string{}, e.with...), lines[e.to:]...)...)
		}
		if err := os.WriteFile(readme, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %d outputs in README.md", len(edits))
	}
}

// readmeDir makes the examples' working directory.
func readmeDir(t *testing.T, lines []string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "testdata", "readme")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644)
	}
	// app.log.gz is in the repository, for a reader who runs the samples
	// by hand; it must stay app.log compressed.
	plain, _ := os.ReadFile(filepath.Join(src, "app.log"))
	zf, err := os.Open(filepath.Join(src, "app.log.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer zf.Close()
	zr, err := gzip.NewReader(zf)
	if err != nil {
		t.Fatal(err)
	}
	if unz, err := io.ReadAll(zr); err != nil || !bytes.Equal(unz, plain) {
		t.Fatalf("testdata/readme/app.log.gz is not app.log compressed (%v): gzip -n -9 -c app.log > app.log.gz", err)
	}
	named := regexp.MustCompile(`^# ([\w.-]+\.yaml)$`)
	for _, b := range fencedBlocks(lines) {
		if b.info == "yaml" && b.to > b.from {
			if m := named.FindStringSubmatch(lines[b.from]); m != nil {
				os.WriteFile(filepath.Join(dir, m[1]), []byte(strings.Join(lines[b.from:b.to], "\n")+"\n"), 0o644)
			}
		}
	}
	return dir
}

// block is a fenced code block: its info string and the lines inside.
type block struct {
	info     string
	from, to int
}

func fencedBlocks(lines []string) []block {
	var out []block
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		b := block{info: strings.TrimSpace(strings.TrimPrefix(lines[i], "```")), from: i + 1}
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
		}
		b.to = i
		out = append(out, b)
	}
	return out
}

func hasSession(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "$ ") {
			return true
		}
	}
	return false
}

// sessionCommand is a "$ " command of a block and where its output is
// shown.
type sessionCommand struct {
	cmd            string
	line           int
	outFrom, outTo int
}

func sessionCommands(lines []string, from, to int) []sessionCommand {
	var out []sessionCommand
	for i := from; i < to; {
		if !strings.HasPrefix(lines[i], "$ ") {
			i++
			continue
		}
		c := sessionCommand{line: i}
		cmd := strings.TrimPrefix(lines[i], "$ ")
		for strings.HasSuffix(cmd, `\`) && i+1 < to {
			i++
			cmd = strings.TrimSuffix(cmd, `\`) + "\n" + lines[i]
		}
		c.cmd = cmd
		i++
		c.outFrom = i
		for i < to && !strings.HasPrefix(lines[i], "$ ") {
			i++
		}
		c.outTo = i
		out = append(out, c)
	}
	return out
}

// errtagCommands returns the errtag commands of a shell line, each up to
// the next pipe, redirection, command separator or comment.
var errtagCommand = regexp.MustCompile(`(?:^|[|(;&]\s*)(errtag(?:\s[^|;&()#<>]*)?)`)

func errtagCommands(line string) []string {
	var out []string
	for _, m := range errtagCommand.FindAllStringSubmatch(line, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

func hasWildcard(want []string) bool {
	for _, w := range want {
		if strings.TrimSpace(w) == "..." {
			return true
		}
	}
	return false
}

// globLines matches got against want, where a line "..." matches any
// number of lines.
func globLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for i := 0; i <= len(got); i++ {
			if globLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && got[0] == want[0] && globLines(want[1:], got[1:])
}

func haveJQ() bool {
	_, err := exec.LookPath("jq")
	return err == nil
}
