// Package container reads the records that container runtimes write to
// log files, so that a line the runtime split into pieces can be matched
// whole:
//
//   - CRI (containerd, CRI-O; the files under /var/log/containers on a
//     Kubernetes node): TIMESTAMP STREAM TAG MESSAGE, one record a line, as
//     in "2024-05-14T08:00:01.123456789Z stderr F some message". TIMESTAMP
//     is RFC 3339 with nanoseconds, in the node's zone (Z or an offset);
//     STREAM is stdout or stderr; TAG is F for a full line, or P for a
//     partial one, whose line goes on in the next record of the same
//     stream (more tags may follow, separated by ':'). The runtime writes
//     a P record for each max_container_log_line_size (16 KiB by default)
//     of a longer line, and for output that ends without a newline.
//   - Docker's json-file driver: {"log":"...","stream":"stderr",
//     "time":"..."} (an "attrs" object may come before "time"), where the
//     log string ends with \n unless the record is partial: Docker cuts
//     lines of over 16 KiB into records the same way.
//
// The package only parses; the stream joins the pieces and matches the
// whole (package stream's Joint). An input is read as a container log from
// its first line that is a record (Find); groups are then looked for in
// every line after it.
package container

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Format is the kind of container log an input is.
type Format uint8

const (
	// None: not a container log.
	None Format = iota
	// CRI: TIMESTAMP STREAM TAG MESSAGE records.
	CRI
	// Docker: the json-file driver's records.
	Docker
)

func (f Format) String() string {
	switch f {
	case CRI:
		return "cri"
	case Docker:
		return "docker"
	}
	return "none"
}

// Record is one line of a container log.
type Record struct {
	Format Format
	// Stream is stdout or stderr.
	Stream string
	// Partial is true when the record's line goes on in the next record
	// of its stream.
	Partial bool
	// raw is the message as the record holds it: CRI, the bytes after
	// the tag; Docker, the log string's contents, still escaped.
	raw []byte
	// at is where raw starts in the line.
	at int
}

// Detect says which container log format line (without its terminator)
// is a record of, or None.
func Detect(line []byte) Format {
	r, ok := Parse(line)
	if !ok {
		return None
	}
	return r.Format
}

// Parse reads line (without its terminator) as a CRI or Docker record.
// The Record refers to line's bytes.
func Parse(line []byte) (Record, bool) {
	if len(line) > 0 && line[0] == '{' {
		return parseDocker(line)
	}
	return parseCRI(line)
}

// ParseAs reads line as a record of format f only.
func ParseAs(line []byte, f Format) (Record, bool) {
	switch f {
	case CRI:
		return parseCRI(line)
	case Docker:
		return parseDocker(line)
	}
	return Record{}, false
}

var (
	stdout = []byte("stdout")
	stderr = []byte("stderr")
)

// parseCRI reads TIMESTAMP STREAM TAG MESSAGE, as kubelet does
// (pkg/kubelet/kuberuntime/logs parseCRILog), but stricter about the
// time stamp and the tag, so that text that only looks like it is not
// taken for a record.
func parseCRI(line []byte) (Record, bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 || !isTimestamp(line[:sp]) {
		return Record{}, false
	}
	rest := line[sp+1:]
	var stream string
	switch {
	case bytes.HasPrefix(rest, stdout):
		stream = "stdout"
	case bytes.HasPrefix(rest, stderr):
		stream = "stderr"
	default:
		return Record{}, false
	}
	rest = rest[len(stdout):]
	if len(rest) < 3 || rest[0] != ' ' || (rest[1] != 'P' && rest[1] != 'F') {
		return Record{}, false
	}
	partial := rest[1] == 'P'
	rest = rest[2:]
	// More tags may follow the first, separated by ':'.
	if rest[0] == ':' {
		sp := bytes.IndexByte(rest, ' ')
		if sp < 0 {
			return Record{}, false
		}
		rest = rest[sp:]
	}
	if rest[0] != ' ' {
		return Record{}, false
	}
	return Record{Format: CRI, Stream: stream, Partial: partial, raw: rest[1:], at: len(line) - len(rest) + 1}, true
}

