package importer

import (
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

// redisRows are a few of Redis's error replies, as its source writes them:
// codes that are words, messages that are printf formats, one code (ERR)
// with several meanings.
var redisRows = [][2]string{
	{"ERR", "unknown command '%.128s', with args beginning with: %s"},
	{"ERR", "wrong number of arguments for '%s' command"},
	{"ERR", "syntax error"},
	{"WRONGTYPE", "Operation against a key holding the wrong kind of value"},
	{"NOPERM", "this user has no permissions to run the '%s' command"},
	{"MOVED", "%d %s:%d"},
}

// redisPage writes redisRows in a page layout: sep between the columns,
// head the header line ("" for none), under a section line.
func redisPage(head, section, sep string) string {
	var b strings.Builder
	if head != "" {
		b.WriteString(head + "\n")
	}
	b.WriteString(section + "\n")
	for _, r := range redisRows {
		b.WriteString(r[0] + sep + r[1] + "\n")
	}
	return b.String()
}

// TestWordCodes: where the page or --columns says which column holds the
// codes, its cells are the codes whatever they look like (ERR, WRONGTYPE),
// in every format; the names are the codes; printf placeholders make no
// names and end message prefixes; the rows of ERR are each picked by a
// prefix, none general.
func TestWordCodes(t *testing.T) {
	t.Parallel()
	md := "# Redis\n\n## Generic\n\n| Code | Message |\n|---|---|\n"
	for _, r := range redisRows {
		md += "| `" + r[0] + "` | " + r[1] + " |\n"
	}
	html := "<h2>Generic</h2><table><tr><th>Error code</th><th>Message</th></tr>"
	for _, r := range redisRows {
		html += "<tr><td>" + r[0] + "</td><td>" + r[1] + "</td></tr>"
	}
	html += "</table>"
	for _, tc := range []struct {
		name    string
		f       Format
		page    string
		columns string
	}{
		{"markdown header", Markdown, md, ""},
		{"html header", HTML, html, ""},
		{"tsv header", TSV, redisPage("Code\tMessage", "Generic", "\t"), ""},
		{"tsv --columns, no header", TSV, redisPage("", "Generic", "\t"), "code,message"},
		{"tsv --columns by name", TSV, redisPage("Reply\tText", "Generic", "\t"), "Reply=code,Text=message"},
		{"text --columns", Text, redisPage("", "Generic", "  "), "code,message"},
		{"text --columns, header", Text, redisPage("Code   Message", "Section: Generic", "    "), "code,message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{System: "redis"}
			if tc.columns != "" {
				opts.Columns = mustColumns(t, tc.columns)
			}
			res, err := Import(tc.f, []byte(tc.page), opts)
			if err != nil {
				t.Fatal(err)
			}
			c := catalog.New()
			if err := c.Add("redis.yaml", res.YAML); err != nil {
				t.Fatalf("does not load: %v\n%s", err, res.YAML)
			}
			type row struct{ code, name, prefix, message string }
			want := []row{
				{"ERR", "ERR_UNKNOWN_COMMAND_ARGS_BEGINNING", "unknown command", redisRows[0][1]},
				{"ERR", "ERR_WRONG_NUMBER_ARGUMENTS_COMMAND", "wrong number of arguments for", redisRows[1][1]},
				{"ERR", "ERR_SYNTAX_ERROR", "syntax error", "syntax error"},
				{"WRONGTYPE", "WRONGTYPE", "", redisRows[3][1]},
				{"NOPERM", "NOPERM", "", redisRows[4][1]},
				{"MOVED", "MOVED", "", "%d %s:%d"},
			}
			got := c.Entries("redis")
			if len(got) != len(want) {
				t.Fatalf("%d entries, want %d:\n%s", len(got), len(want), res.YAML)
			}
			for i, w := range want {
				g := got[i]
				if (row{g.Code, g.Name, g.MessagePrefix, g.Message}) != w {
					t.Errorf("entry %d = %+v, want %+v", i, row{g.Code, g.Name, g.MessagePrefix, g.Message}, w)
				}
				if g.NameGuessed != (w.code == "ERR") {
					t.Errorf("entry %d: name guessed %v: only the names made from messages are", i, g.NameGuessed)
				}
			}
			if !strings.Contains(strings.Join(res.Warnings, "\n"), "code ERR has 3 rows") || !strings.Contains(string(res.YAML), "none is general") {
				t.Errorf("the rows of ERR are not said to have no general row: %q", res.Warnings)
			}
			// The rows pick by the line's message; a message that picks
			// none gets no row.
			if r := c.Resolve("redis", "ERR", "wrong number of arguments for 'get' command"); r.Entry.Name != "ERR_WRONG_NUMBER_ARGUMENTS_COMMAND" {
				t.Errorf("picked %q", r.Entry.Name)
			}
			if r := c.Resolve("redis", "ERR", "Script killed by user"); r.Entry.Name != "" || len(r.Alternatives) != 3 {
				t.Errorf("a message that picks no row: %+v", r)
			}
		})
	}
}

