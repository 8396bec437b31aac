package importer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/errtag/errtag/internal/lazyregexp"
)

// table is a table as a parser found it: an optional header row and data
// rows of cells (text, white space collapsed), each with the section
// heading it is under and its page line.
type table struct {
	header []string
	rows   []tableRow
	// line is the page line the table starts on (0 if unknown).
	line int
}

type tableRow struct {
	cells   []string
	section string
	line    int
}

// Role is what a column of a table holds.
type Role string

// The column roles. Every role but RoleSkip is taken by one column at most.
const (
	RoleCode        Role = "code"        // the error code (required)
	RoleName        Role = "name"        // the vendor's constant or condition name
	RoleMessage     Role = "message"     // the vendor's message
	RoleDescription Role = "description" // further text
	RoleGroup       Role = "group"       // the vendor's grouping (class, section, category)
	RoleStatus      Role = "status"      // an HTTP status
	RoleRemediation Role = "remediation" // what to do (a vendor's "Action" column)
	RoleSkip        Role = "skip"        // not used (written "-" in --columns)
)

// Roles returns the role names --columns accepts, in documentation order.
func Roles() []string {
	return []string{string(RoleCode), string(RoleName), string(RoleMessage), string(RoleDescription),
		string(RoleGroup), string(RoleStatus), string(RoleRemediation), string(RoleSkip)}
}

// headerRoles maps header names to roles, tried in order (the first match
// wins). This is the table documented in docs/FORMATS.md ("Importing a
// vendor's page"); keep the two in step.
var headerRoles = []struct {
	role Role
	re   *lazyregexp.Regexp
}{
	{RoleStatus, lazyregexp.New(`(?i)\b(http|status)\b`)},
	{RoleCode, lazyregexp.New(`(?i)(code|^id$|\bnumber\b|^no\.?$|errno|^value$|^hresult$|sqlstate)`)},
	{RoleRemediation, lazyregexp.New(`(?i)(remediation|resolution|solution|action|workaround|what to do)`)},
	{RoleName, lazyregexp.New(`(?i)(constant|\bname\b|scenario|symbol|enum|identifier|macro|condition|^error$|^key$)`)},
	{RoleMessage, lazyregexp.New(`(?i)(message|meaning|\btext\b|reason|summary)`)},
	{RoleDescription, lazyregexp.New(`(?i)(description|details?|explanation|cause|notes?|comments?)`)},
	{RoleGroup, lazyregexp.New(`(?i)^(group|class|section|category|module|area|component|subsystem|type)$`)},
}

// headerRole returns the role a header cell names, or "" for none.
func headerRole(h string) Role {
	h = collapse(h)
	if h == "" {
		return ""
	}
	for _, hr := range headerRoles {
		if hr.re.MatchString(h) {
			return hr.role
		}
	}
	return ""
}

// Columns is a --columns mapping, by position ("code,-,name,message") or by
// header name ("Error=code,Class=group").
type Columns struct {
	byPos  []Role
	byName map[string]Role // folded header -> role
	order  []string        // header names as given, for messages
}

// ParseColumns reads a --columns value: a comma-separated list of roles,
// one per column from the first ("-" for a column not used), or of
// HEADER=ROLE pairs naming columns by their header (the others keep the
// role their header name gives them).
func ParseColumns(s string) (*Columns, error) {
	if strings.TrimSpace(s) == "" {
		return nil, usageError{fmt.Errorf("--columns: empty (give roles such as code,name,message)")}
	}
	items := strings.Split(s, ",")
	named := strings.Contains(s, "=")
	c := &Columns{}
	if named {
		c.byName = map[string]Role{}
	}
	seen := map[Role]string{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		label, roleText := "", it
		if named {
			k, v, ok := strings.Cut(it, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, usageError{fmt.Errorf("--columns: %q: write HEADER=ROLE for every column, or roles alone by position", it)}
			}
			label, roleText = strings.TrimSpace(k), strings.TrimSpace(v)
		}
		r, err := parseRole(roleText)
		if err != nil {
			return nil, err
		}
		if r != RoleSkip {
			if prev, dup := seen[r]; dup {
				return nil, usageError{fmt.Errorf("--columns: role %s is given twice (%s and %s)", r, prev, orPosition(label, len(c.byPos)+1))}
			}
			seen[r] = orPosition(label, len(c.byPos)+1)
		}
		if named {
			key := foldHeader(label)
			if _, dup := c.byName[key]; dup {
				return nil, usageError{fmt.Errorf("--columns: column %q is given twice", label)}
			}
			c.byName[key] = r
			c.order = append(c.order, label)
		} else {
			c.byPos = append(c.byPos, r)
		}
	}
	if !named {
		if _, ok := seen[RoleCode]; !ok {
			return nil, usageError{fmt.Errorf("--columns: no column is the code (give code at the code column's position)")}
		}
	}
	return c, nil
}

