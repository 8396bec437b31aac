package matcher

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// markerSet finds the systems' markers in a text. An occurrence counts
// when it is a whole word (isWholeWord), is not part of an e-mail address
// (admin@drupal-shop.example names a mailbox, not the software), and is not
// inside one of its system's marker exceptions (Apache Knox, Fort Knox,
// DrupalCon: names of other things).
type markerSet struct {
	words *wordList
	sys   []int // the system index of each word
	// exceptions holds, per system index, its marker exceptions (nil
	// when it has none).
	exceptions []*exceptionSet
}

// newMarkerSet returns the markerSet of words, with exceptions per system
// index.
func newMarkerSet(words []markerWord, exceptions []*exceptionSet) *markerSet {
	ms := &markerSet{exceptions: exceptions}
	list := make([]string, len(words))
	for i, w := range words {
		list[i] = w.word
		ms.sys = append(ms.sys, w.sys)
	}
	ms.words = newWordList(list)
	return ms
}

// exceptionSet is one system's marker exceptions. A space in a phrase
// matches any run of up to three spaces, '_', '-' or '.', or none (Knox
// Manage, KnoxManage, KNOX_MANAGE); everything else is compared ignoring
// ASCII case.
type exceptionSet struct {
	// anchors holds, per marker word (lower case), where it sits in the
	// phrases: an occurrence of the marker is looked for in each phrase
	// that holds it, from there outwards, so that the cost of a look is
	// bounded by the phrases' length, not the line's.
	anchors map[string]*markerAnchors
}

// markerAnchors are one marker's anchors, by the test that rules them out
// cheaply: those with none, those with inWord by that byte, those with
// next by that byte.
type markerAnchors struct {
	other        []anchor
	inWord, next map[byte][]anchor
	n            int // anchors in all
}

// anchor is a place of a marker word in a phrase: in words[word], at byte
// off.
type anchor struct {
	words     []string
	word, off int
	seq       int // the anchor's place among its marker's, in phrase order
	// For a marker of one word, what must follow an occurrence for the
	// phrase to cover it, tested before the phrase is: inWord, the byte
	// of words[word] after the marker; or else next, the first byte of
	// the next word (after up to maxExceptionSep separators). 0: no
	// test.
	inWord, next byte
}

func newExceptionSet(phrases, markers []string) *exceptionSet {
	if len(phrases) == 0 {
		return nil
	}
	x := &exceptionSet{anchors: map[string]*markerAnchors{}}
	for _, p := range phrases {
		words := strings.Fields(p)
		for j := range words {
			for _, mk := range markers {
				for _, off := range markerAt(words, j, strings.Fields(mk)) {
					a := anchor{words: words, word: j, off: off}
					switch end := off + len(mk); {
					case strings.Contains(mk, " "):
					case end < len(words[j]):
						a.inWord = words[j][end]
					case j+1 < len(words):
						a.next = words[j+1][0]
					}
					ma := x.anchors[mk]
					if ma == nil {
						ma = &markerAnchors{inWord: map[byte][]anchor{}, next: map[byte][]anchor{}}
						x.anchors[mk] = ma
					}
					a.seq = ma.n
					ma.n++
					switch {
					case a.inWord != 0:
						ma.inWord[a.inWord] = append(ma.inWord[a.inWord], a)
					case a.next != 0:
						ma.next[a.next] = append(ma.next[a.next], a)
					default:
						ma.other = append(ma.other, a)
					}
				}
			}
		}
	}
	return x
}

// markerAt returns the offsets in words[j] at which a marker of the words
// mk starts: the first in words[j], the next ones, if any, whole words
// after it (the last one beginning its word: "volt mx" in "volt mxsync").
func markerAt(words []string, j int, mk []string) []int {
	var out []int
	w := words[j]
	for off := 0; off+len(mk[0]) <= len(w); off++ {
		if w[off:off+len(mk[0])] != mk[0] {
			continue
		}
		ok := len(mk) == 1 || off+len(mk[0]) == len(w) && j+len(mk)-1 < len(words)
		for k := 1; ok && k < len(mk); k++ {
			next := words[j+k]
			ok = next == mk[k] || k == len(mk)-1 && strings.HasPrefix(next, mk[k])
		}
		if ok {
			out = append(out, off)
		}
	}
	return out
}

// covering returns the text of an exception that covers the occurrence of
// marker at line[start:end] (starting at a word start, and not going on
// into a lower-case letter: a digit or a new word may follow, as in
// DrupalCon2024), or "".
func (x *exceptionSet) covering(line []byte, marker string, start, end int, w *workCount) string {
	ma := x.anchors[marker]
	if ma == nil {
		return ""
	}
	// Of the phrases that cover it, the first (in the rules' order).
	best, bestSeq := "", -1
	try := func(as []anchor) {
		if cov, seq := coveringOf(as, line, start, w); cov != "" && (bestSeq < 0 || seq < bestSeq) {
			best, bestSeq = cov, seq
		}
	}
	try(ma.other)
	if end < len(line) {
		try(ma.inWord[lowerASCII(line[end])])
	}
	// The next word of a phrase may start after 0 to maxExceptionSep
	// separators.
	for q := end; q < len(line) && q <= end+maxExceptionSep; q++ {
		try(ma.next[lowerASCII(line[q])])
		if !isExceptionSep(line[q]) {
			break
		}
	}
	return best
}

