package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/errtag/errtag"
	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/textui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// explainOptions are the flags of errtag explain.
type explainOptions struct {
	system   string
	catalogs []string
	search   string
	format   string
	json     bool
}

func newExplainCmd(e *env) *cobra.Command {
	o := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain CODE|NAME...",
		Short: "Show what error codes or names mean in every system that has them",
		Long: `explain looks each code (107, -1401, ConfigChanged) or name
(ERROR_HOST_NOT_AVAILABLE) up in every catalog and prints each entry that has
it: a code several systems use, or one system gives several meanings, shows
every meaning. Names are matched exactly, then ignoring case. With --search,
every entry whose code, name, group, message, description or remediation
contains the word is shown instead. A code or name that no catalog has is
named on standard error (exit 1); the others are still shown.

Negative codes need no quoting: errtag explain -1001.`,
		Example: `  errtag explain 107
  errtag explain -1401 -1012
  errtag explain -1001 --json
  errtag explain ERROR_HOST_NOT_AVAILABLE
  errtag explain --system knox-efota -1401
  errtag explain --search token
  errtag explain --catalog my-codes.yaml E42`,
		// Flags are parsed by hand so that a negative code is an argument,
		// not a cluster of short flags (see parseArgsWithNegatives).
		DisableFlagParsing: true,
		Args:               cobra.ArbitraryArgs,
		// The config file is read once the flags are parsed, in RunE.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		ValidArgsFunction: completeExplain,
		RunE: func(cmd *cobra.Command, raw []string) error {
			args, err := parseArgsWithNegatives(cmd.Flags(), raw)
			if err != nil {
				return flagError(cmd, err)
			}
			if help, _ := cmd.Flags().GetBool("help"); help {
				return cmd.Help()
			}
			if shown, err := showVersion(cmd, e); shown || err != nil {
				return err
			}
			if err := resolveJSON(cmd, e, &o.format, o.json); err != nil {
				return err
			}
			if err := applyConfig(cmd, e); err != nil {
				return err
			}
			if err := applyColor(cmd, e); err != nil {
				return err
			}
			return runExplain(e, o, args)
		},
	}
	f := cmd.Flags()
	systemFlag(f, &o.system, "look only in the catalog of system `NAME`")
	f.StringArrayVar(&o.catalogs, "catalog", nil, "add or override catalog entries from `FILE` (repeatable)")
	f.StringVar(&o.search, "search", "", "show every entry that contains `WORD` (case-insensitive) instead of looking up a code or name")
	formatFlags(f, &o.format, &o.json, []string{"text", "json"}, "output `FORMAT`: text, for a person, or json (a JSON array of entry objects)", "")
	return cmd
}

var negativeArg = regexp.MustCompile(`^-[0-9]`)

