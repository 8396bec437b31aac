package errtag_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/errtag/errtag"
)

// FuzzAnnotationJSON: UnmarshalJSON takes any bytes without panicking, and
// what it reads, written back with every field and read again, is the same
// annotation.
func FuzzAnnotationJSON(f *testing.F) {
	f.Add([]byte(`{"system":"knox-efota","code":"-1401","name":"DOWNLOAD_REJECTED_BY_USER","category":"cancelled","message":"m","remediation":"r"}`))
	f.Add([]byte(`{"system":"s","code":"1","known":false,"alternatives":["A","B"],"rule":"r.x","cue":"shape"}`))
	f.Add([]byte(`{"system":"s","code":"\u2028\ufffd","known":true,"cue":"system"}`))
	f.Add([]byte(`{"cue":"nowhere"}`))
	f.Add([]byte(`[1,2]`))
	all, err := errtag.ParseFields("system,code,name,category,group,message,remediation,known,alternatives,rule,cue")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a errtag.Annotation
		if err := json.Unmarshal(data, &a); err != nil {
			return
		}
		out := errtag.AppendJSON(nil, []errtag.Annotation{a}, all)
		var back []errtag.Annotation
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s read back: %v", out, err)
		}
		again := errtag.AppendJSON(nil, back, all)
		if string(again) != string(out) {
			t.Fatalf("written %s, then %s", out, again)
		}
		if len(back) != 1 || !reflect.DeepEqual(back[0].Cue, a.Cue) || back[0].Known != a.Known || back[0].Rule != a.Rule {
			t.Fatalf("%+v read back as %+v", a, back)
		}
	})
}
