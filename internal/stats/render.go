package stats

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/textui"
)

// TextOptions say how to render a report for a person.
type TextOptions struct {
	// Top is how many codes (and codes not in the catalog) to list; 0 or
	// less lists them all.
	Top int
	// Color turns on ANSI colours (the caller decides: a terminal, and
	// NO_COLOR unset).
	Color bool
	// Width is the terminal width, to size the bars; 0 for the default.
	Width int
}

// DefaultTop is how many codes a text report lists by default.
const DefaultTop = 10

const (
	defaultBar = 20 // bar length in cells when the width is unknown
	minBar     = 10
	maxBar     = 50
)

// WriteJSON writes r as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes r for a person: the totals, then tables by system, by
// category and of the top codes with bars scaled to each table's largest
// count, then the codes the catalog does not have.
func (r *Report) WriteText(w io.Writer, o TextOptions) error {
	p := func(style, s string) string { return textui.Paint(o.Color, style, s) }
	var b strings.Builder
	if r.Interrupted {
		b.WriteString(p(textui.Yellow, "Interrupted: the counts cover the input read before the signal."))
		b.WriteString("\n")
	}
	files := fmt.Sprintf("%d inputs", len(r.Inputs))
	if len(r.Inputs) == 1 {
		files = "1 input"
	}
	distinct := len(r.Codes)
	summary := [][2]string{
		{"Lines read", fmt.Sprintf("%s (%s, %s)", num(r.Lines), files, size(r.Bytes))},
		{"Lines annotated", fmt.Sprintf("%s (%s)", num(r.AnnotatedLines), percent(r.AnnotatedLines, r.Lines))},
		{"Codes found", fmt.Sprintf("%s (%s distinct, %s not in the catalog)", num(r.Annotations), num(int64(distinct)), num(r.Unknown))},
	}
	for _, s := range summary {
		b.WriteString(p(textui.Bold, textui.PadRight(s[0], 17)))
		b.WriteString(s[1])
		b.WriteString("\n")
	}
	if r.Annotations == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}

	var tables []barTable
	t := barTable{title: "By system"}
	for _, s := range r.Systems {
		t.add(s.Count, s.Name)
	}
	tables = append(tables, t)

	t = barTable{title: "By category"}
	for _, c := range r.Categories {
		t.add(c.Count, c.Name)
	}
	if r.Unknown > 0 {
		t.add(r.Unknown, "(not in the catalog)")
	}
	tables = append(tables, t)

	codes, more := limit(r.Codes, o.Top)
	t = barTable{title: "Codes"}
	if more > 0 {
		t.title = fmt.Sprintf("Top %d codes", len(codes))
		t.footer = fmt.Sprintf("… and %d more codes (--top 0 lists all)", more)
	}
	for _, c := range codes {
		name := c.Name
		if !c.Known {
			name = "(not in the catalog)"
		} else if len(c.OtherNames) > 0 {
			name += fmt.Sprintf(" (+%d)", len(c.OtherNames))
		}
		t.add(c.Count, c.System, c.Code, name)
	}
	tables = append(tables, t)

	// One bar length for every table: what the widest table leaves of
	// the terminal, within [minBar, maxBar].
	bar := defaultBar
	if o.Width > 0 {
		bar = maxBar
		for _, t := range tables {
			bar = min(bar, o.Width-t.width()-pctWidth-1)
		}
		bar = max(bar, minBar)
	}
	for _, t := range tables {
		if o.Width > 0 {
			t.shrink(t.width() + bar + 1 + pctWidth - o.Width)
		}
		t.write(&b, p, bar, r.Annotations)
	}

	if len(r.UnknownCodes) > 0 {
		unk, more := limit(r.UnknownCodes, o.Top)
		b.WriteString("\n")
		b.WriteString(p(textui.Bold, "Not in the catalog"))
		b.WriteString("\n")
		var cells [][]string
		for _, c := range unk {
			cells = append(cells, []string{c.System, c.Code, num(c.Count)})
		}
		widths := columnWidths(cells)
		for _, c := range cells {
			line := "  " + textui.PadRight(c[0], widths[0]) + "  " + textui.PadRight(c[1], widths[1]) + "  " + textui.PadLeft(c[2], widths[2])
			b.WriteString(p(textui.Yellow, line))
			b.WriteString("\n")
		}
		if more > 0 {
			b.WriteString(p(textui.Faint, fmt.Sprintf("  … and %d more", more)))
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func limit(cs []CodeCount, top int) ([]CodeCount, int) {
	if top > 0 && len(cs) > top {
		return cs[:top], len(cs) - top
	}
	return cs, 0
}

// barTable is a titled table of label cells, a count, a bar and the
// count's share of the total.
type barTable struct {
	title  string
	rows   [][]string // label cells then the count
	counts []int64
	footer string
}

const pctWidth = 6 // "100.0%"

func (t *barTable) add(n int64, labels ...string) {
	t.rows = append(t.rows, append(labels, num(n)))
	t.counts = append(t.counts, n)
}

// width is the columns the table takes before its bar.
func (t *barTable) width() int {
	n := 2
	for _, wd := range columnWidths(t.rows) {
		n += wd + 2
	}
	return n
}

// shrink cuts the widest label column by n columns (to no less than 12),
// ending the cut cells with "…", so that the table fits a terminal.
func (t *barTable) shrink(n int) {
	if n <= 0 || len(t.rows) == 0 {
		return
	}
	widths := columnWidths(t.rows)
	widest := 0
	for i := range widths[:len(widths)-1] {
		if widths[i] > widths[widest] {
			widest = i
		}
	}
	to := max(widths[widest]-n, 12)
	for _, row := range t.rows {
		if r := []rune(row[widest]); len(r) > to {
			row[widest] = strings.TrimRight(string(r[:to-1]), " ") + "…"
		}
	}
}

func (t *barTable) write(b *strings.Builder, p func(string, string) string, bar int, total int64) {
	if len(t.rows) == 0 {
		return
	}
	var maxCount int64
	for _, n := range t.counts {
		maxCount = max(maxCount, n)
	}
	widths := columnWidths(t.rows)
	b.WriteString("\n")
	b.WriteString(p(textui.Bold, t.title))
	b.WriteString("\n")
	for i, row := range t.rows {
		b.WriteString("  ")
		for j, cell := range row {
			if j == len(row)-1 {
				b.WriteString(textui.PadLeft(cell, widths[j])) // the count
			} else {
				b.WriteString(textui.PadRight(cell, widths[j]))
			}
			b.WriteString("  ")
		}
		bs := Bar(t.counts[i], maxCount, bar)
		b.WriteString(p(textui.Cyan, bs))
		b.WriteString(strings.Repeat(" ", bar-textui.Width(bs)))
		b.WriteString(" ")
		b.WriteString(textui.PadLeft(percent(t.counts[i], total), pctWidth))
		b.WriteString("\n")
	}
	if t.footer != "" {
		b.WriteString(p(textui.Faint, "  "+t.footer))
		b.WriteString("\n")
	}
}

// eighths are the partial blocks, from one eighth to seven.
var eighths = []string{"▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Bar returns a bar of n against max in at most width cells, drawn with
// unicode blocks to an eighth of a cell. A non-zero n always shows.
func Bar(n, maxN int64, width int) string {
	if n <= 0 || maxN <= 0 || width <= 0 {
		return ""
	}
	e := int((n*int64(width)*8 + maxN/2) / maxN) // in eighths, rounded
	if e < 1 {
		e = 1
	}
	s := strings.Repeat("█", e/8)
	if e%8 > 0 {
		s += eighths[e%8-1]
	}
	return s
}

func columnWidths(rows [][]string) []int {
	var w []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(w) {
				w = append(w, 0)
			}
			w[i] = max(w[i], textui.Width(c))
		}
	}
	return w
}

// num formats n with thousands separators: 1234567 -> "1,234,567".
func num(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func percent(n, total int64) string {
	if total <= 0 {
		return "0.0%"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(total))
}

// size formats a byte count in the unit system of errtag's human output
// (textui.Bytes): "512 B", "4.3 KiB", "1.2 MiB".
func size(n int64) string { return textui.Bytes(n) }
