package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes name -> content under a new temporary directory and
// returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// casesConfig binds /var/log/knox/ to knox-efota, so that a bare
// resultCode counts there and nowhere else.
const casesConfig = "inputs:\n  - path: /var/log/knox/\n    system: knox-efota\n"

// TestTestCases: errtag test --cases checks each case's line against the
// annotations it wants (system, code, and the name when given, or none),
// as a line of the case's input; reports ok or FAIL with the difference
// per case and a summary; and exits 1 when a case failed.
func TestTestCases(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"errtag.yaml": casesConfig,
		"pass.yaml": `# the lines a Knox log holds
input: /var/log/knox/device.log
cases:
  - line: 'E EFOTA: download failed resultCode=-1401'
    want: {system: knox-efota, code: "-1401", name: DOWNLOAD_REJECTED_BY_USER}
  - line: 'download failed resultCode=-1401'
    want: {system: knox-efota, code: "-1401"}
  - line: 'download failed resultCode=-1401'
    input: app.log
    want: none
  - line: 'nothing to see here'
    want: []
`,
		"fail.yaml": `cases:
  - line: 'E EFOTA: download failed resultCode=-1401'
    want: {system: knox-efota, code: "-1401", name: SOMETHING_ELSE}
  - line: 'download failed resultCode=-1401'
    want: {system: knox-efota, code: "-1401"}
  - line: 'E EFOTA: download failed resultCode=-1401'
    want: [{system: knox-efota, code: "-1401"}]
`,
		"cases.jsonl": `{"line": "E EFOTA: download failed resultCode=-1401", "want": {"system": "knox-efota", "code": "-1401", "name": "DOWNLOAD_REJECTED_BY_USER"}}

{"line": "download failed resultCode=-1401", "input": "/var/log/knox/a.log", "want": [{"system": "knox-efota", "code": "-1401"}]}
{"line": "download failed resultCode=-1401", "want": "none"}
`,
	})
	cfg := filepath.Join(dir, "errtag.yaml")

	code, out, stderr := run(t, "", "test", "--config", cfg, "--cases", filepath.Join(dir, "pass.yaml"))
	if code != ExitOK || stderr != "" || strings.Count(out, "\nok   ") != 3 || !strings.HasPrefix(out, "ok   "+filepath.Join(dir, "pass.yaml")+":4  E EFOTA:") ||
		!strings.HasSuffix(out, "pass.yaml: 4 cases, 0 failed\n") {
		t.Errorf("passing cases: exit %d, stderr %q\n%s", code, stderr, out)
	}

	code, out, _ = run(t, "", "test", "--config", cfg, "--cases", filepath.Join(dir, "fail.yaml"))
	for _, want := range []string{
		"FAIL " + filepath.Join(dir, "fail.yaml") + ":2  E EFOTA: download failed resultCode=-1401\n" +
			"     - want knox-efota -1401 SOMETHING_ELSE\n" +
			"     + got  knox-efota -1401 DOWNLOAD_REJECTED_BY_USER\n" +
			"     (errtag test --input - 'LINE' shows why)\n",
		":4  download failed resultCode=-1401\n     - want knox-efota -1401 (any name)\n     + got  none\n",
		"ok   " + filepath.Join(dir, "fail.yaml") + ":6  ",
		"fail.yaml: 3 cases, 2 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("failing cases lack %q:\n%s", want, out)
		}
	}
	if code != ExitCasesFailed {
		t.Errorf("failing cases: exit %d, want %d", code, ExitCasesFailed)
	}

	// --input applies to the cases that name no input, over the file's.
	code, out, _ = run(t, "", "test", "--config", cfg, "--input", "/var/log/knox/x.log", "--cases", filepath.Join(dir, "fail.yaml"))
	if code != ExitCasesFailed || !strings.Contains(out, "fail.yaml: 3 cases, 1 failed\n") {
		t.Errorf("--input: exit %d\n%s", code, out)
	}

	code, out, _ = run(t, "", "test", "--config", cfg, "--cases", filepath.Join(dir, "cases.jsonl"))
	if code != ExitOK || !strings.Contains(out, "cases.jsonl:3  download") || !strings.HasSuffix(out, "3 cases, 0 failed\n") {
		t.Errorf("JSON Lines: exit %d\n%s", code, out)
	}

	code, out, _ = run(t, "", "test", "--config", cfg, "--json", "--cases", filepath.Join(dir, "fail.yaml"))
	var first caseResult
	if code != ExitCasesFailed || strings.Count(out, "\n") != 3 || json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &first) != nil ||
		first.Pass || first.Input != "-" || len(first.Want) != 1 || first.Got[0] != "knox-efota -1401 DOWNLOAD_REJECTED_BY_USER" {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
}

