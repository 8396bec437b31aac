package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// inputOptions are the flags that say which inputs a run reads besides the
// FILE arguments: a list of paths (--files-from), and which share of the
// inputs is this worker's (--shard).
//
// The input list is the FILE arguments followed by the paths of the list,
// each as written: a path that appears twice (as written) is read once. A
// path is kept as listed, not resolved (./a.log and a.log are two paths),
// so that every worker given the same list computes the same shares
// whatever its working directory or file system.
type inputOptions struct {
	filesFrom string     // --files-from FILE, "-" for standard input
	null      bool       // --null: the list is separated by NUL bytes
	shard     shardValue // --shard K/N
}

func (o *inputOptions) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.filesFrom, "files-from", "", "read the input paths from `FILE` (- for standard input), one per line, after the FILE arguments; blank lines are skipped, a CR before the LF is dropped")
	fs.BoolVarP(&o.null, "null", "0", false, "with --files-from, the paths are separated by NUL bytes, as find -print0 writes them")
	fs.Var(&o.shard, "shard", "read only this worker's share `K/N` of the inputs (K from 0 to N-1, as $JOB_COMPLETION_INDEX counts): the paths whose SHA-256 taken as a number leaves K divided by N")
}

// shardSpec is a parsed --shard K/N.
type shardSpec struct {
	k, n uint64
}

// shardValue is the --shard flag: K/N, checked as it is set.
type shardValue struct {
	spec *shardSpec
	text string
}

func (v *shardValue) Set(s string) error {
	spec, err := parseShard(s)
	if err != nil {
		return &flagMistake{err.Error()}
	}
	v.spec, v.text = &spec, s
	return nil
}

func (v *shardValue) Type() string   { return "K/N" }
func (v *shardValue) String() string { return v.text }

// parseShard reads K/N: K counts from 0, as a Kubernetes Indexed Job's
// JOB_COMPLETION_INDEX does, so that --shard $JOB_COMPLETION_INDEX/N
// works; K must be below N.
func parseShard(s string) (shardSpec, error) {
	ks, ns, ok := strings.Cut(s, "/")
	if !ok {
		return shardSpec{}, fmt.Errorf("--shard %q: give K/N, this worker's number K (from 0) and the number of workers N, as in --shard 0/4", s)
	}
	if strings.TrimSpace(ks) == "" {
		return shardSpec{}, fmt.Errorf("--shard %q: K is empty (is the variable that gives it, such as $JOB_COMPLETION_INDEX, set?)", s)
	}
	k, kerr := strconv.ParseUint(ks, 10, 64)
	n, nerr := strconv.ParseUint(ns, 10, 64)
	switch {
	case errors.Is(kerr, strconv.ErrRange):
		return shardSpec{}, fmt.Errorf("--shard %q: K %q is out of range: at most %d", s, ks, uint64(math.MaxUint64))
	case errors.Is(nerr, strconv.ErrRange):
		return shardSpec{}, fmt.Errorf("--shard %q: N %q is out of range: at most %d", s, ns, uint64(math.MaxUint64))
	case kerr != nil:
		return shardSpec{}, fmt.Errorf("--shard %q: K %q is not a whole number from 0", s, ks)
	case nerr != nil || n == 0:
		return shardSpec{}, fmt.Errorf("--shard %q: N %q is not a whole number from 1", s, ns)
	case k >= n:
		return shardSpec{}, fmt.Errorf("--shard %s: K counts from 0 (as $JOB_COMPLETION_INDEX does), so with N=%d it is 0 to %d", s, n, n-1)
	}
	return shardSpec{k: k, n: n}, nil
}

// shardOf is the share, from 0 to n-1, that path belongs to among n: the
// first 8 bytes of the SHA-256 of the path's bytes, read as a big-endian
// unsigned number, modulo n. The path is taken as listed (no cleaning, no
// resolving), so every worker agrees on it. In Python:
//
//	int.from_bytes(hashlib.sha256(os.fsencode(path)).digest()[:8], "big") % n
func shardOf(path string, n uint64) uint64 {
	sum := sha256.Sum256([]byte(path))
	return binary.BigEndian.Uint64(sum[:8]) % n
}

// inputList is what a run reads, once the flags are applied.
type inputList struct {
	paths []string
	// all is every input, each once, before --shard took this worker's
	// share: --out-dir checks that no two of them have the same output,
	// so that workers writing to one directory never overwrite each
	// other's outputs.
	all []string
	// listed is true when the inputs came (also) from --files-from or
	// were narrowed by --shard: then no path means nothing to read, not
	// standard input.
	listed bool
}

// expand returns the inputs of a run: args, then the paths of
// --files-from, each once, narrowed to this worker's share by --shard. It
// reads the list before any input is read; a list that cannot be read or
// a bad flag is a usage error. A stop signal while the list is read ends
// the run (context.Canceled).
func (o *inputOptions) expand(ctx context.Context, e *env, args []string) (inputList, error) {
	if o.null && o.filesFrom == "" {
		return inputList{}, configErr(errors.New("--null (-0) says how the paths of --files-from are separated: it needs --files-from"))
	}
	shard := o.shard.spec
	if shard != nil && o.filesFrom == "" && len(args) == 0 {
		return inputList{}, configErr(errors.New("--shard shares out files by their paths: give the files (FILE... or --files-from LIST); standard input has no path"))
	}
	if o.filesFrom == "" && shard == nil {
		return inputList{paths: args, all: args}, nil
	}
	all := args
	if o.filesFrom != "" {
		for _, a := range args {
			if a == "-" && o.filesFrom == "-" {
				return inputList{}, configErr(errors.New("--files-from - reads the list from standard input, which cannot also be an input"))
			}
		}
		listed, err := o.readList(ctx, e)
		if err != nil {
			return inputList{}, err
		}
		all = append(append([]string(nil), args...), listed...)
	}
	seen := make(map[string]bool, len(all))
	var once, paths []string
	for _, p := range all {
		if p == "-" && shard != nil {
			return inputList{}, configErr(errors.New("--shard shares out files by their paths: standard input (-) has none"))
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		once = append(once, p)
		if shard == nil || shardOf(p, shard.n) == shard.k {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		switch {
		case len(once) == 0:
			fmt.Fprintf(e.stderr, "errtag: note: %s lists no path: nothing to read\n", o.listName())
		default:
			fmt.Fprintf(e.stderr, "errtag: note: --shard %s: none of the %d paths is this shard's: nothing to read\n", o.shard.text, len(once))
		}
	}
	return inputList{paths: paths, all: once, listed: true}, nil
}

// listName names the list in messages.
func (o *inputOptions) listName() string {
	if o.filesFrom == "-" {
		return "--files-from - (standard input)"
	}
	return "--files-from " + o.filesFrom
}

// readList reads the paths of --files-from.
func (o *inputOptions) readList(ctx context.Context, e *env) ([]string, error) {
	var data []byte
	var err error
	if o.filesFrom == "-" {
		data, err = readAllCtx(ctx, e.stdin)
	} else {
		var f *os.File
		if f, err = openFile(ctx, o.filesFrom, os.O_RDONLY); err == nil {
			if fi, serr := f.Stat(); serr == nil && fi.IsDir() {
				err = errors.New("is a directory")
			} else {
				data, err = readAllCtx(ctx, f)
			}
			f.Close()
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, configErr(fmt.Errorf("%s: %s", o.listName(), describeOpenError(err)))
	}
	paths, err := parseList(data, o.null)
	if err != nil {
		return nil, configErr(fmt.Errorf("%s: %w", o.listName(), err))
	}
	return paths, nil
}

// parseList splits a list of paths: one per line (LF; a CR before it, as
// a list written on Windows has, is dropped), or separated by NUL bytes
// when null is set (find -print0), where only the NULs separate. Empty
// entries are skipped: no path is empty. Nothing else is changed: spaces
// and a leading # belong to the path, since file names may hold them.
// A list whose lines hold NUL bytes was written with -print0: it is
// refused without null rather than read as one odd path.
func parseList(data []byte, null bool) ([]string, error) {
	sep := byte('\n')
	if null {
		sep = 0
	} else if i := bytes.IndexByte(data, 0); i >= 0 {
		line := bytes.Count(data[:i], []byte{'\n'}) + 1
		return nil, fmt.Errorf("line %d holds a NUL byte: for a list written by find -print0, add --null (-0)", line)
	}
	var paths []string
	for len(data) > 0 {
		entry := data
		if i := bytes.IndexByte(data, sep); i >= 0 {
			entry, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !null {
			entry = bytes.TrimSuffix(entry, []byte{'\r'})
		}
		if len(entry) == 0 {
			continue
		}
		if string(entry) == "-" {
			return nil, errors.New(`"-" (standard input) cannot be listed: give it as an argument`)
		}
		paths = append(paths, string(entry))
	}
	return paths, nil
}

// readAllCtx reads r to its end, giving up when ctx ends first (the read
// goes on in the background and its result is dropped).
func readAllCtx(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(r)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
