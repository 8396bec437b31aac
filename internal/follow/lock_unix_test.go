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

// TestStateThroughSymlink: a state file given through a symbolic link is
// the link's target: a second LoadState through the other name is
// refused, and Save replaces the target, leaving the link a link (also
// when the target did not exist yet).
func TestStateThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "persist"), 0o755); err != nil {
		t.Fatal(err)
	}
	target, link := filepath.Join(dir, "persist", "st.json"), filepath.Join(dir, "st.json")
	if err := os.Symlink(filepath.Join("persist", "st.json"), link); err != nil {
		t.Fatal(err)
	}
	a, err := LoadState(link)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := LoadState(target); !errors.Is(err, ErrStateLocked) {
		t.Fatalf("LoadState of the target while the link is held: %v, want ErrStateLocked", err)
	}
	a.Files["/a.log"] = Position{Offset: 0}
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v %v", fi.Mode(), err)
	}
	b, err := os.ReadFile(target)
	if err != nil || !strings.Contains(string(b), `"/a.log"`) {
		t.Fatalf("target: %q %v", b, err)
	}
}
