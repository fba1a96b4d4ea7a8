package api_test

// Linux peers: a C program using shm_open (built here with cc) and Python's multiprocessing.shared_memory.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const pythonPeer = `
import sys
from multiprocessing import shared_memory, resource_tracker
role, name, enc = sys.argv[1:4]
codec = {"utf8": "utf-8", "utf16": "utf-16-le"}[enc]
unit = 2 if enc == "utf16" else 1
if role == "write":
    data = sys.argv[4].encode(codec) + b"\0" * unit
    shm = shared_memory.SharedMemory(name=name, create=True, size=4096)
    shm.buf[:len(data)] = data
    print("READY", flush=True)
    sys.stdin.readline()
    shm.close()
    shm.unlink()
else:
    shm = shared_memory.SharedMemory(name=name)
    # Only attached: keep the resource tracker from unlinking it at exit (cpython gh-82300).
    resource_tracker.unregister(shm._name, "shared_memory")
    b = bytes(shm.buf)
    end = next((i for i in range(0, len(b) - unit + 1, unit) if b[i:i + unit] == b"\0" * unit), len(b))
    print(b[:end].decode(codec).encode().hex())
    shm.close()
`

// posixName is the name a Linux program passes to shm_open (without the "/") or SharedMemory.
func posixName(name string) string {
	return name[strings.IndexByte(name, '\\')+1:]
}

func peers(t *testing.T) []peer {
	cc, err := exec.LookPath("cc")
	if err != nil {
		needTool(t, "no C compiler (cc) to build the shm_open peer")
	}
	bin := filepath.Join(t.TempDir(), "shm_peer")
	if out, err := exec.Command(cc, "-O2", "-Wall", "-o", bin, "../testdata/peers/shm_peer.c").CombinedOutput(); err != nil {
		t.Fatalf("building the C peer: %v\n%s", err, out)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		needTool(t, "no python3 for the multiprocessing.shared_memory peer")
	}
	return []peer{
		{
			name: "C-shm_open",
			write: func(t *testing.T, name, enc, text string) *exec.Cmd {
				return exec.Command(bin, peerArgs("write", posixName(name), enc, text)...)
			},
			read: func(t *testing.T, name, enc string) *exec.Cmd {
				return exec.Command(bin, peerArgs("read", posixName(name), enc)...)
			},
		},
		{
			name: "Python-shared_memory",
			write: func(t *testing.T, name, enc, text string) *exec.Cmd {
				return exec.Command(py, append([]string{"-c", pythonPeer}, peerArgs("write", posixName(name), enc, text)...)...)
			},
			read: func(t *testing.T, name, enc string) *exec.Cmd {
				return exec.Command(py, append([]string{"-c", pythonPeer}, peerArgs("read", posixName(name), enc)...)...)
			},
		},
	}
}

// syncPeer runs the C peer of include/shmbridge_sync.h (testdata/peers/sync_peer_linux.c, built here with cc).
func syncPeer(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	syncPeerOnce.Do(func() {
		cc, err := exec.LookPath("cc")
		if err != nil {
			syncPeerErr = "no C compiler (cc) to build the sync peer"
			return
		}
		syncPeerBin = "../testdata/bin/sync_peer" // gitignored, rebuilt on each run
		os.MkdirAll("../testdata/bin", 0o755)
		if out, err := exec.Command(cc, "-O2", "-Wall", "-Werror", "-o", syncPeerBin, "../testdata/peers/sync_peer_linux.c").CombinedOutput(); err != nil {
			syncPeerErr = fmt.Sprintf("building the sync peer: %v\n%s", err, out)
		}
	})
	if syncPeerErr != "" {
		needTool(t, "%s", syncPeerErr)
	}
	return exec.Command(syncPeerBin, args...)
}

var (
	syncPeerOnce             sync.Once
	syncPeerBin, syncPeerErr string
)

// peerName is the name a native peer uses: shm_open's, without the "/".
func peerName(name string) string { return posixName(name) }
