package prefilter

import (
	"strings"
	"testing"
)

// FuzzScan checks every scan path (the scalar scans and each SIMD kernel
// of this CPU, forced on) against brute force: Index, Contains, a Cursor
// walk and FindAll. lits holds one literal a line, "f" first for a folded
// literal, anything else for an exact one.
func FuzzScan(f *testing.F) {
	f.Add("fknox\nfe-fota\neerrorCode\neErrorCode:", []byte("2024-05-14 E/EFOTA( 123): samsungKNOX errorCode=7\n"))
	f.Add("fvolt mx\nfvmxsync\neORBP-REN-\ne<orbp:ExportFault", []byte(`{"msg":"Volt MX", "x":"<orbp:ExportFault code=\"1\"/> ORBP-REN-404"}`))
	f.Add("fab\nfb\neA\xff", []byte("xxAB\xffab\x80"))
	f.Fuzz(func(t *testing.T, lits string, text []byte) {
		var fold, exact []string
		for i, l := range strings.Split(lits, "\n") {
			if i == 64 {
				break
			}
			if l == "" {
				continue
			}
			if l[0] == 'f' {
				fold = append(fold, l[1:])
			} else {
				exact = append(exact, l[1:])
			}
		}
		if len(text) > 4096 {
			text = text[:4096]
		}
		newPathSets(fold, exact).check(t, text)
	})
}
