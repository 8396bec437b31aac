package regexlit

import (
	"regexp/syntax"
	"strings"
	"testing"
)

func parse(t *testing.T, expr string) *syntax.Regexp {
	t.Helper()
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return re.Simplify()
}

func TestLiterals(t *testing.T) {
	t.Parallel()
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
		lower, exact := Literals(parse(t, c.re))
		if got := strings.Join(lower, ","); got != c.lower {
			t.Errorf("%s: literals %q, want %q", c.re, got, c.lower)
		}
		if got := strings.Join(exact, ","); got != c.exact {
			t.Errorf("%s: exact literals %q, want %q", c.re, got, c.exact)
		}
	}
}

func TestLiteralLead(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		re   string
		want int
	}{
		{`errorCode=(?P<code>\d+)`, 0},
		{`(?i)\b(?:result|error)[_ ]?code\s*(?P<code>\d+)`, 0},
		{`\bWARNING:\s+ErrorCode:\s*(?P<code>\w+)`, Unbounded},
		{`<(?:[A-Za-z][\w.-]*:)?ErrorCode>(?P<code>\w+)`, Unbounded},
		{`x?abc=(?P<code>\d+)`, 1},
		{`[ab]c?defg(?P<code>\d)`, 5},
		{`(?P<code>\d+) errors`, Unbounded},
	} {
		if got := literalLead(parse(t, c.re)); got != c.want {
			t.Errorf("%s: lead %d, want %d", c.re, got, c.want)
		}
	}
}

// TestLeadOnlyWhereLinear: a regex is started at its literals only when its
// unbounded repetitions cannot run across another occurrence of them;
// otherwise each start could read the rest of the line (quadratic time).
func TestLeadOnlyWhereLinear(t *testing.T) {
	t.Parallel()
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
		re := parse(t, c.re)
		lower, _ := Literals(re)
		if got := Lead(re, lower) >= 0; got != c.lead {
			t.Errorf("%s: started at its literals = %v, want %v (lead %d)", c.re, got, c.lead, Lead(re, lower))
		}
	}
}
