package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/errtag/errtag/internal/output"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Flag naming.
//
// errtag's flags follow one convention, the one its subcommands already
// used: --format names what the output looks like (errtag --format json,
// errtag catalog --format csv), -o FILE (--output-file) names where it goes,
// --json is short for the JSON format where a command also has a view for
// a person, and --from names the format of what is read (catalog import).
// Old spellings keep working and say on standard error what they are now
// (renamedFlags), so scripts do not break.

// renamedFlag is an old spelling of a flag: still accepted, with a notice.
type renamedFlag struct {
	old, now string
}

// renamed lists the old spellings of the root command's flags.
var renamed = []renamedFlag{
	{old: "output", now: "format"}, // until --output FORMAT became --format
}

// registerRenamed adds the old spelling of each renamed flag of cmd as a
// hidden flag that sets the same value.
func registerRenamed(cmd *cobra.Command) {
	f := cmd.Flags()
	for _, r := range renamed {
		now := f.Lookup(r.now)
		f.Var(now.Value, r.old, "old spelling of --"+r.now)
		f.MarkHidden(r.old)
	}
}

// noteRenamed says on standard error which old spellings were used, and
// refuses an old and a new spelling given together.
func noteRenamed(cmd *cobra.Command, e *env) error {
	f := cmd.Flags()
	for _, r := range renamed {
		if !f.Changed(r.old) || f.Lookup(r.old) == nil {
			continue
		}
		if f.Changed(r.now) {
			return configErr(fmt.Errorf("--%s and --%s are the same flag (--%s is its old name): give one", r.now, r.old, r.old))
		}
		fmt.Fprintf(e.stderr, "errtag: note: --%s is now --%s (the old name still works)\n", r.old, r.now)
	}
	return nil
}

// formatWords are words that name a format, not a file: given to -o, they
// are a kubectl habit (kubectl -o json), not a file to write.
var formatWords = map[string]bool{
	"auto": true, "json": true, "jsonl": true, "ndjson": true, "text": true, "txt": true,
	"logfmt": true, "yaml": true, "yml": true, "wide": true, "csv": true, "table": true,
	"raw": true, "plain": true,
}

// checkOutputName refuses an -o FILE that is a format's name (json), and
// one whose name asks for a compression errtag does not write (.bz2).
// formatHint says, for the message, where the format is chosen instead.
func checkOutputName(name, formatHint string) error {
	if name == "" || name == "-" {
		return nil
	}
	if formatWords[strings.ToLower(name)] {
		return &flagMistake{fmt.Sprintf("-o %s: -o names the output FILE, and %q is the name of a format; %s (to write a file named %s, give -o ./%s)",
			name, name, formatHint, name, name)}
	}
	ext := strings.ToLower(filepath.Ext(name))
	if what, ok := unwritableCompression[ext]; ok {
		return &flagMistake{fmt.Sprintf("-o %s: errtag writes gzip (.gz, .tgz) and zstd (.zst) but not %s; use -o %s.gz, or pipe: errtag ... | %s",
			name, what, strings.TrimSuffix(name, filepath.Ext(name)), compressorFor[ext])}
	}
	return nil
}

// outputFileValue is -o FILE: checked by checkOutputName as it is set.
type outputFileValue struct {
	p    *string
	hint string // checkOutputName's formatHint
}

func (o *outputFileValue) Set(v string) error {
	if err := checkOutputName(v, o.hint); err != nil {
		return err
	}
	*o.p = v
	return nil
}

func (o *outputFileValue) Type() string   { return "FILE" }
func (o *outputFileValue) String() string { return *o.p }

// unwritableCompression are the file name extensions of compressions errtag
// does not write, and their names.
var unwritableCompression = map[string]string{
	".bz2": "bzip2", ".bz": "bzip2", ".tbz2": "bzip2", ".tbz": "bzip2", ".xz": "xz", ".txz": "xz",
	".lzma": "lzma", ".tlz": "lzip", ".lz": "lzip", ".lz4": "lz4", ".lzo": "lzop", ".zz": "zlib",
	".z": "compress", ".taz": "compress", ".zip": "zip", ".br": "brotli", ".7z": "7-Zip", ".sz": "snappy",
}

