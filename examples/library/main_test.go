package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestErrtagHTTP builds the program and runs it as a user would: it serves
// what the errtag command writes, and refuses to start on a bad rule file,
// naming its line.
func TestErrtagHTTP(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "errtag-http")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	said := bufio.NewReader(stderr)
	first, err := said.ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(first), "errtag-http: listening on ")
	if err != nil || !ok {
		t.Fatalf("first words: %q, %v", first, err)
	}

	root := filepath.Join("..", "..", "testdata")
	in, err := os.ReadFile(filepath.Join(root, "logs", "mixed.log"))
	if err != nil {
		t.Fatal(err)
	}
	for query, golden := range map[string]string{"": "mixed.auto", "?format=json": "mixed.json"} {
		want, err := os.ReadFile(filepath.Join(root, "golden", golden))
		if err != nil {
			t.Fatal(err)
		}
		if got := post(t, url+"/annotate"+query, in, http.StatusOK); !bytes.Equal(got, want) {
			t.Errorf("/annotate%s:\n%s\nwant (the errtag command's)\n%s", query, got, want)
		}
	}
	got := post(t, url+"/match", []byte("EFOTA download failed resultCode=-1401"), http.StatusOK)
	if !bytes.HasPrefix(got, []byte(`[{"system":"knox-efota","code":"-1401","name":"DOWNLOAD_REJECTED_BY_USER",`)) {
		t.Errorf("/match: %s", got)
	}
	if got := post(t, url+"/match", []byte("nothing here"), http.StatusOK); string(got) != "[]\n" {
		t.Errorf("/match of a line without a code: %q", got)
	}
	if got := post(t, url+"/annotate?fields=system,nosuch", in, http.StatusBadRequest); !strings.Contains(string(got), `unknown field "nosuch"`) {
		t.Errorf("bad fields: %s", got)
	}

	// An interrupt shuts it down cleanly.
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { io.Copy(io.Discard, said); done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after an interrupt: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running after an interrupt")
	}

	// A bad rule file: the error names its line, and nothing is served.
	bad := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(bad, []byte("rules:\n  - id: x\n    system: wusp\n    regex: '('\n"), 0o644)
	out, err := exec.Command(bin, "-addr", "127.0.0.1:0", "-rules", bad).CombinedOutput()
	if err == nil || !strings.HasPrefix(string(out), "errtag-http: "+bad+`:4: rule "x": bad regex`) {
		t.Errorf("a bad rule file: %v, %s", err, out)
	}
}

func post(t *testing.T, url string, body []byte, status int) []byte {
	t.Helper()
	resp, err := http.Post(url, "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Errorf("POST %s: %s, want %d: %s", url, resp.Status, status, b)
	}
	return b
}
