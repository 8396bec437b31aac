package fsmsg

import (
	"errors"
	"testing"
)

// TestErrorsNilSafe: a nil *FileError, or one without a cause, says
// something and unwraps to nil, never panics; Reason(nil) too.
func TestErrorsNilSafe(t *testing.T) {
	t.Parallel()
	for _, err := range []error{(*FileError)(nil), &FileError{What: "rules file", Name: "r.yaml"}} {
		if err.Error() == "" {
			t.Errorf("%T: empty message", err)
		}
		if u := errors.Unwrap(err); u != nil {
			t.Errorf("%T: unwraps to %v", err, u)
		}
	}
	if Reason(nil) == "" {
		t.Error("Reason(nil) is empty")
	}
}
