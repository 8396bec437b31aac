package cli

import (
	"strings"
	"testing"
)

// TestCompletion: the completion command writes a script, and the values
// of --system, --format, --fields, --color and --from complete.
func TestCompletion(t *testing.T) {
	t.Parallel()
	systems := "backend-services\ndrupal-sdk\nknox-efota\nvoltmx-sync\nwusp\n"
	cat := writeFile(t, "pay.yaml", "system: payments\nentries:\n  - code: \"E42\"\n    name: CARD_DECLINED\n    category: validation\n    message: m\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "--system", ""}, systems + ":4\n"},
		{[]string{"__complete", "--catalog", cat, "--system", ""}, "backend-services\ndrupal-sdk\nknox-efota\npayments\nvoltmx-sync\nwusp\n:4\n"},
		{[]string{"__complete", "stats", "--system", ""}, systems + ":4\n"},
		{[]string{"__complete", "explain", "--system", ""}, systems + ":4\n"},
		{[]string{"__complete", "catalog", "--system", ""}, systems + ":4\n"},
		{[]string{"__complete", "--format", ""}, "auto\njson\n:4\n"},
		{[]string{"__complete", "catalog", "--format", ""}, "table\njson\ncsv\n:4\n"},
		{[]string{"__complete", "catalog", "import", "--from", ""}, "auto\nhtml\nmarkdown\ntext\ntsv\n:4\n"},
		{[]string{"__complete", "--color", ""}, "auto\nalways\nnever\n:4\n"},
		{[]string{"__complete", "--fields", "system,code,"}, "system,code,name\nsystem,code,category\nsystem,code,group\nsystem,code,message\nsystem,code,remediation\nsystem,code,known\nsystem,code,alternatives\nsystem,code,rule\nsystem,code,cue\n:6\n"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != 0 || out != c.want {
			t.Errorf("%v: exit %d, stderr %q\n got %q\nwant %q", c.args, code, stderr, out, c.want)
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, _ := run(t, "", "completion", shell)
		if code != 0 || !strings.Contains(out, "errtag") || len(out) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, len(out))
		}
	}
}

// TestHelpAndCompletionMistakes: a misspelt help topic or shell is a
// usage error that says what was meant, never help text with exit 0 (which
// source <(errtag completion bsh) would run); the bash script keeps commas
// unescaped.
func TestHelpAndCompletionMistakes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "explian"}, "errtag: errtag help explian: errtag has no command \"explian\": did you mean \"explain\"? (errtag help explain)\n"},
		{[]string{"help", "catalog", "impurt"}, "did you mean \"import\"? (errtag help catalog import)"},
		{[]string{"help", "frobnicate"}, "errtag has no command \"frobnicate\"; its commands are"},
		{[]string{"completion", "bsh"}, "errtag: unknown command \"bsh\" for errtag completion: did you mean \"bash\"?"},
		{[]string{"completion", "zhs"}, "did you mean \"zsh\"?"},
		{[]string{"completion", "tcsh"}, "its commands are bash, fish, powershell and zsh"},
		{[]string{"completion"}, "errtag: completion: name the shell: bash, fish, powershell or zsh (errtag completion bash)\n"},
	} {
		code, out, stderr := run(t, "", c.args...)
		if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, out %q, stderr %q; want %q", c.args, code, out, stderr, c.want)
		}
	}
	if code, out, _ := run(t, "", "help", "explain"); code != 0 || !strings.Contains(out, "errtag explain -1401 -1012") {
		t.Errorf("help explain: exit %d, %q", code, out)
	}
	_, script, _ := run(t, "", "completion", "bash")
	if !strings.Contains(script, "    __errtag_process_completion_results\n    # errtag: no backslash before a comma") {
		t.Errorf("the bash script does not unescape commas")
	}
	if code, out, _ := run(t, "", "completion", "--help"); code != 0 || !strings.Contains(out, "bash-completion") {
		t.Errorf("completion --help does not say bash needs bash-completion: %q", out)
	}
}
