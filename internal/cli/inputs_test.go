package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		k, n    uint64
		wantErr string
	}{
		{in: "0/1", k: 0, n: 1},
		{in: "0/4", k: 0, n: 4},
		{in: "3/4", k: 3, n: 4},
		{in: "07/10", k: 7, n: 10},
		{in: "4/4", wantErr: "K counts from 0 (as $JOB_COMPLETION_INDEX does), so with N=4 it is 0 to 3"},
		{in: "5/4", wantErr: "0 to 3"},
		{in: "/4", wantErr: "K is empty (is the variable that gives it, such as $JOB_COMPLETION_INDEX, set?)"},
		{in: "1/0", wantErr: `N "0" is not a whole number from 1`},
		{in: "1/", wantErr: `N "" is not a whole number from 1`},
		{in: "-1/4", wantErr: `K "-1" is not a whole number from 0`},
		{in: "a/4", wantErr: `K "a" is not a whole number from 0`},
		{in: "1/four", wantErr: `N "four" is not a whole number`},
		{in: "2", wantErr: "give K/N"},
		{in: "1/2/3", wantErr: `N "2/3" is not a whole number`},
		{in: "0/18446744073709551615", k: 0, n: 1<<64 - 1},
		{in: "0/18446744073709551616", wantErr: `N "18446744073709551616" is out of range: at most 18446744073709551615`},
		{in: "18446744073709551616/4", wantErr: `K "18446744073709551616" is out of range`},
	} {
		s, err := parseShard(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseShard(%q) = %v, want an error with %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || s.k != tc.k || s.n != tc.n {
			t.Errorf("parseShard(%q) = %+v, %v; want %d/%d", tc.in, s, err, tc.k, tc.n)
		}
	}
}

// TestShardOfIsPinned pins the hash, computed independently with Python's
// hashlib (the formula in shardOf's doc comment): workers of different
// errtag versions must agree, so the hash may never change.
func TestShardOfIsPinned(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path  string
		n     uint64
		share uint64
	}{
		{"/archive/2024/05/app-2024-05-01.log.gz", 4, 3},
		{"app.log", 3, 0},
		{"./app.log", 3, 0},
		{"s3/bucket/logs/part-00017.gz", 16, 7},
		{"café/ünïcode.log", 7, 6},
		{"a", 2, 0},
		// 13133638069300504939, the full number for the first path.
		{"/archive/2024/05/app-2024-05-01.log.gz", 13133638069300504940, 13133638069300504939},
	} {
		if got := shardOf(tc.path, tc.n); got != tc.share {
			t.Errorf("shardOf(%q, %d) = %d, want %d", tc.path, tc.n, got, tc.share)
		}
	}
}

func TestParseList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      string
		null    bool
		want    []string
		wantErr string
	}{
		{name: "find", in: "./a.log\n./b/c.log.gz\n", want: []string{"./a.log", "./b/c.log.gz"}},
		{name: "no final newline", in: "a\nb", want: []string{"a", "b"}},
		{name: "CRLF", in: "a.log\r\nb.log\r\n", want: []string{"a.log", "b.log"}},
		{name: "blank lines", in: "\n\na\n\r\n\nb\n\n", want: []string{"a", "b"}},
		{name: "spaces and # belong to the path", in: " a b \n#c\n", want: []string{" a b ", "#c"}},
		{name: "only the CR before LF goes", in: "a\rb\n", want: []string{"a\rb"}},
		{name: "empty", in: "", want: nil},
		{name: "null", in: "a\x00b\nc\x00\x00d\r\x00", null: true, want: []string{"a", "b\nc", "d\r"}},
		{name: "null, no final NUL", in: "a\x00b", null: true, want: []string{"a", "b"}},
		{name: "NUL without --null", in: "a\nb\x00c\x00", wantErr: "line 2 holds a NUL byte: for a list written by find -print0, add --null (-0)"},
		{name: "stdin listed", in: "a\n-\n", wantErr: `"-" (standard input) cannot be listed`},
	} {
		got, err := parseList([]byte(tc.in), tc.null)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: parseList(%q) = %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
}

// archiveList is a realistic archive listing: dated files of several
// services, as find or an object store listing prints them.
func archiveList(n int) []string {
	var paths []string
	for i := 0; len(paths) < n; i++ {
		svc := []string{"api", "web", "sync", "efota"}[i%4]
		day := i / 4
		paths = append(paths, fmt.Sprintf("archive/%s/2024/%02d/%s-2024-%02d-%02d.log.gz", svc, 1+day/28%12, svc, 1+day/28%12, 1+day%28))
	}
	return paths
}

