package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestShardIndexedJob runs errtag as the pods of a Kubernetes Indexed Job
// do: N processes at once, each started by a shell with its own
// JOB_COMPLETION_INDEX, given the same list of gzip archives (each
// listing them in its own order, from standard input, NUL-separated as
// find -print0 writes them), each with --shard $JOB_COMPLETION_INDEX/N
// and --out-dir to one shared directory. Every archive gets its output
// once, equal to a plain run over it, in its compression; nothing else is
// written.
func TestShardIndexedJob(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var paths []string
	for day := 1; day <= 30; day++ {
		for _, svc := range []string{"api", "efota"} {
			rel := filepath.Join("archive", svc, fmt.Sprintf("%s-2024-05-%02d.log.gz", svc, day))
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
				t.Fatal(err)
			}
			body := fmt.Sprintf("2024-05-%02d 08:00:00 INFO %s up\n%s\nlast of %s", day, svc, errLine, rel)
			if err := os.WriteFile(filepath.Join(dir, rel), gzipBytes(t, body), 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, "./"+rel)
		}
	}
	const n = 4
	out := filepath.Join(dir, "out")
	r := rand.New(rand.NewPCG(4, 2024))
	var wg sync.WaitGroup
	results := make([]string, n)
	for k := range n {
		list := slices.Clone(paths)
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command("/bin/sh", "-c", `exec "$ERRTAG" --fields system,code --files-from - -0 --shard "$JOB_COMPLETION_INDEX/`+fmt.Sprint(n)+`" --out-dir "$OUT"`)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "ERRTAG="+binary, fmt.Sprintf("JOB_COMPLETION_INDEX=%d", k), "OUT="+out)
			cmd.Stdin = strings.NewReader(strings.Join(list, "\x00") + "\x00")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			results[k] = fmt.Sprintf("%v %s", err, errb.String())
		}()
	}
	wg.Wait()
	for k, res := range results {
		if res != "<nil> " {
			t.Errorf("worker %d: %s", k, res)
		}
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(paths) {
		t.Fatalf("%d files in %s, want %d", len(ents), out, len(paths))
	}
	for _, p := range paths {
		got := gunzip(t, filepath.Join(out, filepath.Base(p)))
		code, want, _ := errtagIn(t, dir, "--fields", "system,code", p)
		if code != 0 || got != want {
			t.Fatalf("%s: output %q, want %q", p, got, want)
		}
	}

	// A worker past the last index is refused, as is an unset index.
	for _, idx := range []string{fmt.Sprint(n), ""} {
		cmd := exec.Command("/bin/sh", "-c", `exec "$ERRTAG" --shard "$JOB_COMPLETION_INDEX/`+fmt.Sprint(n)+`" --out-dir "$OUT" ./archive/api/api-2024-05-01.log.gz`)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "ERRTAG="+binary, "JOB_COMPLETION_INDEX="+idx, "OUT="+filepath.Join(dir, "out2"))
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 || !strings.Contains(errb.String(), "--shard") {
			t.Errorf("JOB_COMPLETION_INDEX=%q: %v, stderr %q; want exit 2", idx, err, errb.String())
		}
	}
}
