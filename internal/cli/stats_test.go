package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// statsLog is a small fixed log: six lines, four annotated, carrying knox
// -1401 twice, backend 301 once and drupal 603, which the catalog lacks.
const statsLog = `05-14 08:00:06.118  3021  3088 E EFOTA   : FotaDownloadTask: download failed resultCode=-1401
plain line
05-14 08:00:07.118  3021  3088 E EFOTA   : FotaDownloadTask: download failed resultCode=-1401
10.20.1.7 - - [14/May/2024:08:00:03 +0000] "GET /v1/Xk3pQ9rT2mWz/Books HTTP/1.1" 403 52 "-" "okhttp/4.12.0" {"message":"Invalid access token.","errorCode":301}
[drupal-sdk] 2024-05-14T08:00:18.000Z ERROR POST /jsonapi/node/article {"code":603,"message":"Access denied"}
another plain line
`

// statsGz is a second input, gzip-compressed: one more -1401 and a plain
// line.
const statsGz = "05-14 08:00:09.118  3021  3088 E EFOTA   : FotaDownloadTask: download failed resultCode=-1401\nlast\n"

func statsInputs(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.log")
	if err := os.WriteFile(a, []byte(statsLog), 0o644); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte(statsGz))
	zw.Close()
	b := filepath.Join(dir, "b.log.gz")
	if err := os.WriteFile(b, zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return a, b
}

const statsWant = `Lines read       8 (2 inputs, 587 B)
Lines annotated  5 (62.5%)
Codes found      5 (3 distinct, 1 not in the catalog)

By system
  knox-efota        3  ████████████████████  60.0%
  backend-services  1  ██████▋               20.0%
  drupal-sdk        1  ██████▋               20.0%

By category
  cancelled             3  ████████████████████  60.0%
  auth                  1  ██████▋               20.0%
  (not in the catalog)  1  ██████▋               20.0%

Codes
  knox-efota        -1401  DOWNLOAD_REJECTED_BY_USER  3  ████████████████████  60.0%
  backend-services  301    INVALID_ACCESS_TOKEN       1  ██████▋               20.0%
  drupal-sdk        603    (not in the catalog)       1  ██████▋               20.0%

Not in the catalog
  drupal-sdk  603  1
`

func TestStatsCommand(t *testing.T) {
	a, b := statsInputs(t)
	code, out, stderr := run(t, "", "stats", a, b)
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if out != statsWant {
		t.Errorf("got\n%s\nwant\n%s", out, statsWant)
	}

	// Standard input when no file is given.
	_, out, _ = run(t, statsLog, "stats", "--top", "1")
	if !strings.HasPrefix(out, "Lines read       6 (1 input, 488 B)\nLines annotated  4 (66.7%)\nCodes found      4 (3 distinct, 1 not in the catalog)\n") ||
		!strings.Contains(out, "\nTop 1 codes\n  knox-efota  -1401  DOWNLOAD_REJECTED_BY_USER  2  ████████████████████  50.0%\n  … and 2 more codes (--top 0 lists all)\n") {
		t.Errorf("got\n%s", out)
	}
}

