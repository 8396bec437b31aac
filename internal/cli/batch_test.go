package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

const batchSample = "plain line\n05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\r\n{\"message\":\"Invalid access token.\",\"errorCode\":301}\nlast"

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func zst(t *testing.T, s string) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	return w.EncodeAll([]byte(s), nil)
}

func readDecoded(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		r, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		data, err = io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
	case bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		r, err := zstd.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		data, err = io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
	}
	return string(data)
}

// TestBatchOutDir: one output per input, same name and compression, same
// bytes as a plain run of that input; the directory is created.
func TestBatchOutDir(t *testing.T) {
	in := t.TempDir()
	files := map[string][]byte{
		"a.log":     []byte(batchSample),
		"b.log.gz":  gz(t, batchSample),
		"c.log.zst": zst(t, batchSample),
		"d.log":     nil, // empty
	}
	var args []string
	for name, data := range files {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	_, want, _ := run(t, batchSample)
	out := filepath.Join(t.TempDir(), "new", "dir")
	code, stdout, stderr := run(t, "", append([]string{"--out-dir", out}, args...)...)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for name, data := range files {
		p := filepath.Join(out, name)
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 1 && !bytes.Equal(raw[:2], data[:2]) {
			t.Errorf("%s: output compression differs from the input's (%x vs %x)", name, raw[:2], data[:2])
		}
		w := want
		if data == nil {
			w = ""
		}
		if got := readDecoded(t, p); got != w {
			t.Errorf("%s: got %q, want %q", name, got, w)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestBatchDamagedInput: a truncated gzip keeps what was decoded, is named
// on stderr, exit 1, and the other files are still done.
func TestBatchDamagedInput(t *testing.T) {
	in := t.TempDir()
	big := strings.Repeat("05-14 E EFOTA : failed resultCode=-1401\n", 50000)
	data := gz(t, big)
	bad := filepath.Join(in, "bad.log.gz")
	os.WriteFile(bad, data[:len(data)/2], 0o644)
	good := filepath.Join(in, "good.log")
	os.WriteFile(good, []byte("fine\n"), 0o644)
	out := t.TempDir()
	code, _, stderr := run(t, "", "--out-dir", out, bad, good)
	if code != ExitInput || !strings.Contains(stderr, "bad.log.gz: gzip data is cut short") || !strings.Contains(stderr, "what was read is in") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if got := readDecoded(t, filepath.Join(out, "good.log")); got != "fine\n" {
		t.Errorf("good.log: %q", got)
	}
	raw, err := os.ReadFile(filepath.Join(out, "bad.log.gz"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	partial, _ := io.ReadAll(r)
	if n := strings.Count(string(partial), "\n"); n < 1000 || !strings.HasPrefix(string(partial), "05-14 E EFOTA : failed resultCode=-1401 errtag.system=knox-efota") {
		t.Errorf("bad.log.gz output: %d lines, starts %q", n, string(partial[:min(len(partial), 80)]))
	}
}

func TestBatchUsageErrors(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "x", "app.log")
	b := filepath.Join(dir, "y", "app.log")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.MkdirAll(filepath.Dir(b), 0o755)
	os.WriteFile(a, []byte("a\n"), 0o644)
	os.WriteFile(b, []byte("b\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--out-dir", dir + "/o", a, b}, "would both be written to"},
		{[]string{"--out-dir", dir + "/o", "-"}, "standard input has no name"},
		{[]string{"--out-dir", dir + "/o"}, "needs input files"},
		{[]string{"--out-dir", dir + "/o", "-o", dir + "/f", a}, "goes with neither -f nor -o"},
		{[]string{"--out-dir", filepath.Dir(a), a}, "would overwrite its own input"},
	} {
		code, _, stderr := run(t, "", c.args...)
		if code != ExitConfig || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

func TestOutDirRel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"a.gz":                    "a.gz",
		"./2024/05/01/app.log.gz": "2024/05/01/app.log.gz",
		"/archive/h1/app.log.gz":  "archive/h1/app.log.gz",
		"//archive//h1/./a.gz":    "archive/h1/a.gz",
		"../../a/b.gz":            "a/b.gz",
		"a/../../b.gz":            "b.gz",
		"/../a.gz":                "a.gz",
		"..":                      ".",
		"/":                       ".",
		"...gz":                   "...gz",
		"..a/b.gz":                "..a/b.gz",
	} {
		if got := outDirRel(in); got != want {
			t.Errorf("outDirRel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBatchParents: --parents writes each output at its input's path under
// DIR, so inputs that share a base name (a date-partitioned archive) each
// get their own output, where without it the run is refused; a symbolic
// link planted under DIR is never followed out of it.
func TestBatchParents(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var ins []string
	for _, day := range []string{"01", "02"} {
		p := filepath.Join(dir, "archive", "2024", "05", day, "app.log.gz")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, gz(t, "day "+day+"\n"+batchSample), 0o644); err != nil {
			t.Fatal(err)
		}
		ins = append(ins, p)
	}
	out := filepath.Join(dir, "out")
	code, _, errs := run(t, "", append([]string{"--out-dir", out}, ins...)...)
	if code != ExitConfig || !strings.Contains(errs, "would both be written to "+filepath.Join(out, "app.log.gz")) {
		t.Fatalf("without --parents: exit %d, %s", code, errs)
	}
	code, _, errs = run(t, "", append([]string{"--out-dir", out, "--parents", "--fields", "code"}, ins...)...)
	if code != 0 {
		t.Fatalf("--parents: exit %d, %s", code, errs)
	}
	for _, in := range ins {
		got := readDecoded(t, filepath.Join(out, in)) // in is absolute: its leading / is dropped
		if !strings.HasPrefix(got, "day "+filepath.Base(filepath.Dir(in))+"\n") || !strings.Contains(got, "resultCode=-1401 errtag.code=-1401\r\n") {
			t.Errorf("%s: %q", in, got)
		}
	}

	// A link under DIR where a directory of an output goes: that output
	// is refused (exit 1), nothing is written where the link leads.
	elsewhere := filepath.Join(dir, "elsewhere")
	if err := os.Mkdir(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "out2")
	first := filepath.Join(out2, filepath.Dir(ins[0]))
	if err := os.MkdirAll(filepath.Dir(first), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, first); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run(t, "", append([]string{"--out-dir", out2, "--parents"}, ins...)...)
	if code != ExitInput || !strings.Contains(errs, "is a symbolic link: an output is never written through one, out of --out-dir") {
		t.Fatalf("link under DIR: exit %d, %s", code, errs)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Fatalf("written through the link: %v", ents)
	}
	if _, err := os.Stat(filepath.Join(out2, ins[1])); err != nil {
		t.Fatalf("the other input's output: %v", err)
	}

	code, _, errs = run(t, "", "--parents", ins[0])
	if code != ExitConfig || !strings.Contains(errs, "--parents says where under --out-dir DIR each output goes: it needs --out-dir") {
		t.Fatalf("--parents alone: exit %d, %s", code, errs)
	}
}
