//go:build linux

package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestContainerLogs follows a node's container logs as the DaemonSet of
// examples/kubernetes does (-f on /var/log/containers/*.log, links to the
// runtime's files, -H, --format json): containerd's CRI records and
// Docker's json-file records are matched on their message, JSON messages
// included; a line containerd split into a P and an F record, written
// apart, is annotated on its F record; and each record carries the file
// it came from. Read again without -f, the files give the same lines.
func TestContainerLogs(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	web := fakePod{ns: "shop", pod: "web-7d4b9c6f5-x2x9z", container: "app", id: strings.Repeat("3c2a4f8e", 8)}
	sync := fakePod{ns: "legacy", pod: "sync-5f6d8b7c9-abcde", container: "sync", id: strings.Repeat("0a1b2c3d", 8), docker: true}
	containers, logs := layOut(t, root, []fakePod{web, sync})
	r := startBG(t, "-f", "-H", "--format", "json", "--fields", "system,code", filepath.Join(containers, "*.log"))

	// Following from the end: write until errtag shows it reads each file.
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range []fakePod{web, sync} {
		for !strings.Contains(r.output(), p.link()) {
			if time.Now().After(deadline) {
				t.Fatalf("errtag does not show %s: stderr %s", p.link(), r.errors())
			}
			appendFile(t, logs[p.link()], record(p, "stdout", "F", "ready"))
			time.Sleep(20 * time.Millisecond)
		}
	}
	lines := []struct {
		p                fakePod
		stream, tag, msg string
		system, code     string
	}{
		{p: web, stream: "stdout", tag: "F", msg: `{"level":"error","msg":"register failed","response":{"status":400,"body":{"errorCode":201,"message":"A user with the same username already exists."}}}`, system: "backend-services", code: "201"},
		{p: web, stream: "stderr", tag: "P", msg: "05-14 10:11:02.118  3021  3088 E EFOTA   : download failed resu"},
		{p: web, stream: "stderr", tag: "F", msg: "ltCode=-1401", system: "knox-efota", code: "-1401"},
		{p: web, stream: "stdout", tag: "F", msg: "GET /health 200"},
		{p: sync, stream: "stderr", tag: "F", msg: "2024-05-14 08:00:01.415 ERROR [VMXSync] upload batch 3/7 failed errorCode=-1012", system: "voltmx-sync", code: "-1012"},
		{p: sync, stream: "stdout", tag: "P", msg: `{"message":"Invalid access `},
		{p: sync, stream: "stdout", tag: "F", msg: `token.","errorCode":301}`, system: "backend-services", code: "301"},
	}
	for i, l := range lines {
		if l.tag == "P" {
			// The records before it are out first, so that the P
			// record is the next line out, counted before it is
			// written (errtag may be quicker than the count).
			prev := strings.Fields(lines[i-1].msg)
			last := strings.TrimRight(prev[len(prev)-1], `"}`) // "exists.", "errorCode=-1012"
			r.waitFor(t, "the record before the P record", func(out, _ string) bool { return strings.Contains(out, last) })
		}
		n := strings.Count(r.output(), "\n") + 1
		appendFile(t, logs[l.p.link()], record(l.p, l.stream, l.tag, l.msg))
		if l.tag == "P" {
			// The F record comes in a write of its own, after errtag
			// has written the P record.
			r.waitFor(t, "the P record", func(out, _ string) bool { return strings.Count(out, "\n") >= n })
		}
	}
	r.waitFor(t, "every record", func(out, _ string) bool {
		return strings.Contains(out, `"code":"301"`) && strings.Contains(out, `"code":"-1012"`)
	})
	if code := r.stop(t, syscall.SIGTERM); code != 143 {
		t.Fatalf("exit %d, stderr %s", code, r.errors())
	}
	type rec struct {
		File   string `json:"file"`
		Log    string `json:"log"`
		Errtag []struct {
			System, Code string
		} `json:"errtag"`
	}
	var got []rec
	for _, line := range strings.Split(strings.TrimSuffix(r.output(), "\n"), "\n") {
		var x rec
		if err := json.Unmarshal([]byte(line), &x); err != nil {
			t.Fatalf("not a JSON record: %q", line)
		}
		if strings.HasSuffix(x.Log, " F ready") || x.Log == "ready\n" {
			continue
		}
		got = append(got, x)
	}
	// Lines of one file come in order; files interleave.
	byFile := map[string][]rec{}
	for _, g := range got {
		byFile[g.File] = append(byFile[g.File], g)
	}
	seen := map[string]int{}
	for _, l := range lines {
		file := filepath.Join(containers, l.p.link())
		i := seen[file]
		seen[file]++
		if i >= len(byFile[file]) {
			t.Fatalf("%s: %d records, want more:\n%s", file, len(byFile[file]), r.output())
		}
		g := byFile[file][i]
		if !strings.HasSuffix(g.Log, l.msg) && !strings.HasSuffix(g.Log, l.msg+"\n") {
			t.Errorf("%s record %d: log %q, want %q", l.p.pod, i, g.Log, l.msg)
		}
		switch {
		case l.code == "" && len(g.Errtag) > 0:
			t.Errorf("%s record %d (%s) annotated: %+v", l.p.pod, i, l.msg, g.Errtag)
		case l.code != "" && (len(g.Errtag) != 1 || g.Errtag[0].System != l.system || g.Errtag[0].Code != l.code):
			t.Errorf("%s record %d (%s): errtag %+v, want %s %s", l.p.pod, i, l.msg, g.Errtag, l.system, l.code)
		}
	}
	if len(got) != len(lines) {
		t.Fatalf("%d records, want %d:\n%s", len(got), len(lines), r.output())
	}

	// The same files read once, in auto format with -H: FILE:LINE,
	// annotated alike.
	code, out, stderr := errtag(t, nil, "-H", "--fields", "code", logs[web.link()], logs[sync.link()])
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		logs[web.link()] + ":2024-05-14T08:00:01.123456789Z stderr F ltCode=-1401 errtag.code=-1401\n",
		logs[sync.link()] + `:{"log":"token.\",\"errorCode\":301}\n","stream":"stdout","time":"2024-05-14T08:00:01.123456789Z","errtag":[{"code":"301"}]}` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
