package catalog

import "testing"

// TestVerbatimAgrees holds Resolve's short cut to what it stands for: a
// line message that is a row's vendor message as it stands agrees with
// the row exactly when the message, folded, does.
func TestVerbatimAgrees(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, id := range c.Systems() {
		s := c.systems[id]
		for _, e := range s.entries {
			tx := s.text[e]
			for _, msg := range []string{e.Message, e.Message + " ", " " + e.Message, e.Message + ".", "x" + e.Message} {
				var scratch [256]byte
				slow := tx.agrees(newLineText(msg, scratch[:]))
				if tx.verbatim(msg) {
					n++
					if !slow {
						t.Errorf("%s %s: %q taken as verbatim, but it does not agree", id, e.Code, msg)
					}
				}
				if got := c.Resolve(id, e.Code, msg); len(s.byCode[e.Code]) == 1 && got.Agrees != slow {
					t.Errorf("%s %s: Resolve(%q).Agrees = %v, want %v", id, e.Code, msg, got.Agrees, slow)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no row's message was taken as verbatim: the short cut is never tested")
	}
}
