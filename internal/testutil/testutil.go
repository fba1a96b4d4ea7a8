// Package testutil holds helpers shared by shmbridge's tests.
package testutil

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
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

// RunChecked runs a package's tests (m.Run) and then fails the run if they left a /dev/shm object behind:
// every name the tests make carries the test process's PID. It answers the exit code for os.Exit. On systems
// without /dev/shm it only runs the tests.
func RunChecked(m *testing.M) int {
	code := m.Run()
	entries, err := os.ReadDir("/dev/shm")
	if err != nil {
		return code
	}
	pid := fmt.Sprint(os.Getpid())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "shmbridge-") && slices.Contains(strings.Split(e.Name(), "-"), pid) {
			fmt.Fprintf(os.Stderr, "FAIL: the tests left /dev/shm/%s behind\n", e.Name())
			os.Remove(filepath.Join("/dev/shm", e.Name()))
			code = 1
		}
	}
	return code
}

// Threads is how many OS threads the process has now (Linux: /proc/self/status; 0 elsewhere).
func Threads() int {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// Allocated is the bytes f allocates in this process (runtime.MemStats.TotalAlloc): a bound on its memory that a
// busy machine does not change, unlike a time.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
