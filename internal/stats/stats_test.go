package stats

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/stream"
)

func ann(system, code, name, category string, known bool) matcher.Annotation {
	return matcher.Annotation{Entry: catalog.Entry{System: system, Code: code, Name: name, Category: category}, Known: known}
}

// fixed feeds a Collector a small fixed run: two inputs, six annotated
// lines carrying seven codes, one of them unknown, and code 107 resolved
// to two different rows.
func fixed() *Collector {
	c := New()
	c.Add([]matcher.Annotation{ann("knox-efota", "-1401", "DOWNLOAD_REJECTED_BY_USER", "cancelled", true)})
	c.Add([]matcher.Annotation{ann("knox-efota", "-1401", "DOWNLOAD_REJECTED_BY_USER", "cancelled", true)})
	c.Add([]matcher.Annotation{
		ann("backend-services", "107", "GENERAL_DATABASE_ERROR", "storage", true),
		ann("backend-services", "301", "INVALID_ACCESS_TOKEN", "auth", true),
	})
	c.Add([]matcher.Annotation{ann("backend-services", "107", "DUPLICATE_UNIQUE_KEY", "conflict", true)})
	c.Add([]matcher.Annotation{ann("backend-services", "107", "GENERAL_DATABASE_ERROR", "storage", true)})
	c.Add([]matcher.Annotation{ann("drupal-sdk", "603", "", "", false)})
	c.Add(nil) // not an annotated line
	c.AddInput("a.log", stream.Stats{Bytes: 1500, Lines: 40, Annotated: 4})
	c.AddInput("b.log.gz", stream.Stats{Bytes: 2000, Lines: 60, Annotated: 2})
	return c
}

func TestReportCounts(t *testing.T) {
	r := fixed().Report()
	if r.Lines != 100 || r.Bytes != 3500 || r.AnnotatedLines != 6 || r.Annotations != 7 || r.Unknown != 1 {
		t.Errorf("totals: lines %d bytes %d annotated %d annotations %d unknown %d", r.Lines, r.Bytes, r.AnnotatedLines, r.Annotations, r.Unknown)
	}
	wantSystems := []Count{{"backend-services", 4}, {"knox-efota", 2}, {"drupal-sdk", 1}}
	if !equalCounts(r.Systems, wantSystems) {
		t.Errorf("systems %v, want %v", r.Systems, wantSystems)
	}
	wantCats := []Count{{"cancelled", 2}, {"storage", 2}, {"auth", 1}, {"conflict", 1}}
	if !equalCounts(r.Categories, wantCats) {
		t.Errorf("categories %v, want %v", r.Categories, wantCats)
	}
	var codes []string
	for _, c := range r.Codes {
		codes = append(codes, c.System+" "+c.Code+" "+c.Name+" "+strings.Join(c.OtherNames, ",")+" "+c.Category)
	}
	want := []string{
		"backend-services 107 GENERAL_DATABASE_ERROR DUPLICATE_UNIQUE_KEY storage",
		"knox-efota -1401 DOWNLOAD_REJECTED_BY_USER  cancelled",
		"backend-services 301 INVALID_ACCESS_TOKEN  auth",
		"drupal-sdk 603   ",
	}
	if strings.Join(codes, "\n") != strings.Join(want, "\n") {
		t.Errorf("codes:\n%s\nwant\n%s", strings.Join(codes, "\n"), strings.Join(want, "\n"))
	}
	if r.Codes[0].Count != 3 || r.Codes[1].Count != 2 {
		t.Errorf("counts %d %d", r.Codes[0].Count, r.Codes[1].Count)
	}
	if len(r.UnknownCodes) != 1 || r.UnknownCodes[0].Code != "603" || r.UnknownCodes[0].Known || r.UnknownCodes[0].Count != 1 {
		t.Errorf("unknown %+v", r.UnknownCodes)
	}
}

