package layout

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestCatalogueWithinBudget: the layouts shipped (the catalogue, the test layouts, the large benchmark one)
// compile well within the compile budget: at most a tenth of each bound, and 16 MB allocated.
func TestCatalogueWithinBudget(t *testing.T) {
	paths, _ := filepath.Glob("../catalogue/*.ksy")
	more, _ := filepath.Glob("../../testdata/layouts/*.ksy")
	if len(paths) == 0 || len(more) == 0 {
		t.Fatal("no layouts found")
	}
	lim := budgeted(DefaultLimits)
	for _, p := range append(paths, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var c cost
		bytes := testutil.Allocated(func() { _, c, err = compileCounted(context.Background(), src, nil, nil, DefaultLimits) })
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if c.nodes > lim.Nodes/10 || c.exprNodes > lim.ExprNodes/10 || c.checks > lim.Checks/10 || bytes > 16<<20 {
			t.Errorf("%s: %+v, %d bytes allocated", filepath.Base(p), c, bytes)
		}
		t.Logf("%s: %+v, %d KB allocated", filepath.Base(p), c, bytes>>10)
	}
}
