//go:build !linux

package follow

import "os"

// birthTime is 0 here: creation times are not read on this platform (see
// the linux version for what they are used for).
func birthTime(*os.File) int64 { return 0 }

// birthTimeAt is 0 here, as birthTime is.
func birthTimeAt(string) int64 { return 0 }