func orPosition(label string, pos int) string {
	if label != "" {
		return fmt.Sprintf("%q", label)
	}
	return fmt.Sprintf("column %d", pos)
}

func parseRole(s string) (Role, error) {
	if s == "-" {
		return RoleSkip, nil
	}
	for _, r := range Roles() {
		if s == r {
			return Role(r), nil
		}
	}
	return "", usageError{fmt.Errorf("--columns: unknown role %q (%s, or - for a column not used)", s, strings.Join(Roles(), ", "))}
}

func foldHeader(h string) string { return strings.ToLower(collapse(h)) }

// columns says which column holds what; -1 for none.
type columns struct {
	code, name, message, description, status, group, remediation int
	// constant is a second name column (UPPER_SNAKE constants next to
	// lower_snake condition names); its text goes to the description.
	constant int
	// messageFromName: the table has no message column; the name is the
	// message too.
	messageFromName bool
	// codeLabelled: the code column is named, by its header or by
	// --columns, rather than told by its cells: its cells are codes as
	// they are (any one word), not only those that look like codes.
	codeLabelled bool
}

var (
	upperSnake = lazyregexp.New(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$`)
	// lowerSnake is a condition name such as PostgreSQL's unique_violation.
	lowerSnake = lazyregexp.New(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$`)
)

// maxHeaderWords is how many words a header cell has at most: column
// names are short, messages are not ("Consumer Group name already exists"
// names no column).
const maxHeaderWords = 4

// isHeaderRow reports whether cells look like a header: some cell names a
// column role, no cell looks like a code, and every cell is short.
func isHeaderRow(cells []string) bool {
	named := false
	for _, c := range cells {
		if looksLikeCode(c) || len(strings.Fields(c)) > maxHeaderWords {
			return false
		}
		if headerRole(c) != "" {
			named = true
		}
	}
	return named
}

