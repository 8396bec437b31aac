package matcher

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/rules"
)

// TestFindAllFromLiterals: starting the regex at literal occurrences finds
// exactly what trying every byte finds, for the built-in rules and for rules
// whose matches start some bytes before their literal.
func TestFindAllFromLiterals(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	extra := rules.Source{Name: "extra.yaml", Data: []byte(`rules:
  - id: lead2
    system: wusp
    code_type: name
    regex: '(?i)\b[xy]?z?resultCode=(?P<code>\w+)'
  - id: lead-wordy
    system: wusp
    code_type: name
    regex: '\w?\bcode:(?P<code>\w+)'
  - id: lead-anchored
    system: wusp
    code_type: name
    regex: '^x?Code(?P<code>\w+)'
  - id: lead-not-boundary
    system: wusp
    code_type: name
    regex: '\Bode[:=](?P<code>\w+)'
`)}
	set, err := rules.Compile(cat, rules.Builtin(), extra)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(set, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pieces := []string{"resultCode=", "ResultCode: ", "errorCode=", "error code ", "code:", "code=", "Code", "x", "y", "z", "xz", "-1401", "12", "ab", " ", "_", "=", ":", "\"", "drupal", "DrupalError(", ")", "WARNING: ", "ErrorCode:", "<ErrorCode>", "</ErrorCode>", "Busy", "EFOTA ", "{", "{ ", "errorCode: ", "errrorMessage:", ", ", "ThrowException:", "SoapUtilities.", "ClientWebService", "ErrorCode=", "<s:", "<a:ErrorCode x=\"1\">", "</a:ErrorCode>", "\u212a", "é"}
	rng := rand.New(rand.NewSource(3))
	checked := 0
	for iter := 0; iter < 20000; iter++ {
		var sb strings.Builder
		for n := rng.Intn(14); n > 0; n-- {
			sb.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := []byte(sb.String())
		for _, r := range m.text {
			if r.Kind != rules.KindRegex || r.leadLits == nil && r.first == nil {
				continue
			}
			checked++
			got := r.findAll(text, nil)
			want := r.Regexp.FindAllSubmatchIndex(text, -1)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("rule %s (lead %d) on %q:\n got %v\nwant %v", r.ID, r.lead, text, got, want)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no rule started from its literals")
	}
	t.Logf("%d comparisons", checked)
}

// TestMatchCandidateAgrees: for every accuracy line that holds a gate
// literal, MatchCandidate (the stream's path) finds what Match finds.
func TestMatchCandidateAgrees(t *testing.T) {
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(cat, rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(set, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range append(append([]accCase{}, accCases...), accCollisionCases()...) {
		line := []byte(c.line)
		if !m.gate.Contains(line) {
			continue
		}
		n++
		if got, want := m.MatchCandidate(line), m.Match(line); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: MatchCandidate %v, Match %v", c.name, got, want)
		}
	}
	if n < 100 {
		t.Fatalf("only %d gated lines checked", n)
	}
}
