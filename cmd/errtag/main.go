// Command errtag annotates the error codes in log streams with their name,
// category, vendor message and remediation. See README.md.
//
// This file is the process around the command: it hands internal/cli the
// standard streams, the stop signals, the terminal and the environment
// (internal/lifecycle, internal/textui), and turns its result into the exit
// status.
package main

import (
	"os"

	"github.com/errtag/errtag/internal/cli"
	"github.com/errtag/errtag/internal/lifecycle"
	"github.com/errtag/errtag/internal/textui"
)

func main() {
	sigs, stop := lifecycle.Signals()
	code := cli.Main(os.Args[1:], cli.Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Signals:     sigs,
		Exit:        os.Exit,
		Getenv:      os.Getenv,
		Display:     textui.For,
		LimitMemory: lifecycle.LimitMemory,
	})
	stop()
	os.Exit(code)
}
