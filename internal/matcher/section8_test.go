package matcher

// TestSection8 holds the rules of section 8 of the log-format contract
// ("Corroboration") as table cases, each with the cue the annotation must
// carry. Annotations are written "system:code/cue", with "?" before the
// slash for known=false.

import (
	"strings"
	"testing"
)

type s8Case struct {
	name   string
	system string // --system
	line   string
	want   []string
}

func s8Format(as []Annotation) []string {
	out := []string{}
	for _, a := range as {
		s := a.Entry.System + ":" + a.Entry.Code
		if !a.Known {
			s += "?"
		}
		out = append(out, s+"/"+a.Cue.String())
	}
	return out
}

var s8Cases = []s8Case{
	// ------------------------------------------------ the section's own lines
	{name: "etcd key not found", line: `{"errorCode":100,"message":"Key not found","cause":"/foo","index":9}`},
	{name: "etcd root is read only", line: `{"errorCode":107,"message":"Root is read only","cause":"/","index":3}`},
	{name: "redirect body", line: `{"errorCode":301,"message":"Moved Permanently","location":"https://new.example.com"}`},
	{name: "other SOAP fault", line: `<soap:Fault><faultcode>soap:Server</faultcode><detail><ErrorCode>AccountLocked</ErrorCode></detail></soap:Fault>`},
	{name: "Autodiscover NoError", line: `        <ErrorCode>NoError</ErrorCode>`},
	{name: "drug name", line: `2024-06-01 10:02:11 pharmacy-svc order=8812 drug=Cefotaxime dose=1g result code: -1001`},
	{name: "host name", line: `Jun  1 10:03:00 knoxville-dc01 backupd[311]: nightly job finished, result code: 0`},
	{name: "event name", line: `2024-06-01 10:04:00 INFO registration drupalcon2024 failed code=101`},

	// ------------------------------------------------ markers are whole words
	{name: "marker [VMXSync]", line: `2024-05-14 08:31:07.415 ERROR [VMXSync] upload failed errorCode=-1012`, want: []string{"voltmx-sync:-1012/marker"}},
	{name: "marker voltmx.sync", line: `fieldops-web[2231]: voltmx.sync.startSession error, errorCode: 7101`, want: []string{"voltmx-sync:7101/marker"}},
	{name: "marker VoltMX camel start of next word", line: `E VoltMXSyncManager: errorCode=-1020`, want: []string{"voltmx-sync:-1020/marker"}},
	{name: "marker EFOTA-Client", line: `E EFOTA-Client: download failed resultCode=-1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "marker EFOTAClient", line: `E EFOTAClient: download failed resultCode=-1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "marker KnoxEfotaAgent", line: `I KnoxEfotaAgent: install result code: -1405`, want: []string{"knox-efota:-1405/marker"}},
	{name: "marker myKnoxAgent camel start", line: `myKnoxAgent install result code: -1405`, want: []string{"knox-efota:-1405/marker"}},
	{name: "marker package name", line: `W/com.samsung.android.knox.efota(3021): resultCode=-2409`, want: []string{"knox-efota:-2409/marker"}},
	{name: "marker efota-agent", line: `May 14 10:12:31 mdm-gw01 efota-agent[912]: install step 2 returned error code -1405`, want: []string{"knox-efota:-1405/marker"}},
	{name: "marker samsungknox host", line: `GET https://eu-api.samsungknox.com/devices/R58N3 result code: -7004`, want: []string{"knox-efota:-7004/marker"}},
	{name: "marker drupal-sdk", line: `[drupal-sdk] GET /jsonapi/node/9c1e failed {"code":101,"error":"Object not found."}`, want: []string{"drupal-sdk:101/marker"}},
	{name: "marker DrupalError", line: `storefront: DrupalError(209): Invalid session token`, want: []string{"drupal-sdk:209/marker"}},
	{name: "marker Drupal.Error", line: `console.error Drupal.Error code=100 CONNECTION_FAILED`, want: []string{"drupal-sdk:100/marker"}},
	{name: "marker inside JSON escape", line: `{"log":"x\ndrupal: request failed code=101\n"}`, want: []string{"drupal-sdk:101/marker"}},
	{name: "not marker CEFOTAXIME", line: `drug=CEFOTAXIME result code: -1001`},
	{name: "not marker knoxville", line: `knoxville-dc01 backupd: result code: 0`},
	{name: "not marker drupalcon2024", line: `drupalcon2024 failed code=101`},
	{name: "not marker revoltmxr", line: `revoltmxr errorCode=-1012`},
	{name: "not marker mid-word upper after upper", line: `MYKNOX result code: -1405`},
	{name: "not marker digit after", line: `knox2 result code: -1405`},
	{name: "not marker samsungknox's knox alone", line: `samsungknoxville result code: -1405`},

	// ------------------------------------------------ backend-services: corroborated body
	{name: "bs exact vendor message", line: `{"message":"Invalid access token.","errorCode":301}`, want: []string{"backend-services:301/shape"}},
	{name: "bs message without final dot", line: `{"message":"Invalid access token","errorCode":301}`, want: []string{"backend-services:301/shape"}},
	{name: "bs message other case and !", line: `{"message":"invalid ACCESS token!","errorCode":301}`, want: []string{"backend-services:301/shape"}},
	{name: "bs message runs of white space", line: `{"message":"  Invalid   access\ttoken. ","errorCode":"301"}`, want: []string{"backend-services:301/shape"}},
	{name: "bs message says more", line: `{"message":"Not found. No item /Books/7f1c","errorCode":600}`, want: []string{"backend-services:600/shape"}},
	{name: "bs message cut short, three words", line: `{"message":"The specified user","errorCode":206}`, want: []string{"backend-services:206/shape"}},
	{name: "bs message cut short, two words (red team)", line: `{"errorCode":206,"message":"The specified"}`},
	{name: "bs message cut short, two words", line: `{"message":"Invalid access","errorCode":301}`},
	{name: "bs message one stem word is not agreement", line: `{"message":"Invalid","errorCode":301}`},
	{name: "bs message goes on inside a word", line: `{"message":"Not foundation","errorCode":600}`},
	{name: "bs empty message", line: `{"message":"","errorCode":301}`},
	{name: "bs 107 general row, more said", line: `{"errorCode":107,"message":"General database error. Cannot insert NULL."}`, want: []string{"backend-services:107/shape"}},
	{name: "bs 107 duplicate key row, lower case", line: `{"errorCode":107,"message":"the operation results in a duplicate key for a unique index"}`, want: []string{"backend-services:107/shape"}},
	{name: "bs 107 third row, names free", line: `{"errorCode":107,"message":"Duplicate values already exist for field Sku of content type \"Products\"."}`, want: []string{"backend-services:107/shape"}},
	{name: "bs 107 unrelated message", line: `{"errorCode":107,"message":"Root is read only","cause":"/"}`},
	{name: "bs code not in the catalog", line: `{"errorCode":999,"message":"Payload too large."}`},
	{name: "bs code not in the catalog even with a plausible message", line: `{"errorCode":212,"message":"Unexpected error."}`},
	{name: "bs nested and escaped", line: `{"t":"x","body":"{\"message\":\"An error occurred during execution of custom server code.\",\"errorCode\":901}"}`, want: []string{"backend-services:901/shape"}},
	{name: "bs docker wrapped access log", line: `{"log":"10.0.0.1 - - \"GET /v1/x/Books\" 403 52 {\"message\":\"invalid access token\",\"errorCode\":301}\n","stream":"stdout"}`, want: []string{"backend-services:301/shape"}},
	{name: "bs everlive marker: any message", line: `POST https://api.everlive.com/v1/app/Users -> 400 {"message":"Moved Permanently","errorCode":301}`, want: []string{"backend-services:301/marker"}},
	{name: "bs everlive marker: unknown code", line: `[Everlive] sync failed {"message":"Payload too large.","errorCode":999}`, want: []string{"backend-services:999?/marker"}},
	{name: "bs everlive inside a word is no marker", line: `everlivestock {"message":"Payload too large.","errorCode":999}`},
	{name: "bs another system's marker: its rules apply", line: `[VMXSync] identity call returned {"message":"Invalid access token.","errorCode":301}`, want: []string{"voltmx-sync:301?/marker"}},
	{name: "bs --system backend: any message", system: "backend-services", line: `{"errorCode":301,"message":"Moved Permanently"}`, want: []string{"backend-services:301/system"}},
	{name: "bs --system backend: unknown code", system: "backend-services", line: `{"errorCode":999,"message":"Payload too large."}`, want: []string{"backend-services:999?/system"}},
	{name: "bs --system backend: agreeing message is a shape", system: "backend-services", line: `{"errorCode":301,"message":"Invalid access token."}`, want: []string{"backend-services:301/shape"}},

	// ------------------------------------------------ wusp: the element
	{name: "wusp element catalog name", line: `<detail><ErrorCode>ServerBusy</ErrorCode><Message>Retry later</Message></detail>`, want: []string{"wusp:ServerBusy/shape"}},
	{name: "wusp element unknown name, SoftwareDistribution", line: `<detail><ErrorCode>Throttled</ErrorCode><Method>http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates</Method></detail>`, want: []string{"wusp:Throttled?/shape"}},
	{name: "wusp element unknown name, service name only", line: `POST /SimpleAuthWebService/SimpleAuth.asmx 500 <ErrorCode>Throttled</ErrorCode>`, want: []string{"wusp:Throttled?/shape"}},
	{name: "wusp element unknown name, no context", line: `<detail><ErrorCode>AccountLocked</ErrorCode></detail>`},
	{name: "wusp element unknown name, context inside a word", line: `<ErrorCode>Throttled</ErrorCode> mysoftwaredistributionx`},
	{name: "wusp element in Autodiscover response", line: `<Response xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover"><ErrorCode>ServerBusy</ErrorCode><ErrorMessage>busy</ErrorMessage></Response>`},
	{name: "wusp WindowsUpdate.log carrier, unknown name", line: "2024-05-14\t10:05:31:204\t 988\t1a3c\tPT\tWARNING:     ErrorCode:QuotaExceeded(12)", want: []string{"wusp:QuotaExceeded?/carrier"}},
	{name: "wusp server log ThrowException", line: `2024-05-14 10:05:31.204 UTC	Error	w3wp.25	SoapUtilities.CreateException	ThrowException: actor = http://wsus01:8530/ClientWebService/client.asmx, ID=3f2a1b7c-1d2e-4f50-9a8b-7c6d5e4f3a2b, ErrorCode=InvalidParameters, Message=parameters.InstalledNonLeafUpdateIDs, Client=?`, want: []string{"wusp:InvalidParameters/carrier"}},
	{name: "wusp ThrowException of another .NET service", line: `2024-01-01 ERROR MyApp.Soap ThrowException: fault raised, ErrorCode=InternalServerError`},
	{name: "wusp server log SoapUtilities, ServerSyncWebService", line: `<Date> <Time> Error WsusService.25 SoapUtilities.LogException USS ThrowException: Actor = https://fe2.update.microsoft.com/v6/ServerSyncWebService/ServerSyncWebService.asmx, Method = "http://www.microsoft.com/SoftwareDistribution/GetUpdateData", ID=<ID>, ErrorCode=InternalServerError, Message=`, want: []string{"wusp:InternalServerError/carrier"}},
	{name: "wusp --system wusp: unknown element name", system: "wusp", line: `<ErrorCode>AccountLocked</ErrorCode>`, want: []string{"wusp:AccountLocked?/system"}},

	// ------------------------------------------------ Volt MX key set needs nothing more
	{name: "vmx key set", line: `{"err":{"errorCode":4040,"errrorMessage":"custom failure"}}`, want: []string{"voltmx-sync:4040?/carrier"}},
	{name: "vmx key set marks its intermediate errors", line: `{"err":{"errorCode":-1001,"errrorMessage":"x","errorInfo":{"errs":[{"errorCode":-1012,"errorMessage":"y"}]}}}`, want: []string{"voltmx-sync:-1001/carrier", "voltmx-sync:-1012/carrier"}},

	// ------------------------------------------------ --system never overrides another system's own cue
	{name: "sys knox, backend body with vendor message stays backend", system: "knox-efota", line: `2024-05-14 11:00:08 WARN worker-3 {"message":"Invalid access token.","errorCode":301}`, want: []string{"backend-services:301/shape"}},
	{name: "sys knox, uncorroborated body: knox's carrier counts", system: "knox-efota", line: `{"errorCode":301,"message":"Moved Permanently"}`, want: []string{"knox-efota:301?/system"}},
	{name: "sys drupal, VMXSync marker stays voltmx", system: "drupal-sdk", line: `[VMXSync] upload failed errorCode=-1012 code=5`, want: []string{"voltmx-sync:-1012/marker"}},
	{name: "sys drupal, knox marker stays knox", system: "drupal-sdk", line: `E EFOTA: download failed resultCode=-1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "sys knox, drupal marker without drupal carrier: nothing", system: "knox-efota", line: `drupal-sdk bridge: upstream errorCode=-1001`},
	{name: "sys knox, Volt MX key set stays voltmx", system: "knox-efota", line: `{"errorCode":-1012,"errrorMessage":"host not available","resultCode":5}`, want: []string{"voltmx-sync:-1012/carrier"}},
	{name: "sys knox, wusp element with catalog name stays wusp", system: "knox-efota", line: `<ErrorCode>ServerBusy</ErrorCode> error code 901`, want: []string{"wusp:ServerBusy/shape"}},
	{name: "sys knox, no cue: knox's", system: "knox-efota", line: `sync failed errorCode=-1001`, want: []string{"knox-efota:-1001/system"}},
	{name: "sys knox, own marker and another's: a carrier both claim cancels", system: "knox-efota", line: `[VMXSync] EFOTA bridge errorCode=-1012 resultCode=-1401`, want: []string{"knox-efota:-1401/marker"}},
	{name: "sys knox, knox marker line", system: "knox-efota", line: `E EFOTA: download failed resultCode=-1401`, want: []string{"knox-efota:-1401/marker"}},

	// ------------------------------------------------ judgement calls
	{name: "zero code the catalog lacks", line: `[VMXSync] sync finished errorCode=0`},
	{name: "zero code the catalog lacks, --system", system: "voltmx-sync", line: `sync finished errorCode=0`},
	{name: "zero code the catalog has", line: `E EFOTA: install finished resultCode=0`, want: []string{"knox-efota:0/marker"}},
	{name: "drupal CMS cron", line: `INFO drupal cron ran in 3s, code=1`},
	{name: "drupal CMS syslog", line: `May 14 09:00:00 web1 drupal: https://example.com|1715677200|php|10.0.0.1|https://example.com/node/1||0||Warning: code=1`},
	{name: "drupal CMS PHP", line: `PHP Fatal error:  Uncaught Drupal\Core\Database\DatabaseExceptionWrapper in /var/www/html/core/lib/Drupal/Core/Database/Connection.php:123 code: 1`},
	{name: "drupal SDK console", line: `DRUPAL client: throttled code=155 retry-after=30`, want: []string{"drupal-sdk:155/marker"}},
}

func TestSection8(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range s8Cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			m := accMatcher(t, tc.system)
			got := s8Format(m.Match([]byte(tc.line)))
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("system=%q\nline: %s\nwant: %v\ngot:  %v", tc.system, tc.line, want, got)
			}
		})
	}
}

