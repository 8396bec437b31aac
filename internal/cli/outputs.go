package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/follow"
	"github.com/errtag/errtag/internal/lifecycle"
	"github.com/errtag/errtag/internal/outfile"
)

// Outputs.
//
// An output is never an input: -o FILE, standard output and the files of
// --out-dir are compared with every input (device and inode, links
// resolved) before anything is read, and a match is a usage error.
//
// -o FILE, when FILE is a regular file or does not exist yet, is written to
// a temporary file beside it (package outfile) that replaces it when the
// run ends, so that FILE is never seen half written:
//
//   - at the end of the input, or on a first stop signal once everything
//     read has been written (exit 128+signal says the input was cut short),
//     and also when some inputs could not be read (exit 1, each named);
//   - not when no input could be opened at all, or those opened gave
//     nothing before failing, nor on a write error (disk
//     full), nor on a second signal: the temporary file is removed, FILE
//     is left as it was, and standard error says so.
//
// -o naming one of errtag's descriptors (/dev/stdout, /dev/stderr,
// /dev/fd/N, /proc/self/fd/N, or a link to one) writes into that
// descriptor, where the shell opened it (appending, or after what others
// wrote): never a new file in place of the one it is, nor a reopening,
// which would empty it. A symbolic link stays a link, also when it
// dangles (the file it names is created); links in a loop are an error.
// An existing FILE keeps its permissions, owner and group (as far as the
// process may give them).
//
// -o naming something else (a FIFO, a terminal, /dev/null) is written
// directly. In follow mode, -o FILE is written directly too, as lines
// come: with --state it is appended to, since the state says its lines
// were written (once truncated back to the length saved with the state:
// see openFollowOutput); without, it is truncated first.

// destination is the filter's output: standard output or -o FILE, with the
// lines written to it counted (for a second signal's report).
type destination struct {
	name   string        // -o's FILE; "" for standard output
	w      io.Writer     // what Write writes to: an encoder, or the output itself
	finish func() error  // ends the compressed stream; nil if none
	file   *os.File      // the file written, if -o
	tmp    *outfile.File // the temporary file, if -o names a regular file
	// desc is the descriptor -o names (/dev/stdout), if it names one.
	desc io.Writer
	// existed is true when -o's FILE existed before the run.
	existed bool
	watch   io.Writer   // what lifecycle.WatchOutput watches for a gone reader
	count   lineCounter // lines written
}

// Write writes p in pieces no larger than a pipe's buffer, so that the
// count of lines written stays close to what the output took even while a
// write blocks.
func (d *destination) Write(p []byte) (int, error) {
	const piece = 64 << 10
	written := 0
	for written < len(p) {
		n, err := d.w.Write(p[written:min(len(p), written+piece)])
		d.count.count(p[written : written+n])
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// lines is the number of lines written so far.
func (d *destination) lines() int64 { return d.count.lines.Load() }

// openDestination opens the filter's output: standard output, or -o FILE.
// It returns context.Canceled if ctx ends while it waits (a FIFO with no
// reader).
func openDestination(ctx context.Context, e *env, name string) (*destination, error) {
	d := &destination{}
	if name == "" || name == "-" {
		d.w, d.watch = e.stdout, e.stdout
		return d, nil
	}
	d.name = name
	var out io.Writer
	if fd, ok := outfile.Descriptor(name); ok {
		// -o /dev/stdout and the like: written into the descriptor the
		// shell gave, at its offset, as a redirection would.
		f, err := e.descriptor(fd)
		if err != nil {
			return nil, &exitError{code: ExitInput, err: fmt.Errorf("-o %s: %w", quoteName(name), err)}
		}
		d.desc, d.watch, out = f, f, f
	} else if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() {
		f, err := openFile(ctx, name, os.O_WRONLY)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &exitError{code: ExitInput, err: fmt.Errorf("-o %s: %s", quoteName(name), describeOpenError(err))}
		}
		d.file, d.watch, out = f, f, f
	} else {
		target, err := outfile.Resolve(name)
		if err != nil {
			return nil, &exitError{code: ExitInput, err: fmt.Errorf("-o %s: %w", quoteName(name), err)}
		}
		reportRemoved(e, outfile.RemoveStale(filepath.Dir(target), filepath.Base(target)))
		_, statErr := os.Lstat(target)
		d.existed = statErr == nil
		tmp, err := outfile.Create(target)
		if err != nil {
			return nil, &exitError{code: ExitInput, err: fmt.Errorf("-o %s: %w (%s)", quoteName(name), err, d.leftAsItWas())}
		}
		d.tmp, d.file, out = tmp, tmp.File, tmp.File
		e.ledger.addTemp(tmp, d.leftAsItWas())
	}
	w, finish, err := newEncoder(out, compress.ForName(name))
	if err != nil {
		d.abandon()
		return nil, &exitError{code: ExitInput, err: fmt.Errorf("-o %s: %w", quoteName(name), err)}
	}
	d.w, d.finish = w, finish
	return d, nil
}

// descriptor returns the writer for errtag's descriptor fd: standard
// output or standard error as the run has them, or another descriptor the
// shell opened (-o /dev/fd/3 3>>x.log), left open at the end.
func (e *env) descriptor(fd int) (io.Writer, error) {
	switch fd {
	case 1:
		return e.stdout, nil
	case 2:
		return e.stderr, nil
	}
	f := os.NewFile(uintptr(fd), "/dev/fd/"+strconv.Itoa(fd))
	if _, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("descriptor %d is not open", fd)
	}
	return f, nil
}

