package matcher

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestIsWholeWord(t *testing.T) {
	for _, c := range []struct {
		text string // the word is between '[' and ']', which are removed
		want bool
	}{
		{"[knox]", true},
		{"x [knox] y", true},
		{"com.samsung.android.[knox].efota", true},
		{"[KNOX]_agent", true},
		{"my[Knox]Agent", true},     // camel-case start and end
		{"[EFOTA]Client", true},     // an upper-case letter starts the next word
		{"[Drupal]Error", true},     // likewise
		{"2[Knox]", true},           // a digit before an upper-case start
		{"[knox]ville", false},      // a lower-case letter after
		{"[knox]2", false},          // a digit after
		{"Ce[fota]xime", false},     // a lower-case letter after
		{"CE[FOTA]XIME", false},     // an upper-case letter before an upper-case start
		{"my[knox]", false},         // a lower-case letter before a lower-case start
		{"MY[Knox]", false},         // an upper-case letter before
		{"é[knox]", false},          // a non-ASCII letter is a letter
		{`\n[drupal]: x`, true},     // a JSON escape is no letter
		{`\t[drupal]`, true},        //
		{`\\n[drupal]`, false},      // an escaped backslash, then the letter n
		{`\u00e9[knox]`, true},      // \u escape
		{`x\u00e9[knox]`, true},     //
		{"[knox]é", false},          // a non-ASCII lower-case letter after
		{"[knox]Ä", true},           // a non-ASCII upper-case letter after
		{"[KNOX]VILLE-DC01", false}, // capitals run on: one word
		{"[EFOTA]S", false},         // likewise
		{"[EFOTA]CLIENT", false},    // likewise
		{"[EFOTA]Client", true},     // a capital, then lower case: a new word
		{"[KNOX]Ä", false},          // capitals run on, non-ASCII too
		{"[VMXSync]Agent", true},    // a marker ending in lower case
		{"[knox]-dc01", true},       //
		{"[volt mx] sync", true},    // a marker with a space
	} {
		i := strings.IndexByte(c.text, '[')
		j := strings.IndexByte(c.text, ']')
		line := c.text[:i] + c.text[i+1:j] + c.text[j+1:]
		if got := isWholeWord([]byte(line), i, j-1); got != c.want {
			t.Errorf("%s: isWholeWord = %v, want %v", c.text, got, c.want)
		}
	}
}

// refWholeWord is section 8's definition read plainly, for the fuzz target.
func refWholeWord(line string, start, end int) bool {
	if start > 0 {
		before, _ := utf8.DecodeLastRuneInString(line[:start])
		first, _ := utf8.DecodeRuneInString(line[start:])
		letterOrDigit := unicode.IsLetter(before) || unicode.IsDigit(before)
		camel := (unicode.IsLower(before) || unicode.IsDigit(before)) && unicode.IsUpper(first)
		escape := strings.HasSuffix(line[:start], `\n`) || strings.HasSuffix(line[:start], `\t`) ||
			strings.HasSuffix(line[:start], `\r`) || strings.HasSuffix(line[:start], `\b`) || strings.HasSuffix(line[:start], `\f`)
		if escape {
			n := 0
			for k := start - 2; k >= 0 && line[k] == '\\'; k-- {
				n++
			}
			escape = n%2 == 1
		}
		if letterOrDigit && !camel && !escape && !uEscapeBefore(line, start) {
			return false
		}
	}
	if end < len(line) {
		after, size := utf8.DecodeRuneInString(line[end:])
		if unicode.IsLower(after) || unicode.IsDigit(after) {
			return false
		}
		last, _ := utf8.DecodeLastRuneInString(line[start:end])
		next, _ := utf8.DecodeRuneInString(line[end+size:])
		if end > start && unicode.IsUpper(after) && unicode.IsUpper(last) && !unicode.IsLower(next) {
			return false // capitals run on: KNOXVILLE
		}
	}
	return true
}

