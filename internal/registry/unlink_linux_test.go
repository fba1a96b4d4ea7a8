//go:build linux

package registry_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// TestUnlinkOnlyOwnObjects: DELETE ?unlink=true of another user's object is refused before anything is
// closed (the daemon still holds it, the name stays); root too unlinks only its own user's objects.
func TestUnlinkOnlyOwnObjects(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI: this test needs root (to make an object another user owns)")
		}
		t.Skip("needs root to chown an object to another user")
	}
	name := fmt.Sprintf("shmbridge-others-%d", os.Getpid())
	path := filepath.Join(shm.ShmDir, name)
	if err := os.WriteFile(path, make([]byte, 64), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	reg := registry.New(nil)
	if _, _, err := reg.OpenMapping(shm.Options{Name: name, Mode: shm.OpenExisting, Access: shm.ReadOnly}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.CloseMapping(name, true); !errors.Is(err, shm.ErrAccessDenied) {
		t.Fatalf("unlink of another user's object: %v, want ErrAccessDenied", err)
	}
	if _, err := reg.GetMapping(name); err != nil {
		t.Fatalf("the refused unlink closed the mapping: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the refused unlink removed the name: %v", err)
	}
	if _, err := reg.CloseMapping(name, false); err != nil {
		t.Fatalf("a plain close: %v", err)
	}
}
