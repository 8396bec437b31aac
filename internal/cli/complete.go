package cli

import (
	"strings"

	"github.com/errtag/errtag/internal/importer"
	"github.com/errtag/errtag/internal/output"
	"github.com/spf13/cobra"
)

// Shell completion: cobra's completion command writes the script (errtag
// completion bash|zsh|fish|powershell); the functions here complete flag
// values: systems, formats, fields, colours.

// completeSystems completes --system with the systems of the catalog,
// those of the --catalog files given so far included.
func completeSystems(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	files, _ := cmd.Flags().GetStringArray("catalog") // none if no such flag
	cat, err := loadCatalogs(files)
	if err != nil {
		cat, err = loadCatalogs(nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
	}
	return cat.Systems(), cobra.ShellCompDirectiveNoFileComp
}

// fixed completes a flag with a fixed list of values.
func fixed(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFields completes --fields, a comma-separated list: the fields
// not yet in it, after what was typed up to the last comma.
func completeFields(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	head, given := "", map[string]bool{}
	if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
		head = toComplete[:i+1]
		for _, f := range strings.Split(toComplete[:i], ",") {
			given[f] = true
		}
	}
	var out []string
	for _, f := range output.AllFields() {
		if !given[string(f)] {
			out = append(out, head+string(f))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// registerCompletions adds the value completions to every command that has
// the flags.
func registerCompletions(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		reg := func(flag string, fn cobra.CompletionFunc) {
			if c.Flags().Lookup(flag) != nil {
				c.RegisterFlagCompletionFunc(flag, fn)
			}
		}
		reg("system", completeSystems)
		reg("fields", completeFields)
		switch c.CommandPath() {
		case "errtag":
			reg("format", fixed(string(output.Auto), string(output.JSON)))
			reg("output", fixed(string(output.Auto), string(output.JSON)))
		case "errtag catalog", "errtag catalog systems":
			reg("format", fixed("table", "json", "csv"))
		case "errtag stats", "errtag test":
			reg("format", fixed("text", "json"))
		case "errtag catalog import":
			reg("from", fixed(importer.Formats()...))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	root.RegisterFlagCompletionFunc("color", fixed("auto", "always", "never"))
}

// completeExplain completes explain's arguments: explain parses its own
// flags (for negative codes), so cobra hands it the values of its flags
// too.
func completeExplain(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		switch args[len(args)-1] {
		case "--system":
			return completeSystems(cmd, args, toComplete)
		case "--color":
			return fixed("auto", "always", "never")(cmd, args, toComplete)
		case "--format":
			return fixed("text", "json")(cmd, args, toComplete)
		case "--catalog", "--config":
			return nil, cobra.ShellCompDirectiveDefault
		}
	}
	if strings.HasPrefix(toComplete, "--") {
		return []string{"--system", "--catalog", "--search", "--format", "--json", "--color", "--config", "--help"}, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}
