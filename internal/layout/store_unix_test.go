//go:build unix

package layout

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestStoreStartSkipsFIFO: a FIFO named like a layout is left out at start, never opened (an open would wait
// for a writer for ever).
func TestStoreStartSkipsFIFO(t *testing.T) {
	dir := testutil.TempDir(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.ksy"), 0o600); err != nil {
		t.Skip(err)
	}
	os.WriteFile(filepath.Join(dir, "good.ksy"), ksy("good"), 0o600)
	k := skips{}
	s, err := LoadStore(context.Background(), dir, DefaultLimits, 16, k.note)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(k["fifo.ksy"], ErrNotRegular) || len(s.List()) != 1 {
		t.Fatalf("skipped %v, loaded %d", k, len(s.List()))
	}
}
