package rules_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
	"github.com/errtag/errtag/internal/yamlfile"
)

// fuzzRulesName is the file name FuzzRulesCompile compiles under.
const fuzzRulesName = "conf/my rules:v2.yaml"

var (
	fuzzCatOnce sync.Once
	fuzzCat     *catalog.Catalog
	fuzzCatErr  error
)

func fuzzCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	fuzzCatOnce.Do(func() { fuzzCat, fuzzCatErr = catalog.Builtin() })
	if fuzzCatErr != nil {
		t.Fatal(fuzzCatErr)
	}
	return fuzzCat
}

var lineRef = regexp.MustCompile(`\bline \d+`)

// checkRulesError checks that err starts with the file name, and with
// "name:LINE: " (LINE within the file) when the problem has a line.
func checkRulesError(t *testing.T, name string, data []byte, err error) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, name+":") {
		t.Fatalf("error does not start with the file name %q: %q", name, msg)
	}
	var ye *yamlfile.Error
	if !errors.As(err, &ye) {
		t.Fatalf("error %q is not a *yamlfile.Error", msg)
	}
	if ye.File != name {
		t.Fatalf("error %q names file %q", msg, ye.File)
	}
	if ye.Line > 0 {
		if want := fmt.Sprintf("%s:%d: ", name, ye.Line); !strings.HasPrefix(msg, want) {
			t.Fatalf("error %q does not start with %q", msg, want)
		}
		s := string(data)
		maxLine := 1 + strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
		if ye.Line > maxLine {
			t.Fatalf("error %q: line %d is past the end of the file (%d lines at most)", msg, ye.Line, maxLine)
		}
	} else if lineRef.MatchString(ye.Msg) {
		t.Fatalf("error %q knows a line but does not say it as FILE:LINE:", msg)
	}
}

