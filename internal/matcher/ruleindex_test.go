package matcher

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRuleIndex: the index selects, in order, exactly the rules that
// hasLiteral lets run, whatever the literals found, for rule sets of
// either side of minIndexed, with literals shared between rules, and rules
// without literals.
func TestRuleIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nrules := range []int{1, minIndexed - 1, minIndexed, 63, 64, 65, 500} {
		for _, nlits := range []int{1, 7, 8, 9, 64, 1000} {
			rs := make([]*rule, nrules)
			for i := range rs {
				r := &rule{}
				for k := rng.IntN(4); k > 0; k-- { // 0 to 3 literals
					r.litIDs = append(r.litIDs, rng.IntN(nlits))
				}
				rs[i] = r
			}
			ix := newRuleIndex(rs, nlits)
			var set []uint64
			var dst []*rule
			for trial := 0; trial < 20; trial++ {
				found := make([]bool, nlits)
				for li := range found {
					found[li] = rng.IntN(10) == 0
				}
				var want []*rule
				for _, r := range rs {
					if r.hasLiteral(found) {
						want = append(want, r)
					}
				}
				got := ix.may(found, false, &set, &dst)
				var kept []*rule
				for _, r := range got {
					if r.hasLiteral(found) {
						kept = append(kept, r)
					}
				}
				if !slices.Equal(kept, want) {
					t.Fatalf("%d rules, %d literals: the index keeps %d rules, hasLiteral %d", nrules, nlits, len(kept), len(want))
				}
				if nrules >= minIndexed && len(got) != len(want) {
					t.Fatalf("%d rules, %d literals: the index selected %d rules, %d may run", nrules, nlits, len(got), len(want))
				}
				if all := ix.may(found, true, &set, &dst); len(all) != nrules {
					t.Fatalf("tracing: %d rules, want all %d", len(all), nrules)
				}
			}
		}
	}
}
