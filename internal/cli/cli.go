// Package cli is errtag's command line: flags, subcommands, configuration
// loading, signal handling and exit codes. It joins the packages that do the
// work (catalog, rules, matcher, input, stream, output) and holds no
// matching or formatting logic of its own.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

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

// version is what --version prints: Version, or the module version and
// VCS revision from the build info.
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return fmt.Sprintf("%s (%s%s, %s)", v, rev, dirty, bi.GoVersion)
	}
	return fmt.Sprintf("%s (%s)", v, bi.GoVersion)
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func configErr(err error) error { return &exitError{code: ExitConfig, err: err} }

// env is what a command runs against.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// signal, once ctx is done, is the signal that ended the run (0 if
	// none).
	signal func() syscall.Signal
}

// Main runs errtag with args and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop, caught := signalContext()
	defer stop()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, signal: caught}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if s := caught(); s != 0 {
		return 128 + int(s)
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "errtag: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own usage errors (unknown flag, bad value).
	fmt.Fprintf(stderr, "errtag: %v\nRun 'errtag --help' for usage.\n", err)
	return ExitConfig
}

// signalContext returns a context cancelled by SIGINT or SIGTERM, and a
// function telling which signal it was. SIGPIPE is caught too, so that a
// write to a closed pipe returns EPIPE (handled as the end of output) instead
// of killing the process.
func signalContext() (context.Context, func(), func() syscall.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	// The parent's death arrives on ch as SIGTERM (parent.go).
	unwatch := watchParent(ch)
	got := make(chan syscall.Signal, 1)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			got <- s.(syscall.Signal)
			cancel()
		case <-done:
		}
	}()
	var sig syscall.Signal
	caught := func() syscall.Signal {
		if sig != 0 {
			return sig
		}
		select {
		case s := <-got:
			sig = s
		default:
		}
		return sig
	}
	stop := func() {
		unwatch()
		close(done)
		signal.Stop(ch)
		cancel()
	}
	return ctx, stop, caught
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

Compressed input (gzip, zstd) is recognised by its first bytes.`,
		Example: `  tail -f app.log | errtag
  errtag --output json app.log.gz
  errtag --system knox-efota device.log
  errtag --rules my-rules.yaml --catalog my-codes.yaml app.log`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFilter(cmd.Context(), e, o, args)
		},
	}
	o.register(root)
	registerConfigFlag(root)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return applyConfig(cmd) }
	addCommands(root, e)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return configErr(err) })
	return root
}
