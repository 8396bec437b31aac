package lifecycle

import (
	"os"
	"runtime/debug"
)

// baseMemory is the memory errtag aims to stay within, besides the lines it
// holds whole (--max-line): the compiled rules and catalogs, the chunks in
// flight between reader, workers and writer, and their output.
const baseMemory = 40 << 20

// LimitMemory sets Go's soft memory limit so that the garbage collector
// works harder instead of letting the heap double between collections:
// peak memory then stays near baseMemory plus a few lines of maxLine bytes
// (a line is held, copied into a chunk, and written out). A GOMEMLIMIT set
// by the user wins.
func LimitMemory(maxLine int) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(baseMemory + 3*int64(maxLine))
}
