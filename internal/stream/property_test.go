package stream_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/output"
)

// realErrorLines are examples from the log-format spec the rules follow,
// each of which carries an error.
var realErrorLines = []string{
	`2024-05-14 08:31:07.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012 errorMessage="host not available"`,
	`05-14 08:31:09.002  4127  4190 E VoltMX  : VMXSync.onFailure errorCode: -1020 errorInfo={"objectService":"Orders"}`,
	`2024-05-14T08:32:44Z fieldops-web[2231]: voltmx.sync.startSession error, errorCode: 7101 (Missing attributes for Sky)`,
	`10.20.1.7 - - [14/May/2024:08:40:12 +0000] "GET /v1/Xk3pQ9rT2mWz/Books?take=50 HTTP/1.1" 403 52 "-" "okhttp/4.12.0" {"message":"Invalid access token.","errorCode":301}`,
	`2024-05-14 08:40:13,201 WARN  [bs-client] POST /v1/Xk3pQ9rT2mWz/Users -> 400 {"message":"A user with the same username already exists.","errorCode":201}`,
	`[drupal-sdk] 2024-05-14T09:02:11.870Z ERROR GET /jsonapi/node/article/9c1e failed {"code":101,"error":"Object not found."}`,
	`2024-05-14 09:02:12 web-7 storefront: DrupalError(209): Invalid session token`,
	`09:02:14.551 console.error Drupal.Error code=100 CONNECTION_FAILED (https://cms.example.org/jsonapi)`,
	"2024-05-14\t10:05:31:204\t 988\t1a3c\tPT\tWARNING:     ErrorCode:ConfigChanged(2)",
	`<detail><ErrorCode>ServerBusy</ErrorCode><Message>Retry later</Message><ID>3b9e2f4c-0d61-4f0a-b5a2-8c7e1d9f6a20</ID></detail>`,
	`05-14 10:11:02.118  3021  3088 E EFOTA   : FotaDownloadTask: download failed resultCode=-1401`,
	`2024-05-14 10:11:40,552 INFO  [efota-portal] device R58N3ABCDEF campaign=CMP-2291 status=FAILED result code: -7004`,
	`May 14 10:12:31 mdm-gw01 efota-agent[912]: install step 2 returned error code -1405`,
}

// realErrorJSON are JSON-object lines from the spec that carry an error.
var realErrorJSON = []string{
	`{"ts":"2024-05-14T08:31:07.412Z","level":"error","app":"FieldOps","host":"fo-ios-17","msg":"syncSession failed","err":{"errorCode":-1012,"errrorMessage":"Error code to indicate that the host is not available (usually through lack of connectivity)","errorInfo":{"status":0}}}`,
	`{"time":"2024-05-14T08:40:15Z","level":"warn","req":{"method":"PUT","path":"/v1/Xk3pQ9rT2mWz/Products/7f1c"},"response":{"status":400,"body":{"errorCode":107,"message":"The operation results in a duplicate key for a unique index."}}}`,
	`{"t":"2024-05-14T08:40:19Z","svc":"catalog-sync","upstream_status":500,"body":"{\"message\":\"An error occurred during execution of custom server code.\",\"errorCode\":901}"}`,
	`{"level":50,"time":1715677333012,"name":"drupal-sdk","err":{"code":"124","message":"Request timed out"}}`,
	`{"source":"knox-efota","exportedAt":"2024-05-14T10:12:00Z","deviceId":"R58N3ABCDEF","model":"SM-G991B","resultCode":"-2409"}`,
	`{"log":"05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\n","stream":"stderr","time":"2024-05-14T10:11:02Z"}`,
	`[{"errorCode":1,"message":"a"},{"errorCode":2,"message":"b"}]`,
}

// quietLines carry no error (though some hold carrier words without a cue).
var quietLines = []string{
	`2024-05-14 08:40:14 INFO GET /health 200 3ms`,
	`{"level":"info","msg":"ok","n":5}`,
	`{}`,
	`errorCode=-1001 exitCode=1 SQL Error: 1062`,
	`{"code":101,"message":"Object not found."}`,
	`05-14 10:11:02.118 I ActivityManager: resultCode=-1`,
	``,
}

