package matcher

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// ruleIndex finds the rules of one kind (text or JSON) that may run on a
// text or document, given which literals of their table were found in it:
// the rules that have a found literal and those that have none, in the
// rules' order. It costs about the number of literals found, not the
// number of rules: with hundreds of rules, testing each one's literals was
// most of the work on a line.
type ruleIndex struct {
	rules  []*rule
	byLit  [][]int32 // per literal, the indexes of the rules that have it
	always []int32   // the rules with no literals, which always may run
}

// minIndexed is the number of rules from which the index pays: below it,
// testing each rule's literals is as quick.
const minIndexed = 48

func newRuleIndex(rs []*rule, nlits int) *ruleIndex {
	ix := &ruleIndex{rules: rs, byLit: make([][]int32, nlits)}
	for i, r := range rs {
		if len(r.litIDs) == 0 {
			ix.always = append(ix.always, int32(i))
		}
		for _, id := range r.litIDs {
			if l := ix.byLit[id]; len(l) == 0 || l[len(l)-1] != int32(i) {
				ix.byLit[id] = append(l, int32(i))
			}
		}
	}
	return ix
}

// may returns the rules that may run given found (per literal, whether it
// was found), in order: all of them when there are few (or when tracing,
// which tells why each rule did not run). set and dst are scratch.
func (ix *ruleIndex) may(found []bool, tracing bool, set *[]uint64, dst *[]*rule) []*rule {
	if tracing || len(ix.rules) < minIndexed {
		return ix.rules
	}
	n := (len(ix.rules) + 63) / 64
	if cap(*set) < n {
		*set = make([]uint64, n)
	}
	b := (*set)[:n]
	clear(b)
	for _, i := range ix.always {
		b[i>>6] |= 1 << (i & 63)
	}
	// found is read eight literals at a time: most are not found.
	raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(found))), len(found))
	for at := 0; at < len(raw); at += 8 {
		if at+8 <= len(raw) && binary.LittleEndian.Uint64(raw[at:]) == 0 {
			continue
		}
		for li := at; li < min(at+8, len(raw)); li++ {
			if raw[li] != 0 {
				for _, i := range ix.byLit[li] {
					b[i>>6] |= 1 << (i & 63)
				}
			}
		}
	}
	out := (*dst)[:0]
	for w, x := range b {
		for ; x != 0; x &= x - 1 {
			out = append(out, ix.rules[w*64+bits.TrailingZeros64(x)])
		}
	}
	*dst = out
	return out
}
