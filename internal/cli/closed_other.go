//go:build !unix

package cli

import "os"

// stdoutClosed is false here: a closed standard output makes writes fail,
// which is reported as it is.
func stdoutClosed(*os.File) bool { return false }
