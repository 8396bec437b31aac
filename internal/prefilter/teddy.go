package prefilter

import (
	"math/bits"
	"slices"
)

// maxWindow is the number of window bytes the kernels test.
const maxWindow = 4

// kernel is an implementation of the SIMD filter.
type kernel uint8

const (
	kernelNone kernel = iota // no SIMD filter: the scalar anchor or pair scan
	kernelAVX2               // nibble tables, AVX2
	kernelVBMI               // byte tables, AVX-512 VBMI
)

func (k kernel) String() string {
	switch k {
	case kernelAVX2:
		return "avx2"
	case kernelVBMI:
		return "avx512"
	}
	return "scalar"
}

// step is how many positions a kernel call reports on: one bit each of its
// uint64 result. A kernel reads step+maxWindow-1 bytes a step.
const step = 64

// minKernelLen is the fewest bytes a kernel is called on.
const minKernelLen = step + maxWindow - 1

// maxRate is the highest estimated candidate rate (per byte of text) at
// which the SIMD filter is used: above it, verifying candidates would
// cost more than the scalar scans.
const maxRate = 0.02

// byteProb estimates how often each byte occurs in log text, for choosing
// which bytes of a literal the filter looks at and which literals share a
// bucket. Only the ranking matters, roughly.
var byteProb = func() (p [256]float64) {
	// English letter frequencies, a..z, per mille.
	freq := [26]float64{82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1}
	for i, f := range freq {
		p['a'+i] = 0.45 * f / 1000 // most of a log is lower-case words
		p['A'+i] = 0.06 * f / 1000
	}
	for c := '0'; c <= '9'; c++ {
		p[c] = 0.017 // timestamps, ids, numbers
	}
	p[' '] = 0.12
	for _, c := range []byte(`:-./=",_`) {
		p[c] = 0.025
	}
	for c := 0x21; c < 0x7f; c++ {
		if p[c] == 0 {
			p[c] = 0.002 // other punctuation
		}
	}
	p['\n'], p['\t'], p['\r'] = 0.007, 0.002, 0.001
	for c := range p {
		if p[c] == 0 {
			p[c] = 0.0002 // control bytes and UTF-8
		}
	}
	return p
}()

// windowFloor is the least estimated frequency a window is given when
// choosing windows: real text is words, not random letters, so below this
// the estimate means little, and sharing a window between literals (fewer
// groups, more selective buckets) matters more.
const windowFloor = 1e-7

// midWord is how much likelier a window starting inside a word of its
// literal is than its bytes say: "cach" in "basaltcache", "Code" in
// "DeviceCode" are words of their own, common in logs.
const midWord = 8

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// byteSet is a set of byte values.
type byteSet [4]uint64

func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *byteSet) union(t *byteSet) {
	s[0], s[1], s[2], s[3] = s[0]|t[0], s[1]|t[1], s[2]|t[2], s[3]|t[3]
}

// each calls fn for every byte in s.
func (s *byteSet) each(fn func(c byte)) {
	for w, x := range s {
		for ; x != 0; x &= x - 1 {
			fn(byte(w*64 + bits.TrailingZeros64(x)))
		}
	}
}

// acceptProb is the estimated chance that a byte of log text passes a
// kernel's table built for the bytes in s: s widened by the way the kernel
// looks bytes up (nibble cross product, or bit 7 ignored).
func (k kernel) acceptProb(s *byteSet) float64 {
	var p float64
	switch k {
	case kernelAVX2:
		var lo, hi uint16
		s.each(func(c byte) { lo, hi = lo|1<<(c&15), hi|1<<(c>>4) })
		for h := hi; h != 0; h &= h - 1 {
			hn := bits.TrailingZeros16(h)
			for l := lo; l != 0; l &= l - 1 {
				p += byteProb[hn<<4|bits.TrailingZeros16(l)]
			}
		}
	default:
		for w, x := range [2]uint64{s[0] | s[2], s[1] | s[3]} {
			for ; x != 0; x &= x - 1 {
				c := w*64 + bits.TrailingZeros64(x)
				p += byteProb[c] + byteProb[c|0x80]
			}
		}
	}
	return p
}

