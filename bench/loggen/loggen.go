// Package loggen generates a deterministic, realistic mixed log for errtag's
// benchmarks: about 92% ordinary lines (syslog, logcat, access logs, app logs
// full of numbers that are not error codes, plus near-miss decoys) and about
// 8% error lines of the five built-in systems, in the shapes of
// shared/logformats.md. A JSON variant makes every line a JSON object.
//
// The same seed and format always give the same bytes.
package loggen

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/errtag/errtag/catalog"
)

// Format is the shape of the generated lines.
type Format int

const (
	// Text is a mixed plain-text log (a few lines of it are JSON objects,
	// as in real mixed logs).
	Text Format = iota
	// JSON makes every line one JSON object (JSON lines); errors are nested
	// objects, escaped bodies, or text lines inside a container wrapper.
	JSON
)

// ParseFormat parses "text" or "json".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "text":
		return Text, nil
	case "json":
		return JSON, nil
	}
	return 0, fmt.Errorf("unknown format %q (text or json)", s)
}

// Systems are the five built-in systems, in a fixed order.
var Systems = []string{"voltmx-sync", "backend-services", "drupal-sdk", "wusp", "knox-efota"}

// ErrorShare is the chance that an event is an error: with the six-line
// WindowsUpdate blocks, about 8% of lines belong to an error (about 6% carry
// the code itself).
const ErrorShare = 0.061

// Event says what one call of Next appended.
type Event struct {
	Lines     int    // lines appended
	Annotated int    // lines among them that carry an error (by the spec)
	System    string // the system of the error, "" for ordinary lines
	Code      string // the code of the error, in the catalog's spelling
	// Carrier is the index, among the lines appended, of the one that
	// carries the error (a WindowsUpdate fault block's ErrorCode line).
	Carrier int
	Decoy   bool // an ordinary line built to look like an error
}

type code struct {
	code string
	name string
	msg  string
}

type sysCodes struct {
	codes []code
	known map[string]bool
}

// Gen is a generator. It is not safe for concurrent use.
type Gen struct {
	r      *rand.Rand
	format Format
	sys    map[string]*sysCodes
	ms     int64 // current time, Unix milliseconds
	tc     tcache
	s1, s2 []byte // scratch buffers for nested text/JSON
	seq    uint64
}

type tcache struct {
	sec                int64
	y, mo, d, h, mi, s int
	mon                string
}

// New returns a generator for format seeded with seed.
func New(seed uint64, format Format) (*Gen, error) {
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, err
	}
	g := &Gen{
		r:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		format: format,
		sys:    map[string]*sysCodes{},
		ms:     time.Date(2024, 5, 14, 0, 0, 0, 0, time.UTC).UnixMilli(),
		tc:     tcache{sec: -1},
	}
	for _, s := range Systems {
		sc := &sysCodes{known: map[string]bool{}}
		for _, e := range cat.Entries(s) {
			sc.codes = append(sc.codes, code{code: e.Code, name: e.Name, msg: e.Message})
			sc.known[e.Code] = true
		}
		if len(sc.codes) == 0 {
			return nil, fmt.Errorf("loggen: built-in catalog has no entries for %s", s)
		}
		g.sys[s] = sc
	}
	return g, nil
}

// CodesTSV returns the built-in catalogs as a TSV table for the awk and jq
// baselines: system, code, name, message (tabs and newlines in the message
// replaced by spaces), sorted by system then file order.
func CodesTSV() ([]byte, error) {
	cat, err := catalog.Builtin()
	if err != nil {
		return nil, err
	}
	var b []byte
	systems := cat.Systems()
	sort.Strings(systems)
	for _, s := range systems {
		seen := map[string]bool{}
		for _, e := range cat.Entries(s) {
			if seen[e.Code] { // one row per (system, code): the first (default) one
				continue
			}
			seen[e.Code] = true
			b = append(b, s...)
			b = append(b, '\t')
			b = append(b, e.Code...)
			b = append(b, '\t')
			b = append(b, e.Name...)
			b = append(b, '\t')
			for _, c := range []byte(e.Message) {
				if c == '\t' || c == '\n' || c == '\r' {
					c = ' '
				}
				b = append(b, c)
			}
			b = append(b, '\n')
		}
	}
	return b, nil
}

// Next appends one event (usually one line; a WindowsUpdate fault block is
// six) to dst, each line ending in LF.
func (g *Gen) Next(dst []byte) ([]byte, Event) {
	g.ms += int64(g.r.IntN(4))
	g.seq++
	if g.r.Float64() < ErrorShare {
		return g.errorLine(dst)
	}
	if g.r.IntN(100) < 3 {
		return g.decoy(dst), Event{Lines: 1, Decoy: true}
	}
	if g.format == JSON {
		return g.ordinaryJSON(dst), Event{Lines: 1}
	}
	return g.ordinaryText(dst), Event{Lines: 1}
}

// ---------------------------------------------------------------- helpers

func (g *Gen) n(k int) int { return g.r.IntN(k) }

func pick[T any](g *Gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g *Gen) t() *tcache {
	sec := g.ms / 1000
	if sec != g.tc.sec {
		t := time.Unix(sec, 0).UTC()
		y, mo, d := t.Date()
		h, mi, s := t.Clock()
		g.tc = tcache{sec: sec, y: y, mo: int(mo), d: d, h: h, mi: mi, s: s, mon: mo.String()[:3]}
	}
	return &g.tc
}

