package errtag

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/errtag/errtag/internal/input"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
)

// Stats counts what Filter read.
type Stats struct {
	Bytes     int64 // bytes read
	Lines     int64 // lines read, a last line without a terminator included
	Annotated int64 // lines with at least one annotation
}

// Filter reads r to its end and writes every line of it to w as the errtag
// command writes its input to its output, in o's format:
//
//   - every line, in order, whatever bytes it holds (CR, NUL, invalid
//     UTF-8); in Auto, byte for byte but for the annotations, and a last
//     line without a terminator stays without one; in JSON, every line
//     is a whole record ending in LF, a last line without a terminator
//     too, and so is the start of a line that Filter read when it was
//     stopped (a Filter that goes on reading the same reader writes the
//     rest of that line as a record of its own);
//   - lines of any length: one longer than o.MaxLine is written
//     unannotated, as it arrives, without being held in memory.
//
// What Filter writes is buffered, and written to w before every read that
// may wait for input (so that a line from a quiet pipe comes out at once)
// and at the end.
//
// Filter returns nil at the end of r. When ctx is done it stops reading,
// writes everything it has read, and returns ctx.Err(). It asks ctx before
// every read; a read of an *os.File that waits for input (a pipe, a
// terminal) is given up without taking any input (on Unix), and a read of
// any other reader (a bufio.Reader or a decoder around a pipe, an
// io.Pipe, a network connection) is waited for: to stop such a read,
// close the reader when ctx is done (context.AfterFunc), and Filter
// returns the read's error (or ctx.Err(), if it asked ctx first). An error reading r is returned after what was read before
// it is written; after an error writing w, Filter stops reading and
// returns it. Both are wrapped: errors.Is finds them. An Output whose
// Format is neither Auto nor JSON is an error, returned before anything is
// read.
//
// Filter does not decompress: give it a decoder to read compressed input.
// It matches on the calling goroutine; several Filters may run at once.
func (t *Tagger) Filter(ctx context.Context, w io.Writer, r io.Reader, o Output) (Stats, error) {
	opts, err := o.sinkOptions()
	if err != nil {
		return Stats{}, err
	}
	ow := output.NewWriter(w)
	sink, err := output.NewSink(ow, opts)
	if err != nil {
		return Stats{}, err
	}
	src, regular, release := input.Stoppable(ctx, r)
	defer release()
	if regular {
		src = stream.NonBlocking(src) // reads never wait: read in large chunks
	}
	st, err := stream.New(t.matcher(), o.streamOptions()).Run(src, sink)
	return Stats(st), filterError(ctx, err)
}

// filterError turns the stream's errors into Filter's.
func filterError(ctx context.Context, err error) error {
	var re *stream.ReadError
	var we *stream.WriteError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &we):
		return fmt.Errorf("errtag: writing: %w", we.Err)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return ctx.Err()
	case errors.As(err, &re):
		return fmt.Errorf("errtag: reading at byte %d: %w", re.Offset, re.Err)
	}
	return err
}
