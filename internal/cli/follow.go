package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/errtag/errtag/internal/compress"
	"github.com/errtag/errtag/internal/follow"
	"github.com/errtag/errtag/internal/output"
	"github.com/errtag/errtag/internal/stream"
	"github.com/spf13/cobra"
)

// followOptions are the flags of follow mode (errtag -f FILE...).
type followOptions struct {
	on        bool
	fromStart bool
	state     string
	exclude   []string
}

func (f *followOptions) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVarP(&f.on, "follow", "f", false, "follow the FILEs as they grow, like tail -F: through rotation (rename and create, copytruncate), waiting for files that do not exist yet; a quoted FILE with *, ? or [ is a pattern whose files, present and future, are followed; runs until interrupted")
	fs.BoolVar(&f.fromStart, "from-start", false, "with -f, read what the FILEs already hold first (default: only what is written from now on)")
	fs.StringVar(&f.state, "state", "", "with -f, keep in `FILE` how far each file was written out, and resume from there when run again with the same FILE")
	fs.StringArrayVar(&f.exclude, "exclude", nil, "with -f, do not follow files matched by a pattern whose path or name matches `GLOB` (repeatable)")
}

// stateSaveEvery is how often, at most, the --state file is rewritten
// while lines are flowing; it is written at the end in any case.
const stateSaveEvery = time.Second

// runFollowMode runs follow mode when -f was given; done is false when
// errtag is to run as a filter. Flags of follow mode without -f, and -f
// without files, are usage errors.
func runFollowMode(ctx context.Context, e *env, o *runOptions, args []string) (done bool, err error) {
	f := &o.follow
	if !f.on {
		switch {
		case f.state != "":
			return true, configErr(errors.New("--state needs -f (--follow)"))
		case f.fromStart:
			return true, configErr(errors.New("--from-start needs -f (--follow)"))
		case len(f.exclude) > 0:
			return true, configErr(errors.New("--exclude needs -f (--follow)"))
		}
		return false, nil
	}
	if len(args) == 0 {
		return true, configErr(errors.New("-f (--follow) needs at least one FILE"))
	}
	for _, a := range args {
		if a == "-" {
			return true, configErr(errors.New("-f (--follow) follows files: standard input cannot be followed"))
		}
	}
	if f.state != "" && compress.ForName(o.outFile) != compress.None {
		// A compressor holds what it was given until a block is full,
		// so the saved offsets would run ahead of the file: a crash
		// would lose lines, and the member or frame it cuts off would
		// make the rest of a .gz unreadable.
		return true, configErr(fmt.Errorf("--state cannot be kept with a compressed -o (%s): the state would run ahead of what is on disk, and a crash would lose lines and leave the file undecodable; write -o to an uncompressed file (logrotate can compress its rotated copies), or drop --state", o.outFile))
	}
	return true, runFollow(ctx, e, o, args)
}

