package errtag_test

import (
	"testing"

	"github.com/errtag/errtag"
)

// BenchmarkNew measures building a Tagger of the built-in catalogs and
// rules: most of errtag's start-up (issue 13 sets it under 10 ms).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := errtag.New(errtag.Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
