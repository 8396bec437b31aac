package importer

import (
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

// load imports page and loads the result, failing the test if either fails.
func load(t *testing.T, f Format, page string) (*Result, []catalog.Entry) {
	t.Helper()
	res, err := Import(f, []byte(page), Options{System: "acme", Title: "Acme API"})
	if err != nil {
		t.Fatal(err)
	}
	c := catalog.New()
	if err := c.Add("acme.yaml", res.YAML); err != nil {
		t.Fatalf("does not load: %v\n%s", err, res.YAML)
	}
	return res, c.Entries("acme")
}

type want struct{ code, name, group, message string }

func check(t *testing.T, got []catalog.Entry, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		if g.Code != w.code || g.Name != w.name || g.Group != w.group || g.Message != w.message {
			t.Errorf("entry %d = {%q %q %q %q}, want %+v", i, g.Code, g.Name, g.Group, g.Message, w)
		}
	}
}

func TestMarkdown(t *testing.T) {
	page := "---\ntitle: x\n---\n# Acme errors\n\n## Auth\n\n" +
		"| Code | Constant | Message | HTTP status |\n|---|:--|--:|---|\n" +
		"| `401` | **BAD_TOKEN** | The token is invalid \\| expired. | 401 |\n" +
		"| 403 | NO_ACCESS | Access denied.<br>Ask an admin. | 403 |\n\n" +
		"Storage\n=======\n\n" +
		"Code | Description\n--- | ---\n" +
		"E9 | Disk full.\n" +
		"```\n| 1 | fenced | not a row |\n|---|---|---|\n```\n"
	_, got := load(t, Markdown, page)
	check(t, got, []want{
		{"401", "BAD_TOKEN", "Auth; HTTP 401", "The token is invalid | expired."},
		{"403", "NO_ACCESS", "Auth; HTTP 403", "Access denied. Ask an admin."},
		{"E9", "DISK_FULL", "Storage", "Disk full."},
	})
}

func TestHTML(t *testing.T) {
	page := `<html><head><style>td{}</style></head><body>
<h2>Network &amp; hosts</h2>
<table><tr><th>Error Code</th><th>Error Scenario</th><th>Error Message</th></tr>
<tr><td>-1</td><td>ERR_HOST</td><td>Host <b>not</b> reachable &lt;timeout&gt;</td></tr>
<!-- <tr><td>-2</td><td>HIDDEN</td><td>commented out</td></tr> -->
<tr><td colspan="3">Storage</td></tr>
<tr><td>-3</td><td>ERR_DISK</td><td>Disk full.<br>Free space.<table><tr><td>nested</td></tr></table></td></tr>
</table>
<h2>Other</h2>
<table><tr><td>Code</td><td>Text</td></tr><tr><td>7</td><td>Seven.</td></tr></table>
</body></html>`
	_, got := load(t, HTML, page)
	check(t, got, []want{
		{"-1", "ERR_HOST", "Network & hosts", "Host not reachable <timeout>"},
		{"-3", "ERR_DISK", "Storage", "Disk full. Free space. nested"},
		{"7", "SEVEN", "Other", "Seven."},
	})
}

