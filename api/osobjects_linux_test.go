package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/shm"
)

// TestOSObjectsUnopenable: what the OS has under a name the API refuses (any local user can make one in
// /dev/shm) is listed as not openable, with the reason, and never as held.
func TestOSObjectsUnopenable(t *testing.T) {
	b := newBridge(t, nil)
	native := strings.TrimPrefix(name(t, "-adv3x\u202egpj.exe"), `Local\`)
	if err := os.WriteFile(filepath.Join(shm.ShmDir, native), make([]byte, 64), 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(filepath.Join(shm.ShmDir, native))
	resp, data := b.do("GET", "/v1/os/objects?kind=mapping", nil)
	expect(t, resp, data, 200)
	for _, o := range decode[api.OSObjects](t, data).Objects {
		if o.Name == native {
			if o.Openable || o.Held != "" || !strings.Contains(o.Reason, "bidirectional") {
				t.Fatalf("%q listed as %+v", native, o)
			}
			return
		}
	}
	t.Fatalf("%q is not listed", native)
}
