package importer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Render writes entries as a catalog file, with comments telling the author
// what was guessed and what is left to write.
func Render(entries []Entry, opts Options, f Format) []byte {
	var b strings.Builder
	src := opts.Source
	if src == "" {
		src = "a vendor page"
	}
	fmt.Fprintf(&b, "# Catalog skeleton made by \"errtag catalog import --from %s\" from %s.\n", f, commentText(src))
	b.WriteString("# Before using it:\n")
	b.WriteString("#   - check every category: each was guessed from a keyword of the message\n")
	b.WriteString("#     or of its group; once checked, take \"category\" out of the entry's\n")
	b.WriteString("#     \"guessed\" list (delete the line when the list is empty);\n")
	b.WriteString("#   - names marked \"made from the message\" are not the vendor's: rename\n")
	b.WriteString("#     them as you like (they must stay unique), then take \"name\" out of\n")
	b.WriteString("#     \"guessed\";\n")
	b.WriteString("#   - write every remediation: what should the person on call check or do\n")
	b.WriteString("#     when this code shows up?\n")
	b.WriteString("# Loaded with --catalog over a system errtag already has, an entry replaces\n")
	b.WriteString("# the code's built-in entry field by field: empty fields, and fields still\n")
	b.WriteString("# listed under \"guessed\", keep the built-in values (docs/FORMATS.md).\n")
	fmt.Fprintf(&b, "system: %s\n", quote(opts.System))
	if opts.Title != "" {
		fmt.Fprintf(&b, "title: %s\n", quote(opts.Title))
	}
	b.WriteString("source: \"\" # where the vendor publishes these codes (a URL or document name)\n")
	b.WriteString("entries:\n")
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, n := range e.Notes {
			fmt.Fprintf(&b, "  # %s\n", commentText(n))
		}
		fmt.Fprintf(&b, "  - code: %s\n", quote(e.Code))
		fmt.Fprintf(&b, "    name: %s", quote(e.Name))
		if e.NameMade {
			b.WriteString(" # made from the message")
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "    category: %s # guessed", e.Category)
		switch {
		case e.Keyword != "" && e.KeywordInGroup:
			fmt.Fprintf(&b, " from %s in the group", commentText(fmt.Sprintf("%q", e.Keyword)))
		case e.Keyword != "":
			fmt.Fprintf(&b, " from %s", commentText(fmt.Sprintf("%q", e.Keyword)))
		default:
			b.WriteString(" (no keyword matched)")
		}
		b.WriteString("; check it\n")
		if e.NameMade {
			b.WriteString("    guessed: [category, name]\n")
		} else {
			b.WriteString("    guessed: [category]\n")
		}
		if e.Group != "" {
			fmt.Fprintf(&b, "    group: %s\n", quote(e.Group))
		}
		fmt.Fprintf(&b, "    message: %s\n", quote(e.Message))
		if e.Description != "" {
			fmt.Fprintf(&b, "    description: %s\n", quote(e.Description))
		}
		if e.MessagePrefix != "" {
			fmt.Fprintf(&b, "    message_prefix: %s\n", quote(e.MessagePrefix))
		}
		fmt.Fprintf(&b, "    remediation: %s\n", quote(e.Remediation))
	}
	return []byte(b.String())
}

// quote returns s as a YAML double-quoted scalar: backslash and double
// quote escaped, and every character that YAML does not allow raw in a
// double-quoted scalar (controls, line separators, invalid UTF-8, the byte
// order mark) written as an escape.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Invalid UTF-8 cannot be carried: YAML is text. Use the
			// replacement character.
			b.WriteString(`\uFFFD`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff:
			fmt.Fprintf(&b, `\u%04X`, r)
		case !unicode.IsPrint(r) && !unicode.IsSpace(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08X`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// commentText makes s safe inside a one-line comment.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0x85 || r == 0xfeff {
			return ' '
		}
		return r
	}, s)
}
