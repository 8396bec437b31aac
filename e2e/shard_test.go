//go:build linux

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

	"go.yaml.in/yaml/v3"
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
	for day := 1; day <= 12; day++ {
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

// jobScript is the shell script of examples/kubernetes/reprocess-job.yaml's
// container, with this machine's paths for the archive, the output
// volume, errtag and the list.
func jobScript(t *testing.T, archive, enriched, list string) string {
	t.Helper()
	data, err := os.ReadFile("../examples/kubernetes/reprocess-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Kind string `yaml:"kind"`
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct {
						Command []string `yaml:"command"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for dec.Decode(&job) == nil && job.Kind != "Job" {
	}
	cs := job.Spec.Template.Spec.Containers
	if job.Kind != "Job" || len(cs) != 1 || len(cs[0].Command) != 3 || cs[0].Command[0] != "/bin/sh" {
		t.Fatalf("the Job's container runs no /bin/sh -c SCRIPT: %+v", job)
	}
	script := cs[0].Command[2]
	for _, r := range [][2]string{
		{"/tmp/archives", list},
		{"cd /archive ", "cd " + archive + " "},
		{"--out-dir /enriched ", "--out-dir " + enriched + " "},
		{"/usr/local/bin/errtag", binary},
	} {
		if !strings.Contains(script, r[0]) {
			t.Fatalf("the Job's script has no %q:\n%s", r[0], script)
		}
		script = strings.ReplaceAll(script, r[0], r[1])
	}
	return script
}

// TestReprocessJobScript runs the Indexed Job's own script as its 8 pods
// would, at once, over a date- and host-partitioned archive whose file
// names repeat: every archive gets its output once, at its path under the
// output volume (--parents), equal to a plain run over it. When find fails
// part-way (a directory it cannot read, an I/O error), every pod fails
// and nothing is written, instead of succeeding on an incomplete list.
func TestReprocessJobScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	var rels []string
	for day := 1; day <= 6; day++ {
		for _, host := range []string{"node-a", "node-b"} {
			rel := filepath.Join("2024", "05", fmt.Sprintf("%02d", day), host, "app.log.gz")
			if err := os.MkdirAll(filepath.Join(archive, filepath.Dir(rel)), 0o755); err != nil {
				t.Fatal(err)
			}
			body := fmt.Sprintf("%s\n%s\n", rel, errLine)
			if err := os.WriteFile(filepath.Join(archive, rel), gzipBytes(t, body), 0o644); err != nil {
				t.Fatal(err)
			}
			rels = append(rels, rel)
		}
	}
	runPods := func(out string, env ...string) []error {
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for k := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				script := jobScript(t, archive, out, filepath.Join(dir, fmt.Sprintf("list-%d", k)))
				cmd := exec.Command("/bin/sh", "-c", script)
				cmd.Env = append(append(os.Environ(), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", k)), env...)
				var errb bytes.Buffer
				cmd.Stderr = &errb
				if err := cmd.Run(); err != nil {
					errs[k] = fmt.Errorf("%w: %s", err, errb.String())
				}
			}()
		}
		wg.Wait()
		return errs
	}

	out := filepath.Join(dir, "enriched")
	for k, err := range runPods(out) {
		if err != nil {
			t.Errorf("pod %d: %v", k, err)
		}
	}
	for _, rel := range rels {
		got := gunzip(t, filepath.Join(out, rel))
		code, want, _ := errtagIn(t, archive, "--format", "json", "--fields", "system,code,name,category", rel)
		if code != 0 || got != want {
			t.Errorf("%s: output %q, want %q", rel, got, want)
		}
	}

	// find fails after listing some files: every pod fails.
	fake := filepath.Join(dir, "bin")
	os.Mkdir(fake, 0o755)
	realFind, err := exec.LookPath("find")
	if err != nil {
		t.Skip("no find here")
	}
	if err := os.WriteFile(filepath.Join(fake, "find"), []byte("#!/bin/sh\n"+realFind+" \"$@\"\necho 'find: ./2024/05/03: Input/output error' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "enriched2")
	for k, err := range runPods(out2, "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH")) {
		if err == nil || !strings.Contains(err.Error(), "find failed: the list of archives is incomplete") {
			t.Errorf("pod %d, find failing: %v; want a failed pod", k, err)
		}
	}
	if _, err := os.Stat(out2); err == nil {
		t.Errorf("%s was made: something was written from an incomplete list", out2)
	}
}
