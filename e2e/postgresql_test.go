//go:build linux

package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The PostgreSQL example (examples/systems/postgresql/) scored on real
// PostgreSQL 15 logs (testdata/postgresql/, made by make-logs.sh), run the
// way its users run it, from the repository root with the config and
// nothing else:
//
//	errtag --config examples/systems/postgresql/errtag.yaml FILE
//
// The ground truth comes from the logs themselves, never from the rules:
// the SQLSTATE the server wrote on the record (verbose text, %e in the
// prefix, csvlog's column 13, jsonlog's state_code); for default-verbosity
// text, which has none, the SQLSTATE of the same record in the csvlog the
// same server wrote in the same run (matched by time, process and
// message). An error is a record of severity ERROR, FATAL or PANIC; its
// first line (in csvlog, the line that starts the record) is where its
// annotation belongs.
//
// ERRTAG_PG_LOGS=DIR scores the logs in DIR instead (make-logs.sh
// --variant holdout writes some for blind scoring); the scores are logged
// with -v, and each miss and wrong annotation is named.

// pgFormat is one of the log files and what it must score.
type pgFormat struct {
	file      string
	minRecall float64
	truth     func(t *testing.T, dir string, lines []string) map[int]string
}

var pgFormats = []pgFormat{
	{"verbose.log", 0.95, verboseTruth},
	{"sqlstate.log", 0.95, prefixTruth},
	{"default.csv", 0.95, csvTruth},
	{"default.json", 0.95, jsonTruth},
	{"default.log", 0.85, defaultTruth},
}

