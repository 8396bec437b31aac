// Package importer turns a vendor's page of error codes into a catalog
// skeleton: a file in the catalog format (see package catalog) that loads as
// it is, with every code the page lists, the vendor's message verbatim
// (white space collapsed), a name, a guessed category, the group the page
// puts the code in, and an empty remediation for the author to write.
//
// Each page format has a parser of its own (markdown.go, html.go, tsv.go,
// text.go with prose.go); they all produce Rows, which Build turns into
// Entries and Render into YAML. Parsing is best effort: pages are written
// for people, so a parser recognises the usual layouts (tables with a
// header naming the columns, code lines under section headings, name and
// description paragraphs) and reports what it skipped as warnings.
package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Format is a page format.
type Format string

// The formats Import reads.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
	TSV      Format = "tsv"
	Text     Format = "text"
)

// Formats returns the format names, sorted.
func Formats() []string { return []string{string(HTML), string(Markdown), string(Text), string(TSV)} }

// Options say what to call the catalog.
type Options struct {
	System string // the catalog's system id (required)
	Title  string // its title (optional)
	// Source names the page (a file name), for the comment at the top of
	// the YAML.
	Source string
}

// Row is one code as a parser read it from the page.
type Row struct {
	Code string
	// Name is the vendor's constant, when the page has a column of them.
	Name    string
	Message string
	// Description is the text of a description column, when the page has
	// one besides the message column.
	Description string
	// Section is the heading the row is under (markdown or HTML heading,
	// text section heading, TSV section line); Build keeps it as the group
	// only when the page has rows under two headings or more.
	Section string
	// Status is the HTTP status the row gives, if any.
	Status string
	// Rest is text of the row after the message that the page does not
	// delimit (further columns run together), kept for the author.
	Rest string
	// Line is the page line the row starts on (1-based; 0 if unknown).
	Line int
}

// Entry is one entry of the skeleton.
type Entry struct {
	Code          string
	Name          string
	Category      string
	Group         string
	Message       string
	Description   string
	MessagePrefix string
	// NameMade is true when Name was made from the message (the page has
	// no constant for the code).
	NameMade bool
	// Keyword is the word that decided Category ("" when none matched and
	// the category is the fallback, internal).
	Keyword string
	// Notes are written as comments above the entry.
	Notes []string
}

// Result is an imported catalog.
type Result struct {
	Entries  []Entry
	YAML     []byte
	Guessed  int      // entries whose category was guessed (all of them)
	Warnings []string // rows skipped or changed, for the user
}

// usageError is a problem with the options rather than the page.
type usageError struct{ error }

// IsUsage reports whether err is about the options (format, system id)
// rather than the page.
func IsUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

var systemIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Parse reads the rows of page in format f.
func Parse(f Format, page []byte) ([]Row, []string, error) {
	text := strings.ReplaceAll(string(page), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	switch f {
	case Markdown:
		return parseMarkdown(text)
	case HTML:
		return parseHTML(text)
	case TSV:
		return parseTSV(text)
	case Text:
		return parseText(text)
	}
	return nil, nil, usageError{fmt.Errorf("unknown format %q (%s)", f, strings.Join(Formats(), ", "))}
}

// Import parses page and returns the catalog skeleton.
func Import(f Format, page []byte, opts Options) (*Result, error) {
	if !systemIDPattern.MatchString(opts.System) {
		return nil, usageError{fmt.Errorf("--system %q: use lower case letters, digits, '.', '_' and '-'", opts.System)}
	}
	rows, warnings, err := Parse(f, page)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no error codes found as %s (%s)", f, formatHint(f))
	}
	entries, w := Build(rows)
	warnings = append(warnings, w...)
	return &Result{Entries: entries, YAML: Render(entries, opts, f), Guessed: len(entries), Warnings: warnings}, nil
}

func formatHint(f Format) string {
	switch f {
	case Markdown:
		return "expected a pipe table whose header names a code column"
	case HTML:
		return "expected a <table> with a code column"
	case TSV:
		return "expected tab-separated lines with a code column"
	}
	return "expected lines starting with a code, or a name paragraph followed by its description"
}

