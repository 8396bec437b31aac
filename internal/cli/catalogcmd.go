package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/importer"
	"github.com/errtag/errtag/internal/textui"
	"github.com/spf13/cobra"
)

// catalogOptions are the flags of errtag catalog and errtag catalog systems.
type catalogOptions struct {
	system   string
	catalogs []string
	format   string
	json     bool
	cmd      *cobra.Command
	e        *env
}

func (o *catalogOptions) register(cmd *cobra.Command, e *env, withSystem bool) {
	o.cmd, o.e = cmd, e
	f := cmd.Flags()
	if withSystem {
		systemFlag(f, &o.system, "list only system `NAME`")
	}
	f.StringArrayVar(&o.catalogs, "catalog", nil, "add or override catalog entries from `FILE` (repeatable)")
	formatFlags(f, &o.format, &o.json, []string{"table", "json", "csv"}, "output `FORMAT`: table, json or csv", "")
}

// checkFormat settles --format and --json.
func (o *catalogOptions) checkFormat() error {
	return resolveJSON(o.cmd, o.e, &o.format, o.json)
}

func newCatalogCmd(e *env) *cobra.Command {
	o := &catalogOptions{}
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "List the error catalogs: built-in and your own",
		Long: `catalog lists every entry of the catalogs errtag uses: the built-in ones
and those added with --catalog FILE. The table shows system, code, name,
category and message (cut to fit a terminal); csv and json carry every field.

  errtag catalog systems    lists the systems, their titles, sizes and files
  errtag catalog import     turns a vendor's error table into a catalog file`,
		Example: `  errtag catalog --system wusp
  errtag catalog --format csv > codes.csv
  errtag catalog --catalog my-codes.yaml --system payments --format json`,
		Args: subcommandArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCatalogList(e, o)
		},
	}
	o.register(cmd, e, true)
	cmd.AddCommand(newCatalogSystemsCmd(e), newCatalogImportCmd(e))
	return cmd
}

// subcommandArgs refuses arguments to a command that only has
// subcommands, saying which subcommand was meant.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if s := closest(args[0], names); s != "" {
		return configErr(fmt.Errorf("unknown command %q for %s: did you mean %q? (%s %s --help)", args[0], cmd.CommandPath(), s, cmd.CommandPath(), s))
	}
	return configErr(fmt.Errorf("unknown command %q for %s: its commands are %s", args[0], cmd.CommandPath(), wordList(names, "and")))
}

func runCatalogList(e *env, o *catalogOptions) error {
	if err := o.checkFormat(); err != nil {
		return err
	}
	cat, err := loadCatalogs(o.catalogs)
	if err != nil {
		return err
	}
	systems, err := selectSystems(cat, o.system)
	if err != nil {
		return err
	}
	var entries []catalog.Entry
	for _, s := range systems {
		entries = append(entries, cat.Entries(s)...)
	}
	switch o.format {
	case "json":
		return writeEntriesJSON(e.stdout, entries)
	case "csv":
		header := []string{"system", "code", "name", "category", "group", "message", "description", "remediation", "message_prefix", "guessed"}
		rows := make([][]string, len(entries))
		for i, x := range entries {
			rows[i] = []string{x.System, x.Code, x.Name, x.Category, x.Group, x.Message, x.Description, x.Remediation, x.MessagePrefix, guessedFields(x)}
		}
		return writeCSV(e.stdout, header, rows)
	}
	rows := make([][]string, len(entries))
	for i, x := range entries {
		rows[i] = []string{x.System, x.Code, x.Name, x.Category, textui.OneLine(x.Message)}
	}
	return writeTable(e.stdout, e.display(e.stdout), []string{"SYSTEM", "CODE", "NAME", "CATEGORY", "MESSAGE"}, rows, -1, 4, 2, 1)
}

// guessedFields lists the fields of e that are guesses, space-separated
// (the catalog file's "guessed" list).
func guessedFields(e catalog.Entry) string {
	var f []string
	if e.CategoryGuessed {
		f = append(f, "category")
	}
	if e.NameGuessed {
		f = append(f, "name")
	}
	return strings.Join(f, " ")
}

// systemRow is one line of errtag catalog systems. A system's id is
// "system" in its JSON, as in every JSON errtag writes.
type systemRow struct {
	ID      string   `json:"system"`
	Title   string   `json:"title"`
	Source  string   `json:"source,omitempty"`
	Entries int      `json:"entries"`
	Files   []string `json:"files"`
}

