package matcher_test

import (
	"bytes"
	"reflect"
	"sync"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
	"github.com/tidwall/gjson"
)

// fuzzSystems are the --system choices FuzzMatch runs under: none, then each
// built-in system.
var fuzzSystems = []string{"", "voltmx-sync", "backend-services", "drupal-sdk", "wusp", "knox-efota"}

var (
	fuzzMatchersOnce sync.Once
	fuzzMatchers     []*matcher.Matcher
	fuzzMatchersErr  error
)

// fuzzMatcherFor returns the built-in matcher for --system fuzzSystems[i].
func fuzzMatcherFor(t testing.TB, i int) *matcher.Matcher {
	t.Helper()
	fuzzMatchersOnce.Do(func() {
		cat, err := catalog.Builtin()
		if err != nil {
			fuzzMatchersErr = err
			return
		}
		set, err := rules.Compile(cat, rules.Builtin())
		if err != nil {
			fuzzMatchersErr = err
			return
		}
		for _, sys := range fuzzSystems {
			m, err := matcher.New(set, cat, matcher.Options{System: sys})
			if err != nil {
				fuzzMatchersErr = err
				return
			}
			fuzzMatchers = append(fuzzMatchers, m)
		}
	})
	if fuzzMatchersErr != nil {
		t.Fatal(fuzzMatchersErr)
	}
	return fuzzMatchers[i]
}

// fuzzMatchSeeds are real error lines (from the log-format spec) and lines
// built to reach the matcher's corners: nested and escaped JSON, many
// braces, invalid UTF-8, codes at the very end of a line.
var fuzzMatchSeeds = []string{
	`{"ts":"2024-05-14T08:31:07.412Z","level":"error","app":"FieldOps","msg":"syncSession failed","err":{"errorCode":-1012,"errrorMessage":"Error code to indicate that the host is not available","errorInfo":{"status":0}}}`,
	`2024-05-14 08:31:07.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012 errorMessage="host not available"`,
	`05-14 08:31:09.002  4127  4190 E VoltMX  : VMXSync.onFailure errorCode: -1020 errorInfo={"objectService":"Orders"}`,
	`10.20.1.7 - - [14/May/2024:08:40:12 +0000] "GET /v1/Xk3pQ9rT2mWz/Books?take=50 HTTP/1.1" 403 52 "-" "okhttp/4.12.0" {"message":"Invalid access token.","errorCode":301}`,
	`{"time":"2024-05-14T08:40:15Z","response":{"status":400,"body":{"errorCode":107,"message":"The operation results in a duplicate key for a unique index."}}}`,
	`{"t":"2024-05-14T08:40:19Z","svc":"catalog-sync","upstream_status":500,"body":"{\"message\":\"An error occurred during execution of custom server code.\",\"errorCode\":901}"}`,
	`[drupal-sdk] 2024-05-14T09:02:11.870Z ERROR GET /jsonapi/node/article/9c1e failed {"code":101,"error":"Object not found."}`,
	`2024-05-14 09:02:12 web-7 storefront: DrupalError(209): Invalid session token`,
	`{"level":50,"time":1715677333012,"name":"drupal-sdk","err":{"code":"124","message":"Request timed out"}}`,
	`09:02:14.551 console.error Drupal.Error code=100 CONNECTION_FAILED (https://cms.example.org/jsonapi)`,
	"2024-05-14\t10:05:31:204\t 988\t1a3c\tPT\tWARNING:     ErrorCode:ConfigChanged(2)",
	`<detail><ErrorCode>ServerBusy</ErrorCode><Message>Retry later</Message></detail>`,
	`05-14 10:11:02.118  3021  3088 E EFOTA   : FotaDownloadTask: download failed resultCode=-1401`,
	`{"source":"knox-efota","deviceId":"R58N3ABCDEF","resultCode":"-2409"}`,
	`May 14 10:12:31 mdm-gw01 efota-agent[912]: install step 2 returned error code -1405`,
	`{"log":"E EFOTA: download failed resultCode=-1401\n","stream":"stderr"}`,
	`{"log":"{\"message\":\"x\",\"errorCode\":\"301\"}","s":"{\"errorCode\":7101,\"errorInfo\":{}}"}`,
	"E EFOTA: \xff\xfe resultCode=-1401",
	"knox resultCode=",
	"knox resultCode=99999999999999999999",
	`drupal {"code":1e400,"error":"x"}`,
	`drupal {"code":"-0","error":"x"} {"code":1,"message":"y"} {{{{{{{{{{{{{{{{{{{ code=5`,
	`[{"errorCode":1,"message":"a"},{"errorCode":2,"message":"b"},{"errorCode":1,"message":"c"}]`,
	`{"a":"{\"b\":\"{\\\"errorCode\\\":-1001,\\\"errorInfo\\\":1}\"}"}`,
	`{"message":"\u00ff\ud800","errorCode":"\u0033"}`,
	"voltmx errorCode=-1001 knox resultCode=-1001 drupal code=-1",
	"",
	"{",
	"\x00\x00errorcode\x00",
}