// TestTestCasesNoRow: a case can say that a code gets no row (name: ""),
// and the report says which rows were the alternatives.
func TestTestCasesNoRow(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"cat.yaml": `system: acme
entries:
  - {code: E1, name: E1_DISK, category: storage, message: "disk %s is full", message_prefix: "disk"}
  - {code: E1, name: E1_NET, category: connectivity, message: "host %s unreachable", message_prefix: "host"}
`,
		"rules.yaml": `rules:
  - id: acme.text
    system: acme
    cue: carrier
    code_type: name
    regex: 'acmefail (?P<code>E\d) (?P<message>.*)'
`,
		"cases.yaml": `cases:
  - line: 'acmefail E1 disk /var is full'
    want: {system: acme, code: E1, name: E1_DISK}
  - line: 'acmefail E1 something else'
    want: {system: acme, code: E1, name: ""}
  - line: 'acmefail E1 something else'
    want: {system: acme, code: E1, name: E1_NET}
`,
	})
	code, out, _ := run(t, "", "test", "--catalog", filepath.Join(dir, "cat.yaml"), "--rules", filepath.Join(dir, "rules.yaml"), "--cases", filepath.Join(dir, "cases.yaml"))
	if code != ExitCasesFailed || !strings.Contains(out, "+ got  acme E1 (no name: no row picked; alternatives E1_DISK, E1_NET)") || !strings.HasSuffix(out, "3 cases, 1 failed\n") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestTestCasesBadFile: a cases file with a problem is reported with its
// place, before any case runs, with exit 2.
func TestTestCasesBadFile(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"nowant.yaml":   "cases:\n  - line: 'x'\n",
		"badfield.yaml": "cases:\n  - line: 'x'\n    want: {system: a, code: b, nmae: c}\n",
		"nocode.yaml":   "cases:\n  - line: 'x'\n    want: {system: a}\n",
		"badwant.yaml":  "cases:\n  - line: 'x'\n    want: nothing\n",
		"empty.yaml":    "cases: []\n",
		"bad.jsonl":     "{\"line\": \"x\", \"want\": \"none\"}\n{\"line\": \"y\", \"want\": {\"system\": \"a\", \"code\": \"b\", \"extra\": 1}}\n",
		"twolines.yaml": "cases:\n  - line: \"a\\nb\"\n    want: none\n",
	})
	for file, want := range map[string]string{
		"nowant.yaml":   `nowant.yaml:2: case is missing "want"`,
		"badfield.yaml": `badfield.yaml:3: unknown field "nmae"`,
		"nocode.yaml":   "nocode.yaml:3: want: each annotation needs system and code",
		"badwant.yaml":  `badwant.yaml:3: want must be none`,
		"empty.yaml":    `empty.yaml:1: field "cases" must be a list`,
		"bad.jsonl":     `bad.jsonl:2: want must be "none"`,
		"twolines.yaml": "twolines.yaml:2: line holds a line break",
	} {
		code, out, stderr := run(t, "", "test", "--cases", filepath.Join(dir, file))
		if code != ExitConfig || out != "" || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", file, code, out, stderr, want)
		}
	}
	if code, _, stderr := run(t, "", "test", "--cases", filepath.Join(dir, "nowant.yaml"), "some line"); code != ExitConfig || !strings.Contains(stderr, "give no LINE") {
		t.Errorf("--cases with a LINE: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "test", "--cases", filepath.Join(dir, "missing.yaml")); code != ExitConfig || !strings.Contains(stderr, "missing.yaml") {
		t.Errorf("missing file: exit %d, %q", code, stderr)
	}
}

// TestTestPrefilterInWord: errtag test says when the prefilter's literal is
// only part of a longer word ("ERR" in "ERROR"), which is no find.
func TestTestPrefilterInWord(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"cat.yaml":   "system: acme\nentries:\n  - {code: ERR, name: ERR, category: internal, message: generic error}\n",
		"rules.yaml": "rules:\n  - id: acme.err\n    system: acme\n    cue: carrier\n    code_type: name\n    regex: '\\b(?P<code>ERR) (?P<message>.*)'\n",
	})
	args := []string{"test", "--catalog", filepath.Join(dir, "cat.yaml"), "--rules", filepath.Join(dir, "rules.yaml")}
	_, out, _ := run(t, "", append(args, "12:00 ERROR disk full")...)
	if !strings.Contains(out, `prefilter: "ERR" at byte 6, inside the word "ERROR" (only the prefilter's scan`) {
		t.Errorf("in a word:\n%s", out)
	}
	_, out, _ = run(t, "", append(args, "12:00 ERR syntax error")...)
	if !strings.Contains(out, "prefilter: \"ERR\" at byte 6\n") {
		t.Errorf("a word of its own:\n%s", out)
	}
}
