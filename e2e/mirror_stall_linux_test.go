//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// TestMirrorStalledTarget: the target daemon stops (SIGSTOP: a machine asleep, a network that holds the bytes)
// while the producer rewrites all of a 1 MiB mapping 100 times a second; the source keeps no more than its watch
// budget for it (its memory stays flat, far below what 5 s of frames would take: 500 MiB) and serves on; when
// the target wakes, its mirror catches up with the last frame (a fresh snapshot, not the backlog).
func TestMirrorStalledTarget(t *testing.T) {
	const token = "stall-e2e-token-0123456789abcdef"
	t.Setenv("SHMBRIDGE_TOKEN", token)
	flags := []string{"-listen", "127.0.0.1:0", "-mirrors-file", "-", "-tokens-file", "-", "-publishers-dir", "-",
		"-layouts-dir", "-", "-recordings-dir", "-"}
	srcAddr, srcLog, src := startDaemonProcess(t, append(flags, "-max-buffered", "16777216")...)
	dstAddr, _, dst := startDaemonProcess(t, flags...)
	name := fmt.Sprintf("shmbridge-e2e-%d-stall", os.Getpid())
	post(t, "http://"+srcAddr, token, "/v1/mappings", fmt.Sprintf(`{"name": %q, "size": 1048576}`, name), 201)
	defer os.Remove(filepath.Join(shm.ShmDir, name))
	creds := filepath.Join(testutil.TempDir(t), "token")
	os.WriteFile(creds, []byte(token), 0o600)
	var m struct{ ID string }
	json.Unmarshal([]byte(post(t, "http://"+dstAddr, token, "/v1/mirrors", fmt.Sprintf(`{"source": "http://%s", "credentials": %q, "mapping": %q, "as": %q, "interval": "10ms"}`,
		srcAddr, creds, name, name+"-copy"), 201)), &m)
	producer, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	before := vmRSS(t, src.Process.Pid)
	dst.Process.Signal(syscall.SIGSTOP)
	frame := make([]byte, 1<<20)
	peak := before
	for i := range 500 { // 5 s at 100 Hz
		for j := range frame {
			frame[j] = byte(i + j/4096)
		}
		producer.WriteAt(frame, 0)
		time.Sleep(10 * time.Millisecond) // the producer's pace, not a wait for a condition
		peak = max(peak, vmRSS(t, src.Process.Pid))
	}
	if peak-before > 200<<10 { // kB: the budget (16 MiB) and the runtime's slack, not 500 MiB of frames
		t.Errorf("the source's memory grew by %d MiB while the target was stopped:\n%s", (peak-before)>>10, srcLog)
	}
	if status := getStatus(t, "http://"+srcAddr+"/healthz"); status != 200 {
		t.Errorf("the source while the target is stopped: /healthz %d", status)
	}
	dst.Process.Signal(syscall.SIGCONT)
	copyView, err := shm.Open(shm.Options{Name: name + "-copy", Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer copyView.Close()
	got := make([]byte, 1<<20)
	testutil.WaitFor(t, "the target catches up with the last frame", func() bool {
		copyView.ReadAt(got, 0)
		return bytes.Equal(got, frame)
	})
	t.Logf("source RSS %d MiB before, %d MiB at most while the target was stopped", before>>10, peak>>10)
	if status := deleteMirror(t, "http://"+dstAddr, token, m.ID); status != 204 {
		t.Errorf("DELETE the mirror: %d", status)
	}
}

// vmRSS is the process's resident memory, in kB.
func vmRSS(t *testing.T, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

func getStatus(t *testing.T, url string) int {
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
