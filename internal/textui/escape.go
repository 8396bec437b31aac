package textui

import (
	"strconv"
	"unicode/utf8"
)

// Reverse is the ANSI SGR sequence for reverse video, in which Escape
// shows what it escaped when colour is on.
const Reverse = "\x1b[7m"

// Escape appends b to dst with everything in it that would control a
// terminal rather than show on it written visibly, so that log content
// can neither recolour the terminal, set its title, ring its bell, move
// its cursor, overwrite a line with a bare carriage return, nor reorder
// text with bidirectional overrides:
//
//   - C0 controls but tab and line feed, and DEL: \r for a carriage
//     return (but one right before a line feed, which ends a CRLF line),
//     \xNN for the others (ESC is \x1b);
//   - bytes 0x80 to 0x9F that are not part of a UTF-8 character (C1
//     controls to a terminal that is not in UTF-8 mode): \xNN;
//   - the C1 controls as characters (U+0080 to U+009F) and the
//     bidirectional formatting characters (U+061C, U+200E, U+200F,
//     U+202A to U+202E, U+2066 to U+2069): \uNNNN.
//
// Everything else, invalid UTF-8 outside 0x80 to 0x9F included, is
// appended as it is. With color, each escape is shown in reverse video.
// b is taken as complete: a UTF-8 character cut at its end is appended as
// its bytes (see Cut).
func Escape(dst, b []byte, color bool) []byte {
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		var esc string
		n := 1
		switch {
		case c == '\t' || c == '\n':
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
		case c < 0x20 || c == 0x7f:
			esc = `\x` + hex2(c)
			if c == '\r' {
				esc = `\r`
			}
		case c >= 0x80:
			r, size := utf8.DecodeRune(b[i:])
			switch {
			case size > 1 && controlRune(r):
				esc, n = `\u`+hex4(r), size
			case size > 1:
				n = size // a character: shown as it is
			case c <= 0x9f:
				esc = `\x` + hex2(c) // not part of a character
			}
		}
		if esc == "" {
			i += n
			continue
		}
		dst = append(dst, b[start:i]...)
		if color {
			dst = append(dst, Reverse...)
			dst = append(dst, esc...)
			dst = append(dst, Reset...)
		} else {
			dst = append(dst, esc...)
		}
		i += n
		start = i
	}
	return append(dst, b[start:]...)
}

// NeedsEscape reports whether Escape would change b.
func NeedsEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\t' || c == '\n':
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
		case c < 0x20 || c == 0x7f:
			return true
		case c >= 0x80:
			r, size := utf8.DecodeRune(b[i:])
			if size > 1 && controlRune(r) || size == 1 && c <= 0x9f {
				return true
			}
			i += size - 1
		}
	}
	return false
}

// Cut returns how many bytes at the end of b may be the start of a UTF-8
// character that the bytes after b complete: a caller escaping a stream in
// pieces keeps them for the next piece, so that a character cut between
// two pieces is judged whole.
func Cut(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a leading byte: is its character cut?
			need := 2
			switch {
			case c >= 0xf0:
				need = 4
			case c >= 0xe0:
				need = 3
			}
			if need > n {
				return n
			}
			return 0
		}
	}
	return 0
}

// controlRune reports whether r is a C1 control or a bidirectional
// formatting character.
func controlRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func hex2(c byte) string {
	s := strconv.FormatUint(uint64(c), 16)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

func hex4(r rune) string {
	s := strconv.FormatUint(uint64(r), 16)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}
