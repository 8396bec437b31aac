package follow

import (
	"bytes"
	"cmp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/compress"
)

// rotatedName reports whether name looks like a rotated copy of base. Two
// ways of naming are recognised:
//
//   - base, then '.', '-' or '_', then a digit: app.log.1, app.log-20240501,
//     app.log.1.gz;
//   - logrotate's `extension` way, where base is a stem and an extension
//     that does not start with a digit (app + .log): the stem, then '.', '-' or '_', then a digit and more
//     digits or '.', '-', '_', then the extension, then at most one more
//     extension of letters and digits (a compression's): app.1.log,
//     app.000123.log, app-20240501.log, app-2024-05-01.log, app.1.log.gz.
//
// Only such names are read as lost generations or copies.
func rotatedName(base, name string) bool {
	_, ok := rotationTag(base, name)
	return ok
}

// rotationTag returns what tells a rotated copy of base apart from the
// others (see rotatedName): what follows base and its separator (1,
// 20240501, 1.gz), or what stands between the stem and its separator and
// base's extension, with what follows that extension (1, 000123,
// 20240501, 1.gz).
func rotationTag(base, name string) (string, bool) {
	if len(name) >= len(base)+2 && strings.HasPrefix(name, base) && isSep(name[len(base)]) && isDigit(name[len(base)+1]) {
		return name[len(base)+1:], true
	}
	ext := filepath.Ext(base)
	stem := base[:len(base)-len(ext)]
	if len(ext) < 2 || isDigit(ext[1]) || stem == "" || len(name) < len(base)+2 || !strings.HasPrefix(name, stem) || !isSep(name[len(stem)]) {
		return "", false
	}
	rest := name[len(stem)+1:] // 1.log, 1.log.gz
	i := strings.LastIndex(rest, ext)
	if i < 1 || !isDigit(rest[0]) {
		return "", false
	}
	mid, after := rest[:i], rest[i+len(ext):]
	for j := 0; j < len(mid); j++ {
		if !isDigit(mid[j]) && !isSep(mid[j]) {
			return "", false
		}
	}
	if after != "" && !compressionExt(after) {
		return "", false
	}
	return mid + after, true
}

// schemeOf names the way name is a rotated name of base (see
// rotatedName): "suffix" and the separator after base (app.log.1 and
// app.log.2.gz: "suffix.", app.log-20240501: "suffix-"), or "ext" and the
// separator after the stem (app.1.log: "ext.", app-20240501.log and
// app-2.log: "ext-"); "" when it is none. A rotation scheme names every
// copy one way.
func schemeOf(base, name string) string {
	if len(name) >= len(base)+2 && strings.HasPrefix(name, base) && isSep(name[len(base)]) && isDigit(name[len(base)+1]) {
		return "suffix" + name[len(base):len(base)+1]
	}
	if _, ok := rotationTag(base, name); ok {
		stem := base[:len(base)-len(filepath.Ext(base))]
		return "ext" + name[len(stem):len(stem)+1]
	}
	return ""
}

func isSep(c byte) bool   { return c == '.' || c == '-' || c == '_' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// compressionExt reports whether s is one short extension of letters and
// digits (.gz, .zst, .bz2, .xz, .lz4, .Z): what a compressor appends.
func compressionExt(s string) bool {
	if len(s) < 2 || len(s) > 5 || s[0] != '.' {
		return false
	}
	for j := 1; j < len(s); j++ {
		c := s[j]
		if !isDigit(c) && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
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
	id   FileID
}

// listSiblings lists the regular files in dir whose names are rotated
// names of base, with their FileInfo and identity (following symlinks).
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
		s := sibling{path: p, fi: fi}
		if k, ok := idOf(fi); ok {
			s.id = FileID{Dev: k.dev, Ino: k.ino, BTime: birthTimeAt(p)}
		}
		out = append(out, s)
	}
	return out
}

// stableSiblings is listSiblings repeated until two listings agree (a
// directory read while files are renamed in it may miss one of them); ok
// is false if they never did. tick is called before each listing after
// the first and returns a new round; split is the round taken between the
// two that agree: every file listed had been renamed to its rotated name
// before it (it was in the first of the two), and a file not listed had
// not been renamed to a rotated name before it, else the second would
// have it.
func stableSiblings(dir, base string, tick func() uint64) (list []sibling, ok bool, split uint64) {
	list = listSiblings(dir, base)
	for range 5 {
		r := tick()
		again := listSiblings(dir, base)
		if sameListing(list, again) {
			return again, true, r
		}
		list = again
	}
	return list, false, 0
}

func sameListing(a, b []sibling) bool {
	return slices.EqualFunc(a, b, func(x, y sibling) bool { return x.path == y.path && os.SameFile(x.fi, y.fi) })
}