func TestPostgreSQLExample(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("ERRTAG_PG_LOGS")
	if dir == "" {
		dir = filepath.Join("..", "testdata", "postgresql")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range pgFormats {
		t.Run(f.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, f.file)
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
			truth := f.truth(t, dir, lines)
			if len(truth) == 0 {
				t.Fatalf("%s: no errors in the log", f.file)
			}
			cmd := exec.Command(binary, "--config", filepath.Join("examples", "systems", "postgresql", "errtag.yaml"), path)
			cmd.Dir = ".." // the repository root
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("errtag: %v\n%s", err, stderr.String())
			}
			got := annotatedCodes(t, lines, out)
			s := scorePG(truth, got)
			t.Logf("%s: %d errors, %d annotations: precision %.3f, recall %.3f", f.file, len(truth), s.annotations, s.precision(), s.recall())
			for _, m := range s.wrong {
				t.Errorf("%s:%d: wrong annotation: %s\n  %s", f.file, m.line+1, m.what, clip(lines[m.line]))
			}
			for _, m := range s.missed {
				t.Logf("%s:%d: missed %s: %s", f.file, m.line+1, m.what, clip(lines[m.line]))
			}
			if s.precision() < 1 || s.recall() < f.minRecall {
				t.Errorf("%s: precision %.3f (want 1), recall %.3f (want %.2f or more)", f.file, s.precision(), s.recall(), f.minRecall)
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

type pgMiss struct {
	line int
	what string
}

type pgScore struct {
	annotations, right, errors, found int
	wrong, missed                     []pgMiss
}

func (s pgScore) precision() float64 {
	if s.annotations == 0 {
		return 1
	}
	return float64(s.right) / float64(s.annotations)
}

func (s pgScore) recall() float64 { return float64(s.found) / float64(s.errors) }

// scorePG compares the codes annotated on each line with the truth: the
// SQLSTATE of each error record's first line.
func scorePG(truth map[int]string, got map[int][]string) pgScore {
	var s pgScore
	s.errors = len(truth)
	for line, codes := range got {
		for _, c := range codes {
			s.annotations++
			if want, ok := truth[line]; ok && c == want && len(codes) == 1 {
				s.right++
				continue
			}
			what := fmt.Sprintf("code %s on a line that is no error record", c)
			if want, ok := truth[line]; ok {
				what = fmt.Sprintf("codes %v, want %s", codes, want)
			}
			s.wrong = append(s.wrong, pgMiss{line, what})
		}
	}
	for line, want := range truth {
		if codes := got[line]; len(codes) == 1 && codes[0] == want {
			s.found++
		} else if len(codes) == 0 {
			s.missed = append(s.missed, pgMiss{line, want})
		}
	}
	return s
}

var (
	logfmtCode = regexp.MustCompile(` errtag\.code=(\S+)`)
	jsonErrtag = regexp.MustCompile(`,"errtag":(.*)}$`)
)

// annotatedCodes checks that every output line is its input line, byte for
// byte, with at most an annotation added (pairs appended to a text line, an
// "errtag" key before a JSON object's closing brace), and returns the codes
// annotated on each line.
func annotatedCodes(t *testing.T, in []string, out []byte) map[int][]string {
	t.Helper()
	outLines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(outLines) != len(in) {
		t.Fatalf("%d lines in, %d out", len(in), len(outLines))
	}
	got := map[int][]string{}
	for i, o := range outLines {
		l := in[i]
		switch {
		case o == l:
			continue
		case strings.HasPrefix(l, "{") && strings.HasSuffix(l, "}") && strings.HasPrefix(o, l[:len(l)-1]):
			m := jsonErrtag.FindStringSubmatch(o[len(l)-1:])
			if m == nil {
				t.Fatalf("line %d: JSON changed beyond the errtag key:\n in %s\nout %s", i+1, l, o)
			}
			var one struct{ Code string }
			var many []struct{ Code string }
			if json.Unmarshal([]byte(m[1]), &one) == nil && one.Code != "" {
				got[i] = []string{one.Code}
			} else if json.Unmarshal([]byte(m[1]), &many) == nil {
				for _, a := range many {
					got[i] = append(got[i], a.Code)
				}
			} else {
				t.Fatalf("line %d: errtag is not an annotation: %s", i+1, m[1])
			}
		case strings.HasPrefix(o, l+" errtag.system="):
			for _, m := range logfmtCode.FindAllStringSubmatch(o[len(l):], -1) {
				got[i] = append(got[i], m[1])
			}
		default:
			t.Fatalf("line %d changed:\n in %q\nout %q", i+1, l, o)
		}
	}
	return got
}

// The stderr prefix of the logs: log_line_prefix '%m [%p] %q%u@%d ', and
// '%m [%p] %e %q%u@%d ' in sqlstate.log. A line that does not start so goes
// on the record before it.
var (
	stderrRecord = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \w+) \[(\d+)\] (?:[0-9A-Z]{5} )?(?:\S*@\S* )?([A-Z]+):  (.*)$`)
	verboseCode  = regexp.MustCompile(`^([0-9A-Z]{5}): `)
	prefixCode   = regexp.MustCompile(`^\S+ \S+ \S+ \[\d+\] ([0-9A-Z]{5}) `)
	atCharacter  = regexp.MustCompile(` at character \d+$`)
)

func isError(severity string) bool {
	return severity == "ERROR" || severity == "FATAL" || severity == "PANIC"
}

// verboseTruth: "ERROR:  23505: message".
func verboseTruth(t *testing.T, _ string, lines []string) map[int]string {
	truth := map[int]string{}
	for i, l := range lines {
		if m := stderrRecord.FindStringSubmatch(l); m != nil && isError(m[3]) {
			c := verboseCode.FindStringSubmatch(m[4])
			if c == nil {
				t.Fatalf("verbose.log:%d: an error without its SQLSTATE: %s", i+1, l)
			}
			truth[i] = c[1]
		}
	}
	return truth
}

// prefixTruth: "%m [%p] %e ...".
func prefixTruth(t *testing.T, _ string, lines []string) map[int]string {
	truth := map[int]string{}
	for i, l := range lines {
		if m := stderrRecord.FindStringSubmatch(l); m != nil && isError(m[3]) {
			c := prefixCode.FindStringSubmatch(l)
			if c == nil {
				t.Fatalf("sqlstate.log:%d: an error without its SQLSTATE: %s", i+1, l)
			}
			truth[i] = c[1]
		}
	}
	return truth
}

// csvRecord is an error record of a csvlog.
type csvRecord struct {
	line                  int // of its first field, from 0
	time, pid, sev, state string
	message               string
}

func readCSVLog(t *testing.T, path string) []csvRecord {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var out []csvRecord
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(rec) < 14 {
			t.Fatalf("%s: a record of %d fields", path, len(rec))
		}
		line, _ := r.FieldPos(0)
		out = append(out, csvRecord{line: line - 1, time: rec[0], pid: rec[3], sev: rec[11], state: rec[12], message: rec[13]})
	}
}

// csvTruth: column 12 is the severity, 13 the SQLSTATE.
func csvTruth(t *testing.T, dir string, _ []string) map[int]string {
	truth := map[int]string{}
	for _, r := range readCSVLog(t, filepath.Join(dir, "default.csv")) {
		if isError(r.sev) {
			truth[r.line] = r.state
		}
	}
	return truth
}

// jsonTruth: error_severity and state_code.
func jsonTruth(t *testing.T, _ string, lines []string) map[int]string {
	truth := map[int]string{}
	for i, l := range lines {
		var rec struct {
			Severity string `json:"error_severity"`
			State    string `json:"state_code"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("default.json:%d: %v", i+1, err)
		}
		if isError(rec.Severity) {
			truth[i] = rec.State
		}
	}
	return truth
}

