//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStatsOnSignal: errtag --stats reading a pipe that stays open, stopped
// by SIGINT, writes the report of what it read to standard error, marked
// as interrupted, and exits with 128+signal. errtag stats does the same on
// standard output.
func TestStatsOnSignal(t *testing.T) {
	t.Parallel()
	t.Run("--stats", func(t *testing.T) {
		cmd := exec.Command(binary, "--stats")
		in, _ := cmd.StdinPipe()
		outPipe, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(outPipe)
		fmt.Fprintf(in, "one\n%s\n", errLine)
		readLine(t, r, 5*time.Second)
		readLine(t, r, 5*time.Second) // the annotated line: it was counted
		cmd.Process.Signal(syscall.SIGINT)
		io.ReadAll(r)
		err := cmd.Wait()
		in.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGINT) {
			t.Errorf("exit %v, want %d", err, 128+int(syscall.SIGINT))
		}
		want := "Interrupted: the counts cover the input read before the signal.\n" +
			"Lines read       2 (1 input, 80 B)\n" +
			"Lines annotated  1 (50.0%)\n"
		if !strings.HasPrefix(stderr.String(), want) || !strings.Contains(stderr.String(), "knox-efota  -1401  DOWNLOAD_REJECTED_BY_USER") {
			t.Errorf("stderr:\n%s\nwant it to start with\n%s", stderr.String(), want)
		}
	})
	t.Run("stats", func(t *testing.T) {
		cmd := exec.Command(binary, "stats")
		inR, in, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdin = inR
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		inR.Close()
		fmt.Fprintf(in, "%s\n", errLine)
		waitConsumed(t, in)
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(patience(10 * time.Second)):
			cmd.Process.Kill()
			t.Fatal("errtag stats did not stop on SIGINT")
		}
		in.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGINT) {
			t.Errorf("exit %v, want %d", err, 128+int(syscall.SIGINT))
		}
		if !strings.HasPrefix(stdout.String(), "Interrupted: the counts cover the input read before the signal.\nLines read ") || stderr.Len() != 0 {
			t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
		}
	})
}
