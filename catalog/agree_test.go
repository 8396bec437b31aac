package catalog

import (
	"testing"

	"github.com/errtag/errtag/internal/printf"
)

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

// TestMessageAgreesTemplate: a vendor message with printf placeholders is
// a template, each placeholder any non-empty text of the line.
func TestMessageAgreesTemplate(t *testing.T) {
	t.Parallel()
	const (
		noperm  = "this user has no permissions to run the '%s' command"
		unknown = "unknown command '%.128s', with args beginning with: %s"
		nogroup = "No such key '%s' or consumer group '%s'"
		moved   = "%d %s:%d"
		items   = "found %lld items in %s."
	)
	for _, c := range []struct {
		line, vendor string
		want         bool
	}{
		{"this user has no permissions to run the 'set' command", noperm, true},
		{"This user has NO permissions to run the 'config|set' command", noperm, true}, // case, like literal texts
		{"this user has no permissions to run the '' command", noperm, false},          // a placeholder is never empty
		{"this user has no permissions to run the 'set' commandeer", noperm, false},    // goes on inside a word
		{"this user has no permissions to run the 'set' command: see ACL LOG", noperm, true},
		{"this user has no permissions to access one of the keys", noperm, false},
		{"this user has no permissions", noperm, true},                 // cut short in the fixed text
		{"this user has no permissions to run the 'se", noperm, false}, // cut inside a placeholder
		{"unknown command 'FOOBAR', with args beginning with: 'x' 'y' ", unknown, true},
		{"unknown command 'BADCMD', with args beginning with: ", unknown, true}, // the last placeholder empty: cut short before it
		{"unknown command 'BADCMD'", unknown, true},                             // cut short in the second piece
		{"unknown subcommand 'X'. Try CONFIG HELP.", unknown, false},
		{"No such key 'st' or consumer group 'nog' in XREADGROUP with GROUP option", nogroup, true}, // says more
		{"No such key 'st' or consumer group 'nog'", nogroup, true},
		{"No such key 'a' or consumer group 'b' or 'c'", nogroup, true}, // a placeholder's text may hold the fixed text
		{"no such key", nogroup, true},                                  // cut short: it begins the template
		{"No such key 'st' or", nogroup, true},                          // cut short in the second fixed piece, at a word boundary
		{"No such key 'st' and more", nogroup, false},                   // the second fixed piece is not there
		{"12182 127.0.0.1:16382", moved, false},                         // nothing but placeholders: nothing to agree with
		{"found 12 items in /tmp.", items, true},
		{"found 12 items in /tmp", items, true},
		{"found items in /tmp", items, false},
		{"", noperm, false},
		{"100% sure", "100% sure", true}, // a '%' that is no conversion is text
	} {
		if got := MessageAgrees(c.line, c.vendor); got != c.want {
			t.Errorf("MessageAgrees(%q, %q) = %v, want %v", c.line, c.vendor, got, c.want)
		}
	}
}

// TestResolveTemplateRows: rows whose messages are printf formats are
// picked by the line's message; a code with no general row and a message
// that picks none gets no row, its rows listed as alternatives.
func TestResolveTemplateRows(t *testing.T) {
	t.Parallel()
	c := New()
	err := c.Add("redis.yaml", []byte(`system: redis
entries:
  - {code: ERR, name: ERR_UNKNOWN_COMMAND, category: unsupported, message: "unknown command '%.128s', with args beginning with: %s", message_prefix: "unknown command"}
  - {code: ERR, name: ERR_WRONG_NUMBER_OF_ARGUMENTS, category: validation, message: "wrong number of arguments for '%s' command", message_prefix: "wrong number of arguments for"}
  - {code: ERR, name: ERR_SYNTAX, category: validation, message: "syntax error", message_prefix: "syntax error"}
  - {code: NOPERM, name: NOPERM, category: permission, message: "this user has no permissions to run the '%s' command"}
  - {code: NOPERM, name: NOPERM_KEYS, category: permission, message: "this user has no permissions to access one of the keys used as arguments", message_prefix: "this user has no permissions to access one of the keys"}
  - {code: BUSY, name: BUSY_MODULE, category: timeout, message: "Redis is busy running a module command.", message_prefix: "Redis is busy running a module"}
  - {code: BUSY, name: BUSY_OTHER, category: timeout, message: "%s", message_prefix: "%s is busy"}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code, msg, name string
		agrees          bool
		alternatives    int
	}{
		{"ERR", "unknown command 'FOOBAR', with args beginning with: 'x' 'y' ", "ERR_UNKNOWN_COMMAND", true, 0},
		{"ERR", "wrong number of arguments for 'get' command", "ERR_WRONG_NUMBER_OF_ARGUMENTS", true, 0},
		{"ERR", "syntax error", "ERR_SYNTAX", true, 0},
		{"ERR", "Script killed by user with SCRIPT KILL...", "", false, 3}, // no general row: none guessed
		{"NOPERM", "this user has no permissions to run the 'set' command", "NOPERM", true, 0},
		{"NOPERM", "this user has no permissions to access one of the keys used as arguments", "NOPERM_KEYS", true, 0},
		{"NOPERM", "no permission", "NOPERM", false, 1},       // the general row, the other as an alternative
		{"BUSY", "The module is busy", "BUSY_OTHER", true, 0}, // a prefix with a placeholder
		{"BUSY", "Redis is busy running a module command.", "BUSY_MODULE", true, 0},
	} {
		res := c.Resolve("redis", tc.code, tc.msg)
		if !res.Known || res.Entry.Name != tc.name || res.Agrees != tc.agrees || len(res.Alternatives) != tc.alternatives {
			t.Errorf("Resolve(%s, %q) = %q agrees=%v alternatives=%d, want %q agrees=%v alternatives=%d",
				tc.code, tc.msg, res.Entry.Name, res.Agrees, len(res.Alternatives), tc.name, tc.agrees, tc.alternatives)
		}
	}
}

// FuzzMessageAgrees: agreement never panics, and a vendor template with
// each placeholder filled in agrees with it.
func FuzzMessageAgrees(f *testing.F) {
	for _, s := range [][2]string{
		{"this user has no permissions to run the 'set' command", "this user has no permissions to run the '%s' command"},
		{"unknown command 'X', with args beginning with: ", "unknown command '%.128s', with args beginning with: %s"},
		{"12182 127.0.0.1:16382", "%d %s:%d"},
		{"Not found.", "Not found."},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, line, vendor string) {
		MessageAgrees(line, vendor)
		tmpl := newTemplate(vendor)
		if tmpl == nil {
			return
		}
		filled := printf.Strip(vendor, "x")
		if NormalizeMessage(filled) != "" && !MessageAgrees(filled, vendor) {
			t.Fatalf("%q, the template %q filled in, does not agree with it (pieces %q)", filled, vendor, tmpl.lits)
		}
	})
}
