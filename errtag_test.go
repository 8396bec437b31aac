package errtag_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/errtag/errtag"
	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/cli"
)

// builtin is a Tagger of the built-in catalogs and rules, shared by the
// tests as a program shares one.
var builtin = sync.OnceValues(func() (*errtag.Tagger, error) { return errtag.New(errtag.Config{}) })

func tagger(t *testing.T) *errtag.Tagger {
	t.Helper()
	tg, err := builtin()
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// sampleLogs are the sample logs whose CLI output testdata/golden holds
// (internal/cli's TestGolden keeps them the CLI's).
func sampleLogs(t *testing.T) []string {
	t.Helper()
	logs, err := filepath.Glob(filepath.Join("testdata", "logs", "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no sample logs: %v", err)
	}
	return logs
}

func golden(t *testing.T, log, format string) []byte {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(log), ".log")+"."+format))
	if err != nil {
		t.Fatal(err)
	}
	return want
}

var formats = map[string]errtag.Format{"auto": errtag.Auto, "json": errtag.JSON}

// TestFilterWritesWhatTheCLIWrites: Filter's output is the CLI's, byte for
// byte, in both formats.
func TestFilterWritesWhatTheCLIWrites(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	for _, log := range sampleLogs(t) {
		in, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		for name, f := range formats {
			var out bytes.Buffer
			st, err := tg.Filter(context.Background(), &out, bytes.NewReader(in), errtag.Output{Format: f})
			if err != nil {
				t.Fatalf("%s %s: %v", log, name, err)
			}
			if want := golden(t, log, name); !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%s %s: Filter wrote\n%s\nthe CLI wrote\n%s", log, name, out.Bytes(), want)
			}
			lines := bytes.Count(in, []byte("\n"))
			if !bytes.HasSuffix(in, []byte("\n")) {
				lines++ // a last line without a newline
			}
			if st.Bytes != int64(len(in)) || st.Lines != int64(lines) {
				t.Errorf("%s: stats %+v for %d bytes", log, st, len(in))
			}
		}
	}
}

// TestFilterFileFromDisk: an *os.File of a regular file is read in large
// chunks, with the same output.
func TestFilterFileFromDisk(t *testing.T) {
	t.Parallel()
	log := filepath.Join("testdata", "logs", "mixed.log")
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if _, err := tagger(t).Filter(context.Background(), &out, f, errtag.Output{}); err != nil {
		t.Fatal(err)
	}
	if want := golden(t, log, "auto"); !bytes.Equal(out.Bytes(), want) {
		t.Errorf("from the file:\n%s\nwant\n%s", out.Bytes(), want)
	}
}

// TestAnnotateWritesWhatTheCLIWrites: each line through Annotate is the
// CLI's line.
func TestAnnotateWritesWhatTheCLIWrites(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	for _, log := range sampleLogs(t) {
		in, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		for name, f := range formats {
			var out []byte
			for _, line := range bytes.SplitAfter(in, []byte("\n")) {
				out = tg.Annotate(out, line, errtag.Output{Format: f})
			}
			if want := golden(t, log, name); !bytes.Equal(out, want) {
				t.Errorf("%s %s: Annotate wrote\n%s\nthe CLI wrote\n%s", log, name, out, want)
			}
		}
	}
}

