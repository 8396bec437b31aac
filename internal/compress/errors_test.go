package compress

import (
	"errors"
	"testing"
)

// TestErrorsNilSafe: a nil *libError says something and unwraps to nil.
func TestErrorsNilSafe(t *testing.T) {
	t.Parallel()
	for _, err := range []error{(*libError)(nil), &libError{msg: "x"}} {
		if err.Error() == "" {
			t.Errorf("%T: empty message", err)
		}
		if u := errors.Unwrap(err); u != nil {
			t.Errorf("%T: unwraps to %v", err, u)
		}
	}
}