// compressorFor names the command that writes each extension's format.
var compressorFor = map[string]string{
	".bz2": "bzip2 > FILE", ".bz": "bzip2 > FILE", ".tbz2": "bzip2 > FILE", ".tbz": "bzip2 > FILE",
	".xz": "xz > FILE", ".txz": "xz > FILE", ".lzma": "xz --format=lzma > FILE", ".tlz": "lzip > FILE",
	".lz": "lzip > FILE", ".lz4": "lz4 > FILE", ".lzo": "lzop > FILE", ".zz": "pigz -z > FILE",
	".z": "compress > FILE", ".taz": "compress > FILE", ".zip": "zip FILE -",
	".br": "brotli > FILE", ".7z": "7z a -si FILE", ".sz": "snzip > FILE",
}

// sizeValue is a flag holding a size in bytes, given as a number of bytes
// or with a unit: 64k, 1M, 1MiB, 1MB (k, K, KiB: 1024 bytes; KB: 1000),
// from 1 byte to limit.
type sizeValue struct {
	n     *int
	limit int
	why   string // why the limit, for its message
}

func newSizeValue(p *int, def, limit int, why string) *sizeValue {
	*p = def
	return &sizeValue{n: p, limit: limit, why: why}
}

func (s *sizeValue) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	switch {
	case n < 1:
		return errors.New("must be at least 1 byte")
	case n > s.limit:
		return fmt.Errorf("too large: at most %s (%s)", formatSize(s.limit), s.why)
	}
	*s.n = n
	return nil
}

func (s *sizeValue) Type() string   { return "BYTES" }
func (s *sizeValue) String() string { return formatSize(*s.n) }

// sizeUnits are the units parseSize takes, lower-cased.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1000,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1000 * 1000,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1000 * 1000 * 1000,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1000 * 1000 * 1000 * 1000,
}

// parseSize reads "1048576", "64k", "1M", "1 MiB" or "2MB".
func parseSize(v string) (int, error) {
	s := strings.TrimSpace(v)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') {
		i++
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(s[i:]))]
	if i == 0 || !ok {
		return 0, errors.New("not a size: give bytes, or a whole number with a unit (64k, 1M, 1MiB; k and KiB are 1024, KB is 1000)")
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	const limit = 1 << 50
	if err != nil || n > limit/unit {
		return 0, errors.New("too large")
	}
	return int(n * unit), nil
}

// formatSize writes n the shortest exact way parseSize reads back (1MiB,
// 64KiB, 1000).
func formatSize(n int) string {
	switch {
	case n > 0 && n%(1<<30) == 0:
		return strconv.Itoa(n>>30) + "GiB"
	case n > 0 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n > 0 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n)
}

// nonNegative is an int flag of 0 or more.
type nonNegative struct{ p *int }

func (n *nonNegative) Set(v string) error {
	i, err := strconv.Atoi(strings.TrimSpace(v))
	switch {
	case err != nil:
		return errors.New("not a whole number")
	case i < 0:
		return errors.New("must be 0 or more")
	}
	*n.p = i
	return nil
}

func (n *nonNegative) Type() string   { return "N" }
func (n *nonNegative) String() string { return strconv.Itoa(*n.p) }

// choiceValue is a flag that takes one of a few words, in any case.
type choiceValue struct {
	p       *string
	flag    string   // its name, for the message
	what    string   // what the words are: "format"
	choices []string // in the order the message gives them
	hint    string   // said after them, or ""
}

func (c *choiceValue) Set(v string) error {
	w := strings.ToLower(strings.TrimSpace(v))
	for _, ch := range c.choices {
		if w == ch {
			*c.p = w
			return nil
		}
	}
	msg := fmt.Sprintf("--%s: unknown %s %q: %s", c.flag, c.what, v, wordList(c.choices, "or"))
	if s := closest(w, c.choices); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	if c.hint != "" {
		msg += " (" + c.hint + ")"
	}
	return &flagMistake{msg}
}

func (c *choiceValue) Type() string   { return strings.ToUpper(c.what) }
func (c *choiceValue) String() string { return *c.p }

// formatFlags adds --format, taking one of formats (the first is the
// default), and --json, short for --format json, to fs. hint is said after
// a format that is not one of them.
func formatFlags(fs *pflag.FlagSet, p *string, asJSON *bool, formats []string, usage, hint string) {
	*p = formats[0]
	fs.Var(&choiceValue{p: p, flag: "format", what: "format", choices: formats, hint: hint}, "format", usage)
	fs.BoolVar(asJSON, "json", false, "short for --format json")
}

