package catalog

import "testing"

// TestCloneIsIndependent: Add on a clone changes the clone only, for a
// system both have and for a new one; the original still resolves as
// before.
func TestCloneIsIndependent(t *testing.T) {
	t.Parallel()
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	before := c.Resolve("knox-efota", "-1401", "")
	cp := c.Clone()
	if err := cp.Add("mine.yaml", []byte("system: knox-efota\ntitle: Mine\nentries:\n  - code: \"-1401\"\n    name: CHANGED\n    category: internal\n    message: changed\n")); err != nil {
		t.Fatal(err)
	}
	if err := cp.Add("new.yaml", []byte("system: payments\nentries:\n  - code: E42\n    name: DECLINED\n    category: validation\n    message: declined\n")); err != nil {
		t.Fatal(err)
	}
	if got := c.Resolve("knox-efota", "-1401", ""); got.Entry != before.Entry {
		t.Errorf("the original changed: %+v", got.Entry)
	}
	if info, _ := c.System("knox-efota"); info.Title == "Mine" {
		t.Errorf("the original's title changed")
	}
	if c.HasSystem("payments") || !cp.HasSystem("payments") {
		t.Errorf("a new system: original %v, clone %v", c.HasSystem("payments"), cp.HasSystem("payments"))
	}
	if got := cp.Resolve("knox-efota", "-1401", ""); got.Entry.Name != "CHANGED" {
		t.Errorf("the clone: %+v", got.Entry)
	}
	if n, m := len(c.Entries("knox-efota")), len(cp.Entries("knox-efota")); n != m {
		t.Errorf("entries: original %d, clone %d (one row replaced by one)", n, m)
	}
}