// runFollow follows args until ctx is done (a signal, or the output's
// reader gone), writing every line through the same matcher and sinks as
// the filter. Output is flushed whenever no more lines are waiting; the
// state, if kept, is saved only after the lines before each saved offset
// were flushed. What happens to the files (missing, appeared, rotated,
// truncated, deleted, compressed) is told on stderr, one line each,
// rate-limited.
func runFollow(ctx context.Context, e *env, o *runOptions, args []string) error {
	sinkOpts, err := o.sinkOptions()
	if err != nil {
		return configErr(err)
	}
	e.limitMemory(o.maxLine)
	t, err := o.load(e)
	if err != nil {
		return err
	}
	var state *follow.State
	var resume map[string]follow.Position
	var known []string
	var stoppedAt, watched time.Time
	if o.follow.state != "" {
		if state, err = follow.LoadState(o.follow.state); err != nil {
			return configErr(fmt.Errorf("--state: %w", err))
		}
		defer state.Close()
		resume = make(map[string]follow.Position, len(state.Files))
		for k, p := range state.Files {
			resume[k] = p
		}
		known, stoppedAt = state.Patterns, state.SavedAt()
		if state.Watched != 0 {
			watched = time.Unix(0, state.Watched)
		}
	}
	// errtag's own output is never followed (a pattern matching it would
	// read back what errtag writes, without end).
	var outs []string
	var outFiles []os.FileInfo
	if o.outFile != "" && o.outFile != "-" {
		outs = append(outs, o.outFile)
	} else if fi, err := statFile(e.stdout); err == nil && fi.Mode().IsRegular() {
		outFiles = append(outFiles, fi)
	}
	fl, err := follow.New(follow.Config{
		Files: args, Exclude: o.follow.exclude, FromStart: o.follow.fromStart,
		Resume: resume, KnownPatterns: known, StoppedAt: stoppedAt, WatchedSince: watched, MaxLine: o.maxLine,
		Outputs: outs, OutputFiles: outFiles,
		// Without a state, a last line not ended yet is written at the
		// stop, as tail -F does; with one, it is held for the next run
		// (writing it now would write its start twice).
		EndAtStop: state == nil,
	})
	if err != nil {
		var nf *follow.NotFollowableError
		if errors.As(err, &nf) {
			return &exitError{code: ExitInput, err: err}
		}
		return configErr(err)
	}
	defer fl.Close()
	if state != nil {
		state.AddPatterns(fl.Patterns())
	}
	if len(fl.Patterns()) > 0 {
		o.manyInputs = true // files come and go: --format json names them
	}

	rs := newStatsHook(o.stats, e)
	defer rs.finish(ctx)
	out, err := openFollowOutput(e, o.outFile, state)
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	ctx, unwatch := watchOutput(ctx, out)
	defer unwatch()
	// The Writer keeps the lines of different sinks apart; tail knows
	// whether the output ends inside a line.
	tail := &lineEnd{w: out, atStart: true}
	w := output.NewWriter(tail)
	fo := &followSinks{
		newSink: func(name string) (stream.Sink, error) { return o.newSink(w, sinkOpts, name) },
		// Each file's matcher is the one its path is bound to (inputs:).
		procs: newProcessors(t, stream.Options{MaxLine: o.maxLine, OnAnnotated: rs.hook()}),
		sinks: map[string]stream.Sink{}, counts: map[string]*stream.Stats{}, mid: map[string]bool{},
		joints: map[string]*stream.Joint{},
	}
	defer func() {
		for _, name := range fo.order {
			rs.addInput(name, *fo.counts[name])
		}
	}()
	fout, _ := out.(*followOutput)
	sv := &stateSaver{state: state, pending: map[string]follow.Position{}, forget: map[string]bool{}, e: e, out: fout, watching: fl.Watching}
	// The output, as opened (truncated back to the state's mark), holds
	// what the loaded positions count.
	sv.mark = fout.mark()
	if state != nil && state.SavedAt().IsZero() {
		// A new state is saved at once, with the patterns: killed
		// before its first save, a run left none, and the restart took
		// the files that appeared meanwhile for present at a first
		// start (read from their end).
		sv.dirty = true
		sv.save(false)
	}
	if state != nil && state.Output != nil && state.Output.Clean {
		// Saved at a clean stop, the mark tells a later run that bytes
		// beyond it are another program's. This run's first write
		// must not leave it so: were this run killed before its first
		// save, its lines would be kept and written again (the
		// positions do not count them). The mark is saved unclean
		// before the first write.
		sv.dirty, sv.fresh = true, true
	}
	fail := func(err error) error { return followWriteFailure(fl, sv, o.outFile, err) }
	say := newNotifier(e.stderr)
	defer say.flush()
	chunks, stopping := fl.Chunks(), false
	type heldNote struct{ kind, msg string }
	var held []heldNote // notices waiting for the state to be saved
	defer func() {
		for _, n := range held {
			say.say(n.kind, n.msg)
		}
	}()
	for {
		var c follow.Chunk
		var ok bool
		select {
		case c, ok = <-chunks:
		case <-ctx.Done():
			// Deliver what was read, then stop.
			if !stopping {
				fl.Stop()
				stopping = true
			}
			c, ok = <-chunks
		case <-sv.due():
			sv.save(false)
			continue
		}
		if !ok {
			break
		}
		if c.Err != nil {
			say.say("error", describeFollowError(c))
			continue
		}
		if msg := describeNote(c); msg != "" {
			held = append(held, heldNote{c.Note.String(), msg})
		}
		if len(c.Data) > 0 {
			sv.beforeWrite()
		}
		if err := fo.write(c); err != nil {
			return fail(err)
		}
		if c.Note == follow.Gone {
			sv.gone(c.Source)
			if st, ok, err := fo.forget(c.Source); err != nil {
				return fail(err)
			} else if ok {
				rs.addInput(c.Source, st)
			}
		} else if c.HasPos() {
			sv.handled(c)
		}
		// A notice is told once the state holds the file's first
		// position: a kill right after "appeared" or "no such file"
		// left no entry, and the restart took the file for one present
		// at a first start (read from its end). The first positions of
		// a burst are saved together.
		if sv.fresh && len(chunks) == 0 {
			sv.save(false)
		}
		if !sv.fresh || sv.failed {
			for _, n := range held {
				say.say(n.kind, n.msg)
			}
			held = held[:0]
		}
		if len(chunks) == 0 {
			// Nothing waiting: write out now, then the state may
			// record it.
			if err := w.Flush(); err != nil {
				return fail(err)
			}
			sv.flushed(stopping)
		}
	}
	// A too-long line whose end has not come is closed (in JSON, its
	// record). Without --state nothing follows the output's last line:
	// like batch mode, errtag adds no newline at the very end, so a last
	// line without one (written at the stop, as tail -F does) comes out
	// byte-exact. With --state a restart writes on after it (-o is
	// appended to): the line is ended, so that the next run's first line
	// starts on its own.
	if err := fo.endLong(); err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if state != nil {
		if err := tail.end(); err != nil {
			return fail(err)
		}
	}
	sv.flushed(true)
	sv.clean = true // everything read was written: a clean stop
	sv.save(true)
	return finishOutput(out, nil)
}

