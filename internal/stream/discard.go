package stream

import (
	"bytes"

	"github.com/errtag/errtag/internal/matcher"
)

// Discard is a ParallelSink that writes nothing, for callers that only
// count (Stats, Options.OnAnnotated).
var Discard ParallelSink = discard{}

type discard struct{}

func (discard) Plain([]byte) error                             { return nil }
func (discard) Line(_, _ []byte, _ []matcher.Annotation) error { return nil }
func (discard) LongStart() error                               { return nil }
func (discard) LongChunk([]byte) error                         { return nil }
func (discard) LongEnd([]byte) error                           { return nil }
func (discard) Flush() error                                   { return nil }
func (discard) Renderer(*bytes.Buffer) Sink                    { return discard{} }
func (discard) WriteRendered([]byte) error                     { return nil }
