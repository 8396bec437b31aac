package cli

import "github.com/spf13/cobra"

// addCommands adds errtag's subcommands to root. Each subcommand lives in a
// file of its own with a constructor taking the env.
func addCommands(root *cobra.Command, e *env) {
	root.AddCommand(
		newTestCmd(e),
		newExplainCmd(e),
		newCatalogCmd(e),
		newStatsCmd(e),
	// subcommands: add yours above this line
	)
}
