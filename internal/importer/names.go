package importer

import (
	"strings"
	"unicode"

	"github.com/errtag/errtag/internal/printf"

	"github.com/errtag/errtag/internal/lazyregexp"
)

// maxNameWords is how many words of the message a made name keeps.
const maxNameWords = 6

var (
	// boilerplate that opens many vendor messages and says nothing.
	namePreamble = lazyregexp.New(`(?i)^(?:error code\s+(?:indicating|to indicate|to represent|that indicates|for)\s+(?:that\s+)?|indicates\s+that\s+)`)
	contractions = strings.NewReplacer("can't", "cannot", "won't", "will not", "n't", " not", "’", "'")
	nameStop     = map[string]bool{
		"a": true, "an": true, "the": true, "to": true, "of": true, "for": true, "in": true,
		"on": true, "at": true, "by": true, "with": true, "is": true, "are": true, "was": true,
		"were": true, "be": true, "been": true, "has": true, "have": true, "had": true,
		"that": true, "this": true, "it": true, "its": true, "and": true, "or": true,
		"as": true, "from": true, "there": true, "which": true, "you": true, "your": true,
		"s": true, "e": true, "g": true,
	}
)

// MakeName returns a stable UPPER_SNAKE name made from message: the first
// sentence, without its printf placeholders (%s, %d: what they print is not
// the message's), its opening boilerplate ("Error code indicating that")
// and small words, up to six words ("The specified user was not found." ->
// SPECIFIED_USER_NOT_FOUND; "%d %s:%d" has none). It returns "" when
// message has no letters or digits outside its placeholders.
func MakeName(message string) string {
	s := collapse(printf.Strip(message, " "))
	if i := sentenceEnd(s); i > 0 {
		s = s[:i]
	}
	s = namePreamble.ReplaceAllString(s, "")
	s = contractions.Replace(strings.ToLower(s))
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var keep []string
	for _, w := range words {
		if nameStop[w] {
			continue
		}
		keep = append(keep, strings.ToUpper(w))
		if len(keep) == maxNameWords {
			break
		}
	}
	if len(keep) == 0 {
		// Only small words: keep them rather than nothing.
		for _, w := range words {
			keep = append(keep, strings.ToUpper(w))
			if len(keep) == maxNameWords {
				break
			}
		}
	}
	name := strings.Join(keep, "_")
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		name = "E_" + name
	}
	return name
}

// sentenceEnd returns the index just after the first sentence of s (its
// full stop, question or exclamation mark and any closing quote or
// bracket), or -1 when s has a single sentence. A full stop inside a
// number or abbreviation (2.2.1, e.g.) does not end a sentence.
func sentenceEnd(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(s) {
			if strings.IndexByte(`"')]`, s[j]) >= 0 {
				j++
			} else if strings.HasPrefix(s[j:], "”") || strings.HasPrefix(s[j:], "’") {
				j += len("”")
			} else {
				break
			}
		}
		if j < len(s) && s[j] != ' ' {
			continue
		}
		if c == '.' && abbreviation(s[:i]) {
			continue
		}
		if j >= len(s) {
			return -1
		}
		return j
	}
	return -1
}

// abbreviation reports whether the word ending s (before a full stop) is
// an abbreviation that does not end a sentence.
func abbreviation(s string) bool {
	k := strings.LastIndexByte(s, ' ')
	w := strings.ToLower(s[k+1:])
	switch w {
	case "e.g", "i.e", "etc", "vs", "approx", "ex", "cf", "mr", "dr", "st":
		return true
	}
	return len(w) == 1 && unicode.IsLetter(rune(w[0]))
}
