package api_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAPIGoesDownThroughTheRegistry: package api (its code, not its tests) imports no package of the OS
// layer: the registry is its one way down (api → registry → shm).
func TestAPIGoesDownThroughTheRegistry(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/shmbridge/shmbridge/shm" {
				t.Errorf("%s imports %s: go through internal/registry", f, p)
			}
		}
	}
}
