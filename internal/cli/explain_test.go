package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestExplainText pins what a person reads for a code several systems use
// (107: three backend-services rows and one drupal-sdk row), a code two
// systems use (-1001, given without quoting), and a name.
func TestExplainText(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"explain", "107"}, `107: 4 entries in 2 systems (backend-services 3, drupal-sdk 1)

backend-services 107 GENERAL_DATABASE_ERROR
  category:     storage
  group:        returned by: All
  message:      General database error.
  description:  A problem occurred while working with the database. The error message will contain more information about the error.
  remediation:  Read the full message in the response body: it carries the database's own error. Retry idempotent requests after a short pause; if many requests fail this way, treat it as a backend database incident and escalate to the vendor.

backend-services 107 DUPLICATE_UNIQUE_KEY
  category:     conflict
  group:        HTTP 400; returned by: Create
  message:      The operation results in a duplicate key for a unique index.
  description:  You are trying to create an item with a field that requires a unique value (for example: "Id"). The error shows that an item with such value already exists.
  remediation:  The create request reuses a value (often the Id) that another item of the content type already holds. Do not retry as is: have the client omit the Id or generate a new one, or update the existing item instead.
  picked when:  the line's message starts with "The operation results in a duplicate key for a unique index."

backend-services 107 DUPLICATE_FIELD_VALUES
  category:     conflict
  group:        HTTP 400; returned by: Update field
  message:      Duplicate values already exist for field Number of content type "New".
  description:  You are trying to enforce a uniqueness constraint on the values of a field but the field already contains non-unique values.
  remediation:  A field definition change tried to make a field unique while its stored items still share values. Find the duplicates in the field and content type the message names, clean them up, then apply the uniqueness setting again.
  picked when:  the line's message starts with "Duplicate values already exist for field"

drupal-sdk 107 INVALID_JSON
  category:     validation
  message:      Error code indicating that badly formed JSON was received upstream. This things encode to JSON, or the network is failing badly.
  remediation:  Badly formed JSON was received; full text: either something unusual was done to how things encode to JSON, or the network is failing badly. Capture the raw body, which is often an HTML error or proxy page instead of JSON.
`},
		{[]string{"explain", "-1001"}, `-1001: 2 entries in 2 systems (knox-efota 1, voltmx-sync 1)

knox-efota -1001 IOS_APP_INSTALL_FAILED
  category:     install
  group:        Installation error
  message:      iOS app failed to install to the target device.
  remediation:  The iOS app could not be installed; check the app supports the device's iOS version and that the device is still enrolled and managed, then push the app again.

voltmx-sync -1001 ERROR_GENERAL_FAILURE
  category:     internal
  message:      Error code to represent a general (unspecified) failure
  remediation:  Unspecified sync failure: read errorInfo (it may carry the intermediate errors) and the device and Sync server logs at the same timestamp to find the real cause before retrying the sync.
`},
		{[]string{"explain", "ERROR_HOST_NOT_AVAILABLE"}, `voltmx-sync -1012 ERROR_HOST_NOT_AVAILABLE
  category:     connectivity
  message:      Error code to indicate that the host is not available (usually through lack of connectivity)
  remediation:  The device could not reach the sync host: check the device's network, DNS and proxy, then whether the Sync server URL is up; sync can be retried once connectivity is back.
`},
		// --system keeps one system's meaning; the flag may come after.
		{[]string{"explain", "-1001", "--system", "voltmx-sync"}, `voltmx-sync -1001 ERROR_GENERAL_FAILURE
  category:     internal
  message:      Error code to represent a general (unspecified) failure
  remediation:  Unspecified sync failure: read errorInfo (it may carry the intermediate errors) and the device and Sync server logs at the same timestamp to find the real cause before retrying the sync.
`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, stderr := run(t, "", c.args...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if out != c.want {
				t.Errorf("got\n%s\nwant\n%s", out, c.want)
			}
		})
	}
}

