package matcher

import (
	"fmt"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/rules"
)

// The matcher's cost must stay linear in the line (issue 8, item 12).
// These tests count the matcher's work (workCount: comparisons made
// ordering and deduplicating finds, bytes the regexp engine reads) on a
// line of size n and of size 4n: linear work grows about 4 times, the
// quadratic work of the old code 16 times. They never look at the clock.

// maxGrowth is the most the work may grow from n to 4n: 4 for linear work,
// a little more for n log n sorting, 16 for quadratic work.
const maxGrowth = 6

func matcherWith(t *testing.T, extra string) *Matcher {
	t.Helper()
	cat, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	srcs := []rules.Source{rules.Builtin()}
	if extra != "" {
		srcs = append(srcs, rules.Source{Name: "extra.yaml", Data: []byte(extra)})
	}
	set, err := rules.Compile(cat, srcs...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(set, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// manyCodes is a line with n distinct Volt MX codes and n distinct Drupal
// codes, interleaved: two rules' finds that arrive out of line order and
// must be merged, then deduplicated.
func manyCodes(n int) []byte {
	var b strings.Builder
	b.WriteString("[VMXSync] drupal-sdk bridge:")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, " errorCode=%d code=%d", i, n+i)
	}
	return []byte(b.String())
}

func TestManyCodesLinear(t *testing.T) {
	t.Parallel()
	m := accMatcher(t, "")
	const n = 4000
	var work [2]workCount
	for k, size := range []int{n, 4 * n} {
		anns := m.matchCounting(manyCodes(size), nil, &work[k])
		if len(anns) != 2*size {
			t.Fatalf("%d codes: %d annotations, want %d", 2*size, len(anns), 2*size)
		}
		for i := 1; i < len(anns); i++ {
			if anns[i].Offset <= anns[i-1].Offset {
				t.Fatalf("annotations out of line order at %d", i)
			}
		}
	}
	if work[0].steps == 0 {
		t.Fatal("no work counted")
	}
	if g := float64(work[1].steps) / float64(work[0].steps); g > maxGrowth {
		t.Errorf("ordering and deduplicating %d then %d finds: %d then %d steps, %.1f times (linear: about 4)", 2*n, 8*n, work[0].steps, work[1].steps, g)
	}
}

func TestRegexLinear(t *testing.T) {
	t.Parallel()
	m := matcherWith(t, `rules:
  - id: user.fault
    system: wusp
    code_type: integer
    regex: 'fault:.*code=(?P<code>\d+)'
`)
	cases := []struct {
		name string
		line func(n int) string
	}{
		// A user rule whose match may span the line, with its literal
		// repeated: started at every literal, it read the rest of the
		// line each time.
		{"user rule fault:.*code=, no code", func(n int) string { return strings.Repeat("fault: retry ", n) }},
		{"user rule fault:.*code=, one code at the end", func(n int) string { return strings.Repeat("fault: retry ", n) + "code=7" }},
		// The built-in rules still start at their literals, whose
		// matches cannot run on across another literal.
		{"built-in errorCode without value", func(n int) string { return "[VMXSync] " + strings.Repeat("errorCode ", n) }},
		{"built-in errorCode then spaces", func(n int) string {
			return "[VMXSync] " + strings.Repeat("errorCode="+strings.Repeat(" ", 40)+"x ", n)
		}},
		{"built-in result code, knox", func(n int) string { return "EFOTA " + strings.Repeat("result code code result ", n) }},
	}
	const n = 5000 // 4n lines are 240 KB and more
	for _, c := range cases {
		var work [2]workCount
		for k, size := range []int{n, 4 * n} {
			m.matchCounting([]byte(c.line(size)), nil, &work[k])
		}
		if work[0].regexBytes == 0 {
			t.Errorf("%s: no regex work counted", c.name)
			continue
		}
		if g := float64(work[1].regexBytes) / float64(work[0].regexBytes); g > maxGrowth {
			t.Errorf("%s: the regexes read %d then %d bytes, %.1f times (linear: about 4)", c.name, work[0].regexBytes, work[1].regexBytes, g)
		}
	}
	// And the match is still found.
	line := strings.Repeat("fault: retry ", 20000) + "code=7"
	anns := m.Match([]byte(line))
	if len(anns) != 1 || anns[0].Entry.Code != "7" || anns[0].Rule != "user.fault" {
		t.Errorf("fault line: %v", s8Format(anns))
	}
}

// TestManyObjectsLinear: the rules run on every JSON object of a line and
// corroborate every find, but the line-wide checks (exclude words, context
// words) are made once per line.
func TestManyObjectsLinear(t *testing.T) {
	t.Parallel()
	m := accMatcher(t, "")
	line := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"logger":"drupal-sdk","device":"EFOTA","items":[`)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"state":"ok"}`, i)
		}
		b.WriteString(`],"err":{"code":101,"message":"Object not found."}}`)
		for i := 0; i < n/100; i++ {
			fmt.Fprintf(&b, " <ErrorCode>Unlisted%d</ErrorCode>", i)
		}
		return []byte(b.String())
	}
	const n = 5000
	var work [2]workCount
	for k, size := range []int{n, 4 * n} {
		anns := m.matchCounting(line(size), nil, &work[k])
		if got := s8Format(anns); len(got) != 1 || got[0] != "drupal-sdk:101/marker" {
			t.Fatalf("%d objects: %v", size, got)
		}
	}
	if g := float64(work[1].lineBytes) / float64(max(work[0].lineBytes, 1)); work[0].lineBytes == 0 || g > maxGrowth {
		t.Errorf("%d then %d objects: line-wide scans read %d then %d bytes, %.1f times (linear: about 4)", n, 4*n, work[0].lineBytes, work[1].lineBytes, g)
	}
}

