package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigErrors: a bad rule or catalog file is reported as FILE:LINE:
// with what is wrong, exit 2, before any input is read.
func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name, flag, content, want string
	}{
		{"regex without code group", "--rules", "rules:\n  - id: r1\n    system: wusp\n    regex: 'ErrorCode=(\\w+)'\n", `:4: rule "r1": regex has no named group (?P<code>...)`},
		{"bad regex", "--rules", "rules:\n  - id: r2\n    system: wusp\n    regex: 'ErrorCode=(?P<code>\\w+'\n", `:4: rule "r2": bad regex: missing closing )`},
		{"unknown system", "--rules", "rules:\n  - id: r3\n    system: nosuch\n    regex: 'xyzzy=(?P<code>\\d+)'\n", `:3: rule "r3": unknown system "nosuch"`},
		{"duplicate id", "--rules", "rules:\n  - id: r4\n    system: wusp\n    regex: 'abc=(?P<code>\\w+)'\n  - id: r4\n    system: wusp\n    regex: 'def=(?P<code>\\w+)'\n", `:5: rule "r4": id already used at`},
		{"duplicate builtin id", "--rules", "rules:\n  - id: wusp.fault-detail\n    system: wusp\n    regex: 'abc=(?P<code>\\w+)'\n", `:2: rule "wusp.fault-detail": id already used at builtin:rules.yaml:`},
		{"no literal", "--rules", "rules:\n  - id: r5\n    system: wusp\n    regex: '(?P<code>\\d+)'\n", `:2: rule "r5": no literal text`},
		{"wrong type", "--rules", "rules:\n  - id: r6\n    system: wusp\n    unless_marked: maybe\n    regex: 'abc=(?P<code>\\w+)'\n", `:4: rule "r6": unless_marked must be true or false`},
		{"unknown field", "--rules", "rules:\n  - id: r7\n    sytem: wusp\n", `:3: rule "r7": unknown field "sytem"`},
		{"marker without markers", "--rules", "rules:\n  - id: r8\n    system: wusp\n    cue: marker\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "r8": cue is marker but system wusp has no markers`},
		{"yaml syntax", "--rules", "rules:\n  - id: [\n", `:2: invalid YAML`},
		{"catalog unknown category", "--catalog", "system: mine\nentries:\n  - code: \"1\"\n    name: ONE\n    category: bogus\n    message: m\n", `:5: code 1: unknown category "bogus"`},
		{"catalog twice different text", "--catalog", "system: mine\nentries:\n  - code: \"1\"\n    name: ONE\n    category: server\n    message: m\n  - code: \"1\"\n    name: UNO\n    category: server\n    message: other\n", `:7: code 1 is listed twice with different texts`},
		{"catalog missing message", "--catalog", "system: mine\nentries:\n  - code: \"1\"\n    name: ONE\n    category: server\n", `:3: entry is missing "message"`},
		{"catalog code with space", "--catalog", "system: mine\nentries:\n  - code: \"1 2\"\n    name: ONE\n    category: server\n    message: m\n", `:3: code "1 2": a code is one word`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, "conf.yaml", c.content)
			// stdin would make errtag wait if it read input first.
			code, out, stderr := run(t, "E EFOTA resultCode=-1401\n", c.flag, p)
			if code != ExitConfig {
				t.Errorf("exit %d, want %d; stderr %q", code, ExitConfig, stderr)
			}
			if out != "" {
				t.Errorf("input was processed: %q", out)
			}
			if !strings.HasPrefix(stderr, "errtag: "+p) || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr = %q, want it to start with %q and contain %q", stderr, "errtag: "+p, c.want)
			}
		})
	}
}

// TestUserRulesAndCatalog: a user catalog adds a system, a user rule
// annotates with it, and an override replaces a built-in entry.
func TestUserRulesAndCatalog(t *testing.T) {
	cat := writeFile(t, "cat.yaml", `system: payments
title: Payments gateway
entries:
  - code: "E42"
    name: CARD_DECLINED
    category: validation
    message: "The card was declined."
    remediation: "Ask the customer for another card."
`)
	rulesFile := writeFile(t, "rules.yaml", `markers:
  payments: [paygw]
rules:
  - id: payments.decline
    system: payments
    cue: marker
    code_type: name
    regex: 'decline_code=(?P<code>E\d+)'
`)
	override := writeFile(t, "override.yaml", `system: knox-efota
entries:
  - code: "-1401"
    name: USER_SAID_NO
    category: cancelled
    message: "The device user rejected the download file."
    remediation: "Local runbook: ping the fleet team."
`)
	in := "paygw charge failed decline_code=E42\nother decline_code=E42\nE EFOTA resultCode=-1401\n"
	code, out, stderr := run(t, in, "--catalog", cat, "--rules", rulesFile, "--catalog", override, "--fields", "system,code,name,remediation")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := `paygw charge failed decline_code=E42 errtag.system=payments errtag.code=E42 errtag.name=CARD_DECLINED errtag.remediation="Ask the customer for another card."
other decline_code=E42
E EFOTA resultCode=-1401 errtag.system=knox-efota errtag.code=-1401 errtag.name=USER_SAID_NO errtag.remediation="Local runbook: ping the fleet team."
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--output", "xml"},
		{"--system", "nosuch"},
		{"--fields", "system,bogus"},
		{"--no-such-flag"},
		{"--max-line", "0"},
	} {
		code, out, stderr := run(t, "x\n", args...)
		if code != ExitConfig || out != "" || !strings.HasPrefix(stderr, "errtag: ") {
			t.Errorf("%v: exit %d, out %q, stderr %q", args, code, out, stderr)
		}
	}
}

// TestMissingFileContinues: an unreadable input is named on stderr, the
// others are still processed, and the exit code is 1.
func TestMissingFileContinues(t *testing.T) {
	good := writeFile(t, "good.log", "hello\n")
	code, out, stderr := run(t, "", filepath.Join(t.TempDir(), "missing.log"), good)
	if code != ExitInput || out != "hello\n" || !strings.Contains(stderr, "missing.log: no such file or directory") {
		t.Errorf("exit %d, out %q, stderr %q", code, out, stderr)
	}
}