// classify finds the columns of t: from spec (--columns) when given, else
// from the header names, then from the cells for the roles left open, in
// columns whose header names nothing (all of them without a header): a code
// column is one whose cells mostly look like codes; a name column one of
// UPPER_SNAKE, CamelCase or lower_snake words; the message the remaining
// column with the longest text. It returns the columns and notes for the
// user: columns it does not use, and how the message was found.
func classify(t table, spec *Columns) (columns, []string, error) {
	c := columns{-1, -1, -1, -1, -1, -1, -1, -1, false, false}
	width := len(t.header)
	for _, r := range t.rows {
		width = max(width, len(r.cells))
	}
	used := map[int]bool{}
	slot := func(r Role) *int {
		switch r {
		case RoleCode:
			return &c.code
		case RoleName:
			return &c.name
		case RoleMessage:
			return &c.message
		case RoleDescription:
			return &c.description
		case RoleGroup:
			return &c.group
		case RoleStatus:
			return &c.status
		case RoleRemediation:
			return &c.remediation
		}
		return nil
	}
	set := func(r Role, i int) {
		if r == RoleSkip {
			used[i] = true
			return
		}
		if dst := slot(r); dst != nil && *dst < 0 && !used[i] {
			*dst = i
			used[i] = true
		}
	}
	infer := map[int]bool{} // columns whose role the cells may tell
	switch {
	case spec != nil && spec.byPos != nil:
		for i, r := range spec.byPos {
			set(r, i)
		}
	case spec != nil:
		if t.header == nil {
			return c, nil, usageError{fmt.Errorf("%s--columns names headers (%s), but this table has no header row; give the roles by position", lineRef(tableLine(t)), strings.Join(spec.order, ", "))}
		}
		found := map[string]bool{}
		for i, h := range t.header {
			if r, ok := spec.byName[foldHeader(h)]; ok {
				set(r, i)
				found[foldHeader(h)] = true
			}
		}
		for _, n := range spec.order {
			if !found[foldHeader(n)] {
				return c, nil, usageError{fmt.Errorf("%s--columns: this table has no column %q (its header: %s)", lineRef(tableLine(t)), n, quoteList(t.header))}
			}
		}
		fallthrough
	default:
		for i, h := range t.header {
			if used[i] {
				continue
			}
			if r := headerRole(h); r != "" {
				set(r, i)
			} else if collapse(h) == "" {
				infer[i] = true
			}
		}
		for i := len(t.header); i < width; i++ {
			infer[i] = true
		}
	}
	c.codeLabelled = c.code >= 0
	share := func(i int, match func(string) bool) float64 {
		n, hit := 0, 0
		for _, r := range t.rows {
			if i < len(r.cells) && r.cells[i] != "" {
				n++
				if match(plainToken(r.cells[i])) {
					hit++
				}
			}
		}
		if n == 0 {
			return 0
		}
		return float64(hit) / float64(n)
	}
	open := func(i int) bool { return infer[i] && !used[i] }
	if c.code < 0 {
		for i := 0; i < width; i++ {
			if open(i) && share(i, looksLikeCode) >= 0.8 {
				set(RoleCode, i)
				break
			}
		}
	}
	if c.name < 0 {
		lower, upper := -1, -1
		for i := 0; i < width; i++ {
			if !open(i) {
				continue
			}
			if lower < 0 && share(i, lowerSnake.MatchString) >= 0.8 && share(i, func(s string) bool { return strings.Contains(s, "_") }) >= 0.5 {
				lower = i
			}
			if upper < 0 && share(i, upperSnake.MatchString) >= 0.8 {
				upper = i
			}
		}
		switch {
		case lower >= 0:
			// Condition names are the names people use; a column of
			// constants beside them is kept in the description.
			set(RoleName, lower)
			if upper >= 0 {
				c.constant = upper
				used[upper] = true
			}
		case upper >= 0:
			set(RoleName, upper)
		}
	}
	if c.message < 0 && c.description >= 0 {
		c.message, c.description = c.description, -1
	}
	if c.message < 0 {
		best, bestLen := -1, 0
		for i := 0; i < width; i++ {
			if !open(i) {
				continue
			}
			total, words := 0, 0
			for _, r := range t.rows {
				if i < len(r.cells) {
					total += len(r.cells[i])
					words += len(strings.Fields(r.cells[i]))
				}
			}
			// A column of single letters or flags is not a message.
			if total > bestLen && words > len(t.rows) {
				best, bestLen = i, total
			}
		}
		if best >= 0 {
			set(RoleMessage, best)
		}
	}
	var notes []string
	if c.message < 0 && c.name >= 0 {
		c.messageFromName = true
		notes = append(notes, fmt.Sprintf("%sthe table has no message column: each entry's message is its name as the page writes it (the only text the page gives)", lineRef(tableLine(t))))
	}
	if c.code >= 0 {
		for i := 0; i < width; i++ {
			if used[i] || !columnHasText(t, i) {
				continue
			}
			notes = append(notes, fmt.Sprintf("%s%s is not used (%s); map it with --columns", lineRef(tableLine(t)), describeColumn(t, i), knownHeadersHint))
		}
	}
	return c, notes, nil
}

const knownHeadersHint = "known headers name a code, name, message, description, group, status or remediation column"

// unlabelledCodesHint says which codes are taken from a column no header
// or --columns names: codes that are words need the column named.
const unlabelledCodesHint = "numbers, or upper-case tokens with a digit such as 42P01; codes that are words, such as ERR or WRONGTYPE, are read from a column a header names (Code) or --columns does (--columns code,message)"

func columnHasText(t table, i int) bool {
	for _, r := range t.rows {
		if i < len(r.cells) && r.cells[i] != "" {
			return true
		}
	}
	return false
}

// describeColumn names column i for a message: its header, or its first
// values.
func describeColumn(t table, i int) string {
	if i < len(t.header) && collapse(t.header[i]) != "" {
		return fmt.Sprintf("column %d (%q)", i+1, collapse(t.header[i]))
	}
	seen := map[string]bool{}
	var vals []string
	for _, r := range t.rows {
		if i < len(r.cells) && r.cells[i] != "" && !seen[r.cells[i]] {
			seen[r.cells[i]] = true
			vals = append(vals, r.cells[i])
		}
	}
	sort.Strings(vals)
	if len(vals) > 4 {
		vals = append(vals[:4], "...")
	}
	return fmt.Sprintf("column %d (values %s)", i+1, strings.Join(vals, ", "))
}

func quoteList(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = fmt.Sprintf("%q", collapse(c))
	}
	return strings.Join(q, ", ")
}

var (
	backticks = lazyregexp.New("^`+|`+$")
	emphasis  = lazyregexp.New(`^(?:\*\*(.+)\*\*|__(.+)__|\*(.+)\*)$`)
)

// plainToken strips Markdown code and emphasis marks around a code or name
// cell (`FOO`, **FOO**).
func plainToken(s string) string {
	s = strings.TrimSpace(backticks.ReplaceAllString(s, ""))
	if m := emphasis.FindStringSubmatch(s); m != nil {
		s = m[1] + m[2] + m[3]
	}
	return strings.TrimSpace(s)
}

