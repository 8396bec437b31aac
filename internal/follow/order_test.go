package follow

import (
	"strings"
	"testing"
	"time"
)

// TestOrderByLooks: what the follower's looks proved about when each
// generation left the name decides their order; times (here all equal, and
// inode numbers against the true order, as when a burst of rotations falls
// within one tick of the file clock) decide only the rest. The case of
// TestRotationsDuringListings under load: g9 was never seen at the name and
// was found by the listing of round 35, which did not have g10 (still at
// the name); g10 was rotated away right after, before the next look.
func TestOrderByLooks(t *testing.T) {
	t.Parallel()
	now := time.Now()
	mk := func(name string, ino uint64) *gen {
		g := &gen{path: "app.log." + name, mtime: now, nlink: 1}
		g.id.Ino, g.id.BTime = ino, 1
		return g
	}
	g8 := mk("g8", 30)
	g8.atName, g8.seq, g8.lastAt, g8.leftAt = true, 26, 29, 31
	g9 := mk("g9", 50)
	g9.foundAt, g9.absentAt = 35, 30
	g10 := mk("g10", 10)
	g10.atName, g10.seq, g10.lastAt, g10.leftAt, g10.absentAt = true, 31, 34, 36, 35
	g11 := mk("g11", 40) // found after g10 left, absent from round 35
	g11.foundAt, g11.absentAt = 39, 35
	g12 := mk("g12", 20) // left the name unseen, found in the listing of round 39 too
	g12.foundAt, g12.absentAt = 39, 35
	g12.mtime = now.Add(-time.Millisecond)
	names := func(gs []*gen) string {
		var b []string
		for _, g := range gs {
			b = append(b, strings.TrimPrefix(g.path, "app.log."))
		}
		return strings.Join(b, " ")
	}
	for _, in := range [][]*gen{
		{g8, g9, g10, g11, g12},
		{g12, g11, g10, g9, g8},
		{g10, g12, g8, g11, g9},
	} {
		// g11 and g12: nothing seen tells them apart; g12's older
		// modification time decides.
		if got := names(order("app.log", 0, in)); got != "g8 g9 g10 g12 g11" {
			t.Errorf("order(%s) = %s, want g8 g9 g10 g12 g11", names(in), got)
		}
	}
	// Deleted from the name (no link), g10's absence from a listing
	// proves nothing: times and inodes put it first.
	g10.nlink = 0
	if got := names(order("app.log", 0, []*gen{g9, g10})); got != "g10 g9" {
		t.Errorf("deleted g10: got %s, want g10 g9", got)
	}
}
