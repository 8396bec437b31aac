//go:build unix

package outfile

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives tf, the temporary file for an existing destination whose
// FileInfo is was, was's owner and group, as far as the process may
// (root may give any; others keep the owner only if it is theirs, and the
// group only if they are in it), and returns the mode tf should have. It
// never widens who may do what: the setuid bit is kept only with the
// owner, the setgid bit only with the group, and when the group cannot
// be kept, the group's permissions (now those of the writer's group)
// are no more than the file gave everyone.
func keepOwner(tf *os.File, was fs.FileInfo) fs.FileMode {
	mode := was.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	st, ok := was.Sys().(*syscall.Stat_t)
	if !ok {
		return mode &^ (fs.ModeSetuid | fs.ModeSetgid)
	}
	if tf.Chown(int(st.Uid), int(st.Gid)) != nil {
		tf.Chown(-1, int(st.Gid)) // the group alone, if it may
	}
	var now syscall.Stat_t
	if syscall.Fstat(int(tf.Fd()), &now) != nil {
		now.Uid, now.Gid = ^st.Uid, ^st.Gid // kept neither, as far as known
	}
	ownerKept, groupKept := now.Uid == st.Uid, now.Gid == st.Gid
	if !ownerKept {
		mode &^= fs.ModeSetuid
	}
	if !groupKept {
		mode &^= fs.ModeSetgid
		// The writer's group gets what others had, no more.
		others := mode & 0o007
		mode = mode&^0o070 | (mode&0o070)&(others<<3)
	}
	return mode
}