// defaultTruth: default.log has no SQLSTATE; the same run wrote
// default.csv, where the same record (time, process, severity, message)
// has it.
func defaultTruth(t *testing.T, dir string, lines []string) map[int]string {
	byKey := map[string][]csvRecord{}
	for _, r := range readCSVLog(t, filepath.Join(dir, "default.csv")) {
		if isError(r.sev) {
			k := r.time + "|" + r.pid + "|" + r.sev
			byKey[k] = append(byKey[k], r)
		}
	}
	truth := map[int]string{}
	for i, l := range lines {
		m := stderrRecord.FindStringSubmatch(l)
		if m == nil || !isError(m[3]) {
			continue
		}
		msg := atCharacter.ReplaceAllString(m[4], "")
		state := ""
		for _, r := range byKey[m[1]+"|"+m[2]+"|"+m[3]] {
			if first, _, _ := strings.Cut(r.message, "\n"); first == msg {
				state = r.state
			}
		}
		if state == "" {
			t.Fatalf("default.log:%d: no csvlog record of the same run has this error: %s", i+1, l)
		}
		truth[i] = state
	}
	return truth
}

// TestPostgreSQLMessageTemplates checks the example's message templates
// against the SQLSTATE a real server gives each message:
// testdata/postgresql/messages.log (make-messages.sh) is a verbose log of
// statements that raise the errors the templates name. Taken out of each
// error line, the SQLSTATE is what errtag must find from the message
// alone: never another one, and for all but the messages left out on
// purpose (more than one SQLSTATE carries them).
func TestPostgreSQLMessageTemplates(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "postgresql", "messages.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")
	truth := verboseTruth(t, "", lines)
	plain := make([]string, len(lines))
	for i, l := range lines {
		plain[i] = l
		if _, ok := truth[i]; ok {
			plain[i] = verboseToDefault.ReplaceAllString(l, "$1")
		}
	}
	path := filepath.Join(t.TempDir(), "default-form.log")
	if err := os.WriteFile(path, []byte(strings.Join(plain, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		path      string
		lines     []string
		minRecall float64
	}{
		{"verbose", filepath.Join("testdata", "postgresql", "messages.log"), lines, 1},
		{"default", path, plain, 0.98},
	} {
		cmd := exec.Command(binary, "--config", filepath.Join("examples", "systems", "postgresql", "errtag.yaml"), c.path)
		cmd.Dir = ".."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: errtag: %v", c.name, err)
		}
		s := scorePG(truth, annotatedCodes(t, c.lines, out))
		t.Logf("%s: %d errors, %d annotations: precision %.3f, recall %.3f", c.name, len(truth), s.annotations, s.precision(), s.recall())
		for _, m := range s.wrong {
			t.Errorf("%s: line %d: wrong annotation: %s\n  %s", c.name, m.line+1, m.what, c.lines[m.line])
		}
		for _, m := range s.missed {
			t.Logf("%s: line %d: missed %s: %s", c.name, m.line+1, m.what, c.lines[m.line])
		}
		if s.precision() < 1 || s.recall() < c.minRecall {
			t.Errorf("%s: precision %.3f (want 1), recall %.3f (want %.2f or more)", c.name, s.precision(), s.recall(), c.minRecall)
		}
	}
}