func TestExplainLookups(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		heads []string // the entries' title lines, in order
	}{
		{"wusp code is its name", []string{"explain", "ConfigChanged"}, []string{"wusp ConfigChanged"}},
		{"name ignoring case", []string{"explain", "configchanged"}, []string{"wusp ConfigChanged"}},
		{"vendor name ignoring case", []string{"explain", "error_host_not_available"}, []string{"voltmx-sync -1012 ERROR_HOST_NOT_AVAILABLE"}},
		{"201 in two systems", []string{"explain", "201"}, []string{"backend-services 201 USERNAME_ALREADY_EXISTS", "drupal-sdk 201 PASSWORD_MISSING"}},
		{"negative code as --system value", []string{"explain", "--system", "knox-efota", "-1401"}, []string{"knox-efota -1401 DOWNLOAD_REJECTED_BY_USER"}},
		{"after --", []string{"explain", "--", "-1401"}, []string{"knox-efota -1401 DOWNLOAD_REJECTED_BY_USER"}},
		{"search", []string{"explain", "--search", "roaming"}, []string{"knox-efota -1449 ABORTED_DEVICE_ROAMING", "knox-efota -1551 DOWNLOAD_URL_EXPIRED"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := run(t, "", c.args...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var heads []string
			for _, l := range strings.Split(out, "\n") {
				if l != "" && !strings.HasPrefix(l, " ") && !strings.Contains(l, " entries in ") {
					heads = append(heads, l)
				}
			}
			if strings.Join(heads, "|") != strings.Join(c.heads, "|") {
				t.Errorf("entries %q, want %q\n%s", heads, c.heads, out)
			}
		})
	}
}

func TestExplainSearchSummary(t *testing.T) {
	code, out, _ := run(t, "", "explain", "--search", "token", "--system", "backend-services")
	if code != ExitOK || !strings.HasPrefix(out, "token: 6 entries in 1 system (backend-services 6)\n\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestExplainNotFound(t *testing.T) {
	cases := []struct {
		args        []string
		exit        int
		out, stderr string
	}{
		{[]string{"explain", "NO_SUCH_ERROR"}, ExitInput, "",
			"errtag: \"NO_SUCH_ERROR\" is not a code or a name in the catalogs (backend-services, drupal-sdk, knox-efota, voltmx-sync, wusp); try: errtag explain --search NO_SUCH_ERROR\n"},
		{[]string{"explain", "--json", "NO_SUCH_ERROR"}, ExitInput, "[]\n",
			"errtag: \"NO_SUCH_ERROR\" is not a code or a name in the catalogs (backend-services, drupal-sdk, knox-efota, voltmx-sync, wusp); try: errtag explain --search NO_SUCH_ERROR\n"},
		{[]string{"explain", "--system", "wusp", "107"}, ExitInput, "",
			"errtag: \"107\" is not a code or a name in the wusp catalog; try: errtag explain --search 107\n"},
		{[]string{"explain", "--search", "no such words"}, ExitInput, "",
			"errtag: nothing in the catalogs (backend-services, drupal-sdk, knox-efota, voltmx-sync, wusp) contains \"no such words\"\n"},
		{[]string{"explain", "--system", "nosuch", "107"}, ExitConfig, "",
			"errtag: --system: there is no system \"nosuch\"; the systems are backend-services, drupal-sdk, knox-efota, voltmx-sync and wusp\n"},
		{[]string{"explain"}, ExitConfig, "",
			"errtag: explain: give a CODE or NAME (or several, or --search WORD); see errtag explain --help\n"},
		{[]string{"explain", "107", "--search", "x"}, ExitConfig, "",
			"errtag: explain: give CODEs or NAMEs, or --search WORD, not both\n"},
		{[]string{"explain", "--bogus", "107"}, ExitConfig, "",
			"errtag: unknown flag --bogus; errtag explain --help lists the flags\n"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, stderr := run(t, "", c.args...)
			if code != c.exit || out != c.out || stderr != c.stderr {
				t.Errorf("exit %d, out %q, stderr %q\nwant exit %d, out %q, stderr %q", code, out, stderr, c.exit, c.out, c.stderr)
			}
		})
	}
}

