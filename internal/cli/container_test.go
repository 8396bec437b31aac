package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFollowJoinsSplitLines: following a container log, the record that
// ends a line the runtime split is annotated with what the whole line
// carries, also when its pieces were written, and read, apart; after a
// truncation the pieces before it are not joined with what follows.
func TestFollowJoinsSplitLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "web-7d4b9c_shop_app-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log")
	const ts = "2024-05-14T08:00:01.123456789Z "
	first := ts + "stdout F started\n"
	if err := os.WriteFile(p, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	fw := startFollow(t, "-f", "--from-start", "--fields", "code", p)
	fw.waitOut(t, first)
	piece := ts + "stderr P 05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resu\n"
	appendLine(t, p, piece)
	fw.waitOut(t, first+piece)
	end := ts + "stderr F ltCode=-1401"
	appendLine(t, p, end+"\n")
	fw.waitOut(t, first+piece+end+" errtag.code=-1401\n")

	// Truncated: a piece before the truncation does not join what follows.
	before := fw.out.String()
	if err := os.WriteFile(p, []byte(ts+"stderr P 05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resu\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fw, func(out string) bool { return strings.Count(out, "\n") == strings.Count(before, "\n")+1 })
	if err := os.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	// Shorter than what was read: a truncation however soon it is seen.
	appendLine(t, p, end+"\n")
	waitFor(t, fw, func(out string) bool { return strings.HasSuffix(out, end+"\n") })
	fw.stop(t)
}
