package printf

import (
	"reflect"
	"testing"
)

func TestConversion(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		want int
	}{
		{"%s", 2}, {"%d %s", 2}, {"%-5s", 4}, {"%.*s", 4}, {"%.128s", 6}, {"%lld", 4},
		{"%zu", 3}, {"%i usable", 2}, {"%02x", 4}, {"%'d", 3}, {"%f,%f", 2}, {"%S", 0},
		{"%%", 0}, {"% sure", 0}, {"%", 0}, {"%5", 0}, {"%y", 0}, {"s", 0}, {"", 0},
		{"%ll", 0}, {"%#o", 3},
	} {
		if got := Conversion(c.s); got != c.want {
			t.Errorf("Conversion(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		format string
		want   []string
	}{
		{"syntax error", []string{"syntax error"}},
		{"wrong number of arguments for '%s' command", []string{"wrong number of arguments for '", "' command"}},
		{"unknown command '%.128s', with args beginning with: %s", []string{"unknown command '", "', with args beginning with: ", ""}},
		{"%d %s:%d", []string{"", " ", ":", ""}},
		{"%s%s", []string{"", "", ""}},
		{"100%% sure, 50% done", []string{"100% sure, 50% done"}},
		{"disk 90% full: %s", []string{"disk 90% full: ", ""}},
		{"ends in %", []string{"ends in %"}},
		{"", []string{""}},
	} {
		if got := Split(c.format); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.format, got, c.want)
		}
		if got, want := Has(c.format), len(c.want) > 1; got != want {
			t.Errorf("Has(%q) = %v, want %v", c.format, got, want)
		}
		if got := Head(c.format); got != c.want[0] {
			t.Errorf("Head(%q) = %q, want %q", c.format, got, c.want[0])
		}
	}
	if got := Strip("%d %s:%d (moved)", "_"); got != "_ _:_ (moved)" {
		t.Errorf("Strip = %q", got)
	}
}

// FuzzSplit: Split never loses fixed text: the pieces, joined, are the
// format less its conversions, and Has agrees with the number of pieces.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"a %s b", "%%", "%.*s%lld", "100% sure", "%", "%-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pieces := Split(s)
		if len(pieces) == 0 {
			t.Fatal("no pieces")
		}
		if Has(s) != (len(pieces) > 1) {
			t.Fatalf("Has(%q) = %v with %d pieces", s, Has(s), len(pieces))
		}
		total := 0
		for _, p := range pieces {
			total += len(p)
		}
		if total > len(s) {
			t.Fatalf("pieces of %q hold more text (%d) than it", s, total)
		}
	})
}
