package rules

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

func TestBuiltinRulesCompile(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := Compile(cat, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) < 10 {
		t.Fatalf("only %d built-in rules", len(set.Rules))
	}
	for _, r := range set.Rules {
		if len(r.Literals) == 0 && r.Kind != KindNames {
			t.Errorf("rule %s has no prefilter literal", r.ID)
		}
		if r.System != AnySystem && !cat.HasSystem(r.System) {
			t.Errorf("rule %s: unknown system %s", r.ID, r.System)
		}
	}
	for _, sys := range []string{"voltmx-sync", "drupal-sdk", "knox-efota"} {
		if len(set.Markers[sys]) == 0 {
			t.Errorf("%s has no markers", sys)
		}
	}
}

// TestCompileChecks covers the checks that only Compile makes (the CLI
// tests cover the messages users read for the common mistakes).
func TestCompileChecks(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, src, want string }{
		{"generic with a cue", "rules:\n  - id: g\n    system: \"*\"\n    cue: marker\n    regex: 'abc=(?P<code>\\d+)'\n", `rule "g": a generic rule (system "*") runs only under --system`},
		{"names without cue", "rules:\n  - id: n\n    system: drupal-sdk\n    names: true\n", `rule "n": a names rule needs a cue`},
		{"two kinds", "rules:\n  - id: k\n    system: wusp\n    regex: 'abc=(?P<code>\\w+)'\n    names: true\n", `rule "k": give exactly one of regex, json, csv or names`},
		{"json without code", "rules:\n  - id: j\n    system: wusp\n    json: {message: m}\n", `rule "j": json rule needs code`},
		{"json bad path", "rules:\n  - id: j2\n    system: wusp\n    json: {code: a..b}\n", `bad path "a..b"`},
		{"json modifier", "rules:\n  - id: j3\n    system: wusp\n    json: {code: \"@reverse\"}\n", `modifiers are not supported`},
		{"require_message without message", "rules:\n  - id: j4\n    system: wusp\n    json: {code: errorCode, require_message: true}\n", `json.require_message needs json.message`},
		{"short marker", "markers:\n  wusp: [ab]\nrules: []\n", `marker "ab" of wusp is too short`},
		{"marker for unknown system", "markers:\n  nosuch: [abcd]\n", `unknown field "nosuch"`},
		{"short exclude", "rules:\n  - id: x\n    system: wusp\n    exclude: [ab]\n    regex: 'abc=(?P<code>\\w+)'\n", `exclude word "ab" is too short`},
		{"bad code_type", "rules:\n  - id: ct\n    system: wusp\n    code_type: float\n    regex: 'abc=(?P<code>\\w+)'\n", `unknown code_type "float"`},
		{"bad id", "rules:\n  - id: 'has space'\n    system: wusp\n    regex: 'abc=(?P<code>\\w+)'\n", `needs an id`},
		{"not a list", "rules: {}\n", `field "rules" must be a list`},
		{"corroborate without shape", "rules:\n  - id: c1\n    system: wusp\n    corroborate: {context: [abcd]}\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "c1": corroborate is for a shared shape: give cue: shape`},
		{"corroborate unknown field", "rules:\n  - id: c2\n    system: wusp\n    cue: shape\n    corroborate: {words: [abcd]}\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "c2": corroborate: unknown field "words"`},
		{"corroborate short context", "rules:\n  - id: c3\n    system: wusp\n    cue: shape\n    corroborate: {context: [ab]}\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "c3": context word "ab" is too short`},
		{"corroborate message without one", "rules:\n  - id: c4\n    system: wusp\n    cue: shape\n    corroborate: {message: true}\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "c4": corroborate.message needs the line's message`},
		{"shape names", "rules:\n  - id: c5\n    system: drupal-sdk\n    cue: shape\n    names: true\n", `rule "c5": a names rule needs a cue of marker or system`},
		{"shape marks", "rules:\n  - id: c6\n    system: wusp\n    cue: shape\n    marks: true\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "c6": a shape rule cannot mark a line`},
		{"generic shape", "rules:\n  - id: c7\n    system: \"*\"\n    cue: shape\n    regex: 'abc=(?P<code>\\w+)'\n", `rule "c7": a generic rule (system "*") runs only under --system`},
		{"unknown cue", "rules:\n  - id: c8\n    system: wusp\n    cue: strong\n    regex: 'abc=(?P<code>\\w+)'\n", `unknown cue "strong" (carrier, marker, shape or system)`},
	} {
		_, err := Compile(cat, Source{Name: "r.yaml", Data: []byte(c.src)})
		if err == nil || !strings.HasPrefix(err.Error(), "r.yaml:") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want r.yaml:LINE: ... %s", c.name, err, c.want)
		}
	}
}

func TestFoldKey(t *testing.T) {
	for in, want := range map[string]string{"resultCode": "resultcode", "RESULT_CODE": "resultcode", "result code": "resultcode", "Error-Code": "errorcode"} {
		if got := FoldKey(in); got != want {
			t.Errorf("FoldKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"resultCode": "result", "error_code": "error", "x": "x", "deviceResultCode": "device"} {
		if got := longestWord(in); got != want {
			t.Errorf("longestWord(%q) = %q, want %q", in, got, want)
		}
	}
	cat, _ := catalog.Builtin()
	_, err := Compile(cat, Source{Name: "r.yaml", Data: []byte("rules:\n  - id: kf\n    system: wusp\n    json: {code: a.b, keys_fold: true}\n")})
	if err == nil || !strings.Contains(err.Error(), `keys_fold compares plain keys; "a.b" is a path`) {
		t.Errorf("dotted key with keys_fold: %v", err)
	}
}

// TestShapeRules: a shape rule compiles with its corroboration, which
// defaults to "the code is in the catalog".
func TestShapeRules(t *testing.T) {
	cat, _ := catalog.Builtin()
	set, err := Compile(cat, Source{Name: "r.yaml", Data: []byte(`rules:
  - id: s1
    system: wusp
    cue: shape
    code_type: name
    regex: 'fault=(?P<code>\w+)'
  - id: s2
    system: backend-services
    cue: shape
    corroborate:
      message: true
      context: [MyGateway]
    json: {code: errCode, message: msg}
`)})
	if err != nil {
		t.Fatal(err)
	}
	s1, s2 := set.Rules[0], set.Rules[1]
	if s1.Cue != CueShape || s1.Corroborate == nil || s1.Corroborate.Message || len(s1.Corroborate.Context) != 0 {
		t.Errorf("s1: cue %v, corroborate %+v", s1.Cue, s1.Corroborate)
	}
	if s2.Corroborate == nil || !s2.Corroborate.Message || strings.Join(s2.Corroborate.Context, ",") != "mygateway" {
		t.Errorf("s2: corroborate %+v", s2.Corroborate)
	}
	builtin, err := Compile(cat, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]bool{}
	for _, r := range builtin.Rules {
		if r.Cue == CueShape {
			shapes[r.ID] = true
		}
	}
	if !shapes["backend-services.error-body"] || !shapes["wusp.fault-detail"] || len(shapes) != 2 {
		t.Errorf("built-in shape rules: %v", shapes)
	}
}

// testCatalog is the built-in catalog with a small system whose codes are
// SQLSTATE-like strings, some with leading zeros, and whose 57014 has two
// rows picked by message only.
func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	err = cat.Add("pg.yaml", []byte(`system: pg
entries:
  - {code: "08006", name: CONNECTION_FAILURE, category: connectivity, message: connection_failure}
  - {code: "23505", name: UNIQUE_VIOLATION, category: conflict, message: unique_violation}
  - {code: "42P01", name: UNDEFINED_TABLE, category: not-found, message: undefined_table}
`))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestCompileChecksNew covers the checks of the stated code, message
// templates, CSV and JSON value conditions, disable and replace: each
// error names FILE:LINE and the rule.
func TestCompileChecksNew(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	for _, c := range []struct{ name, src, want string }{
		{"no code at all", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  x'\n", `r.yaml:4: rule "a": regex has no named group (?P<code>...): add one, or state the code`},
		{"code and code group", "rules:\n  - id: a\n    system: pg\n    code: \"23505\"\n    regex: 'ERROR:  (?P<code>\\w+)'\n", `r.yaml:4: rule "a": the regex has a (?P<code>...) group, which gives the code: drop code`},
		{"code and name", "rules:\n  - id: a\n    system: pg\n    code: \"23505\"\n    name: UNIQUE_VIOLATION\n    regex: 'ERROR:  x'\n", `r.yaml:5: rule "a": give one of code, name or messages, not code and name`},
		{"unknown name", "rules:\n  - id: a\n    system: pg\n    name: NO_SUCH\n    regex: 'ERROR:  x'\n", `r.yaml:4: rule "a": no code of pg is named "NO_SUCH"`},
		{"generic states a code", "rules:\n  - id: a\n    system: '*'\n    code: \"1\"\n    regex: 'ERROR:  x'\n", `r.yaml:4: rule "a": a generic rule (system "*") reads its code from the line`},
		{"code on json", "rules:\n  - id: a\n    system: pg\n    code: \"1\"\n    json: {code: abc}\n", `r.yaml:4: rule "a": code is for regex rules`},
		{"code with a space", "rules:\n  - id: a\n    system: pg\n    code: \"1 2\"\n    regex: 'ERROR:  x'\n", `r.yaml:4: rule "a": code must be one word`},
		{"code_type with stated code", "rules:\n  - id: a\n    system: pg\n    code_type: name\n    code: \"23505\"\n    regex: 'ERROR:  x'\n", `r.yaml:4: rule "a": code_type is for codes read from the line`},
		{"messages without message group", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  x'\n    messages:\n      - {text: 'x', code: \"23505\"}\n", `r.yaml:6: rule "a": messages are matched against the line's message`},
		{"bad conversion", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  (?P<message>.*)'\n    messages:\n      - {code: \"23505\", text: '100% sure'}\n", `r.yaml:6: rule "a": messages: "100% sure": "% " is not a printf conversion`},
		{"template code and name", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  (?P<message>.*)'\n    messages:\n      - {code: \"23505\", name: UNIQUE_VIOLATION, text: 'x'}\n", `r.yaml:6: rule "a": messages: give each text either code: or name:`},
		{"template unknown name", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  (?P<message>.*)'\n    messages:\n      - text: 'x'\n        name: NOPE\n", `r.yaml:7: rule "a": no code of pg is named "NOPE"`},
		{"template twice", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  (?P<message>.*)'\n    messages:\n      - {code: \"23505\", text: 'x %s'}\n      - {code: \"42P01\", text: 'x %s'}\n", `r.yaml:7: rule "a": messages: "x %s" is listed twice`},
		{"template without text", "rules:\n  - id: a\n    system: pg\n    regex: 'ERROR:  (?P<message>.*)'\n    messages:\n      - {code: \"23505\"}\n", `r.yaml:6: rule "a": messages: each needs text`},
		{"csv column zero", "rules:\n  - id: a\n    system: pg\n    csv: {code: 0}\n", `r.yaml:4: rule "a": csv.code: "0" is not a column number`},
		{"csv without code", "rules:\n  - id: a\n    system: pg\n    csv: {message: 2}\n", `r.yaml:4: rule "a": csv rule needs code`},
		{"csv where on the code", "rules:\n  - id: a\n    system: pg\n    csv: {code: 3, where: {3: [ERROR]}}\n", `r.yaml:4: rule "a": csv.where: column 3 is the code column`},
		{"csv where not a column", "rules:\n  - id: a\n    system: pg\n    csv:\n      code: 3\n      where: {sev: [ERROR]}\n", `r.yaml:6: rule "a": csv.where: "sev" is not a column number`},
		{"csv short values need literals", "rules:\n  - id: a\n    system: pg\n    csv: {code: 3, where: {2: [E, F]}}\n", `r.yaml:2: rule "a": no literal text`},
		{"csv unknown field", "rules:\n  - id: a\n    system: pg\n    csv: {code: 3, column: 2}\n", `r.yaml:4: rule "a": csv: unknown field "column"`},
		{"json where not a mapping", "rules:\n  - id: a\n    system: pg\n    json: {code: state_code, where: [a]}\n", `r.yaml:4: rule "a": json.where must map paths to the values`},
		{"json where bad path", "rules:\n  - id: a\n    system: pg\n    json:\n      code: state_code\n      where: {'a..b': [x]}\n", `r.yaml:6: rule "a": json.where: bad path "a..b"`},
		{"json where no values", "rules:\n  - id: a\n    system: pg\n    json:\n      code: state_code\n      where:\n        sev: []\n", `r.yaml:7: rule "a": json.where.sev must be a value or a list of values`},
		{"json top_level not bool", "rules:\n  - id: a\n    system: pg\n    json:\n      code: state_code\n      top_level: maybe\n", `r.yaml:6: rule "a": json.top_level must be true or false`},
		{"generic fallback", "rules:\n  - id: a\n    system: '*'\n    fallback: true\n    regex: 'code=(?P<code>\\d+)'\n", `r.yaml:4: rule "a": a generic rule cannot be a fallback`},
		{"disable nothing", "disable: [no.such.rule]\nrules: []\n", `r.yaml:1: disable: no rule loaded before this file has id "no.such.rule"`},
		{"disable bad pattern", "disable: ['gen[eric']\n", `r.yaml:1: disable: bad pattern "gen[eric"`},
		{"disable empty entry", "disable:\n  - reason: why\n", `r.yaml:2: disable: give the id`},
		{"disable unknown field", "disable:\n  - {ids: x}\n", `r.yaml:2: unknown field "ids"`},
		{"replace nothing", "rules:\n  - id: nope\n    replace: true\n    system: pg\n    code_type: name\n    regex: 'xyz=(?P<code>\\w+)'\n", `r.yaml:2: rule "nope": replace: true, but no rule before this one has the id`},
		{"same id without replace", "rules:\n  - id: drupal-sdk.text-code\n    system: '*'\n    regex: 'code=(?P<code>\\d+)'\n", `r.yaml:2: rule "drupal-sdk.text-code": id already used at builtin:rules.yaml:`},
		{"replace in the same file", "rules:\n  - id: x\n    system: pg\n    code_type: name\n    regex: 'xyz=(?P<code>\\w+)'\n  - id: x\n    replace: true\n    system: pg\n    code_type: name\n    regex: 'yzx=(?P<code>\\w+)'\n", `r.yaml:6: rule "x": id already used at r.yaml:2 in the same file`},
	} {
		_, err := Compile(cat, Builtin(), Source{Name: "r.yaml", Data: []byte(c.src)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n  want it to contain %s", c.name, err, c.want)
		}
	}
}

// TestCodeWarnings: a rule that cannot find the codes its catalog lists is
// a warning with its FILE:LINE; the built-in rules have none.
func TestCodeWarnings(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	set, err := Compile(cat, Builtin(), Source{Name: "r.yaml", Data: []byte(`rules:
  - id: int
    system: pg
    regex: 'sqlstate=(?P<code>\w+)'
  - id: digits
    system: pg
    code_type: name
    regex: 'sqlstate=(?P<code>\d{4})\b'
  - id: fine
    system: pg
    code_type: name
    regex: 'state=(?P<code>[0-9A-Z]{5})'
  - id: unlisted
    system: pg
    code: "99999"
    regex: 'ERROR:  boom'
  - id: template-unlisted
    system: pg
    regex: 'ERROR:  (?P<message>.*)'
    messages:
      - {code: "23505", text: 'duplicate key %s'}
      - {code: "XX999", text: 'odd %s'}
  - id: json-int
    system: pg
    json: {code: state_code}
`)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`r.yaml:2: rule "int": code_type integer can never give 1 of the 3 codes of pg's catalog (such as 42P01): use code_type: name`,
		`r.yaml:5: rule "digits": its (?P<code>[0-9]{4}) group matches none of the 3 codes of pg's catalog`,
		`r.yaml:13: rule "unlisted": code 99999 is not in the pg catalog`,
		`r.yaml:17: rule "template-unlisted": messages: code XX999 (of "odd %s") is not in the pg catalog`,
		`r.yaml:23: rule "json-int": code_type integer can never give 1 of the 3 codes`,
	}
	if len(set.Warnings) != len(want) {
		t.Fatalf("warnings %v, want %d", set.Warnings, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(set.Warnings[i].Error(), w) {
			t.Errorf("warning %d: %v\n  want %s", i, set.Warnings[i], w)
		}
	}
	builtin, err := Compile(cat, Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(builtin.Warnings) != 0 {
		t.Errorf("built-in rules: %v", builtin.Warnings)
	}
}

// TestDisableAndReplace: a file's disable: list switches off rules of the
// files before it (by id, pattern or system), a Source's Disable (the
// config's) too, and replace: true puts a rule in the place of the one of
// its id; Off says which and why.
func TestDisableAndReplace(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	generic := Source{Name: "generic.yaml", Data: []byte(`rules:
  - id: generic.text-code
    system: "*"
    regex: '\bcode=(?P<code>\d+)'
  - id: generic.json-code
    system: "*"
    json: {code: code}
`)}
	file := Source{Name: "r.yaml", Data: []byte(`disable:
  - "knox-efota.*"
  - system: "*"
    reason: statements hold error_code= columns
rules:
  - id: drupal-sdk.text-code
    replace: true
    system: drupal-sdk
    cue: marker
    regex: '\bdrupal_code=(?P<code>-?\d+)'
  - id: generic.mine
    system: "*"
    regex: 'mycode=(?P<code>\d+)'
`)}
	cfg := Source{Name: "errtag.yaml", Disable: []Disable{{ID: "wusp.server-log", File: "errtag.yaml", Line: 7, Reason: "no WSUS here"}}}
	set, err := Compile(cat, Builtin(), generic, file, cfg)
	if err != nil {
		t.Fatal(err)
	}
	on := map[string]*Rule{}
	var order []string
	for _, r := range set.Rules {
		on[r.ID] = r
		order = append(order, r.ID)
	}
	for _, id := range []string{"knox-efota.json-result", "knox-efota.text-result", "generic.text-code", "generic.json-code", "wusp.server-log"} {
		if on[id] != nil {
			t.Errorf("%s is still on", id)
		}
	}
	if r := on["drupal-sdk.text-code"]; r == nil || r.File != "r.yaml" {
		t.Errorf("drupal-sdk.text-code not replaced: %+v", r)
	}
	if on["generic.mine"] == nil {
		t.Error("a file's disable: switched off its own generic rule")
	}
	// The replacement keeps its place, after drupal-sdk.error-class.
	if i := slices.Index(order, "drupal-sdk.text-code"); i < 1 || order[i-1] != "drupal-sdk.error-class" {
		t.Errorf("order %v", order)
	}
	why := map[string]string{}
	for _, o := range set.Off {
		why[o.Rule.ID] = o.String()
	}
	for id, w := range map[string]string{
		"knox-efota.json-result": "disabled at r.yaml:2",
		"generic.text-code":      "disabled at r.yaml:3: statements hold error_code= columns",
		"drupal-sdk.text-code":   "replaced by the rule at r.yaml:6",
		"wusp.server-log":        "disabled at errtag.yaml:7: no WSUS here",
	} {
		if why[id] != w {
			t.Errorf("%s: off %q, want %q", id, why[id], w)
		}
	}
	if len(set.Off) != 6 {
		t.Errorf("%d rules off: %v", len(set.Off), why)
	}
}

// TestTemplateRegexp: message templates as the vendor's source writes
// them become expressions for what they print.
func TestTemplateRegexp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text      string
		match, no []string
	}{
		{`duplicate key value violates unique constraint "%s"`, []string{`duplicate key value violates unique constraint "a_pkey"`, `duplicate key value violates unique constraint ""x"" y"`}, []string{`duplicate key value violates unique constraint`, `duplicate key value violates unique constraint "a" and more`}},
		{`value "%s" is out of range for type %s`, []string{`value "99999999999" is out of range for type integer`}, []string{`value "1" is out of range`}},
		{`nextval: reached maximum value of sequence "%s" (%lld)`, []string{`nextval: reached maximum value of sequence "s" (2)`}, []string{`nextval: reached maximum value of sequence "s" (x)`}},
		{`%d%% done (%5.2f s, %-3s, %zu, %x)`, []string{`12% done (1.50 s, ab , 7, 0x1f)`}, []string{`12 done (1.50 s, ab, 7, 1f)`}},
		{`cannot take square root of a negative number`, []string{`cannot take square root of a negative number`}, []string{`cannot take square root of a negative number!`}},
		{`a.b*c(%c)`, []string{`a.b*c(x)`}, []string{`aXb*c(x)`, `a.b*c(xy)`}},
	} {
		expr, head, need, err := templateRegexp(c.text)
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		re := regexp.MustCompile(`^(?:` + expr + `)$`)
		if re.NumSubexp() != 0 {
			t.Errorf("%q: %s captures", c.text, expr)
		}
		for _, m := range c.match {
			if !re.MatchString(m) {
				t.Errorf("%q (%s) does not match %q", c.text, expr, m)
			}
			if !strings.HasPrefix(m, head) || !strings.Contains(m, need) {
				t.Errorf("%q: %q does not start with %q or hold %q", c.text, m, head, need)
			}
		}
		for _, m := range c.no {
			if re.MatchString(m) {
				t.Errorf("%q (%s) matches %q", c.text, expr, m)
			}
		}
	}
	for _, bad := range []string{"100%", "50% off", "%y"} {
		if _, _, _, err := templateRegexp(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestTemplatesPickFirst: a message picks the first template it matches
// in full.
func TestTemplatesPickFirst(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	set, err := Compile(cat, Source{Name: "r.yaml", Data: []byte(`rules:
  - id: m
    system: pg
    regex: 'ERROR:  (?P<message>.*)'
    messages:
      - {code: "42P01", text: 'relation "%s" does not exist'}
      - {name: UNIQUE_VIOLATION, text: '%s does not exist'}
      - {code: "08006", text: 'could not connect'}
`)})
	if err != nil {
		t.Fatal(err)
	}
	tp := set.Rules[0].Templates
	for msg, want := range map[string]string{
		`relation "t" does not exist`: "42P01",
		`type "mood" does not exist`:  "23505",
		`could not connect`:           "08006",
		`could not connect again`:     "",
		``:                            "",
	} {
		got := ""
		if i := tp.Match(msg); i >= 0 {
			got = tp.Code(i)
		}
		if got != want {
			t.Errorf("%q: code %q, want %q", msg, got, want)
		}
	}
}

// TestCompileChecksAccuracy: the rule options of issue 9's second round
// are checked with their place.
func TestCompileChecksAccuracy(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	for _, c := range []struct{ name, src, want string }{
		{"not_after on json", "rules:\n  - id: a\n    system: pg\n    not_after: [http]\n    json: {code: abc}\n", `r.yaml:4: rule "a": not_after is for regex rules`},
		{"not_after not a word", "rules:\n  - id: a\n    system: pg\n    not_after: [http status]\n    regex: 'abc=(?P<code>\\d+)'\n", `r.yaml:4: rule "a": not_after: "http status" is not a word`},
		{"exclude_regex bad", "rules:\n  - id: a\n    system: pg\n    exclude_regex: '('\n    regex: 'x=(?P<code>\\d+)'\n", `r.yaml:4: rule "a": bad exclude_regex`},
		{"exclude_regex matching every line", "rules:\n  - id: a\n    system: pg\n    exclude_regex: 'x*'\n    regex: 'x=(?P<code>\\d+)'\n", `r.yaml:4: rule "a": exclude_regex "x*" matches every line`},
		{"qualified_by on regex", "rules:\n  - id: a\n    system: pg\n    qualified_by: [pg.err]\n    regex: 'abc=(?P<code>\\d+)'\n", `r.yaml:4: rule "a": qualified_by is for names rules`},
		{"any_of unknown type", "rules:\n  - id: a\n    system: pg\n    json:\n      code: abc\n      any_of: [{path: info, type: map}]\n", `r.yaml:6: rule "a": json.any_of: unknown type "map"`},
		{"any_of entry without path", "rules:\n  - id: a\n    system: pg\n    json:\n      code: abc\n      any_of: [{type: object}]\n", `r.yaml:6: rule "a": json.any_of: an entry {path, type} needs its path`},
		{"marker exception without a marker", "markers:\n  pg: [postgres]\nmarker_exceptions:\n  pg: [greenplum]\n", `r.yaml:4: marker exception "greenplum" contains none of the markers of pg (postgres)`},
		{"marker exception of an unknown system", "marker_exceptions:\n  nosuch: [x y z]\n", `r.yaml:2: unknown field "nosuch"`},
		{"marker exception too short", "markers:\n  pg: [postgres]\nmarker_exceptions:\n  pg: [pg]\n", `r.yaml:4: marker exception "pg" of pg is too short`},
	} {
		_, err := Compile(cat, Builtin(), Source{Name: "r.yaml", Data: []byte(c.src)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n  want it to contain %s", c.name, err, c.want)
		}
	}
}

// TestAccuracyOptions: what the new options compile to.
func TestAccuracyOptions(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	set, err := Compile(cat, Builtin(), Source{Name: "r.yaml", Data: []byte(`markers:
  pg: [postgres, sql]
marker_exceptions:
  pg: [Postgres  Pro]
rules:
  - id: pg.default
    system: pg
    code_type: name
    exclude: &words [alpha, beta]
    regex: 'state=(?P<code>\w+)'
  - id: pg.own
    system: pg
    code_type: name
    not_after: [HTTP]
    exclude: *words
    regex: 'sqlstate=(?P<code>\w+)'
  - id: pg.off
    system: pg
    code_type: name
    not_after: []
    regex: 'st=(?P<code>\w+)'
  - id: pg.json
    system: pg
    code_type: name
    json:
      code: state
      any_of: [a, {path: b, type: object}]
`)})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Rule{}
	for _, r := range set.Rules {
		byID[r.ID] = r
	}
	def := byID["pg.default"].NotAfter
	if !slices.Contains(def, "http") || !slices.Contains(def, "exit") {
		t.Errorf("default not_after %v lacks http or exit", def)
	}
	// The system's own markers are not qualifiers of its carriers.
	for _, own := range []string{"postgres", "sql"} {
		if slices.Contains(def, own) {
			t.Errorf("default not_after of a pg rule holds pg's marker word %q", own)
		}
	}
	if slices.Contains(byID["drupal-sdk.text-code"].NotAfter, "sql") == false {
		t.Error("another system's rule lost sql from its not_after")
	}
	if got := byID["pg.own"].NotAfter; !slices.Equal(got, []string{"http"}) {
		t.Errorf("pg.own not_after %v", got)
	}
	if got := byID["pg.own"].Exclude; !slices.Equal(got, []string{"alpha", "beta"}) {
		t.Errorf("an alias's list: %v", got)
	}
	if got := byID["pg.off"].NotAfter; len(got) != 0 {
		t.Errorf("not_after: [] gave %v", got)
	}
	if got := byID["pg.json"].JSON.AnyOf; !slices.Equal(got, []PathTest{{Path: "a"}, {Path: "b", Type: "object"}}) {
		t.Errorf("any_of %v", got)
	}
	if got := set.MarkerExceptions["pg"]; !slices.Equal(got, []string{"postgres pro"}) {
		t.Errorf("marker exceptions %v", got)
	}
	if got := byID["drupal-sdk.constant"].QualifiedBy; !slices.Equal(got, []string{"drupal.error", "drupalerror"}) {
		t.Errorf("drupal-sdk.constant qualified_by %v", got)
	}
}

// TestDisableFormerGeneric: a disable entry written for the generic rules
// errtag once had built in is a warning, not an error; any other entry
// that switches nothing off is still an error.
func TestDisableFormerGeneric(t *testing.T) {
	t.Parallel()
	cat := testCatalog(t)
	set, err := Compile(cat, Builtin(), Source{Name: "r.yaml", Data: []byte("disable:\n  - system: \"*\"\n  - generic.text-code\n  - \"generic.*\"\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Warnings) != 3 || !strings.Contains(set.Warnings[0].Error(), `r.yaml:2: disable: system "*" switches nothing off: errtag has no built-in generic rules any more`) {
		t.Errorf("warnings %v", set.Warnings)
	}
	if _, err := Compile(cat, Builtin(), Source{Name: "r.yaml", Data: []byte("disable: [generic.mine]\n")}); err == nil {
		t.Error("an unknown generic id: no error")
	}
}
