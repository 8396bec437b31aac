package loader

import (
	"errors"
	"testing"
)

// TestErrorsNilSafe: a nil *SystemError, or one without a cause, says
// something and unwraps to nil, never panics.
func TestErrorsNilSafe(t *testing.T) {
	t.Parallel()
	for _, err := range []error{(*SystemError)(nil), &SystemError{System: "x"}} {
		if err.Error() == "" {
			t.Errorf("%T: empty message", err)
		}
		if u := errors.Unwrap(err); u != nil {
			t.Errorf("%T: unwraps to %v", err, u)
		}
	}
}
