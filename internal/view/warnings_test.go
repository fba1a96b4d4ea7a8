package view

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// mappingOf opens a new mapping of size bytes, closed when the test ends.
func mappingOf(t *testing.T, reg *registry.Registry, size int64) *registry.Mapping {
	t.Helper()
	name := fmt.Sprintf("shmbridge-view-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-"))
	m, _, err := reg.OpenMapping(shm.Options{Name: name, Size: size, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.CloseMapping(name, true) })
	return m
}

func compiled(t *testing.T, src string) *layout.Layout {
	t.Helper()
	l, err := layout.Compile([]byte(src), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLargerLayout: a layout of a fixed size over a smaller mapping is planned as an error naming both sizes,
// before anything is read; one whose size the data decides is planned (its read says where it ends).
func TestLargerLayout(t *testing.T) {
	reg := registry.New(nil)
	m := mappingOf(t, reg, 6)
	_, err := New(reg, m, compiled(t, "meta: {id: pair, endian: le}\nseq: [{id: a, type: u4}, {id: b, type: u4}]\n"), "")
	var le *LargerError
	if !errors.As(err, &le) || !errors.Is(err, ErrLayoutLarger) || le.Fixed != 8 || le.Size != 6 || le.Layout != "pair" || le.Mapping != m.Name() {
		t.Fatalf("New = %v, want a LargerError of 8 and 6 bytes", err)
	}
	if !strings.Contains(err.Error(), "is 8 bytes (its fixed size) but the mapping") || !strings.Contains(err.Error(), "is 6 bytes") {
		t.Errorf("the error says %q", err)
	}
	w := NewPlanner(reg).Warnings(m, compiled(t, "meta: {id: pair, endian: le}\nseq: [{id: a, type: u4}, {id: b, type: u4}]\n"))
	if len(w) != 1 || w[0].Detail != "the layout's fixed size is 8 bytes but the mapping is 6 bytes: a read by it would end 2 bytes past the mapping's end, and is refused" {
		t.Errorf("its warnings (for a raw read) are %q", w)
	}
	if _, err := NewPlanner(reg).Plan(m, compiled(t, "meta: {id: bytes}\nseq: [{id: n, type: u1}, {id: b, size: n}]\n"), ""); err != nil {
		t.Errorf("a layout of no fixed size: %v", err)
	}
}

// TestWarnings: a plan carries the layout's own warnings and, for a layout that reads only its fixed size, a
// mapping larger than it; the planner's are the same, worked out once.
func TestWarnings(t *testing.T) {
	reg := registry.New(nil)
	m := mappingOf(t, reg, 16)
	pl := NewPlanner(reg)
	exact := compiled(t, "meta: {id: pair, endian: le}\nseq: [{id: a, type: u4}, {id: b, type: u4}, {id: c, type: u8}]\n")
	if p, err := pl.Plan(m, exact, ""); err != nil || p.Warnings != nil || pl.Warnings(m, exact) != nil {
		t.Fatalf("a layout of the mapping's size: %v, warnings %q", err, p.Warnings)
	}
	off := compiled(t, "meta: {id: off, endian: le}\nseq: [{id: a, type: u1}, {id: b, type: u4}]\n")
	want := []layout.Warning{
		{Field: "b", Detail: "b (u4) is at offset 1, which a C compiler would not choose for a 4-byte number: 3 bytes of padding are likely missing after a"},
		{Detail: "the layout's fixed size is 5 bytes but the mapping is 16 bytes: 11 bytes are not described (padding a C compiler adds, or fields the layout leaves out)"},
	}
	p, err := pl.Plan(m, off, "b")
	if err != nil || fmt.Sprint(p.Warnings) != fmt.Sprint(want) {
		t.Fatalf("Plan: %v, warnings\n%q\nwant\n%q", err, p.Warnings, want)
	}
	if w := pl.Warnings(m, off); fmt.Sprint(w) != fmt.Sprint(want) || len(pl.warns) != 2 {
		t.Fatalf("Planner.Warnings = %q, %d kept", w, len(pl.warns))
	}
	pl.Warnings(m, off)
	if len(pl.warns) != 2 {
		t.Errorf("%d kept for two layouts and one size", len(pl.warns))
	}
	// A layout that looks at its whole stream expects more than its fixed part.
	whole := compiled(t, "meta: {id: whole, endian: le}\nseq: [{id: a, type: u4}]\ninstances: {last: {pos: _io.size - 1, type: u1}}\n")
	if w := Warnings(m, whole); w != nil {
		t.Errorf("a layout reading its whole stream: %q", w)
	}
}
