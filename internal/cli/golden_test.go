package cli

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/textui"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden/")

// run calls Main in-process, with no terminal, signals or environment
// variables, and returns exit code, stdout and stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runEnv(t, Env{}, stdin, args...)
}

// runEnv is run with pe's process around Main; the streams are the test's.
func runEnv(t *testing.T, pe Env, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	pe.Stdin, pe.Stdout, pe.Stderr = strings.NewReader(stdin), &out, &errb
	code := Main(args, pe)
	return code, out.String(), errb.String()
}

// onTerminal is an Env in which every writer is a terminal width columns
// wide, in colour or not.
func onTerminal(width int, color bool) Env {
	return Env{Display: func(io.Writer) textui.Display {
		return textui.Display{Terminal: true, Color: color, Width: width}
	}}
}

// TestGolden runs every sample log under testdata/logs through both output
// formats (and, for one log, --system) and compares with the golden files in
// testdata/golden/. Run `go test ./internal/cli -run TestGolden -update` to
// rewrite them after an intended change, and review the diff.
func TestGolden(t *testing.T) {
	logs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no sample logs: %v", err)
	}
	type variant struct {
		suffix string
		args   []string
	}
	variants := []variant{
		{"auto", []string{"--format", "auto"}},
		{"json", []string{"--format", "json"}},
	}
	for _, log := range logs {
		base := strings.TrimSuffix(filepath.Base(log), ".log")
		for _, v := range variants {
			t.Run(base+"."+v.suffix, func(t *testing.T) {
				code, out, stderr := run(t, "", append(v.args, log)...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				checkGolden(t, filepath.Join("..", "..", "testdata", "golden", base+"."+v.suffix), out)
			})
		}
	}
	// The same bare-code log read with and without naming its system.
	bare := filepath.Join("..", "..", "testdata", "logs", "bare-codes.txt")
	if _, err := os.Stat(bare); err == nil {
		for _, sys := range []string{"", "knox-efota", "drupal-sdk"} {
			name := "bare-codes." + sys
			if sys == "" {
				name = "bare-codes.nosystem"
			}
			t.Run(name, func(t *testing.T) {
				args := []string{bare}
				if sys != "" {
					args = append([]string{"--system", sys}, args...)
				}
				code, out, stderr := run(t, "", args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				checkGolden(t, filepath.Join("..", "..", "testdata", "golden", name+".auto"), out)
			})
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s: first difference at line %d\n got: %q\nwant: %q\n(run with -update to accept)", path, i+1, g, w)
			}
		}
	}
}
