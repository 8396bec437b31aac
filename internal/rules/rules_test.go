package rules

import (
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
)

func TestRequiredLiterals(t *testing.T) {
	for _, c := range []struct {
		re           string
		lower, exact string // comma-joined; "" when none
	}{
		{`errorCode=(?P<code>\d+)`, "errorcode=", "errorCode="},
		{`(?i)\berrorCode\s*(?:=|:)\s*(?P<code>-?\d+)`, "errorcode", ""},
		{`\bWARNING:\s+ErrorCode:\s*(?P<code>\w+)`, "errorcode:", "ErrorCode:"},
		{`(?i)\b(?:result|error)[_ ]?code\s*(?P<code>\d+)`, "result,error", ""},
		{`<(?:\w+:)?ErrorCode>(?P<code>\w+)`, "errorcode>", "ErrorCode>"},
		{`(?P<code>\d+)`, "", ""},
		{`a|(?P<code>\d+)`, "", ""},
		{`(?:abc)+x(?P<code>\d)`, "abc", "abc"},
		{`(?:abc)*(?P<code>\d)`, "", ""},
	} {
		re, err := syntax.Parse(c.re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		lits, _ := requiredLiterals(re.Simplify())
		lower, exact := splitLiterals(lits)
		if got := strings.Join(lower, ","); got != c.lower {
			t.Errorf("%s: literals %q, want %q", c.re, got, c.lower)
		}
		if got := strings.Join(exact, ","); got != c.exact {
			t.Errorf("%s: exact literals %q, want %q", c.re, got, c.exact)
		}
	}
}

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
		{"two kinds", "rules:\n  - id: k\n    system: wusp\n    regex: 'abc=(?P<code>\\w+)'\n    names: true\n", `rule "k": give exactly one of regex, json or names`},
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

func TestLiteralLead(t *testing.T) {
	for _, c := range []struct {
		re   string
		want int
	}{
		{`errorCode=(?P<code>\d+)`, 0},
		{`(?i)\b(?:result|error)[_ ]?code\s*(?P<code>\d+)`, 0},
		{`\bWARNING:\s+ErrorCode:\s*(?P<code>\w+)`, unbounded},
		{`<(?:[A-Za-z][\w.-]*:)?ErrorCode>(?P<code>\w+)`, unbounded},
		{`x?abc=(?P<code>\d+)`, 1},
		{`[ab]c?defg(?P<code>\d)`, 5},
		{`(?P<code>\d+) errors`, unbounded},
	} {
		re, err := syntax.Parse(c.re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if got := literalLead(re.Simplify()); got != c.want {
			t.Errorf("%s: lead %d, want %d", c.re, got, c.want)
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

// TestLeadOnlyWhereLinear: a regex is started at its literals only when its
// unbounded repetitions cannot run across another occurrence of them;
// otherwise each start could read the rest of the line (quadratic time).
func TestLeadOnlyWhereLinear(t *testing.T) {
	cat, _ := catalog.Builtin()
	for _, c := range []struct {
		re   string
		lead bool
	}{
		{`fault:.*code=(?P<code>\d+)`, false},
		{`errorCode[^;]*=(?P<code>\d+)`, false},
		{`(?i)fault:[^e]*code=(?P<code>\d+)`, false}, // [^e] holds F
		{`(?i)\berrorCode\s*(?:=|:)\s*"?(?P<code>-?\d+)\b`, true},
		{`(?i)\b(?:result|error)[_ ]?code"?\s*(?:[=:]|\s)\s*"?(?P<code>-?\d+)\b`, true},
		{`x?abc=(?P<code>\d+)`, true},
		{`abc=(?:\d|[a-z])+(?P<code>\d+)`, false}, // [a-z] holds a
		{`abc=(?:\d|[b-z])+(?P<code>\d+)`, true},
	} {
		src := "rules:\n  - id: r\n    system: wusp\n    regex: '" + c.re + "'\n"
		set, err := Compile(cat, Source{Name: "r.yaml", Data: []byte(src)})
		if err != nil {
			t.Fatalf("%s: %v", c.re, err)
		}
		if got := set.Rules[0].Lead >= 0; got != c.lead {
			t.Errorf("%s: started at its literals = %v, want %v (lead %d)", c.re, got, c.lead, set.Rules[0].Lead)
		}
	}
}