// leftAsItWas says what became of -o's FILE when the run did not replace
// it: left as it was, or, when it did not exist, not created.
func (d *destination) leftAsItWas() string {
	if d.existed {
		return quoteName(d.name) + " left as it was"
	}
	return quoteName(d.name) + " not created"
}

// commit ends the output: the compressed stream is finished, and -o's
// temporary file takes FILE's place (or -o's FIFO or device is closed).
func (d *destination) commit() error {
	var err error
	if d.finish != nil {
		err = d.finish()
	}
	switch {
	case d.file == nil && d.desc == nil:
		return nil // standard output
	case err != nil:
		d.abandon()
	case d.tmp != nil:
		err = d.tmp.Commit()
	case d.file != nil:
		err = d.file.Close()
	}
	if err != nil {
		return d.writeError(err)
	}
	return nil
}

// abandon drops the output: -o's temporary file is removed, leaving FILE
// as it was.
func (d *destination) abandon() {
	if d.tmp != nil {
		d.tmp.Abort()
	} else if d.file != nil {
		d.file.Close()
	}
}

// writeError turns a failure to write the output into errtag's exit. A
// pipe whose reader has gone is the reader saying it has enough
// (errtag big.log | head): not an error.
func (d *destination) writeError(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return nil
	}
	var re *outfile.ReplaceError
	if errors.As(err, &re) {
		return &exitError{code: ExitInput, err: fmt.Errorf("cannot replace %s: %s (%s)", quoteName(d.name), re.Reason(), d.leftAsItWas())}
	}
	err = withoutPath(err)
	if d.name == "" {
		return &exitError{code: ExitInput, err: fmt.Errorf("writing standard output: %w", err)}
	}
	if d.tmp != nil {
		return &exitError{code: ExitInput, err: fmt.Errorf("writing %s: %w (%s)", quoteName(d.name), err, d.leftAsItWas())}
	}
	return &exitError{code: ExitInput, err: fmt.Errorf("writing %s: %w", quoteName(d.name), err)}
}

// withoutPath returns the cause of a *os.PathError, whose path the
// message around it already names (a temporary file's name, /dev/stdout),
// and other errors as they are.
func withoutPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// reportRemoved says which leftovers of killed runs were removed.
func reportRemoved(e *env, removed []string) {
	for _, r := range removed {
		fmt.Fprintf(e.stderr, "errtag: removed %s, left by an errtag run that was killed\n", r)
	}
}

// writeFailure turns an error writing to standard output into the exit: a
// closed pipe is the reader saying it has enough, not an error.
func writeFailure(err error) error {
	return (&destination{}).writeError(err)
}

// followOutput is follow mode's -o FILE: written as lines come, appended
// to with --state.
type followOutput struct {
	io.Writer
	file   *os.File
	name   string // as -o gave it
	finish func() error
	// markable: an uncompressed regular file, whose length can be saved
	// with the state and truncated back to.
	markable bool
	regular  bool  // a regular file: synced before a state save
	start    int64 // its length when opened (after any truncation)
	written  *byteCounter
}

// byteCounter counts the bytes written through it.
type byteCounter struct {
	w io.Writer
	n int64
}

