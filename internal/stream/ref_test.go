package stream_test

import (
	"github.com/errtag/errtag/internal/container"
	"github.com/errtag/errtag/internal/matcher"
)

// refAnnotations is the reference for what each line of an input is
// annotated with, given the input's lines (terminators included): what
// m.Match finds in it, except in a container log from its first line that
// is a CRI or Docker record no longer than maxLine on. There a line split
// into partial records (the records of one stream in a row, up to the
// full record that ends them) is matched whole on the record that ends
// it, and its pieces get nothing, while the messages add up to no more
// than maxLine bytes and decode; from the piece that makes them more (or
// that does not decode) on, each piece is matched alone with the word at
// its cuts blanked out (container.MaskCut). Lines over maxLine get
// nothing and break a split line, as does anything else between its
// pieces.
func refAnnotations(m *matcher.Matcher, lines [][]byte, maxLine int) [][]matcher.Annotation {
	out := make([][]matcher.Annotation, len(lines))
	format := container.None
	var group []container.Record // the pieces so far
	over := false                // the group is too long (or did not decode) from some piece on
	for i, piece := range lines {
		line, _ := splitTerm(piece)
		if len(line) > maxLine {
			group, over = nil, false
			continue
		}
		if format == container.None {
			format = container.Detect(line)
		}
		if format == container.None {
			out[i] = m.Match(line)
			continue
		}
		r, ok := container.ParseAs(line, format)
		if !ok || len(group) > 0 && group[0].Stream != r.Stream {
			group, over = nil, false
		}
		if !ok || !r.Partial && len(group) == 0 {
			out[i] = m.Match(line)
			continue
		}
		group = append(group, r)
		size := 0
		var whole []byte
		for _, p := range group {
			size += p.MessageLen()
			var dec bool
			if whole, dec = p.AppendMessage(whole); !dec {
				over = true
			}
		}
		if size > maxLine {
			over = true
		}
		switch {
		case over:
			out[i] = m.Match(container.MaskCut(line, format, len(group) > 1, r.Partial))
		case !r.Partial:
			out[i] = m.Match(whole)
		}
		if !r.Partial {
			group, over = nil, false
		}
	}
	return out
}
