package catalog

import (
	"strings"
	"testing"
)

// TestOverrideKeepsWhatTheFileLeavesOpen: an entry loaded over an entry of
// the same code replaces it field by field. Empty group, description and
// remediation keep the earlier values; a guessed category or name does not
// replace one someone wrote, but a written one does; a guess replaces a
// guess and stays a guess.
func TestOverrideKeepsWhatTheFileLeavesOpen(t *testing.T) {
	base := `system: acme
title: Acme
entries:
  - code: "1"
    name: DISK_FULL
    category: storage
    group: Storage
    message: "Disk full."
    description: "The volume has no free space."
    remediation: "Free some space."
  - code: "2"
    name: TOKEN_EXPIRED
    category: auth
    message: "Token expired."
    remediation: "Sign in again."
  - code: "3"
    name: GUESSED_BEFORE
    category: internal
    guessed: [category, name]
    message: "Three."
  - code: "4"
    name: KEPT
    category: quota
    message: "Four."
    remediation: "Raise the limit."
`
	over := `system: acme
entries:
  - code: "1"
    name: DISK_IS_FULL
    category: validation
    guessed: [category, name]
    message: "The disk is full."
    remediation: ""
  - code: "2"
    name: TOKEN_EXPIRED
    category: timeout
    message: "Token expired."
    remediation: "Refresh the token."
    description: ""
  - code: "3"
    name: STILL_A_GUESS
    category: config
    guessed: category
    message: "Three."
  - code: "5"
    name: NEW_ONE
    category: server
    guessed: [category]
    message: "Five."
`
	c := New()
	if err := c.Add("base.yaml", []byte(base)); err != nil {
		t.Fatal(err)
	}
	if err := c.Add("over.yaml", []byte(over)); err != nil {
		t.Fatal(err)
	}
	type view struct {
		name, category, group, message, description, remediation string
		catGuess, nameGuess                                      bool
	}
	get := func(code string) view {
		t.Helper()
		rows := c.Lookup("acme", code)
		if len(rows) != 1 {
			t.Fatalf("code %s: %d rows", code, len(rows))
		}
		e := rows[0]
		return view{e.Name, e.Category, e.Group, e.Message, e.Description, e.Remediation, e.CategoryGuessed, e.NameGuessed}
	}
	for _, tc := range []struct {
		code string
		want view
	}{
		// Guessed name and category keep the written ones; empty fields keep
		// theirs; the message is the file's.
		{"1", view{"DISK_FULL", "storage", "Storage", "The disk is full.", "The volume has no free space.", "Free some space.", false, false}},
		// Written values replace written values.
		{"2", view{"TOKEN_EXPIRED", "timeout", "", "Token expired.", "", "Refresh the token.", false, false}},
		// A guess replaces a guess and stays one; the name was written now.
		{"3", view{"STILL_A_GUESS", "config", "", "Three.", "", "", true, false}},
		{"4", view{"KEPT", "quota", "", "Four.", "", "Raise the limit.", false, false}},
		// A new code keeps its guess: it is all there is.
		{"5", view{"NEW_ONE", "server", "", "Five.", "", "", true, false}},
	} {
		if got := get(tc.code); got != tc.want {
			t.Errorf("code %s:\n got %+v\nwant %+v", tc.code, got, tc.want)
		}
	}
	if e, ok := c.ByName("acme", "DISK_FULL"); !ok || e.Code != "1" {
		t.Errorf("ByName(DISK_FULL) = %+v, %v", e, ok)
	}
	if _, ok := c.ByName("acme", "DISK_IS_FULL"); ok {
		t.Errorf("the guessed name is still looked up")
	}
}

// TestOverrideRowsOfOneCode: with several rows of a code, each new row
// keeps what it leaves open from the row it replaces: the one with the same
// message_prefix, else the same message, else the one whose prefix begins
// its own.
func TestOverrideRowsOfOneCode(t *testing.T) {
	base := `system: acme
entries:
  - code: "107"
    name: DB_ERROR
    category: storage
    message: "General database error."
    remediation: "general"
  - code: "107"
    name: DUP_KEY
    category: conflict
    message: "The operation results in a duplicate key."
    message_prefix: "The operation results in a duplicate key"
    remediation: "dup"
  - code: "107"
    name: DUP_VALUES
    category: conflict
    message: "Duplicate values already exist for field X."
    message_prefix: "Duplicate values already exist"
    remediation: "values"
`
	over := `system: acme
entries:
  - code: "107"
    name: GENERAL_DATABASE_ERROR
    category: storage
    guessed: [category, name]
    message: "General database error."
  - code: "107"
    name: OPERATION_RESULTS_DUPLICATE_KEY
    category: conflict
    guessed: [category, name]
    message: "The operation results in a duplicate key."
    message_prefix: "The operation results in a duplicate key for a unique index."
  - code: "107"
    name: DUPLICATE_VALUES_ALREADY_EXIST
    category: conflict
    guessed: [category, name]
    message: "Duplicate values already exist for field Number."
    message_prefix: "Duplicate values already exist for field Number."
`
	c := New()
	if err := c.Add("base.yaml", []byte(base)); err != nil {
		t.Fatal(err)
	}
	if err := c.Add("over.yaml", []byte(over)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range c.Lookup("acme", "107") {
		got = append(got, e.Name+"="+e.Remediation)
	}
	if want := "DB_ERROR=general DUP_KEY=dup DUP_VALUES=values"; strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", strings.Join(got, " "), want)
	}
}

func TestGuessedErrors(t *testing.T) {
	for _, tc := range []struct{ guessed, want string }{
		{"[bogus]", `x.yaml:6: guessed: "bogus" is not a field that can be guessed (category, name)`},
		{"[name, name]", `x.yaml:6: guessed: "name" is listed twice`},
		{"{a: b}", `x.yaml:6: field "guessed" must be a string or a list of strings, found a mapping`},
	} {
		yml := "system: x\nentries:\n  - code: \"1\"\n    name: A\n    category: auth\n    guessed: " + tc.guessed + "\n    message: m\n"
		err := New().Add("x.yaml", []byte(yml))
		if err == nil || err.Error() != tc.want {
			t.Errorf("guessed: %s: got %v, want %s", tc.guessed, err, tc.want)
		}
	}
}