// teddy is a Set's SIMD scan: Teddy, the multi-literal filter of Intel's
// Hyperscan (also in Rust's aho-corasick crate), with exact verification.
//
// Windows. Each literal is represented by a window: win consecutive bytes
// of it (win = 4, or the length of the shortest literal if less), at some
// offset off in the literal. A literal occurs at start s only if its window
// occurs at s+off. chooseWindows picks windows rare in log text and shared
// between literals where it can (the 125 "TAG-REN-"-style literals of the
// 500-rule benchmark share 5 windows). Literals with the same window (the
// same set of accepted bytes at each window byte: both cases of a folded
// letter) form a group.
//
// Buckets. The groups are put in 8 buckets, or 16 when there are more than
// 8 groups and the estimated candidate rate says it pays (fatRate). A
// bucket accepts, at window byte k, the union of its groups' bytes at k;
// past win it accepts any byte. The kernel computes, for every position p
// of the text, the set of buckets (a bit each) that accept b[p+k] at every
// window byte k < 4. Where that set is empty no window starts; the other
// positions are candidates.
//
// Masks. The bucket sets come from byte-shuffle table lookups, 32 or 64
// positions at a time (teddy_amd64.s):
//
//   - AVX2, nibble masks (nibbleMasks): VPSHUFB looks up 16-entry tables,
//     so window byte k has a table for the low nibble of the text byte and
//     one for the high nibble, and a bucket accepts a byte when it accepts
//     both its nibbles: lo_k[c&15] & hi_k[c>>4]. That is the cross product
//     of the bucket's nibbles, a superset of its bytes (exact for a single
//     window: a folded letter's two cases differ only in the high nibble).
//     With 16 buckets ("fat" Teddy) 16 text bytes are broadcast to both
//     128-bit lanes, looked up in buckets 0-7's tables in the low lane and
//     8-15's in the high lane. When no bucket accepts a byte >= 0x80
//     (ascii), VPSHUFB is given the text byte itself for the low nibble: it
//     uses the low nibble and gives 0 for bit 7 set, an instruction less.
//   - AVX-512 VBMI, byte masks (byteMasks): VPERMI2B looks up a 128-entry
//     table by the low 7 bits of the byte, exact for ASCII; a byte c >= 0x80
//     is entered at c&0x7f, so the only extra candidates are bytes equal to
//     an accepted one but for bit 7. 64 positions per vector; 16 buckets
//     look up a second set of tables.
//
// The lookups of the 4 window bytes (loaded at p, p+1, p+2, p+3) are ANDed;
// the first step of 64 positions with any non-zero result returns a bit
// mask of its candidates to run.
//
// Verification. A candidate position p is checked exactly: its win bytes,
// folded, are hashed into a table of all windows, and each literal whose
// folded window equals them is compared at p-off in full, in its own mode
// (folded or exact). The filter only skips positions where no literal can
// be, so the answers are exactly the scalar scans'. For the earliest
// occurrence, a literal found at s may still be preceded by one whose
// window lies up to maxOff bytes further on, so the scan goes on that far.
//
// Nothing past the end of the input is read: the last step is scanned
// again overlapping the one before (its 3 last positions cannot hold a
// window of 4 bytes), or, for inputs shorter than a step or windows
// shorter than 4, a zero-padded copy of the tail is scanned.
type teddy struct {
	kernel  kernel
	win     int          // window length: how many bytes of each literal are tested
	buckets int          // 8 or 16
	maxOff  int          // the largest offset of a window in its literal
	rate    float64      // estimated candidate positions per byte of log text
	ascii   bool         // no bucket accepts a byte >= 0x80 at any window byte
	nib     *nibbleMasks // kernelAVX2
	byt     *byteMasks   // kernelVBMI

	// A candidate at position p is verified against the literals whose
	// window, folded, equals b[p:p+win] folded: the entries
	// ents[slots[h]:slots[h+1]] with that key, h being the key's hash.
	shift uint // hash: key * hashMul >> shift
	slots []uint32
	ents  []teddyEnt
}