// tableRows turns the rows of tables into Rows. A row whose only non-empty
// cell is its first one is a section heading inside the table (a cell
// spanning the table); a row whose code cell is not a code is skipped with
// a warning. A table whose code column mostly holds no codes (a page's
// navigation or layout table) is skipped whole.
func tableRows(tables []table, spec *Columns) ([]Row, []string, error) {
	var rows []Row
	var warnings []string
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		c, notes, err := classify(t, spec)
		if err != nil {
			return nil, nil, err
		}
		if c.code < 0 {
			warnings = append(warnings, fmt.Sprintf("%sa table with no code column (header %s) was skipped: no header names one, and no column's cells are codes errtag knows without a header (%s)", lineRef(tableLine(t)), headerText(t.header), unlabelledCodesHint))
			continue
		}
		if c.message < 0 && c.name < 0 {
			warnings = append(warnings, fmt.Sprintf("%sa table with no message, description or name column (header %s) was skipped; map its columns with --columns", lineRef(tableLine(t)), headerText(t.header)))
			continue
		}
		cellOf := func(r tableRow, i int) string {
			if i < 0 || i >= len(r.cells) {
				return ""
			}
			return collapse(r.cells[i])
		}
		width := len(t.header)
		for _, r := range t.rows {
			width = max(width, len(r.cells))
		}
		// A row whose only text is in its first cell, and is not a code,
		// is a section heading (a cell spanning the table).
		isSection := func(r tableRow, nonEmpty int) bool {
			if nonEmpty != 1 || width < 2 || len(r.cells) == 0 {
				return false
			}
			first := collapse(r.cells[0])
			return first != "" && !looksLikeCode(plainToken(first))
		}
		// A navigation or layout table: its code column holds no codes.
		// A column named as the code column holds codes as they are (any
		// one word); one told by its cells, only what looks like a code.
		isCode := plausibleCode
		if c.codeLabelled {
			isCode = codeRE.MatchString
		}
		data, codes := 0, 0
		for _, r := range t.rows {
			nonEmpty := countNonEmpty(r.cells)
			if nonEmpty == 0 || isSection(r, nonEmpty) {
				continue
			}
			data++
			if isCode(plainToken(cellOf(r, c.code))) {
				codes++
			}
		}
		if data == 0 || codes*2 < data {
			why := "plain words are not codes in a column no header names"
			if c.codeLabelled {
				why = "a code is one word"
			}
			warnings = append(warnings, fmt.Sprintf("%sa table whose code column (%s) holds no codes (%d of %d rows; %s) was skipped", lineRef(tableLine(t)), describeColumn(t, c.code), codes, data, why))
			continue
		}
		warnings = append(warnings, notes...)
		inner := ""
		for _, r := range t.rows {
			nonEmpty := countNonEmpty(r.cells)
			if nonEmpty == 0 {
				continue
			}
			if isSection(r, nonEmpty) {
				inner = collapse(r.cells[0])
				continue
			}
			code := plainToken(cellOf(r, c.code))
			if !codeRE.MatchString(code) {
				why := "a code is one word, without quotes"
				if code == "" {
					why = "its code cell is empty"
				}
				warnings = append(warnings, fmt.Sprintf("%srow skipped: %q is not a code (%s)", lineRef(r.line), code, why))
				continue
			}
			section := r.section
			if inner != "" {
				section = inner
			}
			row := Row{
				Code:        code,
				Name:        plainToken(cellOf(r, c.name)),
				Message:     cellOf(r, c.message),
				Description: cellOf(r, c.description),
				Section:     section,
				Group:       cellOf(r, c.group),
				Status:      plainToken(cellOf(r, c.status)),
				Remediation: cellOf(r, c.remediation),
				Line:        r.line,
				Labelled:    c.codeLabelled,
			}
			if c.messageFromName {
				row.Message = row.Name
			}
			if k := cellOf(r, c.constant); k != "" {
				row.Constant = plainToken(k)
			}
			rows = append(rows, row)
		}
	}
	return rows, warnings, nil
}

func countNonEmpty(cells []string) int {
	n := 0
	for _, x := range cells {
		if collapse(x) != "" {
			n++
		}
	}
	return n
}

func tableLine(t table) int {
	if t.line > 0 {
		return t.line
	}
	if len(t.rows) > 0 {
		return t.rows[0].line
	}
	return 0
}

func headerText(h []string) string {
	if len(h) == 0 {
		return "none"
	}
	return fmt.Sprintf("%q", strings.Join(h, " | "))
}