// FuzzMatch runs the built-in matcher, with and without --system, over any
// line. It must not panic; every annotation names a system and a code and
// points inside the line; annotations come in line order, one per (system,
// code); matching twice gives the same result; and a line that holds none
// of the prefilter's literals gets nothing.
func FuzzMatch(f *testing.F) {
	for i, s := range fuzzMatchSeeds {
		f.Add([]byte(s), uint8(i%len(fuzzSystems)))
	}
	f.Fuzz(func(t *testing.T, line []byte, sys uint8) {
		si := int(sys) % len(fuzzSystems)
		m := fuzzMatcherFor(t, si)
		orig := string(line)
		anns := m.Match(line)
		if string(line) != orig {
			t.Fatalf("Match changed its input: %q -> %q", orig, line)
		}
		if _, _, candidate := m.Candidates(line).Next(); !candidate && anns != nil {
			t.Fatalf("system %q: line %q has no prefilter literal but got %+v", fuzzSystems[si], line, anns)
		}
		seen := map[[2]string]bool{}
		prev := -1
		for i, a := range anns {
			if a.Entry.System == "" || a.Entry.Code == "" {
				t.Fatalf("system %q: line %q: annotation %d has empty system or code: %+v", fuzzSystems[si], line, i, a)
			}
			if a.Offset < 0 || a.Offset >= len(line) {
				t.Fatalf("system %q: line %q (len %d): annotation %d offset %d outside the line: %+v", fuzzSystems[si], line, len(line), i, a.Offset, a)
			}
			if a.Offset < prev {
				t.Fatalf("system %q: line %q: annotations out of line order: %+v", fuzzSystems[si], line, anns)
			}
			prev = a.Offset
			// A writer trusts JSONLine instead of validating the
			// line: it must say what gjson says.
			trimmed := bytes.TrimLeft(line, " \t\r")
			doc := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') && gjson.ValidBytes(trimmed)
			if a.JSONLine != doc {
				t.Fatalf("system %q: line %q: annotation %d has JSONLine %v, gjson.Valid says %v", fuzzSystems[si], line, i, a.JSONLine, doc)
			}
			key := [2]string{a.Entry.System, a.Entry.Code}
			if seen[key] {
				t.Fatalf("system %q: line %q: %s:%s annotated twice: %+v", fuzzSystems[si], line, key[0], key[1], anns)
			}
			seen[key] = true
			if a.Known && a.Entry.Name == "" {
				t.Fatalf("system %q: line %q: known annotation without a catalog name: %+v", fuzzSystems[si], line, a)
			}
		}
		again := m.Match(line)
		if !reflect.DeepEqual(anns, again) {
			t.Fatalf("system %q: line %q: matching is not deterministic:\n first %+v\nsecond %+v", fuzzSystems[si], line, anns, again)
		}
	})
}
