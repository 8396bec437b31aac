// Command errtag annotates the error codes in log streams with their name,
// category, vendor message and remediation. See README.md.
package main

import (
	"os"

	"github.com/errtag/errtag/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
