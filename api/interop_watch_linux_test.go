package api_test

import (
	"os/exec"
	"testing"
)

// pythonTicker writes a counter (uint32, little-endian) at offset 0 of an existing SharedMemory, N times.
const pythonTicker = `
import sys, time, struct
from multiprocessing import shared_memory, resource_tracker
shm = shared_memory.SharedMemory(name=sys.argv[1])
resource_tracker.unregister(shm._name, "shared_memory")
for i in range(1, int(sys.argv[2]) + 1):
    shm.buf[4:64] = bytes([i & 0xff]) * 60
    shm.buf[0:4] = struct.pack("<I", i)
    time.sleep(0.005)
shm.close()
print("DONE")
`

// TestWatchPythonWriter: Python's multiprocessing.shared_memory writing in a loop, watched over HTTP.
func TestWatchPythonWriter(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		needTool(t, "no python3 for the multiprocessing.shared_memory peer")
	}
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	s := b.watch(t, path(n, "/watch?interval=1ms&length=64"))
	var w watched
	w.apply(t, s.next())
	if out, err := exec.Command(py, "-c", pythonTicker, posixName(n), "200").CombinedOutput(); err != nil {
		t.Fatalf("python writer: %v\n%s", err, out)
	}
	w.until(t, s, 200)
	for i := 1; i < len(w.counts); i++ {
		if w.counts[i] < w.counts[i-1] {
			t.Fatalf("the stream went back: %v", w.counts)
		}
	}
}
