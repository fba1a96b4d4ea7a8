// Package testutil holds helpers shared by shmbridge's tests.
package testutil

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
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
		if err := RemoveAll(dir); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return dir
}

// RemoveAll is os.RemoveAll done bottom-up with os.Remove, which works under Wine 8 (see TempDir). A path
// that does not exist is no error.
func RemoveAll(dir string) error {
	var paths []string
	filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	for i := len(paths) - 1; i >= 0; i-- {
		if err := os.Remove(paths[i]); err != nil {
			return err
		}
	}
	return nil
}

// LockedBuffer is a log sink that goroutines may write while a test reads it.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }
