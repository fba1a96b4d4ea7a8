// Package testutil holds helpers shared by shmbridge's tests.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// TempDir is t.TempDir without os.RemoveAll, which fails under Wine 8 ("Invalid function": Go 1.26 deletes
// through an NT call Wine lacks). Plain os.Remove works, so the tree is removed bottom-up with it.
func TempDir(t testing.TB) string {
	dir, err := os.MkdirTemp("", "shmbridge-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error { paths = append(paths, p); return nil })
		for i := len(paths) - 1; i >= 0; i-- {
			if err := os.Remove(paths[i]); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return dir
}
