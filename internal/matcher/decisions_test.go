package matcher

// TestDecisions holds the second round of issue 9 (the red team's classes,
// as the lead decided them) as table cases: each annotation written
// "system:code/cue", with "?" before the slash for known=false. The red
// team's own lines are in testdata/lookalikes/; these are other lines of
// the same classes.

import (
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/rules"
)

var decisionCases = []s8Case{
	// ------------------------------------------ 1. --system NAME: NAME's own carriers, nothing more
	{name: "1 sys wusp: no number is a code", system: "wusp", line: `upstream failed errorCode=5, code=7, result code 9 {"code":14,"message":"x"}`},
	{name: "1 sys wusp: its names still count", system: "wusp", line: `<detail><ErrorCode>AccountLocked</ErrorCode></detail>`, want: []string{"wusp:AccountLocked?/system"}},
	{name: "1 sys backend: bare code= is not its carrier", system: "backend-services", line: `POST /v1/Users failed code=201`},
	{name: "1 sys backend: its body without corroboration", system: "backend-services", line: `{"errorCode":100,"message":"Key not found","cause":"/foo"}`, want: []string{"backend-services:100?/system"}},
	{name: "1 sys backend: gRPC status is no body", system: "backend-services", line: `{"code":14,"message":"failed to connect to all addresses","details":[]}`},
	{name: "1 sys knox: result code", system: "knox-efota", line: `device R58N3 result code: -7004`, want: []string{"knox-efota:-7004/system"}},
	{name: "1 sys knox: error code", system: "knox-efota", line: `install step returned error code 901`, want: []string{"knox-efota:901/system"}},
	{name: "1 sys knox: JSON key any case", system: "knox-efota", line: `{"deviceId":"R58N3","Result_Code":"-2409"}`, want: []string{"knox-efota:-2409/system"}},
	{name: "1 sys knox: bare code= is not its carrier", system: "knox-efota", line: `lookup failed code=201`},
	{name: "1 sys drupal: code=", system: "drupal-sdk", line: `request failed code=209`, want: []string{"drupal-sdk:209/system"}},
	{name: "1 sys drupal: DrupalError(", system: "drupal-sdk", line: `storefront: DrupalError(209): bad session`, want: []string{"drupal-sdk:209/marker"}},
	{name: "1 sys drupal: JSON code", system: "drupal-sdk", line: `{"err":{"code":"124","message":"Request timed out"}}`, want: []string{"drupal-sdk:124/system"}},
	{name: "1 sys drupal: errorCode is not its carrier", system: "drupal-sdk", line: `job failed errorCode=-1001 resultCode: -1401`},
	{name: "1 sys voltmx: errorCode=", system: "voltmx-sync", line: `sync failed errorCode=-1012`, want: []string{"voltmx-sync:-1012/system"}},
	{name: "1 sys voltmx: code= is not its carrier", system: "voltmx-sync", line: `sync failed code=12`},

	// ------------------------------------------ 2. qualified carriers are another code space
	{name: "2 HTTP error code", line: `E EFOTA: report upload failed, HTTP error code: 503`},
	{name: "2 http status code under system", system: "knox-efota", line: `portal replied, http status code = 503, error code 901`, want: []string{"knox-efota:901/system"}},
	{name: "2 LDAP error code", line: `E EFOTA: directory bind: [LDAP: error code 49 - Invalid Credentials]`},
	{name: "2 SQL error code, connector", line: `[drupal-sdk] cache write failed: SQL error code: 1146`},
	{name: "2 MySQL error code", line: `[drupal-sdk] MySQL error code = 1045`},
	{name: "2 exit code", line: `[drupal-sdk] worker exited, exit code: 2`},
	{name: "2 process exit code, connector not needed", line: `[drupal-sdk] build: process exit code=1`},
	{name: "2 gRPC status code", line: `E EFOTA: sync via grpc status code: 14`},
	{name: "2 status code", line: `[drupal-sdk] upstream status code: 502`},
	{name: "2 socket error code", line: `E EFOTA: download aborted, socket error code 10054`},
	{name: "2 curl error code", line: `[drupal-sdk] curl error code: 28 (Operation timed out)`},
	{name: "2 errno", line: `[drupal-sdk] read failed errno code=104`},
	{name: "2 SOAP error code", line: `E EFOTA: soap error code = 400`},
	{name: "2 return code", line: `efota-agent: helper return code: 3`},
	{name: "2 response code", line: `[drupal-sdk] response code: 404`},
	{name: "2 non-zero code", line: `[drupal-sdk] npm run build returned a non-zero code: 127`},
	{name: "2 a plain error code still counts", line: `E EFOTA: download failed, error code: -1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "2 a qualifier further back does not count", line: `E EFOTA: HTTP 200 but result code: -1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "2 a qualifier inside a longer word does not count", line: `E EFOTA: hexit error code: -1401`, want: []string{"knox-efota:-1401/marker"}},

	// ------------------------------------------ 3. a code is a whole token
	{name: "3 version", line: `E EFOTA: firmware result code 4.2.1 applied`},
	{name: "3 date", line: `[drupal-sdk] cache code: 2024-06-01`},
	{name: "3 decimal", line: `[VMXSync] errorCode=-1012.5`},
	{name: "3 time", line: `E EFOTA: result code 10:30 scheduled`},
	{name: "3 letters after", line: `[drupal-sdk] code=101abc`},
	{name: "3 underscore after", line: `[drupal-sdk] code=101_b`},
	{name: "3 fraction", line: `E EFOTA: result code 3/5 devices`},
	{name: "3 percent", line: `E EFOTA: result code 90% done`},
	{name: "3 percent-encoded", line: `[drupal-sdk] GET /cb?x=1 code=4%2F0AfJ`},
	{name: "3 URL query ?code=", line: `[drupal-sdk] GET /sso/callback?code=201 302`},
	{name: "3 URL query &code=", line: `[drupal-sdk] GET /sso/callback?state=x&code=201&scope=y 302`},
	{name: "3 URL query ?resultCode=", line: `efota-portal GET /report?resultCode=-1401 200`},
	{name: "3 end of sentence is fine", line: `E EFOTA: download failed, result code -1401.`, want: []string{"knox-efota:-1401/marker"}},
	{name: "3 comma is fine", line: `[drupal-sdk] code=209, retrying`, want: []string{"drupal-sdk:209/marker"}},
	{name: "3 +0 is 0", line: `E EFOTA: install finished resultCode=+0`, want: []string{"knox-efota:0/marker"}},
	{name: "3 -0 is 0", line: `E EFOTA: install finished resultCode=-0`, want: []string{"knox-efota:0/marker"}},
	{name: "3 +0 unlisted zero", line: `[VMXSync] done errorCode=+0`},

	// ------------------------------------------ 4. claims at the same code
	{name: "4 vmx key set beats a knox marker", line: `{"mdm":"Samsung Knox","err":{"errorCode":-1001,"errrorMessage":"General failure"}}`, want: []string{"voltmx-sync:-1001/carrier"}},
	{name: "4 knox result code beats drupal code:", line: `E EFOTA: drupal-sdk bridge: result code: -1402`, want: []string{"knox-efota:-1402/marker"}},
	{name: "4 knox error_code beats drupal code=", line: `[drupal-sdk] [EFOTA] error_code=901`, want: []string{"knox-efota:901/marker"}},
	{name: "4 a true tie drops", line: `[VMXSync] EFOTA bridge errorCode=-1002`},

	// ------------------------------------------ 5. exclusions are whole words; Drupal CMS by structure
	{name: "5 Macron", line: `[drupal-sdk] GET /jsonapi/node?filter=Macron failed {"code":101,"error":"Object not found."}`, want: []string{"drupal-sdk:101/marker"}},
	{name: "5 acronym", line: `[drupal-sdk] term "acronym" failed code=101`, want: []string{"drupal-sdk:101/marker"}},
	{name: "5 index.php", line: `[drupal-sdk] POST https://cms.example.org/index.php/jsonapi/user failed DrupalError(202)`, want: []string{"drupal-sdk:202/marker"}},
	{name: "5 watchdog timer", line: `[drupal-sdk] watchdog timer fired, request aborted DrupalError(124)`, want: []string{"drupal-sdk:124/marker"}},
	{name: "5 syslog record", line: `Jun  2 08:00:00 web2 drupal: https://shop.example.org|1717315200|php|198.51.100.7|https://shop.example.org/cart||1||Error: code=1 in foo()`},
	{name: "5 syslog record, other ident", line: `Jun  2 08:00:00 web2 shop: http://shop.example.org|1717315200|access denied|198.51.100.7|http://shop.example.org/admin||0||drupal denied code=403`},
	{name: "5 drush", line: `[drush] drupal updb failed code=1`},
	{name: "5 PHP Fatal error", line: `PHP Fatal error:  Uncaught Error in drupal/modules/x.module code: 255`},
	{name: "5 PHP Warning", line: `PHP Warning:  drupal_set_message() deprecated, code=2`},
	{name: "5 Drupal namespace", line: `Drupal\node\Entity\Node::load failed code=101`},
	{name: "5 core path", line: `in /var/www/web/core/lib/Drupal/Core/Entity.php drupal code=3`},
	{name: "5 drupal cron", line: `2024-06-02 INFO drupal cron finished, code=0 code=1`},
	{name: "5 Cron run completed", line: `drupal: Cron run completed. code=1`},
	{name: "5 watchdog( call", line: `drupal watchdog('php', ...) code=1`},

	// ------------------------------------------ 6. marker exceptions
	{name: "6 Apache Knox", line: `2024-06-02 ERROR Apache Knox gateway: login failed, result code: 401`},
	{name: "6 org.apache.knox", line: `org.apache.knox.gateway.GatewayServer: result code 1`},
	{name: "6 knox-gateway service", line: `knox-gateway[311]: dispatch failed error code 502`},
	{name: "6 KnoxSSO", line: `KnoxSSO: redirect failed result code: 302`},
	{name: "6 Knox Guard", line: `I KnoxGuardService: lock command result code: 1`},
	{name: "6 Knox Mobile Enrollment", line: `Knox Mobile Enrollment profile push: result code -1`},
	{name: "6 KNOX_CONTAINER constant", line: `onReceive KNOX_CONTAINER_STATE errorCode=201`},
	{name: "6 Knox County", line: `tax-sync county="Knox County" result code: 0`},
	{name: "6 DrupalCamp", line: `2024-06-02 DrupalCamp2025 registration failed code=101`},
	{name: "6 Drupal Association", line: `Drupal Association billing failed code=201`},
	{name: "6 another occurrence still counts", line: `E EFOTA: Knox Manage agent present; download failed resultCode=-1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "6 efota stays strong", line: `KnoxManage E-FOTA bridge: result code -7004`, want: []string{"knox-efota:-7004/marker"}},
	{name: "6 samsungknox stays strong", line: `GET https://eu-kme.samsungknox.com/efota/v1 -> result code -7004`, want: []string{"knox-efota:-7004/marker"}},
	{name: "6 DrupalConnector is no exception", line: `DrupalConnector: DrupalError(100)`, want: []string{"drupal-sdk:100/marker"}},

	// ------------------------------------------ 7. Drupal constants
	{name: "7 unqualified TIMEOUT", line: `[drupal-sdk] read TIMEOUT after 30000 ms`},
	{name: "7 unqualified INVALID_JSON", line: `drupal-web-01 parse INVALID_JSON`},
	{name: "7 Drupal.Error.NAME", line: `console.error Drupal.Error.INVALID_SESSION_TOKEN`, want: []string{"drupal-sdk:209/marker"}},
	{name: "7 DrupalError.NAME", line: `throw DrupalError.TIMEOUT`, want: []string{"drupal-sdk:124/marker"}},
	{name: "7 Drupal.Error NAME", line: `console.error Drupal.Error TIMEOUT`, want: []string{"drupal-sdk:124/marker"}},
	{name: "7 constant naming the number's code", line: `[drupal-sdk] code=124 TIMEOUT`, want: []string{"drupal-sdk:124/marker"}},
	{name: "7 constant naming another code", line: `[drupal-sdk] code=124 OBJECT_NOT_FOUND`, want: []string{"drupal-sdk:124/marker"}},

	// ------------------------------------------ 8. a marker inside another API's error object
	{name: "8 k8s Status naming a knox pod", line: `{"kind":"Status","status":"Failure","message":"pods \"knox-efota-0\" not found","reason":"NotFound","details":{"name":"knox-efota-0"},"code":404,"resultCode":404}`},
	{name: "8 GitHub error naming a drupal repo", line: `{"message":"Not Found: drupal/drupal-sdk-js","code":404,"documentation_url":"https://docs.github.com/rest"}`},
	{name: "8 e-mail address in text", line: `mail to webmaster@drupal-site.example failed code=550`},
	{name: "8 e-mail address in JSON", line: `{"to":"ops@efota-team.example","smtp":{"resultCode":550,"message":"mailbox unavailable"}}`},
	{name: "8 marker in a naming field outside", line: `{"logger":"drupal-sdk","err":{"code":101,"message":"Object not found."}}`, want: []string{"drupal-sdk:101/marker"}},
	{name: "8 marker in the object's own naming field", line: `{"svc":"mdm","events":[{"src":"knox-efota","resultCode":-1401}]}`, want: []string{"knox-efota:-1401/marker"}},
	{name: "8 marker in an OTel-style dotted naming key", line: `{"resource":{"service.name":"knox-efota"},"body":{"resultCode":-1405}}`, want: []string{"knox-efota:-1405/marker"}},
	{name: "8 marker in the message field outside", line: `{"msg":"[drupal-sdk] request failed","err":{"code":209,"message":"Invalid session token"}}`, want: []string{"drupal-sdk:209/marker"}},
	{name: "8 marker in a key outside", line: `{"efota":{"resultCode":-1402}}`, want: []string{"knox-efota:-1402/marker"}},
	{name: "8 marker in the text before the JSON", line: `E EFOTA: report {"resultCode":-1402}`, want: []string{"knox-efota:-1402/marker"}},
	{name: "8 marker in the object's own package field", line: `{"package":"com.samsung.android.knox.efota","resultCode":-1402}`, want: []string{"knox-efota:-1402/marker"}},
	{name: "8 marker only in a host name field", line: `{"host":"drupal-prod-3","error":{"code":503,"message":"Service Unavailable"}}`},
	{name: "8 marker only in a sibling's message", line: `{"items":[{"message":"pod drupal-1 gone","code":410},{"message":"quota","code":429}]}`},
	{name: "8 marker only in a sibling's other value", line: `{"target":"drupal/recommended-project","errorDetail":{"code":1,"message":"build failed"}}`},
	{name: "8 marker in the text around a docker-wrapped body", line: `{"log":"[drupal-sdk] GET /x failed {\"code\":101,\"error\":\"Object not found.\"}\n","stream":"stderr"}`, want: []string{"drupal-sdk:101/marker"}},
	{name: "8 marker in a naming field around a body in a string", line: `{"name":"drupal-sdk","body":"{\"code\":101,\"error\":\"Object not found.\"}"}`, want: []string{"drupal-sdk:101/marker"}},

	// ------------------------------------------ 9. Volt MX's key set
	{name: "9 string errorInfo is not Volt MX", line: `{"errorCode":7,"errorInfo":"permission denied"}`},
	{name: "9 null errorInfo is not Volt MX", line: `{"errorCode":7,"errorInfo":null}`},
	{name: "9 object errorInfo is", line: `{"errorCode":-1012,"errorInfo":{"status":0}}`, want: []string{"voltmx-sync:-1012/carrier"}},
	{name: "9 errrorMessage whatever errorInfo", line: `{"errorCode":-1012,"errrorMessage":"x","errorInfo":"y"}`, want: []string{"voltmx-sync:-1012/carrier"}},
	{name: "9 Node console form", line: `sync error { errorCode: -1020, errrorMessage: 'Object service failed', errorInfo: { objectService: 'Orders' } }`, want: []string{"voltmx-sync:-1020/carrier"}},
	{name: "9 Node console form, other SDK", line: `sync error { errorCode: -1020, errorMessage: 'failed' }`},

	// ------------------------------------------ 12. cue: the strongest tie
	{name: "12 key set with the marker: carrier", line: `{"app":"voltmx","errorCode":-1012,"errrorMessage":"x"}`, want: []string{"voltmx-sync:-1012/carrier"}},
	{name: "12 nested error of a key set with the marker: carrier", line: `[VMXSync] {"errorCode":-1001,"errrorMessage":"x","errorInfo":{"e":[{"errorCode":-1012,"errorMessage":"y"}]}}`, want: []string{"voltmx-sync:-1001/carrier", "voltmx-sync:-1012/carrier"}},
	{name: "12 corroborated body with everlive: shape", line: `[Everlive] {"message":"Invalid access token.","errorCode":301}`, want: []string{"backend-services:301/shape"}},
	{name: "12 uncorroborated body with everlive: marker", line: `[Everlive] {"message":"Whatever","errorCode":301}`, want: []string{"backend-services:301/marker"}},
}

func TestDecisions(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, tc := range decisionCases {
		if seen[tc.name] {
			t.Fatalf("duplicate case %q", tc.name)
		}
		seen[tc.name] = true
		got := s8Format(accMatcher(t, tc.system).Match([]byte(tc.line)))
		want := tc.want
		if want == nil {
			want = []string{}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: system=%q\nline: %s\nwant: %v\ngot:  %v", tc.name, tc.system, tc.line, want, got)
		}
	}
}

// TestDecisionsSayWhy: errtag test gives each new decision's reason.
func TestDecisionsSayWhy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ line, want string }{
		{`E EFOTA: HTTP error code: 503`, `after "http": that is another kind of code (not_after)`},
		{`[drupal-sdk] curl error code: 7`, `after "curl": that is another kind of code`},
		{`E EFOTA: result code 1.2.3`, `the number goes on (a version, date, time or decimal)`},
		{`[drupal-sdk] GET /cb?code=201`, `it is a URL's query parameter`},
		{`[drupal-sdk] read TIMEOUT`, `name TIMEOUT is code 124, but it is not qualified`},
		{`{"kind":"Status","message":"pods \"drupal-x\" not found","code":404}`, `the line's drupal-sdk marker does not tie this object`},
		{`E EFOTA: Knox Guard lock failed`, `"knox" at 9 is part of "Knox Guard" (a marker exception)`},
		{`mail admin@drupal-shop.example code=550`, `"drupal" at 11 is in an e-mail address`},
		{`Jun 2 web drupal: https://x.example|1717315200|php|10.0.0.1|https://x.example/||0||code=1`, `skipped: the line matches its exclude_regex`},
		{`E EFOTA: drupal-sdk result code: -1402`, `another system, tied as strongly, has a more specific carrier here`},
		{`{"a":` + strings.Repeat(`{"a":`, 70) + `{"errorCode":-1012,"errorInfo":{}}` + strings.Repeat(`}`, 71), `nesting deeper than 64 levels`},
	} {
		tr := accMatcher(t, "").Trace([]byte(c.line))
		var all []string
		for _, e := range tr.Events {
			all = append(all, e.What)
		}
		for _, d := range tr.Dropped {
			all = append(all, d.What)
		}
		all = append(all, tr.NotMarkers...)
		if !strings.Contains(strings.Join(all, "\n"), c.want) {
			t.Errorf("line %s:\nwant a reason containing %s\ngot:\n  %s", c.line, c.want, strings.Join(all, "\n  "))
		}
	}
}

