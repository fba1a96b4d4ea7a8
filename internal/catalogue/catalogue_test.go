package catalogue_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// Every built-in layout compiles, its meta/id is its name, and every .ksy is listed (and nothing else).
func TestCatalogueCompiles(t *testing.T) {
	listed := map[string]bool{}
	for _, p := range catalogue.Producers {
		listed[p.Layout] = true
		src, err := catalogue.Source(p.Layout)
		if err != nil {
			t.Fatal(err)
		}
		l, err := layout.Compile(src, nil, layout.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", p.Layout, err)
		}
		if l.ID != p.Layout {
			t.Errorf("%s.ksy says meta/id %s", p.Layout, l.ID)
		}
	}
	names, _ := fs.Glob(catalogue.Files(), "*.ksy")
	for _, n := range names {
		if !listed[strings.TrimSuffix(n, ".ksy")] {
			t.Errorf("%s is not in catalogue.Producers", n)
		}
	}
	if len(names) != len(catalogue.Producers) {
		t.Errorf("%d files, %d producers", len(names), len(catalogue.Producers))
	}
}
