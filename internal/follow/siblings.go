package follow

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// rotatedName reports whether name looks like a rotated copy of base:
// base, then '.', '-' or '_', then a digit (app.log.1, app.log-20240501,
// app.log.1.gz). Only such names are read as lost generations or copies.
func rotatedName(base, name string) bool {
	if len(name) < len(base)+2 || !strings.HasPrefix(name, base) {
		return false
	}
	sep, d := name[len(base)], name[len(base)+1]
	return strings.IndexByte(".-_", sep) >= 0 && '0' <= d && d <= '9'
}

// siblings lists the files in f's directory (other than f's name) whose
// names pass keep, with their FileInfo (following symlinks).
func siblings(f *file, keep func(name string) bool) ([]string, []os.FileInfo) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, nil
	}
	var paths []string
	var infos []os.FileInfo
	for _, e := range entries {
		if e.Name() == f.base || !keep(e.Name()) {
			continue
		}
		p := filepath.Join(f.dir, e.Name())
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		paths = append(paths, p)
		infos = append(infos, fi)
	}
	return paths, infos
}

// findSibling returns, opened, the most recently modified rotated copy of
// f that is not the file not, has at least size bytes and passes match.
func (fl *Follower) findSibling(f *file, not os.FileInfo, size int64, match func(*gen) bool) *gen {
	paths, infos := siblings(f, func(n string) bool { return rotatedName(f.base, n) })
	var best *gen
	for i, p := range paths {
		if os.SameFile(infos[i], not) || infos[i].Size() < size {
			continue
		}
		c, err := openGen(p)
		if err != nil {
			continue
		}
		if !match(c) || (best != nil && !c.fi.ModTime().After(best.fi.ModTime())) {
			c.close()
			continue
		}
		best.close()
		best = c
	}
	return best
}

// findByID returns, opened, the file in f's directory (under any name) that
// p was taken of, if it is still there with the same first bytes.
func (fl *Follower) findByID(f *file, p Position) *gen {
	if p.Dev == 0 && p.Ino == 0 {
		return nil
	}
	paths, infos := siblings(f, func(string) bool { return true })
	for i, path := range paths {
		dev, ino, ok := fileID(infos[i])
		if !ok || dev != p.Dev || ino != p.Ino || infos[i].Size() < p.Offset {
			continue
		}
		g, err := openGen(path)
		if err != nil {
			continue
		}
		if samePos(g, p) && headSum(g.f, p.HeadLen) == p.HeadSHA256 {
			return g
		}
		g.close()
	}
	return nil
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	bzipMagic = []byte("BZh")
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0}
)

func compressed(g *gen) bool {
	b := make([]byte, 6)
	n, _ := g.f.ReadAt(b, 0)
	b = b[:n]
	for _, m := range [][]byte{gzipMagic, zstdMagic, bzipMagic, xzMagic} {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	return false
}

// missed returns, opened and oldest first, the generations of f that were
// created and rotated away while the old generation (last written at
// since) was current: rotated copies of the name, not empty, not
// compressed, never read, not next, and written no earlier than since (the
// writer wrote them after the old one). File times may be coarse (a clock
// tick): a file older than the old generation but written within the same
// tick and never read would be taken too, so generations already read are
// remembered.
//
// After a copytruncate, the same search finds copies made by later
// copytruncates before the follower noticed the first (since is then the
// copy's time, next the live file). A copy that starts like the live file
// (made, but the file not truncated yet) is left for its truncation.
func (fl *Follower) missed(f *file, since time.Time, next *gen) []*gen {
	paths, infos := siblings(f, func(n string) bool { return rotatedName(f.base, n) })
	live := make([]byte, 64)
	n, _ := next.f.ReadAt(live, 0)
	live = live[:n]
	var found []*gen
	for i, p := range paths {
		fi := infos[i]
		if fi.Size() == 0 || fi.ModTime().Before(since) || os.SameFile(fi, next.fi) || f.wasSeen(fi) {
			continue
		}
		g, err := openGen(p)
		if err != nil {
			continue
		}
		if compressed(g) || (len(live) > 0 && hasAt(g.f, 0, live)) {
			g.close()
			continue
		}
		found = append(found, g)
	}
	slices.SortStableFunc(found, func(a, b *gen) int {
		if c := a.fi.ModTime().Compare(b.fi.ModTime()); c != 0 {
			return c
		}
		_, ia, _ := fileID(a.fi)
		_, ib, _ := fileID(b.fi)
		switch {
		case ia < ib:
			return -1
		case ia > ib:
			return 1
		}
		return 0
	})
	return found
}
