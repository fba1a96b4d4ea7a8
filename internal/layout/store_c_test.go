package layout

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestStoreKeepsCBeside: a layout converted from C keeps its header as ID.h beside ID.ksy, read again at start;
// a plain .ksy saved over it removes the header, and a delete removes both files.
func TestStoreKeepsCBeside(t *testing.T) {
	dir := testutil.TempDir(t)
	open := func() *Store {
		s, err := LoadStore(context.Background(), dir, DefaultLimits, 16, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	header := []byte("struct good { int x; };\n")
	if _, _, err := open().PutConverted("good", ksy("good"), header); err != nil {
		t.Fatal(err)
	}
	e, err := open().Get("good")
	if err != nil || string(e.C) != string(header) || e.Layout == nil {
		t.Fatalf("after a restart: %v, C %q", err, e.C)
	}
	s := open()
	if _, _, err := s.Put("good", ksy("good")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "good.h")); !os.IsNotExist(err) {
		t.Errorf("a .ksy saved over a converted layout left its header: %v", err)
	}
	if e, _ := open().Get("good"); e == nil || e.C != nil {
		t.Errorf("after a .ksy replaced it: %+v", e)
	}
	if _, _, err := s.PutConverted("good", ksy("good"), header); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("good"); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a delete left %v", left)
	}
}