// isTimestamp checks the shape of an RFC 3339 time stamp with an
// optional fraction: 2024-05-14T08:00:01.123456789Z, or with +02:00.
func isTimestamp(b []byte) bool {
	if len(b) < len("2006-01-02T15:04:05Z") || len(b) > len("2006-01-02T15:04:05.999999999-07:00") {
		return false
	}
	for i, c := range b[:19] {
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	rest := b[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		for _, i := range []int{1, 2, 4, 5} {
			if rest[i] < '0' || rest[i] > '9' {
				return false
			}
		}
		return true
	}
	return false
}

var (
	dockerLog    = []byte(`{"log":"`)
	dockerStream = []byte(`","stream":"`)
	nlDockerLog  = []byte("\n" + `{"log":"`) // a line break and a record's start
)

// parseDocker reads {"log":"...","stream":"stdout|stderr",...} as Docker
// writes it (daemon/logger/jsonfilelog/jsonlog: the keys in that order,
// no spaces). It checks the record's start and the log string's end; the
// rest is Docker's.
func parseDocker(line []byte) (Record, bool) {
	if !bytes.HasPrefix(line, dockerLog) || line[len(line)-1] != '}' {
		return Record{}, false
	}
	body := line[len(dockerLog):]
	// Inside the log string every '"' is escaped: the string ends at the
	// first quote no backslash escapes, and Docker writes "stream" next.
	end := 0
	for {
		i := bytes.IndexByte(body[end:], '"')
		if i < 0 {
			return Record{}, false
		}
		end += i
		if backslashesBefore(body, end)%2 == 0 {
			break
		}
		end++
	}
	if !bytes.HasPrefix(body[end:], dockerStream) {
		return Record{}, false
	}
	raw := body[:end]
	rest := body[end+len(dockerStream):]
	var stream string
	switch {
	case bytes.HasPrefix(rest, []byte(`stdout"`)):
		stream = "stdout"
	case bytes.HasPrefix(rest, []byte(`stderr"`)):
		stream = "stderr"
	default:
		return Record{}, false
	}
	return Record{Format: Docker, Stream: stream, Partial: !endsInNewline(raw), raw: raw, at: len(dockerLog)}, true
}

// endsInNewline says whether a JSON string's contents end with an escaped
// newline: \n as Docker writes it, or \u000a.
func endsInNewline(raw []byte) bool {
	n := len(raw)
	switch {
	case n >= 2 && raw[n-1] == 'n':
		return backslashesBefore(raw, n-1)%2 == 1
	case n >= 6 && bytes.EqualFold(raw[n-5:], []byte("u000a")):
		return backslashesBefore(raw, n-5)%2 == 1
	}
	return false
}

// backslashesBefore counts the backslashes right before b[i].
func backslashesBefore(b []byte, i int) int {
	n := 0
	for i > 0 && b[i-1] == '\\' {
		n++
		i--
	}
	return n
}

// MessageLen is about how many bytes AppendMessage appends: exactly for
// CRI, at most for Docker (escapes shrink when decoded).
func (r Record) MessageLen() int { return len(r.raw) }

// AppendMessage appends the record's message to dst: the text the
// container wrote, without the line end a full record's message has in
// Docker's format. It returns dst unchanged and false when a Docker log
// string does not decode.
func (r Record) AppendMessage(dst []byte) ([]byte, bool) {
	if r.Format != Docker {
		return append(dst, r.raw...), true
	}
	if bytes.IndexByte(r.raw, '\\') < 0 && utf8.Valid(r.raw) {
		return append(dst, r.raw...), true
	}
	var s string
	q := make([]byte, 0, len(r.raw)+2)
	q = append(append(append(q, '"'), r.raw...), '"')
	if err := json.Unmarshal(q, &s); err != nil {
		return dst, false
	}
	if !r.Partial {
		s = s[:len(s)-1] // the \n
	}
	return append(dst, s...), true
}

// NextPartial returns where in block (whole lines, each ending in LF) the
// next line that is a partial record of format f starts, and where it
// ends (after its LF), or -1, -1.
//
// It runs over every block of a container log, so it does not parse every
// line: it looks for what a partial record cannot lack and parses only the
// lines found. For CRI that is the tag "P" after "stdout " or "stderr "
// (found by its rarer byte, 'P'); for Docker, the `{"log":"` that starts
// the line, and then the log string up to its end.
func NextPartial(block []byte, f Format) (start, end int) {
	switch f {
	case CRI:
		return nextCRIPartial(block)
	case Docker:
		return nextDockerPartial(block)
	}
	return -1, -1
}

// nextDockerPartial is NextPartial for Docker records: a line that starts
// with `{"log":"` and whose log string does not end in a newline.
func nextDockerPartial(block []byte) (start, end int) {
	byLine := bracesOutnumberLines(block)
	for from := 0; from < len(block); {
		s := nextDockerStart(block, from, byLine)
		if s < 0 {
			return -1, -1
		}
		_, e := lineAround(block, s)
		if line := trimEnd(block[s:e]); mayBeDockerPartial(line) {
			if r, ok := ParseAs(line, Docker); ok && r.Partial {
				return s, e
			}
		}
		from = e
	}
	return -1, -1
}

// nextDockerStart returns the first line start at or after from that
// begins a Docker record (`{"log":"`), or -1. It searches for the key by
// its '{' (rarer than line breaks in a text log) or, byLine, for a line
// break followed by the key (in JSON lines, where every line starts with
// a '{' and holds more).
func nextDockerStart(block []byte, from int, byLine bool) int {
	if byLine {
		if from == 0 && bytes.HasPrefix(block, dockerLog) {
			return 0
		}
		at := max(from-1, 0) // a record at from follows a line break at from-1
		i := bytes.Index(block[at:], nlDockerLog)
		if i < 0 {
			return -1
		}
		return at + i + 1
	}
	for {
		i := bytes.Index(block[from:], dockerLog)
		if i < 0 {
			return -1
		}
		s := from + i
		if s == 0 || block[s-1] == '\n' {
			return s
		}
		from = s + 1
	}
}

// bracesOutnumberLines reports whether the first 4 KiB of block hold more
// '{' than line breaks: JSON lines, where the search for a record's start
// goes line by line.
func bracesOutnumberLines(block []byte) bool {
	sample := block[:min(len(block), 4<<10)]
	return bytes.Count(sample, []byte{'{'}) > bytes.Count(sample, []byte{'\n'})
}

// mayBeDockerPartial reports whether line, which starts with `{"log":"`,
// may be a partial Docker record, without reading its log string quote by
// quote (a log of escaped JSON holds dozens): a record's log string ends at
// the first `","stream":"` of its body (see below), so a line whose body
// ends in an escaped newline there is no partial record, whether or not it
// is a record at all.
//
// parseDocker ends the log string at F, the first quote that no backslash
// escapes, and reads the line only if `","stream":"` follows: it occurs at
// F, and first at some Q <= F. Were Q < F, the quote at Q would be escaped
// (F is the first that is not), but the quote at Q+2 follows a ',' and is
// not: F would be Q+2, where `"stream"` stands, not `","stream":"`. So
// F = Q.
func mayBeDockerPartial(line []byte) bool {
	body := line[len(dockerLog):]
	q := bytes.Index(body, dockerStream)
	return q >= 0 && !endsInNewline(body[:q])
}

// nextCRIPartial is NextPartial for CRI records: a partial one holds
// "stdout P" or "stderr P" after its time stamp.
func nextCRIPartial(block []byte) (start, end int) {
	for from := 0; ; {
		i := bytes.IndexByte(block[from:], 'P')
		if i < 0 {
			return -1, -1
		}
		i += from
		from = i + 1
		if i < len(" stdout ") || block[i-1] != ' ' {
			continue
		}
		if w := block[i-len("stdout ") : i-1]; !bytes.Equal(w, stdout) && !bytes.Equal(w, stderr) {
			continue
		}
		s, e := lineAround(block, i)
		if r, ok := ParseAs(trimEnd(block[s:e]), CRI); ok && r.Partial {
			return s, e
		}
		from = e
	}
}

// lineAround returns the bounds of the line of block that holds block[i]:
// its start, and its end after its LF (or block's end).
func lineAround(block []byte, i int) (start, end int) {
	start = bytes.LastIndexByte(block[:i], '\n') + 1
	end = bytes.IndexByte(block[i:], '\n')
	if end < 0 {
		return start, len(block)
	}
	return start, i + end + 1
}

// trimEnd drops a line's terminator (LF or CRLF).
func trimEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte{'\n'})
	return bytes.TrimSuffix(b, []byte{'\r'})
}

