package api_test

// Windows peer: a C program built with mingw (CreateFileMapping + CopyMemory; OpenFileMapping), as a native
// program uses named mappings. .ci/build-peers builds it into testdata/bin; under Wine it shares the wineserver
// (and so the named objects) with this test.

import (
	"os"
	"os/exec"
	"testing"
)

func peers(t *testing.T) []peer {
	const bin = `../testdata/bin/win_peer.exe`
	if _, err := os.Stat(bin); err != nil {
		needTool(t, "%s is missing: build it with .ci/build-peers (mingw)", bin)
	}
	winEnc := map[string]string{"utf-8": "ascii", "utf-16le": "utf16"}
	return []peer{{
		name: "C-mingw",
		write: func(t *testing.T, name, enc, text string) *exec.Cmd {
			return exec.Command(bin, "write", name, winEnc[enc], text)
		},
		read: func(t *testing.T, name, enc string) *exec.Cmd {
			return exec.Command(bin, "read", name, winEnc[enc])
		},
	}}
}

// syncPeer runs the mingw-built peer of the synchronization tests (testdata/peers/sync_peer_win.c).
func syncPeer(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	const bin = `../testdata/bin/sync_peer.exe`
	if _, err := os.Stat(bin); err != nil {
		needTool(t, "%s is missing: build it with .ci/build-peers (mingw)", bin)
	}
	return exec.Command(bin, args...)
}

// peerName is the name a native peer uses: the same, Local\ or Global\ included.
func peerName(name string) string { return name }