// randomLine returns one line (no LF) of a random kind.
func randomLine(r *rand.Rand, maxLine int) string {
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	switch r.IntN(12) {
	case 0, 1, 2:
		return pick(realErrorLines)
	case 3, 4:
		return pick(realErrorJSON)
	case 5:
		return pick(quietLines)
	case 6: // random bytes, no LF
		b := make([]byte, r.IntN(80))
		for i := range b {
			for b[i] = byte(r.IntN(256)); b[i] == '\n'; b[i] = byte(r.IntN(256)) {
			}
		}
		return string(b)
	case 7: // random bytes from an alphabet that makes JSON and logfmt look-alikes
		const alpha = "{}[]\":,\\ \t\r\x00\xff\xc3\xe2\x82ab1-=errorCodeknox errtag.system="
		b := make([]byte, r.IntN(60))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	case 8: // a real line damaged: invalid UTF-8, NUL or CR inserted
		s := pick(realErrorLines)
		i := r.IntN(len(s) + 1)
		return s[:i] + pick([]string{"\xff", "\x00", "\r", "\xe2\x82", "\xc3("}) + s[i:]
	case 9: // a JSON line padded with spaces and tabs
		return pick([]string{" ", "\t", ""}) + pick(realErrorJSON) + pick([]string{" ", "\t ", ""})
	case 10: // around MaxLine: a real line padded to MaxLine-2 .. MaxLine+2
		s := pick(realErrorLines)
		n := maxLine - 2 + r.IntN(5)
		if pad := n - len(s); pad > 0 {
			if r.IntN(2) == 0 {
				return strings.Repeat("x", pad) + s
			}
			return s + strings.Repeat(" ", pad)
		}
		return s[:n]
	default: // a real line with its carrier repeated, and a syslog prefix
		return "May 14 10:12:31 host app[1]: " + pick(realErrorLines) + " " + pick(realErrorLines)
	}
}

// TestPropertyOutputMinusAnnotationIsInput generates documents mixing real
// error lines, random bytes, JSON objects with and without errors, lines
// around MaxLine, LF and CRLF endings and a last line with or without
// one, and container logs of such lines split into records, reads each in random pieces, and checks that every line comes out,
// in order, equal to its input once the annotation is removed (and that
// --output json gives one record per line).
func TestPropertyOutputMinusAnnotationIsInput(t *testing.T) {
	t.Parallel()
	m := builtinProp(t)
	r := rand.New(rand.NewPCG(20240514, 1))
	var annotated, lines int64
	docs := 500 // FuzzStream explores further
	if large() {
		docs = 2000
	}
	for d := 0; d < docs; d++ {
		maxLine := []int{64, 128, 200, 1000}[r.IntN(4)]
		var doc bytes.Buffer
		n := r.IntN(30)
		switch r.IntN(8) {
		case 0: // a container log, its lines split into records
			doc.Write(containerDoc(r, []string{"cri", "docker"}[r.IntN(2)], n, maxLine))
		default:
			for i := 0; i < n; i++ {
				doc.WriteString(randomLine(r, maxLine))
				if i < n-1 {
					doc.WriteString([]string{"\n", "\r\n"}[r.IntN(2)])
				} else {
					doc.WriteString([]string{"\n", "\r\n", "", "\r"}[r.IntN(4)])
				}
			}
		}
		in := doc.Bytes()
		var cuts []byte
		switch r.IntN(3) {
		case 0: // one read
		case 1:
			cuts = []byte{0} // one byte at a time
		default:
			cuts = make([]byte, 1+r.IntN(8))
			for i := range cuts {
				cuts[i] = byte(r.IntN(256))
			}
		}
		eofWithData := r.IntN(2) == 0
		out, st := runStream(t, m, output.Auto, maxLine, in, cuts, eofWithData)
		checkAuto(t, m, in, out, st, maxLine)
		if t.Failed() {
			t.Fatalf("document %d (MaxLine %d, cuts %v): %s", d, maxLine, cuts, clipQ(in))
		}
		if d%4 == 0 {
			jout, _ := runStream(t, m, output.JSON, maxLine, in, cuts, eofWithData)
			checkJSONRun(t, in, jout, maxLine)
		}
		annotated += st.Annotated
		lines += st.Lines
	}
	// The documents must exercise annotation, not only pass-through.
	if annotated < lines/5 {
		t.Fatalf("only %d of %d lines annotated: the generator no longer reaches the matcher", annotated, lines)
	}
	t.Logf("%d documents, %d lines, %d annotated", docs, lines, annotated)
}
