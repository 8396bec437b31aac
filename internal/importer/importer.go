// Package importer turns a vendor's page of error codes into a catalog
// skeleton: a file in the catalog format (see package catalog) that loads as
// it is, with every code the page lists, the vendor's message verbatim
// (white space collapsed), a name, a guessed category, the group the page
// puts the code in, and an empty remediation for the author to write.
//
// Each page format has a parser of its own (markdown.go, html.go, tsv.go,
// text.go with prose.go); Detect tells the format of a page (--from auto).
// The parsers all produce Rows, which Build turns into Entries and Render
// into YAML. Parsing is best effort: pages are written for people, so a
// parser recognises the usual layouts (tables with a header naming the
// columns, code lines under section headings, columns of code lines,
// name and description paragraphs) and reports what it skipped as
// warnings. An import that makes no sense (codes that are not codes, one
// message for most codes) is an error rather than a catalog.
package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/errtag/errtag/internal/printf"

	"github.com/errtag/errtag/internal/lazyregexp"
)

// Format is a page format.
type Format string

// The formats Import reads. Auto is not a format of its own: Import reads
// the page in the format Detect finds.
const (
	Auto     Format = "auto"
	Markdown Format = "markdown"
	HTML     Format = "html"
	TSV      Format = "tsv"
	Text     Format = "text"
)

// Formats returns the format names --from takes: auto, then the formats,
// sorted.
func Formats() []string {
	return []string{string(Auto), string(HTML), string(Markdown), string(Text), string(TSV)}
}

// Options say what to call the catalog.
type Options struct {
	System string // the catalog's system id (required)
	Title  string // its title (optional)
	// Source names the page (a file name), for the comment at the top of
	// the YAML.
	Source string
	// Columns, when set, says what each column of the page's tables holds
	// (--columns), instead of their header names.
	Columns *Columns
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
	// Group is the text of a group column (Class, Category, Group).
	Group string
	// Constant is a vendor constant given beside a condition name
	// (PostgreSQL's ERRCODE_UNIQUE_VIOLATION beside unique_violation).
	Constant string
	// Remediation is the text of a remediation column (Action, Solution).
	Remediation string
	// Status is the HTTP status the row gives, if any.
	Status string
	// Rest is text of the row after the message that the page does not
	// delimit (further columns run together), kept for the author.
	Rest string
	// Line is the page line the row starts on (1-based; 0 if unknown).
	Line int
	// Labelled is true when the page (a column header) or --columns says
	// which column holds the codes: the code is then taken as it is,
	// whatever it looks like (ERR, WRONGTYPE), not only when it looks like
	// a code.
	Labelled bool
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
	Remediation   string
	// Constant is the vendor's constant given beside the name (also in
	// Description), when the page has one.
	Constant string
	// NameMade is true when Name was made from the message (the page has
	// no constant for the code).
	NameMade bool
	// Keyword is the word that decided Category ("" when none matched and
	// the category is the fallback, internal).
	Keyword string
	// KeywordInGroup is true when Keyword was found in the group rather
	// than in the name or message.
	KeywordInGroup bool
	// Notes are written as comments above the entry.
	Notes []string
	// Labelled is true when the code came from a column that the page or
	// --columns names as the code column (see Row.Labelled).
	Labelled bool

	line int // the page line of the row the entry was built from
}

// Result is an imported catalog.
type Result struct {
	// Format is the format the page was read as (the one Detect found
	// for Auto).
	Format Format
	// Detected says why Detect chose Format ("" when it was given).
	Detected string
	Entries  []Entry
	YAML     []byte
	Guessed  int      // entries whose category was guessed (all of them)
	Fallback int      // entries whose category is the fallback, internal
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

var systemIDPattern = lazyregexp.New(`^[a-z0-9][a-z0-9._-]*$`)

// Parse reads the rows of page in format f (not Auto), with the columns of
// its tables as spec says (nil: from their headers and contents).
func Parse(f Format, page []byte, spec *Columns) ([]Row, []string, error) {
	text := normalise(page)
	switch f {
	case Markdown:
		return parseMarkdown(text, spec)
	case HTML:
		return parseHTML(text, spec)
	case TSV:
		return parseTSV(text, spec)
	case Text:
		return parseText(text, spec)
	}
	return nil, nil, usageError{fmt.Errorf("unknown format %q (%s)", f, strings.Join(Formats(), ", "))}
}

// normalise makes line ends LF and drops a byte order mark.
func normalise(page []byte) string {
	text := strings.ReplaceAll(string(page), "\r\n", "\n")
	return strings.TrimPrefix(text, "\ufeff")
}

// Import parses page and returns the catalog skeleton. With format Auto
// the page's format is the one Detect finds. It fails when the page gives
// no codes, or when what it gives makes no sense as a catalog (see
// checkSense).
func Import(f Format, page []byte, opts Options) (*Result, error) {
	if !systemIDPattern.MatchString(opts.System) {
		return nil, usageError{fmt.Errorf("--system %q: use lower case letters, digits, '.', '_' and '-'", opts.System)}
	}
	detected := ""
	if f == Auto {
		f, detected = Detect(page)
	}
	rows, warnings, err := Parse(f, page, opts.Columns)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		why := formatHint(f)
		if len(warnings) > 0 {
			why = strings.Join(warnings, "; ")
		}
		return nil, fmt.Errorf("no error codes found as %s: %s", describeFormat(f, detected), why)
	}
	entries, w, noText := Build(rows)
	warnings = append(warnings, w...)
	if err := checkSense(entries, noText); err != nil {
		return nil, fmt.Errorf("read as %s: %w", describeFormat(f, detected), err)
	}
	fallback := 0
	for _, e := range entries {
		if e.Keyword == "" {
			fallback++
		}
	}
	return &Result{Format: f, Detected: detected, Entries: entries, YAML: Render(entries, opts, f),
		Guessed: len(entries), Fallback: fallback, Warnings: warnings}, nil
}