func equalCounts(a, b []Count) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestConcurrentAdd(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.Add([]matcher.Annotation{ann("wusp", "ServerBusy", "ServerBusy", "server", true)})
			}
			c.AddInput("x", stream.Stats{Lines: 1000, Annotated: 1000})
		}()
	}
	wg.Wait()
	r := c.Report()
	if r.Annotations != 8000 || r.AnnotatedLines != 8000 || r.Lines != 8000 || r.Codes[0].Count != 8000 {
		t.Errorf("%+v", r)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := fixed().Report().WriteText(&b, TextOptions{Top: 2}); err != nil {
		t.Fatal(err)
	}
	want := `Lines read       100 (2 inputs, 3.4 KiB)
Lines annotated  6 (6.0%)
Codes found      7 (4 distinct, 1 not in the catalog)

By system
  backend-services  4  ████████████████████  57.1%
  knox-efota        2  ██████████            28.6%
  drupal-sdk        1  █████                 14.3%

By category
  cancelled             2  ████████████████████  28.6%
  storage               2  ████████████████████  28.6%
  auth                  1  ██████████            14.3%
  conflict              1  ██████████            14.3%
  (not in the catalog)  1  ██████████            14.3%

Top 2 codes
  backend-services  107    GENERAL_DATABASE_ERROR (+1)  3  ████████████████████  42.9%
  knox-efota        -1401  DOWNLOAD_REJECTED_BY_USER    2  █████████████▍        28.6%
  … and 2 more codes (--top 0 lists all)

Not in the catalog
  drupal-sdk  603  1
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteTextColorAndWidth(t *testing.T) {
	var plain, color bytes.Buffer
	r := fixed().Report()
	r.Interrupted = true
	r.WriteText(&plain, TextOptions{Width: 72})
	r.WriteText(&color, TextOptions{Width: 72, Color: true})
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("escape sequences without Color")
	}
	if !strings.Contains(color.String(), "\x1b[1mBy system\x1b[0m") || !strings.Contains(color.String(), "\x1b[36m") {
		t.Errorf("no colour: %q", color.String())
	}
	if !strings.HasPrefix(plain.String(), "Interrupted: the counts cover the input read before the signal.\n") {
		t.Errorf("no interruption notice: %q", plain.String())
	}
	for _, l := range strings.Split(plain.String(), "\n") {
		if n := len([]rune(l)); n > 72 {
			t.Errorf("line of %d columns at width 72: %q", n, l)
		}
	}
}

func TestWriteTextEmpty(t *testing.T) {
	c := New()
	c.AddInput("(standard input)", stream.Stats{Lines: 3, Bytes: 30})
	var b bytes.Buffer
	c.Report().WriteText(&b, TextOptions{})
	want := "Lines read       3 (1 input, 30 B)\nLines annotated  0 (0.0%)\nCodes found      0 (0 distinct, 0 not in the catalog)\n"
	if b.String() != want {
		t.Errorf("got %q", b.String())
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := fixed().Report().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"inputs", "lines", "bytes", "annotated", "annotations", "unknown_annotations", "systems", "categories", "codes", "unknown_codes"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %s", k, b.String())
		}
	}
	if got["lines"] != 100.0 || got["annotated"] != 6.0 || len(got["codes"].([]any)) != 4 {
		t.Errorf("%s", b.String())
	}
	first := got["codes"].([]any)[0].(map[string]any)
	if first["code"] != "107" || first["count"] != 3.0 || first["known"] != true || first["other_names"].([]any)[0] != "DUPLICATE_UNIQUE_KEY" {
		t.Errorf("first code %v", first)
	}
	// An empty report has empty lists, not null.
	b.Reset()
	New().Report().WriteJSON(&b)
	if strings.Contains(b.String(), "null") {
		t.Errorf("null in %s", b.String())
	}
}

func TestBar(t *testing.T) {
	for _, c := range []struct {
		n, max int64
		width  int
		want   string
	}{
		{10, 10, 4, "████"},
		{5, 10, 4, "██"},
		{1, 10, 4, "▍"}, // 3.2 eighths -> 3
		{1, 1000, 4, "▏"},
		{0, 10, 4, ""},
		{7, 8, 1, "▉"},
	} {
		if got := Bar(c.n, c.max, c.width); got != c.want {
			t.Errorf("Bar(%d, %d, %d) = %q, want %q", c.n, c.max, c.width, got, c.want)
		}
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := num(n); got != want {
			t.Errorf("num(%d) = %q, want %q", n, got, want)
		}
	}
}
