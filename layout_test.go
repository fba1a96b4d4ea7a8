package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