func describeFormat(f Format, detected string) string {
	if detected != "" {
		return fmt.Sprintf("%s (--from auto: %s)", f, detected)
	}
	return string(f)
}

func formatHint(f Format) string {
	switch f {
	case Markdown:
		return "expected a pipe table (a header row, then a separator row such as |---|---|)"
	case HTML:
		return "expected a <table> with a code column"
	case TSV:
		return "expected tab-separated lines with a code column"
	}
	return "expected lines starting with a code (a number, or an upper-case token with a digit such as 42P01; for codes that are words, such as ERR, give --columns code,message), or a name paragraph followed by its description"
}

// Build turns rows, in page order, into entries:
//   - a row with no text but a constant, of a code that another row
//     gives text for, is an alias: its constant goes to that row's
//     description (PostgreSQL's errcodes.txt lists ERRCODE_UNDEFINED_CURSOR
//     as a second constant of 34000, invalid_cursor_name);
//   - a row whose code and message repeat an earlier row is dropped;
//   - rows of one code listed one after the other are the code's several
//     meanings: each gets a message_prefix (its message, or the fixed
//     text before its first printf placeholder), so that the line's own
//     message picks it; none is made the general row, since the page does
//     not say which meaning is general (a warning says so);
//   - a code listed again further down the page is one entry, the later
//     listing kept in its description ("Also listed under GROUP as: ...");
//   - names are the vendor's (a lower_snake condition name in upper case),
//     else the code when it is a word (WRONGTYPE; with the words of the
//     message after it when the code has several rows: ERR_SYNTAX_ERROR),
//     else made from the words of the message (never its placeholders);
//     unique;
//   - groups are the section heading (when the page has two or more), the
//     group column and the HTTP status.
//
// It also returns how many rows were dropped for having no text at all.
func Build(rows []Row) ([]Entry, []string, int) {
	var warnings []string
	rows = mergeAliases(rows)
	noText := 0
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
		if g := collapse(r.Group); g != "" && (len(parts) == 0 || parts[0] != g) {
			parts = append(parts, g)
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
				noText++
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
		name := collapse(r.Name)
		if lowerSnake.MatchString(name) {
			name = strings.ToUpper(name)
		}
		desc := r.Description
		if r.Constant != "" {
			word := "Constant"
			if strings.Contains(r.Constant, ",") {
				word = "Constants"
			}
			desc = strings.TrimSpace(desc + " " + word + " " + r.Constant + ".")
		}
		e := &Entry{Code: r.Code, Name: name, Group: group(r), Message: r.Message, Description: desc, Remediation: collapse(r.Remediation), Constant: r.Constant, Labelled: r.Labelled, line: r.Line}
		if r.Rest != "" {
			e.Notes = append(e.Notes, fmt.Sprintf("the page's row goes on (other columns, not delimited): %q", r.Rest))
		}
		switch {
		case len(same) == 0:
		case i > 0 && prevCode == r.Code:
			// Several meanings of one code, listed together: their
			// prefixes are given below, once all are known.
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
	entries, w := severalRows(entries, byCode)
	warnings = append(warnings, w...)
	warnings = append(warnings, assignNames(entries)...)
	out := make([]Entry, len(entries))
	for i, e := range entries {
		e.Category, e.Keyword, e.KeywordInGroup = guessCategory(e.Name, e.Message+" "+e.Description, e.Group)
		out[i] = *e
	}
	return out, warnings, noText
}

// severalRows gives each row of a code listed with several rows its
// message_prefix: the row's message, or the fixed text before its first
// printf placeholder (up to its last word: "wrong number of arguments for"
// for "wrong number of arguments for '%s' command"). A row whose prefix
// would be empty (its message starts with a placeholder) or another row's
// is kept in the description of the code's first row instead, with a
// warning. None of the rows is the general one (the row without a
// prefix): a page lists meanings, and does not say which of them a line
// that matches none has. A warning and a note say so.
func severalRows(entries []*Entry, byCode map[string][]*Entry) ([]*Entry, []string) {
	var warnings []string
	drop := map[*Entry]bool{}
	for _, e := range entries {
		rows := byCode[e.Code]
		if len(rows) < 2 || rows[0] != e {
			continue
		}
		seen := map[string]*Entry{}
		var kept, dropped []*Entry
		why := map[*Entry]string{}
		for _, r := range rows {
			p := messagePrefix(r.Message)
			if prev, dup := seen[p]; p == "" || dup {
				why[r] = "its message starts with a placeholder"
				if dup {
					why[r] = fmt.Sprintf("its fixed text before the first placeholder is that of the row at line %d", prev.line)
				}
				dropped = append(dropped, r)
				continue
			}
			seen[p] = r
			r.MessagePrefix = p
			kept = append(kept, r)
		}
		if len(kept) == 0 {
			kept, dropped = dropped[:1], dropped[1:]
		}
		first := kept[0]
		for _, r := range dropped {
			first.Description = strings.TrimSpace(first.Description + " " + fmt.Sprintf("Also: %q", r.Message))
			warnings = append(warnings, fmt.Sprintf("%scode %s: a row cannot be told from the others (%s); kept in the description of its row at line %d", lineRef(r.line), r.Code, why[r], first.line))
			drop[r] = true
		}
		if len(kept) < 2 {
			first.MessagePrefix = ""
			continue
		}
		first.Notes = append(first.Notes, fmt.Sprintf("code %s has %d rows and none is general: a row applies when the line's message agrees with its message (a placeholder such as %%s stands for any text) or starts with its message_prefix; a line whose message picks none is annotated with the code and no row, every row listed as an alternative. If the code has a general meaning, add a row for it without message_prefix", e.Code, len(kept)))
		warnings = append(warnings, fmt.Sprintf("%scode %s has %d rows: each is picked by the line's message (message_prefix); none is the general row, so a line whose message picks none gets no row (add one without message_prefix if the code has a general meaning)", lineRef(first.line), e.Code, len(kept)))
	}
	if len(drop) == 0 {
		return entries, warnings
	}
	out := entries[:0]
	for _, e := range entries {
		if !drop[e] {
			out = append(out, e)
		}
	}
	return out, warnings
}

// messagePrefix is the message_prefix of a row: its message, or, when the
// message holds printf placeholders, the fixed text before the first one,
// without the white space and opening quotes or brackets it ends with.
func messagePrefix(message string) string {
	if !printf.Has(message) {
		return message
	}
	return strings.TrimRight(printf.Head(message), " \t'\"`([{<")
}

// mergeAliases drops the rows that have no text (message, name,
// description) but a constant, for codes another row gives text for, and
// adds their constants to the first such row's, comma-separated.
func mergeAliases(rows []Row) []Row {
	hasText := func(r Row) bool {
		return collapse(r.Message) != "" || collapse(r.Name) != "" || collapse(r.Description) != ""
	}
	first := map[string]int{}
	for i, r := range rows {
		if _, ok := first[r.Code]; !ok && hasText(r) {
			first[r.Code] = i
		}
	}
	alias := map[int][]string{}
	drop := map[int]bool{}
	for i, r := range rows {
		if hasText(r) || r.Constant == "" {
			continue
		}
		if j, ok := first[r.Code]; ok {
			alias[j] = append(alias[j], r.Constant)
			drop[i] = true
		}
	}
	if len(drop) == 0 {
		return rows
	}
	out := make([]Row, 0, len(rows)-len(drop))
	for i, r := range rows {
		if drop[i] {
			continue
		}
		if a := alias[i]; len(a) > 0 {
			r.Constant = strings.Join(append(nonEmpty(r.Constant), a...), ", ")
		}
		out = append(out, r)
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// assignNames makes every entry's name unique: a vendor name used by two
// codes, or a name made from the message that another entry has, gets the
// code (then a number) appended. Rows of one code may share the vendor's
// name only when the vendor gives them the same one. Of the codes that
// share a vendor name, the one whose constant is the name (after the
// prefix all constants share: ERRCODE_STRING_DATA_RIGHT_TRUNCATION for
// 22001, not ERRCODE_WARNING_STRING_DATA_RIGHT_TRUNCATION for 01004) keeps
// it; otherwise the first does.
func assignNames(entries []*Entry) []string {
	var warnings []string
	owner := map[string]string{} // name -> code
	taken := func(n, code string, shareOK bool) bool {
		c, ok := owner[n]
		return ok && !(shareOK && c == code)
	}
	prefer := preferredOwners(entries)
	for _, e := range entries {
		if p, ok := prefer[e.Name]; ok && e.Name != "" && p != e.Code {
			if _, held := owner[e.Name]; !held {
				owner[e.Name] = p // reserved for the code that keeps it
			}
		}
	}
	rowsOf := map[string]int{}
	for _, e := range entries {
		rowsOf[e.Code]++
	}
	for _, e := range entries {
		vendor := e.Name != ""
		if !vendor {
			switch n := codeName(e.Code); {
			case n != "" && rowsOf[e.Code] == 1:
				e.Name = n // the vendor's own word for the error
			case n != "":
				e.Name, e.NameMade = n, true
				if m := MakeName(e.Message); m != "" {
					e.Name = n + "_" + m
				}
			default:
				e.Name, e.NameMade = MakeName(e.Message), true
				if e.Name == "" {
					e.Name = "CODE_" + codeSuffix(e.Code)
				}
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

// preferredOwners returns, for each vendor name that two codes or more
// share, the code whose constant (less the prefix every constant shares)
// is the name, when one is.
func preferredOwners(entries []*Entry) map[string]string {
	codes := map[string]map[string]bool{}
	var constants []string
	for _, e := range entries {
		if e.Name == "" {
			continue
		}
		if codes[e.Name] == nil {
			codes[e.Name] = map[string]bool{}
		}
		codes[e.Name][e.Code] = true
		if c := firstConstant(e.Constant); c != "" {
			constants = append(constants, c)
		}
	}
	prefix := commonPrefix(constants)
	if i := strings.LastIndexByte(prefix, '_'); i >= 0 {
		prefix = prefix[:i+1]
	} else {
		prefix = ""
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.Name == "" || len(codes[e.Name]) < 2 {
			continue
		}
		if _, done := out[e.Name]; done {
			continue
		}
		if c := firstConstant(e.Constant); c != "" && strings.TrimPrefix(c, prefix) == e.Name {
			out[e.Name] = e.Code
		}
	}
	return out
}

func firstConstant(s string) string {
	c, _, _ := strings.Cut(s, ",")
	return strings.TrimSpace(c)
}

func commonPrefix(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// symbolicCode is a code that is a word: letters, and underscores between
// them (WRONGTYPE, ERR, ConfigChanged, E_FAIL); no digits.
var symbolicCode = lazyregexp.New(`^[A-Za-z]+(?:_[A-Za-z]+)*$`)

// codeName returns the name a code that is a word gives its entry (in
// upper case unless it is CamelCase), or "" for a code that is no word.
func codeName(code string) string {
	switch {
	case len(code) < 2 || !symbolicCode.MatchString(code):
		return ""
	case lowerSnake.MatchString(code):
		return strings.ToUpper(code)
	}
	return code
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
// space and trims the ends. Invalid UTF-8 becomes U+FFFD, as the catalog
// file (YAML, text) writes it, so that what is built is what loads.
func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

// codeRE is what the catalog accepts as a code: one word, no quotes.
var codeRE = lazyregexp.New(`^[^\s"]+$`)

// numericCode matches decimal (signed) or hexadecimal numbers.
var numericCode = lazyregexp.New(`^(?:[-+]?[0-9]+|0[xX][0-9A-Fa-f]+)$`)

// alnumCode is an upper-case code of letters and digits, in parts joined
// by '-' or '_': SQLSTATEs (42P01, 0A000), E1001, ERR-42.
var alnumCode = lazyregexp.New(`^[A-Z0-9]+(?:[-_][A-Z0-9]+)*$`)

// looksLikeCode reports whether s is what parsers take for a code in
// running text and unlabelled columns: a number (decimal, signed, or
// hexadecimal), or an upper-case token of letters and digits with at least
// one of each (42P01, P0001, E1001). Codes are not only digits.
func looksLikeCode(s string) bool {
	if numericCode.MatchString(s) {
		return true
	}
	return alnumCode.MatchString(s) && strings.ContainsAny(s, "0123456789") && strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0
}

// plausibleCode reports whether s could be an error code of some vendor:
// what looksLikeCode accepts, or an identifier (UPPER_SNAKE, CamelCase,
// lower_snake with an underscore). Plain words ("Prev", "Next", "Home")
// are not codes.
func plausibleCode(s string) bool {
	switch {
	case looksLikeCode(s), identifierLike(s):
		return true
	case lowerSnake.MatchString(s) && strings.Contains(s, "_"):
		return true
	}
	return alnumCode.MatchString(s) && strings.Contains(s, "_")
}