// TestTraceSaysWhy: the trace of `errtag test` carries the matcher's own
// reasons for each corroboration decision.
func TestTraceSaysWhy(t *testing.T) {
	for _, c := range []struct {
		system, line, want string
	}{
		{"", `{"errorCode":301,"message":"Moved Permanently"}`, `message "Moved Permanently" is not code 301's "Invalid access token."`},
		{"", `{"errorCode":301,"message":"Invalid access token"}`, `counts: message "Invalid access token" agrees with code 301's "Invalid access token."`},
		{"", `{"errorCode":999,"message":"x"}`, `code 999 is not in the backend-services catalog: a shared shape alone cannot say known=false`},
		{"", `{"errorCode":107,"message":"Root is read only"}`, `is not code 107's rows ("General database error.", "The operation results in a duplicate key for a unique index.", "Duplicate values already exist for field Number of content type \"New\".")`},
		{"", `<ErrorCode>AccountLocked</ErrorCode>`, `code AccountLocked is not in the wusp catalog, and none of ["softwaredistribution" "clientwebservice"`},
		{"", `<ErrorCode>X1</ErrorCode> /ClientWebService/`, `counts: X1 is not in the wusp catalog, but the line shows "clientwebservice"`},
		{"", `<ErrorCode>ServerBusy</ErrorCode>`, `counts: ServerBusy is in the wusp catalog`},
		{"", `[VMXSync] sync finished errorCode=0`, `code 0 means success, and the voltmx-sync catalog has no row for it`},
		{"", `INFO drupal cron ran in 3s, code=1`, `skipped: the line contains its exclude word "drupal cron"`},
		{"", `drug=Cefotaxime result code: -1001`, `skipped: no knox-efota marker on the line`},
		{"knox-efota", `[VMXSync] errorCode=-1012`, `skipped: the line is voltmx-sync's (marker); --system knox-efota does not override another system's own cue`},
		{"knox-efota", `{"message":"Invalid access token.","errorCode":301}`, `knox-efota 301: the line is backend-services's (corroborated shape); --system knox-efota does not override another system's own cue`},
		{"backend-services", `{"errorCode":301,"message":"Moved Permanently"}`, `counts: --system names backend-services`},
	} {
		tr := accMatcher(t, c.system).Trace([]byte(c.line))
		var all []string
		for _, e := range tr.Events {
			all = append(all, e.What)
		}
		for _, d := range tr.Dropped {
			all = append(all, d.What)
		}
		if !strings.Contains(strings.Join(all, "\n"), c.want) {
			t.Errorf("system=%q line %s:\nwant a reason containing %s\ngot:\n  %s", c.system, c.line, c.want, strings.Join(all, "\n  "))
		}
	}
	tr := accMatcher(t, "").Trace([]byte(`drug=Cefotaxime result code: -1001`))
	if len(tr.NotMarkers) != 1 || !strings.Contains(tr.NotMarkers[0], `"efota" at 6 is part of a longer word`) {
		t.Errorf("NotMarkers = %q, want the efota inside Cefotaxime", tr.NotMarkers)
	}
}