func newCatalogSystemsCmd(e *env) *cobra.Command {
	o := &catalogOptions{}
	cmd := &cobra.Command{
		Use:   "systems",
		Short: "List the systems of the catalogs, with their titles, sizes and files",
		Long: `systems lists each system of the catalogs: its id (what --system takes), its
title, its number of entries and the files its entries come from
("builtin:NAME.yaml" for the built-in data, first, then any --catalog FILE
that adds or overrides entries).`,
		Example: `  errtag catalog systems
  errtag catalog systems --catalog my-codes.yaml --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.checkFormat(); err != nil {
				return err
			}
			cat, err := loadCatalogs(o.catalogs)
			if err != nil {
				return err
			}
			var rows []systemRow
			for _, id := range cat.Systems() {
				info, _ := cat.System(id)
				entries := cat.Entries(id)
				rows = append(rows, systemRow{ID: id, Title: info.Title, Source: info.Source, Entries: len(entries), Files: entryFiles(info, entries)})
			}
			return writeSystems(e.stdout, e.display(e.stdout), o.format, rows)
		},
	}
	o.register(cmd, e, false)
	return cmd
}

// entryFiles returns the files the entries were defined in, in order of
// first appearance (the built-in file first when it still has entries).
func entryFiles(info catalog.SystemInfo, entries []catalog.Entry) []string {
	var files []string
	seen := map[string]bool{}
	for _, e := range entries {
		f := e.Source
		if i := strings.LastIndexByte(f, ':'); i >= 0 {
			if _, err := strconv.Atoi(f[i+1:]); err == nil {
				f = f[:i]
			}
		}
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		files = []string{info.File}
	}
	return files
}

func writeSystems(w io.Writer, d textui.Display, format string, rows []systemRow) error {
	switch format {
	case "json":
		if rows == nil {
			rows = []systemRow{}
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return writeFailure(err)
		}
		return nil
	case "csv":
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = []string{r.ID, r.Title, strconv.Itoa(r.Entries), strings.Join(r.Files, " ")}
		}
		return writeCSV(w, []string{"system", "title", "entries", "files"}, out)
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{r.ID, textui.OneLine(r.Title), strconv.Itoa(r.Entries), strings.Join(r.Files, ", ")}
	}
	return writeTable(w, d, []string{"SYSTEM", "TITLE", "ENTRIES", "FILES"}, out, 2, 1, 3)
}

// writeTable writes rows as a table for d (textui.Display.Table), and
// turns a write failure into errtag's exit.
func writeTable(w io.Writer, d textui.Display, header []string, rows [][]string, right int, shrink ...int) error {
	if err := d.Table(w, header, rows, right, shrink...); err != nil {
		return writeFailure(err)
	}
	return nil
}

func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	cw.WriteAll(rows) // flushes
	if err := cw.Error(); err != nil {
		return writeFailure(err)
	}
	return nil
}

// importOptions are the flags of errtag catalog import.
type importOptions struct {
	from    string
	system  string
	title   string
	out     string
	columns string
}

func newCatalogImportCmd(e *env) *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import [--from FORMAT] --system NAME FILE",
		Short: "Turn a vendor's error-code table into a catalog file to edit",
		Long: `import reads a vendor's page of error codes (FILE, or - for standard input)
and writes a catalog skeleton in errtag's catalog format: for every code its
name (the vendor's constant or condition name where the page has a column of
them, otherwise one made from the message), the message verbatim, a category
guessed from keywords of the name, message or group (listed under "guessed":
check it), the group the page puts it in (section headings, a group or class
column, HTTP status columns) and an empty remediation for you to write. Load
the result with --catalog FILE.

Formats (--from):
  auto      the default: html if the page has a <table>, markdown if it has
            a pipe table, tsv if most lines have tabs, text otherwise
  markdown  pipe tables (| CODE | NAME | DESCRIPTION |), headings as groups
  html      <table> rows, <h1>-<h6> headings and rows spanning the table as
            groups; navigation tables (Prev, Up, Next) are skipped
  tsv       tab-separated columns with a header line
  text      plain text: lines starting with a code (digits or upper-case
            letters and digits: 404, 42P01), an optional HTTP status after it,
            under headings or "Section:" lines; fixed-width columns (fields
            two spaces apart, as in PostgreSQL's errcodes.txt); or prose, a
            name paragraph followed by its description paragraph

Columns are told by their header names (code, name/constant/condition,
message, description, group/class/category, status, remediation/action; see
docs/FORMATS.md), else by their contents; a column that is not used is
reported. --columns maps them yourself, by position (code,-,name,message) or
by header ("Error=code,Class=group"). A table with no message column gives
each entry its name as the message.

The import fails (exit 1) when what it read makes no sense: codes that are
not codes, one message for most codes, rows without text.`,
		Example: `  errtag catalog import --system postgresql -o pg.yaml /usr/share/postgresql/15/errcodes.txt
  errtag catalog import --system drupal-sdk-2 errors.md > drupal.yaml
  errtag catalog import --from tsv --columns code,-,name,message --system acme codes.tsv
  errtag catalog import --system acme --columns "Error=code,Text=message" page.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return configErr(fmt.Errorf("catalog import: give the page to read: errtag catalog import --system NAME FILE (- for standard input)"))
			case 1:
				return nil
			}
			return configErr(fmt.Errorf("catalog import reads one page, and was given %d (%s); import each with its own --system, or join them: cat A B | errtag catalog import --system NAME -", len(args), strings.Join(args, ", ")))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(e, o, args[0])
		},
	}
	f := cmd.Flags()
	o.from = string(importer.Auto)
	f.Var(&choiceValue{p: &o.from, flag: "from", what: "page format", choices: importer.Formats(), hint: "the format of the page read; the catalog is written as YAML"}, "from", "the page's `FORMAT`: "+strings.Join(importer.Formats(), ", "))
	f.StringVar(&o.system, "system", "", "the `NAME` to give the catalog's system, such as acme-api (required)")
	f.StringVar(&o.title, "title", "", "the catalog's `TITLE`")
	f.VarP(&outputFileValue{p: &o.out, hint: "the catalog is written as YAML, and --from names the page's format"}, "output-file", "o", "write the catalog to `FILE` instead of standard output (never the page itself)")
	f.StringVar(&o.columns, "columns", "", "what the table's columns hold: `ROLES` by position (code,-,name,message) or HEADER=ROLE pairs; roles: "+strings.Join(importer.Roles(), ", "))
	return cmd
}

