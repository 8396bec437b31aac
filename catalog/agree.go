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

// MessageAgrees reports whether a line's message agrees with a vendor's
// message, as section 8 of the log-format contract defines it: after
// NormalizeMessage the two are equal, or one is a prefix of the other.
//
//   - The line may say more than the vendor ("Not found: /items/7" agrees
//     with "Not found."), going on after the vendor's text at a word
//     boundary.
//   - The line may say less (a body cut short by its logger): "Invalid
//     access" agrees with "Invalid access token.", but a single word that
//     only begins the vendor's message ("Invalid") does not, and a cut in
//     the middle of a word counts only after three whole words ("The
//     operation results in a dupl").
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
	if wordEnds(l, v[len(l):]) {
		return words >= 2
	}
	return words >= 3
}

// wordEnds reports whether a text ending in head and going on with tail
// has a word boundary between them.
func wordEnds(head, tail string) bool {
	last, _ := utf8.DecodeLastRuneInString(head)
	next, _ := utf8.DecodeRuneInString(tail)
	return !isWordRune(last) || !isWordRune(next)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// rowAgrees reports whether a line's message agrees with row e: with its
// vendor message, or, for a row picked by a message_prefix, when the
// message starts with the prefix (ignoring case and runs of white space:
// the rest of such a row's text names things, such as a field and a
// content type, that vary from line to line) or is cut short inside it.
func rowAgrees(e *Entry, msg string) bool {
	l := NormalizeMessage(msg)
	if normalizedAgree(l, NormalizeMessage(e.Message)) {
		return true
	}
	if e.MessagePrefix == "" || l == "" {
		return false
	}
	return strings.HasPrefix(foldSpace(msg), foldSpace(e.MessagePrefix)) || normalizedAgree(l, NormalizeMessage(e.MessagePrefix))
}
