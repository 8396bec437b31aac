// Package textui renders text for a person: in colour and fitted to the
// width on a terminal, plain with one record per line anywhere else, for
// grep and diff. It holds the colours, padding, wrapping and tables that
// errtag's human output (explain, catalog, stats) shares.
package textui

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// Display is how human output is rendered on one writer. The zero Display
// renders plain text with no width limit, as for a file or a pipe.
type Display struct {
	// Terminal is true when the writer is a terminal.
	Terminal bool
	// Color turns ANSI colours on.
	Color bool
	// Width is the terminal's width in columns; 0: no wrapping or
	// truncation.
	Width int
}

// For returns the Display for w: a terminal (an *os.File on one) gets its
// width, and colour unless NO_COLOR is set to something
// (https://no-color.org) or TERM is dumb; anything else gets the zero
// Display. It reads the process's environment and terminal, so commands
// take it as a function from their caller rather than calling it
// themselves.
func For(w io.Writer) Display {
	f, ok := w.(*os.File)
	if !ok {
		return Display{}
	}
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return Display{}
	}
	width, _, err := term.GetSize(fd)
	if err != nil {
		width = 0
	}
	return terminal(width, os.Getenv)
}

// defaultWidth is a terminal's width when neither the terminal nor
// COLUMNS says.
const defaultWidth = 80

// terminal is the Display of a terminal that reports width columns (0 when
// it reports none, as a serial console or some containers do), in the
// environment getenv reads: COLUMNS gives the width the terminal does not,
// and NO_COLOR or TERM=dumb turn colour off.
func terminal(width int, getenv func(string) string) Display {
	if width <= 0 {
		width = defaultWidth
		if n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && n > 0 {
			width = n
		}
	}
	color := getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	return Display{Terminal: true, Color: color, Width: width}
}

// ANSI SGR sequences, for Paint.
const (
	Reset   = "\x1b[0m"
	Bold    = "\x1b[1m"
	Faint   = "\x1b[2m"
	Red     = "\x1b[31m"
	Green   = "\x1b[32m"
	Yellow  = "\x1b[33m"
	Cyan    = "\x1b[36m"
	Magenta = "\x1b[35m"
)

// CategoryStyle is the colour of an error category (see docs/FORMATS.md)
// by how bad it usually is: green for success, red for failures of the
// server, storage or device, yellow for the rest.
func CategoryStyle(category string) string {
	switch category {
	case "success":
		return Green
	case "server", "internal", "storage", "install", "device":
		return Red
	}
	return Yellow
}

// Paint wraps s in style when colour is on.
func (d Display) Paint(style, s string) string { return Paint(d.Color, style, s) }

// Paint wraps s in style, followed by Reset, when color is true and
// neither style nor s is empty.
func Paint(color bool, style, s string) string {
	if !color || style == "" || s == "" {
		return s
	}
	return style + s + Reset
}

// Width is the number of columns s takes (one per rune: catalogs are
// mostly ASCII, and a wrong guess only makes a line wrap early or late).
func Width(s string) int { return utf8.RuneCountInString(s) }

// PadRight pads s with spaces on the right to width columns.
func PadRight(s string, width int) string {
	if n := Width(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// PadLeft pads s with spaces on the left to width columns.
func PadLeft(s string, width int) string {
	if n := Width(s); n < width {
		return strings.Repeat(" ", width-n) + s
	}
	return s
}

// Truncate shortens s to at most width columns, ending it with "…" when
// something was cut. width <= 0 means no limit.
func Truncate(s string, width int) string {
	if width <= 0 || Width(s) <= width {
		return s
	}
	if width == 1 {
		return "…"
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:width-1]), " ") + "…"
}

// Wrap breaks s into lines of at most width columns at spaces; a word
// longer than width gets a line of its own. width <= 0 returns s as one
// line.
func Wrap(s string, width int) []string {
	words := strings.Fields(s)
	if width <= 0 || len(words) == 0 {
		return []string{s}
	}
	var lines []string
	cur, curW := "", 0
	for _, w := range words {
		ww := Width(w)
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

// OneLine folds the white space of s (line breaks included) into single
// spaces, for a table cell.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Table writes rows under a bold header in columns two spaces apart. On a
// terminal (d.Width > 0) the columns in shrink are cut to fit its width,
// with "…": each in turn, the first as far as needed, down to 12 columns.
// Column right, if >= 0, is aligned to the right (counts). The last column
// is not padded. It returns w's error.
func (d Display) Table(w io.Writer, header []string, rows [][]string, right int, shrink ...int) error {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], Width(c))
		}
	}
	if d.Width > 0 {
		const minCol = 12
		over := 2*(len(widths)-1) - d.Width
		for _, wd := range widths {
			over += wd
		}
		for _, i := range shrink {
			if over <= 0 {
				break
			}
			cut := min(over, max(widths[i]-minCol, 0))
			widths[i] -= cut
			over -= cut
		}
	}
	var b strings.Builder
	line := func(cells []string, style string) {
		var l strings.Builder
		for i, c := range cells {
			if d.Width > 0 {
				c = Truncate(c, widths[i])
			}
			switch {
			case i == right:
				l.WriteString(PadLeft(c, widths[i]))
			case i == len(cells)-1:
				l.WriteString(c)
			default:
				l.WriteString(PadRight(c, widths[i]))
			}
			if i < len(cells)-1 {
				l.WriteString("  ")
			}
		}
		b.WriteString(d.Paint(style, strings.TrimRight(l.String(), " ")))
		b.WriteString("\n")
	}
	line(header, Bold)
	for _, r := range rows {
		line(r, "")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Bytes writes n bytes for a person, in binary (IEC) units, the one unit
// system of errtag's human output: 512 B, 1.5 KiB, 312.4 MiB, 2.0 GiB.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit-0.05 && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTP"[i])
}
