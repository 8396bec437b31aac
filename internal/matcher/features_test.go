package matcher

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/rules"
)

// featureCatalog is the built-in catalog with "pg", a system of
// SQLSTATE-like codes (with leading zeros and letters) whose 57014 has
// only rows picked by message.
func featureCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Add("pg.yaml", []byte(`system: pg
entries:
  - {code: "08006", name: CONNECTION_FAILURE, category: connectivity, message: connection_failure}
  - {code: "23505", name: UNIQUE_VIOLATION, category: conflict, message: unique_violation}
  - {code: "42P01", name: UNDEFINED_TABLE, category: not-found, message: undefined_table}
  - {code: "57014", name: STATEMENT_TIMEOUT, category: timeout, message: canceling statement due to statement timeout, message_prefix: canceling statement due to statement timeout}
  - {code: "57014", name: USER_CANCEL, category: cancelled, message: canceling statement due to user request, message_prefix: canceling statement due to user request}
`)); err != nil {
		t.Fatal(err)
	}
	return cat
}

// featureRules are rules of each new kind for pg.
const featureRules = `markers:
  pg: [postgres]
rules:
  - id: pg.int
    system: pg
    cue: marker
    regex: '\bsqlstate=(?P<code>[0-9]+)\b'
  - id: pg.verbose
    system: pg
    cue: marker
    code_type: name
    regex: '\b(?:ERROR|FATAL):  (?P<code>[0-9A-Z]{5}): (?P<message>.*)'
  - id: pg.fixed
    system: pg
    cue: marker
    code: "08006"
    regex: '\bFATAL:  connection to client lost\b'
  - id: pg.named
    system: pg
    cue: marker
    name: UNIQUE_VIOLATION
    regex: '\bERROR:  duplicate key value violates unique constraint "[^"]*"$'
  - id: pg.prefix
    system: pg
    cue: marker
    code_type: name
    regex: '\bpostgres (?P<code>[0-9A-Z]{5}) (?:ERROR|FATAL):  '
  - id: pg.messages
    system: pg
    cue: marker
    fallback: true
    regex: '\b(?:ERROR|FATAL):  (?P<message>.*?)(?: at character \d+)?$'
    messages:
      - {name: UNDEFINED_TABLE, text: 'relation "%s" does not exist'}
      - {code: "57014", text: 'canceling statement due to %s'}
  - id: pg.csv
    system: pg
    code_type: name
    csv: {code: 13, message: 14, where: {12: [ERROR, FATAL, PANIC]}}
  - id: pg.json
    system: pg
    code_type: name
    json:
      code: state_code
      message: message
      top_level: true
      where: {error_severity: [ERROR, FATAL, PANIC]}
`