// OpenTail returns the lines at the end of block (whole lines, each ending
// in LF) that begin a line not finished yet: the partial records of one
// stream in a row that end block. prev is what OpenTail returned for the
// block before: when block is nothing but partial records of the same
// stream, they go on from prev's. It returns nil when there are none.
//
// What it returns is what a Group that takes it (Add, line by line) needs
// to go on as one that read the whole input would: the line's pieces
// while their messages are max bytes or fewer, and once they are more
// (the line is too long to join: its pieces are matched alone) the last
// pieces that are more than max bytes by themselves, which leave such a
// Group over max too. Nil there would make the next block's pieces look
// like a line of their own, joined and matched, or not, depending on
// where the input's reads fell.
func OpenTail(prev, block []byte, f Format, max int) []byte {
	start, over, stream := openStart(block, f, max)
	if start == len(block) {
		return nil
	}
	if !over && start == 0 && len(prev) > 0 {
		if first, _ := ParseAs(trimEnd(prev[:bytes.IndexByte(prev, '\n')+1]), f); first.Stream == stream {
			joined := append(append(make([]byte, 0, len(prev)+len(block)), prev...), block...)
			s, _, _ := openStart(joined, f, max)
			return joined[s:]
		}
	}
	return append([]byte(nil), block[start:]...)
}

