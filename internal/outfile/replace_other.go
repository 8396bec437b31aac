//go:build !linux

package outfile

import "io/fs"

// checkReplaceable finds nothing in advance here: Commit says when a
// destination cannot be replaced.
func checkReplaceable(string, fs.FileInfo) error { return nil }