// lineEnd is what the output Writer flushes to: it knows whether the
// output ends inside a line.
type lineEnd struct {
	w       io.Writer
	atStart bool
}

func (l *lineEnd) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	if n > 0 {
		l.atStart = p[n-1] == '\n'
	}
	return n, err
}

// end ends the line the output ends inside, if any.
func (l *lineEnd) end() error {
	if l.atStart {
		return nil
	}
	_, err := l.Write([]byte{'\n'})
	return err
}

// followSinks writes the chunks of every followed file to one output, each
// file through its own sink (its own -H prefix or "file" field).
type followSinks struct {
	newSink func(name string) (stream.Sink, error)
	procs   *processors
	sinks   map[string]stream.Sink
	counts  map[string]*stream.Stats
	// mid marks the files whose output ends inside a line (the last line
	// of a generation that had no newline): their next line goes through
	// a new sink, which the Writer starts on a line of its own.
	mid     map[string]bool
	order   []string // sources in the order first seen
	longSrc string   // the file whose too-long line is being written
	// joints join, per file, the lines a container runtime split into
	// records, also when the pieces come in different chunks.
	joints map[string]*stream.Joint
}

// joint returns the joint of c's file. A chunk that says the file was
// rotated, truncated or holed does not continue the lines before it, nor
// does a piece of a too-long line: the pieces of a line not ended yet are
// forgotten.
// It makes one only for a chunk of lines: notes about patterns and
// skipped files leave nothing behind.
func (fo *followSinks) joint(c follow.Chunk) *stream.Joint {
	jt := fo.joints[c.Source]
	switch {
	case jt != nil && (c.Note != follow.NoNote || c.Part != follow.Lines):
		jt.Reset()
	case jt == nil && c.Part == follow.Lines && len(c.Data) > 0:
		jt = &stream.Joint{}
		fo.joints[c.Source] = jt
	}
	return jt
}