// nibbleMasks are the AVX2 tables: [k][0][h][n] has bit j set when bucket
// 8h+j accepts, at window byte k, a byte with low nibble n; [k][1][h][n]
// the same for the high nibble.
type nibbleMasks [maxWindow][2][2][16]byte

// byteMasks are the AVX-512 tables: [k][h][c] has bit j set when bucket
// 8h+j accepts, at window byte k, c or c|0x80.
type byteMasks [maxWindow][2][128]byte

// teddyEnt is a literal whose window starts off bytes into it.
type teddyEnt struct {
	key uint32 // the window folded, little-endian
	lit int32
	off int32
}

const hashMul = 0x9E3779B1

// teddyGroup is the literals that share one window (as byte sets).
type teddyGroup struct {
	acc  [maxWindow]byteSet
	prob float64
	ents []teddyEnt
}

// buildTeddy compiles the SIMD filter of lits (none empty) for kernel k,
// with 8 buckets or, if maxBuckets is not 8 and they pay, 16 (always if
// maxBuckets is 16).
func buildTeddy(lits []literal, lower *[256]byte, k kernel, maxBuckets int) *teddy {
	win := maxWindow
	for _, l := range lits {
		win = min(win, len(l.text))
	}
	t := &teddy{kernel: k, win: win}
	groups := chooseWindows(lits, lower, win, &t.maxOff)
	t.buckets = 8
	t.assign(groups)
	if len(groups) > 8 && maxBuckets != 8 && (maxBuckets == 16 || t.rate > k.fatRate()) {
		t.buckets = 16
		t.assign(groups)
	}
	t.buildVerify(groups)
	return t
}

// fatRate is the estimated candidate rate with 8 buckets above which 16
// buckets pay, the kernel being slower with 16: about 1.8 times with
// AVX-512, 2 times with AVX2. (Measured on the 500-rule gate: 16 buckets
// win with AVX-512, 8 with AVX2.)
func (k kernel) fatRate() float64 {
	if k == kernelAVX2 {
		return 0.005
	}
	return 0.0001
}

