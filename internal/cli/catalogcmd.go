package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
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
}

func (o *catalogOptions) register(cmd *cobra.Command, withSystem bool) {
	f := cmd.Flags()
	if withSystem {
		f.StringVar(&o.system, "system", "", "list only system `NAME`")
	}
	f.StringArrayVar(&o.catalogs, "catalog", nil, "add or override catalog entries from `FILE` (repeatable)")
	f.StringVar(&o.format, "format", "table", "output `FORMAT`: table, json or csv")
}

func (o *catalogOptions) checkFormat() error {
	switch o.format {
	case "table", "json", "csv":
		return nil
	}
	return configErr(fmt.Errorf("--format: unknown format %q (table, json or csv)", o.format))
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
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCatalogList(e, o)
		},
	}
	o.register(cmd, true)
	cmd.AddCommand(newCatalogSystemsCmd(e), newCatalogImportCmd(e))
	return cmd
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
		header := []string{"system", "code", "name", "category", "group", "message", "description", "remediation", "message_prefix"}
		rows := make([][]string, len(entries))
		for i, x := range entries {
			rows[i] = []string{x.System, x.Code, x.Name, x.Category, x.Group, x.Message, x.Description, x.Remediation, x.MessagePrefix}
		}
		return writeCSV(e.stdout, header, rows)
	}
	rows := make([][]string, len(entries))
	for i, x := range entries {
		rows[i] = []string{x.System, x.Code, x.Name, x.Category, textui.OneLine(x.Message)}
	}
	return writeTable(e.stdout, e.display(e.stdout), []string{"SYSTEM", "CODE", "NAME", "CATEGORY", "MESSAGE"}, rows, -1, 4, 2, 1)
}

// systemRow is one line of errtag catalog systems.
type systemRow struct {
	ID      string   `json:"id"`
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
	o.register(cmd, false)
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
	from   string
	system string
	title  string
	out    string
}

func newCatalogImportCmd(e *env) *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import --from FORMAT --system NAME FILE",
		Short: "Turn a vendor's error-code table into a catalog file to edit",
		Long: `import reads a vendor's page of error codes (FILE, or - for standard input)
and writes a catalog skeleton in errtag's catalog format: for every code its
name (the vendor's constant where the page has a column of them, otherwise
one made from the message), the message verbatim, a category guessed from
keywords (marked as guessed: check it), the group the page puts it in
(section headings, HTTP status columns) and an empty remediation for you to
write. Load the result with --catalog FILE.

Formats:
  markdown  pipe tables (| CODE | NAME | DESCRIPTION |), headings as groups
  html      <table> rows, <h1>-<h6> headings as groups
  tsv       tab-separated columns with a header line
  text      plain text: lines starting with a code (an optional HTTP status
            after it), sectioned under headings; or prose, a name paragraph
            followed by its description paragraph

Columns are recognised by their headers (code, name/constant, message,
description, HTTP status).`,
		Example: `  errtag catalog import --from markdown --system drupal-sdk errors.md > drupal.yaml
  errtag catalog import --from html --system voltmx-sync --title "Volt MX Sync" page.html
  errtag catalog import --from text --system acme -o acme.yaml codes.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(e, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.from, "from", "", "the page's `FORMAT`: markdown, html, tsv or text (required)")
	f.StringVar(&o.system, "system", "", "the system id to give the catalog, such as acme-api (required)")
	f.StringVar(&o.title, "title", "", "the catalog's `TITLE`")
	f.StringVarP(&o.out, "output-file", "o", "", "write the catalog to `FILE` instead of standard output")
	return cmd
}

func runImport(e *env, o *importOptions, name string) error {
	if o.from == "" {
		return configErr(fmt.Errorf("catalog import: --from is required (%s)", strings.Join(importer.Formats(), ", ")))
	}
	if o.system == "" {
		return configErr(fmt.Errorf("catalog import: --system is required"))
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
	res, err := importer.Import(importer.Format(o.from), data, importer.Options{System: o.system, Title: o.title, Source: displayName(name)})
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
	for _, wmsg := range res.Warnings {
		fmt.Fprintf(e.stderr, "errtag: %s: %s\n", displayName(name), wmsg)
	}
	fmt.Fprintf(e.stderr, "errtag: imported %d entries for system %s (%d categories guessed); review each category and write each remediation\n",
		len(res.Entries), o.system, res.Guessed)
	return nil
}
