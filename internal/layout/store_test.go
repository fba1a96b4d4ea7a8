package layout

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestStoreKeepsLayouts: saved layouts are files that a new store (a restart) loads; a file that does not
// compile is listed with its problems and does not stop the others; imports resolve by id among them.
func TestStoreKeepsLayouts(t *testing.T) {
	dir := testutil.TempDir(t) // t.TempDir cannot clean up under Wine
	s, err := OpenStore(dir, DefaultLimits, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.Put("base", []byte("meta:\n  id: base\nseq:\n  - id: a\n    type: u1\n")); err != nil || !created {
		t.Fatal(err, created)
	}
	if _, _, err := s.Put("top", []byte("meta:\n  id: top\n  imports: [base]\nseq:\n  - id: b\n    type: base\n")); err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.Put("base", []byte("meta:\n  id: base\nseq:\n  - id: a\n    type: u2le\n")); err != nil || created {
		t.Fatal(err, created)
	}
	os.WriteFile(filepath.Join(dir, "broken.ksy"), []byte("meta:\n  id: broken\nseq:\n  - id: x\n    type: nosuch\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "Not-An-Id.ksy"), []byte("meta: {id: x}\n"), 0o600)

	s2, err := OpenStore(dir, DefaultLimits, 8)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range s2.List() {
		ids = append(ids, e.ID)
	}
	if len(ids) != 3 || ids[0] != "base" || ids[1] != "broken" || ids[2] != "top" {
		t.Fatalf("after a restart: %v", ids)
	}
	if e, _ := s2.Get("broken"); e.Layout != nil || len(e.Problems) == 0 || e.Problems[0].Path != "/seq/0/type" {
		t.Errorf("broken: %+v", e)
	}
	top, _ := s2.Get("top")
	if top.Layout == nil || top.Layout.Fixed != 2 {
		t.Fatalf("top, importing the replaced base (u2le): %+v", top)
	}
	if err := s2.Delete("base"); err != nil {
		t.Fatal(err)
	}
	if top, _ := s2.Get("top"); top.Layout != nil || len(top.Problems) == 0 {
		t.Errorf("top still compiles without its import: %+v", top)
	}
	if _, err := os.Stat(filepath.Join(dir, "base.ksy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("base.ksy is still there: %v", err)
	}
	for _, id := range []string{"../../etc/passwd", "Upper", "", "a/b", "x.ksy"} {
		if _, _, err := s2.Put(id, []byte("meta: {id: x}\n")); !errors.Is(err, ErrInvalidID) {
			t.Errorf("Put(%q): %v", id, err)
		}
	}
}

// TestStoreBounded: a store keeps at most its cap of layouts.
func TestStoreBounded(t *testing.T) {
	s, _ := OpenStore("", DefaultLimits, 2)
	for i, id := range []string{"a", "b", "c"} {
		_, _, err := s.Put(id, []byte("meta:\n  id: "+id+"\n"))
		if i < 2 && err != nil || i == 2 && !errors.Is(err, ErrFull) {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// TestCompileBounded: what a layout's text can make the compiler do is bounded too: a huge fixed array of an
// empty type, sizes past any mapping.
func TestCompileBounded(t *testing.T) {
	for _, ksy := range []string{
		"meta:\n  id: a\nseq:\n  - id: x\n    type: e\n    repeat: expr\n    repeat-expr: 1099511627776\ntypes:\n  e: {}\n",
		"meta:\n  id: a\nseq:\n  - id: x\n    type: u8\n    repeat: expr\n    repeat-expr: 1099511627776\n  - id: y\n    type: u8le\n    repeat: expr\n    repeat-expr: 1099511627776\n",
	} {
		done := make(chan error, 1)
		go func() { _, err := Compile([]byte(ksy), nil, DefaultLimits); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Logf("refused: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("compiling took more than 5 s: %q", ksy)
		}
	}
}