// TestMarshalJSONIsTheCLIShape: Match's annotations through encoding/json
// (HTML escaping off) and AppendJSON are the "errtag" array the CLI writes
// for the line, byte for byte.
func TestMarshalJSONIsTheCLIShape(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	n := 0
	for _, log := range sampleLogs(t) {
		in, _ := os.ReadFile(log)
		lines := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
		records := strings.Split(strings.TrimSuffix(string(golden(t, log, "json")), "\n"), "\n")
		if len(lines) != len(records) {
			t.Fatalf("%s: %d lines, %d records", log, len(lines), len(records))
		}
		for i, line := range lines {
			var rec struct {
				Errtag json.RawMessage `json:"errtag"`
			}
			if err := json.Unmarshal([]byte(records[i]), &rec); err != nil {
				t.Fatal(err)
			}
			anns := tg.Match([]byte(line))
			if rec.Errtag == nil {
				if anns != nil {
					t.Errorf("%s:%d: Match found %v, the CLI nothing", log, i+1, anns)
				}
				continue
			}
			var enc bytes.Buffer
			e := json.NewEncoder(&enc)
			e.SetEscapeHTML(false)
			if err := e.Encode(anns); err != nil {
				t.Fatal(err)
			}
			if got := bytes.TrimSuffix(enc.Bytes(), []byte("\n")); !bytes.Equal(got, rec.Errtag) {
				t.Errorf("%s:%d:\nencoding/json %s\nthe CLI       %s", log, i+1, got, rec.Errtag)
			}
			if got := errtag.AppendJSON(nil, anns, errtag.Fields{}); !bytes.Equal(got, rec.Errtag) {
				t.Errorf("%s:%d:\nAppendJSON %s\nthe CLI    %s", log, i+1, got, rec.Errtag)
			}
			n++
		}
	}
	if n < 20 {
		t.Errorf("only %d annotated lines compared", n)
	}
	// json.Marshal escapes what HTML would take for markup, and means the
	// same.
	a := errtag.Annotation{Entry: catalog.Entry{System: "s", Code: "1", Name: "N", Message: "a <b> & c"}, Known: true}
	got, err := json.Marshal(a)
	if want := `{"system":"s","code":"1","name":"N","message":"a \u003cb\u003e \u0026 c"}`; err != nil || string(got) != want {
		t.Errorf("json.Marshal: %s, %v; want %s", got, err, want)
	}
	if got, want := errtag.AppendJSON(nil, []errtag.Annotation{a}, errtag.Fields{}), `[{"system":"s","code":"1","name":"N","message":"a <b> & c"}]`; string(got) != want {
		t.Errorf("AppendJSON: %s, want %s", got, want)
	}
}

// TestUnmarshalJSON: what the CLI writes, with every field, reads back into
// the annotation Match gives, but for what the JSON does not hold.
func TestUnmarshalJSON(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	all, err := errtag.ParseFields("system,code,name,category,group,message,remediation,known,alternatives,rule,cue")
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012 errorMessage=\"host not available\"",
		`{"level":"error","service":"efota","resultCode":-1401,"msg":"x"}`,
		"EFOTA resultCode=-99999 something odd",
	}
	for _, line := range lines {
		anns := tg.Match([]byte(line))
		if len(anns) == 0 {
			t.Fatalf("no annotation on %q", line)
		}
		for k, fields := range []errtag.Fields{{}, all} {
			var back []errtag.Annotation
			if err := json.Unmarshal(errtag.AppendJSON(nil, anns, fields), &back); err != nil {
				t.Fatal(err)
			}
			for i := range anns {
				want := anns[i]
				want.Offset, want.Entry.Description, want.Entry.Source = 0, "", ""
				want.Entry.CategoryGuessed, want.Entry.NameGuessed, want.Entry.MessagePrefix = false, false, ""
				if !want.Known {
					want.Entry = catalog.Entry{System: anns[i].Entry.System, Code: anns[i].Entry.Code}
				}
				want.Alternatives = nil
				for _, alt := range anns[i].Alternatives {
					want.Alternatives = append(want.Alternatives, catalog.Entry{System: alt.System, Code: alt.Code, Name: alt.Name})
				}
				if k == 0 { // the default fields: no rule, no cue
					want.Rule, want.Cue = "", errtag.CueCarrier
				}
				if !reflect.DeepEqual(back[i], want) {
					t.Errorf("%q:\nread back %+v\nwant      %+v", line, back[i], want)
				}
			}
		}
	}
	var a errtag.Annotation
	if err := json.Unmarshal([]byte(`{"system":"x","code":"1","cue":"sideways"}`), &a); err == nil {
		t.Error("an unknown cue was read")
	}
}

