package matcher

// TestAccuracy is an adversarial accuracy test written from the log-format
// spec (the log-format contract the rules follow), not from the implementation. Each case
// gives the line, the --system option and the expected annotations in order,
// as "system:code"; a trailing "?" means the code must be reported with
// known=false. Optional names/alts check the chosen catalog row (Entry.Name)
// and the number of Alternatives per annotation.

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/rules"
)

type accCase struct {
	name   string
	system string   // Options.System ("" = none)
	line   string   // one log line without its terminator
	want   []string // "system:code", suffix "?" = known=false
	names  []string // optional: Entry.Name per annotation ("" = don't check)
	alts   []int    // optional: len(Alternatives) per annotation (-1 = don't check)
}

var (
	accMu       sync.Mutex
	accMatchers = map[string]*Matcher{}
)

func accMatcher(t *testing.T, system string) *Matcher {
	t.Helper()
	accMu.Lock()
	defer accMu.Unlock()
	if m, ok := accMatchers[system]; ok {
		return m
	}
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatalf("catalog.Builtin: %v", err)
	}
	set, err := rules.Compile(cat, rules.Builtin())
	if err != nil {
		t.Fatalf("rules.Compile: %v", err)
	}
	m, err := New(set, cat, Options{System: system})
	if err != nil {
		t.Fatalf("New(system=%q): %v", system, err)
	}
	accMatchers[system] = m
	return m
}

func accFormat(as []Annotation) []string {
	out := []string{}
	for _, a := range as {
		s := a.Entry.System + ":" + a.Entry.Code
		if !a.Known {
			s += "?"
		}
		out = append(out, s)
	}
	return out
}

// A WindowsUpdate.log line: date, time, pid, tid, component, text (tab separated).
func wu(text string) string {
	return "2024-05-14\t11:42:07:518\t1204\t2f8c\tPT\t" + text
}

