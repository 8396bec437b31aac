package stream_test

import (
	"github.com/errtag/errtag/internal/container"
	"github.com/errtag/errtag/internal/matcher"
)

// refAnnotations is the reference for what each line of an input is
// annotated with, given the input's lines (terminators included): what
// m.Match finds in it, except in a container log (its first line a CRI or
// Docker record no longer than maxLine), where the record that ends a
// line split into partial records (the record of the same stream right
// after them) gets what m.Match finds in the whole line, less the codes a
// piece was annotated with itself, when the pieces' messages add up to no
// more than maxLine bytes. Lines over maxLine get nothing and break a
// split line, as does anything else between its pieces.
func refAnnotations(m *matcher.Matcher, lines [][]byte, maxLine int) [][]matcher.Annotation {
	out := make([][]matcher.Annotation, len(lines))
	format := container.None
	if len(lines) > 0 {
		if first, _ := splitTerm(lines[0]); len(first) <= maxLine {
			format = container.Detect(first)
		}
	}
	var group []container.Record // the pieces so far
	var groupAt []int            // their lines
	for i, piece := range lines {
		line, _ := splitTerm(piece)
		if len(line) > maxLine {
			group, groupAt = nil, nil
			continue
		}
		out[i] = m.Match(line)
		if format == container.None {
			continue
		}
		r, ok := container.ParseAs(line, format)
		if !ok || len(group) > 0 && group[0].Stream != r.Stream {
			group, groupAt = nil, nil
		}
		if !ok {
			continue
		}
		if r.Partial {
			group, groupAt = append(group, r), append(groupAt, i)
			continue
		}
		if len(group) == 0 {
			continue
		}
		size := 0
		var whole []byte
		decoded := true
		for _, p := range append(group, r) {
			size += p.MessageLen()
			var ok bool
			whole, ok = p.AppendMessage(whole)
			decoded = decoded && ok
		}
		if size <= maxLine && decoded {
			seen := map[string]bool{}
			for _, j := range groupAt {
				for _, a := range out[j] {
					seen[a.Entry.System+"\x00"+a.Entry.Code] = true
				}
			}
			out[i] = nil
			for _, a := range m.Match(whole) {
				if !seen[a.Entry.System+"\x00"+a.Entry.Code] {
					out[i] = append(out[i], a)
				}
			}
		}
		group, groupAt = nil, nil
	}
	return out
}
