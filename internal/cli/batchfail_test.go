package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/errtag/errtag/internal/outfile"
	"github.com/errtag/errtag/internal/stream"
)

// TestBatchSettle: what --out-dir does with each job's failure, injected:
// a full disk (a write error) stops the run with exit 1 and the reason,
// never a panic (it dereferenced a nil *outfile.DirError); DIR where no
// file can be made stops it too; an entry that refuses to be replaced is
// named and the others go on.
func TestBatchSettle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		err      error
		stop     bool
		fatal    string // in the exit error's message
		said     string // on standard error
		reason   string // stopReason
		failedOK bool   // res.failed
	}{
		{name: "disk full", err: &stream.WriteError{Err: &os.PathError{Op: "write", Path: "out/.a.log.tmp", Err: syscall.ENOSPC}},
			stop: true, fatal: "writing out/a.log: no space left on device", reason: "no space left on the device"},
		{name: "disk full, wrapped", err: fmt.Errorf("finishing: %w", &stream.WriteError{Err: syscall.ENOSPC}),
			stop: true, fatal: "writing out/a.log: no space left on device", reason: "no space left on the device"},
		{name: "write error without a cause", err: &stream.WriteError{},
			stop: true, fatal: "writing out/a.log: reason unknown", reason: "the output could not be written"},
		{name: "no file in DIR", err: &outfile.DirError{Dir: "out", Err: syscall.EACCES},
			stop: true, fatal: "--out-dir out: no file can be made there: permission denied", reason: "the output could not be written"},
		{name: "DIR error without a cause", err: &outfile.DirError{Dir: "out"},
			stop: true, fatal: "no file can be made there: reason unknown", reason: "the output could not be written"},
		{name: "entry refuses", err: &outfile.ReplaceError{Dest: "out/a.log", Err: syscall.EPERM},
			said: "a.log: not written: cannot replace out/a.log: the system does not permit it", failedOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			e := newEnv(Env{Stderr: &stderr})
			b := &batch{e: e, outDir: "out", prog: newProgress(e, nil, false)}
			var res batchResult
			stop := b.settle(&res, batchJob{in: "a.log", out: filepath.Join("out", "a.log")}, tc.err)
			if stop != tc.stop || res.failed != tc.failedOK || res.stopReason != tc.reason {
				t.Errorf("stop %v, failed %v, reason %q", stop, res.failed, res.stopReason)
			}
			var ee *exitError
			switch {
			case tc.fatal == "" && res.fatal != nil:
				t.Errorf("fatal %v", res.fatal)
			case tc.fatal != "" && (!errors.As(res.fatal, &ee) || ee.code != ExitInput || !strings.Contains(ee.Error(), tc.fatal)):
				t.Errorf("fatal %v, want exit %d with %q", res.fatal, ExitInput, tc.fatal)
			}
			if !strings.Contains(stderr.String(), tc.said) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.said)
			}
		})
	}
}