func TestInEmailAddress(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string // the word is between '[' and ']'
		want bool
	}{
		{"admin@[drupal]-shop.example", true},
		{"[knox]-ops@example.com", true},
		{"x [knox]@samsung.com y", true},
		{"mailto:ops.[efota]@corp.example.org.", true},
		{"[drupal]-sdk@2.1.0", false},          // a package version
		{"user@[drupal]", false},               // no dot in the domain
		{"user@[drupal].x", false},             // a one-letter last label
		{"a@b@[knox].com", false},              // two @
		{"[drupal] admin@shop.example", false}, // the marker is a word of its own
		{"@[knox].com", false},                 // no local part
	} {
		i := strings.IndexByte(c.text, '[')
		j := strings.IndexByte(c.text, ']')
		line := c.text[:i] + c.text[i+1:j] + c.text[j+1:]
		if got := inEmailAddress([]byte(line), i, j-1, nil); got != c.want {
			t.Errorf("%s: inEmailAddress = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestMarkerExceptionNeverTies: a property test. Each built-in marker
// exception, written with random case and separators, on a line that
// holds its system's carriers and no other marker, ties the line to no
// system.
func TestMarkerExceptionNeverTies(t *testing.T) {
	t.Parallel()
	m := accMatcher(t, "")
	set := accRules(t)
	carriers := map[string]string{
		"knox-efota": "result code: -1401 errorCode=-1405",
		"drupal-sdk": `code=101 {"code":124,"message":"x"}`,
	}
	seps := []string{" ", "", "_", "-", ".", "  "}
	checked := 0
	for sys, phrases := range set.MarkerExceptions {
		for k, p := range phrases {
			for variant := 0; variant < 6; variant++ {
				words := strings.Fields(p)
				for i, w := range words {
					switch (variant + i) % 3 {
					case 0:
						words[i] = strings.ToUpper(w[:1]) + w[1:]
					case 1:
						words[i] = strings.ToUpper(w)
					}
				}
				phrase := strings.Join(words, seps[(k+variant)%len(seps)])
				line := "2024-06-02 10:00:00 svc: " + phrase + " failed, " + carriers[sys]
				if tr := m.Trace([]byte(line)); len(tr.Marked) > 0 || len(tr.Annotations) > 0 {
					t.Errorf("%s exception %q as %q tied the line: %v %v\n%s", sys, p, phrase, tr.Marked, s8Format(tr.Annotations), line)
				}
				checked++
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d lines checked", checked)
	}
}

// accRules is the built-in rule set.
func accRules(t *testing.T) *rules.Set {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(cat, rules.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return set
}