func (fo *followSinks) sink(src string) (stream.Sink, error) {
	if s := fo.sinks[src]; s != nil && !fo.mid[src] {
		return s, nil
	}
	delete(fo.mid, src)
	s, err := fo.newSink(src)
	if err != nil {
		return nil, err
	}
	fo.sinks[src] = s
	if fo.counts[src] == nil {
		fo.counts[src] = &stream.Stats{}
		fo.order = append(fo.order, src)
	}
	return s, nil
}

// write writes the data of c. A line longer than --max-line comes in
// pieces, streamed through unannotated; if another file's lines come
// between two pieces, the line is ended there and its rest continues on a
// line of its own.
func (fo *followSinks) write(c follow.Chunk) error {
	jt := fo.joint(c)
	if len(c.Data) == 0 && c.Part != follow.LastPiece {
		return nil
	}
	sink, err := fo.sink(c.Source)
	if err != nil {
		return err
	}
	if fo.longSrc != c.Source {
		if err := fo.endLong(); err != nil {
			return err
		}
	}
	// A generation that ended without a newline: the next line, of
	// the next generation, goes on a line of its own.
	if c.Part != follow.Piece && (len(c.Data) == 0 || c.Data[len(c.Data)-1] != '\n') {
		defer func() { fo.mid[c.Source] = true }()
	}
	total := fo.counts[c.Source]
	switch c.Part {
	case follow.Lines:
		st, err := fo.procs.of(c.Source).LinesJoint(sink, c.Data, jt)
		add(total, st)
		return err
	case follow.Piece, follow.LastPiece:
		total.Bytes += int64(len(c.Data))
		if fo.longSrc != c.Source {
			fo.longSrc = c.Source
			if err := sink.LongStart(); err != nil {
				return &stream.WriteError{Err: err}
			}
		}
		line, term := c.Data, []byte(nil)
		if c.Part == follow.LastPiece {
			line, term = splitTerm(c.Data)
		}
		if err := sink.LongChunk(line); err != nil {
			return &stream.WriteError{Err: err}
		}
		if c.Part == follow.LastPiece {
			fo.longSrc = ""
			total.Lines++
			if err := sink.LongEnd(term); err != nil {
				return &stream.WriteError{Err: err}
			}
		}
	}
	return nil
}

// forget drops the sink of src, a file that is gone for good (over days of
// churn, sinks would pile up), and returns its counts.
func (fo *followSinks) forget(src string) (stream.Stats, bool, error) {
	c := fo.counts[src]
	if c == nil {
		return stream.Stats{}, false, nil
	}
	if fo.longSrc == src {
		if err := fo.endLong(); err != nil {
			return stream.Stats{}, false, err
		}
	}
	delete(fo.sinks, src)
	delete(fo.counts, src)
	delete(fo.mid, src)
	delete(fo.joints, src)
	fo.order = slices.DeleteFunc(fo.order, func(s string) bool { return s == src })
	return *c, true, nil
}

// endLong ends a too-long line whose end has not come.
func (fo *followSinks) endLong() error {
	if fo.longSrc == "" {
		return nil
	}
	s := fo.sinks[fo.longSrc]
	fo.longSrc = ""
	if err := s.LongEnd(nil); err != nil {
		return &stream.WriteError{Err: err}
	}
	return nil
}

// splitTerm separates a line's terminator (LF or CRLF; a CR not before an
// LF is part of the line), as the stream does.
func splitTerm(b []byte) (line, term []byte) {
	n := len(b)
	switch {
	case n > 1 && b[n-2] == '\r' && b[n-1] == '\n':
		return b[:n-2], b[n-2:]
	case n > 0 && b[n-1] == '\n':
		return b[:n-1], b[n-1:]
	}
	return b, nil
}

func add(total *stream.Stats, st stream.Stats) {
	if total != nil {
		total.Bytes += st.Bytes
		total.Lines += st.Lines
		total.Annotated += st.Annotated
	}
}

