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
