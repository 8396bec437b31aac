package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestCommandSaysWhy: `errtag test` shows each corroboration decision
// in the matcher's words, the marker words it did not count, and each
// annotation's cue.
func TestTestCommandSaysWhy(t *testing.T) {
	code, out, stderr := run(t, "", "test",
		`{"errorCode":301,"message":"Moved Permanently","location":"https://new.example.com"}`,
		`403 {"message":"invalid access token","errorCode":301}`,
		`drug=Cefotaxime result code: -1001`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`backend-services 301: message "Moved Permanently" is not code 301's "Invalid access token.": a shared shape needs the vendor's message`,
		`counts: message "invalid access token" agrees with code 301's "Invalid access token."`,
		`=> backend-services 301 INVALID_ACCESS_TOKEN (auth) [rule backend-services.error-body, cue shape]`,
		`no marker: "efota" at 6 is part of a longer word`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", "test", "--json", `E EFOTA: resultCode=-1401`)
	var tr struct {
		Markers     []string `json:"markers"`
		Annotations []struct {
			Cue string `json:"cue"`
		} `json:"annotations"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &tr) != nil || len(tr.Annotations) != 1 || tr.Annotations[0].Cue != "marker" || len(tr.Markers) != 1 {
		t.Errorf("--json: exit %d, %s", code, out)
	}
}

// TestFieldsCue: the cue field is written when asked for, and not by
// default.
func TestFieldsCue(t *testing.T) {
	in := "E EFOTA: resultCode=-1401\n{\"message\":\"Invalid access token.\",\"errorCode\":301}\n"
	code, out, stderr := run(t, in, "--fields", "system,code,cue")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "E EFOTA: resultCode=-1401 errtag.system=knox-efota errtag.code=-1401 errtag.cue=marker\n" +
		`{"message":"Invalid access token.","errorCode":301,"errtag":[{"system":"backend-services","code":"301","cue":"shape"}]}` + "\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	_, out, _ = run(t, in)
	if strings.Contains(out, "cue") {
		t.Errorf("cue written by default:\n%s", out)
	}
	_, out, _ = run(t, "sync failed errorCode=-1001\n", "--system", "knox-efota", "--fields", "code,cue")
	if out != "sync failed errorCode=-1001 errtag.code=-1001 errtag.cue=system\n" {
		t.Errorf("--system: %q", out)
	}
}

// TestTestEscapesOnTerminal: errtag test echoes each line; on a terminal
// what would control it is shown, not obeyed; to a pipe it is as given.
func TestTestEscapesOnTerminal(t *testing.T) {
	t.Parallel()
	line := "x \x1b]0;title\x07 y"
	_, out, _ := runEnv(t, onTerminal(80, false), "", "test", line)
	if !strings.HasPrefix(out, `line 1: x \x1b]0;title\x07 y`+"\n") {
		t.Errorf("on a terminal: %q", out)
	}
	_, out, _ = run(t, "", "test", line)
	if !strings.HasPrefix(out, "line 1: "+line+"\n") {
		t.Errorf("to a pipe: %q", out)
	}
}

// TestTestSaysWhichMarkerIsMissing: a line on which no rule runs (none of
// the words that let one run is on it) still says, for a rule whose own
// literal is there, that its system's marker is missing, instead of
// blaming the rule's literal.
func TestTestSaysWhichMarkerIsMissing(t *testing.T) {
	dir := t.TempDir()
	cat := filepath.Join(dir, "shop.yaml")
	rls := filepath.Join(dir, "shop-rules.yaml")
	os.WriteFile(cat, []byte("system: shopapp\nentries:\n  - code: E42\n    name: PAYMENT_DECLINED\n    category: server\n    message: The card was declined.\n"), 0o644)
	os.WriteFile(rls, []byte("markers:\n  shopapp: [shopapp]\nrules:\n  - id: shopapp.payerr\n    system: shopapp\n    cue: marker\n    code_type: name\n    regex: 'payerr=(?P<code>E\\d+)'\n"), 0o644)
	code, out, stderr := run(t, "", "test", "--catalog", cat, "--rules", rls,
		"other[12]: payerr=E42 from an unrelated app", "shopapp[1]: payerr=E42")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first, second, _ := strings.Cut(out, "line 2:")
	if !strings.Contains(first, "shopapp.payerr") || !strings.Contains(first, "skipped: no shopapp marker on the line") {
		t.Errorf("line 1 does not name the missing marker:\n%s", first)
	}
	if !strings.Contains(second, "=> shopapp E42 PAYMENT_DECLINED") {
		t.Errorf("line 2 not annotated:\n%s", second)
	}
}
