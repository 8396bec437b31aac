package matcher

import (
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/errtag/errtag/internal/prefilter"
)

// wordList finds words (markers, context words) on a line as whole words:
// one prefilter set finds which of them occur anywhere, and each that does
// is then looked at occurrence by occurrence.
type wordList struct {
	words []string       // lower case
	all   *prefilter.Set // every word, for one FindAll per line
	// one is each word alone, for its occurrences, built when the word
	// is first found: most words of most lists never occur, and building
	// every set was a tenth of errtag's start-up.
	one []func() *prefilter.Set
	// whole says whether an occurrence is a word of its own:
	// isWholeWord, or isWholePhrase for phrases.
	whole func(line []byte, start, end int) bool
}

func newWordList(words []string) *wordList {
	return newList(words, isWholeWord)
}

// newPhraseList is a wordList of phrases (exclude words): only a phrase's
// edges that are letters or digits must be word edges.
func newPhraseList(phrases []string) *wordList {
	return newList(phrases, isWholePhrase)
}

func newList(words []string, whole func([]byte, int, int) bool) *wordList {
	wl := &wordList{words: words, all: prefilter.NewAll(words, nil), whole: whole}
	wl.one = make([]func() *prefilter.Set, len(words))
	for i, w := range words {
		wl.one[i] = sync.OnceValue(func() *prefilter.Set { return prefilter.New([]string{w}) })
	}
	return wl
}

// partOfWord is a place where a word occurs but does not count: inside a
// longer word, or, for a marker, inside an e-mail address or one of its
// system's marker exceptions (then why says which).
type partOfWord struct {
	word   string
	offset int
	why    string
}

// String says where the word is and why it does not count, for errtag
// test.
func (p partOfWord) String() string {
	if p.why == "" {
		return fmt.Sprintf("%q at %d is part of a longer word", p.word, p.offset)
	}
	return fmt.Sprintf("%q at %d is %s", p.word, p.offset, p.why)
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
		one := wl.one[i]()
		for from := 0; from < len(line); {
			k := one.Index(line[from:])
			if k < 0 {
				break
			}
			p := from + k
			if wl.whole(line, p, p+n) {
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
// followed by a lower-case letter does, so KNOXVILLE is one word). A letter
// that ends a JSON escape (\n, \t, \u00e9) is not part of the word that
// follows it.
func isWholeWord(line []byte, start, end int) bool {
	return startsWord(line, start) && endsWord(line, start, end)
}

// isWholePhrase is isWholeWord for a phrase that may begin or end with a
// character that is no letter or digit (knox.gateway (, /core/lib/drupal):
// only an edge that is a letter or digit must be a word's edge.
func isWholePhrase(line []byte, start, end int) bool {
	if end <= start {
		return false
	}
	first, _ := utf8.DecodeRune(line[start:])
	last, _ := utf8.DecodeLastRune(line[start:end])
	return (!isLetterOrDigit(first) || startsWord(line, start)) &&
		(!isLetterOrDigit(last) || endsWord(line, start, end))
}

// startsWord reports whether a word starts at line[start] (the first half
// of isWholeWord).
func startsWord(line []byte, start int) bool {
	if start <= 0 {
		return true
	}
	before, _ := utf8.DecodeLastRune(line[:start])
	if !isLetterOrDigit(before) || escapeEndsAt(line, start) {
		return true
	}
	first, _ := utf8.DecodeRune(line[start:])
	return (unicode.IsLower(before) || unicode.IsDigit(before)) && unicode.IsUpper(first)
}

// endsWord reports whether the word line[start:end] ends at end (the
// second half of isWholeWord).
func endsWord(line []byte, start, end int) bool {
	if end >= len(line) {
		return true
	}
	after, size := utf8.DecodeRune(line[end:])
	if unicode.IsLower(after) || unicode.IsDigit(after) {
		return false
	}
	if unicode.IsUpper(after) && end > start {
		// After a marker written in capitals, a capital starts the
		// next word only when a lower-case letter follows it
		// (EFOTAClient); otherwise the capitals run on as one word
		// (KNOXVILLE, EFOTAS).
		last, _ := utf8.DecodeLastRune(line[start:end])
		next, _ := utf8.DecodeRune(line[end+size:])
		if unicode.IsUpper(last) && !unicode.IsLower(next) {
			return false
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
