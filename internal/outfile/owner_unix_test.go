//go:build unix

package outfile

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// TestKeepOwner: an existing destination keeps its owner, group and
// special bits (as far as the process may give them: run as root, any).
func TestKeepOwner(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux to give a file another owner")
	}
	dest := filepath.Join(t.TempDir(), "owned.log")
	os.WriteFile(dest, []byte("old\n"), 0o644)
	if err := os.Chown(dest, 104, 4); err != nil {
		t.Skip(err)
	}
	os.Chmod(dest, 0o640|os.ModeSetuid|os.ModeSetgid)
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 104 || st.Gid != 4 {
		t.Errorf("owner %d:%d, want 104:4", st.Uid, st.Gid)
	}
	if want := 0o640 | os.ModeSetuid | os.ModeSetgid; fi.Mode() != want {
		t.Errorf("mode %v, want %v", fi.Mode(), want)
	}
}

// TestKeepOwnerNarrows: when the group cannot be kept, the group bits
// become no more than others had, and set-id bits without their owner or
// group go.
func TestKeepOwnerNarrows(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("Linux")
	}
	dir := t.TempDir()
	dest := filepath.Join(dir, "x.log")
	os.WriteFile(dest, nil, 0o664)
	fi, _ := os.Stat(dest)
	tf, err := os.CreateTemp(dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	// A FileInfo whose owner and group no process can give: nobody's
	// uid and a group that does not exist, as a non-root writer meets
	// another user's file.
	st := *fi.Sys().(*syscall.Stat_t)
	st.Uid, st.Gid = 1<<31-3, 1<<31-3
	was := fakeInfo{FileInfo: fi, mode: 0o664 | os.ModeSetuid | os.ModeSetgid, sys: &st}
	if os.Geteuid() == 0 {
		// root may give even these: keepOwner keeps them, as it should.
		if m := keepOwner(tf, was); m != was.mode {
			t.Errorf("root: mode %v, want %v", m, was.mode)
		}
		return
	}
	if m := keepOwner(tf, was); m != 0o644 {
		t.Errorf("mode %v, want 0644 (group as others, no set-id bits)", m)
	}
}

type fakeInfo struct {
	os.FileInfo
	mode os.FileMode
	sys  any
}

func (f fakeInfo) Mode() os.FileMode { return f.mode }
func (f fakeInfo) Sys() any          { return f.sys }