// parseArgsWithNegatives parses raw with fs, taking an argument that looks
// like a negative number (-1001, -0x80) as a positional argument rather
// than as short flags, unless it is the value of the flag before it. The
// positional arguments keep their order.
func parseArgsWithNegatives(fs *pflag.FlagSet, raw []string) ([]string, error) {
	var flagArgs, positional []string
	for i := 0; i < len(raw); i++ {
		a := raw[i]
		if a == "--" {
			positional = append(positional, raw[i+1:]...)
			break
		}
		waiting := needsValue(fs, flagArgs)
		isFlag := strings.HasPrefix(a, "-") && len(a) > 1 && !negativeArg.MatchString(a)
		switch {
		case waiting != nil && isFlag:
			// --search --json: the flag's value is missing, and the
			// next flag is not it.
			return nil, missingValue(waiting)
		case waiting != nil, isFlag:
			flagArgs = append(flagArgs, a)
		default:
			positional = append(positional, a)
		}
	}
	if waiting := needsValue(fs, flagArgs); waiting != nil {
		return nil, missingValue(waiting)
	}
	if err := fs.Parse(append(append(flagArgs, "--"), positional...)); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

// needsValue returns the flag that the last of args is, if it still waits
// for its value (--system with the name in the next argument), else nil.
func needsValue(fs *pflag.FlagSet, args []string) *pflag.Flag {
	if len(args) == 0 {
		return nil
	}
	last := args[len(args)-1]
	if !strings.HasPrefix(last, "-") || strings.Contains(last, "=") || last == "-" {
		return nil
	}
	var f *pflag.Flag
	if strings.HasPrefix(last, "--") {
		f = fs.Lookup(last[2:])
	} else if len(last) == 2 {
		f = fs.ShorthandLookup(last[1:])
	}
	if f == nil || f.NoOptDefVal != "" {
		return nil
	}
	return f
}

func runExplain(e *env, o *explainOptions, args []string) error {
	switch {
	case o.search != "" && len(args) > 0:
		return configErr(fmt.Errorf("explain: give CODEs or NAMEs, or --search WORD, not both"))
	case o.search == "" && len(args) == 0:
		return configErr(fmt.Errorf("explain: give a CODE or NAME (or several, or --search WORD); see errtag explain --help"))
	}
	cat, err := loadCatalogs(o.catalogs)
	if err != nil {
		return err
	}
	systems, err := selectSystems(cat, o.system)
	if err != nil {
		return err
	}
	where := "the catalogs (" + strings.Join(systems, ", ") + ")"
	if o.system != "" {
		where = "the " + o.system + " catalog"
	}
	asJSON := o.format == "json"
	if o.search != "" {
		entries := searchEntries(cat, systems, o.search)
		if len(entries) == 0 {
			if asJSON {
				fmt.Fprintln(e.stdout, "[]")
			}
			return &exitError{code: ExitInput, err: fmt.Errorf("nothing in %s contains %q", where, o.search)}
		}
		if asJSON {
			return writeEntriesJSON(e.stdout, entries)
		}
		return writeExplain(e.stdout, e.display(e.stdout), o.search, entries)
	}
	// Each code or name in turn; the JSON is one array of every entry
	// found, in the order asked.
	var all []catalog.Entry
	var missing []string
	var b strings.Builder
	for i, q := range args {
		entries := lookupEntries(cat, systems, q)
		if len(entries) == 0 {
			missing = append(missing, q)
			continue
		}
		all = append(all, entries...)
		if !asJSON {
			if i > 0 && b.Len() > 0 {
				b.WriteString("\n")
			}
			writeExplain(&b, e.display(e.stdout), q, entries)
		}
	}
	var err2 error
	if asJSON {
		err2 = writeEntriesJSON(e.stdout, all)
	} else if _, err := io.WriteString(e.stdout, b.String()); err != nil {
		err2 = writeFailure(err)
	}
	if err2 != nil {
		return err2
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return &exitError{code: ExitInput, err: fmt.Errorf("%q is not a code or a name in %s; try: errtag explain --search %s", missing[0], where, shellWord(missing[0]))}
	}
	quoted := make([]string, len(missing))
	for i, m := range missing {
		quoted[i] = strconv.Quote(m)
	}
	return &exitError{code: ExitInput, err: fmt.Errorf("%s are not codes or names in %s; try: errtag explain --search WORD", wordList(quoted, "and"), where)}
}

// loadCatalogs returns the built-in catalog with files added, in order:
// the catalog of a Tagger built through the front door, as the commands
// that read logs build theirs.
func loadCatalogs(files []string) (*catalog.Catalog, error) {
	t, err := errtag.New(errtag.Config{Catalogs: files})
	if err != nil {
		return nil, configErr(err)
	}
	return t.Catalog(), nil
}

// selectSystems returns the systems to look in: system alone when given
// (an unknown one is a usage error), else all of them, sorted.
func selectSystems(cat *catalog.Catalog, system string) ([]string, error) {
	if system == "" {
		return cat.Systems(), nil
	}
	if !cat.HasSystem(system) {
		return nil, unknownSystem(system, cat.Systems())
	}
	return []string{system}, nil
}

// lookupEntries returns the entries whose code or name is q, in system then
// file order; when none is, the ones whose code or name is q ignoring case.
func lookupEntries(cat *catalog.Catalog, systems []string, q string) []catalog.Entry {
	for _, eq := range []func(a, b string) bool{
		func(a, b string) bool { return a == b },
		strings.EqualFold,
	} {
		var out []catalog.Entry
		for _, sys := range systems {
			for _, e := range cat.Entries(sys) {
				if eq(e.Code, q) || eq(e.Name, q) {
					out = append(out, e)
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func searchEntries(cat *catalog.Catalog, systems []string, word string) []catalog.Entry {
	keep := map[string]bool{}
	for _, s := range systems {
		keep[s] = true
	}
	var out []catalog.Entry
	for _, e := range cat.Search(word) {
		if keep[e.System] {
			out = append(out, e)
		}
	}
	return out
}

// writeEntriesJSON writes entries as an indented JSON array.
func writeEntriesJSON(w io.Writer, entries []catalog.Entry) error {
	if entries == nil {
		entries = []catalog.Entry{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(entries); err != nil {
		return writeFailure(err)
	}
	return nil
}

// explainLabelWidth is the width of the field labels ("remediation: ").
const explainLabelWidth = len("remediation:  ")

// writeExplain writes entries as blocks for a person to read: a title line
// (system, code, name) and one line per field, each value wrapped to the
// terminal under the values above it.
func writeExplain(w io.Writer, d textui.Display, query string, entries []catalog.Entry) error {
	var b strings.Builder
	if len(entries) > 1 {
		b.WriteString(d.Paint(textui.Bold, summaryLine(query, entries)))
		b.WriteString("\n\n")
	}
	for i, e := range entries {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(d.Paint(textui.Bold, e.System+" "+e.Code))
		if e.Name != e.Code { // wusp's codes are their names
			b.WriteString(" ")
			b.WriteString(d.Paint(textui.Bold+textui.Cyan, e.Name))
		}
		b.WriteString("\n")
		field := func(label, value string) {
			if value == "" {
				return
			}
			indent := 2 + explainLabelWidth
			lines := textui.Wrap(value, d.Width-indent)
			b.WriteString("  ")
			b.WriteString(d.Paint(textui.Faint, textui.PadRight(label+":", explainLabelWidth)))
			for j, l := range lines {
				if j > 0 {
					b.WriteString("\n" + strings.Repeat(" ", indent))
				}
				b.WriteString(l)
			}
			b.WriteString("\n")
		}
		field("category", d.Paint(textui.CategoryStyle(e.Category), e.Category))
		field("group", e.Group)
		field("message", e.Message)
		field("description", e.Description)
		field("remediation", e.Remediation)
		if e.MessagePrefix != "" {
			field("picked when", fmt.Sprintf("the line's message starts with %q", e.MessagePrefix))
		}
		if !strings.HasPrefix(e.Source, "builtin:") {
			field("defined in", e.Source)
		}
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return writeFailure(err)
	}
	return nil
}

// summaryLine heads a multi-entry answer: how many entries, in which
// systems ("107: 4 entries in 2 systems (backend-services 3, drupal-sdk 1)").
func summaryLine(query string, entries []catalog.Entry) string {
	var order []string
	n := map[string]int{}
	for _, e := range entries {
		if n[e.System] == 0 {
			order = append(order, e.System)
		}
		n[e.System]++
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%s %d", s, n[s])
	}
	systems := "1 system"
	if len(order) > 1 {
		systems = fmt.Sprintf("%d systems", len(order))
	}
	return fmt.Sprintf("%s: %d entries in %s (%s)", query, len(entries), systems, strings.Join(parts, ", "))
}

// shellWord quotes s for a shell command line when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:/=+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
