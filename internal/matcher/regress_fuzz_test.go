package matcher_test

import (
	"strings"
	"testing"
)

// TestNestedJSONOffsets: an annotation's Offset points at its code, however
// deep the object holding it. Found by FuzzMatch
// (testdata/fuzz/FuzzMatch/2d83ee8b4383b905): gjson's ForEach gives indexes
// relative to the whole document, and the walk added them to the parent's
// offset, so from depth 2 on offsets were counted twice and could lie past
// the end of the line.
func TestNestedJSONOffsets(t *testing.T) {
	cases := []struct {
		system int // index into fuzzSystems
		line   string
		at     string // the code's text; the offset is where it starts
	}{
		{2, `{"0000":"0000","00000000":{"000000":0,"0000":{"errorCode":5,"message":"x"}}}`, `5,`},
		{0, `{"a":{"b":{"errorCode":107,"message":"General database error."}}}`, `107`},
		{0, `{"pad":"xxxxxxxxxxxxxxxxxxxx","a":[1,{"b":{"c":{"errorCode":"301","message":"Invalid access token."}}}]}`, `301`},
		{0, `  {"x":{"y":{"source":"knox-efota","resultCode":-1401}}}`, `-1401`},
	}
	for _, c := range cases {
		m := fuzzMatcherFor(t, c.system)
		anns := m.Match([]byte(c.line))
		if len(anns) != 1 {
			t.Errorf("%q: %d annotations, want 1: %+v", c.line, len(anns), anns)
			continue
		}
		if want := strings.LastIndex(c.line, c.at); anns[0].Offset != want {
			t.Errorf("%q: offset %d, want %d (line length %d)", c.line, anns[0].Offset, want, len(c.line))
		}
	}
}