// numericSuffix returns N for a rotated copy of base numbered N: base.N
// (or base-N, base_N), or stem.N.ext (stem-N.ext, stem_N.ext) where base
// is stem.ext, with N all digits (a compressed copy has no number).
func numericSuffix(base, name string) (int, bool) {
	tag, ok := rotationTag(base, name)
	if !ok {
		return 0, false
	}
	for j := 0; j < len(tag); j++ {
		if !isDigit(tag[j]) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(tag)
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

// Age. The generations of one name leave it one after the other (renamed
// away, or deleted), so the order in which they left is their order of
// age. The follower's looks are numbered (Follower.round), and each
// generation carries what the looks proved about when it left:
//
//   - goneBy: it had left by that round: the name was seen holding another
//     file (leftAt), or a listing found it under a rotated name (foundAt);
//   - stayedAt: it had not left yet at that round: the name was seen
//     holding it (lastAt), or a listing that held still did not have it
//     (absentAt), counted once it was found under a rotated name later or
//     while it still has a link (a file deleted from the name is in no
//     listing, whenever it left);
//   - a generation seen at the name was there at seq, so every generation
//     that had not left by then came after it.
//
// Where these say nothing (the two may have left in either order between
// the same two looks), creation time, modification time, name and inode
// number decide (olderByTime).

// goneBy is the round by which g had left the name (0: not known).
func (g *gen) goneBy() uint64 {
	if g.atName && g.leftAt != 0 && (g.foundAt == 0 || g.leftAt < g.foundAt) {
		return g.leftAt
	}
	return g.foundAt
}

// stayedAt is the last round at which g is known not to have left the
// name (0: none).
func (g *gen) stayedAt() uint64 {
	var at uint64
	if g.atName {
		at = max(g.seq, g.lastAt)
	}
	if g.absentAt > at && (g.foundAt != 0 || g.nlink > 0) {
		at = g.absentAt
	}
	return at
}

// knownOlder reports whether the looks prove a older than b: a had left
// the name when b had not yet, or a was at the name when b had not left
// it yet (b cannot have left before a came).
func knownOlder(a, b *gen) bool {
	stay := b.stayedAt()
	if stay == 0 {
		return false
	}
	if gone := a.goneBy(); gone != 0 && gone <= stay {
		return true
	}
	return a.atName && a.seq != 0 && a.seq <= stay
}

// olderByTime orders two generations whose order the looks did not tell:
// by creation time, modification time, name (rotated copies; see
// olderByName) and inode number (allocated upwards by most file systems).
func olderByTime(base string, numbers int, a, b *gen) int {
	if a.id.BTime != 0 && b.id.BTime != 0 && a.id.BTime != b.id.BTime {
		if a.id.BTime < b.id.BTime {
			return -1
		}
		return 1
	}
	if c := a.mtime.Compare(b.mtime); c != 0 {
		return c
	}
	if !a.atName && !b.atName {
		if c := olderByName(base, a.path, b.path, numbers); c != 0 {
			return c
		}
	}
	switch {
	case a.id.Ino < b.id.Ino:
		return -1
	case a.id.Ino > b.id.Ino:
		return 1
	}
	return 0
}

// numbersByTime tells, when the looks did not, how numbered copies are
// named from the copies among gens that their times order (created or
// modified in different ticks of the file clock): -1 if in every such pair
// the older has the higher number (they shift: app.log.1 is the newest), 1
// if in every one it has the lower, 0 if none tells or they disagree. The
// copies made within one tick are then ordered the way the others are.
func numbersByTime(base string, gens []*gen) int {
	shift, up := 0, 0
	for i, a := range gens {
		na, ok := numericSuffix(base, filepath.Base(a.path))
		if !ok {
			continue
		}
		for _, b := range gens[i+1:] {
			nb, ok := numericSuffix(base, filepath.Base(b.path))
			if !ok || na == nb {
				continue
			}
			c := 0
			switch {
			case a.id.BTime != 0 && b.id.BTime != 0 && a.id.BTime != b.id.BTime:
				c = cmp.Compare(a.id.BTime, b.id.BTime)
			default:
				c = a.mtime.Compare(b.mtime)
			}
			switch {
			case c == 0:
			case (c < 0) == (na > nb):
				shift++
			default:
				up++
			}
		}
	}
	switch {
	case shift > 0 && up == 0:
		return -1
	case up > 0 && shift == 0:
		return 1
	}
	return 0
}

// order puts generations in order of age, oldest first: every order the
// looks proved is kept (see knownOlder), and among the generations whose
// elders are all placed, the oldest by time comes next. Looks that
// contradict each other (a name that came back) are ignored.
func order(base string, numbers int, gens []*gen) []*gen {
	if numbers == 0 {
		numbers = numbersByTime(base, gens)
	}
	n := len(gens)
	older := make([]bool, n*n) // older[i*n+j]: i is proved older than j
	elders := make([]int, n)
	for i, a := range gens {
		for j, b := range gens {
			if i != j && knownOlder(a, b) && !knownOlder(b, a) {
				older[i*n+j] = true
				elders[j]++
			}
		}
	}
	out := make([]*gen, 0, n)
	placed := make([]bool, n)
	for len(out) < n {
		next := -1
		for pass := 0; next < 0; pass++ {
			// pass 0: generations whose elders are all placed;
			// pass 1 (never, unless the looks contradict each
			// other): any.
			for i, g := range gens {
				if !placed[i] && (elders[i] == 0 || pass > 0) && (next < 0 || olderByTime(base, numbers, g, gens[next]) < 0) {
					next = i
				}
			}
		}
		placed[next] = true
		out = append(out, gens[next])
		for j := range gens {
			if older[next*n+j] {
				elders[j]--
			}
		}
	}
	return out
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
