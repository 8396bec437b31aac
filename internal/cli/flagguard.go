package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The rules every flag of every command follows, whatever it holds.
//
//   - A flag that takes one value takes it once: given again with another
//     value (-o a.gz -o b.gz, --color never --color always) it is a usage
//     error that names both values, as --system always was; given again
//     with the same value it is harmless. Defaults that a command line
//     overrides belong in the config file (defaults:), which the command
//     line wins over without repeating anything.
//   - A flag that takes a list takes it again and again: --rules and
//     --catalog add a file each time, --fields adds fields
//     (--fields code --fields name is --fields code,name).
//   - A value is never empty: --system '' or -o '' is a usage error, not
//     the flag's default.
//   - A bool flag is on when given; given a value, it takes true or false,
//     and the spellings of YAML and of other tools, yes/no, on/off, 1/0.
//     Anything else is refused, saying what the flag takes.
//
// guardFlags puts these rules in front of the flags' own values, after
// the commands have made their flags; values check themselves as they are
// set (formats, fields, sizes), so that a bad value in a config file's
// defaults is reported with the file and line.

// guardFlags wraps the value of every flag of root and its commands.
func guardFlags(root *cobra.Command) {
	seen := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if seen[f] {
					return
				}
				seen[f] = true
				f.Value = guard(f)
				if f.DefValue == "[]" {
					f.DefValue = "" // an empty list is no default to show
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// guard returns f's value behind the rules above.
func guard(f *pflag.Flag) pflag.Value {
	switch v := f.Value.(type) {
	case *onceGuard, *boolGuard, *listGuard:
		return v
	case pflag.SliceValue:
		return &listGuard{Value: f.Value, slice: v, flag: f}
	}
	if f.Value.Type() == "bool" {
		return &boolGuard{Value: f.Value, flag: f}
	}
	return &onceGuard{Value: f.Value, flag: f}
}

// flagName is how messages name f: -o/--output-file, --format.
func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand + "/--" + f.Name
	}
	return "--" + f.Name
}

// onceGuard is a single value: set once, or again to the same value.
type onceGuard struct {
	pflag.Value
	flag  *pflag.Flag
	set   bool
	first string // what was given first
	value string // what it made of it (String)
}

func (g *onceGuard) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return &flagMistake{fmt.Sprintf("%s needs a value: an empty one is none%s", flagName(g.flag), valueHint(g.flag))}
	}
	if !g.set {
		if err := g.Value.Set(v); err != nil {
			return err
		}
		g.set, g.first, g.value = true, v, g.Value.String()
		return nil
	}
	if v == g.first {
		return nil
	}
	// Another spelling of the same value (JSON for json) is the same
	// value.
	if err := g.Value.Set(v); err == nil && g.Value.String() == g.value {
		return nil
	}
	g.Value.Set(g.first)
	return &flagMistake{fmt.Sprintf("%s given twice (%s, then %s): it takes one value; give one", flagName(g.flag), g.first, v)}
}

// Unwrap returns the guarded value.
func (g *onceGuard) Unwrap() pflag.Value { return g.Value }

// valueHint is " (give FORMAT)" for a flag whose usage names what it
// takes, else "".
func valueHint(f *pflag.Flag) string {
	name, _ := pflag.UnquoteUsage(f)
	if name == "" || name == "string" {
		return ""
	}
	return fmt.Sprintf(" (give %s %s)", "--"+f.Name, name)
}

// boolWords are the values a bool flag takes.
var boolWords = map[string]string{
	"true": "true", "t": "true", "yes": "true", "y": "true", "on": "true", "1": "true",
	"false": "false", "f": "false", "no": "false", "n": "false", "off": "false", "0": "false",
}

// boolGuard is a bool flag: on when given, or true or false in any of
// boolWords' spellings, once.
type boolGuard struct {
	pflag.Value
	flag  *pflag.Flag
	set   bool
	first string
}

func (g *boolGuard) Set(v string) error {
	b, ok := boolWords[strings.ToLower(strings.TrimSpace(v))]
	if !ok {
		return &flagMistake{badBool(g.flag, v)}
	}
	if g.set && b != g.first {
		return &flagMistake{fmt.Sprintf("%s given twice (%s, then %s): give it once", flagName(g.flag), g.first, b)}
	}
	if err := g.Value.Set(b); err != nil {
		return err
	}
	g.set, g.first = true, b
	return nil
}

// Unwrap returns the guarded value.
func (g *boolGuard) Unwrap() pflag.Value { return g.Value }

// IsBoolFlag tells pflag that the flag takes no value.
func (g *boolGuard) IsBoolFlag() bool { return true }

// badBool says what bool flag f takes, given v.
func badBool(f *pflag.Flag, v string) string {
	msg := fmt.Sprintf("--%s=%s: --%s is on when given and takes no value (a value, if given, is true or false; yes/no, on/off and 1/0 work too)", f.Name, v, f.Name)
	if f.Name == "follow" {
		switch strings.ToLower(v) {
		case "name", "descriptor":
			msg = fmt.Sprintf("--follow=%s: errtag -f already follows by name, like tail -F: it reopens a file that was renamed or recreated, after reading the old one to its end; give -f alone", v)
		}
	}
	return msg
}

// listGuard is a list flag: each value adds to it; an empty one is
// refused.
type listGuard struct {
	pflag.Value
	slice pflag.SliceValue
	flag  *pflag.Flag
}

func (g *listGuard) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return &flagMistake{fmt.Sprintf("%s needs a value: an empty one is none%s", flagName(g.flag), valueHint(g.flag))}
	}
	return g.Value.Set(v)
}

