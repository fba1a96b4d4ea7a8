package e2e

// Recordings against the daemon's binary and a native producer (Python's multiprocessing.shared_memory, a
// process of its own): what a recording cut short by kill -9 keeps, what a full file system does, and what
// recording costs at 100 Hz.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// producer100Hz is a native producer of a 4 KiB frame at 100 Hz behind a u32 seqlock (odd while it writes):
// a u32 tick, the time it wrote the frame (s64, Unix nanoseconds), and CHANGED bytes of floats from 16, all
// rewritten each frame. It prints READY and runs until stdin closes.
const producer100Hz = `
import struct, sys, threading, time
from multiprocessing import shared_memory
name, changed = sys.argv[1], int(sys.argv[2])
shm = shared_memory.SharedMemory(name=name, create=True, size=4096)
buf = shm.buf
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
print("READY", flush=True)
seq, tick, start = 0, 0, time.perf_counter()
while not done.is_set():
    tick += 1
    struct.pack_into("<I", buf, 0, seq + 1)
    vals = struct.pack("<%df" % (changed // 4), *[tick + i * 0.5 for i in range(changed // 4)])
    buf[16:16 + len(vals)] = vals
    struct.pack_into("<Iq", buf, 4, tick, time.time_ns())
    seq += 2
    struct.pack_into("<I", buf, 0, seq)
    time.sleep(max(0, start + tick / 100 - time.perf_counter()))
del buf
shm.close()
shm.unlink()
`

// frame4kKsy is the producer's whole frame; probeKsy its first 16 bytes.
const frame4kKsy = `meta:
  id: frame4k
  endian: le
  -shmbridge:
    consistency:
      seqlock: seq
seq:
  - id: seq
    type: u4
  - id: tick
    type: u4
  - id: t_ns
    type: s8
  - id: values
    type: f4
    repeat: expr
    repeat-expr: 1020
`

const recToken = "recordings-test-token-0123456789"

// startProducer runs the 100 Hz producer of the mapping Local\NAME until the test ends.
func startProducer(t *testing.T, name string, changed int) {
	t.Helper()
	py := needTool(t, "python3")
	cmd := exec.Command(py, "-c", producer100Hz, name, strconv.Itoa(changed))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "READY\n" {
		t.Fatalf("the producer: %q", line)
	}
}

// client calls a daemon's API with the test's token.
type client struct {
	t    *testing.T
	base string
}

func (c client) call(method, p string, body any, status int) []byte {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+p, r)
	req.Header.Set("Authorization", "Bearer "+recToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if strings.HasPrefix(p, "/v1/layouts/") {
		req.Header.Set("Content-Type", "application/yaml")
		req.Body = io.NopCloser(strings.NewReader(body.(string)))
		req.ContentLength = int64(len(body.(string)))
	}
	for try := 1; ; try++ {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			c.t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// A GET answered with the documented 503 and Retry-After (a frame torn on every copy within the read's
		// deadline, as on a busy machine; busy) is asked again as a client would: after Retry-After, 5 times
		// at most.
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); method == "GET" && resp.StatusCode == 503 && status != 503 &&
			err == nil && secs >= 0 && secs <= 60 && try < 5 {
			c.t.Logf("%s %s: 503 (try %d), asked again after Retry-After %ds: %s", method, p, try, secs, bytes.TrimSpace(data))
			time.Sleep(time.Duration(secs) * time.Second) // what Retry-After asks of a client
			continue
		}
		if resp.StatusCode != status {
			c.t.Fatalf("%s %s: %d, want %d: %s", method, p, resp.StatusCode, status, data)
		}
		return data
	}
}

type recording struct {
	ID     string  `json:"id"`
	State  string  `json:"state"`
	Reason string  `json:"reason"`
	Frames int64   `json:"frames"`
	Bytes  int64   `json:"bytes"`
	Dur    float64 `json:"duration"`
}

func (c client) recording(id string) recording {
	c.t.Helper()
	var list []recording
	json.Unmarshal(c.call("GET", "/v1/recordings", nil, 200), &list)
	for _, r := range list {
		if r.ID == id {
			return r
		}
	}
	c.t.Fatalf("recording %s is not listed: %+v", id, list)
	return recording{}
}

// until polls the recording until ok holds, and answers it.
func (c client) until(id, what string, ok func(recording) bool) recording {
	c.t.Helper()
	var r recording
	testutil.WaitFor(c.t, "recording "+id+" ("+what+")", func() error {
		if r = c.recording(id); !ok(r) {
			return fmt.Errorf("it is %+v", r)
		}
		return nil
	})
	return r
}

// readRecording runs examples/python/read_recording.py: the format read without the daemon.
func readRecording(t *testing.T, file string) map[string]any {
	t.Helper()
	out, err := exec.Command(needTool(t, "python3"), "examples/python/read_recording.py", file).Output()
	if err != nil {
		t.Fatalf("read_recording.py: %v", err)
	}
	var sum map[string]any
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("read_recording.py: %v: %s", err, out)
	}
	return sum
}