func (c *byteCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// length is the output's length: what it held when opened, and what was
// written to it since (what the encoder, if any, handed on).
func (f *followOutput) length() int64 { return f.start + f.written.n }

// Close ends the compressed stream and closes the file.
func (f *followOutput) Close() error {
	var err error
	if f.finish != nil {
		err = f.finish()
	}
	if cerr := f.file.Close(); err == nil {
		err = cerr
	}
	return err
}

// openFollowOutput opens follow mode's output: standard output, or name,
// appended to when st is set (a --state run resuming), else truncated.
//
// Appending, an uncompressed regular file is made to agree with the state:
// when it is the file the state's output mark names and it is longer than
// the mark, it is truncated back to it (what lies beyond was written after
// the last save, and its lines are written again); when it is another file
// (replaced, rotated) or shorter, nothing is removed, and stderr says so.
// It never goes on after a partial line: a file that does not end with a
// newline gets one first.
func openFollowOutput(e *env, name string, st *follow.State) (io.Writer, error) {
	if name == "" || name == "-" {
		return e.stdout, nil
	}
	if fd, ok := outfile.Descriptor(name); ok {
		return e.descriptor(fd) // written into, never emptied
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if st != nil {
		flag = os.O_RDWR | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(name, flag, 0o666)
	readable := st != nil
	if err != nil && readable && errors.Is(err, fs.ErrPermission) {
		// Write-only: its end cannot be looked at.
		readable = false
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	}
	if err != nil {
		return nil, err
	}
	c := compress.ForName(name)
	fo := &followOutput{file: f, name: name, written: &byteCounter{w: f}}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		fo.regular = true
		fo.markable = c == compress.None
		if fo.markable && st != nil {
			if err := fo.reconcile(e, fi, st.Output, readable); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	// A compressed file appended to gets a new gzip member or zstd
	// frame: both formats allow several, and decoders read them all.
	w, finish, err := newEncoder(fo.written, c)
	if err != nil {
		f.Close()
		return nil, err
	}
	fo.Writer, fo.finish = w, finish
	return fo, nil
}

// reconcile truncates the output back to the state's mark when it is the
// file the mark names and is longer, unless the mark was saved at a clean
// stop (the bytes beyond it are then another program's, and are kept), and
// ends a partial last line (when the file can be read).
func (f *followOutput) reconcile(e *env, fi os.FileInfo, m *follow.OutputMark, readable bool) error {
	size := fi.Size()
	abs, _ := filepath.Abs(f.name)
	dev, ino, ok := follow.FileIdentity(fi)
	if m != nil && m.Path == abs {
		switch {
		case !ok || dev != m.Dev || ino != m.Ino:
			fmt.Fprintf(e.stderr, "errtag: %s is not the file the --state file counted (replaced or moved since): appending to it, nothing removed; lines written after the last save may be repeated\n", quoteName(f.name))
		case size > m.Size && m.Clean:
			fmt.Fprintf(e.stderr, "errtag: %s: %d bytes were added since errtag stopped (by another program): kept, and appending after them\n", quoteName(f.name), size-m.Size)
		case size > m.Size:
			if err := f.file.Truncate(m.Size); err != nil {
				return fmt.Errorf("truncating %s back to where the --state file counted: %w", quoteName(f.name), err)
			}
			fmt.Fprintf(e.stderr, "errtag: %s: removed its last %d bytes, written after the last --state save (errtag stopped without saving again: a crash, or a kill): the lines errtag wrote there are written again\n", quoteName(f.name), size-m.Size)
			size = m.Size
		case size < m.Size:
			fmt.Fprintf(e.stderr, "errtag: %s is shorter than when the --state file was saved (truncated by another program?): appending to it\n", quoteName(f.name))
		}
	}
	f.start = size
	if size == 0 || !readable {
		return nil
	}
	last := make([]byte, 1)
	if _, err := f.file.ReadAt(last, size-1); err != nil {
		return fmt.Errorf("reading the end of %s: %w", quoteName(f.name), err)
	}
	if last[0] != '\n' {
		// Never go on after a partial line (a crash in the middle of
		// a write, or another program's).
		if _, err := f.written.Write([]byte{'\n'}); err != nil {
			return fmt.Errorf("writing %s: %w", quoteName(f.name), withoutPath(err))
		}
	}
	return nil
}

// mark is where the output stands now, for the state (nil when it cannot
// be truncated back to: standard output, a compressed or special file).
func (f *followOutput) mark() *follow.OutputMark {
	if f == nil || !f.markable {
		return nil
	}
	fi, err := f.file.Stat()
	if err != nil {
		return nil
	}
	dev, ino, _ := follow.FileIdentity(fi)
	abs, _ := filepath.Abs(f.name)
	return &follow.OutputMark{Path: abs, Dev: dev, Ino: ino, Size: f.length()}
}

// sync makes what was written to a regular file durable (a no-op for
// anything else).
func (f *followOutput) sync() error {
	if f == nil || !f.regular {
		return nil
	}
	if err := f.file.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", quoteName(f.name), withoutPath(err))
	}
	return nil
}

// watchOutput ends ctx when out, a pipe or socket, has lost its reader
// (lifecycle.WatchOutput).
func watchOutput(ctx context.Context, out io.Writer) (context.Context, func()) {
	switch o := out.(type) {
	case *followOutput:
		out = o.file
	case *destination:
		out = o.watch
	}
	return lifecycle.WatchOutput(ctx, out)
}

// finishOutput flushes w, if any, and closes out if errtag opened it (not
// standard output).
func finishOutput(out io.Writer, w interface{ Flush() error }) error {
	if w != nil {
		if err := w.Flush(); err != nil {
			return writeFailure(err)
		}
	}
	if c, ok := out.(*followOutput); ok {
		if err := c.Close(); err != nil {
			return outputFailure(c.name, err)
		}
	}
	return nil
}

// outputFailure is writeFailure naming the output: name is -o's FILE ("" or
// "-" for standard output).
func outputFailure(name string, err error) error {
	if name == "-" {
		name = ""
	}
	return (&destination{name: name}).writeError(err)
}

// newEncoder returns a writer compressing to w as c says, and the function
// that ends the compressed stream (nil if c is None). Neither closes w.
func newEncoder(w io.Writer, c compress.Compression) (io.Writer, func() error, error) {
	if c == compress.None {
		return w, nil, nil
	}
	zw, err := compress.NewWriter(w, c)
	if err != nil {
		return nil, nil, err
	}
	return zw, zw.Close, nil
}

// checkNotInputs returns a usage error if an output is also an input:
// outputs are the files, existing or not, that errtag will write (those
// that do not exist yet cannot be an input).
func checkNotInputs(e *env, inputs []string, outputs map[string]string) error {
	type in struct {
		name string
		fi   os.FileInfo
	}
	var ins []in
	for _, name := range inputs {
		var fi os.FileInfo
		var err error
		if name == "-" {
			fi, err = statFile(e.stdin)
		} else {
			fi, err = os.Stat(name)
		}
		if err == nil && fi.Mode().IsRegular() {
			ins = append(ins, in{displayName(name), fi})
		}
	}
	for out, what := range outputs {
		fi, err := os.Stat(out)
		if err != nil {
			continue
		}
		for _, i := range ins {
			switch {
			case !os.SameFile(fi, i.fi):
			case out == i.name:
				return configErr(fmt.Errorf("%s: %s would overwrite its own input", what, out))
			case i.name == displayName("-"):
				return configErr(fmt.Errorf("%s: %s would overwrite standard input, which is the same file", what, quoteName(out)))
			default:
				return configErr(fmt.Errorf("%s: %s would overwrite the input %s, the same file", what, quoteName(out), quoteName(i.name)))
			}
		}
	}
	return nil
}

// checkNotOwnFiles returns a usage error if an output (out -> the flag that
// names it) is one of own (file -> what it is: the --rules file): the same
// file by device and inode, or, when either does not exist yet (a --state
// file), the same path once links are resolved.
func checkNotOwnFiles(outputs, own map[string]string) error {
	for out, flag := range outputs {
		ofi, oerr := os.Stat(out)
		opath := absResolved(out)
		for f, what := range own {
			ffi, ferr := os.Stat(f)
			same := oerr == nil && ferr == nil && os.SameFile(ofi, ffi)
			if oerr != nil || ferr != nil {
				same = opath == absResolved(f)
			}
			if same {
				return configErr(fmt.Errorf("%s %s would overwrite %s, %s", flag, quoteName(out), what, quoteName(f)))
			}
		}
	}
	return nil
}

// absResolved is name's absolute path with its links resolved, as far as
// they lead (outfile.Resolve).
func absResolved(name string) string {
	if r, err := outfile.Resolve(name); err == nil {
		name = r
	}
	if a, err := filepath.Abs(name); err == nil {
		return a
	}
	return name
}

// checkStdoutNotInput is checkNotInputs for standard output, when it is the
// output: a regular file that is also an input would be read as it grows.
func checkStdoutNotInput(e *env, inputs []string) error {
	fi, err := statFile(e.stdout)
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	for _, name := range inputs {
		var ifi os.FileInfo
		if name == "-" {
			ifi, err = statFile(e.stdin)
		} else {
			ifi, err = os.Stat(name)
		}
		if err == nil && os.SameFile(fi, ifi) {
			return configErr(fmt.Errorf("%s: input file is output file (standard output)", displayName(name)))
		}
	}
	return nil
}

// checkStdoutNotOwn is checkNotOwnFiles for standard output, when it is
// the output (errtag --catalog cat.yaml a.log >> cat.yaml): a regular file
// that is one of own (file -> what it is), or, when listOnStdin
// (--files-from -), the file standard input reads the list from.
func checkStdoutNotOwn(e *env, own map[string]string, listOnStdin bool) error {
	fi, err := statFile(e.stdout)
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	for f, what := range own {
		if ffi, err := os.Stat(f); err == nil && os.SameFile(fi, ffi) {
			return configErr(fmt.Errorf("standard output is %s, %s: it would be overwritten", what, quoteName(f)))
		}
	}
	if ifi, err := statFile(e.stdin); listOnStdin && err == nil && os.SameFile(fi, ifi) {
		return configErr(errors.New("standard output is the --files-from list (standard input): it would be overwritten"))
	}
	return nil
}

// checkNotStdinList returns a usage error if -o out is the file standard
// input reads the --files-from - list from.
func checkNotStdinList(e *env, out string) error {
	ofi, err := os.Stat(out)
	if err != nil {
		return nil
	}
	if ifi, err := statFile(e.stdin); err == nil && ifi.Mode().IsRegular() && os.SameFile(ofi, ifi) {
		return configErr(fmt.Errorf("-o %s would overwrite the --files-from list (standard input)", quoteName(out)))
	}
	return nil
}

// statFile stats r if it is a file.
func statFile(r any) (os.FileInfo, error) {
	f, ok := r.(*os.File)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return f.Stat()
}

// checkStdoutOpen returns an error if standard output was closed when
// errtag started (errtag in.log >&-), where cat fails with EBADF: the Go
// runtime puts /dev/null, opened read-write, in place of a closed standard
// descriptor before any of errtag's code runs (runtime.checkfds), so
// writes would vanish without an error. stdoutClosed tells that apart from
// a /dev/null given on purpose as well as the kernel allows (see there);
// to discard the output on purpose, redirect it (> /dev/null) or give
// -o /dev/null.
func checkStdoutOpen(e *env) error {
	f, ok := e.stdout.(*os.File)
	if ok && stdoutClosed(f) {
		return &exitError{code: ExitInput, err: errors.New("standard output is closed, so nothing would be written; to discard the output on purpose, redirect it with > /dev/null or give -o /dev/null")}
	}
	return nil
}

// outDirTarget is where --out-dir DIR writes the output of input in:
// DIR/BASE, or with --parents (parents) DIR/PATH, PATH being in's path
// cleaned (outDirRel).
func outDirTarget(dir, in string, parents bool) string {
	if parents {
		return filepath.Join(dir, outDirRel(in))
	}
	return filepath.Join(dir, filepath.Base(in))
}

// outDirRel is the path under --out-dir DIR that --parents gives the
// output of input in: in's path cleaned, without a leading / and without
// the .. that may lead it (as tar strips them from member names), so that
// it never leads out of DIR: /a/b.gz and ./a/b.gz and ../a/b.gz all give
// a/b.gz (whose outputs then clash, which the run refuses).
func outDirRel(in string) string {
	p := filepath.Clean(filepath.FromSlash(in))
	p = strings.TrimLeft(p, string(filepath.Separator))
	for p == ".." || strings.HasPrefix(p, ".."+string(filepath.Separator)) {
		p = strings.TrimLeft(strings.TrimPrefix(p, ".."), string(filepath.Separator))
	}
	if p == "" {
		return "." // only / or ..: a directory, refused as an input
	}
	return p
}

// makeOutDirs makes the directories from root down to dir (dir is under
// root, as outDirTarget gives it), each a real directory: a symbolic link
// or a file among them is an error, so that no output is ever written out
// of root by a link planted there.
func makeOutDirs(root, dir string) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." {
		return err
	}
	p := root
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, c)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			if err := os.Mkdir(p, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			fi, err = os.Lstat(p)
		}
		switch {
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link: an output is never written through one, out of --out-dir", p)
		case !fi.IsDir():
			return fmt.Errorf("%s is not a directory", p)
		}
	}
	return nil
}
