package output_test

import (
	"reflect"
	"testing"

	"github.com/errtag/errtag/internal/output"
)

// TestParseFields: fields in the order named, each once, but system first
// wherever it is named, so that every group starts at errtag.system.
func TestParseFields(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []output.Field
	}{
		{"code,name", []output.Field{output.FieldCode, output.FieldName}},
		{"system,code,code", []output.Field{output.FieldSystem, output.FieldCode}},
		{"code, NAME ,system", []output.Field{output.FieldSystem, output.FieldCode, output.FieldName}},
		{"category,group,system,message", []output.Field{output.FieldSystem, output.FieldCategory, output.FieldGroup, output.FieldMessage}},
	} {
		got, err := output.ParseFields(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseFields(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", ",", "codes"} {
		if _, err := output.ParseFields(bad); err == nil {
			t.Errorf("ParseFields(%q): no error", bad)
		}
	}
}
