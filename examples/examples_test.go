// Package examples holds no code: its test checks the configurations and
// manifests beside it. Every YAML document must parse, every Kubernetes
// object must have its apiVersion, kind and metadata.name, and every
// errtag command line they hold (Fluent Bit, Vector, Fluentd and Logstash
// commands, container commands, Spark and Hadoop commands) must be one
// errtag's flag parser accepts.
package examples

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/errtag/errtag/internal/cli"
	"go.yaml.in/yaml/v3"
)

// command is an errtag command line found in an example.
type command struct {
	file string
	line string // as the example writes it, from the word errtag on
}

// yamlDocs returns every YAML document of file, each decoded.
func yamlDocs(t *testing.T, file string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", file, i+1, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML document", file)
	}
	return docs
}

// errtagAt finds the errtag command lines in text (a shell script, a
// Fluent Bit Command, a Python string): the word errtag where a command
// starts (a line's start, after exec, a shell operator, a quote or a
// config's "command"), to the end of its line or the shell operator that
// ends it.
var errtagAt = regexp.MustCompile(`(?m)(?:^[ \t]*|exec[ \t]+|[|&;][ \t]*|["'(]|command[ \t]+)(?:[\w./-]*/)?errtag((?:[ \t]+[^\s|;&"]+|[ \t]+"[^"]*")*)`)

func commandsIn(file, text string) []command {
	var out []command
	// A shell line continued with a backslash, or a YAML folded scalar,
	// is one command.
	text = strings.ReplaceAll(text, "\\\n", " ")
	for _, m := range errtagAt.FindAllStringSubmatch(text, -1) {
		args := strings.TrimSpace(m[1])
		if !strings.HasPrefix(args, "-") {
			continue // prose or a path (errtag-fluent-bit), not a command
		}
		out = append(out, command{file: file, line: "errtag " + args})
	}
	return out
}

// kubeCommands checks a Kubernetes object and returns the errtag command
// lines of its containers and, for a ConfigMap, of the files it holds.
func kubeCommands(t *testing.T, file string, doc map[string]any) []command {
	t.Helper()
	kind, _ := doc["kind"].(string)
	meta, _ := doc["metadata"].(map[string]any)
	if doc["apiVersion"] == nil || kind == "" || meta == nil || meta["name"] == nil {
		t.Errorf("%s: a %q object without apiVersion, kind or metadata.name", file, kind)
		return nil
	}
	var out []command
	if kind == "ConfigMap" {
		data, _ := doc["data"].(map[string]any)
		for name, v := range data {
			out = append(out, commandsIn(file+":"+name, fmt.Sprint(v))...)
		}
	}
	for _, c := range containersOf(doc) {
		var words []string
		for _, key := range []string{"command", "args"} {
			list, _ := c[key].([]any)
			for _, w := range list {
				words = append(words, fmt.Sprint(w))
			}
		}
		if len(words) == 0 {
			continue
		}
		if filepath.Base(words[0]) == "errtag" {
			out = append(out, command{file: file, line: "errtag " + shellQuote(words[1:])})
			continue
		}
		out = append(out, commandsIn(file, strings.Join(words, " "))...)
	}
	return out
}

