package cli

import (
	"encoding/json"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
)

// TestTestJSON: errtag test --json writes snake_case keys, every list
// present, and log text as it is (> is not escaped as for HTML).
func TestTestJSON(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, "", "test", "--json", `{"message":"Invalid access token.","errorCode":301,"path":"a>b&c"}`, "nothing here")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), out)
	}
	if !strings.Contains(lines[0], `"text":"{\"message\":\"Invalid access token.\",\"errorCode\":301,\"path\":\"a>b&c\"}"`) {
		t.Errorf("text escaped: %s", lines[0])
	}
	keys := func(m map[string]json.RawMessage) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	var first, second map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(lines[1]), &second)
	if got := keys(first); got != "annotations,dropped,events,line,markers,not_markers,prefilter,prefilter_offset,rules_off,text" {
		t.Errorf("keys %s", got)
	}
	if got := keys(second); got != "annotations,dropped,events,line,markers,not_markers,rules_off,text" {
		t.Errorf("keys of a line no rule looked at: %s", got)
	}
	var events []map[string]json.RawMessage
	json.Unmarshal(first["events"], &events)
	if len(events) == 0 || keys(events[0]) != "offset,rule,what,where" {
		t.Errorf("events %s", first["events"])
	}
	if string(first["annotations"]) != `[{"system":"backend-services","code":"301","name":"INVALID_ACCESS_TOKEN","category":"auth","known":true,"rule":"backend-services.error-body","cue":"shape"}]` {
		t.Errorf("annotations %s", first["annotations"])
	}
}

// TestVersion: --version names the module version go install records, or
// says devel, with the revision when the build recorded one.
func TestVersion(t *testing.T) {
	t.Parallel()
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{GoVersion: "go1.25.3", Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0 (go1.25.3)"},
		{&debug.BuildInfo{GoVersion: "go1.25.3", Main: debug.Module{Version: "v1.4.1-0.20261122100000-0123456789ab"}},
			"v1.4.1-0.20261122100000-0123456789ab (go1.25.3)"},
		{&debug.BuildInfo{GoVersion: "go1.25.3", Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs", "git", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-11-22T10:00:00Z", "vcs.modified", "true")},
			"devel (revision 0123456789ab, modified, 2026-11-22T10:00:00Z, go1.25.3)"},
		{&debug.BuildInfo{GoVersion: "go1.25.3", Main: debug.Module{Version: "(devel)"}},
			"devel (built without version control information, go1.25.3)"},
	} {
		if got := versionFrom(c.bi, true); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if got := versionFrom(nil, false); got != "devel (no build information)" {
		t.Errorf("no build info: %q", got)
	}
	if code, out, _ := run(t, "", "--version"); code != 0 || !strings.HasPrefix(out, "errtag version ") || strings.Contains(out, "(devel)") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}
