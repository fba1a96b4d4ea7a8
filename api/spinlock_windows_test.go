package api_test

import (
	"os"
	"os/exec"
	"testing"
)

// spinlockPeerCommand is the spinlock producer (testdata/peers/spinlock_peer.c) built with mingw by
// .ci/build-peers, its objects named as the daemon names them.
func spinlockPeerCommand(t *testing.T, data, lock, event string) *exec.Cmd {
	t.Helper()
	const bin = `../testdata/bin/spinlock_peer.exe`
	if _, err := os.Stat(bin); err != nil {
		needTool(t, "%s is missing: build it with .ci/build-peers (mingw)", bin)
	}
	return exec.Command(bin, data, lock, event)
}
