package stream_test

import (
	"errors"
	"testing"

	"github.com/errtag/errtag/internal/stream"
)

// TestErrorsNilSafe: ReadError and WriteError say something and unwrap to
// nil when nil or without a cause, never panic (a nil error inside an
// error type panicked --out-dir on a full disk).
func TestErrorsNilSafe(t *testing.T) {
	t.Parallel()
	for _, err := range []error{(*stream.ReadError)(nil), &stream.ReadError{Offset: 3}, (*stream.WriteError)(nil), &stream.WriteError{}} {
		if err.Error() == "" {
			t.Errorf("%T: empty message", err)
		}
		if u := errors.Unwrap(err); u != nil {
			t.Errorf("%T: unwraps to %v", err, u)
		}
	}
}