// chooseWindows picks each literal's window, greedily: the window that
// costs least per literal it would serve, cost being its estimated
// frequency in log text (at least windowFloor), until every literal has
// one. Literals with the same window form a group.
func chooseWindows(lits []literal, lower *[256]byte, win int, maxOff *int) []*teddyGroup {
	if len(lits) <= 8 {
		// Each window can have a bucket of its own: sharing buys
		// nothing, and each literal takes its rarest window.
		var groups []*teddyGroup
		for li, l := range lits {
			best, bestP := 0, 2.0
			for off := 0; off+win <= len(l.text); off++ {
				if p := windowProb(l, off, win); p < bestP {
					best, bestP = off, p
				}
			}
			groups = append(groups, newGroup(l, li, best, win, bestP, lower))
			*maxOff = max(*maxOff, best)
		}
		return groups
	}
	// Every window of every literal, literal by literal (an occurrence
	// of a window a literal has twice is kept once). A window is known by
	// its bytes and which of them are folded letters: 9 bits a byte.
	type occ struct{ cand, lit, off int32 }
	type cand struct {
		key   uint64
		prob  float64
		count int // literals with the window not yet given one
	}
	var (
		occs  []occ
		cands []cand
		byKey map[uint64]int32 // once there are many
	)
	find := func(key uint64) (int32, bool) {
		if byKey != nil {
			ci, ok := byKey[key]
			return ci, ok
		}
		for ci := range cands {
			if cands[ci].key == key {
				return int32(ci), true
			}
		}
		return 0, false
	}
	for li, l := range lits {
		first := len(occs)
	windows:
		for off := 0; off+win <= len(l.text); off++ {
			var key uint64
			for k := 0; k < win; k++ {
				key |= uint64(l.text[off+k])<<1<<(9*k) | windowFolded(l, off+k)<<(9*k)
			}
			ci, ok := find(key)
			if !ok {
				ci = int32(len(cands))
				cands = append(cands, cand{key: key, prob: windowProb(l, off, win)})
				if byKey != nil {
					byKey[key] = ci
				} else if len(cands) > 32 {
					byKey = make(map[uint64]int32, 4*len(cands))
					for i, c := range cands {
						byKey[c.key] = int32(i)
					}
				}
			}
			for _, o := range occs[first:] {
				if o.cand == ci {
					continue windows // the same window again in this literal
				}
			}
			occs = append(occs, occ{cand: ci, lit: int32(li), off: int32(off)})
			cands[ci].count++
		}
	}
	// byCand lists the occurrences window by window; byLit[li] is where
	// literal li's occurrences start in occs.
	byCandStart := make([]int32, len(cands)+1)
	for _, o := range occs {
		byCandStart[o.cand+1]++
	}
	for i := range cands {
		byCandStart[i+1] += byCandStart[i]
	}
	byCand := make([]int32, len(occs))
	fill := slices.Clone(byCandStart)
	byLit := make([]int32, len(lits)+1)
	for i, o := range occs {
		byCand[fill[o.cand]] = int32(i)
		fill[o.cand]++
		byLit[o.lit+1] = int32(i + 1)
	}
	for li := range lits {
		byLit[li+1] = max(byLit[li+1], byLit[li])
	}
	// Lazy greedy: a window's cost per literal only grows as literals
	// get windows, so a window popped with an outdated cost is pushed
	// back with its current one, and one popped with its current cost is
	// the cheapest.
	h := &candHeap{}
	for ci, c := range cands {
		h.push(candItem{cost: c.prob / float64(c.count), cand: int32(ci), count: int32(c.count)})
	}
	done := make([]bool, len(lits))
	var groups []*teddyGroup
	for left := len(lits); left > 0; {
		it := h.pop()
		c := &cands[it.cand]
		if c.count == 0 {
			continue
		}
		if int(it.count) != c.count {
			h.push(candItem{cost: c.prob / float64(c.count), cand: it.cand, count: int32(c.count)})
			continue
		}
		var g *teddyGroup
		for _, oi := range byCand[byCandStart[it.cand]:byCandStart[it.cand+1]] {
			o := occs[oi]
			if done[o.lit] {
				continue
			}
			done[o.lit] = true
			left--
			for _, o2 := range occs[byLit[o.lit]:byLit[o.lit+1]] {
				cands[o2.cand].count--
			}
			if g == nil {
				g = newGroup(lits[o.lit], int(o.lit), int(o.off), win, c.prob, lower)
			} else {
				g.ents = append(g.ents, teddyEnt{key: windowKey(lits[o.lit].text[o.off:], win, lower), lit: o.lit, off: o.off})
			}
			*maxOff = max(*maxOff, int(o.off))
		}
		groups = append(groups, g)
	}
	return groups
}

// newGroup returns a group of one literal, l (lits[li]), with its window
// at off.
func newGroup(l literal, li, off, win int, prob float64, lower *[256]byte) *teddyGroup {
	g := &teddyGroup{prob: prob}
	for k := 0; k < win; k++ {
		g.acc[k].add(l.text[off+k])
		if l.fold {
			g.acc[k].add(upper(l.text[off+k]))
		}
	}
	g.ents = []teddyEnt{{key: windowKey(l.text[off:], win, lower), lit: int32(li), off: int32(off)}}
	return g
}

// windowFolded is 1 if byte i of l is a folded letter (matching either
// case), else 0.
func windowFolded(l literal, i int) uint64 {
	if l.fold && upper(l.text[i]) != l.text[i] {
		return 1
	}
	return 0
}

// windowProb is the estimated frequency in log text of l's window at off,
// at least windowFloor.
func windowProb(l literal, off, win int) float64 {
	p := 1.0
	for k := 0; k < win; k++ {
		c := l.text[off+k]
		q := byteProb[c]
		if windowFolded(l, off+k) == 1 {
			q += byteProb[upper(c)]
		}
		p *= q
	}
	if off > 0 && isLetter(l.text[off-1]) && isLetter(l.text[off]) {
		p *= midWord
	}
	return max(p, windowFloor)
}