// openStart returns where the partial records of one stream in a row that
// end lines start, that stream, and whether their messages are more than
// max bytes: then start is that of the last of them that are (and the
// walk back stops there).
func openStart(lines []byte, f Format, max int) (start int, over bool, stream string) {
	start = len(lines)
	size := 0
	for start > 0 {
		s := bytes.LastIndexByte(lines[:start-1], '\n') + 1
		r, ok := ParseAs(trimEnd(lines[s:start]), f)
		if !ok || !r.Partial || (stream != "" && r.Stream != stream) {
			break
		}
		stream, start = r.Stream, s
		if size += r.MessageLen(); size > max {
			return start, true, stream
		}
	}
	return start, false, stream
}

// Group gathers the pieces of a line that a runtime split into partial
// records, one input's lines after another.
type Group struct {
	f      Format
	max    int
	open   bool
	over   bool // the message grew over max: not joined
	stream string
	pieces int // partial records in the open group
	size   int // the messages' bytes as the records hold them
	msg    []byte
}

// NewGroup returns a Group for an input of format f that joins lines of
// up to max bytes.
func NewGroup(f Format, max int) *Group { return &Group{f: f, max: max} }

// Format is the format of the input's records.
func (g *Group) Format() Format { return g.f }

// Open says whether partial records were added that no record has ended
// yet: the next line may end them.
func (g *Group) Open() bool { return g.open }

// Reset forgets the partial records added.
func (g *Group) Reset() {
	g.open, g.over, g.stream, g.pieces, g.size = false, false, "", 0, 0
	g.msg = g.msg[:0]
}

// Piece is what Add made of a line: how it is to be matched.
type Piece struct {
	// Joined says the line is the record that ended a split line: Whole
	// is the line's message, its pieces' and its own, to be matched
	// instead of the record. Whole is valid until the next Add.
	Joined bool
	Whole  []byte
	// Held says the line is a piece of a split line being joined: it is
	// matched in the whole line when a record ends it, never alone,
	// because its text may stop inside a word or a number that goes on
	// in the next piece.
	Held bool
	// CutBefore and CutAfter say the line is a piece of a split line
	// that is not joined (its messages add up to more than max bytes, or
	// one does not decode): it is matched alone, but its message goes on
	// from the piece before it (CutBefore) or in the one after it
	// (CutAfter), so the word touching that end is not whole (MaskCut).
	CutBefore, CutAfter bool
}