// coveringOf returns the text of the first of the anchors as whose phrase
// covers the marker occurrence at line[start:], and its seq.
func coveringOf(as []anchor, line []byte, start int, w *workCount) (string, int) {
	for _, a := range as {
		ws := start - a.off
		word := a.words[a.word]
		w.scan(len(word))
		if ws < 0 || ws+len(word) > len(line) || !equalFold(line[ws:ws+len(word)], word) {
			continue
		}
		e, ok := phraseForward(line, ws+len(word), a.words[a.word+1:], w)
		if !ok {
			continue
		}
		s, ok := phraseBackward(line, ws, a.words[:a.word], w)
		if !ok || !startsWord(line, s) {
			continue
		}
		if e < len(line) {
			if after, _ := utf8.DecodeRune(line[e:]); unicode.IsLower(after) {
				continue
			}
		}
		return string(line[s:e]), a.seq
	}
	return "", -1
}

// maxExceptionSep is how many separators a space in a marker exception
// matches at most.
const maxExceptionSep = 3

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isExceptionSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '_' || c == '-' || c == '.'
}

// phraseForward matches words (lower case) at line[pos:], each after up to
// maxExceptionSep separators, and returns where the match ends.
func phraseForward(line []byte, pos int, words []string, w *workCount) (int, bool) {
	if len(words) == 0 {
		return pos, true
	}
	for skip := 0; skip <= maxExceptionSep && pos+skip <= len(line); skip++ {
		if skip > 0 && !isExceptionSep(line[pos+skip-1]) {
			break
		}
		q := pos + skip
		w.scan(len(words[0]))
		if q+len(words[0]) <= len(line) && equalFold(line[q:q+len(words[0])], words[0]) {
			if e, ok := phraseForward(line, q+len(words[0]), words[1:], w); ok {
				return e, true
			}
		}
	}
	return 0, false
}

// phraseBackward matches words (lower case) ending at line[:pos], each
// followed by up to maxExceptionSep separators, and returns where the match
// starts.
func phraseBackward(line []byte, pos int, words []string, w *workCount) (int, bool) {
	if len(words) == 0 {
		return pos, true
	}
	last := words[len(words)-1]
	for skip := 0; skip <= maxExceptionSep && pos-skip >= 0; skip++ {
		if skip > 0 && !isExceptionSep(line[pos-skip]) {
			break
		}
		q := pos - skip
		w.scan(len(last))
		if q-len(last) >= 0 && equalFold(line[q-len(last):q], last) {
			if s, ok := phraseBackward(line, q-len(last), words[:len(words)-1], w); ok {
				return s, true
			}
		}
	}
	return 0, false
}

// markHit is an occurrence of marker word i at p.
type markHit struct{ i, p int32 }

// each calls fn for each occurrence of a marker in text that counts, with
// the system's index and the occurrence's span, in order of the markers
// and then of the text. When rejected is not nil, it appends to it the
// occurrences that do not count, with why. hits is scratch space (one scan
// of text finds every marker word's occurrences; each appends them to
// *hits and takes them off again, so a call from fn may use it too); w,
// when not nil, counts the bytes looked at around each occurrence.
func (ms *markerSet) each(text []byte, hits *[]markHit, rejected *[]partOfWord, w *workCount, fn func(sys, start, end int)) {
	wl := ms.words
	if len(wl.words) == 0 {
		return
	}
	from := len(*hits)
	wl.all.EachHit(text, func(p, i int) bool {
		*hits = append(*hits, markHit{int32(i), int32(p)})
		return true
	})
	mine := (*hits)[from:]
	defer func() { *hits = (*hits)[:from] }()
	if len(mine) > 1 {
		slices.SortFunc(mine, func(a, b markHit) int {
			if a.i != b.i {
				return cmp.Compare(a.i, b.i)
			}
			return cmp.Compare(a.p, b.p)
		})
	}
	for _, h := range mine {
		i, p := int(h.i), int(h.p)
		n, sys := len(wl.words[i]), ms.sys[i]
		why := ""
		switch {
		case !isWholeWord(text, p, p+n):
			why = "-" // part of a longer word
		case inEmailAddress(text, p, p+n, w):
			why = "in an e-mail address"
		case ms.exceptions[sys] != nil:
			if x := ms.exceptions[sys].covering(text, wl.words[i], p, p+n, w); x != "" {
				why = "part of " + quote(x) + " (a marker exception)"
			}
		}
		if why == "" {
			fn(sys, p, p+n)
			continue
		}
		if rejected != nil {
			if why == "-" {
				why = ""
			}
			*rejected = append(*rejected, partOfWord{word: wl.words[i], offset: p, why: why})
		}
	}
}

func quote(s string) string { return `"` + s + `"` }

// maxEmail bounds how far inEmailAddress looks either side of a word: an
// e-mail address is at most 254 characters.
const maxEmail = 254

// inEmailAddress reports whether text[start:end] is part of an e-mail
// address: a run of address characters holding one '@' with a local part
// before it and a domain after it whose last label is two letters or more
// (drupal-sdk@2.1.0, a package version, is none).
func inEmailAddress(text []byte, start, end int, w *workCount) bool {
	lo := start
	for lo > 0 && start-lo < maxEmail && isAddressByte(text[lo-1]) {
		lo--
	}
	hi := end
	for hi < len(text) && hi-end < maxEmail && isAddressByte(text[hi]) {
		hi++
	}
	tok := text[lo:hi]
	w.scan(len(tok))
	at := -1
	for i, c := range tok {
		if c == '@' {
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at <= 0 {
		return false
	}
	domain := strings.TrimRight(string(tok[at+1:]), ".-")
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || len(domain)-dot-1 < 2 {
		return false
	}
	for _, c := range domain[dot+1:] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func isAddressByte(c byte) bool {
	return c == '@' || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' ||
		'0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
