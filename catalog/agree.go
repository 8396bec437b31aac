package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/errtag/errtag/internal/printf"
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
	b := appendFoldSpace(make([]byte, 0, len(s)), s)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// appendFoldSpace appends foldSpace(s) to dst.
func appendFoldSpace(dst []byte, s string) []byte {
	space, start := false, len(dst)
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == ' ' || '\t' <= c && c <= '\r' { // unicode.IsSpace, for ASCII
				space = len(dst) > start
				continue
			}
			if space {
				dst = append(dst, ' ')
				space = false
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = len(dst) > start
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
// message (errtag's rule for a shape's corroboration, README "What gets
// annotated"): after NormalizeMessage the two are equal, or one is a
// prefix of the other.
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
// A vendor message that holds printf placeholders (%s, %d, %.*s, %lld: C's
// conversions, see docs/FORMATS.md, "Messages with placeholders") is a
// template: each placeholder stands for any non-empty
// text of the line ("wrong number of arguments for 'get' command" agrees
// with "wrong number of arguments for '%s' command"), the fixed text around
// them is compared as above, and the line may say more after the template
// or stop inside one of its fixed pieces, but not inside a placeholder.
// A template whose fixed text holds no letter or digit ("%d %s:%d") says
// nothing to agree with, and agrees with no line.
//
// An empty message agrees with nothing.
func MessageAgrees(line, vendor string) bool {
	if t := newTemplate(vendor); t != nil {
		return t.agrees(NormalizeMessage(line), false)
	}
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
	return strings.HasPrefix(v, l) && cutAgrees(l, v[len(l):])
}

// cutAgrees reports whether l, a normalised message that stops where the
// vendor's text goes on with rest, keeps enough of it to agree: at least
// minCutWords whole words (a word cut short does not count).
func cutAgrees(l, rest string) bool {
	words := strings.Count(l, " ") + 1 // normalised: one space between words
	if !wordEnds(l, rest) {
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
	raw        string // Message
	message    string // NormalizeMessage(Message)
	prefix     string // NormalizeMessage(MessagePrefix)
	prefixFold string // foldSpace(MessagePrefix)
	// messageT and prefixT are the message and the prefix as templates,
	// when they hold printf placeholders (nil otherwise).
	messageT, prefixT *template
}

func newRowText(e *Entry) rowText {
	return rowText{raw: e.Message, message: NormalizeMessage(e.Message), prefix: NormalizeMessage(e.MessagePrefix), prefixFold: foldSpace(e.MessagePrefix),
		messageT: newTemplate(e.Message), prefixT: newTemplate(e.MessagePrefix)}
}

// lineText is a line's message as it is compared with rows.
type lineText struct {
	norm, fold string
}

// newLineText folds msg into scratch's memory when it needs folding: the
// lineText is good while scratch is not written to.
func newLineText(msg string, scratch []byte) lineText {
	f := msg
	if !isFolded(msg) {
		b := appendFoldSpace(scratch[:0], msg)
		f = unsafe.String(unsafe.SliceData(b), len(b))
	}
	return lineText{norm: strings.TrimRight(f, ".! "), fold: f}
}

// verbatim reports whether msg is the row's vendor message as it stands
// (not a template), and so agrees with it without being folded: the usual
// case, a logger printing the vendor's text.
func (r *rowText) verbatim(msg string) bool {
	return r.messageT == nil && r.message != "" && msg == r.raw
}

// agrees reports whether a line's message agrees with a row: with its
// vendor message (MessageAgrees: a message with printf placeholders is a
// template), or, for a row picked by a message_prefix, when the message
// starts with the prefix (ignoring case and runs of white space: the rest
// of such a row's text names things, such as a field and a content type,
// that vary from line to line) or is cut short inside it. A prefix with
// placeholders is a template too, which the message must start with.
func (r *rowText) agrees(l lineText) bool {
	if l.norm == "" {
		return false
	}
	if r.messageT != nil {
		if r.messageT.agrees(l.norm, false) {
			return true
		}
	} else if normalizedAgree(l.norm, r.message) {
		return true
	}
	switch {
	case r.prefixT != nil:
		return r.prefixT.agrees(l.norm, true)
	case r.prefixFold == "":
		return false
	}
	return strings.HasPrefix(l.fold, r.prefixFold) || normalizedAgree(l.norm, r.prefix)
}

// placeholderMark stands for a placeholder while a template is normalised:
// a character of Unicode's private use area, which vendor texts do not
// hold (a text that does is not read as a template).
const placeholderMark = "\ue000"

// template is a vendor text with printf placeholders, normalised as
// messages are compared: its fixed pieces around the placeholders, one
// more than there are placeholders, each lower case with runs of white
// space as one space (the ends of the whole text trimmed, and its final
// '.' and '!' when it ends in fixed text).
type template struct {
	lits []string
}

// newTemplate returns text as a template, or nil when it holds no printf
// placeholder, or holds no letter or digit outside them.
func newTemplate(text string) *template {
	if !printf.Has(text) || strings.Contains(text, placeholderMark) {
		return nil
	}
	t := &template{lits: strings.Split(NormalizeMessage(printf.Strip(text, placeholderMark)), placeholderMark)}
	for _, l := range t.lits {
		if strings.IndexFunc(l, isWordRune) >= 0 {
			return t
		}
	}
	return nil
}

// agrees reports whether l, a message normalised by NormalizeMessage,
// agrees with the template: its fixed pieces in order, each placeholder
// some non-empty text between them. After the last piece the line may end
// or go on at a word boundary (with open, as after a message_prefix, go on
// with anything); or the line may stop inside a fixed piece, as a message
// cut short (two words at least, three when it stops inside a word).
//
// Each piece is placed at its leftmost place after the one before: a
// placeholder takes any text, so a later place never lets more of the
// line agree.
func (t *template) agrees(l string, open bool) bool {
	if l == "" {
		return false
	}
	first := t.lits[0]
	if !strings.HasPrefix(l, first) {
		return cutShort(l, 0, first)
	}
	// cut reports whether l stops inside one of the pieces placed so far
	// (from[j] is where piece j may start at the earliest).
	var from []int
	cut := func() bool {
		for j, f := range from {
			if cutInside(l, f, t.lits[j+1]) {
				return true
			}
		}
		return false
	}
	pos := len(first)
	for j := 1; j < len(t.lits); j++ {
		lit := t.lits[j]
		at := pos + 1 // the placeholder before lit takes one character at least
		if at > len(l) {
			return cut()
		}
		from = append(from, at)
		if j < len(t.lits)-1 {
			k := strings.Index(l[at:], lit)
			if k < 0 {
				return cut()
			}
			pos = at + k + len(lit)
			continue
		}
		if lit == "" {
			return true // the last placeholder takes the rest of the line
		}
		for {
			k := strings.Index(l[at:], lit)
			if k < 0 {
				break
			}
			end := at + k + len(lit)
			if open || end == len(l) || wordEnds(lit, l[end:]) {
				return true
			}
			at += k + 1
		}
	}
	return cut()
}

// cutInside reports whether l ends inside lit: whether some end of l from
// byte from on is a non-empty part lit starts with (and not all of it),
// and l is long enough to be a message cut short (see cutShort).
func cutInside(l string, from int, lit string) bool {
	for q := max(from, len(l)-len(lit)+1); q < len(l); q++ {
		if cutShort(l, q, lit) {
			return true
		}
	}
	return false
}

// cutShort reports whether l, from byte q on, is a part that lit starts
// with and not all of it, and l keeps enough to count as a message cut
// short (cutAgrees).
func cutShort(l string, q int, lit string) bool {
	tail := l[q:]
	if tail == "" || len(tail) >= len(lit) || !strings.HasPrefix(lit, tail) {
		return false
	}
	return cutAgrees(l, lit[len(tail):])
}
