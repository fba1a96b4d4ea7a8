// Command gen writes the catalogue's layouts converted from C: for each src/ID.yaml that names a struct,
// ID.ksy (generate.Layout). go generate runs it in internal/catalogue; a file is written only when it
// changes.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/catalogue/generate"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "catalogue/gen:", err)
		os.Exit(1)
	}
}

func run() error {
	src := os.DirFS("src")
	ids, err := catalogue.IDs(src)
	if err != nil {
		return err
	}
	for _, id := range ids {
		e, err := catalogue.ReadEntry(src, id)
		if err != nil {
			return err
		}
		if !e.Converted() {
			continue
		}
		out, err := generate.Layout(src, e)
		if err != nil {
			return err
		}
		if old, err := os.ReadFile(id + ".ksy"); err == nil && bytes.Equal(old, out) {
			continue
		}
		if err := os.WriteFile(id+".ksy", out, 0o644); err != nil {
			return err
		}
	}
	return nil
}