func uEscapeBefore(line string, i int) bool {
	if i < 6 || line[i-6] != '\\' || line[i-5] != 'u' {
		return false
	}
	for _, c := range []byte(line[i-4 : i]) {
		if !isHex(c) {
			return false
		}
	}
	n := 0
	for k := i - 6; k >= 0 && line[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

func FuzzIsWholeWord(f *testing.F) {
	f.Add("myKnoxAgent", 2, 6)
	f.Add("Cefotaxime", 1, 6)
	f.Add(`x\ndrupal`, 3, 9)
	f.Add("é knox", 3, 7)
	f.Fuzz(func(t *testing.T, line string, start, end int) {
		if start < 0 || end < start || end > len(line) || !utf8.ValidString(line) {
			return
		}
		if start < len(line) && !utf8.RuneStart(line[start]) {
			return
		}
		if end < len(line) && !utf8.RuneStart(line[end]) {
			return
		}
		if got, want := isWholeWord([]byte(line), start, end), refWholeWord(line, start, end); got != want {
			t.Fatalf("isWholeWord(%q, %d, %d) = %v, want %v", line, start, end, got, want)
		}
	})
}

// TestMarkerInsideWordNeverTies: a property test. Each built-in marker,
// written inside a longer word (letters or digits glued before it, not as
// a camel-case start, or a lower-case letter or digit after it), on a line
// that holds every system's carriers and no other marker, ties the line
// to no system: no annotation, no marked system.
func TestMarkerInsideWordNeverTies(t *testing.T) {
	m := accMatcher(t, "")
	markers := m.markers.words.words
	if len(markers) < 8 {
		t.Fatalf("only %d markers", len(markers))
	}
	carriers := []string{
		"result code: -1401", "errorCode=-1012", "code=101", "DrupalError(101)", "OBJECT_NOT_FOUND",
		`{"message":"Payload too large.","errorCode":999}`, `{"code":101,"message":"x"}`, `{"resultCode":-2409}`,
	}
	const lower, digits, upper = "abcdefghijklmnopqrstuvwxyz", "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	rng := rand.New(rand.NewSource(9))
	pick := func(s string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = s[rng.Intn(len(s))]
		}
		return string(b)
	}
	checked := 0
	for iter := 0; iter < 4000; iter++ {
		mk := markers[rng.Intn(len(markers))]
		word := mk
		var before, after string
		switch rng.Intn(4) {
		case 0: // glued after a letter or digit, in lower case
			before = pick(lower+digits+upper, 1+rng.Intn(4))
		case 1: // glued after an upper-case letter, starting upper case
			before = pick(upper, 1+rng.Intn(3))
			word = strings.ToUpper(mk[:1]) + mk[1:]
		case 2: // followed by a lower-case letter or a digit
			after = pick(lower+digits, 1+rng.Intn(4))
			if rng.Intn(2) == 0 {
				word = strings.ToUpper(mk)
			}
		default: // both
			before = pick(lower+digits, 1+rng.Intn(3))
			after = pick(lower+digits, 1+rng.Intn(3)) + pick(lower+upper+digits, rng.Intn(3))
		}
		long := before + word + after
		line := "2024-06-01 10:00:00 host-" + pick(digits, 2) + " svc: " + long + " " + carriers[rng.Intn(len(carriers))]
		// The longer word must hold no whole marker of its own (a random
		// suffix can spell one).
		clean := true
		for _, other := range markers {
			for k := strings.Index(strings.ToLower(line), other); k >= 0; {
				if isWholeWord([]byte(line), k, k+len(other)) {
					clean = false
				}
				n := strings.Index(strings.ToLower(line[k+1:]), other)
				if n < 0 {
					break
				}
				k += 1 + n
			}
		}
		if !clean {
			continue
		}
		checked++
		if anns := m.Match([]byte(line)); len(anns) > 0 {
			t.Fatalf("marker %q inside %q tied the line:\n%s\n=> %v", mk, long, line, s8Format(anns))
		}
		if tr := m.Trace([]byte(line)); len(tr.Marked) > 0 {
			t.Fatalf("marker %q inside %q marked %v:\n%s", mk, long, tr.Marked, line)
		}
	}
	if checked < 2000 {
		t.Fatalf("only %d lines checked", checked)
	}
}
