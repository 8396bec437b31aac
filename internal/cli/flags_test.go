package cli

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const efotaLine = "E EFOTA: download failed resultCode=-1401\n"

// TestFlagMistakes: each mistake an on-call engineer makes is a usage
// error (exit 2) that says what to do, and nothing is read or written.
func TestFlagMistakes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-o", "JSON"}, `errtag: -o JSON: -o names the output FILE, and "JSON" is the name of a format; for JSON lines use --format json (to write a file named JSON, give -o ./JSON)`},
		{[]string{"-o", "yaml"}, `"yaml" is the name of a format`},
		{[]string{"-f", "-o", "json", "x.log"}, `-o json: -o names the output FILE`},
		{[]string{"-o", filepath.Join(dir, "out.log.bz2")}, `errtag writes gzip (.gz, .tgz) and zstd (.zst) but not bzip2; use -o ` + filepath.Join(dir, "out.log") + `.gz, or pipe: errtag ... | bzip2 > FILE`},
		{[]string{"-o", filepath.Join(dir, "out.XZ")}, `but not xz`},
		{[]string{"--system", "wusp", "--system", "knox-efota"}, "errtag: --system given twice (wusp, then knox-efota): it takes one value; give one\n"},
		{[]string{"--system", "knox"}, `errtag: --system: there is no system "knox"; the systems are backend-services, drupal-sdk, knox-efota, voltmx-sync and wusp (did you mean knox-efota?)` + "\n"},
		{[]string{"stats", "--system", "nosuch"}, `errtag: --system: there is no system "nosuch"; the systems are backend-services, drupal-sdk, knox-efota, voltmx-sync and wusp` + "\n"},
		{[]string{"explain", "--system", "nosuch", "107"}, `there is no system "nosuch"; the systems are`},
		{[]string{"catalog", "--system", "wsup"}, `(did you mean wusp?)`},
		{[]string{"--max-line", "1x"}, "errtag: --max-line 1x: not a size: give bytes, or a whole number with a unit (64k, 1M, 1MiB; k and KiB are 1024, KB is 1000)\n"},
		{[]string{"--workers", "many"}, "errtag: --workers many: not a whole number\n"},
		{[]string{"--format", "xml"}, `errtag: --format: unknown format "xml": auto or json (to write to a file, use -o FILE)`},
		{[]string{"--output", "out.log"}, `unknown format "out.log": auto or json (to write to a file, use -o FILE)`},
		{[]string{"--output", "json", "--format", "auto"}, "errtag: --format and --output are the same flag (--output is its old name): give one\n"},
		{[]string{"explain", "--search"}, "errtag: --search needs a WORD after it: --search WORD\n"},
		{[]string{"explain", "--search", "--json"}, "errtag: --search needs a WORD after it: --search WORD\n"},
		{[]string{"explain", "107", "--system"}, "errtag: --system needs a NAME after it: --system NAME\n"},
		{[]string{"catalog", "import", "--system", "acme", "-o", "yaml", "page.html"}, "-o yaml: -o names the output FILE, and \"yaml\" is the name of a format; the catalog is written as YAML, and --from names the page's format"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, stderr := run(t, efotaLine, c.args...)
			if code != ExitConfig || out != "" || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, out %q, stderr %q; want exit 2 and %q", code, out, stderr, c.want)
			}
		})
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files were written: %v", ents)
	}
}

// TestFormatSpellings: --format takes any case; --output, its old name,
// still works and says so; a config file's defaults.output too.
func TestFormatSpellings(t *testing.T) {
	t.Parallel()
	want := jsonLine("E EFOTA: download failed resultCode=-1401", `[{"system":"knox-efota","code":"-1401"}]`)
	for _, c := range []struct {
		args []string
		note string
	}{
		{[]string{"--format", "json"}, ""},
		{[]string{"--format", "JSON"}, ""},
		{[]string{"--format=Json"}, ""},
		{[]string{"--output", "json"}, "errtag: note: --output is now --format (the old name still works)\n"},
		{[]string{"--output=JSON"}, "errtag: note: --output is now --format (the old name still works)\n"},
	} {
		code, out, stderr := run(t, efotaLine, append(c.args, "--fields", "system,code")...)
		if code != 0 || out != want || stderr != c.note {
			t.Errorf("%v: exit %d, out %q, stderr %q", c.args, code, out, stderr)
		}
	}
	cfg := writeFile(t, "errtag.yaml", "defaults:\n  output: json\n  fields: system,code\n")
	code, out, stderr := run(t, efotaLine, "--config", cfg)
	if code != 0 || out != want || stderr != "errtag: note: "+cfg+":2: defaults.output is now defaults.format (the old name still works)\n" {
		t.Errorf("defaults.output: exit %d, out %q, stderr %q", code, out, stderr)
	}
	// The command line's old spelling wins over the config's new one.
	cfg = writeFile(t, "errtag.yaml", "defaults:\n  format: auto\n  fields: system,code\n")
	if code, out, _ := run(t, efotaLine, "--config", cfg, "--output", "json"); code != 0 || out != want {
		t.Errorf("--output over defaults.format: exit %d, out %q", code, out)
	}
}

