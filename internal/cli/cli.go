// Package cli is errtag's command line: flags, subcommands, configuration,
// what each command reads and writes, what a stop signal does to a run, and
// exit codes. It builds what a run matches with through the front door
// (errtag.New), joins the packages that do the work (input, stream,
// output, stats) and holds no matching or formatting logic of its own. What the process provides (signals, the
// terminal, the environment, the memory limit) comes in through Env, from
// cmd/errtag and internal/lifecycle.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/errtag/errtag/internal/textui"
	"github.com/spf13/cobra"
)

// Exit codes, as documented in the README.
const (
	ExitOK     = 0
	ExitInput  = 1 // an input could not be read, or output could not be written
	ExitConfig = 2 // bad usage, rule or catalog file
)

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3";
// otherwise version() reads what the Go toolchain recorded.
var Version = ""

// version is what --version prints: Version, or what the build info says.
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	return versionFrom(bi, ok)
}

// versionFrom says which errtag bi is: the module version that go install
// module@version records (v1.2.3), or "devel" for a build from a source
// tree, with the VCS revision, its time and whether the tree was modified
// when the build recorded them; and the Go version.
func versionFrom(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "devel (no build information)"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var details []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		details = append(details, "revision "+rev)
		if modified {
			details = append(details, "modified")
		}
		if when != "" {
			details = append(details, when)
		}
	} else if v == "devel" {
		details = append(details, "built without version control information")
	}
	details = append(details, bi.GoVersion)
	return fmt.Sprintf("%s (%s)", v, strings.Join(details, ", "))
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

// Error is the message, "" when the failure has been reported already
// (err is nil: the exit code says the rest).
func (e *exitError) Error() string {
	if e == nil || e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.err
}

func configErr(err error) error { return &exitError{code: ExitConfig, err: err} }

// Env is what errtag runs against: its standard streams, and what the
// process around it provides. Main touches nothing of the process beyond
// it, so that tests can run errtag in-process; a nil field means the
// process provides nothing there.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Signals delivers the signals that stop errtag (see
	// lifecycle.Signals). The first ends the run once everything read has
	// been written; a second ends it at once, through Exit.
	Signals <-chan os.Signal
	// Exit ends the process with a code, at once. A second signal calls
	// it after saying on Stderr what could not be written; without Exit, a
	// second signal does nothing more than the first.
	Exit func(code int)
	// Getenv reads an environment variable (ERRTAG_CONFIG).
	Getenv func(key string) string
	// Display says how to render human output on a writer: colours, and
	// a terminal's width (textui.For). Without it all output is plain.
	Display func(w io.Writer) textui.Display
	// LimitMemory sets the process's memory limit for a run that holds
	// lines of up to maxLine bytes whole (lifecycle.LimitMemory).
	LimitMemory func(maxLine int)
}

// env is what a command runs against: the Env, with defaults for what it
// leaves out, and the ledger of the run for a second signal's report.
type env struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
	display func(io.Writer) textui.Display
	// baseDisplay is Env.Display; display is it as --color says.
	baseDisplay func(io.Writer) textui.Display
	// color is --color: auto, always or never.
	color       string
	limitMemory func(int)
	ledger      *ledger
	// config is what the config file (--config) gives besides flags.
	config configState
}

func newEnv(e Env) *env {
	ne := &env{stdin: e.Stdin, stdout: e.Stdout, stderr: e.Stderr, getenv: e.Getenv,
		display: e.Display, limitMemory: e.LimitMemory, ledger: newLedger()}
	if ne.stdin == nil {
		ne.stdin = strings.NewReader("")
	}
	if ne.stdout == nil {
		ne.stdout = io.Discard
	}
	if ne.stderr == nil {
		ne.stderr = io.Discard
	}
	if ne.getenv == nil {
		ne.getenv = func(string) string { return "" }
	}
	if ne.display == nil {
		ne.display = func(io.Writer) textui.Display { return textui.Display{} }
	}
	ne.baseDisplay, ne.color = ne.display, "auto"
	if ne.limitMemory == nil {
		ne.limitMemory = func(int) {}
	}
	return ne
}

