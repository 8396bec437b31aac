package catalog

import "testing"

func TestMessageAgrees(t *testing.T) {
	for _, c := range []struct {
		line, vendor string
		want         bool
	}{
		{"Invalid access token.", "Invalid access token.", true},
		{"Invalid access token", "Invalid access token.", true},
		{"invalid ACCESS token.", "Invalid access token.", true},
		{"Invalid access token!", "Invalid access token.", true},
		{"  Invalid   access\ttoken. ", "Invalid access token.", true},
		{"Invalid access token...", "Invalid access token.", true},
		{"Invalid access", "Invalid access token.", false},                                                        // cut short at a word boundary, two words are not enough
		{"The specified", "The specified object does not exist.", false},                                          // likewise
		{"A user", "A user with the same username already exists.", false},                                        // likewise
		{"A user with", "A user with the same username already exists.", true},                                    // three words
		{"A user with the sa", "A user with the same username already exists.", true},                             // three whole words, then a cut
		{"A user wi", "A user with the same username already exists.", false},                                     // two whole words, then a cut
		{"Invalid", "Invalid access token.", false},                                                               // one word only begins it
		{"Invalid acc", "Invalid access token.", false},                                                           // cut in a word after two words
		{"The operation results in a dupl", "The operation results in a duplicate key for a unique index.", true}, // five words, then a cut
		{"Not", "Not found.", false},                                                                              // a short message whole, or not at all
		{"Not found: /Books/7", "Not found.", true},                                                               // says more, after a boundary
		{"Not found. Try again", "Not found.", true},                                                              //
		{"Not foundation", "Not found.", false},                                                                   // goes on inside a word
		{"Unauthorized", "Unauthorized.", true},                                                                   //
		{"Moved Permanently", "Invalid access token.", false},                                                     //
		{"Key not found", "Not found.", false},                                                                    // not a prefix
		{"", "Not found.", false},                                                                                 // no message
		{"...", "Not found.", false},                                                                              // nothing left
		{"Not found.", "", false},                                                                                 //
		{"Érreur fatale", "érreur fatale.", true},                                                                 // Unicode case
	} {
		if got := MessageAgrees(c.line, c.vendor); got != c.want {
			t.Errorf("MessageAgrees(%q, %q) = %v, want %v", c.line, c.vendor, got, c.want)
		}
	}
}

func TestResolveAgrees(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code, msg, name string
		agrees          bool
	}{
		{"301", "invalid access token", "INVALID_ACCESS_TOKEN", true},
		{"301", "Moved Permanently", "INVALID_ACCESS_TOKEN", false},
		{"301", "", "INVALID_ACCESS_TOKEN", false},
		{"107", "general database error: timeout", "GENERAL_DATABASE_ERROR", true},
		{"107", "THE OPERATION RESULTS IN A DUPLICATE KEY FOR A UNIQUE INDEX", "DUPLICATE_UNIQUE_KEY", true},
		{"107", `Duplicate values already exist for field Sku of content type "Products".`, "DUPLICATE_FIELD_VALUES", true},
		{"107", `duplicate  values already exist for field`, "DUPLICATE_FIELD_VALUES", true},
		{"107", "Root is read only", "GENERAL_DATABASE_ERROR", false},
	} {
		res := c.Resolve("backend-services", tc.code, tc.msg)
		if !res.Known || res.Entry.Name != tc.name || res.Agrees != tc.agrees {
			t.Errorf("Resolve(%s, %q) = %s agrees=%v, want %s agrees=%v", tc.code, tc.msg, res.Entry.Name, res.Agrees, tc.name, tc.agrees)
		}
	}
}

// TestResolveNoGeneralRow: when every row of a code has a message_prefix
// and the line's message agrees with none, no row is guessed: the entry
// names none and says only what every row shares, and every row is an
// alternative.
func TestResolveNoGeneralRow(t *testing.T) {
	t.Parallel()
	c := New()
	err := c.Add("pg.yaml", []byte(`system: pg
entries:
  - {code: "57014", name: STATEMENT_TIMEOUT, category: timeout, group: Class 57, remediation: "Look at the query.", message: canceling statement due to statement timeout, message_prefix: canceling statement due to statement timeout}
  - {code: "57014", name: USER_CANCEL, category: cancelled, group: Class 57, remediation: "Look at the query.", message: canceling statement due to user request, message_prefix: canceling statement due to user request}
`))
	if err != nil {
		t.Fatal(err)
	}
	res := c.Resolve("pg", "57014", "canceling statement due to conflict with recovery")
	want := Entry{System: "pg", Code: "57014", Group: "Class 57", Remediation: "Look at the query."}
	if !res.Known || res.Agrees || res.Entry != want || len(res.Alternatives) != 2 ||
		res.Alternatives[0].Name != "STATEMENT_TIMEOUT" || res.Alternatives[1].Name != "USER_CANCEL" {
		t.Errorf("Resolve = %+v", res)
	}
	if res := c.Resolve("pg", "57014", "canceling statement due to user request"); res.Entry.Name != "USER_CANCEL" || len(res.Alternatives) != 0 {
		t.Errorf("a message that picks a row: %+v", res)
	}
}