var accCases = []accCase{
	// ---------------------------------------------------------------- voltmx-sync
	{name: "vmx/keyset errrorMessage nested pino, key order reversed",
		line: `{"ts":"2024-05-14T08:45:00.002Z","level":50,"app":"Retail","ctx":{"session":{"id":"s-81"},"failure":{"errrorMessage":"Invalid parameter","errorCode":-1014}}}`,
		want: []string{"voltmx-sync:-1014"}, names: []string{"ERROR_INVALID_PARAMETER"}},
	{name: "vmx/keyset errorInfo only, integer string",
		line: `{"level":"error","sync":{"result":{"errorInfo":{"table":"Orders"},"errorCode":"-1025"}}}`,
		want: []string{"voltmx-sync:-1025"}},
	{name: "vmx/keyset errrorMessage and errorMessage both, RFC5424 prefix",
		line: `<131>1 2024-05-14T08:45:30.118Z kiosk-07 retail-app 4021 - - sync error {"errorCode":-1017,"errrorMessage":"no configuration","errorMessage":"no configuration","errorInfo":null}`,
		want: []string{"voltmx-sync:-1017"}},
	{name: "vmx/marker VMXSync logback errorCode=",
		line: `2024-05-14 08:46:12.330 [sync-worker-2] ERROR c.h.f.SyncManager - VMXSync download failed errorCode=-1009 errorMessage="encryption handshake failed"`,
		want: []string{"voltmx-sync:-1009"}},
	{name: "vmx/marker VOLTMX upper case logcat errorCode:",
		line: `05-14 08:47:01.551  5120  5160 E VOLTMX  : onSyncError errorCode: -1021`,
		want: []string{"voltmx-sync:-1021"}},
	{name: "vmx/marker 'Volt MX' syslog, 7101",
		line: `May 14 08:48:22 kiosk-12 retail-app[4021]: Volt MX sync: startSession error, errorCode: 7101 (Missing attributes for Sky)`,
		want: []string{"voltmx-sync:7101"}, names: []string{"MISSING ATTRIBUTES FOR SKY"}},
	{name: "vmx/marker 'volt mx' lower case",
		line: `2024-05-14T08:48:40Z pos-3 app[88]: volt mx orm rollback errorCode=-1026`,
		want: []string{"voltmx-sync:-1026"}},
	{name: "vmx/marker vmxsync lower case",
		line: `[vmxsync] 08:48:59 reset requested, errorCode=-1022`,
		want: []string{"voltmx-sync:-1022"}},
	{name: "vmx/marker + JSON key errorCode with errorMessage, journald",
		line: `2024-05-14T08:49:03+0000 kiosk-12 node[771]: [voltmx] ORM create failed {"errorCode":-1008,"errorMessage":"duplicate item","status":409}`,
		want: []string{"voltmx-sync:-1008"}},
	{name: "vmx/marker + JSON errorCode integer string",
		line: `I/VoltMX  ( 5120): sync done with {"errorCode":"7101","errorMessage":"Missing attributes for Sky"}`,
		want: []string{"voltmx-sync:7101"}},
	{name: "vmx/intermediate errors in errorInfo, dedupe",
		line: `{"msg":"sync failed","err":{"errorCode":-1001,"errrorMessage":"General failure","errorInfo":{"intermediateErrors":[{"errorCode":-1012,"errrorMessage":"host not available"},{"errorCode":-1024,"errrorMessage":"retry"},{"errorCode":-1012,"errrorMessage":"host not available"}]}}}`,
		want: []string{"voltmx-sync:-1001", "voltmx-sync:-1012", "voltmx-sync:-1024"}},
	{name: "vmx/array of failures",
		line: `{"failures":[{"errorCode":-1008,"errorInfo":{"table":"Orders"}},{"errorCode":-1025,"errorInfo":{"table":"Lines"}}],"host":"fo-and-3"}`,
		want: []string{"voltmx-sync:-1008", "voltmx-sync:-1025"}},
	{name: "vmx/escaped JSON in string value",
		line: `{"time":"2024-05-14T08:49:30Z","msg":"ORM callback","err":"{\"errorCode\":-1019,\"errrorMessage\":\"Not identified\",\"errorInfo\":{}}"}`,
		want: []string{"voltmx-sync:-1019"}},
	{name: "vmx/docker wrapper around console line",
		line: `{"log":"2024-05-14 08:50:01.100 ERROR [VMXSync] upload failed errorCode=-1012 errorMessage=\"host not available\"\n","stream":"stderr","time":"2024-05-14T08:50:01.100213Z"}`,
		want: []string{"voltmx-sync:-1012"}},
	{name: "vmx/same code twice on line -> one",
		line: `VMXSync retry 1 errorCode=-1024; retry 2 errorCode=-1024`,
		want: []string{"voltmx-sync:-1024"}},
	{name: "vmx/unknown code with marker",
		line: `2024-05-14 08:51:00 ERROR [VMXSync] unexpected errorCode=-1099`,
		want: []string{"voltmx-sync:-1099?"}},
	{name: "vmx/unknown code via key set",
		line: `{"err":{"errorCode":4040,"errrorMessage":"custom failure"}}`,
		want: []string{"voltmx-sync:4040?"}},
	{name: "vmx/neg errorCode+errorMessage without marker",
		line: `{"level":"error","msg":"payment failed","err":{"errorCode":-1012,"errorMessage":"host not available"}}`,
		want: nil},
	{name: "vmx/neg errrorMessage in a different object",
		line: `{"errorCode":-1012,"meta":{"errrorMessage":"host not available"}}`,
		want: nil},
	{name: "vmx/neg bare errorCode=-1001",
		line: `2024-05-14 08:52:10 WARN [payments] gateway errorCode=-1001 retrying`,
		want: nil},
	{name: "vmx/neg marker, no carrier: status, duration, pid, port",
		line: `2024-05-14 08:52:30 INFO [VMXSync] POST /sync/upload -> 503 in 1001ms (pid 4127, port 8443)`,
		want: nil},
	{name: "vmx/neg marker with a Drupal-style code= is not a voltmx carrier",
		line: `VMXSync bridge: upstream code=-1012`,
		want: nil},

	// ---------------------------------------------------------------- backend-services
	{name: "bs/nginx access log ending in body, id in URL",
		line: `10.20.4.19 - - [14/May/2024:08:55:02 +0000] "GET /v1/Xk3pQ9rT2mWz/Books/201 HTTP/1.1" 404 49 "-" "Dalvik/2.1.0" {"message":"Item not found.","errorCode":801}`,
		want: []string{"backend-services:801"}},
	{name: "bs/bunyan nested payload, integer string",
		line: `{"name":"bs-gateway","hostname":"gw-3","pid":3121,"level":40,"res":{"statusCode":401,"payload":{"error":{"errorCode":"302","message":"Your access token has expired."}}},"msg":"request failed","time":"2024-05-14T08:52:10.120Z","v":0}`,
		want: []string{"backend-services:302"}},
	{name: "bs/spacing around keys, 600 with HTTP 404",
		line: `2024-05-14T08:53:00Z client[88]: PUT /v1/app/Products/7f1c -> 404 { "errorCode" : 600 , "message" : "Not found." }`,
		want: []string{"backend-services:600"}},
	{name: "bs/docker wrapper escaped body",
		line: `{"log":"POST /v1/app/Users 400 {\"message\":\"Invalid username or password.\",\"errorCode\":205}\n","stream":"stdout","time":"2024-05-14T08:53:30.000Z"}`,
		want: []string{"backend-services:205"}},
	{name: "bs/docker wrapper around JSON log with escaped body (double escape)",
		line: `{"log":"{\"svc\":\"bs-sync\",\"upstream_status\":500,\"body\":\"{\\\"message\\\":\\\"The specified content type was not found.\\\",\\\"errorCode\\\":611}\"}\n","stream":"stderr","time":"2024-05-14T08:54:00Z"}`,
		want: []string{"backend-services:611"}},
	{name: "bs/msg string with log text and JSON",
		line: `{"level":"warn","msg":"upstream replied 401 {\"message\":\"your access token has expired\",\"errorCode\":302}","ts":1715676840}`,
		want: []string{"backend-services:302"}},
	{name: "bs/array of results, dedupe",
		line: `{"batch":"b-19","results":[{"id":"a1","status":404,"error":{"message":"Item not found.","errorCode":801}},{"id":"a2","status":200},{"id":"a3","status":500,"error":{"message":"Error processing email template: missing placeholder {{name}}","errorCode":1000}},{"id":"a4","error":{"message":"Item not found.","errorCode":801}}]}`,
		want: []string{"backend-services:801", "backend-services:1000"}},
	{name: "bs/log4j client line code 1",
		line: `2024-05-14 08:56:40,010 ERROR [bs-client] GET /v1/app/Orders -> 500 {"message":"Unexpected error.","errorCode":1}`,
		want: []string{"backend-services:1"}},
	{name: "bs/107 duplicate key row",
		line: `2024-05-14 08:57:01,441 WARN  [bs-client] POST /v1/app/Products -> 400 {"message":"The operation results in a duplicate key for a unique index.","errorCode":107}`,
		want: []string{"backend-services:107"}, names: []string{"DUPLICATE_UNIQUE_KEY"}, alts: []int{0}},
	{name: "bs/107 duplicate field values row, other field/type names",
		line: `{"time":"2024-05-14T08:57:20Z","response":{"status":400,"body":{"errorCode":107,"message":"Duplicate values already exist for field Isbn of content type \"Books\"."}}}`,
		want: []string{"backend-services:107"}, names: []string{"DUPLICATE_FIELD_VALUES"}, alts: []int{0}},
	{name: "bs/107 general row picked by message",
		line: `10.0.3.3 - - [14/May/2024:08:57:40 +0000] "POST /v1/app/Invoices HTTP/1.1" 500 96 "-" "curl/8.5.0" {"message":"General database error. Cannot insert NULL into column Total.","errorCode":107}`,
		want: []string{"backend-services:107"}, names: []string{"GENERAL_DATABASE_ERROR"}, alts: []int{0}},
	{name: "bs/107 other message, everlive marker -> general row with alternatives",
		line: `2024-05-14 08:58:00,002 ERROR [everlive] PUT https://api.everlive.com/v1/app/Invoices/55 -> 500 {"message":"Database is in read-only mode.","errorCode":107}`,
		want: []string{"backend-services:107"}, names: []string{"GENERAL_DATABASE_ERROR"}, alts: []int{2}},
	{name: "bs/neg 107 other message, no marker (section 8)",
		line: `2024-05-14 08:58:00,002 ERROR [bs-client] PUT /v1/app/Invoices/55 -> 500 {"message":"Database is in read-only mode.","errorCode":107}`,
		want: nil},
	{name: "bs/107 duplicate key in escaped body",
		line: `{"t":"2024-05-14T08:58:20Z","svc":"importer","upstream_status":400,"body":"{\"errorCode\":107,\"message\":\"The operation results in a duplicate key for a unique index.\"}"}`,
		want: []string{"backend-services:107"}, names: []string{"DUPLICATE_UNIQUE_KEY"}},
	{name: "bs/unknown code, everlive marker",
		line: `2024-05-14 08:58:40,900 WARN  [bs-client] POST https://api.everlive.com/v1/app/Files -> 413 {"message":"Payload too large.","errorCode":999}`,
		want: []string{"backend-services:999?"}},
	{name: "bs/neg unknown code, no marker (section 8)",
		line: `2024-05-14 08:58:40,900 WARN  [bs-client] POST /v1/app/Files -> 413 {"message":"Payload too large.","errorCode":999}`,
		want: nil},
	{name: "bs/neg message is not a string",
		line: `{"response":{"status":401,"body":{"errorCode":301,"message":null}}}`,
		want: nil},
	{name: "bs/neg errorCode not an integer",
		line: `{"response":{"status":504,"body":{"message":"upstream timeout","errorCode":"E_TIMEOUT"}}}`,
		want: nil},
	{name: "bs/neg message in a different object",
		line: `{"errorCode":301,"detail":{"message":"Invalid access token."}}`,
		want: nil},
	{name: "bs/neg code+message (not errorCode) without drupal",
		line: `{"level":"error","error":{"code":101,"message":"Object not found"}}`,
		want: nil},
	{name: "bs/errrorMessage makes it voltmx, not backend",
		line: `{"err":{"errorCode":-1012,"message":"host not available","errrorMessage":"host not available"}}`,
		want: []string{"voltmx-sync:-1012"}},
	{name: "bs/backend JSON on knox line -> knox rules",
		line: `2024-05-14 09:00:11,320 ERROR [efota-portal] POST /custom/hooks/notify -> 500 {"message":"Custom code timed out.","errorCode":902}`,
		want: []string{"knox-efota:902"}, names: []string{"DOWNLOAD_FILE_REJECTED"}},
	{name: "bs/backend JSON on drupal line -> drupal rules (errorCode is no drupal carrier)",
		line: `[drupal-sdk] 2024-05-14T09:00:30.000Z WARN proxied login failed {"message":"Invalid verification code.","errorCode":209}`,
		want: nil},
	{name: "bs/backend JSON on voltmx line -> voltmx rules",
		line: `2024-05-14 09:00:45.101 ERROR [VMXSync] identity call returned {"message":"host not available","errorCode":-1012}`,
		want: []string{"voltmx-sync:-1012"}},

	// ---------------------------------------------------------------- drupal-sdk
	{name: "dr/JSON code+error, key order reversed",
		line: `[drupal-sdk] 2024-05-14T09:10:01.001Z WARN GET /jsonapi/node/page/77aa failed {"error":"Object not found.","code":101}`,
		want: []string{"drupal-sdk:101"}, names: []string{"OBJECT_NOT_FOUND"}},
	{name: "dr/pino logger named drupal, code+message, statusCode ignored",
		line: `{"level":50,"time":1715678000000,"name":"drupal","msg":"save failed","err":{"message":"Invalid session token","code":209,"statusCode":403}}`,
		want: []string{"drupal-sdk:209"}, names: []string{"INVALID_SESSION_TOKEN"}},
	{name: "dr/pino code integer string",
		line: `{"level":50,"time":1715678001000,"name":"drupal-sdk","err":{"code":"142","message":"Validation failed: title is required"}}`,
		want: []string{"drupal-sdk:142"}},
	{name: "dr/REST body nested with error key",
		line: `{"name":"drupal-sdk","res":{"status":400,"body":{"code":142,"error":"Title is required"}}}`,
		want: []string{"drupal-sdk:142"}},
	{name: "dr/DrupalError(N) syslog",
		line: `May 14 09:11:02 web-3 storefront[2210]: DrupalError(141): Script failed`,
		want: []string{"drupal-sdk:141"}},
	{name: "dr/Drupal.Error(N)",
		line: `2024-05-14 09:11:20.004 [main] ERROR app.cms - Drupal.Error(124) while fetching menu`,
		want: []string{"drupal-sdk:124"}},
	{name: "dr/DrupalError(-1)",
		line: `09:11:40.100 console.warn DrupalError(-1): unknown failure`,
		want: []string{"drupal-sdk:-1"}, names: []string{"UNDEFINED"}},
	{name: "dr/constant Drupal.Error.NAME",
		line: `2024-05-14 09:12:00 storefront[2210]: Drupal.Error.OBJECT_NOT_FOUND while loading /node/9c1e`,
		want: []string{"drupal-sdk:101"}},
	// A constant ties a code only when the SDK's error class qualifies it,
	// or with a number carrier of the same code.
	{name: "dr/constant X_DOMAIN_REQUEST unqualified",
		line: `[drupal-sdk] fetch blocked: X_DOMAIN_REQUEST from https://shop.example.com`,
		want: nil},
	{name: "dr/constant Drupal.Error.X_DOMAIN_REQUEST",
		line: `[drupal-sdk] fetch blocked: Drupal.Error.X_DOMAIN_REQUEST from https://shop.example.com`,
		want: []string{"drupal-sdk:602"}},
	{name: "dr/number and constant same error -> one",
		line: `2024-05-14 09:12:30 web-7 storefront: DrupalError(209) INVALID_SESSION_TOKEN, logging out`,
		want: []string{"drupal-sdk:209"}},
	{name: "dr/code= and constant same error -> one",
		line: `09:12:44.551 console.error drupal code=100 CONNECTION_FAILED (https://cms.example.org/jsonapi)`,
		want: []string{"drupal-sdk:100"}},
	{name: "dr/text code: N",
		line: `2024-05-14T09:13:00Z cms-client[61]: Drupal upload failed code: 130 (file save error)`,
		want: []string{"drupal-sdk:130"}},
	{name: "dr/marker DRUPAL upper case, code=",
		line: `DRUPAL client: throttled code=155 retry-after=30`,
		want: []string{"drupal-sdk:155"}},
	{name: "dr/marker only in URL host",
		line: `2024-05-14 09:13:30 WARN [http] https://cms-drupal.example.org/jsonapi/node failed code=101`,
		want: []string{"drupal-sdk:101"}},
	{name: "dr/two distinct codes in order",
		line: `drupal-sdk batch: DrupalError(209) on /user/login, then code=101 on /node/9c1e`,
		want: []string{"drupal-sdk:209", "drupal-sdk:101"}},
	{name: "dr/docker wrapped drupal JSON",
		line: `{"log":"[drupal-sdk] 2024-05-14T09:14:00.000Z ERROR GET /jsonapi/node/article/9c1e failed {\"code\":101,\"error\":\"Object not found.\"}\n","stream":"stderr","time":"2024-05-14T09:14:00.001Z"}`,
		want: []string{"drupal-sdk:101"}},
	{name: "dr/marker in docker wrapper field, carrier in log",
		line: `{"log":"GET /jsonapi/node/article/9c1e failed code=101\n","stream":"stderr","attrs":{"tag":"drupal-sdk"},"time":"2024-05-14T09:14:10Z"}`,
		want: []string{"drupal-sdk:101"}},
	{name: "dr/unknown 603 never borrowed from backend",
		line: `[drupal-sdk] 2024-05-14T09:14:30.000Z ERROR POST /jsonapi/node/article {"code":603,"message":"Access denied"}`,
		want: []string{"drupal-sdk:603?"}},
	{name: "dr/unknown via DrupalError(999)",
		line: `storefront: DrupalError(999): teapot`,
		want: []string{"drupal-sdk:999?"}},
	{name: "dr/neg constant lower case",
		line: `drupal: object_not_found for node 9c1e`,
		want: nil},
	{name: "dr/neg constant not a whole word",
		line: `drupal: MY_OBJECT_NOT_FOUND_HANDLER invoked`,
		want: nil},
	{name: "dr/neg another catalog's constant",
		line: `drupal-sdk: bridge reported INVALID_ACCESS_TOKEN`,
		want: nil},
	{name: "dr/neg statusCode exitCode http_code errcode",
		line: `drupal-sync job finished statusCode=404 exitCode=1 http_code=502 errcode=101`,
		want: nil},
	{name: "dr/neg Java line number",
		line: "\tat org.drupal.client.DrupalClient.fetch(DrupalClient.java:107)",
		want: nil},
	{name: "dr/neg id in URL, status, duration",
		line: `drupal GET /jsonapi/node/article/209 -> 404 in 101ms`,
		want: nil},
	{name: "dr/neg JSON code without error/message string",
		line: `[drupal-sdk] unexpected reply {"code":101,"status":404}`,
		want: nil},
	{name: "dr/neg code+message no marker",
		line: `{"code":101,"message":"Object not found."}`,
		want: nil},
	{name: "dr/neg code=N no marker",
		line: `2024-05-14 09:15:00 WARN [auth] login failed code=209`,
		want: nil},

	// ---------------------------------------------------------------- wusp
	{name: "wusp/block SOAP Fault line", line: wu(`WARNING: SOAP Fault: 0x000190`), want: nil},
	{name: "wusp/block faultstring line", line: wu(`WARNING:     faultstring:Fault occurred`), want: nil},
	{name: "wusp/block ErrorCode line", line: wu(`WARNING:     ErrorCode:CookieExpired(5)`),
		want: []string{"wusp:CookieExpired"}},
	{name: "wusp/block Message line", line: wu(`WARNING:     Message:Cookie expired`), want: nil},
	{name: "wusp/block Method line", line: wu(`WARNING:     Method:"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates"`), want: nil},
	{name: "wusp/block ID line", line: wu(`WARNING:     ID:a41c2b9e-77f0-4d2a-8f1e-0c3b5d6e7f80`), want: nil},
	{name: "wusp/failure summary with soap error code",
		line: wu(`WARNING: SyncUpdates failure, error = 0x8024400E, soap client error = 7, soap error code = 400, HTTP status code = 200`),
		want: nil},
	{name: "wusp/ErrorCode without (N)", line: wu(`WARNING:     ErrorCode:ServerBusy`),
		want: []string{"wusp:ServerBusy"}},
	{name: "wusp/ErrorCode InvalidAuthorizationCookie(8)", line: wu(`WARNING:     ErrorCode:InvalidAuthorizationCookie(8)`),
		want: []string{"wusp:InvalidAuthorizationCookie"}},
	{name: "wusp/syslog forwarded",
		line: `May 14 11:43:10 wsus-relay wuauclt[988]: WARNING:     ErrorCode:RegistrationRequired(3)`,
		want: []string{"wusp:RegistrationRequired"}},
	{name: "wusp/docker wrapped with escaped tabs",
		line: `{"log":"2024-05-14\t11:43:20:001\t 988\t1a3c\tPT\tWARNING:     ErrorCode:ServerChanged(4)\n","stream":"stdout","time":"2024-05-14T11:43:20.002Z"}`,
		want: []string{"wusp:ServerChanged"}},
	{name: "wusp/XML detail one line",
		line: `<detail><ErrorCode>InvalidParameters</ErrorCode><Message>parameter 'cookie' is null</Message><ID>0c9d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f</ID><Method>http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig</Method></detail>`,
		want: []string{"wusp:InvalidParameters"}},
	{name: "wusp/whole envelope on one line, with HTTP 500 prefix",
		line: `2024-05-14 11:44:00 DEBUG wsus-proxy resp 500 <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring xml:lang="en-US">Fault occurred</faultstring><detail><ErrorCode>FileLocationChanged</ErrorCode><Message>moved</Message><ID>5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9</ID><Method>http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetFileLocations</Method></detail></s:Fault></s:Body></s:Envelope>`,
		want: []string{"wusp:FileLocationChanged"}},
	{name: "wusp/unknown name in WARNING carrier", line: wu(`WARNING:     ErrorCode:QuotaExceeded(12)`),
		want: []string{"wusp:QuotaExceeded?"}},
	{name: "wusp/unknown name in XML carrier, Windows Update context",
		line: `<detail><ErrorCode>Throttled</ErrorCode><Message>slow down</Message><Method>http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates</Method></detail>`,
		want: []string{"wusp:Throttled?"}},
	{name: "wusp/neg unknown name in XML carrier, no context (section 8)",
		line: `<detail><ErrorCode>Throttled</ErrorCode><Message>slow down</Message></detail>`,
		want: nil},
	{name: "wusp/neg ErrorCode: AuthorizationFailure from another SDK",
		line: `2024-05-14 11:45:00,118 WARN  [azure-blob] Request failed. Status: 403, ErrorCode: AuthorizationFailure, RequestId: 7d1f`,
		want: nil},
	{name: "wusp/neg x-ms-error-code header",
		line: `x-ms-error-code: AuthorizationFailure`,
		want: nil},

	// ---------------------------------------------------------------- knox-efota
	{name: "knox/logcat EFOTA resultCode=",
		line: `05-14 10:22:41.907  3021  3095 E EFOTA   : InstallTask: verification failed resultCode=-1476`,
		want: []string{"knox-efota:-1476"}},
	{name: "knox/portal log4j 'result code: N'",
		line: `2024-05-14 10:23:02,118 ERROR [efota-portal] campaign CMP-3310 device R5CT20XYZ12 result code: -7005 (Rejected by user during download)`,
		want: []string{"knox-efota:-7005"}},
	{name: "knox/RFC5424 '(result code N)'",
		line: `<14>1 2024-05-14T10:25:00.000Z efota-gw01 efota-agent 1187 - - device=R58N3ABCDEF op=install (result code -2410)`,
		want: []string{"knox-efota:-2410"}},
	{name: "knox/export RESULT_CODE upper case, host knox",
		line: `2024-05-14T10:25:13Z knox-portal-worker[77]: export row deviceId=R58N3ABCDEF;model=SM-A536B;status=FAILED;RESULT_CODE=-1463`,
		want: []string{"knox-efota:-1463"}},
	{name: "knox/'Error Code: N'",
		line: `2024-05-14 10:25:40 INFO  [E-FOTA] device R58N3ABCDEF locked, Error Code: -7008`,
		want: []string{"knox-efota:-7008"}},
	{name: "knox/ErrorCode= any case",
		line: `05-14 10:25:55.001  3021  3088 W EFOTA   : FumoHandler ErrorCode=-2402`,
		want: []string{"knox-efota:-2402"}},
	{name: "knox/'error code N' space",
		line: `May 14 10:26:10 mdm-gw01 efota-agent[912]: verify step returned error code -1407`,
		want: []string{"knox-efota:-1407"}},
	{name: "knox/JSON result_code number, service field",
		line: `{"service":"knox-efota","deviceId":"R58N3ABCDEF","op":"download","result_code":-1449}`,
		want: []string{"knox-efota:-1449"}},
	{name: "knox/JSON resultCode string, nested",
		line: `{"source":"portal","exportedAt":"2024-05-14T10:27:00Z","meta":{"svc":"knox-efota"},"device":{"id":"R58N3ABCDEF","last":{"resultCode":"-2501"}}}`,
		want: []string{"knox-efota:-2501"}},
	{name: "knox/package name marker",
		line: `05-14 10:27:30.220  3021  3088 E com.samsung.android.knox.efota: OmaDmSession closed, errorCode: -2407`,
		want: []string{"knox-efota:-2407"}},
	{name: "knox/similar texts are different codes (array)",
		line: `{"service":"knox-efota","device":{"imei":"35xxxxxxxxxxxx1","results":[{"op":"download","resultCode":-1450},{"op":"install","resultCode":"-453"},{"op":"install","resultCode":-1453},{"op":"notify","resultCode":-6408},{"op":"notify","resultCode":-450}]}}`,
		want: []string{"knox-efota:-1450", "knox-efota:-453", "knox-efota:-1453", "knox-efota:-6408", "knox-efota:-450"}},
	{name: "knox/902 and -1401 different codes",
		line: `May 14 10:28:19 mdm-gw02 efota-agent[1187]: step download returned error code 902, step prompt returned error code -1401`,
		want: []string{"knox-efota:902", "knox-efota:-1401"}, names: []string{"DOWNLOAD_FILE_REJECTED", "DOWNLOAD_REJECTED_BY_USER"}},
	{name: "knox/code 0 one entry",
		line: `2024-05-14 10:28:40,000 INFO  [efota-portal] device R58N3ABCDEF campaign=CMP-2291 status=DONE resultCode=0`,
		want: []string{"knox-efota:0"}, names: []string{"SUCCESS"}, alts: []int{0}},
	{name: "knox/marker in docker wrapper field, carrier in log",
		line: `{"log":"install failed resultCode=-1404\n","stream":"stderr","attrs":{"tag":"efota-agent"},"time":"2024-05-14T10:29:00Z"}`,
		want: []string{"knox-efota:-1404"}},
	{name: "knox/HTTP 503 status ignored, resultCode counted",
		line: `2024-05-14 10:29:20,500 WARN  [efota-portal] GET https://eu-api.samsungknox.com/efota/v1/devices/R58N3ABCDEF -> 503, device resultCode=-1501`,
		want: []string{"knox-efota:-1501"}},
	{name: "knox/unknown code",
		line: `05-14 10:29:40.000  3021  3088 E EFOTA   : unexpected resultCode=-9999`,
		want: []string{"knox-efota:-9999?"}},
	{name: "knox/unknown 1000 never borrowed from backend",
		line: `2024-05-14 10:29:50,000 ERROR [efota-portal] sync failed errorCode: 1000`,
		want: []string{"knox-efota:1000?"}},
	{name: "knox/neg portal HTTP 503 only",
		line: `2024-05-14 10:30:00,001 WARN  [efota-portal] GET https://eu-api.samsungknox.com/efota/v1/devices?page=2 503 1204ms`,
		want: nil},
	{name: "knox/neg status code 503 is not result code",
		line: `efota-portal upstream fota.samsungknox.com replied with status code 503`,
		want: nil},
	{name: "knox/neg ActivityManager resultCode=-1 no marker",
		line: `05-14 10:30:01.001  1023  1188 I ActivityManager: Activity result for ActivityRecord{a1b2c3 u0 com.example.app/.MainActivity t42} resultCode=-1`,
		want: nil},
	{name: "knox/neg ActivityManager resultCode=-1 naming knox package",
		line: `05-14 10:30:02.551  1023  1188 I ActivityManager: Delivering result to ActivityRecord{9f3e u0 com.samsung.android.knox.efota/.ui.ConsentActivity t17}: resultCode=-1`,
		want: nil},
	{name: "knox/neg resultCode with -1401 but no marker",
		line: `05-14 10:30:10.118  3021  3088 E FotaClient: download failed resultCode=-1401`,
		want: nil},
	{name: "knox/neg error code with no marker",
		line: `May 14 10:30:20 mdm-gw01 install-agent[912]: install step 2 returned error code -1405`,
		want: nil},
	{name: "knox/neg ports, durations, sizes, pid",
		line: `May 14 10:31:00 mdm-gw01 efota-agent[912]: connected to dl.samsungknox.com:443 in 951 ms, downloaded 902 MB`,
		want: nil},
	{name: "knox/neg version and pid",
		line: `efota client version 24.05.1405 started pid=1401`,
		want: nil},
	// A Volt MX error object ties the line to Volt MX: its intermediate
	// errors (in errorInfo) count too (logformats.md sections 1 and 2).
	{name: "voltmx/intermediate errors in errorInfo",
		line: `{"level":"error","err":{"errorCode":-1001,"errrorMessage":"General failure","errorInfo":{"intermediateErrors":[{"errorCode":-1008,"errorMessage":"duplicate item"},{"errorCode":-1012}]}}}`,
		want: []string{"voltmx-sync:-1001", "voltmx-sync:-1008", "voltmx-sync:-1012"}},
	{name: "voltmx/neg the same inner errors without the Volt MX object",
		line: `{"level":"error","err":{"intermediateErrors":[{"errorCode":-1008,"errorMessage":"duplicate item"},{"errorCode":-1012}]}}`,
		want: nil},
	// Carrier keys in any case, with _ or a space (logformats.md section 6).
	{name: "knox/JSON key in lower case",
		line: `{"service":"knox-efota","resultcode":-1401}`,
		want: []string{"knox-efota:-1401"}},
	{name: "knox/JSON key in upper snake case",
		line: `{"source":"knox-efota","RESULT_CODE":"-2409"}`,
		want: []string{"knox-efota:-2409"}},
	{name: "knox/JSON key with a space",
		line: `{"source":"knox-efota","device":"R58N3ABCDEF","result code":-7004}`,
		want: []string{"knox-efota:-7004"}},
	{name: "knox/JSON key error-code, nested",
		line: `{"service":"efota-portal","device":{"job":{"Error-Code":"901"}}}`,
		want: []string{"knox-efota:901"}},
	{name: "knox/neg JSON key statusCode is no carrier",
		line: `{"service":"knox-efota","statusCode":503}`,
		want: nil},
	{name: "knox/neg resultCode non-numeric",
		line: `05-14 10:31:20.000  3021  3088 I EFOTA   : ReportTask resultCode=PENDING`,
		want: nil},
	{name: "knox/neg exitCode on knox line",
		line: `May 14 10:31:40 mdm-gw01 efota-agent[912]: helper exited exitCode=1`,
		want: nil},

	// ---------------------------------------------------------------- generic negatives (no cue)
	{name: "neg/nginx access log",
		line: `172.16.0.4 - - [14/May/2024:10:40:00 +0000] "GET /api/v1/items/201?limit=960 HTTP/1.1" 404 153 "-" "Mozilla/5.0" rt=0.107`,
		want: nil},
	{name: "neg/SQL Error: 1062",
		line: `2024-05-14 10:40:10,225 WARN  [main] o.h.e.j.s.SqlExceptionHelper - SQL Error: 1062, SQLState: 23000`,
		want: nil},
	{name: "neg/SQLCODE=-204",
		line: `DB2 SQL Error: SQLCODE=-204, SQLSTATE=42704, SQLERRMC=APP.ORDERS, DRIVER=4.28.11`,
		want: nil},
	{name: "neg/gRPC code",
		line: `2024-05-14T10:40:30Z api[55]: rpc error: code = Unavailable desc = connection refused (grpc-status 14)`,
		want: nil},
	{name: "neg/errno",
		line: `2024/05/14 10:40:40 [error] 31#31: *107 connect() failed (111: Connection refused) while connecting to upstream`,
		want: nil},
	{name: "neg/Java stack line",
		line: "\tat com.example.orders.OrderService.save(OrderService.java:107)",
		want: nil},
	{name: "neg/exitCode=1",
		line: `2024-05-14T10:41:00Z runner[71]: job build-201 finished exitCode=1 duration=960ms`,
		want: nil},
	{name: "neg/bare resultCode: 960",
		line: `2024-05-14 10:41:10 INFO [jobs] resultCode: 960`,
		want: nil},
	{name: "neg/bare code=201",
		line: `2024-05-14 10:41:20 WARN [auth] register rejected code=201`,
		want: nil},
	{name: "neg/statusCode and http_code",
		line: `{"level":"info","statusCode":600,"http_code":503,"latency_ms":902}`,
		want: nil},
	{name: "neg/k8s event exit code",
		line: `{"kind":"Event","reason":"BackOff","message":"Back-off restarting failed container, exit code 137","count":107}`,
		want: nil},

	// ---------------------------------------------------------------- --system NAME
	{name: "sys/voltmx bare errorCode=-1001", system: "voltmx-sync",
		line: `2024-05-14 08:31:07 ERROR sync failed errorCode=-1001`,
		want: []string{"voltmx-sync:-1001"}},
	{name: "sys/knox bare errorCode=-1001", system: "knox-efota",
		line: `2024-05-14 08:31:07 ERROR sync failed errorCode=-1001`,
		want: []string{"knox-efota:-1001"}},
	{name: "sys/knox bare resultCode: 960", system: "knox-efota",
		line: `2024-05-14 10:41:10 INFO [jobs] resultCode: 960`,
		want: []string{"knox-efota:960"}},
	{name: "sys/drupal bare code=201", system: "drupal-sdk",
		line: `2024-05-14 10:41:20 WARN [auth] register rejected code=201`,
		want: []string{"drupal-sdk:201"}},
	{name: "sys/drupal bare JSON code+message", system: "drupal-sdk",
		line: `{"level":"error","error":{"code":"209","message":"Invalid session token"}}`,
		want: []string{"drupal-sdk:209"}},
	{name: "sys/drupal bare constant is not qualified", system: "drupal-sdk",
		line: `lookup failed: OBJECT_NOT_FOUND`,
		want: nil},
	{name: "sys/drupal qualified constant", system: "drupal-sdk",
		line: `lookup failed: DrupalError.OBJECT_NOT_FOUND`,
		want: []string{"drupal-sdk:101"}},
	{name: "sys/drupal unknown 603", system: "drupal-sdk",
		line: `request failed code=603`,
		want: []string{"drupal-sdk:603?"}},
	{name: "sys/voltmx errorCode+errorMessage", system: "voltmx-sync",
		line: `{"err":{"errorCode":-1012,"errorMessage":"host not available"}}`,
		want: []string{"voltmx-sync:-1012"}},
	{name: "sys/knox unknown error code", system: "knox-efota",
		line: `install step returned error code -9999`,
		want: []string{"knox-efota:-9999?"}},
	{name: "sys/drupal numbers in no carrier", system: "drupal-sdk",
		line: `172.16.0.4 - - [14/May/2024:10:40:00 +0000] "GET /node/201 HTTP/1.1" 404 153 "-" "curl/8.5.0" rt=0.101`,
		want: nil},
	{name: "sys/knox ports, status, pid", system: "knox-efota",
		line: `connected to 10.0.0.5:8443 in 902 ms, HTTP 503, pid 1401`,
		want: nil},
	{name: "sys/knox exitCode=1", system: "knox-efota",
		line: `child exited exitCode=1`,
		want: nil},
	{name: "sys/voltmx SQL error", system: "voltmx-sync",
		line: `SQL Error: 1062, SQLState: 23000`,
		want: nil},
	{name: "sys/drupal statusCode exitCode http_code", system: "drupal-sdk",
		line: `statusCode=404 exitCode=1 http_code=502`,
		want: nil},
	{name: "sys/drupal Java line number", system: "drupal-sdk",
		line: "\tat org.example.Client.fetch(Client.java:101)",
		want: nil},
	{name: "sys/wusp ErrorCode: without WARNING", system: "wusp",
		line: `Request failed. Status: 403, ErrorCode: AuthorizationFailure`,
		want: nil},
	{name: "sys/drupal option, knox-marked line stays knox", system: "drupal-sdk",
		line: `05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resultCode=-1401`,
		want: []string{"knox-efota:-1401"}},
	// --system NAME makes NAME's own carriers count without their cue, and
	// nothing more: code=N is Drupal's carrier, not Backend Services'.
	{name: "sys/backend option, code= is no backend carrier", system: "backend-services",
		line: `login failed code=201`,
		want: nil},
	{name: "sys/drupal option, code= is drupal's carrier", system: "drupal-sdk",
		line: `login failed code=201`,
		want: []string{"drupal-sdk:201"}},
	{name: "sys/wusp option never makes numbers codes", system: "wusp",
		line: `upstream failed errorCode=5 code=7 error code 9 {"code":14,"message":"x"}`,
		want: nil},
	{name: "sys/backend option, a number in no carrier still is not a code", system: "backend-services",
		line: `login failed with HTTP 201 after 902 ms on port 8080`,
		want: nil},
	{name: "sys/backend option, JSON body", system: "backend-services",
		line: `POST /v1/app/Users -> 400 {"message":"Password not specified.","errorCode":"202"}`,
		want: []string{"backend-services:202"}},

	// ---------------------------------------------------------------- spec examples (sanity)
	{name: "spec/vmx 1",
		line: `{"ts":"2024-05-14T08:31:07.412Z","level":"error","app":"FieldOps","host":"fo-ios-17","msg":"syncSession failed","err":{"errorCode":-1012,"errrorMessage":"Error code to indicate that the host is not available (usually through lack of connectivity)","errorInfo":{"status":0}}}`,
		want: []string{"voltmx-sync:-1012"}},
	{name: "spec/vmx 3",
		line: `05-14 08:31:09.002  4127  4190 E VoltMX  : VMXSync.onFailure errorCode: -1020 errorInfo={"objectService":"Orders"}`,
		want: []string{"voltmx-sync:-1020"}},
	{name: "spec/bs 3",
		line: `{"time":"2024-05-14T08:40:15Z","level":"warn","req":{"method":"PUT","path":"/v1/Xk3pQ9rT2mWz/Products/7f1c"},"response":{"status":400,"body":{"errorCode":107,"message":"The operation results in a duplicate key for a unique index."}}}`,
		want: []string{"backend-services:107"}, names: []string{"DUPLICATE_UNIQUE_KEY"}},
	{name: "spec/bs 4",
		line: `{"t":"2024-05-14T08:40:19Z","svc":"catalog-sync","upstream_status":500,"body":"{\"message\":\"An error occurred during execution of custom server code.\",\"errorCode\":901}"}`,
		want: []string{"backend-services:901"}},
	{name: "spec/drupal 4",
		line: `09:02:14.551 console.error Drupal.Error code=100 CONNECTION_FAILED (https://cms.example.org/jsonapi)`,
		want: []string{"drupal-sdk:100"}},
	{name: "spec/knox 3",
		line: `{"source":"knox-efota","exportedAt":"2024-05-14T10:12:00Z","deviceId":"R58N3ABCDEF","model":"SM-G991B","resultCode":"-2409"}`,
		want: []string{"knox-efota:-2409"}},
}

