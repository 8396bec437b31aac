// Package printf reads vendor message texts written as C printf formats
// ("wrong number of arguments for '%s' command", "%d %s:%d"): where their
// placeholders (conversions) are and what text is fixed around them.
//
// Vendors publish the messages their source prints, and those are printf
// formats: the catalog compares log lines with them (a placeholder stands
// for any text), and the importer makes names and message prefixes from
// their fixed text. Reading is lenient: a '%' that does not start a
// conversion is text ("100% sure", "50%"), so that any vendor text can be
// read.
package printf

import "strings"

// Conversion returns the length of the printf conversion that s starts
// with (s[0] is '%'), or 0 when s does not start with one. A conversion is
// '%', flags among "-+#0'" (not the space flag: "100% sure" is text), a
// width and a precision (digits or '*'), length modifiers among "hlLqjzZt",
// then one of the verbs s, c, m, p, d, i, u, x, X, o, f, F, e, E, g, G, a
// or A: %s, %-5s, %.*s, %.128s, %lld, %zu. "%%" is not a conversion (it
// prints a '%'): Conversion returns 0 for it.
func Conversion(s string) int {
	if len(s) < 2 || s[0] != '%' {
		return 0
	}
	i := 1
	for i < len(s) && strings.IndexByte("-+#0'", s[i]) >= 0 {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '*') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '*') {
			i++
		}
	}
	for i < len(s) && strings.IndexByte("hlLqjzZt", s[i]) >= 0 {
		i++
	}
	if i < len(s) && strings.IndexByte("scmpdiuxXofFeEgGaA", s[i]) >= 0 {
		return i + 1
	}
	return 0
}

// Split returns the fixed text of format around its conversions: one more
// piece than there are conversions, each piece the text between two of
// them ("" where two conversions touch, or at an end that is one), with
// "%%" read as "%". A format without conversions gives one piece, itself
// with "%%" read as "%".
func Split(format string) []string {
	var pieces []string
	var cur strings.Builder
	for i := 0; i < len(format); {
		p := strings.IndexByte(format[i:], '%')
		if p < 0 {
			cur.WriteString(format[i:])
			break
		}
		cur.WriteString(format[i : i+p])
		i += p
		if strings.HasPrefix(format[i:], "%%") {
			cur.WriteByte('%')
			i += 2
			continue
		}
		if n := Conversion(format[i:]); n > 0 {
			pieces = append(pieces, cur.String())
			cur.Reset()
			i += n
			continue
		}
		cur.WriteByte('%')
		i++
	}
	return append(pieces, cur.String())
}

// Has reports whether format holds a conversion.
func Has(format string) bool {
	for i := strings.IndexByte(format, '%'); i >= 0; {
		if strings.HasPrefix(format[i:], "%%") {
			i += 2
		} else if Conversion(format[i:]) > 0 {
			return true
		} else {
			i++
		}
		j := strings.IndexByte(format[i:], '%')
		if j < 0 {
			return false
		}
		i += j
	}
	return false
}

// Head is the fixed text of format before its first conversion (all of it,
// "%%" read as "%", when it has none).
func Head(format string) string { return Split(format)[0] }

// Strip returns format's fixed text with each conversion replaced by sep.
func Strip(format, sep string) string { return strings.Join(Split(format), sep) }