func TestStatsJSON(t *testing.T) {
	a, b := statsInputs(t)
	code, out, _ := run(t, "", "stats", "--json", "--top", "1", a, b)
	if code != ExitOK {
		t.Fatal(code)
	}
	var r struct {
		Inputs []struct {
			File      string
			Lines     int64
			Annotated int64
			Bytes     int64
		}
		Lines          int64
		AnnotatedLines int64 `json:"annotated"`
		Annotations    int64
		Unknown        int64 `json:"unknown_annotations"`
		Systems        []struct {
			System string
			Count  int64
		}
		Categories []struct {
			Category string
			Count    int64
		}
		Codes []struct {
			System, Code, Name, Category string
			Known                        bool
			Count                        int64
		}
		UnknownCodes []struct{ System, Code string } `json:"unknown_codes"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(r.Inputs) != 2 || r.Inputs[0].File != a || r.Inputs[0].Lines != 6 || r.Inputs[0].Annotated != 4 || r.Inputs[0].Bytes == 0 || r.Inputs[1].Lines != 2 {
		t.Errorf("inputs %+v", r.Inputs)
	}
	if r.Lines != 8 || r.AnnotatedLines != 5 || r.Annotations != 5 || r.Unknown != 1 {
		t.Errorf("totals %+v", r)
	}
	if len(r.Systems) != 3 || r.Systems[0].System != "knox-efota" || r.Systems[0].Count != 3 {
		t.Errorf("systems %+v", r.Systems)
	}
	if len(r.Categories) != 2 || r.Categories[0].Category != "cancelled" || r.Categories[0].Count != 3 {
		t.Errorf("categories %+v", r.Categories)
	}
	// --json lists every code whatever --top says.
	if len(r.Codes) != 3 || r.Codes[0].Code != "-1401" || r.Codes[0].Name != "DOWNLOAD_REJECTED_BY_USER" || r.Codes[0].Category != "cancelled" || !r.Codes[0].Known || r.Codes[0].Count != 3 || r.Codes[2].Known {
		t.Errorf("codes %+v", r.Codes)
	}
	if len(r.UnknownCodes) != 1 || r.UnknownCodes[0].System != "drupal-sdk" || r.UnknownCodes[0].Code != "603" {
		t.Errorf("unknown %+v", r.UnknownCodes)
	}
}

// TestStatsMissingFile: an unreadable input is named, the others counted,
// the report printed, and the exit code is 1.
func TestStatsMissingFile(t *testing.T) {
	a, _ := statsInputs(t)
	missing := filepath.Join(t.TempDir(), "gone.log")
	code, out, stderr := run(t, "", "stats", missing, a)
	if code != ExitInput || stderr != "errtag: "+missing+": no such file or directory\n" || !strings.HasPrefix(out, "Lines read       6 (1 input, 488 B)\n") {
		t.Errorf("exit %d, stderr %q, out\n%s", code, stderr, out)
	}
	code, _, stderr = run(t, "", "stats", "--top", "-1", a)
	if code != ExitConfig || stderr != "errtag: --top -1: must be 0 or more\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestStatsFlag: --stats leaves the output as it was and writes the same
// report as errtag stats to standard error.
func TestStatsFlag(t *testing.T) {
	a, b := statsInputs(t)
	_, plain, _ := run(t, "", a, b)
	code, out, stderr := run(t, "", "--stats", a, b)
	if code != ExitOK || out != plain {
		t.Errorf("exit %d; output changed by --stats:\n%s", code, out)
	}
	if stderr != statsWant {
		t.Errorf("stderr\n%s\nwant\n%s", stderr, statsWant)
	}
	if _, _, stderr := run(t, "", a); stderr != "" {
		t.Errorf("report without --stats: %q", stderr)
	}
}

// TestStatsInterrupted: a run stopped by a signal still reports what it
// read, saying so, for errtag stats and for --stats.
func TestStatsInterrupted(t *testing.T) {
	a, _ := statsInputs(t)
	for _, args := range [][]string{{"stats", a}, {"--stats", a}} {
		// The signal is there before errtag starts.
		sigs := make(chan os.Signal, 1)
		sigs <- syscall.SIGINT
		code, out, errb := runEnv(t, Env{Signals: sigs}, "", args...)
		if code != 128+int(syscall.SIGINT) {
			t.Errorf("%v: exit %d", args, code)
		}
		report := out
		if args[0] == "--stats" {
			report = errb
		}
		if !strings.HasPrefix(report, "Interrupted: the counts cover the input read before the signal.\nLines read       ") {
			t.Errorf("%v: report %q (stdout %q, stderr %q)", args, report, out, errb)
		}
	}
}

// TestStatsTerminal: colour on a terminal when colour is on, and lines
// that fit its width.
func TestStatsTerminal(t *testing.T) {
	a, b := statsInputs(t)
	_, out, _ := runEnv(t, onTerminal(70, true), "", "stats", a, b)
	if !strings.Contains(out, "\x1b[1mBy system\x1b[0m") || !strings.Contains(out, "\x1b[36m████") {
		t.Errorf("no colour: %q", out)
	}
	_, out, _ = runEnv(t, onTerminal(70, false), "", "stats", a, b)
	if strings.Contains(out, "\x1b") {
		t.Errorf("colour with NO_COLOR set: %q", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if n := len([]rune(l)); n > 70 {
			t.Errorf("%d columns: %q", n, l)
		}
	}
	// --stats colours by standard error, which is the terminal here too.
	_, _, stderr := runEnv(t, onTerminal(70, false), "", "--stats", a)
	if strings.Contains(stderr, "\x1b") {
		t.Errorf("colour with NO_COLOR set: %q", stderr)
	}
}
