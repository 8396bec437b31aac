//go:build linux

package errtag_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/errtag/errtag"
	"golang.org/x/sys/unix"
)

// TestFilterStopsWithoutLoss: a stop while Filter waits on a pipe returns
// context.Canceled once every byte it read, an unfinished last line too, is
// written, and takes nothing more from the pipe.
func TestFilterStopsWithoutLoss(t *testing.T) {
	t.Parallel()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := tagger(t).Filter(ctx, out, pr, errtag.Output{})
		done <- err
	}()
	pw.WriteString("first line\n")
	// The line comes out while Filter waits for more.
	waitFor(t, func() bool { return out.String() == "first line\n" })
	pw.WriteString("half a li")
	// Filter takes it from the pipe (TIOCINQ is FIONREAD), and holds
	// it: the line is not done.
	waitFor(t, func() bool { n, err := unix.IoctlGetInt(int(pr.Fd()), unix.TIOCINQ); return err == nil && n == 0 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Filter returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Filter did not stop")
	}
	if out.String() != "first line\nhalf a li" {
		t.Errorf("written %q", out.String())
	}
	// Filter took nothing more from the pipe.
	pw.WriteString("ne\n")
	pw.Close()
	if rest, _ := io.ReadAll(pr); string(rest) != "ne\n" {
		t.Errorf("left in the pipe %q", rest)
	}
}
