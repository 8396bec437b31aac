// Package stats counts what errtag found in a run: the codes by system, by
// code and by category, the codes the catalog does not have, and the lines
// read and annotated; and renders the counts as a text report with bar
// charts or as JSON.
//
// A Collector is safe for concurrent use: Add and AddInput take a lock, so
// streams run in parallel can share one Collector. One lock per annotated
// line costs nothing next to matching the line, and one shared Collector
// needs no merge step.
package stats

import (
	"encoding/json"
	"sort"
	"sync"

	"github.com/errtag/errtag/internal/matcher"
	"github.com/errtag/errtag/internal/stream"
)

// Collector accumulates counts. The zero value is not usable; use New.
type Collector struct {
	mu             sync.Mutex
	inputs         []Input
	annotatedLines int64
	annotations    int64
	codes          map[codeKey]*codeCount
}

type codeKey struct{ system, code string }

type codeCount struct {
	count int64
	known bool
	names map[string]int64
	cats  map[string]int64
}

// New returns an empty Collector.
func New() *Collector { return &Collector{codes: map[codeKey]*codeCount{}} }

// Add counts the annotations of one annotated line. It has the signature
// of stream.Options.OnAnnotated.
func (c *Collector) Add(anns []matcher.Annotation) {
	if len(anns) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.annotatedLines++
	for i := range anns {
		a := &anns[i]
		c.annotations++
		k := codeKey{a.Entry.System, a.Entry.Code}
		cc := c.codes[k]
		if cc == nil {
			cc = &codeCount{names: map[string]int64{}, cats: map[string]int64{}}
			c.codes[k] = cc
		}
		cc.count++
		if a.Known {
			cc.known = true
			// A code whose row the line did not pick has no name
			// (catalog.Resolve): it counts, but names no row.
			if a.Entry.Name != "" {
				cc.names[a.Entry.Name]++
			}
			if a.Entry.Category != "" {
				cc.cats[a.Entry.Category]++
			}
		}
	}
}

// AddInput records one input read to its end (or as far as it was read):
// its name and the stream's counts. The lines it read count toward the
// report's Lines; its annotated lines are counted by Add.
func (c *Collector) AddInput(name string, st stream.Stats) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inputs = append(c.inputs, Input{File: name, Lines: st.Lines, Annotated: st.Annotated, Bytes: st.Bytes})
}

// Input is what was read from one input. Its JSON keys are those of
// errtag -c --format json: file, lines, annotated, bytes.
type Input struct {
	File      string `json:"file"`
	Lines     int64  `json:"lines"`
	Annotated int64  `json:"annotated"` // lines that got an annotation
	Bytes     int64  `json:"bytes"`     // decoded (decompressed) bytes
}

// Count is a number of annotations for one system or category.
type Count struct {
	Name  string
	Count int64
}

// SystemCounts are the counts by system; in JSON each is
// {"system": NAME, "count": N}, "system" as everywhere in errtag's JSON.
type SystemCounts []Count

// MarshalJSON writes the counts with the key "system".
func (c SystemCounts) MarshalJSON() ([]byte, error) { return marshalCounts(c, "system") }

// CategoryCounts are the counts by category; in JSON each is
// {"category": NAME, "count": N}.
type CategoryCounts []Count

// MarshalJSON writes the counts with the key "category".
func (c CategoryCounts) MarshalJSON() ([]byte, error) { return marshalCounts(c, "category") }

func marshalCounts(cs []Count, key string) ([]byte, error) {
	out := make([]map[string]any, len(cs))
	for i, c := range cs {
		out[i] = map[string]any{key: c.Name, "count": c.Count}
	}
	return json.Marshal(out)
}

// CodeCount is how often one code of one system was found.
type CodeCount struct {
	System string `json:"system"`
	Code   string `json:"code"`
	// Name and Category are those of the catalog row found most often for
	// the code (a code with several rows may have been resolved to
	// several); empty for a code the catalog does not have.
	Name     string `json:"name,omitempty"`
	Category string `json:"category,omitempty"`
	// OtherNames are the other rows' names, for a code with several.
	OtherNames []string `json:"other_names,omitempty"`
	Known      bool     `json:"known"`
	Count      int64    `json:"count"`
}

// Report is a snapshot of a Collector's counts. Lists are sorted by count,
// largest first, ties by name.
type Report struct {
	Inputs         []Input `json:"inputs"`
	Lines          int64   `json:"lines"`
	Bytes          int64   `json:"bytes"`
	AnnotatedLines int64   `json:"annotated"`
	// Annotations counts every code found (a line may carry several).
	Annotations int64 `json:"annotations"`
	// Unknown counts the codes found that their system's catalog does not
	// have.
	Unknown int64        `json:"unknown_annotations"`
	Systems SystemCounts `json:"systems"`
	// Categories counts the codes the catalog knows, by category.
	Categories CategoryCounts `json:"categories"`
	// Codes lists every code found, known or not.
	Codes []CodeCount `json:"codes"`
	// UnknownCodes lists the codes their system's catalog does not have.
	UnknownCodes []CodeCount `json:"unknown_codes"`
	// Interrupted is set when the run was stopped before the end of its
	// input (a signal): the counts cover what had been read.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Report returns the counts so far.
func (c *Collector) Report() *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &Report{
		Inputs:         append([]Input{}, c.inputs...),
		AnnotatedLines: c.annotatedLines,
		Annotations:    c.annotations,
		Systems:        SystemCounts{},
		Categories:     CategoryCounts{},
		Codes:          []CodeCount{},
		UnknownCodes:   []CodeCount{},
	}
	for _, in := range c.inputs {
		r.Lines += in.Lines
		r.Bytes += in.Bytes
	}
	systems := map[string]int64{}
	cats := map[string]int64{}
	for k, cc := range c.codes {
		systems[k.system] += cc.count
		for cat, n := range cc.cats {
			cats[cat] += n
		}
		x := CodeCount{System: k.system, Code: k.code, Known: cc.known, Count: cc.count}
		if cc.known {
			for i, n := range byCount(cc.names) {
				if i == 0 {
					x.Name = n.Name
				} else {
					x.OtherNames = append(x.OtherNames, n.Name)
				}
			}
			if cats := byCount(cc.cats); len(cats) > 0 {
				x.Category = cats[0].Name
			}
			// An unknown find of a code is impossible once the code is
			// known in its system (the catalog does not change during a
			// run), so a known code has no unknown part.
		} else {
			r.Unknown += cc.count
			r.UnknownCodes = append(r.UnknownCodes, x)
		}
		r.Codes = append(r.Codes, x)
	}
	r.Systems = byCount(systems)
	r.Categories = byCount(cats)
	sortCodes(r.Codes)
	sortCodes(r.UnknownCodes)
	return r
}

func byCount(m map[string]int64) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func sortCodes(cs []CodeCount) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.System != b.System {
			return a.System < b.System
		}
		return a.Code < b.Code
	})
}
