package lifecycle

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestPollParent: a changed parent pid delivers SIGTERM; stop ends the
// polling without one.
func TestPollParent(t *testing.T) {
	t.Parallel()
	ch := make(chan os.Signal, 2)
	var ppid atomic.Int64
	ppid.Store(4242)
	stop := pollParent(ch, 4242, func() int { return int(ppid.Load()) }, 10*time.Millisecond)
	defer stop()
	select {
	case s := <-ch:
		t.Fatalf("signal %v while the parent lives", s)
	case <-time.After(100 * time.Millisecond):
	}
	ppid.Store(1) // reparented to init
	select {
	case s := <-ch:
		if s != syscall.SIGTERM {
			t.Errorf("got %v, want SIGTERM", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no SIGTERM after the parent changed")
	}

	ch2 := make(chan os.Signal, 2)
	stop2 := pollParent(ch2, 4242, func() int { return 1 }, time.Hour)
	stop2()
	stop2() // twice is harmless
	select {
	case s := <-ch2:
		t.Errorf("signal %v after stop", s)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestDeliverTermNeverBlocks: a full signal channel already holds the
// signal that ends the run.
func TestDeliverTermNeverBlocks(t *testing.T) {
	t.Parallel()
	ch := make(chan os.Signal, 1)
	deliverTerm(ch)
	deliverTerm(ch)
	if s := <-ch; s != syscall.SIGTERM {
		t.Errorf("got %v", s)
	}
}

func TestParentWatchWanted(t *testing.T) {
	t.Setenv(parentWatchEnv, "off")
	if parentWatchWanted() {
		t.Error("off: watching")
	}
	t.Setenv(parentWatchEnv, "ON")
	if !parentWatchWanted() {
		t.Error("ON: not watching")
	}
	t.Setenv(parentWatchEnv, "")
	if got, want := parentWatchWanted(), isPipeOrSocket(os.Stdout); got != want {
		t.Errorf("auto: %v, want %v (stdout a pipe or socket)", got, want)
	}
}

func TestIsPipeOrSocket(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if !isPipeOrSocket(w) {
		t.Error("a pipe is not a pipe")
	}
	f, err := os.Create(t.TempDir() + "/f")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isPipeOrSocket(f) || isPipeOrSocket(nil) {
		t.Error("a regular file (or nil) counted as a pipe")
	}
}

// TestWatchOutput: the context ends when the pipe's reader closes it, not
// before; other writers are not watched; stop ends the watch.
func TestWatchOutput(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no output watch on Windows")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, stop := WatchOutput(context.Background(), w)
	defer stop()
	select {
	case <-ctx.Done():
		t.Fatal("cancelled while the reader is there")
	case <-time.After(100 * time.Millisecond):
	}
	// Writing still works while watched.
	if _, err := w.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	r.Close()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not cancelled after the reader closed the pipe")
	}

	if ctx, _ := WatchOutput(context.Background(), &bytes.Buffer{}); ctx != context.Background() {
		t.Error("a bytes.Buffer is watched")
	}

	// stop: the watch ends and closing the writer is not held up.
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	ctx2, stop2 := WatchOutput(context.Background(), w2)
	stop2()
	stop2()
	<-ctx2.Done()
	closed := make(chan error, 1)
	go func() { closed <- w2.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("closing the watched writer blocked")
	}
}