// candItem is a window in chooseWindows's heap: its cost per literal when
// it served count literals.
type candItem struct {
	cost  float64
	cand  int32
	count int32
}

// candHeap is a binary min-heap of windows by cost, ties by index (the
// earlier window first, for a deterministic choice).
type candHeap []candItem

func (h candHeap) less(i, j int) bool {
	if h[i].cost != h[j].cost {
		return h[i].cost < h[j].cost
	}
	return h[i].cand < h[j].cand
}

func (h *candHeap) push(it candItem) {
	*h = append(*h, it)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *candHeap) pop() candItem {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	for i := 0; ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && s.less(l, m) {
			m = l
		}
		if r < n && s.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

// windowKey is the first win bytes of b, folded, little-endian.
func windowKey(b []byte, win int, lower *[256]byte) uint32 {
	var key uint32
	for k := win - 1; k >= 0; k-- {
		key = key<<8 | uint32(lower[b[k]])
	}
	return key
}

// assign puts each group in a bucket and fills the kernel's tables. Groups
// are taken most frequent window first, each into the bucket where it adds
// least to the estimated candidate rate (what the kernel's tables accept),
// so that frequent windows get buckets of their own and rare ones share.
func (t *teddy) assign(groups []*teddyGroup) {
	slices.SortStableFunc(groups, func(a, b *teddyGroup) int {
		switch {
		case a.prob > b.prob:
			return -1
		case a.prob < b.prob:
			return 1
		}
		return 0
	})
	var acc [16][maxWindow]byteSet // per bucket and window byte
	var used [16]bool
	cost := func(a *[maxWindow]byteSet) float64 {
		p := 1.0
		for k := 0; k < t.win; k++ {
			p *= t.kernel.acceptProb(&a[k])
		}
		return p
	}
	var costs [16]float64
	for _, g := range groups {
		best, bestAdd, bestCost := 0, 2.0, 0.0
		for j := 0; j < t.buckets; j++ {
			merged := acc[j]
			for k := 0; k < t.win; k++ {
				merged[k].union(&g.acc[k])
			}
			c := cost(&merged)
			if add := c - costs[j]; add < bestAdd {
				best, bestAdd, bestCost = j, add, c
			}
			if !used[j] {
				break // all buckets after j are empty too
			}
		}
		used[best] = true
		costs[best] = bestCost
		for k := 0; k < t.win; k++ {
			acc[best][k].union(&g.acc[k])
		}
	}
	t.rate = 0
	for _, c := range costs {
		t.rate += c
	}
	t.ascii = t.win == maxWindow
	for j := range acc {
		for k := range acc[j] {
			t.ascii = t.ascii && acc[j][k][2]|acc[j][k][3] == 0
		}
	}
	switch t.kernel {
	case kernelAVX2:
		t.nib = new(nibbleMasks)
	case kernelVBMI:
		t.byt = new(byteMasks)
	}
	for k := 0; k < maxWindow; k++ {
		for j := 0; j < 16; j++ {
			h, bit := j>>3, byte(1)<<(j&7)
			if k >= t.win {
				// Past the window: every byte passes, in every
				// bucket (including unused ones, which never
				// pass at window byte 0).
				for n := 0; n < 16 && t.nib != nil; n++ {
					t.nib[k][0][h][n] |= bit
					t.nib[k][1][h][n] |= bit
				}
				for c := 0; c < 128 && t.byt != nil; c++ {
					t.byt[k][h][c] |= bit
				}
				continue
			}
			acc[j][k].each(func(c byte) {
				if t.nib != nil {
					t.nib[k][0][h][c&15] |= bit
					t.nib[k][1][h][c>>4] |= bit
				}
				if t.byt != nil {
					t.byt[k][h][c&0x7f] |= bit
				}
			})
		}
	}
}

// buildVerify builds the hash table of windows.
func (t *teddy) buildVerify(groups []*teddyGroup) {
	var n int
	for _, g := range groups {
		n += len(g.ents)
	}
	size := 16
	for size < 2*n {
		size *= 2
	}
	t.shift = uint(32 - bits.TrailingZeros(uint(size)))
	t.slots = make([]uint32, size+1)
	for _, g := range groups {
		for _, e := range g.ents {
			t.slots[t.hash(e.key)+1]++
		}
	}
	for i := 1; i <= size; i++ {
		t.slots[i] += t.slots[i-1]
	}
	t.ents = make([]teddyEnt, n)
	fill := slices.Clone(t.slots[:size])
	for _, g := range groups {
		for _, e := range g.ents {
			h := t.hash(e.key)
			t.ents[fill[h]] = e
			fill[h]++
		}
	}
}

func (t *teddy) hash(key uint32) uint32 { return key * hashMul >> t.shift }

// scanMode says what run looks for.
type scanMode uint8

const (
	scanFirst scanMode = iota // the earliest start
	scanAny                   // any start
	scanAll                   // every literal that occurs: found[lit] = true
	scanEach                  // every occurrence: each(start, lit) until it returns false
)

// run scans b for literals starting at or after pos. It returns the start
// of the earliest occurrence (scanFirst), of any occurrence (scanAny, or
// scanAll, which sets found for every literal that occurs), or -1.
func (t *teddy) run(s *Set, b []byte, pos int, mode scanMode, found []bool) int {
	return t.runEach(s, b, pos, mode, found, nil)
}

// runEach is run; in mode scanEach it calls each for every occurrence
// until each returns false, and returns the start of the last one.
func (t *teddy) runEach(s *Set, b []byte, pos int, mode scanMode, found []bool, each func(start, lit int) bool) int {
	result := -1
	// stop is where no window that matters can start: where too few
	// bytes are left for one or, once a literal is found (scanFirst),
	// maxOff past its start.
	stop := len(b) - t.win + 1
	for i := pos; i < stop; {
		var base int
		var cand uint64
		switch {
		case len(b)-i >= minKernelLen:
			off, c := t.scan(b[i:])
			base, cand = i+off, c
			if cand == 0 {
				i = base // fewer than minKernelLen bytes left
				continue
			}
		case len(b) >= minKernelLen && t.win == maxWindow:
			// The tail: scan the last step's worth of b again,
			// dropping the positions before i. The last three
			// positions, not scanned, hold no window of 4 bytes.
			base = len(b) - minKernelLen
			_, cand = t.scan(b[base:])
			cand &= ^uint64(0) << (i - base)
			if cand == 0 {
				return result
			}
		default:
			// A short input, or windows of fewer than 4 bytes:
			// scan a zero-padded copy of the tail.
			base, cand = t.scanPadded(b[i:])
			if cand == 0 {
				return result
			}
			base += i
		}
		for ; cand != 0; cand &= cand - 1 {
			p := base + bits.TrailingZeros64(cand)
			if p >= stop {
				break
			}
			if p+t.win > len(b) {
				continue
			}
			key := windowKey(b[p:], t.win, &s.lower)
			h := t.hash(key)
			for _, e := range t.ents[t.slots[h]:t.slots[h+1]] {
				start := p - int(e.off)
				if e.key != key || start < pos || !s.matchAt(b, start, int(e.lit)) {
					continue
				}
				switch mode {
				case scanAny:
					return start
				case scanAll:
					found[e.lit] = true
					result = start
				case scanEach:
					result = start
					if !each(start, int(e.lit)) {
						return result
					}
				default:
					if result < 0 || start < result {
						result = start
						// A literal starting before this one
						// has its window before start+maxOff.
						stop = min(stop, start+t.maxOff)
					}
				}
			}
		}
		i = base + step
	}
	return result
}

// scanPadded runs the kernel over b (len(b) < minKernelLen) followed by
// zero bytes. It returns the first step with candidates among b's
// positions, as the kernel does, or 0, 0.
func (t *teddy) scanPadded(b []byte) (int, uint64) {
	var pad [step + minKernelLen]byte
	copy(pad[:], b)
	n := len(pad)
	if len(b) <= step {
		n = minKernelLen // one step covers b
	}
	off, cand := t.scan(pad[:n])
	if off >= len(b) {
		return 0, 0
	}
	return off, cand
}
