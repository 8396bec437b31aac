package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// addHelpAndCompletion adds cobra's help and completion commands to root
// now (cobra adds them when a command runs), and makes them refuse what
// they do not know instead of printing help with exit 0: errtag help
// explian says "did you mean explain?", errtag completion bsh exits 2
// (source <(errtag completion bsh) would have sourced help text).
func addHelpAndCompletion(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Run = nil
			c.RunE = func(c *cobra.Command, args []string) error { return runHelp(root, args) }
		case "completion":
			c.Long = `completion writes the script that completes errtag's commands, flags and
flag values (--system, --format, --fields, --color) in a shell: bash, zsh,
fish or powershell. bash needs the bash-completion package (on Debian and
Ubuntu: apt install bash-completion); without it, the script fails with
"_get_comp_words_by_ref: command not found".

  source <(errtag completion bash)     # in ~/.bashrc
  errtag completion zsh > "${fpath[1]}/_errtag"
  errtag completion fish > ~/.config/fish/completions/errtag.fish`
			c.Args = subcommandArgs
			c.RunE = func(c *cobra.Command, args []string) error {
				return configErr(fmt.Errorf("completion: name the shell: %s (errtag completion bash)", wordList(commandNames(c), "or")))
			}
			if bash := findCommand(c, "bash"); bash != nil {
				bash.Run = nil
				bash.RunE = func(cmd *cobra.Command, _ []string) error {
					noDesc, _ := cmd.Flags().GetBool("no-descriptions")
					return writeBashCompletion(root, cmd.OutOrStdout(), !noDesc)
				}
			}
		}
	}
}

// writeBashCompletion writes cobra's bash completion script for root, with
// one change: bash's printf %q, which the script quotes completions with,
// escapes commas (code\,name), though a comma means nothing to bash outside
// braces (which %q escapes too), so the script takes the backslash out
// again: --fields code,na<TAB> gives code,name.
func writeBashCompletion(root *cobra.Command, w io.Writer, descriptions bool) error {
	var b bytes.Buffer
	if err := root.GenBashCompletionV2(&b, descriptions); err != nil {
		return err
	}
	call := fmt.Sprintf("    __%s_process_completion_results\n}", root.Name())
	script := strings.Replace(b.String(), call, fmt.Sprintf("    __%s_process_completion_results\n"+
		"    # errtag: no backslash before a comma (--fields code,name): outside braces it is plain\n"+
		"    COMPREPLY=(\"${COMPREPLY[@]//\\\\,/,}\")\n}", root.Name()), 1)
	if _, err := io.WriteString(w, script); err != nil {
		return writeFailure(err)
	}
	return nil
}

// runHelp is errtag help [COMMAND...]: the help of the command named, or
// a usage error that says which command was meant.
func runHelp(root *cobra.Command, args []string) error {
	cmd := root
	for _, a := range args {
		next := findCommand(cmd, a)
		if next == nil {
			names := commandNames(cmd)
			msg := fmt.Sprintf("errtag help %s: %s has no command %q", strings.Join(args, " "), cmd.CommandPath(), a)
			if s := closest(a, names); s != "" {
				msg += fmt.Sprintf(": did you mean %q? (errtag help %s)", s, strings.TrimSpace(strings.TrimPrefix(cmd.CommandPath()+" "+s, root.Name())))
			} else {
				msg += "; its commands are " + wordList(names, "and")
			}
			return configErr(errors.New(msg))
		}
		cmd = next
	}
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	return cmd.Help()
}

// findCommand returns the command of parent named name (or an alias), or
// nil.
func findCommand(parent *cobra.Command, name string) *cobra.Command {
	for _, c := range parent.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}

// commandNames are the names of cmd's commands that a person would type.
func commandNames(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
		}
	}
	return names
}
