//go:build !linux

package follow

import "os"

// birthTime is 0 here: creation times are not read on this platform (see
// the linux version for what they are used for).
func birthTime(*os.File) int64 { return 0 }