// Build turns rows, in page order, into entries:
//   - a row whose code and message repeat an earlier row is dropped;
//   - rows of one code listed one after the other are the code's several
//     meanings: each row after the first gets a message_prefix (its
//     message) so that the line's own message picks it;
//   - a code listed again further down the page is one entry, the later
//     listing kept in its description ("Also listed under GROUP as: ...");
//   - names are the vendor's or made from the message, unique;
//   - groups are the section heading (when the page has two or more) and
//     the HTTP status.
func Build(rows []Row) ([]Entry, []string) {
	var warnings []string
	sections := map[string]bool{}
	for _, r := range rows {
		if r.Section != "" {
			sections[r.Section] = true
		}
	}
	useSections := len(sections) >= 2
	group := func(r Row) string {
		var parts []string
		if useSections && r.Section != "" {
			parts = append(parts, r.Section)
		}
		if r.Status != "" {
			parts = append(parts, "HTTP "+r.Status)
		}
		return strings.Join(parts, "; ")
	}

	var entries []*Entry
	byCode := map[string][]*Entry{}
	prevCode := ""
	for i, r := range rows {
		r.Message = collapse(r.Message)
		r.Description = collapse(r.Description)
		if r.Message == "" {
			if r.Description != "" {
				r.Message, r.Description = r.Description, ""
			} else {
				warnings = append(warnings, fmt.Sprintf("%scode %s has no message; skipped", lineRef(r.Line), r.Code))
				continue
			}
		}
		same := byCode[r.Code]
		dup := false
		for _, e := range same {
			if e.Message == r.Message {
				dup = true
			}
		}
		if dup {
			warnings = append(warnings, fmt.Sprintf("%scode %s is listed again with the same text; kept once", lineRef(r.Line), r.Code))
			continue
		}
		e := &Entry{Code: r.Code, Name: collapse(r.Name), Group: group(r), Message: r.Message, Description: r.Description}
		if r.Rest != "" {
			e.Notes = append(e.Notes, fmt.Sprintf("the page's row goes on (other columns, not delimited): %q", r.Rest))
		}
		switch {
		case len(same) == 0:
		case i > 0 && prevCode == r.Code:
			// Several meanings of one code, listed together.
			e.MessagePrefix = r.Message
			e.Notes = append(e.Notes, fmt.Sprintf("code %s has several rows: this one applies when the line's message starts with message_prefix; cut the prefix to the part of the message that does not vary", r.Code))
		default:
			// The same code listed again elsewhere: one entry.
			first := same[0]
			where := ""
			if g := group(r); g != "" {
				where = " under " + g
			}
			first.Description = strings.TrimSpace(first.Description + " " + fmt.Sprintf("Also listed%s as: %q", where, r.Message))
			warnings = append(warnings, fmt.Sprintf("%scode %s is listed again%s with another text; kept in the first entry's description", lineRef(r.Line), r.Code, where))
			prevCode = r.Code
			continue
		}
		entries = append(entries, e)
		byCode[r.Code] = append(byCode[r.Code], e)
		prevCode = r.Code
	}
	warnings = append(warnings, assignNames(entries)...)
	out := make([]Entry, len(entries))
	for i, e := range entries {
		e.Category, e.Keyword = GuessCategory(e.Name, e.Message)
		out[i] = *e
	}
	return out, warnings
}

// assignNames makes every entry's name unique: a vendor name used by two
// codes, or a name made from the message that another entry has, gets the
// code (then a number) appended. Rows of one code may share the vendor's
// name only when the vendor gives them the same one.
func assignNames(entries []*Entry) []string {
	var warnings []string
	owner := map[string]string{} // name -> code
	taken := func(n, code string, shareOK bool) bool {
		c, ok := owner[n]
		return ok && !(shareOK && c == code)
	}
	for _, e := range entries {
		vendor := e.Name != ""
		if !vendor {
			e.Name, e.NameMade = MakeName(e.Message), true
			if e.Name == "" {
				e.Name = "CODE_" + codeSuffix(e.Code)
			}
		}
		base := e.Name
		if taken(base, e.Code, vendor) {
			n := base + "_" + codeSuffix(e.Code)
			for k := 2; taken(n, e.Code, false); k++ {
				n = fmt.Sprintf("%s_%s_%d", base, codeSuffix(e.Code), k)
			}
			if vendor {
				warnings = append(warnings, fmt.Sprintf("name %s is used by code %s and code %s; code %s is named %s", base, owner[base], e.Code, e.Code, n))
			}
			e.Name = n
		}
		owner[e.Name] = e.Code
	}
	return warnings
}

// codeSuffix is a code as a name part: "-1401" -> "1401", "0x1F" -> "0X1F".
func codeSuffix(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "X"
	}
	return b.String()
}

func lineRef(line int) string {
	if line > 0 {
		return fmt.Sprintf("line %d: ", line)
	}
	return ""
}

// collapse folds runs of white space (no-break spaces included) into one
// space and trims the ends.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// codeRE is what the catalog accepts as a code: one word, no quotes.
var codeRE = regexp.MustCompile(`^[^\s"]+$`)

// numericCode matches the codes parsers look for in running text and
// unlabelled columns: decimal (signed) or hexadecimal numbers.
var numericCode = regexp.MustCompile(`^(?:[-+]?[0-9]+|0[xX][0-9A-Fa-f]+)$`)
