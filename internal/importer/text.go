package importer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	textRowStart   = regexp.MustCompile(`^([-+]?[0-9]+|0[xX][0-9A-Fa-f]+)(?:\s+(.*))?$`)
	textHeaderCode = regexp.MustCompile(`(?i)(\bcodes?\b|errorcode)`)
	textHeaderText = regexp.MustCompile(`(?i)\b(description|message|meaning|explanation)\b`)
	httpStatusCode = regexp.MustCompile(`^[1-5][0-9]{2}$`)
	footnoteLine   = regexp.MustCompile(`^(\*|†|‡|§|¹|²|³|(?i:note:))`)
)

// parseText reads a plain-text page in whichever of its two layouts finds
// more codes: lines starting with a code (parseCodeLines), or prose with a
// name paragraph before each description paragraph (parseProse).
func parseText(page string) ([]Row, []string, error) {
	rows, warnings := parseCodeLines(page)
	prose, proseWarnings := parseProse(page)
	if len(prose) > len(rows) {
		return prose, proseWarnings, nil
	}
	return rows, warnings, nil
}

type textLine struct {
	text string
	line int
}

// isTextHeader reports whether l is a table header line such as "Error code
// Description" or "Error Code HTTP Status Code Error Message Description
// Returned By": short, naming a code and a text column, not a sentence.
func isTextHeader(l string) bool {
	if n := len(strings.Fields(l)); n == 0 || n > 12 {
		return false
	}
	if textRowStart.MatchString(l) || strings.HasSuffix(l, ".") || strings.HasSuffix(l, ":") {
		return false
	}
	return textHeaderCode.MatchString(l) && textHeaderText.MatchString(l)
}

// rawTextRow is a row of the code-lines layout being read.
type rawTextRow struct {
	code, status, section string
	parts                 []string
	line                  int
	ended                 bool
}

// parseCodeLines reads the layout of a table copied out of a page as text:
// a row starts with a line beginning with a code (decimal or hex); its text
// is the rest of that line and the lines after it up to the next row. When
// the page has a header line naming the columns ("Error code
// Description"), rows are read only after the first one, and the line
// before each header is a section heading. When the header names an HTTP
// status column, a three-digit number after the code is the row's status.
// When it names columns after the message ("... Message Description
// Returned By"), the columns run together, so the message is taken to end
// at its first sentence, or before a word that starts the next column in
// three rows or more; the rest of the row is kept for the author.
func parseCodeLines(page string) ([]Row, []string) {
	var lines []textLine
	for i, l := range strings.Split(page, "\n") {
		if c := collapse(l); c != "" {
			lines = append(lines, textLine{c, i + 1})
		}
	}
	first := -1
	for i, l := range lines {
		if isTextHeader(l.text) {
			first = i
			break
		}
	}
	withStatus, trailing := false, false
	if first >= 0 {
		h := lines[first].text
		withStatus = statusHeader.MatchString(h)
		if loc := textHeaderText.FindStringIndex(h); loc != nil {
			trailing = strings.TrimSpace(h[loc[1]:]) != ""
		}
	}
	var raws []*rawTextRow
	var cur *rawTextRow
	section := ""
	for i, l := range lines {
		switch {
		case isTextHeader(l.text):
			cur = nil
			continue
		case i+1 < len(lines) && isTextHeader(lines[i+1].text):
			section, cur = l.text, nil
			continue
		case first >= 0 && i < first:
			continue // the page's title and introduction
		}
		if m := textRowStart.FindStringSubmatch(l.text); m != nil {
			cur = &rawTextRow{code: m[1], section: section, line: l.line}
			rest := m[2]
			if withStatus {
				if f := strings.Fields(rest); len(f) > 1 && httpStatusCode.MatchString(f[0]) {
					cur.status, rest = f[0], strings.Join(f[1:], " ")
				}
			}
			if rest != "" {
				cur.parts = append(cur.parts, rest)
			}
			raws = append(raws, cur)
			continue
		}
		if cur == nil || cur.ended {
			continue
		}
		if trailing && footnoteLine.MatchString(l.text) {
			cur.ended = true // footnotes under the table
			continue
		}
		cur.parts = append(cur.parts, l.text)
	}

	var markers map[string]bool
	if trailing {
		markers = columnMarkers(raws)
	}
	var rows []Row
	for _, r := range raws {
		text := collapse(strings.Join(r.parts, " "))
		row := Row{Code: r.code, Message: text, Section: r.section, Status: r.status, Line: r.line}
		if trailing {
			row.Message, row.Rest = splitMessage(text, markers)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// columnMarkers learns the words that start the column after the message:
// in rows whose message ends with a sentence, the word after it. A word
// seen there in three rows or more that is capitalised (or N/A) is taken
// to start that column wherever it appears after a row's first word.
func columnMarkers(raws []*rawTextRow) map[string]bool {
	counts := map[string]int{}
	for _, r := range raws {
		t := collapse(strings.Join(r.parts, " "))
		if e := sentenceEnd(t); e > 0 {
			if f := strings.Fields(t[e:]); len(f) > 0 {
				counts[f[0]]++
			}
		}
	}
	markers := map[string]bool{}
	for w, n := range counts {
		r, _ := utf8.DecodeRuneInString(w)
		if n >= 3 && (unicode.IsUpper(r) || w == "N/A") {
			markers[w] = true
		}
	}
	return markers
}

// splitMessage splits a row's text into the message and the rest: the
// message ends at its first sentence end or before a column marker,
// whichever comes first.
func splitMessage(t string, markers map[string]bool) (msg, rest string) {
	end := sentenceEnd(t)
	if end < 0 {
		end = len(t)
	}
	off := 0
	for i, w := range strings.Fields(t) {
		at := strings.Index(t[off:], w) + off
		off = at + len(w)
		if at >= end {
			break
		}
		if i > 0 && markers[w] {
			end = at
			break
		}
	}
	return strings.TrimSpace(t[:end]), strings.TrimSpace(t[end:])
}