// TestNewErrorsAreTheCLIs: a bad rule or catalog file, or a config file's
// disable: or inputs: entry given as Config, is reported with its file and
// line, in the CLI's words.
func TestNewErrorsAreTheCLIs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badRules := filepath.Join(dir, "rules.yaml")
	os.WriteFile(badRules, []byte("rules:\n  - id: x\n    system: wusp\n    regex: '('\n"), 0o644)
	badCatalog := filepath.Join(dir, "catalog.yaml")
	os.WriteFile(badCatalog, []byte("system: payments\nentries:\n  - code: \"E42\"\n    name: CARD_DECLINED\n    category: nosuch\n    message: \"x\"\n"), 0o644)
	// A config file's disable: and inputs: are Config's Disable and Inputs.
	badDisable := filepath.Join(dir, "disable.yaml")
	os.WriteFile(badDisable, []byte("disable:\n  - nosuch\n"), 0o644)
	badInputs := filepath.Join(dir, "inputs.yaml")
	os.WriteFile(badInputs, []byte("inputs:\n  - path: '*'\n    system: nosuch\n"), 0o644)
	// A second YAML document would be ignored: it is an error.
	twoCatalogs := filepath.Join(dir, "two-catalogs.yaml")
	os.WriteFile(twoCatalogs, []byte("system: payments\nentries:\n  - code: \"E42\"\n    name: CARD_DECLINED\n    category: validation\n    message: \"x\"\n---\nsystem: refunds\nentries: []\n"), 0o644)
	twoRules := filepath.Join(dir, "two-rules.yaml")
	os.WriteFile(twoRules, []byte("rules: []\n\n--- # the second\nrules:\n  - id: x\n    system: wusp\n    regex: '('\n"), 0o644)
	for _, c := range []struct {
		cfg  errtag.Config
		args []string
		want string
	}{
		{errtag.Config{Rules: []string{badRules}}, []string{"--rules", badRules}, badRules + ":4: "},
		{errtag.Config{Catalogs: []string{badCatalog}}, []string{"--catalog", badCatalog}, badCatalog + ":5: "},
		{errtag.Config{Catalogs: []string{twoCatalogs}}, []string{"--catalog", twoCatalogs}, twoCatalogs + ":7: more than one YAML document; errtag reads one per file"},
		{errtag.Config{Rules: []string{twoRules}}, []string{"--rules", twoRules}, twoRules + ":3: more than one YAML document; errtag reads one per file"},
		{errtag.Config{Disable: []errtag.Disable{{Rule: "nosuch", File: badDisable, Line: 2}}}, []string{"--config", badDisable}, badDisable + ":2: disable: "},
		{errtag.Config{Inputs: []errtag.Input{{Path: "*", System: "nosuch", File: badInputs, Line: 2}}}, []string{"--config", badInputs}, badInputs + `:2: inputs: unknown system "nosuch"`},
	} {
		_, err := errtag.New(c.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Fatalf("New: %v, want %s...", err, c.want)
		}
		var stderr bytes.Buffer
		cli.Main(c.args, cli.Env{Stdin: strings.NewReader(""), Stderr: &stderr})
		if want := "errtag: " + err.Error() + "\n"; stderr.String() != want {
			t.Errorf("the CLI said\n%s\nNew said\n%s", stderr.String(), want)
		}
	}
	// The same rules given as data are named as the data's Name.
	data, _ := os.ReadFile(badRules)
	_, err := errtag.New(errtag.Config{RuleData: []errtag.Source{{Name: "mine.yaml", Data: data}}})
	if err == nil || !strings.HasPrefix(err.Error(), `mine.yaml:4: rule "x": bad regex`) {
		t.Errorf("rules as data: %v", err)
	}
	if _, err := errtag.New(errtag.Config{System: "nosuch"}); err == nil || !strings.Contains(err.Error(), `"nosuch" (known: backend-services, drupal-sdk, knox-efota, voltmx-sync, wusp)`) {
		t.Errorf("unknown system: %v", err)
	}
}

