package rules

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/errtag/errtag/internal/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Disable is one entry of a disable: list: it switches off the rules of
// the files before it whose id matches ID and whose system is System.
type Disable struct {
	// ID is a rule id, or a pattern of ids (path.Match: * ? [...]); ""
	// for any.
	ID string
	// System is a catalog system, or AnySystem for the generic rules; ""
	// for any.
	System string
	// Reason, if given, is said by errtag test.
	Reason string
	File   string
	Line   int
}

// Where is the entry's location, FILE:LINE.
func (d *Disable) Where() string { return fmt.Sprintf("%s:%d", d.File, d.Line) }

// matches reports whether d switches off r.
func (d *Disable) matches(r *Rule) bool {
	if d.System != "" && r.System != d.System {
		return false
	}
	if d.ID == "" {
		return true
	}
	ok, _ := path.Match(d.ID, r.ID) // the pattern was checked (Check)
	return ok
}

// formerGenerics are the ids of the generic rules errtag once had built in
// (code=N, error code N, {"code": N} under --system).
var formerGenerics = []string{"generic.text-error-code", "generic.text-code", "generic.json-code"}

// formerGeneric reports whether d was written for the former built-in
// generic rules: system "*", or one of their ids or a pattern of them.
func (d *Disable) formerGeneric() bool {
	if d.System == AnySystem {
		return true
	}
	if d.System != "" || d.ID == "" {
		return false
	}
	for _, id := range formerGenerics {
		if ok, _ := path.Match(d.ID, id); ok {
			return true
		}
	}
	return false
}

func (d *Disable) describe() string {
	var what []string
	if d.ID != "" {
		what = append(what, fmt.Sprintf("id %q", d.ID))
	}
	if d.System != "" {
		what = append(what, fmt.Sprintf("system %q", d.System))
	}
	return strings.Join(what, " and ")
}

// Check reports what is wrong with the entry, if anything: it names
// neither an id nor a system, or its id pattern is malformed.
func (d *Disable) Check() error {
	if d.ID == "" && d.System == "" {
		return errors.New("disable: give the id (or a pattern of ids) or the system of the rules to switch off")
	}
	if _, err := path.Match(d.ID, ""); err != nil {
		return fmt.Errorf("disable: bad pattern %q: %v", d.ID, err)
	}
	return nil
}

var disableFields = []string{"id", "system", "reason"}

// ParseDisable reads a disable: list (of a rule file or of the config file
// named file): each entry a rule id or pattern of ids, or a mapping of id,
// system and reason.
func ParseDisable(file string, n *yaml.Node) ([]Disable, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, yamlfile.Errorf(file, n, "disable must be a list of rule ids, patterns of ids (generic.*) or {id, system, reason} mappings, found %s", yamlfile.KindName(n))
	}
	var out []Disable
	for _, item := range n.Content {
		d := Disable{File: file, Line: item.Line}
		switch item.Kind {
		case yaml.ScalarNode:
			d.ID = item.Value
		case yaml.MappingNode:
			f, err := yamlfile.Fields(file, item, disableFields...)
			if err != nil {
				return nil, fmt.Errorf("%w (in disable)", err)
			}
			for k, dst := range map[string]*string{"id": &d.ID, "system": &d.System, "reason": &d.Reason} {
				if v, ok := f[k]; ok {
					if *dst, err = yamlfile.String(file, "disable."+k, v); err != nil {
						return nil, err
					}
				}
			}
		default:
			return nil, yamlfile.Errorf(file, item, "disable: an entry is a rule id or a mapping of id, system and reason, found %s", yamlfile.KindName(item))
		}
		if err := d.Check(); err != nil {
			return nil, yamlfile.Errorf(file, item, "%v", err)
		}
		out = append(out, d)
	}
	return out, nil
}

// disable switches off the rules that ds match. An entry that matches no
// rule is an error: a typo must not silently do nothing.
func (set *Set) disable(ds []Disable) error {
	for i := range ds {
		d := &ds[i]
		kept := set.Rules[:0]
		hit := false
		for _, r := range set.Rules {
			if d.matches(r) {
				set.Off = append(set.Off, Off{Rule: r, By: d.Where(), Reason: d.Reason})
				hit = true
				continue
			}
			kept = append(kept, r)
		}
		clear(set.Rules[len(kept):])
		set.Rules = kept
		switch {
		case hit:
		case d.formerGeneric():
			// Configs written for errtag's former built-in generic
			// rules keep working: there is nothing to switch off.
			set.Warnings = append(set.Warnings, &yamlfile.Error{File: d.File, Line: d.Line,
				Msg: fmt.Sprintf("disable: %s switches nothing off: errtag has no built-in generic rules any more (--system makes only the system's own carriers count)", d.describe())})
		default:
			return &yamlfile.Error{File: d.File, Line: d.Line, Msg: fmt.Sprintf("disable: no rule loaded before this file has %s", d.describe())}
		}
	}
	return nil
}
