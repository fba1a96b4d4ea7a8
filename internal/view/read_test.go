package view

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// TestPlannerBounded: a plan is kept per layout and selection, at most maxPlans of them, and a selection of
// more than maxKeptFields bytes (a client's query) is planned for its request but never kept.
func TestPlannerBounded(t *testing.T) {
	reg := registry.New(nil)
	name := fmt.Sprintf("shmbridge-view-%d", os.Getpid())
	m, _, err := reg.OpenMapping(shm.Options{Name: name, Size: 64, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.CloseMapping(name, true)
	l, err := layout.Compile([]byte("meta: {id: pair, endian: le}\nseq:\n  - {id: a, type: u4}\n  - {id: b, type: u4}\n"), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	pl := NewPlanner(reg)
	if _, err := pl.Plan(m, l, "a"); err != nil || len(pl.plans) != 1 {
		t.Fatalf("a plan: %v, %d kept", err, len(pl.plans))
	}
	long := strings.Repeat("a,", maxKeptFields) + "b"
	if p, err := pl.Plan(m, l, long); err != nil || p.Selection == nil || len(pl.plans) != 1 {
		t.Fatalf("a long selection: %v, %d kept", err, len(pl.plans))
	}
	for i := range maxPlans + 10 {
		pl.Plan(m, l, fmt.Sprintf("a,a%d", i))
	}
	if n := len(pl.plans); n > maxPlans {
		t.Fatalf("%d plans kept, more than %d", n, maxPlans)
	}
}
