package matcher

import (
	"unicode"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/prefilter"
)

// wordList finds words (markers, context words) on a line as whole words:
// one prefilter set finds which of them occur anywhere, and each that does
// is then looked at occurrence by occurrence.
type wordList struct {
	words []string         // lower case
	all   *prefilter.Set   // every word, for one FindAll per line
	one   []*prefilter.Set // each word alone, for its occurrences
}

func newWordList(words []string) *wordList {
	wl := &wordList{words: words, all: prefilter.NewAll(words, nil)}
	for _, w := range words {
		wl.one = append(wl.one, prefilter.New([]string{w}))
	}
	return wl
}

// partOfWord is a place where a word occurs inside a longer one.
type partOfWord struct {
	word   string
	offset int
}

// find calls fn(i) for each word i that occurs in line as a whole word
// (see isWholeWord), once per word, and, when rejected is not nil, appends
// to it the occurrences that are part of longer words. found is scratch
// space of len(words), cleared first.
func (wl *wordList) find(line []byte, found []bool, rejected *[]partOfWord, fn func(i int)) {
	clear(found)
	if len(wl.words) == 0 || !wl.all.FindAll(line, found) {
		return
	}
	for i, ok := range found {
		if !ok {
			continue
		}
		n := len(wl.words[i])
		for from := 0; from < len(line); {
			k := wl.one[i].Index(line[from:])
			if k < 0 {
				break
			}
			p := from + k
			if isWholeWord(line, p, p+n) {
				fn(i)
				break
			}
			if rejected != nil {
				*rejected = append(*rejected, partOfWord{word: wl.words[i], offset: p})
			}
			from = p + 1
		}
	}
}

// isWholeWord reports whether line[start:end] is a word of its own, as
// section 8 of the log-format contract defines markers: the character
// before it is not a letter or digit, or is a lower-case letter or digit
// followed by an upper-case first letter (a camel-case word start:
// myKnoxAgent); and the character after it is not a lower-case letter or
// digit (an upper-case letter starts the next word: DrupalError,
// EFOTAClient; but after a marker written in capitals, only a capital
// followed by a lower-case letter does, so KNOXVILLE is one word). A letter that ends a JSON escape (\n, \t, \u00e9) is not
// part of the word that follows it.
func isWholeWord(line []byte, start, end int) bool {
	if start > 0 {
		before, _ := utf8.DecodeLastRune(line[:start])
		if isLetterOrDigit(before) && !escapeEndsAt(line, start) {
			first, _ := utf8.DecodeRune(line[start:])
			camel := (unicode.IsLower(before) || unicode.IsDigit(before)) && unicode.IsUpper(first)
			if !camel {
				return false
			}
		}
	}
	if end < len(line) {
		after, size := utf8.DecodeRune(line[end:])
		if unicode.IsLower(after) || unicode.IsDigit(after) {
			return false
		}
		if unicode.IsUpper(after) && end > start {
			// After a marker written in capitals, a capital starts
			// the next word only when a lower-case letter follows
			// it (EFOTAClient); otherwise the capitals run on as one
			// word (KNOXVILLE, EFOTAS).
			last, _ := utf8.DecodeLastRune(line[start:end])
			next, _ := utf8.DecodeRune(line[end+size:])
			if unicode.IsUpper(last) && !unicode.IsLower(next) {
				return false
			}
		}
	}
	return true
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// escapeEndsAt reports whether a JSON string escape (\n, \t, \r, \b, \f
// or \uXXXX) ends just before line[i].
func escapeEndsAt(line []byte, i int) bool {
	switch {
	case i >= 2 && (line[i-1] == 'n' || line[i-1] == 't' || line[i-1] == 'r' || line[i-1] == 'b' || line[i-1] == 'f'):
		return escapedAt(line, i-2)
	case i >= 6 && line[i-5] == 'u' && isHex(line[i-4]) && isHex(line[i-3]) && isHex(line[i-2]) && isHex(line[i-1]):
		return escapedAt(line, i-6)
	}
	return false
}

// escapedAt reports whether line[i] is a backslash that starts an escape:
// preceded by an even number of backslashes.
func escapedAt(line []byte, i int) bool {
	if line[i] != '\\' {
		return false
	}
	n := 0
	for j := i - 1; j >= 0 && line[j] == '\\'; j-- {
		n++
	}
	return n%2 == 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