// resolveJSON makes --json --format json, and refuses it with another
// --format, unless one of the two comes from the config file's defaults:
// the command line wins.
func resolveJSON(cmd *cobra.Command, e *env, format *string, asJSON bool) error {
	if !asJSON {
		return nil
	}
	_, jsonFromConfig := e.config.origin["json"]
	_, formatFromConfig := e.config.origin["format"]
	formatGiven := givenAs(cmd.Flags(), "format") && !formatFromConfig
	switch {
	case !formatGiven || *format == "json":
		*format = "json"
	case jsonFromConfig:
		// --format on the command line over the config's json: true.
	default:
		return configErr(fmt.Errorf("--json and --format %s ask for two formats: give one", *format))
	}
	return nil
}

// systemFlag adds --system to fs.
func systemFlag(fs *pflag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "system", "", usage)
}

// unknownSystem is the error for --system naming no system of the catalog:
// which systems there are, in words, and the closest, if one is close.
func unknownSystem(name string, known []string) error {
	msg := fmt.Sprintf("--system: there is no system %q; the systems are %s", name, wordList(known, "and"))
	if s := closest(name, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	return configErr(errors.New(msg))
}

// wordList joins words as a sentence does: "a, b and c".
func wordList(words []string, and string) string {
	switch len(words) {
	case 0:
		return "none"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + and + " " + words[len(words)-1]
}

// closest returns the word of words nearest to s, if it is near enough to
// be a slip (an edit distance of at most 2, or 1 for a word of up to four
// letters, or a prefix of three letters or more), else "".
func closest(s string, words []string) string {
	best, bestD := "", 3
	if len(s) <= 4 {
		bestD = 2
	}
	ls := strings.ToLower(s)
	for _, w := range words {
		lw := strings.ToLower(w)
		d := editDistance(ls, lw)
		if len(ls) >= 3 && strings.HasPrefix(lw, ls) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// editDistance is the edit distance between a and b, in bytes, counting
// an insertion, a deletion, a substitution or the swap of two neighbours
// (zhs for zsh, fromat for format) as one edit (optimal string
// alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// checkNotCommand refuses a first argument that is no file but looks like
// a misspelled subcommand (errtag explian 107, errtag stat app.log): it
// says which command was meant, and nothing is read.
func checkNotCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	a := args[0]
	if a == "-" || strings.ContainsAny(a, "./\\") {
		return nil
	}
	if _, err := os.Lstat(a); err == nil {
		return nil // a file of that name: read it
	}
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
		}
	}
	if strings.EqualFold(a, "version") {
		return configErr(fmt.Errorf("unknown command %q, and no file of that name; for the version, run errtag --version", a))
	}
	if s := closest(a, names); s != "" {
		return configErr(fmt.Errorf("unknown command %q, and no file of that name: did you mean %q? (errtag %s --help)", a, s, s))
	}
	return nil
}

// fieldsValue is --fields: a list of annotation fields, comma-separated,
// that grows with each --fields given (--fields code --fields name is
// --fields code,name). Each value is checked as it is given.
type fieldsValue struct{ p *string }

func (f *fieldsValue) Set(v string) error {
	if strings.Trim(v, ", \t") == "" {
		return &flagMistake{"--fields needs at least one field: " + strings.Join(fieldNames(), ",")}
	}
	joined := v
	if *f.p != "" {
		joined = *f.p + "," + v
	}
	if _, err := output.ParseFields(joined); err != nil {
		return &flagMistake{"--fields: " + err.Error()}
	}
	*f.p = joined
	return nil
}

func (f *fieldsValue) Type() string   { return "FIELDS" }
func (f *fieldsValue) String() string { return *f.p }

// Append, Replace and GetSlice make --fields a list (pflag.SliceValue),
// which flags given again add to.
func (f *fieldsValue) Append(v string) error { return f.Set(v) }
func (f *fieldsValue) Replace(vs []string) error {
	*f.p = ""
	for _, v := range vs {
		if err := f.Set(v); err != nil {
			return err
		}
	}
	return nil
}
func (f *fieldsValue) GetSlice() []string {
	if *f.p == "" {
		return nil
	}
	return strings.Split(*f.p, ",")
}

// fieldNames are the names --fields takes.
func fieldNames() []string {
	var out []string
	for _, f := range output.AllFields() {
		out = append(out, string(f))
	}
	return out
}
