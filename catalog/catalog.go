// Package catalog holds errtag's error catalogs: for each system, the codes
// its vendor documents, with the vendor's message verbatim and the
// remediation an on-call engineer needs. A Catalog is built once at start-up
// (the built-in data plus any user files) and is read-only afterwards, so it
// is safe for concurrent use.
//
// The file format is specified in docs/FORMATS.md.
package catalog

import (
	"fmt"
	"github.com/errtag/errtag/internal/fsmsg"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// The built-in catalogs, data/*.yaml, are compiled in as Go tables
// (builtinFiles, in builtin_table.go): reading the YAML at run time was
// most of errtag's start-up. The YAML files are the source: the test
// TestBuiltinTable fails when the table differs from what reading them
// gives, and rewrites it with -update.
//go:generate go test -run ^TestBuiltinTable$ -update .

// Entry is one catalog row: the meaning of one code in one system.
type Entry struct {
	System      string `json:"system"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Category    string `json:"category"`
	Group       string `json:"group,omitempty"`
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
	Remediation string `json:"remediation,omitempty"`
	// MessagePrefix, when set, selects this row among several rows of the
	// same code: the row applies when the line's own message starts with it.
	MessagePrefix string `json:"message_prefix,omitempty"`
	// CategoryGuessed and NameGuessed say the category and the name are
	// guesses (the file's "guessed" list, written by errtag catalog
	// import): an override does not replace a value that is not a guess
	// with one that is.
	CategoryGuessed bool `json:"category_guessed,omitempty"`
	NameGuessed     bool `json:"name_guessed,omitempty"`
	// Source is where the entry was defined, as FILE:LINE.
	Source string `json:"-"`
}

// guessable are the fields an entry's guessed list may name.
var guessable = []string{"category", "name"}

// guessedFlag returns the flag of e that says field is a guess.
func (e *Entry) guessedFlag(field string) *bool {
	if field == "name" {
		return &e.NameGuessed
	}
	return &e.CategoryGuessed
}

// SystemInfo describes one system of the catalog.
type SystemInfo struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source string `json:"source,omitempty"` // where the vendor publishes the codes
	File   string `json:"file"`             // file the system was (last) loaded from
}

type system struct {
	info    SystemInfo
	entries []*Entry            // in file order
	byCode  map[string][]*Entry // rows per code, in file order
	byName  map[string]*Entry
	text    map[*Entry]*rowText // each row's texts, normalised for Resolve
}

// Catalog is a set of systems and their entries.
type Catalog struct {
	systems map[string]*system
}

// New returns an empty catalog.
func New() *Catalog { return &Catalog{systems: map[string]*system{}} }

// Builtin returns a catalog holding the five built-in systems.
func Builtin() (*Catalog, error) {
	c := New()
	for _, f := range builtinFiles {
		// The table's rows are copied: a catalog's rows are its own.
		rows := slices.Clone(f.entries)
		entries := make([]*Entry, len(rows))
		for i := range rows {
			entries[i] = &rows[i]
		}
		c.merge(f.info, entries)
	}
	return c, nil
}

// builtinFile is a built-in catalog file as readFile reads it.
type builtinFile struct {
	info    SystemInfo
	entries []Entry
}

// catalogFile is what a catalog file holds: its system and entries, or
// why it is not a catalog file.
type catalogFile struct {
	info    SystemInfo
	entries []*Entry
	err     error
}

// LoadFile reads a catalog file and adds it to c (see Add).
func (c *Catalog) LoadFile(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return &fsmsg.FileError{What: "catalog file", Name: name, Err: err}
	}
	return c.Add(name, data)
}

var (
	systemIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	codePattern     = regexp.MustCompile(`^[^\s"]+$`)
)

// Add parses one catalog file (file names it in errors) and merges it into c.
// A new system is added; for a system c already has, each code the file lists
// replaces every row c had for that code, and the other codes are kept. A
// row that replaces one (its counterpart: the row of the code with the same
// message_prefix, or else the same message, or else, for a row with a
// prefix, the one whose prefix begins its own) keeps the counterpart's
// group, description and remediation where its own are empty, and the
// counterpart's category and name where its own are guesses and the
// counterpart's are not. The catalog is unchanged when Add returns an error.
func (c *Catalog) Add(file string, data []byte) error {
	f := readFile(file, data)
	if f.err != nil {
		return f.err
	}
	c.merge(f.info, f.entries)
	return nil
}

// readFile reads a catalog file (see Add). It touches no catalog, so
// files can be read side by side.
func readFile(file string, data []byte) catalogFile {
	info, entries, err := parseFile(file, data)
	return catalogFile{info: info, entries: entries, err: err}
}

func parseFile(file string, data []byte) (SystemInfo, []*Entry, error) {
	root, err := yamlfile.Parse(file, data)
	if err != nil {
		return SystemInfo{}, nil, err
	}
	return parseTree(file, root)
}

// parseTree reads a catalog file's parsed YAML (see Add).
func parseTree(file string, root *yaml.Node) (SystemInfo, []*Entry, error) {
	var info SystemInfo
	f, err := yamlfile.Fields(file, root, "system", "title", "source", "entries")
	if err != nil {
		return info, nil, err
	}
	sysNode, ok := f["system"]
	if !ok {
		return info, nil, yamlfile.Errorf(file, root, "missing field \"system\"")
	}
	id, err := yamlfile.String(file, "system", sysNode)
	if err != nil {
		return info, nil, err
	}
	if !systemIDPattern.MatchString(id) {
		return info, nil, yamlfile.Errorf(file, sysNode, "system %q: use lower case letters, digits, '.', '_' and '-'", id)
	}
	info = SystemInfo{ID: id, File: file}
	if n, ok := f["title"]; ok {
		if info.Title, err = yamlfile.String(file, "title", n); err != nil {
			return info, nil, err
		}
	}
	if n, ok := f["source"]; ok {
		if info.Source, err = yamlfile.String(file, "source", n); err != nil {
			return info, nil, err
		}
	}
	entriesNode, ok := f["entries"]
	if !ok {
		return info, nil, yamlfile.Errorf(file, root, "missing field \"entries\"")
	}
	if entriesNode.Kind != yaml.SequenceNode {
		return info, nil, yamlfile.Errorf(file, entriesNode, "field \"entries\" must be a list, found %s", yamlfile.KindName(entriesNode))
	}
	var entries []*Entry
	for _, n := range entriesNode.Content {
		e, err := parseEntry(file, id, n)
		if err != nil {
			return info, nil, err
		}
		entries = append(entries, e)
	}
	if err := checkEntries(file, entriesNode, entries); err != nil {
		return info, nil, err
	}
	return info, entries, nil
}

var entryFields = []string{"code", "name", "category", "group", "message", "description", "remediation", "message_prefix", "guessed"}

func parseEntry(file, sys string, n *yaml.Node) (*Entry, error) {
	f, err := yamlfile.Fields(file, n, entryFields...)
	if err != nil {
		return nil, err
	}
	e := &Entry{System: sys, Source: fmt.Sprintf("%s:%d", file, n.Line)}
	dst := map[string]*string{
		"code": &e.Code, "name": &e.Name, "category": &e.Category, "group": &e.Group,
		"message": &e.Message, "description": &e.Description, "remediation": &e.Remediation,
		"message_prefix": &e.MessagePrefix,
	}
	for k, v := range f {
		if k == "guessed" {
			list, err := parseGuessed(file, v)
			if err != nil {
				return nil, err
			}
			for _, g := range list {
				*e.guessedFlag(g) = true
			}
			continue
		}
		s, err := yamlfile.String(file, k, v)
		if err != nil {
			return nil, err
		}
		*dst[k] = s
	}
	for _, req := range []string{"code", "name", "category", "message"} {
		if strings.TrimSpace(*dst[req]) == "" {
			return nil, yamlfile.Errorf(file, n, "entry is missing %q", req)
		}
	}
	if !codePattern.MatchString(e.Code) {
		return nil, yamlfile.Errorf(file, f["code"], "code %q: a code is one word, with no spaces or quotes", e.Code)
	}
	if !IsCategory(e.Category) {
		return nil, yamlfile.Errorf(file, f["category"], "code %s: unknown category %q (known: %s)", e.Code, e.Category, strings.Join(CategoryNames(), ", "))
	}
	return e, nil
}

// parseGuessed reads an entry's guessed list: field names among guessable,
// each once.
func parseGuessed(file string, n *yaml.Node) ([]string, error) {
	list, err := yamlfile.Strings(file, "guessed", n)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, g := range list {
		ok := false
		for _, f := range guessable {
			ok = ok || g == f
		}
		if !ok {
			return nil, yamlfile.Errorf(file, n, "guessed: %q is not a field that can be guessed (%s)", g, strings.Join(guessable, ", "))
		}
		if seen[g] {
			return nil, yamlfile.Errorf(file, n, "guessed: %q is listed twice", g)
		}
		seen[g] = true
	}
	return list, nil
}

// checkEntries enforces the per-file rules: names unique, and a code listed
// more than once only as distinct rows picked by message_prefix.
func checkEntries(file string, list *yaml.Node, entries []*Entry) error {
	names := map[string]*Entry{}
	byCode := map[string][]*Entry{}
	for i, e := range entries {
		node := list.Content[i]
		if prev, ok := names[e.Name]; ok && prev.Code != e.Code {
			return yamlfile.Errorf(file, node, "name %s is used by code %s (%s) and code %s", e.Name, prev.Code, prev.Source, e.Code)
		}
		names[e.Name] = e
		for _, prev := range byCode[e.Code] {
			switch {
			case prev.Message == e.Message && prev.MessagePrefix == e.MessagePrefix:
				return yamlfile.Errorf(file, node, "code %s is listed twice (first at %s); keep one entry", e.Code, prev.Source)
			case prev.MessagePrefix == e.MessagePrefix:
				return yamlfile.Errorf(file, node, "code %s is listed twice with different texts (first at %s); give each row a distinct message_prefix to say which line message picks it", e.Code, prev.Source)
			}
		}
		byCode[e.Code] = append(byCode[e.Code], e)
	}
	return nil
}

func (c *Catalog) merge(info SystemInfo, entries []*Entry) {
	// A system is copied before it changes, as a Clone shares it; its
	// slices and maps are replaced, never changed, and its rows too.
	old, ok := c.systems[info.ID]
	s := &system{byCode: map[string][]*Entry{}, byName: map[string]*Entry{}}
	if ok {
		*s = *old
	}
	c.systems[info.ID] = s
	if !ok {
		s.info = info
	} else {
		if info.Title != "" {
			s.info.Title = info.Title
		}
		if info.Source != "" {
			s.info.Source = info.Source
		}
		s.info.File = info.File
	}
	for _, e := range entries {
		if prev := counterpart(s.byCode[e.Code], e); prev != nil {
			e.keepFrom(prev)
		}
	}
	replaced := map[string]bool{}
	for _, e := range entries {
		replaced[e.Code] = true
	}
	kept := s.entries[:0:0]
	for _, e := range s.entries {
		if !replaced[e.Code] {
			kept = append(kept, e)
		}
	}
	s.entries = append(kept, entries...)
	s.byName = make(map[string]*Entry, len(s.entries))
	s.byCode = make(map[string][]*Entry, len(s.entries))
	s.text = make(map[*Entry]*rowText, len(s.entries))
	texts := make([]rowText, len(s.entries))
	for i, e := range s.entries {
		texts[i] = newRowText(e)
		s.text[e] = &texts[i]
		s.byCode[e.Code] = append(s.byCode[e.Code], e)
		if _, dup := s.byName[e.Name]; !dup {
			s.byName[e.Name] = e
		}
	}
}

// counterpart returns the row of old (the rows a code had) that e replaces:
// the one with the same message_prefix (both none for the general rows);
// failing that, the one with the same message; failing that, for a row
// with a prefix, the one whose prefix begins e's. Nil when none does.
func counterpart(old []*Entry, e *Entry) *Entry {
	for _, o := range old {
		if o.MessagePrefix == e.MessagePrefix {
			return o
		}
	}
	for _, o := range old {
		if o.Message == e.Message {
			return o
		}
	}
	if e.MessagePrefix != "" {
		for _, o := range old {
			if o.MessagePrefix != "" && strings.HasPrefix(e.MessagePrefix, o.MessagePrefix) {
				return o
			}
		}
	}
	return nil
}

// keepFrom fills e's empty group, description and remediation from prev,
// and takes prev's category and name where e's are guesses and prev's are
// not (a guess never replaces a value someone wrote).
func (e *Entry) keepFrom(prev *Entry) {
	if e.Group == "" {
		e.Group = prev.Group
	}
	if e.Description == "" {
		e.Description = prev.Description
	}
	if e.Remediation == "" {
		e.Remediation = prev.Remediation
	}
	if e.CategoryGuessed && !prev.CategoryGuessed {
		e.Category, e.CategoryGuessed = prev.Category, false
	}
	if e.NameGuessed && !prev.NameGuessed {
		e.Name, e.NameGuessed = prev.Name, false
	}
}

// Clone returns a copy of c: Add and LoadFile change the copy and not c,
// and c may be read meanwhile. It is cheap: the copy shares c's rows,
// which neither changes.
func (c *Catalog) Clone() *Catalog {
	cp := &Catalog{systems: make(map[string]*system, len(c.systems))}
	for id, s := range c.systems {
		cp.systems[id] = s
	}
	return cp
}

// HasSystem reports whether the catalog defines system id.
func (c *Catalog) HasSystem(id string) bool { _, ok := c.systems[id]; return ok }

// Systems returns the system ids, sorted.
func (c *Catalog) Systems() []string {
	ids := make([]string, 0, len(c.systems))
	for id := range c.systems {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// System returns the description of system id.
func (c *Catalog) System(id string) (SystemInfo, bool) {
	s, ok := c.systems[id]
	if !ok {
		return SystemInfo{}, false
	}
	return s.info, true
}

// Entries returns every entry of system id, in file order.
func (c *Catalog) Entries(id string) []Entry {
	s, ok := c.systems[id]
	if !ok {
		return nil
	}
	return copyEntries(s.entries)
}

// Lookup returns every row for code in system, in file order: one for most
// codes, several where the vendor gives one code several meanings.
func (c *Catalog) Lookup(system, code string) []Entry {
	s, ok := c.systems[system]
	if !ok {
		return nil
	}
	return copyEntries(s.byCode[code])
}

// ByName returns the entry of system whose name is exactly name.
func (c *Catalog) ByName(system, name string) (Entry, bool) {
	s, ok := c.systems[system]
	if !ok {
		return Entry{}, false
	}
	e, ok := s.byName[name]
	if !ok {
		return Entry{}, false
	}
	return *e, true
}

// Resolution is the outcome of resolving one code found on a line.
type Resolution struct {
	Entry Entry
	// Known is false when the system has no row for the code.
	Known bool
	// Agrees reports whether the line's message agrees with Entry (see
	// MessageAgrees; for a row with a message_prefix, a message starting
	// with the prefix agrees too). A line without a message agrees with
	// nothing.
	Agrees bool
	// Alternatives lists the other rows the code may mean, when the line's
	// message did not pick one row among several.
	Alternatives []Entry
}

// Resolve picks the row for code in system. When the code has several rows,
// lineMessage (the message the line carries next to the code, possibly
// empty) picks the first row, in file order, that it agrees with (see
// Resolution.Agrees); when it agrees with none, the row without a
// message_prefix is chosen and the others are returned as Alternatives.
// When every row has a prefix, no row is guessed: the Entry has only what
// all the rows agree on (system, code and, if they share them, category,
// group, description and remediation; never a name or a message), and
// every row is an Alternative.
func (c *Catalog) Resolve(system, code, lineMessage string) Resolution {
	s, ok := c.systems[system]
	if !ok {
		return Resolution{Entry: Entry{System: system, Code: code}}
	}
	rows := s.byCode[code]
	if len(rows) == 0 {
		return Resolution{Entry: Entry{System: system, Code: code}}
	}
	var scratch [256]byte // most messages fold without allocating
	if len(rows) == 1 {
		t := s.text[rows[0]]
		agrees := t.verbatim(lineMessage) || t.agrees(newLineText(lineMessage, scratch[:]))
		return Resolution{Entry: *rows[0], Known: true, Agrees: agrees}
	}
	line := newLineText(lineMessage, scratch[:])
	for _, e := range rows {
		if s.text[e].agrees(line) {
			return Resolution{Entry: *e, Known: true, Agrees: true}
		}
	}
	var def *Entry
	for _, e := range rows {
		if e.MessagePrefix == "" {
			def = e
			break
		}
	}
	r := Resolution{Known: true}
	if def != nil {
		r.Entry = *def
	} else {
		r.Entry = shared(rows)
	}
	for _, e := range rows {
		if e != def {
			r.Alternatives = append(r.Alternatives, *e)
		}
	}
	return r
}

// shared is the entry made of what all rows (of one code) agree on: their
// system and code, and their category, group, description and
// remediation where these are the same in every row.
func shared(rows []*Entry) Entry {
	e := Entry{System: rows[0].System, Code: rows[0].Code}
	same := func(get func(*Entry) string) string {
		v := get(rows[0])
		for _, r := range rows[1:] {
			if get(r) != v {
				return ""
			}
		}
		return v
	}
	e.Category = same(func(r *Entry) string { return r.Category })
	e.Group = same(func(r *Entry) string { return r.Group })
	e.Description = same(func(r *Entry) string { return r.Description })
	e.Remediation = same(func(r *Entry) string { return r.Remediation })
	return e
}

// Search returns the entries whose code, name, message, description or
// remediation contains word (case-insensitive), in system then file order.
func (c *Catalog) Search(word string) []Entry {
	w := strings.ToLower(word)
	var out []Entry
	for _, id := range c.Systems() {
		for _, e := range c.systems[id].entries {
			for _, field := range []string{e.Code, e.Name, e.Message, e.Description, e.Remediation, e.Group} {
				if strings.Contains(strings.ToLower(field), w) {
					out = append(out, *e)
					break
				}
			}
		}
	}
	return out
}

func copyEntries(in []*Entry) []Entry {
	if len(in) == 0 {
		return nil
	}
	out := make([]Entry, len(in))
	for i, e := range in {
		out[i] = *e
	}
	return out
}

// Has reports whether system lists code.
func (c *Catalog) Has(system, code string) bool {
	s, ok := c.systems[system]
	return ok && len(s.byCode[code]) > 0
}