func describeFollowError(c follow.Chunk) string {
	msg := c.Err.Error()
	if c.Source == "" || strings.Contains(msg, c.Source) {
		return msg
	}
	return c.Source + ": " + msg
}

// describeNote is the line telling the user what happened to a followed
// file, as tail -F does ("" for none).
func describeNote(c follow.Chunk) string {
	switch c.Note {
	case follow.Missing:
		return c.Source + ": no such file; following it when it appears"
	case follow.Appeared:
		return c.Source + ": appeared; following it from its start"
	case follow.Rotated:
		return c.Source + ": rotated; reading the old file to its end, then the new one"
	case follow.Truncated:
		return c.Source + ": truncated; reading it again from its start"
	case follow.Gone:
		return c.Source + ": deleted; read to its end and released"
	case follow.Hole:
		return fmt.Sprintf("%s: skipped a hole of %d NUL bytes, never written (a writer without O_APPEND wrote on past a truncation)", c.Source, c.Size)
	case follow.NoMatch:
		return fmt.Sprintf("%q matches no file yet; following files as they appear", c.Source)
	case follow.Output:
		return c.Source + ": errtag's own output: not followed"
	case follow.Skipped:
		if c.Path == c.Source {
			return c.Path + ": compressed: not followed (errtag without -f reads a compressed file once)"
		}
		return fmt.Sprintf("%s: %s is compressed: not read (a copy compressed while errtag follows the file holds lines already read; one rotated and compressed while errtag was stopped holds lines that are not read, except the one errtag stopped in, which is decoded)", c.Source, c.Path)
	}
	return ""
}

// followWriteFailure ends follow mode on an error writing the output
// (name: -o's FILE, or "" for standard output). The state keeps what was
// flushed before.
func followWriteFailure(fl *follow.Follower, sv *stateSaver, name string, err error) error {
	fl.Close()
	sv.save(true)
	var we *stream.WriteError
	if errors.As(err, &we) {
		err = we.Err
	}
	return outputFailure(name, err)
}

// notifier writes notices to stderr, at most noticeBurst of each kind per
// noticeWindow; the rest are counted and the count is told.
type notifier struct {
	w     io.Writer
	now   func() time.Time
	kinds map[string]*noticeCount
	order []string
}

type noticeCount struct {
	start       time.Time
	shown, held int
}

const (
	noticeBurst  = 10
	noticeWindow = 10 * time.Second
)

func newNotifier(w io.Writer) *notifier {
	return &notifier{w: w, now: time.Now, kinds: map[string]*noticeCount{}}
}

func (n *notifier) say(kind, msg string) {
	now := n.now()
	k := n.kinds[kind]
	if k == nil {
		k = &noticeCount{start: now}
		n.kinds[kind] = k
		n.order = append(n.order, kind)
	}
	if now.Sub(k.start) >= noticeWindow {
		n.summary(kind, k)
		k.start, k.shown = now, 0
	}
	if k.shown < noticeBurst {
		k.shown++
		fmt.Fprintf(n.w, "errtag: %s\n", msg)
		return
	}
	k.held++
}

func (n *notifier) summary(kind string, k *noticeCount) {
	if k.held > 0 {
		fmt.Fprintf(n.w, "errtag: ... and %d more %q notices (at most %d every %v are shown)\n", k.held, kind, noticeBurst, noticeWindow)
		k.held = 0
	}
}

// flush tells the counts still held.
func (n *notifier) flush() {
	for _, kind := range n.order {
		n.summary(kind, n.kinds[kind])
	}
}