// TestConfigData: catalogs and rules given as data are used, after the
// built-in ones, and System applies.
func TestConfigData(t *testing.T) {
	t.Parallel()
	tg, err := errtag.New(errtag.Config{
		CatalogData: []errtag.Source{{Name: "payments.yaml", Data: []byte(paymentsCatalog)}},
		RuleData:    []errtag.Source{{Name: "payments-rules.yaml", Data: []byte(paymentsRules)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	anns := tg.Match([]byte("paygw charge failed decline_code=E42"))
	if len(anns) != 1 || anns[0].Entry.Name != "CARD_DECLINED" || anns[0].Cue != errtag.CueMarker || anns[0].Rule != "payments.decline" {
		t.Errorf("annotations %+v", anns)
	}
	if !tg.Catalog().HasSystem("payments") || !tg.Catalog().HasSystem("knox-efota") {
		t.Errorf("systems %v", tg.Catalog().Systems())
	}
	// The marker rule runs without its marker once System names it.
	named, err := errtag.New(errtag.Config{System: "payments",
		CatalogData: []errtag.Source{{Name: "payments.yaml", Data: []byte(paymentsCatalog)}},
		RuleData:    []errtag.Source{{Name: "payments-rules.yaml", Data: []byte(paymentsRules)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if anns := named.Match([]byte("charge failed decline_code=E42")); len(anns) != 1 || anns[0].Cue != errtag.CueSystem {
		t.Errorf("with System: %+v", anns)
	}
	if len(tg.Warnings()) != 0 {
		t.Errorf("warnings %v", tg.Warnings())
	}
}

const paymentsCatalog = `system: payments
title: Payments gateway
entries:
  - code: "E42"
    name: CARD_DECLINED
    category: validation
    message: "The card was declined."
    remediation: "Ask the customer for another card."
`

const paymentsRules = `markers:
  payments: [paygw]
rules:
  - id: payments.decline
    system: payments
    cue: marker
    code_type: name
    regex: 'decline_code=(?P<code>E\d+)'
`

// TestWarnings: a rule that cannot find its system's codes is a warning
// naming its file and line.
func TestWarnings(t *testing.T) {
	t.Parallel()
	tg, err := errtag.New(errtag.Config{
		CatalogData: []errtag.Source{{Name: "payments.yaml", Data: []byte(paymentsCatalog)}},
		RuleData: []errtag.Source{{Name: "r.yaml", Data: []byte(`rules:
  - id: payments.number
    system: payments
    regex: 'pay=(?P<code>\d+)'
`)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ws := tg.Warnings()
	if len(ws) != 1 || !strings.HasPrefix(ws[0].Error(), `r.yaml:2: rule "payments.number"`) {
		t.Errorf("warnings %v", ws)
	}
}

// TestFilterLosesNothing: hostile bytes, CRLF, a line over MaxLine and a last
// line without a newline come out byte for byte (Auto), and the long line
// unannotated.
func TestFilterLosesNothing(t *testing.T) {
	t.Parallel()
	code := "EFOTA download failed resultCode=-1401"
	long := code + " " + strings.Repeat("x", 300)
	in := "a\x00b\xff\xfe\r\n" + code + "\r\n" + long + "\n\r\n" + code
	var out bytes.Buffer
	st, err := tagger(t).Filter(context.Background(), &out, strings.NewReader(in), errtag.Output{MaxLine: 100})
	if err != nil {
		t.Fatal(err)
	}
	ann := tagger(t).Annotate(nil, []byte(code), errtag.Output{})
	want := "a\x00b\xff\xfe\r\n" + string(ann) + "\r\n" + long + "\n\r\n" + string(ann)
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
	if st != (errtag.Stats{Bytes: int64(len(in)), Lines: 5, Annotated: 2}) {
		t.Errorf("stats %+v", st)
	}
}

// TestFilterStopsBetweenReads: a stop ends Filter at its next read, after
// it wrote all that the reads before returned.
func TestFilterStopsBetweenReads(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	chunks := []string{"first line\n", "half a li", "ne\n", "never read\n"}
	r := readerFunc(func(p []byte) (int, error) {
		if len(chunks) == 2 {
			cancel() // the stop comes while the third read is under way
		}
		n := copy(p, chunks[0])
		chunks = chunks[1:]
		return n, nil
	})
	var out bytes.Buffer
	_, err := tagger(t).Filter(ctx, &out, r, errtag.Output{})
	if !errors.Is(err, context.Canceled) || out.String() != "first line\nhalf a line\n" {
		t.Errorf("Filter returned %v, wrote %q", err, out.String())
	}
}

type readerFunc func(p []byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// TestFilterErrors: a failing writer stops Filter with its error; a failing
// reader's error comes after what was read before it.
func TestFilterErrors(t *testing.T) {
	t.Parallel()
	errWrite := errors.New("disk full")
	_, err := tagger(t).Filter(context.Background(), failingWriter{errWrite}, strings.NewReader("a\nb\n"), errtag.Output{})
	if !errors.Is(err, errWrite) {
		t.Errorf("write error: %v", err)
	}
	errRead := errors.New("connection reset")
	var out bytes.Buffer
	_, err = tagger(t).Filter(context.Background(), &out, io.MultiReader(strings.NewReader("a\nb"), failingReader{errRead}), errtag.Output{})
	if !errors.Is(err, errRead) || !strings.Contains(err.Error(), "at byte 3") {
		t.Errorf("read error: %v", err)
	}
	if out.String() != "a\nb" {
		t.Errorf("before the read error: %q", out.String())
	}
	if _, err := tagger(t).Filter(context.Background(), &out, strings.NewReader(""), errtag.Output{Format: 7}); err == nil {
		t.Error("an unknown format was taken")
	}
}

// TestConcurrentUse: one Tagger, many goroutines, the same answers (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	log := filepath.Join("testdata", "logs", "mixed.log")
	in, _ := os.ReadFile(log)
	want := golden(t, log, "json")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			if _, err := tg.Filter(context.Background(), &out, bytes.NewReader(in), errtag.Output{Format: errtag.JSON}); err != nil || !bytes.Equal(out.Bytes(), want) {
				t.Errorf("goroutine %d: %v, output differs: %t", i, err, !bytes.Equal(out.Bytes(), want))
			}
			for _, line := range bytes.Split(in, []byte("\n")) {
				tg.Match(line)
			}
		}()
	}
	wg.Wait()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// TestDisableAndInputs: Disable switches off built-in rules and those of
// the first DisableAfter rule files, by id or by system; For gives an
// input the Tagger its binding says; entries without a file are named by
// their place in Config.
func TestDisableAndInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mine := filepath.Join(dir, "mine.yaml")
	os.WriteFile(mine, []byte("rules:\n  - id: generic.mine\n    system: '*'\n    regex: 'mycode=(?P<code>\\d+)'\n"), 0o644)
	later := filepath.Join(dir, "later.yaml")
	os.WriteFile(later, []byte("rules:\n  - id: generic.later\n    system: '*'\n    regex: 'latercode=(?P<code>\\d+)'\n"), 0o644)
	line := []byte("result code=401 mycode=7 latercode=8")
	codes := func(anns []errtag.Annotation) (out []string) {
		for _, a := range anns {
			out = append(out, a.Entry.System+"/"+a.Entry.Code)
		}
		return out
	}
	cfg := errtag.Config{
		Rules: []string{mine, later},
		Inputs: []errtag.Input{
			{Path: "/var/log/knox/", System: "knox-efota", Only: true},
			{Path: "*.wu.log", System: "wusp"},
		},
	}
	all, err := errtag.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	knox := all.For("/var/log/knox/a.log")
	if got := codes(knox.Match(line)); !reflect.DeepEqual(got, []string{"knox-efota/401", "knox-efota/7", "knox-efota/8"}) {
		t.Errorf("bound input, nothing disabled: %v", got)
	}
	if got, want := codes(all.For("other.log").Match(line)), codes(all.Match(line)); !reflect.DeepEqual(got, want) {
		t.Errorf("unbound input: %v, New's Tagger: %v", got, want)
	}
	cfg.Disable = []errtag.Disable{{Rule: "knox-efota.text-result"}, {Rule: "generic.mine"}}
	cfg.DisableAfter = 1
	off, err := errtag.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(off.For("/var/log/knox/a.log").Match(line)); !reflect.DeepEqual(got, []string{"knox-efota/8"}) {
		t.Errorf("disabled knox-efota.text-result and generic.mine: %v", got)
	}
	cfg.Disable = []errtag.Disable{{System: "*"}}
	cfg.DisableAfter = 2
	off, err = errtag.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(off.For("/var/log/knox/a.log").Match(line)); !reflect.DeepEqual(got, []string{"knox-efota/401"}) {
		t.Errorf("disabled the generic rules of both files: %v", got)
	}
	for _, c := range []struct {
		cfg  errtag.Config
		want string
	}{
		{errtag.Config{Disable: []errtag.Disable{{Rule: "knox-efota.text-result"}, {}}}, "Config.Disable:2: disable: give the id"},
		{errtag.Config{Disable: []errtag.Disable{{Rule: "[x"}}}, `Config.Disable:1: disable: bad pattern "[x"`},
		{errtag.Config{Disable: []errtag.Disable{{Rule: "nosuch", File: "errtag.yaml", Line: 7}}}, `errtag.yaml:7: disable: no rule loaded before this file has id "nosuch"`},
		{errtag.Config{Rules: []string{mine}, Disable: []errtag.Disable{{Rule: "generic.mine"}}}, `Config.Disable:1: disable: no rule loaded before this file has id "generic.mine"`},
		{errtag.Config{Inputs: []errtag.Input{{Path: "*", System: "nosuch"}}}, `Config.Inputs:1: inputs: unknown system "nosuch"`},
		{errtag.Config{Inputs: []errtag.Input{{Path: "logs/*.log", System: "wusp", File: "errtag.yaml", Line: 3}}}, `errtag.yaml:3: inputs: path "logs/*.log"`},
	} {
		if _, err := errtag.New(c.cfg); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %s...", c.cfg, err, c.want)
		}
	}
}

// TestDuplicateKeysAreAmbiguous: a JSON object with the code's key twice,
// with different values, is not annotated from either (encoding/json reads
// the last, gjson the first); the same value twice is.
func TestDuplicateKeysAreAmbiguous(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	for _, line := range []string{
		`{"source":"knox-efota","resultCode":"960","resultCode":"-1401"}`,
		`{"errorCode":-1012,"errrorMessage":"Failed","errorCode":-1013}`,
	} {
		if anns := tg.Match([]byte(line)); anns != nil {
			t.Errorf("%s: annotated %v", line, anns)
		}
		if out := tg.Annotate(nil, []byte(line+"\n"), errtag.Output{}); string(out) != line+"\n" {
			t.Errorf("Annotate wrote %s", out)
		}
	}
	anns := tg.Match([]byte(`{"source":"knox-efota","resultCode":"-1401","resultCode":"-1401"}`))
	if len(anns) != 1 || anns[0].Entry.Code != "-1401" {
		t.Errorf("the same value twice: %v", anns)
	}
}

// TestLastCRIsContent: a line ends in LF, and only a CR before the LF
// belongs to the terminator: a CR at the end of a last line without LF is
// part of the line, in Filter and Annotate alike.
func TestLastCRIsContent(t *testing.T) {
	t.Parallel()
	tg := tagger(t)
	code, _ := errtag.ParseFields("code")
	for _, c := range []struct {
		in   string
		o    errtag.Output
		want string
	}{
		{"abc\r", errtag.Output{Format: errtag.JSON}, `{"log":"abc\r"}` + "\n"},
		{"E EFOTA resultCode=-1401\r", errtag.Output{Fields: code}, "E EFOTA resultCode=-1401\r errtag.code=-1401"},
		{"E EFOTA resultCode=-1401\r\n", errtag.Output{Fields: code}, "E EFOTA resultCode=-1401 errtag.code=-1401\r\n"},
	} {
		var out bytes.Buffer
		if _, err := tg.Filter(context.Background(), &out, strings.NewReader(c.in), c.o); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("Filter %q: %q, want %q", c.in, out.String(), c.want)
		}
		if got := tg.Annotate(nil, []byte(c.in), c.o); string(got) != c.want {
			t.Errorf("Annotate %q: %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCatalogIsACopy: changing what Catalog returns does not change the
// Tagger, nor race with its matching (go test -race); the copy has the
// change.
func TestCatalogIsACopy(t *testing.T) {
	t.Parallel()
	tg, err := errtag.New(errtag.Config{})
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("EFOTA download failed resultCode=-1401")
	before := tg.Match(line)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 100 {
			tg.Match(line)
		}
	}()
	c := tg.Catalog()
	err = c.Add("mine.yaml", []byte("system: knox-efota\nentries:\n  - code: \"-1401\"\n    name: CHANGED\n    category: internal\n    message: changed\n"))
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if got := tg.Match(line); !reflect.DeepEqual(got, before) || got[0].Entry.Name != "DOWNLOAD_REJECTED_BY_USER" {
		t.Errorf("the Tagger changed: %v, was %v", got, before)
	}
	if e := c.Lookup("knox-efota", "-1401"); len(e) != 1 || e[0].Name != "CHANGED" {
		t.Errorf("the copy: %v", e)
	}
	if e := tg.Catalog().Lookup("knox-efota", "-1401"); e[0].Name != "DOWNLOAD_REJECTED_BY_USER" {
		t.Errorf("a new copy: %v", e)
	}
}

// TestZeroTaggerSaysUseNew: the zero Tagger and a nil *Tagger panic with a
// message naming New, not with a nil dereference.
func TestZeroTaggerSaysUseNew(t *testing.T) {
	t.Parallel()
	var nilTagger *errtag.Tagger
	for name, tg := range map[string]*errtag.Tagger{"zero": {}, "nil": nilTagger} {
		for call, f := range map[string]func(){
			"Match":    func() { tg.Match([]byte("x")) },
			"Annotate": func() { tg.Annotate(nil, []byte("x"), errtag.Output{}) },
			"Filter": func() {
				tg.Filter(context.Background(), io.Discard, strings.NewReader("x"), errtag.Output{})
			},
			"For":      func() { tg.For("x") },
			"Catalog":  func() { tg.Catalog() },
			"Warnings": func() { tg.Warnings() },
		} {
			func() {
				defer func() {
					if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "errtag.New") {
						t.Errorf("%s Tagger, %s: panic %v", name, call, r)
					}
				}()
				f()
			}()
		}
	}
}

// TestUnmarshalJSONNullAndErrors: null leaves an annotation as it was
// (encoding/json's rule), and a wrong type is reported in the annotation's
// words, never with the Go type errtag decodes through.
func TestUnmarshalJSONNullAndErrors(t *testing.T) {
	t.Parallel()
	a := errtag.Annotation{Rule: "r", Offset: 7, Known: false, Cue: errtag.CueShape}
	keep := a
	if err := json.Unmarshal([]byte("null"), &a); err != nil || !reflect.DeepEqual(a, keep) {
		t.Errorf("null: %v, %+v", err, a)
	}
	if err := a.UnmarshalJSON([]byte(" null ")); err != nil || !reflect.DeepEqual(a, keep) {
		t.Errorf("null, called directly: %v, %+v", err, a)
	}
	var list []*errtag.Annotation
	if err := json.Unmarshal([]byte(`[null,{"system":"s","code":"1"}]`), &list); err != nil || list[0] != nil || list[1].Entry.Code != "1" {
		t.Errorf("[null,{...}]: %v, %v", err, list)
	}
	for in, want := range map[string]string{
		`[]`:                          "errtag: an annotation is a JSON object, not an array",
		`"x"`:                         "errtag: an annotation is a JSON object, not a string",
		`{"code":1}`:                  `errtag: the annotation's "code" is a JSON number, not a string`,
		`{"alternatives":"A"}`:        `errtag: the annotation's "alternatives" is a JSON string, not an array of strings`,
		`{"known":"yes"}`:             `errtag: the annotation's "known" is a JSON string, not a boolean`,
		`{"system":"s","cue":"side"}`: `errtag: unknown cue "side" (carrier, marker, shape or system)`,
	} {
		var a errtag.Annotation
		err := json.Unmarshal([]byte(in), &a)
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %s", in, err, want)
		}
	}
}

// TestCueAndFormatAsText: Cue and Format read and write their names, as
// errtag's output and --format spell them; a value that is none is named
// Cue(N) everywhere, AppendJSON too.
func TestCueAndFormatAsText(t *testing.T) {
	t.Parallel()
	for c := errtag.CueCarrier; c <= errtag.CueSystem; c++ {
		b, err := c.MarshalText()
		var back errtag.Cue
		if err != nil || back.UnmarshalText(b) != nil || back != c {
			t.Errorf("%v: %q %v, back %v", c, b, err, back)
		}
	}
	b, err := json.Marshal(map[string]errtag.Cue{"cue": errtag.CueShape})
	if err != nil || string(b) != `{"cue":"shape"}` {
		t.Errorf("json.Marshal: %s %v", b, err)
	}
	if _, err := errtag.Cue(9).MarshalText(); err == nil {
		t.Error("Cue(9) marshalled")
	}
	fields, _ := errtag.ParseFields("system,cue")
	got := errtag.AppendJSON(nil, []errtag.Annotation{{Entry: catalog.Entry{System: "s"}, Cue: errtag.Cue(9)}}, fields)
	if string(got) != `[{"system":"s","cue":"Cue(9)"}]` {
		t.Errorf("AppendJSON of Cue(9): %s", got)
	}
	for _, f := range []errtag.Format{errtag.Auto, errtag.JSON} {
		if back, err := errtag.ParseFormat(f.String()); err != nil || back != f {
			t.Errorf("%v: %v %v", f, back, err)
		}
	}
	if _, err := errtag.ParseFormat("text"); err == nil {
		t.Error(`ParseFormat("text") gave no error`)
	}
	if s := errtag.Format(5).String(); s != "Format(5)" {
		t.Errorf("Format(5): %s", s)
	}
}

// TestConfigOutOfRange: a DisableAfter that counts no files of Rules and a
// Source without a Name are errors, not silently taken.
func TestConfigOutOfRange(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cfg  errtag.Config
		want string
	}{
		{errtag.Config{DisableAfter: -1}, "errtag: Config.DisableAfter is -1, out of range: the number of files of Rules that Disable applies to, 0 to 0"},
		{errtag.Config{Rules: []string{"a.yaml"}, DisableAfter: 2}, "errtag: Config.DisableAfter is 2, out of range: the number of files of Rules that Disable applies to, 0 to 1"},
		{errtag.Config{CatalogData: []errtag.Source{{Data: []byte(paymentsCatalog)}}}, "errtag: Config.CatalogData[0] has no Name (messages name the data by it, as FILE:LINE)"},
		{errtag.Config{RuleData: []errtag.Source{{Name: "a"}, {Data: []byte("rules: []\n")}}}, "errtag: Config.RuleData[1] has no Name (messages name the data by it, as FILE:LINE)"},
	} {
		if _, err := errtag.New(c.cfg); err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %s", c.cfg, err, c.want)
		}
	}
}

// TestFilterCloseStopsAnyReader: a read of a reader that is no *os.File is
// waited for after ctx is done; closing the reader, as the docs tell
// embedders, ends it, and Filter returns the read's error (or ctx's, when
// it asked ctx before that read) after writing what it read.
func TestFilterCloseStopsAnyReader(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, func() { pr.Close() })
	defer stop()
	go func() {
		pw.Write([]byte("EFOTA download failed resultCode=-1401\nunfinished"))
		cancel() // after Filter took the bytes: io.Pipe's Write waits for the read
	}()
	var out bytes.Buffer
	st, err := tagger(t).Filter(ctx, &out, pr, errtag.Output{Fields: mustFields(t, "code")})
	if !errors.Is(err, io.ErrClosedPipe) && err != context.Canceled {
		t.Errorf("error %v, want the read's io.ErrClosedPipe or context.Canceled", err)
	}
	if want := "EFOTA download failed resultCode=-1401 errtag.code=-1401\nunfinished"; out.String() != want || st.Lines != 2 {
		t.Errorf("wrote %q (%d lines), want %q", out.String(), st.Lines, want)
	}
}

func mustFields(t *testing.T, list string) errtag.Fields {
	t.Helper()
	f, err := errtag.ParseFields(list)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
