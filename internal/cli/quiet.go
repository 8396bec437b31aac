package cli

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/errtag/errtag/internal/matcher"
)

// quiet is -q, grep's habit: nothing is written, the first annotated line
// ends the run, and the exit status says whether one was found: 0 if so
// (even when an input could not be read), 1 if not, 2 if not and an input
// could not be read.
type quiet struct {
	found  atomic.Bool
	cancel context.CancelFunc
}

// start returns the run's context, which the first annotated line ends.
func (q *quiet) start(ctx context.Context) context.Context {
	ctx, q.cancel = context.WithCancel(ctx)
	return ctx
}

// stop releases the context.
func (q *quiet) stop() {
	if q.cancel != nil {
		q.cancel()
	}
}

// hook is the stream's OnAnnotated: it notes the find and ends the run,
// then calls next, if any. Without start it is next.
func (q *quiet) hook(next func([]matcher.Annotation)) func([]matcher.Annotation) {
	if q.cancel == nil {
		return next
	}
	return func(anns []matcher.Annotation) {
		if len(anns) > 0 && !q.found.Swap(true) {
			q.cancel()
		}
		if next != nil {
			next(anns)
		}
	}
}

// exit turns the run's outcome, err, into -q's exit status.
func (q *quiet) exit(err error) error {
	var ee *exitError
	switch {
	case q.found.Load():
		return nil
	case errors.As(err, &ee) && ee.code == ExitInput && ee.err == nil:
		// Inputs could not be read (each named already), and none of
		// the others had an annotation.
		return &exitError{code: ExitConfig}
	case err != nil:
		return err
	}
	return &exitError{code: ExitInput}
}