func ap2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }
func ap3(b []byte, n int) []byte {
	return append(b, byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}
func apn(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

func (g *Gen) msec() int { return int(g.ms % 1000) }

// 2024-05-14
func (g *Gen) date(b []byte) []byte {
	t := g.t()
	b = apn(b, t.y)
	b = append(b, '-')
	b = ap2(b, t.mo)
	b = append(b, '-')
	return ap2(b, t.d)
}

// 08:31:07
func (g *Gen) clock(b []byte) []byte {
	t := g.t()
	b = ap2(b, t.h)
	b = append(b, ':')
	b = ap2(b, t.mi)
	b = append(b, ':')
	return ap2(b, t.s)
}

// 2024-05-14T08:31:07.412Z
func (g *Gen) iso(b []byte) []byte {
	b = g.date(b)
	b = append(b, 'T')
	b = g.clock(b)
	b = append(b, '.')
	b = ap3(b, g.msec())
	return append(b, 'Z')
}

// 2024-05-14 08:31:07.415 (sep '.' or ',')
func (g *Gen) spaced(b []byte, sep byte) []byte {
	b = g.date(b)
	b = append(b, ' ')
	b = g.clock(b)
	b = append(b, sep)
	return ap3(b, g.msec())
}

// May 14 08:31:07
func (g *Gen) syslogTS(b []byte) []byte {
	t := g.t()
	b = append(b, t.mon...)
	b = append(b, ' ')
	if t.d < 10 {
		b = append(b, ' ')
	}
	b = apn(b, t.d)
	b = append(b, ' ')
	return g.clock(b)
}

// 05-14 08:31:09.002
func (g *Gen) logcatTS(b []byte) []byte {
	t := g.t()
	b = ap2(b, t.mo)
	b = append(b, '-')
	b = ap2(b, t.d)
	b = append(b, ' ')
	b = g.clock(b)
	b = append(b, '.')
	return ap3(b, g.msec())
}

// [14/May/2024:08:40:12 +0000]
func (g *Gen) apacheTS(b []byte) []byte {
	t := g.t()
	b = append(b, '[')
	b = ap2(b, t.d)
	b = append(b, '/')
	b = append(b, t.mon...)
	b = append(b, '/')
	b = apn(b, t.y)
	b = append(b, ':')
	b = g.clock(b)
	return append(b, " +0000]"...)
}

func (g *Gen) epochMS(b []byte) []byte { return strconv.AppendInt(b, g.ms, 10) }

func (g *Gen) ip(b []byte) []byte {
	switch g.n(3) {
	case 0:
		b = append(b, "10."...)
		b = apn(b, g.n(256))
	case 1:
		b = append(b, "172."...)
		b = apn(b, 16+g.n(16))
	default:
		b = append(b, "192.168"...)
	}
	b = append(b, '.')
	b = apn(b, g.n(256))
	b = append(b, '.')
	return apn(b, 1+g.n(254))
}

const hexDigits = "0123456789abcdef"

func (g *Gen) hex(b []byte, n int) []byte {
	x := g.r.Uint64()
	for i := 0; i < n; i++ {
		if i%16 == 15 {
			x = g.r.Uint64()
		}
		b = append(b, hexDigits[x&15])
		x >>= 4
	}
	return b
}

func (g *Gen) upperID(b []byte, n int) []byte {
	const al = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	x := g.r.Uint64()
	for i := 0; i < n; i++ {
		b = append(b, al[x%uint64(len(al))])
		x /= uint64(len(al))
		if i%10 == 9 {
			x = g.r.Uint64()
		}
	}
	return b
}

func (g *Gen) uuid(b []byte) []byte {
	b = g.hex(b, 8)
	b = append(b, '-')
	b = g.hex(b, 4)
	b = append(b, '-')
	b = g.hex(b, 4)
	b = append(b, '-')
	b = g.hex(b, 4)
	b = append(b, '-')
	return g.hex(b, 12)
}

// dec appends a decimal like 12.34 with frac digits.
func (g *Gen) dec(b []byte, max, frac int) []byte {
	b = apn(b, g.n(max))
	b = append(b, '.')
	for i := 0; i < frac; i++ {
		b = append(b, byte('0'+g.n(10)))
	}
	return b
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(b []byte, s []byte) []byte {
	b = append(b, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func appendJSONStr(b []byte, s string) []byte { return appendJSONString(b, []byte(s)) }

var (
	hosts     = []string{"web-01", "web-02", "web-07", "api-3", "api-4", "db-2", "cache-1", "fo-ios-17", "mdm-gw01", "edge-5", "worker-12", "batch-2"}
	services  = []string{"orders", "billing", "catalog", "auth", "search", "inventory", "notify", "gateway", "checkout", "reports"}
	methods   = []string{"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD"}
	agents    = []string{"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "okhttp/4.12.0", "curl/8.5.0", "kube-probe/1.29", "Go-http-client/1.1", "python-requests/2.31.0"}
	statuses  = []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 304, 400, 401, 403, 404, 404, 409, 429, 500, 502, 503, 504}
	levels    = []string{"INFO", "INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"}
	lcTags    = []string{"ActivityManager", "WindowManager", "ConnectivityService", "PackageManager", "chatty", "System.err", "OkHttp", "wpa_supplicant", "BatteryService", "InputDispatcher"}
	lcLevels  = []string{"I", "I", "D", "D", "V", "W", "E"}
	words     = []string{"order", "user", "session", "cart", "invoice", "shipment", "item", "product", "token", "report", "job", "batch"}
	javaClass = []string{"com.example.orders.OrderService", "com.example.billing.InvoiceController", "org.hibernate.engine.jdbc.spi.SqlExceptionHelper", "io.netty.channel.DefaultChannelPipeline", "org.springframework.web.servlet.DispatcherServlet", "com.zaxxer.hikari.pool.HikariPool"}
)

// path appends a request path with ids, versions and queries (numbers that
// are not codes).
func (g *Gen) path(b []byte) []byte {
	switch g.n(8) {
	case 0:
		b = append(b, "/api/v2/orders/"...)
		b = apn(b, 10000+g.n(90000))
		b = append(b, "?limit="...)
		b = apn(b, 10*(1+g.n(10)))
	case 1:
		b = append(b, "/v1/users/"...)
		b = apn(b, 1+g.n(500000))
		b = append(b, "/profile"...)
	case 2:
		b = append(b, "/static/js/app."...)
		b = g.hex(b, 8)
		b = append(b, ".js"...)
	case 3:
		b = append(b, "/healthz"...)
	case 4:
		b = append(b, "/metrics"...)
	case 5:
		b = append(b, "/api/v1/items?page="...)
		b = apn(b, 1+g.n(200))
		b = append(b, "&size=50&sort=created_at"...)
	case 6:
		b = append(b, "/images/products/"...)
		b = apn(b, g.n(9000))
		b = append(b, "_640x480.webp"...)
	default:
		b = append(b, "/search?q="...)
		b = append(b, pick(g, words)...)
		b = append(b, "&from="...)
		b = apn(b, 20*g.n(10))
	}
	return b
}

func (g *Gen) accessLine(b []byte) []byte {
	b = g.ip(b)
	b = append(b, " - - "...)
	b = g.apacheTS(b)
	b = append(b, " \""...)
	b = append(b, pick(g, methods)...)
	b = append(b, ' ')
	b = g.path(b)
	b = append(b, " HTTP/1.1\" "...)
	b = apn(b, pick(g, statuses))
	b = append(b, ' ')
	b = apn(b, g.n(60000))
	b = append(b, " \"-\" \""...)
	b = append(b, pick(g, agents)...)
	b = append(b, "\" "...)
	return g.dec(b, 2, 3)
}

func (g *Gen) syslogPrefix(b []byte, app string, pid int) []byte {
	b = g.syslogTS(b)
	b = append(b, ' ')
	b = append(b, pick(g, hosts)...)
	b = append(b, ' ')
	b = append(b, app...)
	if pid > 0 {
		b = append(b, '[')
		b = apn(b, pid)
		b = append(b, ']')
	}
	return append(b, ": "...)
}

func (g *Gen) logcatPrefix(b []byte, level, tag string) []byte {
	b = g.logcatTS(b)
	b = append(b, "  "...)
	b = apn(b, 1000+g.n(30000))
	b = append(b, "  "...)
	b = apn(b, 1000+g.n(30000))
	b = append(b, ' ')
	b = append(b, level...)
	b = append(b, ' ')
	b = append(b, tag...)
	for i := len(tag); i < 8; i++ {
		b = append(b, ' ')
	}
	return append(b, ": "...)
}

// ---------------------------------------------------------------- ordinary

func (g *Gen) ordinaryText(b []byte) []byte {
	switch k := g.n(100); {
	case k < 22:
		b = g.accessLine(b)
	case k < 30: // sshd
		b = g.syslogPrefix(b, "sshd", 1000+g.n(60000))
		b = append(b, "Accepted publickey for deploy from "...)
		b = g.ip(b)
		b = append(b, " port "...)
		b = apn(b, 30000+g.n(35000))
		b = append(b, " ssh2: ED25519 SHA256:"...)
		b = g.hex(b, 20)
	case k < 35: // systemd / cron / kernel
		switch g.n(3) {
		case 0:
			b = g.syslogPrefix(b, "systemd", 1)
			b = append(b, "Started Session "...)
			b = apn(b, g.n(9000))
			b = append(b, " of User deploy."...)
		case 1:
			b = g.syslogPrefix(b, "CRON", 1000+g.n(60000))
			b = append(b, "(root) CMD (run-parts /etc/cron.hourly)"...)
		default:
			b = g.syslogPrefix(b, "kernel", 0)
			b = append(b, '[')
			b = apn(b, g.n(900000))
			b = append(b, '.')
			b = apn(b, 100000+g.n(900000))
			b = append(b, "] eth0: link up, 1000 Mbps, full duplex, lpa 0x"...)
			b = g.hex(b, 4)
		}
	case k < 37: // RFC 5424
		b = append(b, "<134>1 "...)
		b = g.iso(b)
		b = append(b, ' ')
		b = append(b, pick(g, hosts)...)
		b = append(b, " haproxy "...)
		b = apn(b, 100+g.n(9000))
		b = append(b, " - - backend "...)
		b = append(b, pick(g, services)...)
		b = append(b, " has "...)
		b = apn(b, g.n(12))
		b = append(b, " servers up, "...)
		b = apn(b, g.n(3))
		b = append(b, " down, queue "...)
		b = apn(b, g.n(40))
	case k < 52: // logcat
		b = g.logcatPrefix(b, pick(g, lcLevels), pick(g, lcTags))
		switch g.n(4) {
		case 0:
			b = append(b, "Start proc "...)
			b = apn(b, 1000+g.n(30000))
			b = append(b, ":com.example.app/u0a"...)
			b = apn(b, 100+g.n(200))
			b = append(b, " for activity {com.example.app/.MainActivity}"...)
		case 1:
			b = append(b, "Displayed com.example.app/.MainActivity: +"...)
			b = apn(b, 100+g.n(900))
			b = append(b, "ms"...)
		case 2:
			b = append(b, "NetworkAgentInfo [WIFI () - "...)
			b = apn(b, 100+g.n(900))
			b = append(b, "] validation passed, rssi -"...)
			b = apn(b, 40+g.n(50))
		default:
			b = append(b, "uid="...)
			b = apn(b, 10000+g.n(300))
			b = append(b, " identical "...)
			b = apn(b, 1+g.n(20))
			b = append(b, " lines"...)
		}
	case k < 72: // Java / log4j style app log
		b = g.spaced(b, ',')
		b = append(b, ' ')
		b = append(b, pick(g, levels)...)
		b = append(b, " [http-nio-8080-exec-"...)
		b = apn(b, 1+g.n(200))
		b = append(b, "] "...)
		b = append(b, pick(g, javaClass)...)
		b = append(b, " - "...)
		switch g.n(4) {
		case 0:
			b = append(b, "processed "...)
			b = append(b, pick(g, words)...)
			b = append(b, ' ')
			b = apn(b, 10000+g.n(90000))
			b = append(b, " in "...)
			b = apn(b, g.n(900))
			b = append(b, " ms (items="...)
			b = apn(b, 1+g.n(12))
			b = append(b, ", total="...)
			b = g.dec(b, 500, 2)
			b = append(b, ')')
		case 1:
			b = append(b, "HikariPool-1 - Pool stats (total="...)
			b = apn(b, 10+g.n(10))
			b = append(b, ", active="...)
			b = apn(b, g.n(10))
			b = append(b, ", idle="...)
			b = apn(b, g.n(10))
			b = append(b, ", waiting=0)"...)
		case 2:
			b = append(b, "Completed "...)
			b = apn(b, pick(g, statuses))
			b = append(b, " OK in "...)
			b = apn(b, g.n(2000))
			b = append(b, "ms"...)
		default:
			b = append(b, "cache refresh for region eu-west-"...)
			b = apn(b, 1+g.n(3))
			b = append(b, " loaded "...)
			b = apn(b, g.n(100000))
			b = append(b, " entries, heap "...)
			b = apn(b, 100+g.n(4000))
			b = append(b, "MB"...)
		}
	case k < 82: // logfmt (Go services)
		b = append(b, "time="...)
		b = g.iso(b)
		b = append(b, " level="...)
		b = append(b, pick(g, []string{"info", "info", "info", "debug", "warn"})...)
		b = append(b, " msg=\"request done\" method="...)
		b = append(b, pick(g, methods)...)
		b = append(b, " path="...)
		b = g.path(b)
		b = append(b, " status="...)
		b = apn(b, pick(g, statuses))
		b = append(b, " duration="...)
		b = g.dec(b, 300, 1)
		b = append(b, "ms bytes="...)
		b = apn(b, g.n(100000))
		b = append(b, " remote="...)
		b = g.ip(b)
		b = append(b, ':')
		b = apn(b, 1024+g.n(60000))
	case k < 84: // java stack frame
		b = append(b, "\tat "...)
		b = append(b, pick(g, javaClass)...)
		b = append(b, ".handle("...)
		b = append(b, "Handler.java:"...)
		b = apn(b, 20+g.n(900))
		b = append(b, ')')
	case k < 92: // JSON app log in a mixed file
		b = g.zapJSON(b)
	default: // container wrapper
		g.s1 = g.logfmtInner(g.s1[:0])
		b = g.dockerWrap(b, g.s1, "stdout")
	}
	return append(b, '\n')
}

func (g *Gen) logfmtInner(b []byte) []byte {
	b = g.iso(b)
	b = append(b, " INFO "...)
	b = append(b, pick(g, services)...)
	b = append(b, " listening on :"...)
	b = apn(b, 8000+g.n(100))
	b = append(b, ", workers="...)
	b = apn(b, 1+g.n(16))
	b = append(b, ", uptime="...)
	b = apn(b, g.n(100000))
	return append(b, 's')
}

func (g *Gen) dockerWrap(b, inner []byte, stream string) []byte {
	b = append(b, `{"log":`...)
	inner = append(inner, '\n')
	b = appendJSONString(b, inner)
	b = append(b, `,"stream":"`...)
	b = append(b, stream...)
	b = append(b, `","time":"`...)
	b = g.date(b)
	b = append(b, 'T')
	b = g.clock(b)
	b = append(b, '.')
	b = ap3(b, g.msec())
	b = apn(b, 100000+g.n(900000))
	return append(b, `Z"}`...)
}

func (g *Gen) zapJSON(b []byte) []byte {
	b = append(b, `{"level":"`...)
	b = append(b, pick(g, []string{"info", "info", "info", "debug", "warn"})...)
	b = append(b, `","ts":"`...)
	b = g.iso(b)
	b = append(b, `","caller":"server/http.go:`...)
	b = apn(b, 50+g.n(400))
	b = append(b, `","msg":"request served","method":"`...)
	b = append(b, pick(g, methods)...)
	b = append(b, `","path":"`...)
	b = g.path(b)
	b = append(b, `","status":`...)
	b = apn(b, pick(g, statuses))
	b = append(b, `,"duration_ms":`...)
	b = g.dec(b, 400, 2)
	b = append(b, `,"bytes":`...)
	b = apn(b, g.n(100000))
	b = append(b, `,"trace_id":"`...)
	b = g.hex(b, 32)
	return append(b, `"}`...)
}

func (g *Gen) ordinaryJSON(b []byte) []byte {
	switch k := g.n(100); {
	case k < 30:
		b = g.zapJSON(b)
	case k < 50: // pino
		b = append(b, `{"level":30,"time":`...)
		b = g.epochMS(b)
		b = append(b, `,"pid":`...)
		b = apn(b, 1+g.n(60000))
		b = append(b, `,"hostname":"`...)
		b = append(b, pick(g, hosts)...)
		b = append(b, `","req":{"id":`...)
		b = apn(b, 1+g.n(1000000))
		b = append(b, `,"method":"`...)
		b = append(b, pick(g, methods)...)
		b = append(b, `","url":"`...)
		b = g.path(b)
		b = append(b, `","remoteAddress":"`...)
		b = g.ip(b)
		b = append(b, `","remotePort":`...)
		b = apn(b, 1024+g.n(60000))
		b = append(b, `},"res":{"statusCode":`...)
		b = apn(b, pick(g, statuses))
		b = append(b, `},"responseTime":`...)
		b = apn(b, g.n(900))
		b = append(b, `,"msg":"request completed"}`...)
	case k < 62: // ECS
		b = append(b, `{"@timestamp":"`...)
		b = g.iso(b)
		b = append(b, `","log.level":"warn","message":"slow query took `...)
		b = apn(b, 500+g.n(5000))
		b = append(b, ` ms","service.name":"`...)
		b = append(b, pick(g, services)...)
		b = append(b, `","event.duration":`...)
		b = apn(b, 500000000+g.n(1000000000))
		b = append(b, `,"db.rows":`...)
		b = apn(b, g.n(10000))
		b = append(b, `,"host.name":"`...)
		b = append(b, pick(g, hosts)...)
		b = append(b, `"}`...)
	case k < 68: // k8s audit: a "code" that is an HTTP status
		b = append(b, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"`...)
		b = g.uuid(b)
		b = append(b, `","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods?limit=500","verb":"list","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","groups":["system:serviceaccounts","system:authenticated"]},"sourceIPs":["`...)
		b = g.ip(b)
		b = append(b, `"],"responseStatus":{"metadata":{},"code":`...)
		b = apn(b, pick(g, statuses))
		b = append(b, `},"requestReceivedTimestamp":"`...)
		b = g.iso(b)
		b = append(b, `"}`...)
	default: // container wrapper of a text line
		g.s1 = g.ordinaryText(g.s1[:0])
		g.s1 = g.s1[:len(g.s1)-1]
		b = g.dockerWrap(b, g.s1, "stdout")
	}
	return append(b, '\n')
}

// decoy appends an ordinary line that looks like an error but is none by the
// spec: a carrier without its cue, a cue without a carrier, numbers that are
// statuses, exit codes or SQL codes.
func (g *Gen) decoy(b []byte) []byte {
	start := len(b)
	switch g.n(10) {
	case 0:
		b = g.syslogPrefix(b, "backup-job", 1000+g.n(60000))
		b = append(b, "job finished exitCode=1 after "...)
		b = g.dec(b, 100, 1)
		b = append(b, 's')
	case 1:
		b = g.spaced(b, '.')
		b = append(b, " WARN  [grpc-default-executor-"...)
		b = apn(b, g.n(8))
		b = append(b, "] rpc error: code = Unavailable desc = connection refused (code=14, retry "...)
		b = apn(b, 1+g.n(5))
		b = append(b, "/5)"...)
	case 2:
		b = g.spaced(b, ',')
		b = append(b, " WARN  [http-nio-8080-exec-3] org.hibernate.engine.jdbc.spi.SqlExceptionHelper - SQL Error: 1062, SQLState: 23000"...)
	case 3:
		b = g.logcatPrefix(b, "I", "ActivityManager")
		b = append(b, "Activity result resultCode=-1 for com.example.app/.PickerActivity requestCode="...)
		b = apn(b, g.n(100))
	case 4:
		b = g.spaced(b, '.')
		b = append(b, " ERROR [payments-sdk] charge failed errorCode="...)
		b = apn(b, -1001-g.n(3))
		b = append(b, " errorMessage=\"request timed out\" status=503"...)
	case 5:
		b = g.logcatPrefix(b, "I", "KnoxMdmService")
		b = append(b, "policy sync completed in "...)
		b = apn(b, g.n(900))
		b = append(b, " ms (items="...)
		b = apn(b, g.n(40))
		b = append(b, ", status=200)"...)
	case 6:
		b = g.ip(b)
		b = append(b, " - - "...)
		b = g.apacheTS(b)
		b = append(b, " \"GET /core/misc/drupal.js?v=10.2."...)
		b = apn(b, g.n(9))
		b = append(b, " HTTP/1.1\" 200 "...)
		b = apn(b, 1000+g.n(50000))
		b = append(b, " \"-\" \""...)
		b = append(b, agents[0]...)
		b = append(b, '"')
	case 7:
		b = append(b, `{"level":"error","ts":"`...)
		b = g.iso(b)
		b = append(b, `","msg":"charge failed","sdk":"payments-js","error":{"errorCode":`...)
		b = apn(b, 4000+g.n(100))
		b = append(b, `,"errorMessage":"card declined"},"http":{"status":402}}`...)
	case 8:
		b = g.date(b)
		b = append(b, '\t')
		b = g.clock(b)
		b = append(b, ':')
		b = ap3(b, g.msec())
		b = append(b, "\t 988\t1a3c\tPT\tWARNING: SyncUpdates failure, error = 0x8024400E, soap error code = 400, HTTP status code = 200"...)
	default:
		b = append(b, `{"level":"warn","msg":"upstream error","service":"`...)
		b = append(b, pick(g, services)...)
		b = append(b, `","upstream":{"code":101,"message":"Object not found."},"db2":"SQLCODE=-204, SQLSTATE=42704"}`...)
	}
	if g.format == JSON && b[start] != '{' {
		g.s2 = append(g.s2[:0], b[start:]...)
		b = g.dockerWrap(b[:start], g.s2, "stderr")
	}
	return append(b, '\n')
}

// ---------------------------------------------------------------- errors

// codeOf picks a code of sys: a catalog code, or now and then (3%) one the
// catalog lacks.
func (g *Gen) codeOf(sys string) code {
	sc := g.sys[sys]
	if g.n(100) < 3 {
		switch sys {
		case "wusp":
			return code{code: "QuotaExceededForClient", msg: "Quota exceeded"}
		case "backend-services":
			for {
				c := strconv.Itoa(1 + g.n(1000))
				if !sc.known[c] {
					return code{code: c, msg: "Unexpected failure."}
				}
			}
		default:
			for {
				c := strconv.Itoa(-9999 + g.n(5000))
				if !sc.known[c] {
					return code{code: c, msg: "Unexpected failure."}
				}
			}
		}
	}
	return pick(g, sc.codes)
}

var sysWeights = []struct {
	sys string
	w   int
}{{"knox-efota", 30}, {"backend-services", 25}, {"drupal-sdk", 20}, {"voltmx-sync", 15}, {"wusp", 10}}

func (g *Gen) errorLine(b []byte) ([]byte, Event) {
	k := g.n(100)
	sys := ""
	for _, sw := range sysWeights {
		if k < sw.w {
			sys = sw.sys
			break
		}
		k -= sw.w
	}
	c := g.codeOf(sys)
	ev := Event{Lines: 1, Annotated: 1, System: sys, Code: c.code}
	start := len(b)
	json := g.format == JSON
	// In the JSON variant about 40% of errors are text lines in a container
	// wrapper; the rest are nested objects.
	wrapText := json && g.n(100) < 40
	switch sys {
	case "voltmx-sync":
		b = g.voltmx(b, c, json && !wrapText)
	case "backend-services":
		b = g.backend(b, c, json && !wrapText)
	case "drupal-sdk":
		b = g.drupal(b, c, json && !wrapText)
	case "knox-efota":
		b = g.knox(b, c, json && !wrapText)
	case "wusp":
		if g.n(3) != 0 {
			b, ev.Lines, ev.Carrier = g.wuspBlock(b, c, json), 6, 2
			return b, ev
		}
		b = g.wuspXML(b, c, json && !wrapText)
	}
	if json && b[start] != '{' {
		g.s2 = append(g.s2[:0], b[start:len(b)-1]...)
		b = g.dockerWrap(b[:start], g.s2, "stderr")
		b = append(b, '\n')
	}
	return b, ev
}

func (g *Gen) voltmx(b []byte, c code, jsonOnly bool) []byte {
	v := g.n(5)
	if jsonOnly {
		v = 3 + g.n(2)
	}
	switch v {
	case 0:
		b = g.spaced(b, '.')
		b = append(b, " ERROR [VMXSync] upload batch "...)
		n := 1 + g.n(9)
		b = apn(b, g.n(n)+1)
		b = append(b, '/')
		b = apn(b, n)
		b = append(b, " failed errorCode="...)
		b = append(b, c.code...)
		b = append(b, " errorMessage="...)
		b = appendJSONStr(b, c.msg)
	case 1:
		b = g.logcatPrefix(b, "E", "VoltMX")
		b = append(b, "VMXSync.onFailure errorCode: "...)
		b = append(b, c.code...)
		b = append(b, ` errorInfo={"objectService":"`...)
		b = append(b, pick(g, []string{"Orders", "Customers", "Visits", "Assets"})...)
		b = append(b, `"}`...)
	case 2:
		b = g.iso(b)
		b = append(b, " fieldops-web["...)
		b = apn(b, 1000+g.n(9000))
		b = append(b, "]: voltmx.sync.startSession error, errorCode: "...)
		b = append(b, c.code...)
		b = append(b, " ("...)
		b = append(b, c.msg...)
		b = append(b, ')')
	case 3:
		b = append(b, `{"ts":"`...)
		b = g.iso(b)
		b = append(b, `","level":"error","app":"FieldOps","host":"`...)
		b = append(b, pick(g, hosts)...)
		b = append(b, `","msg":"syncSession failed","err":{"errorCode":`...)
		if g.n(2) == 0 {
			b = append(b, c.code...)
		} else {
			b = appendJSONStr(b, c.code)
		}
		b = append(b, `,"errrorMessage":`...)
		b = appendJSONStr(b, c.msg)
		b = append(b, `,"errorInfo":{"status":0,"retries":`...)
		b = apn(b, g.n(4))
		b = append(b, `}}}`...)
	default:
		b = append(b, `{"time":"`...)
		b = g.iso(b)
		b = append(b, `","logger":"voltmx.sync","level":"ERROR","context":{"user":"`...)
		b = g.hex(b, 8)
		b = append(b, `","device":"`...)
		b = g.upperID(b, 11)
		b = append(b, `"},"error":{"errorCode":`...)
		b = append(b, c.code...)
		b = append(b, `,"errorMessage":`...)
		b = appendJSONStr(b, c.msg)
		b = append(b, `}}`...)
	}
	return append(b, '\n')
}

func (g *Gen) bsBody(b []byte, c code) []byte {
	if g.n(2) == 0 {
		b = append(b, `{"message":`...)
		b = appendJSONStr(b, c.msg)
		b = append(b, `,"errorCode":`...)
		b = append(b, c.code...)
		return append(b, '}')
	}
	b = append(b, `{"errorCode":`...)
	b = append(b, c.code...)
	b = append(b, `,"message":`...)
	b = appendJSONStr(b, c.msg)
	return append(b, '}')
}

func (g *Gen) backend(b []byte, c code, jsonOnly bool) []byte {
	v := g.n(4)
	if jsonOnly {
		v = 2 + g.n(2)
	}
	status := pick(g, []int{400, 401, 403, 404, 409, 500})
	// A body is Backend Services' by its shape only when the catalog
	// corroborates it (logformats.md section 8); a code the catalog lacks
	// needs the everlive marker on the line.
	client, agent, svc := "bs-client", "okhttp/4.12.0", "catalog-sync"
	if !g.sys["backend-services"].known[c.code] {
		client, agent, svc = "everlive", "Everlive/2.3 okhttp/4.12.0", "everlive-sync"
	}
	switch v {
	case 0:
		b = g.ip(b)
		b = append(b, " - - "...)
		b = g.apacheTS(b)
		b = append(b, " \""...)
		b = append(b, pick(g, methods[:6])...)
		b = append(b, " /v1/Xk3pQ9rT2mWz/"...)
		b = append(b, pick(g, []string{"Books", "Users", "Products", "Orders"})...)
		b = append(b, "?take="...)
		b = apn(b, 10*(1+g.n(10)))
		b = append(b, " HTTP/1.1\" "...)
		b = apn(b, status)
		b = append(b, ' ')
		b = apn(b, 40+g.n(100))
		b = append(b, " \"-\" \""...)
		b = append(b, agent...)
		b = append(b, "\" "...)
		b = g.bsBody(b, c)
	case 1:
		b = g.spaced(b, ',')
		b = append(b, " WARN  ["...)
		b = append(b, client...)
		b = append(b, "] "...)
		b = append(b, pick(g, methods[4:])...)
		b = append(b, " /v1/Xk3pQ9rT2mWz/Users -> "...)
		b = apn(b, status)
		b = append(b, ' ')
		b = g.bsBody(b, c)
	case 2:
		b = append(b, `{"time":"`...)
		b = g.iso(b)
		b = append(b, `","level":"warn",`...)
		if client != "bs-client" {
			b = append(b, `"client":"`...)
			b = append(b, client...)
			b = append(b, `",`...)
		}
		b = append(b, `"req":{"method":"PUT","path":"/v1/Xk3pQ9rT2mWz/Products/`...)
		b = g.hex(b, 4)
		b = append(b, `"},"response":{"status":`...)
		b = apn(b, status)
		b = append(b, `,"body":`...)
		b = g.bsBody(b, c)
		b = append(b, `}}`...)
	default:
		b = append(b, `{"t":"`...)
		b = g.iso(b)
		b = append(b, `","svc":"`...)
		b = append(b, svc...)
		b = append(b, `","upstream_status":`...)
		b = apn(b, status)
		b = append(b, `,"body":`...)
		g.s1 = g.bsBody(g.s1[:0], c)
		b = appendJSONString(b, g.s1)
		b = append(b, '}')
	}
	return append(b, '\n')
}

func (g *Gen) drupal(b []byte, c code, jsonOnly bool) []byte {
	v := g.n(5)
	if jsonOnly {
		v = 2
	}
	switch v {
	case 0:
		b = append(b, "[drupal-sdk] "...)
		b = g.iso(b)
		b = append(b, " ERROR GET /jsonapi/node/article/"...)
		b = g.hex(b, 4)
		b = append(b, ` failed {"code":`...)
		b = append(b, c.code...)
		b = append(b, `,"error":`...)
		b = appendJSONStr(b, c.msg)
		b = append(b, '}')
	case 1:
		b = g.spaced(b, ' ')
		b = b[:len(b)-4]
		b = append(b, " web-7 storefront: DrupalError("...)
		b = append(b, c.code...)
		b = append(b, "): "...)
		b = append(b, c.msg...)
	case 2:
		b = append(b, `{"level":50,"time":`...)
		b = g.epochMS(b)
		b = append(b, `,"pid":`...)
		b = apn(b, 1000+g.n(60000))
		b = append(b, `,"name":"drupal-sdk","err":{"code":"`...)
		b = append(b, c.code...)
		b = append(b, `","message":`...)
		b = appendJSONStr(b, c.msg)
		b = append(b, `}}`...)
	case 3:
		b = g.clock(b)
		b = append(b, '.')
		b = ap3(b, g.msec())
		b = append(b, " console.error Drupal.Error code="...)
		b = append(b, c.code...)
		if c.name != "" {
			b = append(b, ' ')
			b = append(b, c.name...)
		}
		b = append(b, " (https://cms.example.org/jsonapi)"...)
	default:
		b = g.syslogPrefix(b, "node", 1000+g.n(60000))
		b = append(b, "drupal: request to /jsonapi/user/user failed: code: "...)
		b = append(b, c.code...)
		b = append(b, ", status 4"...)
		b = ap2(b, g.n(30))
	}
	return append(b, '\n')
}

func (g *Gen) knox(b []byte, c code, jsonOnly bool) []byte {
	v := g.n(5)
	if jsonOnly {
		v = 2 + 2*g.n(2)
	}
	switch v {
	case 0:
		b = g.logcatPrefix(b, "E", "EFOTA")
		b = append(b, "FotaDownloadTask: download failed resultCode="...)
		b = append(b, c.code...)
	case 1:
		b = g.spaced(b, ',')
		b = append(b, " INFO  [efota-portal] device "...)
		b = g.upperID(b, 11)
		b = append(b, " campaign=CMP-"...)
		b = apn(b, 1000+g.n(9000))
		b = append(b, " status=FAILED result code: "...)
		b = append(b, c.code...)
	case 2:
		b = append(b, `{"source":"knox-efota","exportedAt":"`...)
		b = g.iso(b)
		b = append(b, `","deviceId":"`...)
		b = g.upperID(b, 11)
		b = append(b, `","model":"SM-G9`...)
		b = apn(b, 10+g.n(90))
		b = append(b, `B","resultCode":"`...)
		b = append(b, c.code...)
		b = append(b, `"}`...)
	case 3:
		b = g.syslogPrefix(b, "efota-agent", 100+g.n(9000))
		b = append(b, "install step "...)
		b = apn(b, 1+g.n(4))
		b = append(b, " returned error code "...)
		b = append(b, c.code...)
	default:
		b = append(b, `{"ts":"`...)
		b = g.iso(b)
		b = append(b, `","service":"knox-efota","host":"eu-api.samsungknox.com","http_status":`...)
		b = apn(b, pick(g, []int{200, 200, 503}))
		b = append(b, `,"device":{"imei":"35`...)
		b = apn(b, 1000000000000+g.n(900000000000))
		b = append(b, `","fw":"G991BXXU`...)
		b = apn(b, 1+g.n(9))
		b = append(b, `"},"result":{"resultCode":`...)
		b = append(b, c.code...)
		b = append(b, `,"resultMessage":`...)
		b = appendJSONStr(b, c.msg)
		b = append(b, `}}`...)
	}
	return append(b, '\n')
}

func (g *Gen) wuTS(b []byte) []byte {
	b = g.date(b)
	b = append(b, '\t')
	b = g.clock(b)
	b = append(b, ':')
	return ap3(b, g.msec())
}

// wuspBlock appends a six-line WindowsUpdate.log fault block; only the
// ErrorCode line carries the error.
func (g *Gen) wuspBlock(b []byte, c code, json bool) []byte {
	pid := 100 + g.n(9000)
	g.s2 = g.hex(g.s2[:0], 4)
	tid := string(g.s2)
	lines := []string{"SOAP Fault: 0x000190", "    faultstring:Fault occurred", "    ErrorCode:" + c.code + "(" + strconv.Itoa(1+g.n(12)) + ")", "    Message:(null)", `    Method:"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/` + pick(g, []string{"GetCookie", "SyncUpdates", "GetExtendedUpdateInfo"}) + `"`, "    ID:"}
	for i, text := range lines {
		start := len(b)
		b = g.wuTS(b)
		b = append(b, '\t', ' ')
		b = apn(b, pid)
		b = append(b, '\t')
		b = append(b, tid...)
		b = append(b, "\tPT\tWARNING: "...)
		b = append(b, text...)
		if i == 5 {
			b = g.uuid(b)
		}
		if json {
			g.s1 = append(g.s1[:0], b[start:]...)
			b = g.dockerWrap(b[:start], g.s1, "stdout")
		}
		b = append(b, '\n')
	}
	return b
}

func (g *Gen) wuspXML(b []byte, c code, jsonOnly bool) []byte {
	g.s1 = append(g.s1[:0], "<detail><ErrorCode>"...)
	g.s1 = append(g.s1, c.code...)
	g.s1 = append(g.s1, "</ErrorCode><Message>"...)
	g.s1 = append(g.s1, c.msg...)
	g.s1 = append(g.s1, "</Message><ID>"...)
	g.s1 = g.uuid(g.s1)
	g.s1 = append(g.s1, "</ID><Method>http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/SyncUpdates</Method></detail>"...)
	if jsonOnly {
		b = append(b, `{"ts":"`...)
		b = g.iso(b)
		b = append(b, `","component":"wsus-proxy","event":"soap_fault","detail":`...)
		b = appendJSONString(b, g.s1)
		b = append(b, '}')
	} else {
		b = append(b, g.s1...)
	}
	return append(b, '\n')
}
