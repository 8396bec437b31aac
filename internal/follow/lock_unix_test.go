//go:build unix

package follow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStateLocked: a second LoadState of a state file in use is refused
// with the holder's process id, until the first is closed.
func TestStateLocked(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	a, err := LoadState(st)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadState(st)
	if !errors.Is(err, ErrStateLocked) || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("second LoadState: %v, want ErrStateLocked naming process %d", err, os.Getpid())
	}
	a.Close()
	b, err := LoadState(st)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	b.Close()
}