// Append, Replace and GetSlice make listGuard a pflag.SliceValue.
func (g *listGuard) Append(v string) error    { return g.slice.Append(v) }
func (g *listGuard) Replace(v []string) error { return g.slice.Replace(v) }
func (g *listGuard) GetSlice() []string       { return g.slice.GetSlice() }

// Unwrap returns the guarded value.
func (g *listGuard) Unwrap() pflag.Value { return g.Value }

// flagMistake is a flag's error that says everything itself, flag
// included.
type flagMistake struct{ msg string }

func (m *flagMistake) Error() string { return m.msg }

// flagError is the usage error for err, an error parsing cmd's flags: a
// bad value is named with its flag ("--max-line 1x: not a size ..."), in
// words rather than as Go's parse errors; an unknown flag gets the flag
// it is closest to, or what errtag offers for a grep habit.
func flagError(cmd *cobra.Command, err error) error {
	var m *flagMistake
	if errors.As(err, &m) {
		return configErr(m)
	}
	var ne *pflag.NotExistError
	if errors.As(err, &ne) {
		if ne.GetSpecifiedShortnames() != "" {
			return configErr(unknownShorthand(cmd, ne.GetSpecifiedName(), ne.GetSpecifiedShortnames()))
		}
		return configErr(unknownFlag(cmd, ne.GetSpecifiedName()))
	}
	var vr *pflag.ValueRequiredError
	if errors.As(err, &vr) {
		return configErr(missingValue(vr.GetFlag()))
	}
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		return configErr(fmt.Errorf("--%s %s: %w", ive.GetFlag().Name, ive.GetValue(), ive.Unwrap()))
	}
	return configErr(err)
}

// missingValue is the error for flag f given without its value.
func missingValue(f *pflag.Flag) error {
	name, _ := pflag.UnquoteUsage(f)
	return &flagMistake{fmt.Sprintf("--%s needs a %s after it: --%s %s", f.Name, name, f.Name, name)}
}

// grepHabits says, for grep's short flags that errtag does not take, what
// errtag offers instead.
var grepHabits = map[string]string{
	"i": "errtag takes no pattern, so there is no case to ignore: its rules find the codes. To search the catalogs by a word, ignoring case: errtag explain --search WORD",
	"y": "errtag takes no pattern, so there is no case to ignore: its rules find the codes. To search the catalogs by a word, ignoring case: errtag explain --search WORD",
	"n": "errtag does not number lines. Every line comes out, one for one and in order, so grep can number them: errtag FILE | grep -n -E 'errtag\\.system=|\"errtag\":\\['",
	"r": "errtag reads the FILEs it is given, not directories. For a tree: find DIR -type f -exec errtag -a -H {} +",
	"R": "errtag reads the FILEs it is given, not directories. For a tree: find DIR -type f -exec errtag -a -H {} +",
	"E": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"F": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"G": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"P": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"e": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"w": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"x": "errtag takes no pattern: its rules find the codes. Add your own with --rules FILE; errtag test LINE shows what they do",
	"A": "errtag writes no context lines: without -a it writes every line, the annotated ones annotated in place",
	"B": "errtag writes no context lines: without -a it writes every line, the annotated ones annotated in place",
	"C": "errtag writes no context lines: without -a it writes every line, the annotated ones annotated in place",
	"s": "errtag always names an input it cannot read (and exits 1); to hide the messages: 2>/dev/null",
	"m": "to stop after N annotated lines: errtag -a FILE | head -n N",
	"b": "errtag does not write byte offsets",
	"Z": "errtag does not write NUL after file names",
	"z": "errtag reads lines ending in a line feed, not NUL",
	"T": "errtag does not align with tabs",
	"U": "errtag reads every file as it is, binary or not",
}

// unknownShorthand is the error for -c, a short flag cmd does not have,
// given in the group -group.
func unknownShorthand(cmd *cobra.Command, c, group string) error {
	where := "-" + c
	if len(group) > 1 {
		where = fmt.Sprintf("-%s (in -%s)", c, group)
	}
	root := cmd.Root()
	if cmd != root {
		if f := root.Flags().ShorthandLookup(c); f != nil {
			return fmt.Errorf("unknown flag %s for %s: -%s (--%s) is a flag of errtag itself, not of %s", where, cmd.CommandPath(), c, f.Name, cmd.CommandPath())
		}
	}
	if note, ok := grepHabits[c]; ok {
		return fmt.Errorf("unknown flag %s (grep's habit?): %s. Of grep's flags errtag takes -a (only annotated lines), -v, -c, -l, -L, -q, -H and -h: errtag --help", where, note)
	}
	return fmt.Errorf("unknown flag %s; %s --help lists the flags", where, cmd.CommandPath())
}

// unknownFlag is the error for --name, a flag cmd does not have: the flag
// of cmd it is closest to, or the command that has it.
func unknownFlag(cmd *cobra.Command, name string) error {
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	sort.Strings(names)
	if s := closest(name, names); s != "" {
		return fmt.Errorf("unknown flag --%s: did you mean --%s? (%s --help)", name, s, cmd.CommandPath())
	}
	var others []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != cmd && c.Flags().Lookup(name) != nil && !c.Hidden {
			others = append(others, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd.Root())
	if len(others) > 0 {
		return fmt.Errorf("unknown flag --%s for %s: it is a flag of %s", name, cmd.CommandPath(), wordList(others, "and"))
	}
	return fmt.Errorf("unknown flag --%s; %s --help lists the flags", name, cmd.CommandPath())
}
