//go:build linux && unix

package e2e

import (
	"os"
	"syscall"
	"testing"
)

// owner returns the uid and gid of path.
func owner(t *testing.T, path string) (uint32, uint32) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid
}
