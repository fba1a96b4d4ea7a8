package api_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// TestUnlinkedUnderTheDaemon: when another program removes the /dev/shm name of a mapping the daemon holds
// (Python's resource tracker does, before 3.13), the mapping says so.
func TestUnlinkedUnderTheDaemon(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	if m := b.create(createBody(n, 4096, "")); m.Unlinked {
		t.Fatal("a new mapping is unlinked")
	}
	if err := os.Remove("/dev/shm/" + strings.TrimPrefix(n, `Local\`)); err != nil {
		t.Fatal(err)
	}
	resp, data := b.do("GET", path(n), nil)
	expect(t, resp, data, 200)
	var m api.Mapping
	if err := json.Unmarshal(data, &m); err != nil || !m.Unlinked {
		t.Fatalf("after shm_unlink by another program: %s", data)
	}
}
