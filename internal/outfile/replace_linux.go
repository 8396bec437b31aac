//go:build linux

package outfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// The inode flags of linux/fs.h that forbid a rename over a file
// (chattr +i, chattr +a); golang.org/x/sys/unix does not define them.
const (
	fsImmutableFL = 0x10
	fsAppendFL    = 0x20
)

// Why a destination cannot be replaced, found before anything is written.
var (
	errMounted   = errors.New("it is a mount point (a file mounted over it, as containers mount single files), which only unmounting can replace")
	errImmutable = errors.New("the file is immutable or append-only (chattr +i or +a)")
	errSticky    = errors.New("its directory is sticky (as /tmp is) and neither the directory nor the file is yours")
)

// checkReplaceable returns a *ReplaceError when dest, an existing regular
// file whose FileInfo is fi, is one that no rename can replace, so that the
// run says so before it reads anything: a file mounted over (Docker and
// Kubernetes mount single files so), an immutable or append-only file, or
// a file of another user's in a sticky directory (such as /tmp) not the
// writer's either. What it cannot tell (it cannot read the file's flags)
// it leaves to Commit.
func checkReplaceable(dest string, fi fs.FileInfo) error {
	dir := filepath.Dir(dest)
	var sf, sd unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, dest, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &sf) == nil &&
		unix.Statx(unix.AT_FDCWD, dir, 0, unix.STATX_MNT_ID, &sd) == nil &&
		sf.Mask&sd.Mask&unix.STATX_MNT_ID != 0 && sf.Mnt_id != sd.Mnt_id {
		return &ReplaceError{Dest: dest, Err: errMounted}
	}
	if f, err := os.OpenFile(dest, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0); err == nil {
		flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
		f.Close()
		if err == nil && flags&(fsImmutableFL|fsAppendFL) != 0 {
			return &ReplaceError{Dest: dest, Err: errImmutable}
		}
	}
	euid := uint32(os.Geteuid())
	st, ok := fi.Sys().(*syscall.Stat_t)
	dfi, err := os.Stat(dir)
	if !ok || err != nil || euid == 0 || dfi.Mode()&fs.ModeSticky == 0 {
		return nil
	}
	if dst, ok := dfi.Sys().(*syscall.Stat_t); ok && dst.Uid != euid && st.Uid != euid {
		return &ReplaceError{Dest: dest, Err: errSticky}
	}
	return nil
}
