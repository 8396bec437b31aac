//go:build linux

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// kubeTagRegex is Fluent Bit's KUBE_TAG_TO_REGEX
// (plugins/filter_kubernetes/kube_regex.h), which the kubernetes filter
// applies to a record's tag after its Kube_Tag_Prefix, in Go's syntax.
var kubeTagRegex = regexp.MustCompile(`(?P<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)_(?P<namespace_name>[^_]+)_(?P<container_name>.+)-(?P<docker_id>[a-z0-9]{64})\.log$`)

// fakeNode lays out container logs as a Kubernetes node holds them:
// /var/log/pods/NS_POD_UID/CONTAINER/0.log written by containerd, linked
// from /var/log/containers/POD_NS_CONTAINER-ID.log, and a Docker
// json-file log under /var/lib/docker/containers/ID/ID-json.log. It
// returns the containers directory and each log file by its link's name.
type fakePod struct {
	ns, pod, container, id string
	docker                 bool
}

func (p fakePod) link() string {
	return fmt.Sprintf("%s_%s_%s-%s.log", p.pod, p.ns, p.container, p.id)
}

func layOut(t *testing.T, root string, pods []fakePod) (containers string, logs map[string]string) {
	t.Helper()
	containers = filepath.Join(root, "var/log/containers")
	if err := os.MkdirAll(containers, 0o755); err != nil {
		t.Fatal(err)
	}
	logs = map[string]string{}
	for _, p := range pods {
		var target string
		if p.docker {
			target = filepath.Join(root, "var/lib/docker/containers", p.id, p.id+"-json.log")
		} else {
			target = filepath.Join(root, "var/log/pods", p.ns+"_"+p.pod+"_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", p.container, "0.log")
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(containers, p.link())); err != nil {
			t.Fatal(err)
		}
		logs[p.link()] = target
	}
	return containers, logs
}

// podMeta is the Pod object the kubernetes filter would get from the API
// server, as kubectl get pod -o json prints it (the fields the filter
// reads), for Kube_Meta_Preload_Cache_Dir.
func podMeta(p fakePod) string {
	runtime := "containerd"
	if p.docker {
		runtime = "docker"
	}
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"namespace":%q,"uid":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0","labels":{"app":%q}},"spec":{"nodeName":"node-a","containers":[{"name":%q,"image":"registry.example.com/%s:1.0"}]},"status":{"containerStatuses":[{"name":%q,"image":"registry.example.com/%s:1.0","imageID":"registry.example.com/%s@sha256:0123","containerID":"%s://%s"}]}}`,
		p.pod, p.ns, p.container, p.container, p.container, p.container, p.container, p.container, runtime, p.id)
}

