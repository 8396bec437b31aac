package importer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/errtag/errtag/internal/lazyregexp"
)

var (
	detectTable   = lazyregexp.New(`(?i)<table\b`)
	detectHTMLDoc = lazyregexp.New(`(?i)<!doctype html|<html\b|<body\b|<tr\b|<td\b`)
)

// Detect tells the format of a page (--from auto), and says why:
//   - html: the page has a <table> element (Markdown pages that embed an
//     HTML table included);
//   - markdown: a line with a pipe is followed by a separator row
//     (| --- | --- |): a pipe table;
//   - tsv: two lines or more hold tabs, and at least half the lines that
//     are not blank or # comments do;
//   - html again: an HTML document with no table (its parser then says
//     it found none);
//   - text otherwise: code lines, columns of code lines, or prose.
func Detect(page []byte) (Format, string) {
	text := normalise(page)
	if detectTable.MatchString(text) {
		return HTML, "the page has a <table>"
	}
	lines := strings.Split(text, "\n")
	for i := 0; i+1 < len(lines); i++ {
		if strings.Contains(lines[i], "|") && mdSeparatorRow.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "-") {
			return Markdown, fmt.Sprintf("line %d starts a pipe table", i+1)
		}
	}
	tabs, content := 0, 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		content++
		if strings.Contains(t, "\t") {
			tabs++
		}
	}
	if tabs >= 2 && tabs*2 >= content {
		return TSV, fmt.Sprintf("%d of its %d lines have tabs", tabs, content)
	}
	if detectHTMLDoc.MatchString(text) {
		return HTML, "the page is HTML"
	}
	return Text, "no table, tabs or HTML in it"
}

// checkSense fails an import that makes no sense as a catalog, which a
// wrong format or column mapping gives:
//   - no entry at all, or more rows without any text than entries;
//   - more than half the codes not looking like codes ("Prev", "Next",
//     "Home": a navigation table read as codes), where the codes were
//     told by their looks (a code column that a header or --columns
//     names holds codes whatever they look like);
//   - one message shared by more than half the entries (four or more): the
//     message column holds something else (flags, a class).
func checkSense(entries []Entry, noText int) error {
	n := len(entries)
	if n == 0 || noText > n {
		return fmt.Errorf("%d rows have a code but no text (message, name or description), %d have text: map the columns with --columns", noText, n)
	}
	var bad []string
	for _, e := range entries {
		if !e.Labelled && !plausibleCode(e.Code) {
			bad = append(bad, fmt.Sprintf("%q", e.Code))
		}
	}
	if len(bad)*2 > n {
		return fmt.Errorf("%d of %d codes do not look like error codes (%s): is the format right (--from) and is that the code column (--columns)?", len(bad), n, strings.Join(firstN(bad, 5), ", "))
	}
	if n >= 4 {
		count := map[string]int{}
		for _, e := range entries {
			count[e.Message]++
		}
		msgs := make([]string, 0, len(count))
		for m := range count {
			msgs = append(msgs, m)
		}
		sort.Slice(msgs, func(i, j int) bool {
			return count[msgs[i]] > count[msgs[j]] || count[msgs[i]] == count[msgs[j]] && msgs[i] < msgs[j]
		})
		if top := msgs[0]; count[top]*2 > n {
			return fmt.Errorf("%d of %d entries have the same message %q: that column does not hold the messages (see --columns)", count[top], n, top)
		}
	}
	return nil
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "...")
	}
	return s
}