// jsonLine is the --format json record of text line with annotation a.
func jsonLine(line, a string) string {
	return `{"log":"` + line + `","errtag":` + a + "}\n"
}

// TestOutputFileCompression: -o's compression is told by its extension in
// any case.
func TestOutputFileCompression(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"out.GZ", "out.log.Gz", "out.gzip"} {
		p := filepath.Join(dir, name)
		if code, _, stderr := run(t, efotaLine, "-o", p); code != 0 {
			t.Fatalf("-o %s: exit %d %s", name, code, stderr)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("-o %s: not gzip: %v", name, err)
		}
		b, _ := io.ReadAll(zr)
		f.Close()
		if !strings.HasPrefix(string(b), strings.TrimSuffix(efotaLine, "\n")+" errtag.system=knox-efota") {
			t.Errorf("-o %s: %q", name, b)
		}
	}
}

// TestMaxLineUnits: --max-line takes sizes with units, and means them.
func TestMaxLineUnits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int
	}{
		{"1048576", 1 << 20}, {"1k", 1024}, {"1K", 1024}, {"64KiB", 64 << 10}, {"2kb", 2000},
		{"1M", 1 << 20}, {"1 MiB", 1 << 20}, {"3MB", 3000000}, {"1g", 1 << 30}, {"12b", 12},
	} {
		got, err := parseSize(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if back, err := parseSize(formatSize(got)); err != nil || back != got {
			t.Errorf("formatSize(%d) = %q does not read back", got, formatSize(got))
		}
	}
	for _, bad := range []string{"", "k", "1x", "-1", "1.5M", "99999999999G"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
	// A line longer than 1k passes unannotated; a shorter one is annotated.
	long := "E EFOTA: " + strings.Repeat("x", 1100) + " resultCode=-1401\n"
	_, out, stderr := run(t, efotaLine+long, "--max-line", "1k", "--fields", "code")
	if out != strings.TrimSuffix(efotaLine, "\n")+" errtag.code=-1401\n"+long {
		t.Errorf("--max-line 1k: out %q, stderr %q", out, stderr)
	}
}

// TestHelpMetavars: every flag that takes a value names it in capitals
// (FILE, NAME, N), never by its Go type (string, int).
func TestHelpMetavars(t *testing.T) {
	t.Parallel()
	root := newRoot(newEnv(Env{}))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		c.Flags().VisitAll(func(f *pflag.Flag) {
			name, _ := pflag.UnquoteUsage(f)
			if f.Value.Type() == "bool" || f.Hidden {
				return
			}
			if name == "" || name != strings.ToUpper(name) {
				t.Errorf("%s --%s shows its value as %q", c.CommandPath(), f.Name, name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestFieldsList: known, named in --fields, is written for known codes too;
// a field named twice is written once; names take any case.
func TestFieldsList(t *testing.T) {
	t.Parallel()
	const unknown = "E EFOTA: download failed resultCode=-9999\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--fields", "known"}, "E EFOTA: download failed resultCode=-1401 errtag.known=true\nE EFOTA: download failed resultCode=-9999 errtag.known=false\n"},
		{[]string{"--fields", "code,known"}, "E EFOTA: download failed resultCode=-1401 errtag.code=-1401 errtag.known=true\nE EFOTA: download failed resultCode=-9999 errtag.code=-9999 errtag.known=false\n"},
		{[]string{"--fields", "code,code,CODE"}, "E EFOTA: download failed resultCode=-1401 errtag.code=-1401\nE EFOTA: download failed resultCode=-9999 errtag.code=-9999\n"},
		{[]string{"--fields", "code,known,code", "--format", "json"},
			jsonLine("E EFOTA: download failed resultCode=-1401", `[{"code":"-1401","known":true}]`) +
				jsonLine("E EFOTA: download failed resultCode=-9999", `[{"code":"-9999","known":false}]`)},
		// The default list writes known only when false.
		{[]string{"--fields", "system,code,name,category,group,message,remediation,alternatives"}, ""},
	} {
		code, out, stderr := run(t, efotaLine+unknown, c.args...)
		if c.want == "" {
			_, def, _ := run(t, efotaLine+unknown)
			if strings.Contains(def, "known=true") || !strings.Contains(def, "errtag.code=-9999 errtag.known=false") || strings.Contains(out, "known") {
				t.Errorf("default fields: %q", def)
			}
			continue
		}
		if code != 0 || out != c.want {
			t.Errorf("%v: exit %d, stderr %q\n got %q\nwant %q", c.args, code, stderr, out, c.want)
		}
	}
}