// TestFluentBitTagRewrite runs the Fluent Bit configuration of
// examples/kubernetes/fluent-bit-configmap.yaml with a real Fluent Bit,
// named by ERRTAG_FLUENT_BIT (CI cannot build one, so the test is skipped
// without it), adapted to this machine: errtag is the binary under test,
// /var/log/containers a directory of fake container logs laid out as on a
// node, the state file in a temporary directory, and the kubernetes
// filter given the pods' metadata from files (Kube_Meta_Preload_Cache_Dir)
// since there is no API server. It checks that each record is tagged as
// Fluent Bit's tail input tags the file, that the kubernetes filter's own
// regex reads pod, namespace, container and container id from the tag and
// adds the pod's metadata, and that errtag's annotation and file came
// through, a line containerd split included.
func TestFluentBitTagRewrite(t *testing.T) {
	fb := os.Getenv("ERRTAG_FLUENT_BIT")
	if fb == "" {
		t.Skip("ERRTAG_FLUENT_BIT does not name a fluent-bit binary (it is built from Fluent Bit's source; see docs/PIPELINES.md): the tag rewrite is not run")
	}
	root := t.TempDir()
	pods := []fakePod{
		{ns: "shop", pod: "web-7d4b9c6f5-x2x9z", container: "app", id: strings.Repeat("3c2a4f8e", 8)},
		{ns: "devices", pod: "efota-agent-0", container: "agent", id: strings.Repeat("9f8e7d6c", 8)},
		{ns: "legacy", pod: "sync-5f6d8b7c9-abcde", container: "sync", id: strings.Repeat("0a1b2c3d", 8), docker: true},
	}
	// A pod errtag is told to leave out: the DaemonSet's own.
	self := fakePod{ns: "logging", pod: "errtag-fluent-bit-x7k2p", container: "fluent-bit", id: strings.Repeat("5e5e5e5e", 8)}
	containers, logs := layOut(t, root, append(pods, self))
	meta := filepath.Join(root, "meta")
	os.Mkdir(meta, 0o755)
	for _, p := range pods {
		if err := os.WriteFile(filepath.Join(meta, p.ns+"_"+p.pod+".meta"), []byte(podMeta(p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf, parsers := configMapFiles(t)
	conf = adaptConf(t, conf, binary, containers, filepath.Join(root, "state"), meta)
	etc := filepath.Join(root, "etc")
	os.Mkdir(etc, 0o755)
	os.Mkdir(filepath.Join(root, "state"), 0o755)
	os.WriteFile(filepath.Join(etc, "fluent-bit.conf"), []byte(conf), 0o644)
	os.WriteFile(filepath.Join(etc, "parsers.conf"), []byte(parsers), 0o644)

	cmd := exec.Command(fb, "-c", filepath.Join(etc, "fluent-bit.conf"))
	out := &lockedBuffer{}
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()

	// errtag follows the files from their end: write until Fluent Bit
	// shows a record of each, which says errtag is following them.
	deadline := time.Now().Add(30 * time.Second)
	for _, p := range append(pods, self) {
		for !strings.Contains(out.String(), "ready "+p.pod) && p != self {
			if time.Now().After(deadline) {
				t.Fatalf("Fluent Bit shows no record of %s:\n%s\nstderr:\n%s", p.pod, out.String(), stderr.String())
			}
			appendFile(t, logs[p.link()], record(p, "stdout", "F", "ready "+p.pod))
			time.Sleep(100 * time.Millisecond)
		}
	}
	web, efota, sync := pods[0], pods[1], pods[2]
	appendFile(t, logs[web.link()], record(web, "stdout", "F", `{"level":"error","msg":"register failed","response":{"status":400,"body":{"errorCode":201,"message":"A user with the same username already exists."}}}`))
	appendFile(t, logs[efota.link()], record(efota, "stderr", "P", "05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resu"))
	appendFile(t, logs[efota.link()], record(efota, "stderr", "F", "ltCode=-1401"))
	appendFile(t, logs[sync.link()], record(sync, "stderr", "F", "2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012"))
	// Docker messages whose second word is a stream: not CRI lines.
	appendFile(t, logs[sync.link()], record(sync, "stdout", "F", "Redirecting stdout to /dev/null resultCode=-1401 EFOTA"))
	appendFile(t, logs[sync.link()], record(sync, "stdout", "F", "Service stderr handler: ok"))
	appendFile(t, logs[self.link()], record(self, "stdout", "F", "errtag leaves this out resultCode=-1401 EFOTA"))
	for _, want := range []string{"USERNAME_ALREADY_EXISTS", "DOWNLOAD_REJECTED_BY_USER", "ERROR_HOST_NOT_AVAILABLE"} {
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("no record with %s:\n%s\nstderr:\n%s", want, out.String(), stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	got := out.String()
	t.Logf("Fluent Bit's output:\n%s", got)

	// [N] TAG: [[time, {}], {record}]
	// (a record may span lines: Fluent Bit prints a Docker log's \n)
	recLine := regexp.MustCompile(`(?ms)^\[\d+\] (\S+): \[\[([0-9.]+), \{\}\], (.*?)\]$`)
	recs := recLine.FindAllStringSubmatch(got, -1)
	if len(recs) < 10 {
		t.Fatalf("%d records in Fluent Bit's output", len(recs))
	}
	for _, r := range recs {
		tag, stamp, rec := r[1], r[2], r[3]
		// Every record's time stamp is its line's (parsers errtag_cri
		// and errtag_time), not when Fluent Bit read it.
		if stamp != "1715673601.123456789" {
			t.Errorf("record of %s stamped %s, not with its line's time", tag, stamp)
		}
		const prefix = "kube.var.log.containers."
		m := kubeTagRegex.FindStringSubmatch(strings.TrimPrefix(tag, prefix))
		if !strings.HasPrefix(tag, prefix) || m == nil {
			t.Fatalf("tag %s is not one the kubernetes filter reads", tag)
		}
		var p *fakePod
		for i := range pods {
			if pods[i].link() == strings.TrimPrefix(tag, prefix) {
				p = &pods[i]
			}
		}
		if p == nil {
			t.Fatalf("tag %s names no pod errtag follows (the DaemonSet's own is left out)", tag)
		}
		// The tail input's tag for the file: kube. and the path, / as .
		if want := "kube" + strings.ReplaceAll("/var/log/containers/"+p.link(), "/", "."); tag != want {
			t.Errorf("tag %s, the tail input's would be %s", tag, want)
		}
		for _, want := range []string{
			`"file"=>"` + filepath.Join(containers, p.link()) + `"`,
			`"pod_name"=>"` + p.pod + `"`, `"namespace_name"=>"` + p.ns + `"`,
			`"container_name"=>"` + p.container + `"`, `"docker_id"=>"` + p.id + `"`,
			`"labels"=>{"app"=>"` + p.container + `"}`, `"host"=>"node-a"`,
		} {
			if !strings.Contains(rec, want) {
				t.Errorf("record of %s lacks %s: %s", p.pod, want, rec)
			}
		}
	}
	for _, want := range []string{
		// containerd's record, parsed by errtag_cri, the JSON message
		// merged by the kubernetes filter (Merge_Log).
		`"stream"=>"stdout", "logtag"=>"F", "file"=>`,
		`"errtag"=>[{"system"=>"backend-services", "code"=>"201", "name"=>"USERNAME_ALREADY_EXISTS", "category"=>"conflict"}], "level"=>"error"`,
		// The line containerd split in two: annotated on its F record.
		`"logtag"=>"F", "log"=>"ltCode=-1401", "file"=>`,
		`"errtag"=>[{"system"=>"knox-efota", "code"=>"-1401", "name"=>"DOWNLOAD_REJECTED_BY_USER", "category"=>"cancelled"}]`,
		// Docker's record, kept as Docker wrote it.
		`"log"=>"2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012` + "\n" + `", "stream"=>"stderr"`,
		// Also when its message looks like a CRI line's end: the
		// errtag_cri regex wants a CRI time stamp and a P or F tag.
		`"log"=>"Redirecting stdout to /dev/null resultCode=-1401 EFOTA` + "\n" + `", "stream"=>"stdout"`,
		`"log"=>"Service stderr handler: ok` + "\n" + `", "stream"=>"stdout"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	for _, r := range recs {
		if strings.Count(r[3], `"stream"=>`) > 1 {
			t.Errorf("record of %s has two stream keys (a parser split its log): %s", r[1], r[3])
		}
	}
	if strings.Contains(got, "errtag leaves this out") {
		t.Errorf("the DaemonSet's own log was read: --exclude did not apply")
	}
}

// TestFluentBitExitsWithErrtag: with the ConfigMap's exec input
// (Exit_After_Oneshot, Propagate_Exit_Code), Fluent Bit exits when errtag
// does, with errtag's status, so that the DaemonSet's pod restarts instead
// of running on, healthy to its probes, with no records. errtag is made to
// fail at once: its --state file is a directory (as when it cannot be
// used), which is exit 2.
func TestFluentBitExitsWithErrtag(t *testing.T) {
	fb := os.Getenv("ERRTAG_FLUENT_BIT")
	if fb == "" {
		t.Skip("ERRTAG_FLUENT_BIT does not name a fluent-bit binary: not run")
	}
	t.Parallel()
	root := t.TempDir()
	containers, _ := layOut(t, root, []fakePod{{ns: "shop", pod: "web-0", container: "app", id: strings.Repeat("3c2a4f8e", 8)}})
	state := filepath.Join(root, "state")
	if err := os.MkdirAll(filepath.Join(state, "state.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(root, "meta")
	os.Mkdir(meta, 0o755)
	conf, parsers := configMapFiles(t)
	conf = adaptConf(t, conf, binary, containers, state, meta)
	// No HTTP server: the tag rewrite test's Fluent Bit may be running,
	// with the port.
	conf = strings.Replace(conf, "HTTP_Server   On", "HTTP_Server   Off", 1)
	etc := filepath.Join(root, "etc")
	os.Mkdir(etc, 0o755)
	os.WriteFile(filepath.Join(etc, "fluent-bit.conf"), []byte(conf), 0o644)
	os.WriteFile(filepath.Join(etc, "parsers.conf"), []byte(parsers), 0o644)
	cmd := exec.Command(fb, "-c", filepath.Join(etc, "fluent-bit.conf"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Fatalf("Fluent Bit ended with %v, want exit status 2 (errtag's):\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("Fluent Bit still runs 30 s after errtag exited:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "--state") {
		t.Errorf("errtag's message is not in Fluent Bit's output:\n%s", out.String())
	}
}

// record is a line of p's log: CRI for containerd, json-file for Docker.
func record(p fakePod, stream, tag, msg string) string {
	if p.docker {
		if tag == "F" {
			msg += "\n"
		}
		return fmt.Sprintf(`{"log":%s,"stream":%q,"time":"2024-05-14T08:00:01.123456789Z"}`+"\n", jsonString(msg), stream)
	}
	return fmt.Sprintf("2024-05-14T08:00:01.123456789Z %s %s %s\n", stream, tag, msg)
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// configMapFiles returns fluent-bit.conf and parsers.conf of the
// DaemonSet's ConfigMap.
func configMapFiles(t *testing.T) (conf, parsers string) {
	t.Helper()
	data, err := os.ReadFile("../examples/kubernetes/fluent-bit-configmap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	return cm.Data["fluent-bit.conf"], cm.Data["parsers.conf"]
}

// adaptConf puts this machine's paths in the ConfigMap's Fluent Bit
// configuration, and gives the kubernetes filter the pods' metadata from
// files and an API server address that fails at once. Each replaced text
// must be there, so that the run is the ConfigMap's.
func adaptConf(t *testing.T, conf, errtagBin, containers, state, meta string) string {
	t.Helper()
	for _, r := range [][2]string{
		{"/usr/local/bin/errtag", errtagBin},
		{"/var/log/containers/*.log", containers + "/*.log"},
		{"/var/lib/errtag/", state + "/"},
		{"K8S-Logging.Exclude On\n", "K8S-Logging.Exclude On\n        Kube_Meta_Preload_Cache_Dir " + meta + "\n        Kube_URL            https://127.0.0.1:9\n"},
	} {
		if !strings.Contains(conf, r[0]) {
			t.Fatalf("the ConfigMap's fluent-bit.conf has no %q", r[0])
		}
		conf = strings.ReplaceAll(conf, r[0], r[1])
	}
	return conf
}

// lockedBuffer is a process's output read while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