// containersOf returns the containers of a Pod, or of the pod template of
// a workload.
func containersOf(doc map[string]any) []map[string]any {
	spec, _ := doc["spec"].(map[string]any)
	if tmpl, ok := spec["template"].(map[string]any); ok {
		spec, _ = tmpl["spec"].(map[string]any)
	}
	var out []map[string]any
	for _, key := range []string{"initContainers", "containers"} {
		list, _ := spec[key].([]any)
		for _, c := range list {
			if m, ok := c.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func shellQuote(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// splitShell splits an errtag command line into its words as /bin/sh does
// (quotes, and the variables the examples use: a Kubernetes Job's
// JOB_COMPLETION_INDEX, the Hadoop mapper's ERRTAG_OUT). The line holds
// no shell operator (errtagAt stops at them), so nothing is run.
func splitShell(t *testing.T, line string) []string {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", `eval "set -- $1" && printf '%s\0' "$@"`, "sh", line)
	cmd.Env = []string{"JOB_COMPLETION_INDEX=0", "ERRTAG_OUT=/enriched"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("splitting %q: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// TestExamples loads every example and checks every errtag command line
// it holds with errtag's own flag parser (the command with --help, which
// parses every flag and runs nothing).
func TestExamples(t *testing.T) {
	var cmds []command
	kinds := map[string]int{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch filepath.Ext(p) {
		case ".yaml", ".yml":
			for _, doc := range yamlDocs(t, p) {
				if _, ok := doc["apiVersion"]; ok {
					kinds[fmt.Sprint(doc["kind"])]++
					cmds = append(cmds, kubeCommands(t, p, doc)...)
					continue
				}
				// Fluent Bit's and Vector's YAML: commands are strings or
				// lists under inputs and sources.
				cmds = append(cmds, yamlCommands(p, doc)...)
			}
		case ".conf", ".sh", ".py":
			cmds = append(cmds, commandsIn(p, string(data))...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet", "Job", "PersistentVolumeClaim"} {
		if kinds[k] == 0 {
			t.Errorf("no %s among the Kubernetes examples", k)
		}
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		seen[c.file] = true
		args := splitShell(t, c.line)
		if args[0] != "errtag" {
			t.Fatalf("%s: %q does not start with errtag", c.file, c.line)
		}
		var stdout, stderr bytes.Buffer
		code := cli.Main(append(args[1:], "--help"), cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
		if code != 0 || !strings.Contains(stdout.String(), "Usage:") {
			t.Errorf("%s: errtag does not take %q (exit %d): %s", c.file, c.line, code, stderr.String())
		}
	}
	// The files that must hold an errtag command, so that this test
	// cannot pass by finding none.
	for _, f := range []string{
		"kubernetes/fluent-bit-configmap.yaml:fluent-bit.conf", "kubernetes/reprocess-job.yaml",
		"kubernetes/spark_pipe.py", "kubernetes/hadoop-streaming.sh", "kubernetes/hadoop-mapper.sh",
		"fluent-bit/fluent-bit.conf", "fluent-bit/fluent-bit.yaml", "vector/vector.yaml",
		"fluentd/fluent.conf", "logstash/errtag.conf",
	} {
		if !seen[filepath.FromSlash(f)] {
			t.Errorf("no errtag command found in %s", f)
		}
	}
	t.Logf("%d errtag command lines checked", len(cmds))
}

// yamlCommands returns the errtag commands of a Fluent Bit YAML config
// (pipeline.inputs[].command, a string) or a Vector config
// (sources.*.command, a list of words).
func yamlCommands(file string, doc map[string]any) []command {
	var out []command
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k != "command" {
					walk(x)
					continue
				}
				switch c := x.(type) {
				case string:
					out = append(out, commandsIn(file, c)...)
				case []any:
					var words []string
					for _, w := range c {
						words = append(words, fmt.Sprint(w))
					}
					if len(words) > 0 && filepath.Base(words[0]) == "errtag" {
						out = append(out, command{file: file, line: "errtag " + shellQuote(words[1:])})
					}
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return out
}

// TestDaemonSetAndJob checks what the Kubernetes examples promise beyond
// parsing: the Fluent Bit input follows the container logs with -H, JSON
// and a state file on the hostPath the DaemonSet mounts, the rewrite_tag
// rule makes the tail input's tag, and the Job's --shard N is its
// completions.
func TestDaemonSetAndJob(t *testing.T) {
	var conf string
	for _, doc := range yamlDocs(t, "kubernetes/fluent-bit-configmap.yaml") {
		data, _ := doc["data"].(map[string]any)
		conf, _ = data["fluent-bit.conf"].(string)
	}
	cmds := commandsIn("fluent-bit.conf", conf)
	if len(cmds) != 1 {
		t.Fatalf("%d errtag commands in the ConfigMap, want 1", len(cmds))
	}
	args := splitShell(t, cmds[0].line)
	for _, want := range [][]string{{"-H"}, {"--format", "json"}, {"-f", "/var/log/containers/*.log"}, {"--state", "/var/lib/errtag/state.json"}} {
		if !containsRun(args, want) {
			t.Errorf("the exec input's errtag lacks %q: %q", want, args)
		}
	}
	rule := regexp.MustCompile(`(?m)^\s*Rule\s+\$file\s+(\S+)\s+(\S+)\s+false$`).FindStringSubmatch(conf)
	if rule == nil {
		t.Fatal("no rewrite_tag Rule on $file")
	}
	re, err := regexp.Compile(rule[1])
	if err != nil {
		t.Fatalf("Rule regex %q: %v", rule[1], err)
	}
	file := "/var/log/containers/web-7d4b9c6f5-x2x9z_shop_app-3c2a4f8e9b1d7c6a5e4f3b2a1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d.log"
	tag := strings.ReplaceAll(rule[2], "$1", re.FindStringSubmatch(file)[1])
	// What Fluent Bit's tail input makes of the file with Tag kube.*:
	// the path with / as ., after kube.
	if want := "kube" + strings.ReplaceAll(file, "/", "."); tag != want {
		t.Errorf("rewrite_tag makes %s, the tail input %s", tag, want)
	}

	var volumes, mounts []string
	for _, doc := range yamlDocs(t, "kubernetes/fluent-bit-daemonset.yaml") {
		for _, c := range containersOf(doc) {
			for _, m := range c["volumeMounts"].([]any) {
				mounts = append(mounts, fmt.Sprint(m.(map[string]any)["mountPath"]))
			}
		}
		spec := doc["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
		for _, v := range spec["volumes"].([]any) {
			if hp, ok := v.(map[string]any)["hostPath"].(map[string]any); ok {
				volumes = append(volumes, fmt.Sprint(hp["path"]))
			}
		}
	}
	for _, p := range []string{"/var/log", "/var/lib/errtag"} {
		if !strings.Contains(strings.Join(volumes, " "), p) || !strings.Contains(strings.Join(mounts, " "), p) {
			t.Errorf("the DaemonSet does not mount hostPath %s (volumes %v, mounts %v)", p, volumes, mounts)
		}
	}

	for _, doc := range yamlDocs(t, "kubernetes/reprocess-job.yaml") {
		if doc["kind"] != "Job" {
			continue
		}
		spec := doc["spec"].(map[string]any)
		if spec["completionMode"] != "Indexed" {
			t.Errorf("completionMode %v, want Indexed", spec["completionMode"])
		}
		cmds := kubeCommands(t, "reprocess-job.yaml", doc)
		if len(cmds) != 1 {
			t.Fatalf("%d errtag commands in the Job", len(cmds))
		}
		args := splitShell(t, cmds[0].line)
		i := indexOf(args, "--shard")
		if i < 0 {
			t.Fatalf("the Job's errtag has no --shard: %q", args)
		}
		_, n, _ := strings.Cut(args[i+1], "/")
		if c := fmt.Sprint(spec["completions"]); n != c {
			t.Errorf("--shard %s with completions %s", args[i+1], c)
		}
		if _, err := strconv.Atoi(n); err != nil {
			t.Errorf("--shard %s", args[i+1])
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func containsRun(list, run []string) bool {
	for i := range list {
		if i+len(run) <= len(list) && strings.Join(list[i:i+len(run)], "\x00") == strings.Join(run, "\x00") {
			return true
		}
	}
	return false
}