// TestWordCodesUnlabelled: codes that are words are not taken from text no
// header or --columns labels (a page's words are not codes), and the
// error says why and what to do.
func TestWordCodesUnlabelled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    Format
		page string
	}{
		{"tsv", TSV, redisPage("", "Generic", "\t")},
		{"text", Text, redisPage("", "Generic", "  ")},
	} {
		_, err := Import(tc.f, []byte(tc.page), Options{System: "redis"})
		if err == nil || !strings.Contains(err.Error(), "codes that are words, such as ERR or WRONGTYPE, are read from a column a header names (Code) or --columns does") && !strings.Contains(err.Error(), "for codes that are words, such as ERR, give --columns code,message") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A labelled column whose cells are not one word says which rows were
	// skipped and why.
	res, err := Import(Markdown, []byte("| Code | Message |\n|---|---|\n| ERR | syntax error |\n| two words | x y |\n| BUSY | busy |\n"), Options{System: "redis"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 2 || !strings.Contains(strings.Join(res.Warnings, "\n"), `line 4: row skipped: "two words" is not a code (a code is one word, without quotes)`) {
		t.Errorf("%d entries, warnings %q", len(res.Entries), res.Warnings)
	}
}

// TestSeveralRowsPrefixes: rows of one code that cannot be told apart by
// the text before their first placeholder are kept once, with a warning.
func TestSeveralRowsPrefixes(t *testing.T) {
	t.Parallel()
	page := "| Code | Message |\n|---|---|\n| NOGROUP | No such key '%s' or consumer group '%s' |\n" +
		"| NOGROUP | No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option |\n" +
		"| NOGROUP | No such consumer group '%s' for key name '%s' |\n| BUSY | %s |\n| BUSY | Redis is busy running a script. |\n"
	res, got := load(t, Markdown, page)
	if len(got) != 3 || got[0].MessagePrefix != "No such key" || got[1].MessagePrefix != "No such consumer group" ||
		got[2].Code != "BUSY" || got[2].MessagePrefix != "" || got[2].Name != "BUSY" {
		t.Fatalf("entries %+v", got)
	}
	if !strings.Contains(got[0].Description, `Also: "No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option"`) ||
		!strings.Contains(got[2].Description, `Also: "%s"`) {
		t.Errorf("descriptions %q %q", got[0].Description, got[2].Description)
	}
	joined := strings.Join(res.Warnings, "\n")
	for _, w := range []string{"line 4: code NOGROUP: a row cannot be told from the others (its fixed text before the first placeholder is that of the row at line 3)",
		"line 6: code BUSY: a row cannot be told from the others (its message starts with a placeholder)"} {
		if !strings.Contains(joined, w) {
			t.Errorf("no warning %q in %q", w, res.Warnings)
		}
	}
}

// TestMakeNamePlaceholders: names are made of the message's words, never
// of what its placeholders stand for.
func TestMakeNamePlaceholders(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]string{
		"%d %s:%d (the key's hash slot is served by another node)": "KEY_HASH_SLOT_SERVED_ANOTHER_NODE",
		"%d %s:%d": "",
		"No such key '%s' or consumer group '%s'": "NO_SUCH_KEY_CONSUMER_GROUP",
		"%lld items in %.*s":                      "ITEMS",
		"100% sure":                               "100_SURE",
	} {
		if got := MakeName(msg); got != want && !(want == "100_SURE" && got == "E_100_SURE") {
			t.Errorf("MakeName(%q) = %q, want %q", msg, got, want)
		}
	}
}
