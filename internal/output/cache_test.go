package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/errtag/errtag/catalog"
	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/rules"
)

// TestRenderCache checks that an annotation rendered from the cache, the
// first time and after, is what rendering it afresh writes, for every
// field list, and that annotations differing in any shown field get
// renderings of their own.
func TestRenderCache(t *testing.T) {
	t.Parallel()
	base := matcher.Annotation{
		Entry: catalog.Entry{System: "knox-efota", Code: "-1401", Name: "DOWNLOAD_FAILED", Category: "network", Group: "g",
			Message: "Download \"failed\"\n", Remediation: "Retry \u2028 later", Description: "not shown"},
		Known: true, Rule: "knox.result-code", Cue: rules.CueMarker,
	}
	var anns []matcher.Annotation
	for i := 0; i < 12; i++ {
		a := base
		switch i {
		case 1:
			a.Known = false
		case 2:
			a.Entry.Code = "-1402"
		case 3:
			a.Entry.Message = "other"
		case 4:
			a.Cue = rules.CueShape
		case 5:
			a.Rule = "other.rule"
		case 6:
			a.Alternatives = []catalog.Entry{{Name: "A"}, {Name: "B"}}
		case 7:
			a.Entry.Remediation = ""
		case 8:
			a.Entry.Category = "auth"
		case 9:
			a.Entry.Group = ""
		case 10:
			a.Entry.Name = "X"
		case 11:
			a.Entry.System = "wusp"
		}
		anns = append(anns, a)
	}
	lists := [][]Field{DefaultFields(), AllFields(), {FieldSystem, fieldKnownAsked}, {FieldCode, FieldCue, FieldRule}}
	for _, fields := range lists {
		c := new(renderCache)
		for round := 0; round < 2; round++ {
			for i := range anns {
				one := anns[i : i+1]
				if got, want := appendLogfmt(nil, one, fields, c), appendLogfmt(nil, one, fields, nil); !bytes.Equal(got, want) {
					t.Errorf("fields %v, annotation %d, round %d: logfmt %q, want %q", fields, i, round, got, want)
				}
				if got, want := appendAnnotationJSON(nil, one, fields, c), appendAnnotationJSON(nil, one, fields, nil); !bytes.Equal(got, want) {
					t.Errorf("fields %v, annotation %d, round %d: JSON %q, want %q", fields, i, round, got, want)
				}
			}
			if got, want := appendLogfmt(nil, anns, fields, c), appendLogfmt(nil, anns, fields, nil); !bytes.Equal(got, want) {
				t.Errorf("fields %v: all logfmt %q, want %q", fields, got, want)
			}
		}
	}
}

// TestIndexAt: indexAt finds what bytes.Index finds, whatever the anchor.
func TestIndexAt(t *testing.T) {
	hay := []string{"", "g", "errtag", "errtag.", " errtag.", "x errtag.y", "errta errtag.", "gg errtag errtag.", " errtag", "errtag. errtag."}
	for _, needle := range []string{" errtag.", "errtag", `\u`} {
		for anchor := range len(needle) {
			for _, h := range hay {
				for _, s := range []string{h, h + " errtag.", "ab" + h, h + `\u`, `\\u` + h} {
					if got, want := indexAt([]byte(s), needle, anchor), strings.Index(s, needle); got != want {
						t.Errorf("indexAt(%q, %q, %d) = %d, want %d", s, needle, anchor, got, want)
					}
				}
			}
		}
	}
}

// BenchmarkHasLogfmtAnnotation: the check every annotated text line gets,
// on a line that has no annotation (the usual case).
func BenchmarkHasLogfmtAnnotation(b *testing.B) {
	line := []byte(`2024-05-01T12:00:01.123Z host app[1234]: [VMXSync] sync failed for user 42 after 3 retries errorCode=-1012 took 120 ms path=/var/lib/app/data/cache id=7f3a9c2e-1b2c-4d5e-8f90-123456789abc`)
	for b.Loop() {
		if hasLogfmtAnnotation(line) {
			b.Fatal("found one")
		}
	}
}
