//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The examples' cases files pass, run as their users run them: from the
// repository root, with the example's config and nothing else.
func TestExampleCases(t *testing.T) {
	t.Parallel()
	for _, system := range []string{"postgresql", "redis"} {
		t.Run(system, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("examples", "systems", system)
			cmd := exec.Command(binary, "test", "--config", filepath.Join(dir, "errtag.yaml"), "--cases", filepath.Join(dir, "cases.yaml"))
			cmd.Dir = ".."
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("%v, stderr %q\n%s", err, stderr.String(), out)
			}
			if !strings.HasSuffix(string(out), " 0 failed\n") || strings.Contains(string(out), "\nFAIL ") {
				t.Errorf("output:\n%s", out)
			}
		})
	}
}

// TestRedisExample runs the Redis example over every real log of
// testdata/redis/: every line comes out, the lines not annotated byte for
// byte as they went in, an annotated line is the line with the annotation
// after it, the servers' own log is not touched, and each file gets as many
// annotations as it has Redis replies that say their code, counted from the
// file, not from the rules: what redis-cli printed as an error, the
// application's lines that end in a reply with its code ("failed: WRONGTYPE
// ...") or in a redis-py exception with its class (a traceback's last
// line), and its JSON records whose error is a reply with its code.
func TestRedisExample(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file    string
		replies *regexp.Regexp // the lines that must be annotated
	}{
		{"redis-server.log", regexp.MustCompile(`^$.`)},
		{"redis-cli.log", regexp.MustCompile(`^(?:\(error\) |AUTH failed: WRONGPASS )`)},
		{"app.log", regexp.MustCompile(`(?:failed|\)): [A-Z]{2,} |^redis\.exceptions\.\w+: `)},
		{"app.json", regexp.MustCompile(`"error": "[A-Z]{2,} `)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("..", "testdata", "redis", tc.file)
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(binary, "--config", filepath.Join("examples", "systems", "redis", "errtag.yaml"), filepath.Join("testdata", "redis", tc.file))
			cmd.Dir = ".."
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("%v, stderr %q", err, stderr.String())
			}
			inLines := strings.SplitAfter(string(in), "\n")
			outLines := strings.SplitAfter(string(out), "\n")
			if len(inLines) != len(outLines) {
				t.Fatalf("%d lines in, %d out", len(inLines), len(outLines))
			}
			annotated, want := 0, 0
			for i, l := range inLines {
				o := outLines[i]
				body := strings.TrimSuffix(l, "\n")
				reply := tc.replies.MatchString(body)
				if reply {
					want++
				}
				if reply != (o != l) {
					t.Errorf("line %d: a reply that says its code: %v; annotated: %v: %q", i+1, reply, o != l, o)
				}
				if o == l {
					continue
				}
				annotated++
				switch {
				case strings.HasPrefix(body, "{"):
					if !strings.HasPrefix(o, strings.TrimSuffix(body, "}")+`,"errtag":[{"system":"redis",`) {
						t.Errorf("line %d: %q became %q", i+1, l, o)
					}
				case !strings.HasPrefix(o, body+" errtag.system=redis "):
					t.Errorf("line %d: %q became %q", i+1, l, o)
				}
			}
			if annotated != want {
				t.Errorf("%d lines annotated, want %d", annotated, want)
			}
		})
	}
}