func TestTSV(t *testing.T) {
	page := "# exported from the wiki\nAcme error codes\ncode\tname\tstatus\tmessage\tdescription\n" +
		"Login\n" +
		"100\tBAD_PASSWORD\t401\tWrong password.\tThe password does not match.\n" +
		"101\t\t\t\"Quoted, with \"\"quotes\"\"\"\t\n" +
		"Files\n" +
		"200\tFILE_GONE\t404\tFile not found.\t\n" +
		"not a code\tX\t\tskipped\t\n"
	res, got := load(t, TSV, page)
	check(t, got, []want{
		{"100", "BAD_PASSWORD", "Login; HTTP 401", "Wrong password."},
		{"101", "QUOTED_QUOTES", "Login", `Quoted, with "quotes"`},
		{"200", "FILE_GONE", "Files; HTTP 404", "File not found."},
	})
	if got[0].Description != "The password does not match." {
		t.Errorf("description %q", got[0].Description)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `"not a code" is not a code`) {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestTextLayouts(t *testing.T) {
	t.Run("code lines", func(t *testing.T) {
		page := "Acme codes\n\nCode Description\n1 First.\n2\n\nSecond, on\nthree lines.\n0x1F Hex.\n"
		_, got := load(t, Text, page)
		check(t, got, []want{
			{"1", "FIRST", "", "First."},
			{"2", "SECOND_THREE_LINES", "", "Second, on three lines."},
			{"0x1F", "HEX", "", "Hex."},
		})
	})
	// CODE: message, CODE - message, as vendors' text lists and READMEs
	// write them; --from auto reads them as text.
	t.Run("code, separator, message", func(t *testing.T) {
		page := "E1: Card declined.\nE2: Card expired.\nE42 - Issuer unavailable.\n404 \u2014 Not found.\nNOTE: not a code\n"
		res, got := load(t, Auto, page)
		if res.Format != Text {
			t.Errorf("read as %s", res.Format)
		}
		check(t, got, []want{
			{"E1", "CARD_DECLINED", "", "Card declined."},
			{"E2", "CARD_EXPIRED", "", "Card expired."},
			{"E42", "ISSUER_UNAVAILABLE", "", "Issuer unavailable."},
			{"404", "NOT_FOUND", "", "Not found. NOTE: not a code"}, // NOTE is no code: the text goes on
		})
	})
	t.Run("prose", func(t *testing.T) {
		page := "Faults\n\nName\n\nMeaning\n\nTokenExpired\n\nThe token expired.\n\nRenew it.\n\nSERVER_BUSY (503)\n\nThe server is busy.\n\nThe end of the page.\n"
		_, got := load(t, Text, page)
		check(t, got, []want{
			{"TokenExpired", "TokenExpired", "", "The token expired. Renew it."},
			{"503", "SERVER_BUSY", "", "The server is busy."},
		})
	})
}

// TestDuplicateCodes: rows of a code listed together are its meanings,
// each picked by message_prefix, none general; a code listed again later
// is one entry; the same row twice is kept once; names stay unique.
func TestDuplicateCodes(t *testing.T) {
	page := "| Code | Message |\n|---|---|\n" +
		"| 5 | Access denied. |\n| 5 | Access denied for guests. |\n" +
		"| 6 | Not found. |\n| 7 | Not found. |\n| 5 | Access denied. |\n| 6 | Nothing there. |\n"
	res, got := load(t, Markdown, page)
	check(t, got, []want{
		{"5", "ACCESS_DENIED", "", "Access denied."},
		{"5", "ACCESS_DENIED_GUESTS", "", "Access denied for guests."},
		{"6", "NOT_FOUND", "", "Not found."},
		{"7", "NOT_FOUND_7", "", "Not found."},
	})
	if got[1].MessagePrefix != "Access denied for guests." || got[0].MessagePrefix != "Access denied." {
		t.Errorf("prefixes %q %q", got[0].MessagePrefix, got[1].MessagePrefix)
	}
	if got[2].Description != `Also listed as: "Nothing there."` {
		t.Errorf("description %q", got[2].Description)
	}
	if len(res.Warnings) != 3 || !strings.Contains(res.Warnings[2], "code 5 has 2 rows") || !strings.Contains(res.Warnings[2], "none is the general row") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestImportErrors(t *testing.T) {
	if _, err := Import("pdf", []byte("x"), Options{System: "acme"}); err == nil || !IsUsage(err) {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := Import(Text, []byte("1 One.\n"), Options{System: "Acme API"}); err == nil || !IsUsage(err) {
		t.Errorf("bad system: %v", err)
	}
	if _, err := Import(Markdown, []byte("no table here\n"), Options{System: "acme"}); err == nil || IsUsage(err) || !strings.Contains(err.Error(), "no error codes found") {
		t.Errorf("no rows: %v", err)
	}
}

// TestQuoteRoundTrip: every string the importer writes reads back the same
// through the catalog loader.
func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{
		`plain`, `with "quotes" and \backslash\`, "tab\there", "a: b # not a comment",
		"- dash", "'single'", "unicode é ü 東京 🙂", "line\u2028sep", "nel\u0085x", "bom\ufeffx",
		"ctl\x01\x1f\x7f", "{flow}, [seq]", "%percent @at `tick`", "null", "true", "0x1F", "-1",
	} {
		yml := "system: x\nentries:\n  - code: " + quote("c") + "\n    name: " + quote(s) + "\n    category: internal\n    message: " + quote(s) + "\n"
		c := catalog.New()
		if err := c.Add("q.yaml", []byte(yml)); err != nil {
			t.Errorf("%q: %v\n%s", s, err, yml)
			continue
		}
		if e := c.Entries("x")[0]; e.Message != s || e.Name != s {
			t.Errorf("%q read back as %q", s, e.Message)
		}
	}
}

func TestMakeName(t *testing.T) {
	for in, want := range map[string]string{
		"The specified user was not found.":                               "SPECIFIED_USER_NOT_FOUND",
		"Error code indicating that the email address was invalid.":       "EMAIL_ADDRESS_INVALID",
		"The device can't use the file . This error code is sent after.":  "DEVICE_CANNOT_USE_FILE",
		"Installation failed; version rollback succeeded (see e.g. logs)": "INSTALLATION_FAILED_VERSION_ROLLBACK_SUCCEEDED_SEE",
		"404 not found":  "E_404_NOT_FOUND",
		"It is.":         "IT_IS",
		"—":              "",
		"Déjà vu error.": "DÉJÀ_VU_ERROR",
	} {
		if got := MakeName(in); got != want {
			t.Errorf("MakeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGuessCategory(t *testing.T) {
	for _, c := range []struct{ name, msg, want string }{
		{"", "Success.", "success"},
		{"", "The license wasn't retrieved successfully.", "internal"},
		{"", "The request timed out.", "timeout"},
		{"", "Invalid access token.", "auth"},
		{"", "No password was specified.", "validation"},
		{"", "The specified user was not found.", "not-found"},
		{"ERROR_HOST_NOT_AVAILABLE", "Error code to indicate that the host is not available", "connectivity"},
		{"InvalidCookie", "The server cannot decrypt it.", "auth"},
		{"", "Something odd.", "internal"},
		// General phrases (Redis's replies among the first to need them).
		{"LOADING", "Redis is loading the dataset in memory", "server"},
		{"BUSY", "Redis is busy running a module command.", "server"},
		{"OOM", "command not allowed when used memory > 'maxmemory'.", "quota"},
		{"", "unknown command '%.128s', with args beginning with: %s", "unsupported"},
		{"", "unknown option --fast", "validation"},
		{"NOSCRIPT", "No matching script. Please use EVAL.", "not-found"},
		{"MASTERDOWN", "Link with MASTER is down and replica-serve-stale-data is set to 'no'.", "connectivity"},
		{"EXECABORT", "Transaction discarded because of previous errors.", "cancelled"},
		{"READONLY", "You can't write against a read only replica.", "permission"},
		{"", "unknown user", "not-found"}, // an unknown object is still not found
	} {
		got, _ := GuessCategory(c.name, c.msg)
		if got != c.want {
			t.Errorf("GuessCategory(%q, %q) = %s, want %s", c.name, c.msg, got, c.want)
		}
		if !catalog.IsCategory(got) {
			t.Errorf("%s is not a category", got)
		}
	}
	for _, r := range categoryRules {
		if !catalog.IsCategory(r.category) {
			t.Errorf("rule category %s is not in the vocabulary", r.category)
		}
	}
}
