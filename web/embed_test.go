package web

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"testing"
)

// TestFileListIsTrue: the package comment lists every file FS embeds, and nothing else.
func TestFileListIsTrue(t *testing.T) {
	src, err := os.ReadFile("embed.go")
	if err != nil {
		t.Fatal(err)
	}
	// "//	app.js       start: …": a tab, a name (or a glob), two spaces or more.
	var listed []string
	for _, m := range regexp.MustCompile(`(?m)^//\t(\S+)  +\S`).FindAllSubmatch(src, -1) {
		listed = append(listed, string(m[1]))
	}
	if len(listed) == 0 {
		t.Fatal("no file list in embed.go's comment")
	}
	embedded, err := fs.Glob(FS, "*")
	if err != nil {
		t.Fatal(err)
	}
	matched := map[string]bool{}
	for _, f := range embedded {
		n := 0
		for _, l := range listed {
			if ok, _ := path.Match(l, f); ok {
				matched[l] = true
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is embedded and listed %d times in embed.go's comment", f, n)
		}
	}
	for _, l := range listed {
		if !matched[l] {
			t.Errorf("embed.go's comment lists %s, which is not embedded", l)
		}
	}
}
