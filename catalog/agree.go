package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeMessage is how a line's message and a vendor's message are
// compared: lower case, every run of white space one space, no white space
// at either end, and no final '.' or '!' (nor several).
func NormalizeMessage(s string) string { return strings.TrimRight(foldSpace(s), ".! ") }

// foldSpace lower-cases s, makes every run of white space one space and
// trims white space at both ends.
func foldSpace(s string) string {
	if isFolded(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isFolded reports whether foldSpace(s) is s: ASCII without upper-case
// letters, white space only as single spaces between words.
func isFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z':
			return false
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case c <= ' ' || c == 0x7f:
			if c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
				return false
			}
		}
	}
	return true
}

// MessageAgrees reports whether a line's message agrees with a vendor's
// message, as section 8 of the log-format contract defines it: after
// NormalizeMessage the two are equal, or one is a prefix of the other.
//
//   - The line may say more than the vendor ("Not found: /items/7" agrees
//     with "Not found."), going on after the vendor's text at a word
//     boundary.
//   - The line may say less (a body cut short by its logger) when it
//     keeps at least three whole words of the vendor's message: "The
//     operation results in a" and "The operation results in a dupl" agree
//     with "The operation results in a duplicate key for a unique index.",
//     but "Invalid access" does not agree with "Invalid access token.",
//     nor "The specified" or "A user" with longer messages: two words
//     begin too many messages. (The whole message, of any length, agrees.)
//
// An empty message agrees with nothing.
func MessageAgrees(line, vendor string) bool {
	return normalizedAgree(NormalizeMessage(line), NormalizeMessage(vendor))
}

func normalizedAgree(l, v string) bool {
	switch {
	case l == "" || v == "":
		return false
	case l == v:
		return true
	case len(l) > len(v):
		// The line says more: the vendor's whole text, then a new word
		// or punctuation.
		return strings.HasPrefix(l, v) && wordEnds(v, l[len(v):])
	}
	// The line says less.
	if !strings.HasPrefix(v, l) {
		return false
	}
	words := strings.Count(l, " ") + 1 // normalised: one space between words
	if !wordEnds(l, v[len(l):]) {
		words-- // the last is cut short
	}
	return words >= minCutWords
}

// minCutWords is how many whole words of the vendor's message a message
// cut short must keep to agree with it.
const minCutWords = 3

// wordEnds reports whether a text ending in head and going on with tail
// has a word boundary between them.
func wordEnds(head, tail string) bool {
	last, _ := utf8.DecodeLastRuneInString(head)
	next, _ := utf8.DecodeRuneInString(tail)
	return !isWordRune(last) || !isWordRune(next)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// rowText is a row's texts as messages are compared with them, computed
// once when the catalog is built.
type rowText struct {
	message    string // NormalizeMessage(Message)
	prefix     string // NormalizeMessage(MessagePrefix)
	prefixFold string // foldSpace(MessagePrefix)
}

func newRowText(e *Entry) rowText {
	return rowText{message: NormalizeMessage(e.Message), prefix: NormalizeMessage(e.MessagePrefix), prefixFold: foldSpace(e.MessagePrefix)}
}

// lineText is a line's message as it is compared with rows.
type lineText struct {
	norm, fold string
}

func newLineText(msg string) lineText {
	f := foldSpace(msg)
	return lineText{norm: strings.TrimRight(f, ".! "), fold: f}
}

// agrees reports whether a line's message agrees with a row: with its
// vendor message, or, for a row picked by a message_prefix, when the
// message starts with the prefix (ignoring case and runs of white space:
// the rest of such a row's text names things, such as a field and a
// content type, that vary from line to line) or is cut short inside it.
func (r *rowText) agrees(l lineText) bool {
	if l.norm == "" {
		return false
	}
	if normalizedAgree(l.norm, r.message) {
		return true
	}
	if r.prefixFold == "" {
		return false
	}
	return strings.HasPrefix(l.fold, r.prefixFold) || normalizedAgree(l.norm, r.prefix)
}