func featureMatcher(t *testing.T, opts Options) *Matcher {
	t.Helper()
	cat := featureCatalog(t)
	set, err := rules.Compile(cat, rules.Builtin(), rules.Source{Name: "pg-rules.yaml", Data: []byte(featureRules)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(set, cat, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// describe renders annotations as "system/code/name[/alternatives]"
// joined by spaces; "-" for none.
func describe(anns []Annotation) string {
	if len(anns) == 0 {
		return "-"
	}
	var out []string
	for _, a := range anns {
		s := fmt.Sprintf("%s/%s/%s", a.Entry.System, a.Entry.Code, a.Entry.Name)
		if !a.Known {
			s += "/unknown"
		}
		for _, alt := range a.Alternatives {
			s += "|" + alt.Name
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// TestRuleFeatures: codes in the catalog's spelling, codes stated by the
// rule or by message templates, CSV columns and JSON value conditions, and
// no row guessed where the message picks none.
func TestRuleFeatures(t *testing.T) {
	t.Parallel()
	m := featureMatcher(t, Options{})
	csvStart := `2026-12-03 09:33:43.233 UTC,"postgres","shop",29167,"[local]",6b113777.71ef,4,"INSERT",2026-12-03 09:33:43 UTC,3/33,748,`
	for _, c := range []struct{ name, line, want string }{
		// Leading zeros stay: the catalog spells 08006.
		{"leading zero kept", `postgres: sqlstate=08006`, "pg/08006/CONNECTION_FAILURE"},
		{"integer without the catalog's zero", `postgres: sqlstate=8006`, "pg/8006//unknown"},
		{"knox 007 still 7", `E EFOTA: resultCode=007`, "knox-efota/7//unknown"},
		{"verbose", `2026-12-03 postgres@shop ERROR:  42P01: relation "t" does not exist at character 15`, "pg/42P01/UNDEFINED_TABLE"},
		{"fixed code", `[1] postgres FATAL:  connection to client lost`, "pg/08006/CONNECTION_FAILURE"},
		{"code by name", `[1] postgres@shop ERROR:  duplicate key value violates unique constraint "customers_pkey"`, "pg/23505/UNIQUE_VIOLATION"},
		{"template, variable middle", `[1] postgres@shop ERROR:  relation "missing_table" does not exist at character 15`, "pg/42P01/UNDEFINED_TABLE"},
		{"template must match in full", `[1] postgres@shop ERROR:  relation "x" does not exist, or so`, "-"},
		{"the code on the line wins over a fallback", `[1] postgres 23505 ERROR:  relation "t" does not exist`, "pg/23505/UNIQUE_VIOLATION"},
		{"message picks a row", `[1] postgres@shop ERROR:  canceling statement due to user request`, "pg/57014/USER_CANCEL"},
		{"no row picked, none guessed", `[1] postgres@shop ERROR:  canceling statement due to conflict with recovery`, "pg/57014/|STATEMENT_TIMEOUT|USER_CANCEL"},
		// csvlog: the physical line that starts the record.
		{"csv record", csvStart + `ERROR,23505,"duplicate key value violates unique constraint ""customers_pkey""","Key (id)=(1) already exists.",,,,,"INSERT ...",,,"psql","client backend",,0`, "pg/23505/UNIQUE_VIOLATION"},
		{"csv record going on", csvStart + `ERROR,57014,"canceling statement due to user request`, "pg/57014/USER_CANCEL"},
		{"csv LOG", csvStart + `LOG,00000,"statement: SELECT 1",,,,,,,,,"psql","client backend",,0`, "-"},
		{"csv continuation line", `SELECT 'unterminated;",51,,"psql","client backend",,0`, "-"},
		{"csv quote in a bare field", `2026-12-03,a"b,c,d,e,f,g,h,i,j,k,ERROR,23505,"x"`, "-"},
		{"csv text after a quote", `2026-12-03,"a"b,c,d,e,f,g,h,i,j,k,ERROR,23505,"x"`, "-"},
		{"csv code column open", `2026-12-03,b,c,d,e,f,g,h,i,j,k,ERROR,"23505`, "-"},
		{"csv too few columns", `2026-12-03,ERROR,23505`, "-"},
		// jsonlog: the top-level object only, and only ERROR and FATAL.
		{"json error", `{"error_severity":"ERROR","state_code":"42P01","message":"relation \"t\" does not exist"}`, "pg/42P01/UNDEFINED_TABLE"},
		{"json log", `{"error_severity":"LOG","state_code":"00000","message":"statement: SELECT 1"}`, "-"},
		{"json no severity", `{"state_code":"42P01","message":"x"}`, "-"},
		{"json in a statement string", `{"error_severity":"LOG","message":"statement: INSERT INTO t VALUES ('{\"error_severity\":\"ERROR\",\"state_code\":\"23505\"}')"}`, "-"},
		{"json at the end of a text line", `LOG:  statement: SELECT '{"error_severity":"ERROR","state_code":"23505"}'`, "-"},
		{"json nested object", `{"log":{"error_severity":"ERROR","state_code":"23505"}}`, "-"},
	} {
		if got := describe(m.Match([]byte(c.line))); got != c.want {
			t.Errorf("%s: %q\n  got  %s\n  want %s", c.name, c.line, got, c.want)
		}
	}
}

// TestOnlyOneSystem: under Options.Only, the other systems' rules do not
// run and their markers do not take a line from the named system.
func TestOnlyOneSystem(t *testing.T) {
	t.Parallel()
	line := []byte(`[1] postgres 23505 ERROR:  knox sync failed resultCode=5`)
	named := featureMatcher(t, Options{System: "pg"})
	only := featureMatcher(t, Options{System: "pg", Only: true})
	if got := describe(named.Match(line)); got != "pg/23505/UNIQUE_VIOLATION knox-efota/5//unknown" {
		t.Errorf("--system pg: %s (knox's marker and carrier are Knox's)", got)
	}
	// Knox's rules do not run and its marker does not count.
	if got := describe(only.Match(line)); got != "pg/23505/UNIQUE_VIOLATION" {
		t.Errorf("only pg: %s", got)
	}
	if _, err := New(&rules.Set{}, featureCatalog(t), Options{Only: true}); err == nil {
		t.Error("Only without a system: no error")
	}
}

// TestTraceNewKinds: errtag test says why a CSV, JSON-condition or
// template rule did not annotate.
func TestTraceNewKinds(t *testing.T) {
	t.Parallel()
	m := featureMatcher(t, Options{})
	for line, want := range map[string]string{
		`2026,b,c,d,e,f,g,h,i,j,k,LOG,00000,"ERROR"`:                 `column 12 is "LOG", not one of ["ERROR" "FATAL" "PANIC"]`,
		`{"error_severity":"LOG","state_code":"00000"}`:              `object's error_severity is "LOG", not one of ["ERROR" "FATAL" "PANIC"]`,
		`[1] postgres ERROR:  something else entirely`:               `message "something else entirely" matches none of its 2 message templates`,
		`[1] postgres ERROR:  relation "t" does not exist`:           `message "relation \"t\" does not exist" is template "relation \"%s\" does not exist": code 42P01`,
		`x {"error_severity":"ERROR","state_code":"23505"} postgres`: `not the line's top-level object (top_level: true)`,
	} {
		tr := m.Trace([]byte(line))
		found := false
		for _, ev := range tr.Events {
			found = found || strings.Contains(ev.What, want)
		}
		if !found {
			t.Errorf("%q: no event %q in %+v", line, want, tr.Events)
		}
	}
}

func TestSplitCSV(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		line string
		want string // fields as value/open, joined by |; "!" when not a record
	}{
		{`a,b,c`, "a|b|c"},
		{`a,,c,`, "a||c|"},
		{`"a ""q""",b`, `a "q"|b`},
		{`a,"b,c`, "a|b,c/open"},
		{`a,"`, "a|/open"},
		{`"x"y,b`, "!"},
		{`x"y,b`, "!"},
		{``, ""},
	} {
		fields, ok := splitCSV([]byte(c.line), 10, nil)
		got := "!"
		if ok {
			var parts []string
			for _, f := range fields {
				p := f.value([]byte(c.line))
				if f.open {
					p += "/open"
				}
				parts = append(parts, p)
			}
			got = strings.Join(parts, "|")
		}
		if got != c.want {
			t.Errorf("%q: %s, want %s", c.line, got, c.want)
		}
	}
	if fields, _ := splitCSV([]byte("a,b,c,d"), 2, nil); len(fields) != 2 {
		t.Errorf("stops after n fields: %d", len(fields))
	}
}

// FuzzSplitCSV: the CSV splitter never panics, its spans lie in the line in
// order, and on a line that is a whole record it agrees with encoding/csv.
func FuzzSplitCSV(f *testing.F) {
	for _, s := range []string{
		`2026-12-03 09:33:43.233 UTC,"postgres","shop",29167,"[local]",6b113777.71ef,4,"INSERT",2026-12-03 09:33:43 UTC,3/33,748,ERROR,23505,"duplicate key value violates unique constraint ""customers_pkey""","Key (id)=(1) already exists.",,,,,"INSERT ...",,,"psql","client backend",,0`,
		`a,"b,c`, `"x"y`, `x"y`, `,,,`, `""""`, `"a""`, ``, `a,b,"c"`, "a,\"b\"\r",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		text := []byte(line)
		fields, ok := splitCSV(text, 64, nil)
		prev := 0
		for i, fl := range fields {
			if fl.start < prev || fl.end < fl.start || fl.end > len(text) {
				t.Fatalf("%q: field %d spans %d..%d after %d", line, i, fl.start, fl.end, prev)
			}
			if fl.open && i != len(fields)-1 {
				t.Fatalf("%q: open field %d is not the last", line, i)
			}
			prev = fl.end
		}
		if !ok || len(fields) == 0 || fields[len(fields)-1].open || len(fields) >= 64 || strings.ContainsAny(line, "\r\n") || !utf8.ValidString(line) || strings.TrimSpace(line) == "" {
			return
		}
		r := csv.NewReader(strings.NewReader(line))
		r.FieldsPerRecord = -1
		want, err := r.Read()
		if err != nil {
			t.Fatalf("%q: split into %d fields, encoding/csv: %v", line, len(fields), err)
		}
		if len(want) != len(fields) {
			t.Fatalf("%q: %d fields, encoding/csv %d", line, len(fields), len(want))
		}
		for i := range want {
			if got := fields[i].value(text); got != want[i] {
				t.Fatalf("%q: field %d is %q, encoding/csv %q", line, i, got, want[i])
			}
		}
	})
}
