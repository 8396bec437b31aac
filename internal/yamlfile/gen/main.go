// Command gen packs YAML files into a Go source file (yamlfile.Packed
// trees), so that a package can hold built-in YAML without parsing it at
// run time. The packages that use it run it with go generate:
//
//	gen -pkg PKG -var NAME -o FILE [-prefix P] YAML...
//
// Each YAML argument is a file or a glob of files (sorted), packed under
// the name P followed by its base name, or NAME=FILE to give the name.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/errtag/errtag/internal/yamlfile"
)

func main() {
	pkg := flag.String("pkg", "", "package of the generated file")
	name := flag.String("var", "", "name of the generated variable")
	out := flag.String("o", "", "generated file")
	prefix := flag.String("prefix", "", "prefix of the files' names")
	flag.Parse()
	if *pkg == "" || *name == "" || *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -pkg PKG -var NAME -o FILE [-prefix P] YAML...")
		os.Exit(2)
	}
	if err := run(*pkg, *name, *out, *prefix, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(pkg, name, out, prefix string, args []string) error {
	var files []*yamlfile.Packed
	for _, arg := range args {
		named, path, ok := strings.Cut(arg, "=")
		if !ok {
			named, path = "", arg
		}
		paths, err := filepath.Glob(path)
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return fmt.Errorf("%s: no such file", path)
		}
		sort.Strings(paths)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n := named
			if n == "" {
				n = prefix + filepath.Base(p)
			}
			root, err := yamlfile.Parse(n, data)
			if err != nil {
				return err
			}
			packed, err := yamlfile.Pack(n, root)
			if err != nil {
				return err
			}
			if err := yamlfile.CheckPacked(packed, data); err != nil {
				return err
			}
			files = append(files, packed)
		}
	}
	src, err := yamlfile.GoSource(pkg, name, "internal/yamlfile/gen", files)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