// verboseToDefault takes the SQLSTATE out of a verbose error line.
var verboseToDefault = regexp.MustCompile(`((?:ERROR|FATAL|PANIC):  )[0-9A-Z]{5}: `)

// TestPostgreSQLLineShapes: the example's rules on the shapes of line that
// other settings write (log_line_prefix with or without %m, %e, syslog's
// prefix, pgBadger's), and on lines that only look like errors.
func TestPostgreSQLLineShapes(t *testing.T) {
	t.Parallel()
	cases := []struct{ line, want string }{
		{`ERROR:  relation "t" does not exist at character 15`, "42P01"},
		{`FATAL:  28P01: password authentication failed for user "x"`, "28P01"},
		{`2024-05-14 08:00:01 UTC [812]: [3-1] user=app,db=shop,app=psql,client=10.0.0.7 ERROR:  duplicate key value violates unique constraint "x_pkey"`, "23505"},
		{`May 14 08:00:01 db1 postgres[812]: [3-1] 2024-05-14 08:00:01.123 UTC [812] ERROR:  division by zero`, "22012"},
		{`2024-05-14 08:00:01.123 UTC [812] 22012 app@shop ERROR:  division by zero`, "22012"},
		{`22012 ERROR:  division by zero`, "22012"},
		{`2024-05-14 08:00:01.123 UTC [812] P0001 app@shop ERROR:  division by zero`, "P0001"}, // a RAISE with a built-in text: the SQLSTATE wins
		{`2024-05-14 08:00:01.123 UTC [812] app@shop FATAL:  role "ghost" does not exist`, "28000"},
		{`2024-05-14 08:00:01.123 UTC [812] app@shop ERROR:  role "ghost" does not exist`, ""}, // 42704 or 22023
		{`2024-05-14 08:00:01.123 UTC [812] app@shop ERROR:  canceling statement due to conflict with recovery`, ""},
		{"\t-- ERROR:  division by zero", ""},
		{`2024-05-14 08:00:01.123 UTC [812] app@shop LOG:  statement: SELECT 1; -- ERROR:  division by zero`, ""},
		{`2024-05-14 08:00:01.123 UTC [812] app@shop LOG:  statement: SELECT 'ERROR:  42P01: relation "x" does not exist'`, ""},
		{`2024-05-14 08:00:01.123 UTC [812] 00000 app@shop LOG:  statement: UPDATE t SET error_code=57014`, ""},
		{`2024-05-14 08:00:01.123 UTC [812] 23505 app@shop STATEMENT:  INSERT INTO t VALUES (1)`, ""},
		{`2024-05-14 08:00:01.123 UTC [812] app@shop WARNING:  there is no transaction in progress`, ""},
		{`{"error_severity":"LOG","state_code":"00000","message":"statement: SELECT 1 -- ERROR:  division by zero"}`, ""},
		{`{"error_severity":"LOG","message":"statement: INSERT INTO t VALUES ('{\"error_severity\":\"ERROR\",\"state_code\":\"23505\"}')"}`, ""},
	}
	var in strings.Builder
	for _, c := range cases {
		in.WriteString(c.line + "\n")
	}
	cmd := exec.Command(binary, "--config", filepath.Join("examples", "systems", "postgresql", "errtag.yaml"), "--fields", "system,code")
	cmd.Dir = ".."
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(in.String(), "\n"), "\n")
	got := annotatedCodes(t, lines, out)
	for i, c := range cases {
		if g := strings.Join(got[i], ","); g != c.want {
			t.Errorf("%q: code %q, want %q", c.line, g, c.want)
		}
	}
}