// accCollisionCases builds, for every colliding code of section 7, one line
// under each owning system's cue and one line with no cue.
func accCollisionCases() []accCase {
	var out []accCase
	// Backend Services bodies carry the vendor's message (section 8),
	// or any message next to the everlive marker.
	bsLine := func(i, code int) string {
		switch i % 3 {
		case 0:
			return fmt.Sprintf(`2024-05-14 12:%02d:01,201 WARN  [bs-client] POST /v1/Xk3pQ9rT2mWz/Items -> 400 {"message":%q,"errorCode":%d}`, i, bsMessage(code), code)
		case 1:
			return fmt.Sprintf(`{"time":"2024-05-14T12:%02d:02Z","req":{"method":"POST","path":"/v1/Xk3pQ9rT2mWz/Items"},"response":{"status":400,"body":{"errorCode":"%d","message":%q}}}`, i, code, strings.ToLower(bsMessage(code)))
		}
		return fmt.Sprintf(`{"time":"2024-05-14T12:%02d:02Z","host":"api.everlive.com","response":{"status":400,"body":{"errorCode":"%d","message":"Request rejected by the service."}}}`, i, code)
	}
	drLine := func(i, code int) string {
		switch i % 3 {
		case 0:
			return fmt.Sprintf(`[drupal-sdk] 2024-05-14T12:%02d:03.000Z ERROR POST /jsonapi/user/register failed {"code":%d,"error":"Request rejected."}`, i, code)
		case 1:
			return fmt.Sprintf(`May 14 12:%02d:04 web-2 storefront[812]: DrupalError(%d): request rejected`, i, code)
		}
		return fmt.Sprintf(`{"level":50,"name":"drupal-sdk","err":{"code":"%d","message":"Request rejected."}}`, code)
	}
	knLine := func(i, code int) string {
		if i%2 == 0 {
			return fmt.Sprintf(`05-14 12:%02d:05.118  3021  3088 E EFOTA   : task failed resultCode=%d`, i, code)
		}
		return fmt.Sprintf(`{"service":"knox-efota","deviceId":"R58N3ABCDEF","resultCode":%d}`, code)
	}
	vmLine := func(i, code int) string {
		return fmt.Sprintf(`2024-05-14 12:%02d:06.415 ERROR [VMXSync] batch failed errorCode=%d errorMessage="failed"`, i, code)
	}
	noCue := func(i int, key string, code int) string {
		switch i % 3 {
		case 0:
			return fmt.Sprintf(`2024-05-14 12:%02d:07 WARN [app] request failed %s=%d`, i, key, code)
		case 1:
			msgKey := "message"
			if key == "errorCode" {
				msgKey = "reason" // errorCode+message would be backend's key set
			}
			return fmt.Sprintf(`{"level":"warn","err":{"%s":%d,"%s":"Request rejected."}}`, key, code, msgKey)
		}
		return fmt.Sprintf(`May 14 12:%02d:08 host app[9]: %s: %d`, i, key, code)
	}
	add := func(name, line string, want ...string) {
		out = append(out, accCase{name: name, line: line, want: want})
	}
	i := 0
	bsDr := []int{1, 107, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 600, 601, 602, 701}
	for _, c := range bsDr {
		i++
		add(fmt.Sprintf("coll/%d backend cue", c), bsLine(i, c), fmt.Sprintf("backend-services:%d", c))
		add(fmt.Sprintf("coll/%d drupal cue", c), drLine(i, c), fmt.Sprintf("drupal-sdk:%d", c))
		add(fmt.Sprintf("coll/%d no cue", c), noCue(i, "code", c))
	}
	for _, c := range []int{901, 902, 951, 955, 960} {
		i++
		add(fmt.Sprintf("coll/%d backend cue", c), bsLine(i, c), fmt.Sprintf("backend-services:%d", c))
		add(fmt.Sprintf("coll/%d knox cue", c), knLine(i, c), fmt.Sprintf("knox-efota:%d", c))
		add(fmt.Sprintf("coll/%d no cue", c), noCue(i, "resultCode", c))
	}
	for _, c := range []int{-1001, -1002} {
		i++
		add(fmt.Sprintf("coll/%d voltmx cue", c), vmLine(i, c), fmt.Sprintf("voltmx-sync:%d", c))
		add(fmt.Sprintf("coll/%d knox cue", c), knLine(i, c), fmt.Sprintf("knox-efota:%d", c))
		add(fmt.Sprintf("coll/%d no cue", c), noCue(i, "errorCode", c))
	}
	i++
	add("coll/-1 drupal cue", drLine(i*3, -1), "drupal-sdk:-1")
	add("coll/-1 knox cue", fmt.Sprintf(`2024-05-14 12:%02d:09,000 ERROR [efota-portal] device R58N3ABCDEF model lookup result code: -1`, i), "knox-efota:-1")
	add("coll/-1 no cue", noCue(i, "resultCode", -1))
	return out
}

