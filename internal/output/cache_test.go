package output

import (
	"bytes"
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