// TestRecordingKilled: a recording of a 100 Hz producer, the daemon killed with SIGKILL mid-recording: the
// file reads (without the daemon) up to its last whole frame; the daemon started again lists it as
// interrupted with those frames, completed; it exports and replays.
func TestRecordingKilled(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	dir := t.TempDir()
	addr, _, cmd := startDaemonProcess(t, "-listen", "127.0.0.1:0", "-recordings-dir", dir, "-layouts-dir", filepath.Join(dir, "layouts"))
	c := client{t, "http://" + addr}
	name := fmt.Sprintf("shmbridge-e2e-killed-%d", os.Getpid())
	startProducer(t, name, 256)
	c.call("PUT", "/v1/layouts/frame4k", frame4kKsy, 201)
	var r recording
	json.Unmarshal(c.call("POST", "/v1/recordings", map[string]any{"mapping": `Local\` + name, "layout": "frame4k", "interval": "5ms"}, 201), &r)
	c.until(r.ID, "has 100 frames", func(r recording) bool { return r.Frames >= 100 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	file := filepath.Join(dir, r.ID+".shmrec")
	cut := readRecording(t, file)
	frames := cut["frames"].(float64)
	if cut["end"] != nil || frames < 100 || cut["damaged_at"] != nil {
		t.Fatalf("killed: %v", cut)
	}
	t.Logf("killed mid-recording: %v frames whole, cut short at %v", frames, cut["cut_short_at"])

	addr, log, _ := startDaemonProcess(t, "-listen", "127.0.0.1:0", "-recordings-dir", dir, "-layouts-dir", filepath.Join(dir, "layouts"))
	c = client{t, "http://" + addr}
	again := c.recording(r.ID)
	if again.State != "stopped" || again.Reason != "interrupted" || float64(again.Frames) != frames {
		t.Fatalf("after a restart: %+v (the reader found %v frames)\n%s", again, frames, log)
	}
	done := readRecording(t, file)
	if end, _ := done["end"].(map[string]any); end == nil || end["reason"] != "interrupted" || done["frames"] != frames || done["cut_short_at"] != nil {
		t.Fatalf("completed: %v", done)
	}
	csv := c.call("GET", "/v1/recordings/"+r.ID+"/fields?fields=tick,values[0]", nil, 200)
	if rows := strings.Count(string(csv), "\n"); float64(rows) != frames+1 {
		t.Errorf("the export has %d lines for %v frames", rows, frames)
	}
	dst := fmt.Sprintf(`Local\shmbridge-e2e-replayed-%d`, os.Getpid())
	c.call("POST", "/v1/mappings", map[string]any{"name": dst, "size": 4096, "layout": "frame4k"}, 201)
	defer c.call("DELETE", "/v1/mappings/"+urlPath(dst)+"?unlink=true", nil, 204)
	c.call("POST", "/v1/mappings/"+urlPath(dst)+"/replay", map[string]any{"recording": r.ID, "speed": 100}, 202)
	var p struct {
		State  string `json:"state"`
		Frames float64
	}
	testutil.WaitFor(t, "the replay to be done", func() error {
		if json.Unmarshal(c.call("GET", "/v1/mappings/"+urlPath(dst)+"/replay", nil, 200), &p); p.State != "done" {
			return fmt.Errorf("it is %+v", p)
		}
		return nil
	})
	if p.Frames != frames {
		t.Fatalf("the replay: %+v", p)
	}
	var last struct{ Tick float64 }
	json.Unmarshal(c.call("GET", "/v1/mappings/"+urlPath(dst)+"/fields?fields=tick", nil, 200), &last)
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if tick := strings.Split(lines[len(lines)-1], ",")[2]; tick != fmt.Sprint(last.Tick) {
		t.Errorf("after the replay the mapping's tick is %v, the last frame's %s", last.Tick, tick)
	}
}

func urlPath(name string) string { return strings.ReplaceAll(name, `\`, "%5C") }

// TestRecordingDiskFull: recordings on a small tmpfs. With no reserve, a recording that fills it stops
// (disk-full), its file whole up to its last frame; the next is 507. With the reserve, a recording stops
// before the file system is full.
func TestRecordingDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("mounting a tmpfs needs root")
		}
		t.Skip("mounting a tmpfs needs root")
	}
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	name := fmt.Sprintf("shmbridge-e2e-full-%d", os.Getpid())
	startProducer(t, name, 4080) // every byte changes: each frame is a 4 KiB snapshot
	for _, reserve := range []int64{0, 256 << 10} {
		t.Run(fmt.Sprintf("reserve=%d", reserve), func(t *testing.T) {
			dir := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
				t.Fatalf("mount: %v: %s", err, out)
			}
			t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
			addr, _, _ := startDaemonProcess(t, "-listen", "127.0.0.1:0", "-recordings-dir", dir, "-layouts-dir", "-",
				"-recordings-min-free", strconv.FormatInt(reserve, 10))
			c := client{t, "http://" + addr}
			var r recording
			json.Unmarshal(c.call("POST", "/v1/recordings", map[string]any{"mapping": `Local\` + name, "interval": "2ms"}, 201), &r)
			r = c.until(r.ID, "stopped", func(r recording) bool { return r.State == "stopped" })
			var st syscall.Statfs_t
			syscall.Statfs(dir, &st)
			free := int64(st.Bavail) * st.Bsize
			if r.Reason != "disk-full" || r.Frames < 10 {
				t.Fatalf("on a full tmpfs: %+v", r)
			}
			if reserve > 0 && free < reserve {
				t.Errorf("a reserve of %d, yet %d bytes free", reserve, free)
			}
			sum := readRecording(t, filepath.Join(dir, r.ID+".shmrec"))
			if sum["damaged_at"] != nil || sum["cut_short_at"] != nil || sum["frames"] != float64(r.Frames) {
				t.Errorf("the file of a recording that filled the disk: %v (listed %+v)", sum, r)
			}
			t.Logf("reserve %d: stopped (%s) after %d frames, %d bytes; %d bytes free; the file: %v end %v", reserve, r.Reason, r.Frames, r.Bytes, free, sum["frames"], sum["end"])
			var p struct{ Type, Detail string }
			json.Unmarshal(c.call("POST", "/v1/recordings", map[string]any{"mapping": `Local\` + name}, 507), &p)
			if p.Type != "urn:shmbridge:problem:no-space" {
				t.Errorf("the next recording: %+v", p)
			}
			c.call("GET", "/healthz", nil, 200) // still serving
		})
	}
}

// TestRecordingThroughput measures a recording of a 100 Hz producer of 4 KiB frames (256 changed bytes a
// frame, and all of them), read by its seqlock: frames and bytes a second kept, and the daemon's CPU while it
// records, against the same daemon idle (same run).
func TestRecordingThroughput(t *testing.T) {
	t.Setenv("SHMBRIDGE_TOKEN", recToken)
	for _, changed := range []int{256, 4080} {
		t.Run(fmt.Sprintf("changed=%d", changed), func(t *testing.T) {
			dir := t.TempDir()
			addr, _, cmd := startDaemonProcess(t, "-listen", "127.0.0.1:0", "-recordings-dir", dir, "-layouts-dir", "-")
			c := client{t, "http://" + addr}
			name := fmt.Sprintf("shmbridge-e2e-rate-%d-%d", os.Getpid(), changed)
			startProducer(t, name, changed)
			c.call("PUT", "/v1/layouts/frame4k", frame4kKsy, 201)
			const span = 3 * time.Second
			idle := cpuOver(t, cmd.Process.Pid, span)
			var r recording
			json.Unmarshal(c.call("POST", "/v1/recordings", map[string]any{"mapping": `Local\` + name, "layout": "frame4k", "interval": "5ms"}, 201), &r)
			tick := func() float64 {
				var f struct{ Tick float64 }
				json.Unmarshal(c.call("GET", "/v1/mappings/"+urlPath(`Local\`+name)+"/fields?layout=frame4k&fields=tick", nil, 200), &f)
				return f.Tick
			}
			start, tick0 := c.recording(r.ID), tick()
			busy := cpuOver(t, cmd.Process.Pid, span)
			end, tick1 := c.recording(r.ID), tick()
			c.call("POST", "/v1/recordings/"+r.ID+"/stop", nil, 200)
			fps := float64(end.Frames-start.Frames) / span.Seconds()
			produced := (tick1 - tick0) / span.Seconds()
			bps := float64(end.Bytes-start.Bytes) / span.Seconds()
			t.Logf("recording throughput, 4 KiB at 100 Hz, %d bytes changed a frame: %.1f frames/s kept of %.1f produced, %.0f bytes/s of file; daemon CPU %.2f%% of a core recording (idle %.2f%%)",
				changed, fps, produced, bps, busy*100, idle*100)
			// The figure is for a quiet machine (docs/recordings.md); beside the other packages' tests under -race
			// a 5 ms ticker is late at times, so this only checks that the recording keeps up at all.
			if fps < 0.5*produced {
				t.Errorf("%.1f frames/s kept of %.1f produced", fps, produced)
			}
		})
	}
}

// cpuOver is the share of a core the process used over d (its utime and stime in /proc).
func cpuOver(t *testing.T, pid int, d time.Duration) float64 {
	t.Helper()
	ticks := func() float64 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		u, _ := strconv.ParseFloat(f[11], 64)
		s, _ := strconv.ParseFloat(f[12], 64)
		return u + s
	}
	t0, w0 := ticks(), time.Now()
	time.Sleep(d) // the measurement's window, not a wait for a condition
	return (ticks() - t0) / 100 / time.Since(w0).Seconds()
}
