package cli

import (
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// termInfo reports whether w is a terminal and, if so, its width in columns
// (0 when it cannot be read). Tests replace it to render as a terminal would.
var termInfo = func(w io.Writer) (tty bool, width int) {
	f, ok := w.(*os.File)
	if !ok {
		return false, 0
	}
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return false, 0
	}
	width, _, err := term.GetSize(fd)
	if err != nil || width <= 0 {
		width = 80
	}
	return true, width
}

// display is how human output is rendered on one writer: in colour only on a
// terminal and only when NO_COLOR is unset or empty (https://no-color.org),
// wrapped or truncated only on a terminal, to its width. Redirected output
// is plain text with one record per line, for grep and diff.
type display struct {
	color bool
	width int // 0: no wrapping or truncation
}

func displayFor(w io.Writer) display {
	tty, width := termInfo(w)
	if !tty {
		return display{}
	}
	return display{color: os.Getenv("NO_COLOR") == "", width: width}
}

// ANSI SGR sequences used by the human renderers.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrFaint  = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrCyan   = "\x1b[36m"
)

// paint wraps s in style when colour is on.
func (d display) paint(style, s string) string {
	if !d.color || s == "" {
		return s
	}
	return style + s + sgrReset
}

// textWidth is the number of columns s takes (one per rune: catalogs are
// mostly ASCII, and a wrong guess only makes a line wrap early or late).
func textWidth(s string) int { return utf8.RuneCountInString(s) }

// padRight pads s with spaces to width columns.
func padRight(s string, width int) string {
	if n := textWidth(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// truncate shortens s to at most width columns, ending it with "…" when
// something was cut. width <= 0 means no limit.
func truncate(s string, width int) string {
	if width <= 0 || textWidth(s) <= width {
		return s
	}
	if width == 1 {
		return "…"
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:width-1]), " ") + "…"
}

// wrap breaks s into lines of at most width columns at spaces; a word longer
// than width gets a line of its own. width <= 0 returns s as one line.
func wrap(s string, width int) []string {
	words := strings.Fields(s)
	if width <= 0 || len(words) == 0 {
		return []string{s}
	}
	var lines []string
	cur, curW := "", 0
	for _, w := range words {
		ww := textWidth(w)
		switch {
		case curW == 0:
			cur, curW = w, ww
		case curW+1+ww <= width:
			cur += " " + w
			curW += 1 + ww
		default:
			lines = append(lines, cur)
			cur, curW = w, ww
		}
	}
	return append(lines, cur)
}
