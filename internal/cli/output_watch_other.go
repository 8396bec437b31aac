//go:build !unix

package cli

import (
	"context"
	"io"
)

// watchOutput does nothing here: a closed output is noticed when a write to
// it fails. See output_watch_unix.go.
func watchOutput(ctx context.Context, _ io.Writer) (context.Context, func()) {
	return ctx, func() {}
}
