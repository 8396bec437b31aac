//go:build linux

package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// errtagIn runs errtag in dir with no standard input and returns exit
// code, stdout and stderr.
func errtagIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	case err != nil:
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// TestCommandLineTraps: an innocent command that would have done something
// the user did not mean is a usage error, exit 2, and reads and writes
// nothing: the kubectl habit -o json, a misspelled subcommand.
func TestCommandLineTraps(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "json", "app.log"}, "errtag: -o json: -o names the output FILE, and \"json\" is the name of a format; for JSON lines use --format json (to write a file named json, give -o ./json)\n"},
		{[]string{"stat", "app.log"}, "errtag: unknown command \"stat\", and no file of that name: did you mean \"stats\"? (errtag stats --help)\n"},
		{[]string{"explian", "107"}, "errtag: unknown command \"explian\", and no file of that name: did you mean \"explain\"? (errtag explain --help)\n"},
		{[]string{"--system", "knox-efota", "tset", "app.log"}, "did you mean \"test\"?"},
		{[]string{"-o", "out.bz2", "app.log"}, "errtag: -o out.bz2: errtag writes gzip (.gz, .tgz) and zstd (.zst) but not bzip2; use -o out.gz, or pipe: errtag ... | bzip2 > FILE\n"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(errLine+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := errtagIn(t, dir, c.args...)
			if code != 2 || out != "" || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, out %q, stderr %q; want exit 2, no output, %q", code, out, stderr, c.want)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				t.Errorf("files written: %v", ents)
			}
		})
	}
	// What the user meant still works: a file that is named like a
	// format, given as a path, and a file named like a command.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "stat"), []byte(errLine+"\n"), 0o644)
	if code, out, stderr := errtagIn(t, dir, "-o", "./json", "stat"); code != 0 || out != "" || stderr != "" {
		t.Errorf("-o ./json stat: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "json")); !strings.Contains(string(b), "errtag.code=-1401") {
		t.Errorf("./json holds %q", b)
	}
}

// TestGrepHabitsBinary: the grep habits scripts rely on, through the
// binary: -l names files, -q answers with its exit status alone, -v keeps
// the other lines, and after -- every argument is a file, even one named
// like a command.
func TestGrepHabitsBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "app.log"), []byte("plain\n"+errLine+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "quiet.log"), []byte("plain\n"), 0o644)
	for _, c := range []struct {
		args   []string
		exit   int
		out    string
		stderr string
	}{
		{[]string{"-l", "app.log", "quiet.log"}, 0, "app.log\n", ""},
		{[]string{"-L", "app.log", "quiet.log"}, 0, "quiet.log\n", ""},
		{[]string{"-q", "app.log"}, 0, "", ""},
		{[]string{"-q", "quiet.log"}, 1, "", ""},
		{[]string{"-q", "quiet.log", "gone.log"}, 2, "", "errtag: gone.log: no such file or directory\n"},
		{[]string{"-v", "app.log"}, 0, "plain\n", ""},
		{[]string{"-cv", "app.log"}, 0, "1\n", ""},
		{[]string{"--", "stat", "quiet.log"}, 1, "plain\n", "errtag: stat: no such file or directory\n"},
		{[]string{"stat", "quiet.log"}, 2, "", "errtag: unknown command \"stat\", and no file of that name: did you mean \"stats\"? (errtag stats --help)\n"},
	} {
		code, out, stderr := errtagIn(t, dir, c.args...)
		if code != c.exit || out != c.out || stderr != c.stderr {
			t.Errorf("%v: exit %d, out %q, stderr %q; want exit %d, out %q, stderr %q", c.args, code, out, stderr, c.exit, c.out, c.stderr)
		}
	}
}

// TestBashCompletion: with bash and bash-completion, completing
// --fields code,na gives code,name, without a backslash before the comma.
func TestBashCompletion(t *testing.T) {
	t.Parallel()
	const lib = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(lib); err != nil {
		t.Skip("no bash-completion")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script := `source ` + lib + `
source <("$ERRTAG" completion bash)
COMP_WORDS=("$ERRTAG" --fields code,na)
COMP_CWORD=2
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
__start_errtag 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "ERRTAG="+binary)
	out, err := cmd.Output()
	if err != nil || string(out) != "code,name\n" {
		t.Errorf("completion of --fields code,na: %v, %q", err, out)
	}
}