// TestMarkerWorkLinear: the work of deciding where a marker counts (marker
// exceptions and e-mail addresses looked at around each occurrence; the
// scopes of JSON documents and the naming fields of each object) grows
// linearly with the line.
func TestMarkerWorkLinear(t *testing.T) {
	t.Parallel()
	m := accMatcher(t, "")
	cases := []struct {
		name string
		line func(n int) string
		want string
	}{
		{"marker exceptions", func(n int) string {
			return strings.Repeat("Knox Manage, Fort Knox; ", n) + "E EFOTA result code: -1401"
		}, "knox-efota:-1401/marker"},
		{"e-mail addresses", func(n int) string {
			return strings.Repeat("ops@knox-team.example.org ", n) + "E EFOTA result code: -1401"
		}, "knox-efota:-1401/marker"},
		{"objects with their own naming field", func(n int) string {
			var b strings.Builder
			b.WriteString(`{"events":[`)
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, `{"src":"knox-efota","resultCode":%d},`, -1401-i%3)
			}
			b.WriteString(`{}]}`)
			return b.String()
		}, "knox-efota:-1401/marker knox-efota:-1402/marker knox-efota:-1403/marker"},
		{"objects naming the marker in their own values", func(n int) string {
			var b strings.Builder
			b.WriteString(`E EFOTA result code: -1401 {"items":[`)
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, `{"message":"pod drupal-%d gone","code":404},`, i)
			}
			b.WriteString(`{}]}`)
			return b.String()
		}, "knox-efota:-1401/marker"},
	}
	const n = 3000
	for _, c := range cases {
		var work [2]workCount
		for k, size := range []int{n, 4 * n} {
			got := strings.Join(s8Format(m.matchCounting([]byte(c.line(size)), nil, &work[k])), " ")
			if got != c.want {
				t.Fatalf("%s, %d: %s, want %s", c.name, size, got, c.want)
			}
		}
		if work[0].lineBytes == 0 {
			t.Errorf("%s: no work counted", c.name)
			continue
		}
		if g := float64(work[1].lineBytes) / float64(work[0].lineBytes); g > maxGrowth {
			t.Errorf("%s: %d then %d bytes looked at, %.1f times (linear: about 4)", c.name, work[0].lineBytes, work[1].lineBytes, g)
		}
	}
}
