package main

// Linux: the default token file -h shows is the reader's ~/.config one (Windows shows %AppData%'s).

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
)

// TestHelpInDocs: docs/operations.md shows exactly what -h prints (the flag list has one source, the flags
// themselves). SHMBRIDGE_UPDATE_DOCS=1 writes it.
func TestHelpInDocs(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "~/.config") // the default token file, as a reader's would be
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, runEnv{log: &out}); err != nil {
		t.Fatal(err)
	}
	const path, begin, end = "docs/operations.md", "<!-- begin shmbridge -h -->\n```text\n", "```\n<!-- end shmbridge -h -->"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no -h block", path)
	}
	want := out.String()
	if got := string(doc[i+len(begin) : j]); got != want {
		if os.Getenv("SHMBRIDGE_UPDATE_DOCS") == "1" {
			os.WriteFile(path, slices.Concat(doc[:i+len(begin)], []byte(want), doc[j:]), 0o644)
			return
		}
		t.Fatalf("%s shows another -h than the daemon's (SHMBRIDGE_UPDATE_DOCS=1 go test -run TestHelpInDocs . writes it):\n%s", path, want)
	}
}
