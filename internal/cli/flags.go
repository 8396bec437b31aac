package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
// what names the command for the message.
func checkOutputName(name, formatHint string) error {
	if name == "" || name == "-" {
		return nil
	}
	if formatWords[strings.ToLower(name)] {
		return configErr(fmt.Errorf("-o %s: -o names the output FILE, and %q is the name of a format; %s (to write a file named %s, give -o ./%s)",
			name, name, formatHint, name, name))
	}
	ext := strings.ToLower(filepath.Ext(name))
	if what, ok := unwritableCompression[ext]; ok {
		return configErr(fmt.Errorf("-o %s: errtag writes gzip (.gz) and zstd (.zst) but not %s; use -o %s.gz, or pipe: errtag ... | %s",
			name, what, strings.TrimSuffix(name, filepath.Ext(name)), compressorFor[ext]))
	}
	return nil
}

// unwritableCompression are the file name extensions of compressions errtag
// does not write, and their names.
var unwritableCompression = map[string]string{
	".bz2": "bzip2", ".bz": "bzip2", ".xz": "xz", ".lzma": "lzma", ".lz": "lzip", ".lz4": "lz4",
	".z": "compress", ".zip": "zip", ".br": "brotli", ".7z": "7-Zip", ".sz": "snappy",
}

// compressorFor names the command that writes each extension's format.
var compressorFor = map[string]string{
	".bz2": "bzip2 > FILE", ".bz": "bzip2 > FILE", ".xz": "xz > FILE", ".lzma": "xz --format=lzma > FILE",
	".lz": "lzip > FILE", ".lz4": "lz4 > FILE", ".z": "compress > FILE", ".zip": "zip FILE -",
	".br": "brotli > FILE", ".7z": "7z a -si FILE", ".sz": "snzip > FILE",
}

// sizeValue is a flag holding a size in bytes, given as a number of bytes
// or with a unit: 64k, 1M, 1MiB, 1MB (k, K, KiB: 1024 bytes; KB: 1000).
type sizeValue struct{ n *int }

func newSizeValue(p *int, def int) *sizeValue {
	*p = def
	return &sizeValue{n: p}
}

func (s *sizeValue) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
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
		return 0, errors.New("not a size: give bytes, or a number with a unit (64k, 1M, 1MiB; k and KiB are 1024, KB is 1000)")
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	const limit = 1 << 40
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

// onceValue is a string flag that may be given only once: --system named
// twice is a mistake, not a choice of the last.
type onceValue struct {
	p    *string
	name string
	set  bool
}

func newOnceValue(p *string, name string) *onceValue { return &onceValue{p: p, name: name} }

func (o *onceValue) Set(v string) error {
	if o.set && v != *o.p {
		return &flagMistake{fmt.Sprintf("--%s given twice (%s, then %s): errtag takes one", o.name, *o.p, v)}
	}
	*o.p, o.set = v, true
	return nil
}

func (o *onceValue) Type() string   { return "string" }
func (o *onceValue) String() string { return *o.p }

// flagMistake is a flag's error that says everything itself, flag
// included.
type flagMistake struct{ msg string }

func (m *flagMistake) Error() string { return m.msg }

// flagError is the usage error for err, an error parsing flags: a bad
// value is named with its flag ("--max-line 1x: not a size ..."), in words
// rather than as Go's parse errors.
func flagError(err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return configErr(err)
	}
	var m *flagMistake
	if errors.As(err, &m) {
		return configErr(m)
	}
	cause := ive.Unwrap()
	var ne *strconv.NumError
	if errors.As(cause, &ne) {
		cause = errors.New("not a whole number")
		if ne.Err == strconv.ErrRange {
			cause = errors.New("out of range")
		}
	}
	return configErr(fmt.Errorf("--%s %s: %w", ive.GetFlag().Name, ive.GetValue(), cause))
}

// systemFlag adds --system, given at most once, to fs.
func systemFlag(fs *pflag.FlagSet, p *string, usage string) {
	fs.Var(newOnceValue(p, "system"), "system", usage)
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
// be a slip (an edit distance of at most 2, or a prefix), else "".
func closest(s string, words []string) string {
	best, bestD := "", 3
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

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