// TestExplainJSON: an array of entry objects with the catalog's field
// names; optional fields only when set.
func TestExplainJSON(t *testing.T) {
	code, out, stderr := run(t, "", "explain", "-1001", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 2 {
		t.Fatalf("%d entries: %s", len(got), out)
	}
	want := []map[string]string{
		{"system": "knox-efota", "code": "-1001", "name": "IOS_APP_INSTALL_FAILED", "category": "install", "group": "Installation error", "message": "iOS app failed to install to the target device."},
		{"system": "voltmx-sync", "code": "-1001", "name": "ERROR_GENERAL_FAILURE", "category": "internal", "message": "Error code to represent a general (unspecified) failure"},
	}
	for i, w := range want {
		for k, v := range w {
			if got[i][k] != v {
				t.Errorf("entry %d: %s = %q, want %q", i, k, got[i][k], v)
			}
		}
		if got[i]["remediation"] == "" {
			t.Errorf("entry %d has no remediation", i)
		}
	}
	if _, ok := got[1]["group"]; ok {
		t.Errorf("an empty group is written: %s", out)
	}
	if !strings.HasPrefix(out, "[\n  {\n    \"system\": \"knox-efota\",\n") {
		t.Errorf("not indented as documented: %q", out[:40])
	}

	// 107: four objects, the two picked rows with message_prefix.
	_, out, _ = run(t, "", "explain", "107", "--json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 4 {
		t.Fatalf("%v: %s", err, out)
	}
	if rows[0]["message_prefix"] != "" || rows[1]["message_prefix"] == "" || rows[2]["message_prefix"] != "Duplicate values already exist for field" || rows[3]["system"] != "drupal-sdk" {
		t.Errorf("107 rows: %v", rows)
	}
}

// TestExplainUserCatalog: --catalog adds entries (shown with their file)
// and overrides built-in ones.
func TestExplainUserCatalog(t *testing.T) {
	p := writeFile(t, "mine.yaml", `system: payments
entries:
  - code: "107"
    name: CARD_EXPIRED
    category: validation
    message: "The card has expired."
    remediation: ""
`)
	code, out, stderr := run(t, "", "explain", "--catalog", p, "107", "--system", "payments")
	want := "payments 107 CARD_EXPIRED\n  category:     validation\n  message:      The card has expired.\n  defined in:   " + p + ":3\n"
	if code != ExitOK || out != want {
		t.Errorf("exit %d, stderr %q, got\n%s\nwant\n%s", code, stderr, out, want)
	}
	_, out, _ = run(t, "", "explain", "--catalog", p, "107")
	if !strings.HasPrefix(out, "107: 5 entries in 3 systems (backend-services 3, drupal-sdk 1, payments 1)\n") {
		t.Errorf("got\n%s", out)
	}
	code, _, stderr = run(t, "", "explain", "--catalog", p+".missing", "107")
	if code != ExitConfig || !strings.Contains(stderr, "no such file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestExplainTerminal: on a terminal the values wrap under each other to
// its width and are coloured, unless colour is off (NO_COLOR).
func TestExplainTerminal(t *testing.T) {
	_, out, _ := runEnv(t, onTerminal(60, true), "", "explain", "ConfigChanged")
	if !strings.Contains(out, "\x1b[1mwusp ConfigChanged\x1b[0m\n") || !strings.Contains(out, "\x1b[2mcategory:     \x1b[0m\x1b[33mconfig\x1b[0m") {
		t.Errorf("no colour:\n%q", out)
	}

	_, out, _ = runEnv(t, onTerminal(60, false), "", "explain", "ConfigChanged")
	want := `wusp ConfigChanged
  category:     config
  message:      The server configuration has changed since
                the last time the client called GetConfig
                (section 2.2.2.2.1). The client MUST call
                GetConfig, GetAuthorizationCookie (section
                2.2.2.1.1), and GetCookie (section
                2.2.2.2.2) again.
`
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%s\nwant it to start with\n%s", out, want)
	}
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > 60 {
			t.Errorf("line wider than the terminal: %q", l)
		}
		if strings.Contains(l, "\x1b") {
			t.Errorf("colour with NO_COLOR set: %q", l)
		}
	}
}

// TestExplainSeveral: explain takes several codes and names, one answer
// after the other (one JSON array with --json); one that no catalog has is
// named on standard error with exit 1, the others still shown.
func TestExplainSeveral(t *testing.T) {
	t.Parallel()
	_, one, _ := run(t, "", "explain", "-1401")
	_, two, _ := run(t, "", "explain", "-1012")
	code, out, stderr := run(t, "", "explain", "-1401", "-1012")
	if code != 0 || out != one+"\n"+two || stderr != "" {
		t.Errorf("explain -1401 -1012: exit %d, stderr %q\n%s", code, stderr, out)
	}
	code, out, _ = run(t, "", "explain", "--json", "-1401", "ERROR_HOST_NOT_AVAILABLE")
	var entries []struct{ System, Code string }
	if err := json.Unmarshal([]byte(out), &entries); code != 0 || err != nil || len(entries) != 2 || entries[0].Code != "-1401" || entries[1].Code != "-1012" {
		t.Errorf("--json: exit %d, %v, %s", code, err, out)
	}
	code, out, stderr = run(t, "", "explain", "-1401", "NOPE", "-1012", "NADA")
	if code != ExitInput || out != one+"\n"+two || !strings.Contains(stderr, `"NOPE" and "NADA" are not codes or names in the catalogs`) {
		t.Errorf("with unknowns: exit %d, stderr %q\n%s", code, stderr, out)
	}
}
