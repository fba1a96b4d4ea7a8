package api_test

import (
	"os/exec"
	"testing"
)

// spinlockPeerCommand is the spinlock producer (testdata/peers/spinlock_peer.c) built with cc, its objects
// named as shm_open names them.
func spinlockPeerCommand(t *testing.T, data, lock, event string) *exec.Cmd {
	return exec.Command(cPeer(t, "spinlock_peer.c", "-lpthread"), posixName(data), posixName(lock), posixName(event))
}
