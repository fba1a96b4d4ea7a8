package api_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestKilledWaiterLeavesPulseAlone: a native waiter (the C peer of shmbridge_sync.h) killed with SIGKILL inside
// its wait never takes itself off the event's waiter count. A later pulse of the auto-reset event, with
// nobody left waiting, must leave it non-signaled, as a pulse with no waiter does: a dead process must not
// change what the object means.
func TestKilledWaiterLeavesPulseAlone(t *testing.T) {
	b := newBridge(t, nil)
	mp, ready, ack := name(t, "-map"), name(t, "-ready"), name(t, "-ack")
	b.post(t, "/v1/mappings", map[string]any{"name": mp, "size": 4096}, 201)
	b.post(t, "/v1/events", map[string]any{"name": ready}, 201)
	b.post(t, "/v1/events", map[string]any{"name": ack}, 201)
	peer := syncPeer(t, "client", peerName(mp), peerName(ready), peerName(ack))
	if err := peer.Start(); err != nil {
		t.Fatal(err)
	}
	waiters := func() uint32 {
		raw, err := os.ReadFile(filepath.Join("/dev/shm", peerName(ready)))
		if err != nil || len(raw) < 20 {
			t.Fatalf("reading the event object: %v", err)
		}
		return binary.NativeEndian.Uint32(raw[16:20]) // word 4: waiters
	}
	testutil.WaitFor(t, "the peer to wait on the event", func() bool { return waiters() == 1 })
	peer.Process.Signal(syscall.SIGKILL)
	peer.Wait()
	if waiters() != 1 {
		t.Fatalf("waiter count %d after the kill, want the dead waiter's 1 left behind", waiters())
	}
	b.post(t, eventPath(ready, "/pulse"), nil, 200)
	if ev := decode[api.Event](t, b.getOK(t, eventPath(ready))); ev.State != "not_signaled" {
		t.Fatalf("after a pulse with only a dead waiter's count: %s, want not_signaled", ev.State)
	}
}