// Add takes the next line of the input, without its terminator, and says
// how it is to be matched. A line that is no record, or a record of the
// other stream, breaks a group: its pieces, held so far, are not joined.
// A line that is neither a piece nor ends one is matched as it is (the
// zero Piece).
func (g *Group) Add(line []byte) Piece {
	if !g.open {
		g.msg = g.msg[:0]
		if cap(g.msg) > 64<<10 {
			g.msg = nil // do not keep a long line's buffer for the next one
		}
	}
	r, ok := ParseAs(line, g.f)
	if !ok || (g.open && r.Stream != g.stream) {
		g.Reset()
		if !ok {
			return Piece{}
		}
	}
	if !g.open {
		if !r.Partial {
			return Piece{}
		}
		g.open, g.stream = true, r.Stream
	}
	g.pieces++
	// The limit counts the messages as the records hold them, as
	// OpenTail does, so that both agree whatever the escapes.
	if g.size += r.MessageLen(); g.size > g.max {
		g.over, g.msg = true, g.msg[:0]
	}
	if !g.over {
		if g.msg, ok = r.AppendMessage(g.msg); !ok {
			g.over, g.msg = true, g.msg[:0]
		}
	}
	var p Piece
	switch {
	case g.over:
		p = Piece{CutBefore: g.pieces > 1, CutAfter: r.Partial}
	case r.Partial:
		p = Piece{Held: true}
	default:
		p = Piece{Joined: true, Whole: g.msg}
	}
	if !r.Partial {
		g.open, g.over, g.stream, g.pieces, g.size = false, false, "", 0, 0
		// g.msg stays until the next Add: it is p.Whole.
	}
	return p
}

// MaskCut returns line, a record of format f, with the word that touches
// a cut in its message blanked out: the first word of the message when
// before, the last when after. A word is a run of letters, digits, '_',
// '-', '.' and non-ASCII bytes: a code or a name the runtime may have cut
// in two, of which the piece holds only a part. The blank is spaces, so
// that offsets into the line stay true. It returns line itself when there
// is nothing to blank, and a copy otherwise.
func MaskCut(line []byte, f Format, before, after bool) []byte {
	r, ok := ParseAs(line, f)
	if !ok || (!before && !after) {
		return line
	}
	raw := r.raw
	head, tail := 0, len(raw)
	if before {
		for head < len(raw) && isWordByte(raw[head]) {
			head++
		}
	}
	if after {
		s := len(raw)
		for s > 0 && isWordByte(raw[s-1]) {
			s--
		}
		if f == Docker && s < len(raw) && backslashesBefore(raw, s)%2 == 1 {
			// The word starts with an escape's letter: keep the escape
			// whole (\uXXXX is six bytes) so the string still decodes.
			n := 1
			if raw[s] == 'u' {
				n = 5
			}
			s = min(s+n, len(raw))
		}
		tail = s
	}
	if head == 0 && tail == len(raw) {
		return line
	}
	out := append([]byte(nil), line...)
	m := out[r.at : r.at+len(raw)]
	for i := 0; i < head && i < len(m); i++ {
		m[i] = ' '
	}
	for i := max(tail, head); i < len(m); i++ {
		m[i] = ' '
	}
	return out
}

// isWordByte says whether c may be part of a code or a name.
func isWordByte(c byte) bool {
	return c >= 0x80 || c == '_' || c == '-' || c == '.' ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// Find says which container log format the first record in block (lines,
// each but the last ending in LF) no longer than max bytes is of, and
// where its line starts; None and -1 when there is none. It looks for the
// marks a record has (" stdout ", " stderr ", `{"log":"`) rather than
// parsing every line, so that an input that is no container log costs a
// few fast scans.
func Find(block []byte, max int) (Format, int) {
	best, at := None, -1
	for _, mark := range [][]byte{[]byte(" stdout "), []byte(" stderr "), dockerLog} {
		lim := len(block)
		if at >= 0 {
			lim = at // only an earlier record can change the answer
		}
		for from := 0; from < lim; {
			i := bytes.Index(block[from:lim], mark)
			if i < 0 {
				break
			}
			i += from
			s := bytes.LastIndexByte(block[:i], '\n') + 1
			e := bytes.IndexByte(block[i:], '\n')
			if e < 0 {
				e = len(block)
			} else {
				e += i
			}
			if line := trimEnd(block[s:e]); len(line) <= max {
				if f := Detect(line); f != None {
					best, at = f, s
					break
				}
			}
			from = e
		}
	}
	return best, at
}