// stateSaver keeps the --state file: positions become savable once the
// output holding their lines was flushed, and are saved at most every
// stateSaveEvery while lines flow, and at the end. A file's first
// position, taken before anything was read from it, needs no flush: it is
// recorded at once, and saved before any of the file's lines is written.
//
// With -o FILE (a regular file) the output is fsynced before each save,
// so that the state is never ahead of the output on disk, and its length
// when the saved positions were counted is saved with them (the output
// mark): a restart truncates the output back to it (openFollowOutput).
type stateSaver struct {
	state   *follow.State
	pending map[string]follow.Position // handled, not yet flushed
	forget  map[string]bool            // gone, not yet flushed
	dirty   bool                       // flushed positions not saved yet
	fresh   bool                       // first positions not saved yet
	last    time.Time
	timer   *time.Timer
	e       *env
	failed  bool
	out     *followOutput // -o FILE, nil for standard output
	mark    *follow.OutputMark
	clean   bool // the save is at a clean stop (OutputMark.Clean)
	// watching says since when the patterns are watched (State.Watched).
	watching func() (time.Time, []string, bool)
}

// handled records the position after chunk c, once c was written.
func (s *stateSaver) handled(c follow.Chunk) {
	delete(s.forget, c.Source)
	if s.state != nil && len(c.Data) == 0 {
		k := follow.Key(c.Source)
		_, saved := s.state.Files[k]
		_, waits := s.pending[c.Source]
		if !saved && !waits {
			// The file's first position: none of its lines was
			// written before it.
			s.state.Files[k] = c.Pos
			s.dirty, s.fresh = true, true
			return
		}
	}
	s.pending[c.Source] = c.Pos
}

// beforeWrite saves first positions not saved yet, before lines of their
// files are written: a stop of any kind (a crash too) then leaves an
// entry for every file that was read from.
func (s *stateSaver) beforeWrite() {
	if s.fresh {
		s.save(false)
	}
}

func (s *stateSaver) gone(name string) {
	delete(s.pending, name)
	s.forget[name] = true
}

// flushed records that everything pending was written out.
func (s *stateSaver) flushed(final bool) {
	if s.state == nil {
		clear(s.pending)
		clear(s.forget)
		return
	}
	for name, p := range s.pending {
		s.state.Files[follow.Key(name)] = p
		s.dirty = true
	}
	for name := range s.forget {
		s.state.Forget(name)
		s.dirty = true
	}
	clear(s.pending)
	clear(s.forget)
	if m := s.out.mark(); m != nil {
		// The output's length now matches the positions recorded.
		s.mark = m
		s.dirty = true
	}
	if !final && s.dirty && time.Since(s.last) >= stateSaveEvery {
		s.save(false)
	}
}

// due is a channel that fires when a deferred save is due (nil if none).
func (s *stateSaver) due() <-chan time.Time {
	if s.state == nil || !s.dirty {
		return nil
	}
	if s.timer == nil {
		s.timer = time.NewTimer(max(0, stateSaveEvery-time.Since(s.last)))
	}
	return s.timer.C
}

func (s *stateSaver) save(final bool) {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if s.state == nil || (!s.dirty && !final) {
		return
	}
	s.last = time.Now()
	// The output first: the state must never count lines that a power
	// loss could take from the output.
	if t, ok := s.watchedSince(); ok {
		s.state.Watched = t.UnixNano()
	}
	err := s.out.sync()
	if err == nil {
		s.state.Output = s.mark
		if s.mark != nil {
			m := *s.mark
			m.Clean = s.clean
			s.state.Output = &m
		}
		err = s.state.Save()
	}
	if err != nil {
		if !s.failed {
			fmt.Fprintf(s.e.stderr, "errtag: --state: %v\n", err)
		}
		s.failed = true
		return
	}
	s.failed, s.dirty, s.fresh = false, false, false
}

// watchedSince is what State.Watched is to record (ok false: keep it):
// the follower's start, once it has looked at every file and the state
// has a Position for each file it follows (a file it found but whose
// Position is not saved yet would otherwise look created after it at the
// next run, and its rotated copies made before be taken for history).
func (s *stateSaver) watchedSince() (time.Time, bool) {
	if s.watching == nil {
		return time.Time{}, false
	}
	t, keys, ok := s.watching()
	if !ok {
		return t, false
	}
	for _, k := range keys {
		if _, saved := s.state.Files[k]; !saved {
			return t, false
		}
	}
	return t, true
}