// FuzzRulesCompile compiles any bytes as a rule file, alone and after the
// built-in rules. Compile must not panic; it returns either a set the
// matcher can run (checked on lines made of each rule's own literals) or a
// FILE[:LINE]: error naming the fuzzed file.
func FuzzRulesCompile(f *testing.F) {
	f.Add(rules.Builtin().Data, false)
	for _, s := range []string{
		"", "\n", "rules: []\n", "markers: {}\n", "markers:\n  knox-efota: [knox]\n", "[]", "rules: x\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: 'resultCode=(?P<code>-?\\d+)'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: 'resultCode=(?P<code>-?\\d+'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: 'resultCode=(-?\\d+)'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: '(?P<code>\\d+)'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: '(?P<code>\\d+)'\n    literals: [abc, XYZW]\n",
		"rules:\n  - id: r1\n    system: nope\n    json: {code: errorCode}\n",
		"rules:\n  - id: r1\n    system: backend-services\n    json: {code: [errorCode, a.b.errorCode], message: message, require_message: true, none_of: [x]}\n",
		"rules:\n  - id: r1\n    system: backend-services\n    json: {code: 'a|b', any_of: ['#']}\n",
		"rules:\n  - id: r1\n    system: backend-services\n    json: {code: 'err\\.Code'}\n",
		"rules:\n  - id: r1\n    system: drupal-sdk\n    cue: marker\n    names: true\n",
		"markers:\n  drupal-sdk: [drupal]\nrules:\n  - id: r1\n    system: drupal-sdk\n    cue: marker\n    names: true\n",
		"rules:\n  - id: r1\n    system: '*'\n    regex: 'code=(?P<code>\\d+)'\n",
		"rules:\n  - id: r1\n    system: '*'\n    cue: marker\n    regex: 'code=(?P<code>\\d+)'\n",
		"rules:\n  - id: r1\n    system: wusp\n    code_type: name\n    unless_marked: yes\n    regex: '<ErrorCode>(?P<code>\\w+)</ErrorCode>'\n  - id: r1\n    system: wusp\n    regex: 'x(?P<code>\\d)yz'\n",
		"rules:\n  - id: voltmx-sync.error-object\n    system: voltmx-sync\n    json: {code: errorCode}\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    cue: marker\n    exclude: [ActivityManager]\n    regex: '(?i)result code (?P<code>-?\\d+)'\n",
		"rules:\n  - id: &a r1\n    system: *a\n    regex: x\n",
		"rules:\n  - id: r1\n    system: wusp\n    regex: [a]\n",
		"rules:\n  - id: r1\n    system: wusp\n    regex: '(?P<code>a)(?P<code>b)'\n",
		"rules:\n  - id: \"\"\n",
		"rules:\n  - 5\n",
		"markers:\n  knox-efota: [kn]\n",
		"markers:\n  nope: [abc]\n",
		"rules:\n\t- id: r1\n",
		"\xff\xfe",
		// disable, replace, stated codes, templates, CSV, JSON conditions
		"disable: [generic.text-code, 'knox-efota.*', {system: '*', reason: r}]\nrules: []\n",
		"disable: ['[']\n",
		"disable: [{}]\n",
		"rules:\n  - id: generic.json-code\n    replace: true\n    system: '*'\n    json: {code: errCode}\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    code: \"-1401\"\n    regex: 'download rejected by user'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    name: DOWNLOAD_REJECTED_BY_USER\n    regex: 'rejected the download'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: 'EFOTA:  (?P<message>.*)$'\n    messages:\n      - {code: \"-1401\", text: 'user rejected %s (%d)'}\n      - {name: SUCCESS, text: '%s%%'}\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    regex: 'EFOTA:  (?P<message>.*)$'\n    messages:\n      - {code: \"1\", text: '50% off'}\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    csv: {code: 13, message: 14, where: {12: [ERROR, FATAL]}}\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    csv: {code: 2, where: {1: [E]}}\n    literals: [knox]\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    json: {code: resultCode, top_level: true, where: {severity: [ERROR, FATAL], 'a.b': x}}\n",
		"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
		// not_after, exclude_regex, qualified_by, marker exceptions, typed paths, aliases
		"rules:\n  - id: r1\n    system: knox-efota\n    not_after: [http, 'a b', '']\n    exclude_regex: '\\|\\d+\\|'\n    regex: 'rc=(?P<code>-?\\d+)'\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    exclude_regex: '('\n    regex: 'rc=(?P<code>-?\\d+)'\n",
		"markers:\n  drupal-sdk: [drupal]\nrules:\n  - id: r1\n    system: drupal-sdk\n    cue: marker\n    names: true\n    qualified_by: [drupal.error, x]\n",
		"markers:\n  knox-efota: [knox]\nmarker_exceptions:\n  knox-efota: [fort knox, '  knox   manage ', nothing]\n",
		"rules:\n  - id: r1\n    system: voltmx-sync\n    json: {code: errorCode, any_of: [a, {path: b, type: object}, {type: x}], none_of: {path: c}}\n",
		"rules:\n  - id: r1\n    system: knox-efota\n    exclude: &x [a1b, c2d]\n    regex: 'rc=(?P<code>-?\\d+)'\n  - id: r2\n    system: knox-efota\n    exclude: *x\n    regex: 'rd=(?P<code>-?\\d+)'\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, afterBuiltin bool) {
		cat := fuzzCatalog(t)
		srcs := []rules.Source{{Name: fuzzRulesName, Data: data}}
		if afterBuiltin {
			srcs = append([]rules.Source{rules.Builtin()}, srcs...)
		}
		set, err := rules.Compile(cat, srcs...)
		if err != nil {
			if set != nil {
				t.Fatalf("Compile returned a set and the error %v", err)
			}
			checkRulesError(t, fuzzRulesName, data, err)
			return
		}
		if set == nil {
			t.Fatal("Compile returned neither a set nor an error")
		}
		var lines []string
		for _, r := range set.Rules {
			if r.ID == "" || r.Line <= 0 || (r.File != fuzzRulesName && r.File != rules.BuiltinName) {
				t.Fatalf("rule %+v: missing id or location", r)
			}
			if r.System != rules.AnySystem && !cat.HasSystem(r.System) {
				t.Fatalf("rule %s: unknown system %q", r.ID, r.System)
			}
			switch r.Kind {
			case rules.KindRegex:
				codes := 0
				if r.CodeGroup > 0 {
					codes++
				}
				if r.Code != "" {
					codes++
				}
				if r.Templates != nil {
					codes++
				}
				if r.Regexp == nil || codes != 1 || len(r.Literals) == 0 {
					t.Fatalf("regex rule %s: %+v", r.ID, r)
				}
			case rules.KindCSV:
				if r.CSV == nil || r.CSV.Code < 0 || len(r.Literals) == 0 {
					t.Fatalf("csv rule %s: %+v", r.ID, r)
				}
			case rules.KindJSON:
				if r.JSON == nil || len(r.JSON.Code) == 0 || len(r.Literals) == 0 {
					t.Fatalf("json rule %s: %+v", r.ID, r)
				}
			case rules.KindNames:
				if r.System == rules.AnySystem {
					t.Fatalf("names rule %s has no catalog system", r.ID)
				}
			default:
				t.Fatalf("rule %s: kind %v", r.ID, r.Kind)
			}
			for _, l := range r.Literals {
				if len(l) < 3 || l != strings.ToLower(l) {
					t.Fatalf("rule %s: literal %q", r.ID, l)
				}
			}
			lit := strings.Join(r.Literals, " ")
			lines = append(lines,
				lit+" code=1 errorCode=-1401 "+strings.Join(set.Markers[r.System], " "),
				fmt.Sprintf(`{"%s":7,"message":"m","errorCode":"12","code":3} %s`, strings.Join(r.Literals, `":1,"`), strings.Join(set.Markers[r.System], " ")),
				"2024-01-01,"+strings.Join(r.Literals, ",")+`,-1401,"user rejected x (5)`+"\"\"\",ERROR,FATAL,\"")
			if r.JSON != nil {
				for _, p := range r.JSON.Code {
					lines = append(lines, fmt.Sprintf(`{"%s":"-5","message":"m"}`, strings.ReplaceAll(p, ".", `":{"`)))
				}
			}
		}
		// The set must run: under no --system and under each system.
		for _, sys := range append([]string{""}, cat.Systems()...) {
			m, err := matcher.New(set, cat, matcher.Options{System: sys})
			if err != nil {
				t.Fatalf("matcher.New(%q) on a compiled set: %v", sys, err)
			}
			for _, l := range lines {
				for _, a := range m.Match([]byte(l)) {
					if a.Entry.System == "" || a.Entry.Code == "" {
						t.Fatalf("line %q: annotation %+v", l, a)
					}
				}
			}
		}
	})
}