// bsMessage is the built-in catalog's message for a Backend Services code.
func bsMessage(code int) string {
	cat, err := catalog.Builtin()
	if err != nil {
		panic(err)
	}
	rows := cat.Lookup("backend-services", fmt.Sprint(code))
	if len(rows) == 0 {
		panic(fmt.Sprintf("backend-services has no code %d", code))
	}
	return rows[0].Message
}

func TestAccuracy(t *testing.T) {
	cases := append(append([]accCase{}, accCases...), accCollisionCases()...)
	if len(cases) < 120 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
	}
	for _, tc := range cases {
		tc := tc
		t.Run(tc.name, func(t *testing.T) {
			m := accMatcher(t, tc.system)
			anns := m.Match([]byte(tc.line))
			got := accFormat(anns)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("system=%q\nline: %s\nwant: %v\ngot:  %v", tc.system, tc.line, want, got)
				return
			}
			for k, n := range tc.names {
				if n != "" && anns[k].Entry.Name != n {
					t.Errorf("line: %s\nannotation %d: want name %q, got %q", tc.line, k, n, anns[k].Entry.Name)
				}
			}
			for k, n := range tc.alts {
				if n >= 0 && len(anns[k].Alternatives) != n {
					var alt []string
					for _, e := range anns[k].Alternatives {
						alt = append(alt, e.Name)
					}
					t.Errorf("line: %s\nannotation %d (%s): want %d alternatives, got %d %v", tc.line, k, anns[k].Entry.Name, n, len(alt), alt)
				}
			}
		})
	}
	t.Logf("%d accuracy cases", len(cases))
}