func runImport(e *env, o *importOptions, name string) error {
	o.from = strings.ToLower(o.from)
	if o.from == "" {
		return configErr(fmt.Errorf("catalog import: --from: give a format (%s)", strings.Join(importer.Formats(), ", ")))
	}
	if o.system == "" {
		return configErr(fmt.Errorf("catalog import: --system is required"))
	}
	var spec *importer.Columns
	if o.columns != "" {
		var err error
		if spec, err = importer.ParseColumns(o.columns); err != nil {
			return configErr(err)
		}
	}
	if o.out != "" && o.out != "-" && name != "-" && sameFile(o.out, name) {
		return configErr(fmt.Errorf("catalog import: -o %s is the page being imported: write the catalog to another file", o.out))
	}
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return &exitError{code: ExitInput, err: fmt.Errorf("%s: %s", displayName(name), describeOpenError(err))}
	}
	res, err := importer.Import(importer.Format(o.from), data, importer.Options{System: o.system, Title: o.title, Source: displayName(name), Columns: spec})
	if err != nil {
		if importer.IsUsage(err) {
			return configErr(err)
		}
		return &exitError{code: ExitInput, err: fmt.Errorf("%s: %w", displayName(name), err)}
	}
	// The skeleton must load as it is; a failure here is a bug in import.
	if err := catalog.New().Add("(imported catalog)", res.YAML); err != nil {
		return &exitError{code: ExitInput, err: fmt.Errorf("import produced a catalog that does not load: %w", err)}
	}
	if o.out != "" && o.out != "-" {
		if err := os.WriteFile(o.out, res.YAML, 0o644); err != nil {
			return &exitError{code: ExitInput, err: err}
		}
	} else if _, err := e.stdout.Write(res.YAML); err != nil {
		return writeFailure(err)
	}
	if res.Detected != "" {
		fmt.Fprintf(e.stderr, "errtag: %s: read as %s (%s); give --from to choose\n", displayName(name), res.Format, res.Detected)
	}
	for _, wmsg := range res.Warnings {
		fmt.Fprintf(e.stderr, "errtag: %s: %s\n", displayName(name), wmsg)
	}
	if builtin, err := catalog.Builtin(); err == nil && builtin.HasSystem(o.system) {
		fmt.Fprintf(e.stderr, "errtag: warning: %s is a built-in system: loaded with --catalog, this file overrides its codes field by field (empty fields, and categories and names still under \"guessed\", keep the built-in values; see docs/FORMATS.md); to keep both, import under another --system\n", o.system)
	}
	fallback := ""
	if res.Fallback > 0 {
		fallback = fmt.Sprintf(", %d of them internal for want of a keyword", res.Fallback)
	}
	fmt.Fprintf(e.stderr, "errtag: imported %d entries for system %s (%d categories guessed%s); review each category and write each remediation\n",
		len(res.Entries), o.system, res.Guessed, fallback)
	return nil
}

// sameFile reports whether paths a and b name the same file (b existing).
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}
