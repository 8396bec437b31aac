package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
}

func (f *followOptions) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVarP(&f.on, "follow", "f", false, "follow the FILEs as they grow, like tail -F: through rotation (rename and create, copytruncate), waiting for files that do not exist yet; runs until interrupted")
	fs.BoolVar(&f.fromStart, "from-start", false, "with -f, read what the FILEs already hold first (default: only what is written from now on)")
	fs.StringVar(&f.state, "state", "", "with -f, keep in `FILE` how far each file was written out, and resume from there when run again with the same FILE")
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
	return true, runFollow(ctx, e, o, args)
}

// runFollow follows args until ctx is done (a signal, or the output's
// reader gone), writing every line through the same matcher and sinks as
// the filter. Output is flushed whenever no more lines are waiting; the
// state, if kept, is saved only after the lines before each saved offset
// were flushed.
func runFollow(ctx context.Context, e *env, o *runOptions, args []string) error {
	sinkOpts, err := o.sinkOptions()
	if err != nil {
		return configErr(err)
	}
	l, err := o.load(e)
	if err != nil {
		return err
	}
	var state *follow.State
	resume := map[string]follow.Position{}
	if o.follow.state != "" {
		if state, err = follow.LoadState(o.follow.state); err != nil {
			return configErr(fmt.Errorf("--state: %w", err))
		}
		for _, name := range args {
			if p, ok := state.Files[follow.Key(name)]; ok {
				resume[name] = p
			}
		}
	}
	rs := newStatsHook(o.stats, e)
	defer rs.finish(ctx)
	out, err := openFollowOutput(e, o.outFile, o.follow.state != "")
	if err != nil {
		return &exitError{code: ExitInput, err: err}
	}
	ctx, unwatch := watchOutput(ctx, out)
	defer unwatch()
	// One sink per file: the writer keeps the files' lines apart.
	w := output.NewWriter(out)
	// Each file's matcher is the one its path is bound to (inputs:).
	procs := newProcessors(l, stream.Options{MaxLine: o.maxLine, OnAnnotated: rs.hook()})
	sinks := map[string]stream.Sink{}
	counts := map[string]*stream.Stats{}
	for _, name := range args {
		if sinks[name], err = o.newSink(w, sinkOpts, name); err != nil {
			return configErr(err)
		}
		counts[name] = &stream.Stats{}
	}
	defer func() {
		for _, name := range args {
			if c := counts[name]; c != nil {
				rs.addInput(name, *c)
				counts[name] = nil
			}
		}
	}()

	fl, err := follow.New(follow.Config{Files: args, FromStart: o.follow.fromStart, Resume: resume})
	if err != nil {
		return configErr(err)
	}
	defer fl.Close()
	sv := &stateSaver{state: state, pending: map[string]follow.Position{}, e: e}
	chunks, stopping := fl.Chunks(), false
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
			fmt.Fprintf(e.stderr, "errtag: %v\n", describeFollowError(c))
			continue
		}
		if len(c.Data) > 0 {
			st, err := procs.of(c.Source).Lines(sinks[c.Source], c.Data)
			add(counts[c.Source], st)
			if err != nil {
				return followWriteFailure(fl, sv, err)
			}
		}
		sv.pending[c.Source] = c.Pos
		if len(chunks) == 0 {
			// Nothing waiting: write out now, then the state may
			// record it.
			if err := w.Flush(); err != nil {
				return followWriteFailure(fl, sv, err)
			}
			sv.flushed(stopping)
		}
	}
	if err := w.Flush(); err != nil {
		return followWriteFailure(fl, sv, err)
	}
	sv.flushed(true)
	sv.save(true)
	return finishOutput(out, nil)
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

// followWriteFailure ends follow mode on an output error. The state keeps
// what was flushed before.
func followWriteFailure(fl *follow.Follower, sv *stateSaver, err error) error {
	fl.Close()
	sv.save(true)
	var we *stream.WriteError
	if errors.As(err, &we) {
		err = we.Err
	}
	return writeFailure(err)
}

// stateSaver keeps the --state file: positions become savable once the
// output holding their lines was flushed, and are saved at most every
// stateSaveEvery while lines flow, and at the end.
type stateSaver struct {
	state   *follow.State
	pending map[string]follow.Position // handled, not yet flushed
	dirty   bool                       // flushed positions not saved yet
	last    time.Time
	timer   *time.Timer
	e       *env
	failed  bool
}

// flushed records that everything pending was written out.
func (s *stateSaver) flushed(final bool) {
	if s.state == nil {
		clear(s.pending)
		return
	}
	for name, p := range s.pending {
		s.state.Files[follow.Key(name)] = p
		s.dirty = true
	}
	clear(s.pending)
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
	if err := s.state.Save(); err != nil {
		if !s.failed {
			fmt.Fprintf(s.e.stderr, "errtag: --state: %v\n", err)
		}
		s.failed = true
		return
	}
	s.failed, s.dirty = false, false
}
