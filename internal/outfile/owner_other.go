//go:build !unix

package outfile

import (
	"io/fs"
	"os"
)

// keepOwner returns the permissions of was: there are no owners to keep
// here.
func keepOwner(_ *os.File, was fs.FileInfo) fs.FileMode { return was.Mode().Perm() }