// Main runs errtag with args and returns the process exit code.
func Main(args []string, pe Env) int {
	e := newEnv(pe)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := watchSignals(pe.Signals, cancel, func(s os.Signal) {
		if pe.Exit != nil {
			e.abort(s, pe.Exit)
		}
	})
	defer stop.end()
	root := newRoot(e)
	if len(args) == 1 && args[0] == "-h" {
		// errtag -h alone: there are no file names for -h
		// (--no-filename) to leave out, so it is the habit of every
		// other tool: help.
		args = []string{"--help"}
	}
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(ctx)
	if s := stop.first(); s != 0 {
		return 128 + s
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(e.stderr, "errtag: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own usage errors (unknown flag, bad value).
	fmt.Fprintf(e.stderr, "errtag: %v\nRun 'errtag --help' for usage.\n", err)
	return ExitConfig
}

func newRoot(e *env) *cobra.Command {
	o := &runOptions{}
	root := &cobra.Command{
		Use:   "errtag [flags] [FILE...]",
		Short: "Annotate error codes in log streams",
		Long: `errtag reads log lines (from FILEs, or standard input when none is given),
finds the error codes they carry, looks each one up in its catalog, and writes
every line back out: annotated with the error's name, category, vendor message
and remediation where a code was found, byte-identical where none was.

Compressed input (gzip, zstd) is recognised by its first bytes.

grep's habits work, with an annotation in the place of grep's match: -a
writes only the annotated lines, -v only the others, -c counts them, -l and
-L name the files with and without one, -q only sets the exit status, -H
and -h add and leave out file names. So -v and -h are not --version and
--help here: those are --version (-V) and --help (and errtag -h alone).`,
		Example: `  tail -f app.log | errtag
  errtag -f app.log                  # follow it like tail -F, through rotation
  errtag -a -H app-*.log.gz          # only the annotated lines, like grep
  errtag --format json app.log.gz | jq -c '.errtag[]?'
  errtag -c app-*.log.gz             # annotated lines per file, like grep -c
  errtag -l app-*.log.gz             # the files with an annotated line, like grep -l
  errtag --system knox-efota device.log
  errtag --rules my-rules.yaml --catalog my-codes.yaml app.log`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 {
				// After --, every argument is a file.
				if err := checkNotCommand(cmd, args); err != nil {
					return err
				}
			}
			if err := noteRenamed(cmd, e); err != nil {
				return err
			}
			if err := resolveJSON(cmd, e, &o.format, o.asJSON); err != nil {
				return err
			}
			o.formatGiven = givenAs(cmd.Flags(), "format") || o.asJSON
			return runFilter(cmd.Context(), e, o, args)
		},
	}
	o.register(root)
	registerRenamed(root)
	registerConfigFlag(root)
	registerColorFlag(root)
	root.PersistentFlags().BoolP("version", "V", false, "print errtag's version")
	// -h is grep's --no-filename here; --help has no short form (but
	// errtag -h alone is help, see Main).
	root.Flags().Bool("help", false, "help for errtag (also errtag -h, alone)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if shown, err := showVersion(cmd, e); shown || err != nil {
			return err
		}
		if err := applyConfig(cmd, e); err != nil {
			return err
		}
		return applyColor(cmd, e)
	}
	markReadsLogs(root)
	addCommands(root, e)
	// The completion command takes its writer when it is made.
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	addHelpAndCompletion(root)
	versionEverywhere(root)
	registerCompletions(root)
	guardFlags(root)
	root.SetFlagErrorFunc(flagError)
	return root
}

// versionEverywhere lets --version through every command's argument
// checks, which come before the command's own run (and showVersion).
func versionEverywhere(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if args := c.Args; args != nil {
			c.Args = func(cmd *cobra.Command, a []string) error {
				if v, _ := cmd.Flags().GetBool("version"); v {
					return nil
				}
				return args(cmd, a)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// showVersion prints the version when --version (-V) was given to a
// command other than the root (cobra prints the root's): errtag stats
// --version says which errtag it is too. shown ends the command.
func showVersion(cmd *cobra.Command, e *env) (shown bool, err error) {
	if v, _ := cmd.Flags().GetBool("version"); !v {
		return false, nil
	}
	if _, err := fmt.Fprintf(e.stdout, "errtag version %s\n", version()); err != nil {
		return true, writeFailure(err)
	}
	return true, &exitError{code: ExitOK}
}