// TestShardsPartitionTheList runs N shards over one list, for several N
// and several orders of the list (each worker may list the bucket in its
// own order), and checks that the shares are disjoint, that their union
// is the whole list, and that a path's shard does not depend on the
// order. Each share keeps the list's order.
func TestShardsPartitionTheList(t *testing.T) {
	t.Parallel()
	paths := archiveList(1000)
	r := rand.New(rand.NewPCG(11, 2024))
	orders := map[string][]string{"listed": paths, "reversed": slices.Clone(paths)}
	slices.Reverse(orders["reversed"])
	for i := range 2 {
		s := slices.Clone(paths)
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		orders[fmt.Sprintf("shuffled %d", i)] = s
	}
	dir := t.TempDir()
	e := newEnv(Env{})
	for _, n := range []int{1, 2, 3, 4, 7, 16, 100} {
		owner := map[string]int{} // path -> the shard that took it, in the first order
		first := true
		for name, list := range orders {
			file := filepath.Join(dir, fmt.Sprintf("list-%d-%s", n, strings.ReplaceAll(name, " ", "-")))
			if err := os.WriteFile(file, []byte(strings.Join(list, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			at := make(map[string]int, len(list))
			for i, p := range list {
				at[p] = i
			}
			taken := map[string]int{}
			sizes := make([]int, n)
			for k := range n {
				o := inputOptions{filesFrom: file}
				if err := o.shard.Set(fmt.Sprintf("%d/%d", k, n)); err != nil {
					t.Fatal(err)
				}
				in, err := o.expand(context.Background(), e, nil)
				if err != nil {
					t.Fatalf("N=%d %s shard %d: %v", n, name, k, err)
				}
				if !in.listed || len(in.all) != len(paths) {
					t.Fatalf("N=%d %s shard %d: listed %v, %d paths in all, want %d", n, name, k, in.listed, len(in.all), len(paths))
				}
				pos := -1
				for _, p := range in.paths {
					if prev, dup := taken[p]; dup {
						t.Fatalf("N=%d %s: %s taken by shards %d and %d", n, name, p, prev, k)
					}
					taken[p] = k
					i := at[p]
					if i <= pos {
						t.Fatalf("N=%d %s shard %d: %s out of the list's order", n, name, k, p)
					}
					pos = i
				}
				sizes[k] = len(in.paths)
			}
			if len(taken) != len(paths) {
				t.Fatalf("N=%d %s: the shards took %d of %d paths", n, name, len(taken), len(paths))
			}
			if first {
				owner, first = taken, false
			} else if !mapsEqual(owner, taken) {
				t.Fatalf("N=%d %s: a path went to another shard than in another order", n, name)
			}
			// Shares are balanced by count: with 1000 paths over at most
			// 16 shards none is empty or twice its fair part.
			if n <= 16 {
				for k, s := range sizes {
					if s == 0 || s > 2*len(paths)/n {
						t.Errorf("N=%d shard %d has %d of %d paths", n, k, s, len(paths))
					}
				}
			}
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestFilesFromFilter: the list's files are read after the FILE
// arguments, in the list's order, each once; from standard input too.
func TestFilesFromFilter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.log", "a1\na2\n")
	b := write("b.log", "b1\n")
	c := write("c.log", "05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\n")
	list := write("list.txt", b+"\r\n\r\n"+c+"\r\n"+b+"\r\n")

	code, out, errs := run(t, "", "--fields", "code", a, "--files-from", list)
	want := "a1\na2\nb1\n05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401 errtag.code=-1401\n"
	if code != 0 || out != want || errs != "" {
		t.Fatalf("exit %d\nout %q\nwant %q\nstderr %s", code, out, want, errs)
	}
	code, out, errs = run(t, c+"\n"+a+"\n", "--fields", "code", "--files-from", "-")
	want = "05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401 errtag.code=-1401\na1\na2\n"
	if code != 0 || out != want {
		t.Fatalf("from stdin: exit %d\nout %q\nwant %q\nstderr %s", code, out, want, errs)
	}
	// -0: find -print0.
	code, out, _ = run(t, a+"\x00"+b+"\x00", "--files-from", "-", "-0")
	if code != 0 || out != "a1\na2\nb1\n" {
		t.Fatalf("-0: exit %d, out %q", code, out)
	}
	// -c names every file of a list, one or several.
	code, out, _ = run(t, a+"\n", "-c", "--files-from", "-")
	if code != 0 || out != a+":0\n" {
		t.Fatalf("-c: exit %d, out %q", code, out)
	}
	// A listed file that is missing is reported; the others are read.
	code, out, errs = run(t, a+"\n"+filepath.Join(dir, "gone.log")+"\n"+b+"\n", "--files-from", "-")
	if code != ExitInput || out != "a1\na2\nb1\n" || !strings.Contains(errs, "gone.log: no such file or directory") {
		t.Fatalf("missing: exit %d, out %q, stderr %s", code, out, errs)
	}
}

func TestFilesFromUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.log")
	if err := os.WriteFile(a, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"missing list", "", []string{"--files-from", filepath.Join(dir, "nope.txt")}, "--files-from " + filepath.Join(dir, "nope.txt") + ": no such file or directory"},
		{"list is a directory", "", []string{"--files-from", dir}, "is a directory"},
		{"null without list", "", []string{"-0", a}, "--null (-0) says how the paths of --files-from are separated: it needs --files-from"},
		{"stdin twice", "", []string{"--files-from", "-", "-"}, "--files-from - reads the list from standard input, which cannot also be an input"},
		{"NUL list", "a\x00b\x00", []string{"--files-from", "-"}, "add --null (-0)"},
		{"shard stdin", "", []string{"--shard", "0/2", "-"}, "--shard shares out files by their paths: standard input (-) has none"},
		{"shard implicit stdin", "x resultCode=-1401 EFOTA\n", []string{"--shard", "0/1"}, "--shard shares out files by their paths: give the files (FILE... or --files-from LIST); standard input has no path"},
		{"stats shard implicit stdin", "x\n", []string{"stats", "--shard", "0/2"}, "standard input has no path"},
		{"shard with -f", "", []string{"-f", "--shard", "0/2", filepath.Join(dir, "*.log")}, "--shard shares out a list of archives among batch workers: it does not go with -f"},
		{"shard with -f, a named file", "", []string{"-f", "--shard", "0/1", a}, "does not go with -f"},
		{"shard out of range", "", []string{"--shard", "2/2", a}, "--shard 2/2: K counts from 0"},
		{"shard twice", "", []string{"--shard", "0/2", "--shard", "1/2", a}, "--shard given twice"},
		{"files-from twice", "", []string{"--files-from", a, "--files-from", dir}, "--files-from given twice"},
		{"stats shard", "", []string{"stats", "--shard", "1/1", a}, "--shard 1/1: K counts from 0"},
	} {
		code, out, errs := run(t, tc.stdin, tc.args...)
		if code != ExitConfig || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%s: exit %d, out %q, stderr %q; want exit 2 and %q", tc.name, code, out, errs, tc.want)
		}
	}
}

// TestFilesFromEmptyShare: a worker whose share is empty has nothing to
// do, which is no error: exit 0, nothing read (not standard input), an
// empty -o FILE, an empty --out-dir, and a note saying so.
func TestFilesFromEmptyShare(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.log")
	if err := os.WriteFile(a, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := (shardOf(a, 2) + 1) % 2
	shard := fmt.Sprintf("%d/2", other)

	code, out, errs := run(t, "standard input is not read\n", "--shard", shard, a)
	if code != 0 || out != "" || !strings.Contains(errs, "none of the 1 paths is this shard's: nothing to read") {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, errs)
	}
	code, out, errs = run(t, "", "--files-from", "-")
	if code != 0 || out != "" || !strings.Contains(errs, "--files-from - (standard input) lists no path: nothing to read") {
		t.Fatalf("empty list: exit %d, out %q, stderr %q", code, out, errs)
	}
	o := filepath.Join(dir, "out.log")
	if code, _, errs = run(t, "", "--shard", shard, "-o", o, a); code != 0 {
		t.Fatalf("-o: exit %d, stderr %s", code, errs)
	}
	if data, err := os.ReadFile(o); err != nil || len(data) != 0 {
		t.Fatalf("-o: %q, %v; want an empty file", data, err)
	}
	od := filepath.Join(dir, "outdir")
	if code, _, errs = run(t, "", "--shard", shard, "--out-dir", od, a); code != 0 {
		t.Fatalf("--out-dir: exit %d, stderr %s", code, errs)
	}
	if ents, err := os.ReadDir(od); err != nil || len(ents) != 0 {
		t.Fatalf("--out-dir: %v, %v; want an empty directory", ents, err)
	}
	code, out, _ = run(t, "", "stats", "--json", "--shard", shard, a)
	var rep struct {
		Lines int `json:"lines"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("stats: exit %d, out %q", code, out)
	}
}

// TestShardsOutDir: N workers over one list, each with --out-dir to the
// same directory, write every file's output once; base names that two
// listed files share are refused by every worker alike, before anything
// is written, whichever shards the two files fall in.
func TestShardsOutDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var list []string
	for i := range 12 {
		p := filepath.Join(dir, "in", fmt.Sprintf("app-%02d.log", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(fmt.Sprintf("line of %d\n05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
	}
	listFile := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(listFile, []byte(strings.Join(list, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	const n = 3
	written := map[string]int{}
	for k := range n {
		before := listDir(t, out)
		code, _, errs := run(t, "", "--fields", "code", "--files-from", listFile, "--shard", fmt.Sprintf("%d/%d", k, n), "--out-dir", out)
		if code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, errs)
		}
		for _, name := range listDir(t, out) {
			if !slices.Contains(before, name) {
				written[name]++
			}
		}
	}
	if len(written) != len(list) {
		t.Fatalf("%d outputs written, want %d: %v", len(written), len(list), written)
	}
	for _, p := range list {
		data, err := os.ReadFile(filepath.Join(out, filepath.Base(p)))
		if err != nil || !strings.HasSuffix(string(data), "resultCode=-1401 errtag.code=-1401\n") {
			t.Fatalf("%s: %q, %v", p, data, err)
		}
	}

	// Two listed files with one base name: every shard refuses.
	clash := filepath.Join(dir, "other", "app-03.log")
	if err := os.MkdirAll(filepath.Dir(clash), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clash, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clashList := filepath.Join(dir, "clash.txt")
	if err := os.WriteFile(clashList, []byte(strings.Join(append(list, clash), "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(dir, "out2")
	for k := range n {
		code, _, errs := run(t, "", "--files-from", clashList, "--shard", fmt.Sprintf("%d/%d", k, n), "--out-dir", out2)
		if code != ExitConfig || !strings.Contains(errs, "would both be written to "+filepath.Join(out2, "app-03.log")) {
			t.Fatalf("shard %d: exit %d: %s", k, code, errs)
		}
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Fatalf("%s was made: %v", out2, err)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestFilesFromStats: errtag stats reads the list's files.
func TestFilesFromStats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var list []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("%d.log", i))
		if err := os.WriteFile(p, []byte("05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\nquiet\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
	}
	code, out, errs := run(t, strings.Join(list, "\n"), "stats", "--json", "--files-from", "-")
	var rep struct {
		Lines     int `json:"lines"`
		Annotated int `json:"annotated"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Lines != 6 || rep.Annotated != 3 {
		t.Fatalf("exit %d, %+v, out %s, stderr %s", code, rep, out, errs)
	}
}

// TestFilesFromFollow: with -f, the list holds files and patterns to
// follow, as the FILE arguments would.
func TestFilesFromFollow(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "named.txt")
	if err := os.WriteFile(a, []byte("named 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pods := filepath.Join(dir, "pods")
	if err := os.Mkdir(pods, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pods, "p1.log"), []byte("p1 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, "list")
	if err := os.WriteFile(list, []byte(a+"\n"+filepath.Join(pods, "*.log")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fw := startFollow(t, "-f", "--from-start", "-H", "--files-from", list)
	has := func(lines ...string) func(string) bool {
		return func(out string) bool {
			for _, l := range lines {
				if !strings.Contains(out, l+"\n") {
					return false
				}
			}
			return strings.Count(out, "\n") == len(lines)
		}
	}
	first := []string{a + ":named 1", filepath.Join(pods, "p1.log") + ":p1 1"}
	waitFor(t, fw, has(first...))
	p2 := filepath.Join(pods, "p2.log")
	if err := os.WriteFile(p2, []byte("p2 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fw, has(append(first, p2+":p2 1")...))
	fw.stop(t)
}

// TestJSONNamesFiles: --format json adds each record's file when several
// inputs, a list or a -f pattern are read (as grep names files when given
// several), not for one input, and never with -h.
func TestJSONNamesFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("plain\n05-14 10:11:02.118 E EFOTA : download failed resultCode=-1401\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	list := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(list, []byte(a+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		files []string // each record's file, "" for none
	}{
		{"one input", []string{a}, []string{"", ""}},
		{"two inputs", []string{a, b}, []string{a, a, b, b}},
		{"a list of one", []string{"--files-from", list}, []string{a, a}},
		{"-h", []string{"-h", a, b}, []string{"", "", "", ""}},
		{"-H, one input", []string{"-H", a}, []string{a, a}},
	} {
		code, out, errs := run(t, "", append([]string{"--format", "json", "--fields", "code"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, code, errs)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			var rec struct {
				File string `json:"file"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: %q: %v", tc.name, line, err)
			}
			got = append(got, rec.File)
		}
		if !slices.Equal(got, tc.files) {
			t.Errorf("%s: files %q, want %q", tc.name, got, tc.files)
		}
	}
}
