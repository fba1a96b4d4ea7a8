package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCodeLayoutIsTheTree: the README's "Code layout" names every package of the tree, and names none that
// is not there.
func TestCodeLayoutIsTheTree(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "## Code layout")
	if i < 0 {
		t.Fatal("the README has no Code layout section")
	}
	s = s[i:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`([.a-z][a-z0-9/]*?)/?`").FindAllStringSubmatch(s, -1) {
		named[m[1]] = true
	}
	var pkgs []string
	filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" || d.Name() == "docs" || d.Name() == "examples") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			if dir := filepath.ToSlash(filepath.Dir(p)); !slices.Contains(pkgs, dir) {
				pkgs = append(pkgs, dir)
			}
		}
		return nil
	})
	for _, p := range pkgs {
		if !named[p] {
			t.Errorf("package %s is not in the README's Code layout", p)
		}
	}
	for n := range named {
		if st, err := os.Stat(n); err == nil && st.IsDir() && !slices.Contains(pkgs, n) && n != "." {
			t.Errorf("the README's Code layout names %s, which holds no package", n)
		}
		if strings.Contains(n, "/") || n == "." {
			if _, err := os.Stat(n); err != nil && !strings.HasSuffix(n, ".go") {
				t.Errorf("the README's Code layout names %s, which is not there", n)
			}
		}
	}
}

// TestLayers: each package reaches only the layers below it, as the README's Code layout says: the OS layer
// (shm) imports none of the module's packages; the registry imports only the OS layer; the domain packages
// (the rest of internal/) import neither the HTTP layer nor the OS layer (the registry is their way down);
// the HTTP layer (api) imports no OS layer either. Only package main, the wiring, and the benchmarks' tools
// import api.
func TestLayers(t *testing.T) {
	const mod = "github.com/shmbridge/shmbridge"
	pkgs := map[string][]string{} // a package's directory → the module's packages its code imports
	filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		for _, imp := range f.Imports {
			if q, _ := strconv.Unquote(imp.Path.Value); q == mod || strings.HasPrefix(q, mod+"/") {
				pkgs[dir] = append(pkgs[dir], strings.TrimPrefix(strings.TrimPrefix(q, mod), "/"))
			}
		}
		return nil
	})
	tools := func(dir string) bool {
		return dir == "." || dir == "internal/bare" || strings.HasPrefix(dir, "internal/cmd/")
	}
	for dir, imports := range pkgs {
		for _, imp := range imports {
			var why string
			switch {
			case dir == "shm" || strings.HasPrefix(dir, "shm/"):
				why = "the OS layer imports none of the module's packages"
			case dir == "internal/registry" && imp != "shm":
				why = "the registry reaches only the OS layer"
			case imp == "shm" && dir != "internal/registry" && dir != ".":
				why = "only the registry reaches the OS layer"
			case imp == "api" && !tools(dir):
				why = "only package main (and the benchmarks' tools) reach the HTTP layer"
			case imp == "" || strings.HasPrefix(imp, "internal/cmd/"):
				why = "commands are not imported"
			}
			if why != "" {
				t.Errorf("%s imports %s: %s", dir, imp, why)
			}
		}
	}
}
