package follow

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/compress"
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

// magics are the first bytes of the compressed formats errtag does not
// decode (gzip and zstd are told by package compress).
var magics = []struct {
	name  string
	magic []byte
}{
	{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0}},
	{"lz4", []byte{0x04, 0x22, 0x4d, 0x18}},
}

// bzip2RE is a bzip2 stream's start: its magic, a block size, a block's
// magic.
var bzip2RE = regexp.MustCompile(`^BZh[1-9]1AY&SY`)

// headProbe is how much of a file's start is looked at to tell whether it
// is compressed.
const headProbe = 64 << 10

// compression names the compression of head, a file's first bytes (all of
// it when final), or "": gzip and zstd when head's header is theirs (a
// text that merely starts like them is text, as batch mode reads it), or
// claims to while too short to tell; bzip2, xz and lz4 by their magic
// numbers.
func compression(head []byte, final bool) string {
	switch c, more, _ := compress.Probe(head, final); {
	case c != compress.None:
		return c.String()
	case more && compress.Detect(head) != compress.None:
		return compress.Detect(head).String()
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) {
			return m.name
		}
	}
	if bzip2RE.Match(head) {
		return "bzip2"
	}
	return ""
}

// compressionOf reads f's first bytes and names their compression.
func compressionOf(f *os.File) string {
	b := make([]byte, headProbe)
	n, _ := f.ReadAt(b, 0)
	return compression(b[:n], n < len(b))
}

// sibling is a rotated-looking file in a followed file's directory.
type sibling struct {
	path string
	fi   os.FileInfo
}

// listSiblings lists the regular files in dir whose names are rotated
// names of base, with their FileInfo (following symlinks).
func listSiblings(dir, base string) []sibling {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []sibling
	for _, e := range entries {
		if !rotatedName(base, e.Name()) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		out = append(out, sibling{p, fi})
	}
	return out
}

// stableSiblings is listSiblings repeated until two listings agree (a
// directory read while files are renamed in it may miss one of them); ok
// is false if they never did.
func stableSiblings(dir, base string) (list []sibling, ok bool) {
	list = listSiblings(dir, base)
	for range 5 {
		again := listSiblings(dir, base)
		if sameListing(list, again) {
			return again, true
		}
		list = again
	}
	return list, false
}

func sameListing(a, b []sibling) bool {
	return slices.EqualFunc(a, b, func(x, y sibling) bool { return x.path == y.path && os.SameFile(x.fi, y.fi) })
}

// numericSuffix returns N for base.N (or base-N, base_N) with N all digits.
func numericSuffix(base, name string) (int, bool) {
	if !rotatedName(base, name) {
		return 0, false
	}
	n, err := strconv.Atoi(name[len(base)+1:])
	return n, err == nil
}

// olderByName orders two rotated copies of base by name alone, for when
// their times cannot. Numbered copies either shift upwards (logrotate:
// app.log.1 is the newest; numbers is -1) or take the next number
// (numbers is 1); numbers is 0 when the directory did not tell, and the
// next number is assumed: logrotate's copies are minutes apart, so their
// times tell, while copies made within one tick of the file clock come
// from a writer numbering upwards. Other names (dates) sort as strings.
func olderByName(base, a, b string, numbers int) int {
	na, oka := numericSuffix(base, filepath.Base(a))
	nb, okb := numericSuffix(base, filepath.Base(b))
	if oka && okb && na != nb {
		if (na > nb) == (numbers >= 0) {
			return 1
		}
		return -1
	}
	return strings.Compare(a, b)
}

// compareGens orders generations found as rotated copies (not seen at the
// name): those found in an earlier look first (they were rotated away
// earlier), then by creation time, modification time, name (see
// olderByName) and inode number (allocated upwards by most file
// systems).
func compareGens(base string, numbers int, a, b *gen) int {
	if a.seq != b.seq && !a.uncertain && !b.uncertain {
		if a.seq < b.seq {
			return -1
		}
		return 1
	}
	if a.id.BTime != 0 && b.id.BTime != 0 && a.id.BTime != b.id.BTime {
		if a.id.BTime < b.id.BTime {
			return -1
		}
		return 1
	}
	if c := a.mtime.Compare(b.mtime); c != 0 {
		return c
	}
	if c := olderByName(base, a.path, b.path, numbers); c != 0 {
		return c
	}
	switch {
	case a.id.Ino < b.id.Ino:
		return -1
	case a.id.Ino > b.id.Ino:
		return 1
	}
	return 0
}

// olderThanNameGen reports whether s, found as a rotated copy, is older than
// n, a generation found at the name.
func olderThanNameGen(s, n *gen) bool {
	switch {
	case s.uncertain:
	case s.seq < n.seq:
		// s had left the name before n was seen there.
		return true
	case n.leftAt == 0 || n.leftAt > s.seq:
		// n was still at the name when s was found rotated away.
		return true
	}
	if s.id.BTime != 0 && n.id.BTime != 0 && s.id.BTime != n.id.BTime {
		return s.id.BTime < n.id.BTime
	}
	if !s.mtime.Equal(n.mtime) {
		return s.mtime.Before(n.mtime)
	}
	return s.id.Ino < n.id.Ino
}

// order merges generations found at the name (in the order seen) and
// rotated copies into one sequence, oldest first.
func order(base string, numbers int, gens []*gen) []*gen {
	var names, sibs []*gen
	for _, g := range gens {
		if g.atName {
			names = append(names, g)
		} else {
			sibs = append(sibs, g)
		}
	}
	slices.SortStableFunc(sibs, func(a, b *gen) int { return compareGens(base, numbers, a, b) })
	out := make([]*gen, 0, len(gens))
	i := 0
	for _, n := range names {
		for i < len(sibs) && olderThanNameGen(sibs[i], n) {
			out = append(out, sibs[i])
			i++
		}
		out = append(out, n)
	}
	return append(out, sibs[i:]...)
}

// heldBy reports whether live holds c's content at the same offsets (c is
// a copy made of live that was not truncated yet): its first bytes and the
// bytes before its end.
func heldBy(c *gen, live *os.File, liveSize int64) bool {
	if c.size == 0 || liveSize < c.size {
		return c.size == 0
	}
	head := make([]byte, min(c.size, headMax))
	if !readFull(c.f, head, 0) || !hasAt(live, 0, head) {
		return false
	}
	n := min(c.size, markMax)
	tail := make([]byte, n)
	return readFull(c.f, tail, c.size-n) && hasAt(live, c.size-n, tail)
}
