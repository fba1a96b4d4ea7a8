package e2e

// BenchmarkMirror: a mirror between two daemons on one machine, each in a process of its own (their CPU read
// from /proc), fed by a native producer (testdata/peers/sync_peer_linux.c stampns: a CLOCK_MONOTONIC stamp and
// 1 KiB of a frame's number written, then the producer's event set) and read by a native reader on the target
// (sync_peer latency: it polls the mirrored mapping every 20 µs and prints each stamp's age), the target and
// its reader in a mount namespace of their own (needs root):
//
//	go test -run '^$' -bench Mirror -benchtime 1x -count 5 ./e2e | tee mirror.txt && go tool benchstat mirror.txt
//
// Each case first measures the source's CPU per frame with a plain watch stream of the same mapping sampled on
// the same event (the baseline: what any client costs it), then with the mirror alone. Cases: 100 Hz and
// 1 kHz on a 4 KiB mapping, and 100 Hz on a 1 MiB mapping of which each frame changes 1 KiB (bytes-per-frame
// says what crossed).

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func BenchmarkMirror(b *testing.B) {
	seconds := 5
	if testing.Short() {
		seconds = 1
	}
	for b.Loop() {
		for _, c := range []struct {
			name     string
			hz, size int
		}{{"100Hz", 100, 4096}, {"1kHz", 1000, 4096}, {"1MiB-100Hz", 100, 1 << 20}} {
			b.Run(c.name, func(b *testing.B) { benchMirror(b, c.hz, c.size, c.hz*seconds) })
		}
	}
}

func benchMirror(b *testing.B, hz, size, frames int) {
	src, dir := benchDaemon(b, "-mirrors-file", "-", "-tokens-file", "-")
	// The target and its reader in a mount namespace with a /dev/shm of their own, as on another machine: on one
	// system the mirrored event would be the source's own object, and setting it here would wake the source.
	dst := startProc(b, "unshare", []string{"SHMBRIDGE_TOKEN=" + benchToken}, "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=64m tmpfs /dev/shm && exec "$0" "$@"`, filepath.Join(dir, "shmbridge"),
		"-listen", "127.0.0.1:0", "-rate-limit", "0", "-mirrors-file", "-", "-tokens-file", "-")
	peer := filepath.Join(dir, "sync_peer")
	name := fmt.Sprintf("shmbridge-bench-%d-mirror", os.Getpid())
	src.post(b, "/v1/mappings", fmt.Sprintf(`{"name": %q, "size": %d}`, name, size))
	src.post(b, "/v1/events", fmt.Sprintf(`{"name": %q}`, name+"-ev"))
	defer src.del(b, "/v1/mappings/"+name+"?unlink=true")
	defer src.del(b, "/v1/events/"+name+"-ev?unlink=true")
	produce := func() {
		out, err := exec.Command(peer, "stampns", name, name+"-ev", strconv.Itoa(frames), strconv.Itoa(1000000/hz)).CombinedOutput()
		if err != nil {
			b.Fatalf("the producer: %v\n%s", err, out)
		}
	}
	watchURL := src.base + "/v1/mappings/" + name + "/watch?event=" + name + "-ev"

	// The baseline: a plain watch stream, as any client.
	before := src.cpu(b)
	stop := sseClient(b, watchURL, nil, func(string, []byte) {})
	produce()
	stop()
	b.ReportMetric(perFrame(src.cpu(b)-before, frames), "watch-src-µs/frame")

	// The mirror, its frames read by a native reader on the target.
	creds := filepath.Join(b.TempDir(), "token")
	os.WriteFile(creds, []byte(benchToken), 0o600)
	as := name + "-copy"
	var m struct{ ID string }
	json.Unmarshal(dst.postJSON(b, "/v1/mirrors", fmt.Sprintf(`{"source": %q, "credentials": %q, "mapping": %q, "as": %q, "event": %q}`,
		src.base, creds, name, as, name+"-ev")), &m)
	defer dst.del(b, "/v1/mirrors/"+m.ID)
	reader := exec.Command("nsenter", "-t", strconv.Itoa(dst.cmd.Process.Pid), "-m", peer, "latency", as, strconv.Itoa(frames), "2000") // ends 2 s after the last frame seen
	out, _ := reader.StdoutPipe()
	if err := reader.Start(); err != nil {
		b.Fatal(err)
	}
	srcBefore, dstBefore, bytesBefore := src.cpu(b), dst.cpu(b), dst.mirrorBytes(b, m.ID)
	produce()
	raw, _ := io.ReadAll(out)
	reader.Wait()
	lat := parseLatencies(raw)
	if len(lat) == 0 {
		b.Fatalf("the reader saw none of %d frames", frames)
	}
	b.ReportMetric(100*float64(len(lat))/float64(frames), "seen-%") // the rest coalesced: a newer frame came first
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(perFrame(src.cpu(b)-srcBefore, frames), "src-µs/frame")
	b.ReportMetric(perFrame(dst.cpu(b)-dstBefore, frames), "dst-µs/frame")
	b.ReportMetric(float64(dst.mirrorBytes(b, m.ID)-bytesBefore)/float64(frames), "bytes/frame")
}

func perFrame(d time.Duration, frames int) float64 {
	return float64(d.Microseconds()) / float64(frames)
}

func parseLatencies(raw []byte) []time.Duration {
	var lat []time.Duration
	for _, f := range strings.Fields(string(raw)) {
		if ns, err := strconv.ParseInt(f, 10, 64); err == nil {
			lat = append(lat, time.Duration(ns))
		}
	}
	return lat
}

func (p *proc) postJSON(b *testing.B, path, body string) []byte {
	req, _ := http.NewRequest("POST", p.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 {
		b.Fatalf("POST %s: %d %s", path, resp.StatusCode, data)
	}
	return data
}

func (p *proc) del(b *testing.B, path string) {
	req, _ := http.NewRequest("DELETE", p.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+benchToken)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// mirrorBytes is the bytes mirror id wrote so far.
func (p *proc) mirrorBytes(b *testing.B, id string) int64 {
	req, _ := http.NewRequest("GET", p.base+"/v1/mirrors/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+benchToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ Bytes int64 }
	json.NewDecoder(resp.Body).Decode(&m)
	return m.Bytes
}
