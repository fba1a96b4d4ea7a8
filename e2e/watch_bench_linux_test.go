package e2e

// Benchmarks of the watch stream, the daemon and its baseline each in a process of their own (their CPU time and
// memory read from /proc), clients in this one:
//
//	go test -run '^$' -bench Watch -benchtime 1x -count 5 ./e2e | tee watch.txt && go tool benchstat watch.txt
//
// Fanout: a native writer (testdata/peers/sync_peer_linux.c) changes 64 bytes of a 4 KiB mapping at 100 Hz for
// 10 s; 100 clients watch it (interval 10 ms). Against internal/cmd/benchbase, bare net/http broadcasting the
// same change messages from a channel to 100 clients at 100 Hz.
// Latency: from a write into the mapping (by this process, through its own mapping of /dev/shm, as a native
// program) to a client's receipt, sampled at 10 ms, and driven by an event set after the write.
// Idle: 1000 clients watching a mapping nothing changes: the daemon's memory and threads per client.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
	"golang.org/x/sys/unix"
)

const benchToken = "bench-token-0123456789abcdefghij"

// proc is a benchmark's server process.
type proc struct {
	cmd  *exec.Cmd
	base string
}

// startProc runs bin with args and reads its address from its output (the line matching addrRe's prefix).
func startProc(b *testing.B, bin string, env []string, args ...string) *proc {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "addr=http://"); i >= 0 {
			go func() {
				for sc.Scan() {
				}
			}()
			return &proc{cmd: cmd, base: "http://" + strings.Fields(line[i+len("addr=http://"):])[0]}
		}
		if strings.HasPrefix(line, "127.0.0.1:") {
			go func() {
				for sc.Scan() {
				}
			}()
			return &proc{cmd: cmd, base: "http://" + line}
		}
	}
	b.Fatalf("%s did not start", bin)
	return nil
}

// cpu is the process's CPU time so far (user + system).
func (p *proc) cpu(b *testing.B) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	ut, _ := strconv.Atoi(f[11])
	st, _ := strconv.Atoi(f[12])
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// status reads a field of /proc/PID/status (VmRSS in kB, Threads).
func (p *proc) status(b *testing.B, field string) int {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	b.Fatalf("no %s in /proc status", field)
	return 0
}

func (p *proc) post(b *testing.B, path, body string) {
	req, _ := http.NewRequest("POST", p.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		b.Fatalf("POST %s: %v %v", path, err, resp)
	}
	resp.Body.Close()
}

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "shmbridge-bench-")
	if err != nil {
		return "", err
	}
	for _, c := range [][]string{
		{"go", "build", "-o", filepath.Join(dir, "shmbridge"), "."},
		{"go", "build", "-o", filepath.Join(dir, "benchbase"), "./internal/cmd/benchbase"},
		{"cc", "-O2", "-o", filepath.Join(dir, "sync_peer"), "testdata/peers/sync_peer_linux.c"},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("%v: %v\n%s", c, err, out)
		}
	}
	return dir, nil
})

func benchDaemon(b *testing.B, args ...string) (*proc, string) {
	dir, err := buildOnce()
	if err != nil {
		b.Fatal(err)
	}
	p := startProc(b, filepath.Join(dir, "shmbridge"), []string{"SHMBRIDGE_TOKEN=" + benchToken},
		append([]string{"-listen", "127.0.0.1:0", "-rate-limit", "0", "-max-watchers", "2000"}, args...)...)
	return p, dir
}

// sseClient reads a stream's events, calling on for each (type, data).
func sseClient(b *testing.B, url string, ready *sync.WaitGroup, on func(typ string, data []byte)) func() {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+benchToken)
	tr := &http.Transport{DisableKeepAlives: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("GET %s: %v %v", url, err, resp)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		var typ string
		first := true
		for sc.Scan() {
			line := sc.Bytes()
			switch {
			case bytes.HasPrefix(line, []byte("event: ")):
				typ = string(line[7:])
			case bytes.HasPrefix(line, []byte("data: ")):
				on(typ, line[6:])
			case len(line) == 0 && first && ready != nil:
				first = false
			}
		}
	}()
	if ready != nil {
		ready.Done()
	}
	return func() { resp.Body.Close(); tr.CloseIdleConnections() }
}

type changeMsg struct {
	Seq   int    `json:"seq"`
	Data  string `json:"data"`
	Spans []struct {
		Offset int64  `json:"offset"`
		Data   string `json:"data"`
	} `json:"spans"`
}

// benchTicks is how many 10 ms ticks a fan-out benchmark's writer makes: 10 s of them, or 1 s under -short
// (CI's smoke run: the benchmark's checks, not its figures).
func benchTicks() int {
	if testing.Short() {
		return 100
	}
	return 1000
}

func BenchmarkWatchFanout(b *testing.B) {
	const clients = 100
	ticks := benchTicks()
	for b.Loop() {
		b.Run("bridge", func(b *testing.B) {
			d, dir := benchDaemon(b)
			name := fmt.Sprintf("shmbridge-fanout-%d", os.Getpid())
			d.post(b, "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":4096}`, name))
			defer os.Remove(filepath.Join(shm.ShmDir, name))
			counts := make([]int, clients)  // changes received
			resyncs := make([]int, clients) // snapshots after the first: the client fell behind
			finals := make([]uint32, clients)
			var mu sync.Mutex
			var stops []func()
			for i := range clients {
				stops = append(stops, sseClient(b, d.base+"/v1/mappings/"+name+"/watch?length=64", nil, func(typ string, data []byte) {
					var m changeMsg
					json.Unmarshal(data, &m)
					raw := []byte(nil)
					switch {
					case typ == "change" && m.Spans[0].Offset == 0:
						raw, _ = base64.StdEncoding.DecodeString(m.Spans[0].Data)
					case typ == "snapshot":
						raw, _ = base64.StdEncoding.DecodeString(m.Data)
					}
					mu.Lock()
					defer mu.Unlock()
					switch typ {
					case "change":
						counts[i]++
					case "snapshot":
						resyncs[i]++
					}
					if len(raw) >= 4 {
						finals[i] = binary.LittleEndian.Uint32(raw)
					}
				}))
			}
			// until waits for every client to be where cond says.
			until := func(what string, cond func(i int) bool) {
				testutil.WaitFor(b, "every client ("+what+")", func() bool {
					mu.Lock()
					defer mu.Unlock()
					all := true
					for i := range clients {
						all = all && cond(i)
					}
					return all
				})
			}
			until("had its snapshot", func(i int) bool { return resyncs[i] > 0 })
			cpu0, t0 := d.cpu(b), time.Now()
			if out, err := exec.Command(filepath.Join(dir, "sync_peer"), "tick", name, "-", strconv.Itoa(ticks), "10").CombinedOutput(); err != nil {
				b.Fatalf("writer: %v %s", err, out)
			}
			until("saw the last tick", func(i int) bool { return finals[i] == uint32(ticks) }) // the check below, as a wait
			cpu, wall := d.cpu(b)-cpu0, time.Since(t0)
			for _, stop := range stops {
				stop()
			}
			mu.Lock()
			defer mu.Unlock()
			total, behind := 0, 0
			for i := range clients {
				total += counts[i]
				behind += resyncs[i] - 1
				if finals[i] != uint32(ticks) {
					b.Fatalf("client %d ended at count %d, not %d (%d changes)", i, finals[i], ticks, counts[i])
				}
			}
			b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
			b.ReportMetric(float64(cpu.Microseconds())/float64(total), "cpu-µs/msg")
			b.ReportMetric(float64(total)/clients, "msgs/client")
			b.ReportMetric(float64(behind), "resyncs")
		})
		b.Run("baseline", func(b *testing.B) {
			dir, _ := buildOnce()
			p := startProc(b, filepath.Join(dir, "benchbase"), nil, "-interval", "10ms")
			var mu sync.Mutex
			total := 0
			var stops []func()
			for range clients {
				stops = append(stops, sseClient(b, p.base+"/watch", nil, func(typ string, data []byte) {
					mu.Lock()
					total++
					mu.Unlock()
				}))
			}
			time.Sleep(200 * time.Millisecond)
			mu.Lock()
			total = 0
			mu.Unlock()
			cpu0, t0 := p.cpu(b), time.Now()
			time.Sleep(time.Duration(ticks) * 10 * time.Millisecond)
			cpu, wall := p.cpu(b)-cpu0, time.Since(t0)
			for _, stop := range stops {
				stop()
			}
			mu.Lock()
			defer mu.Unlock()
			b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
			b.ReportMetric(float64(cpu.Microseconds())/float64(total), "cpu-µs/msg")
			b.ReportMetric(float64(total)/clients, "msgs/client")
		})
	}
}

// mapObject maps /dev/shm/name as a native program would.
func mapObject(b *testing.B, name string) []byte {
	f, err := os.OpenFile(filepath.Join(shm.ShmDir, name), os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	view, err := unix.Mmap(int(f.Fd()), 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { unix.Munmap(view) })
	return view
}

func monotonic() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

func BenchmarkWatchLatency(b *testing.B) {
	writes := 300
	if testing.Short() {
		writes = 60
	}
	run := func(b *testing.B, query string, setup func(*proc), fire func()) {
		d, _ := benchDaemon(b)
		name := fmt.Sprintf("shmbridge-latency-%d", os.Getpid())
		d.post(b, "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":4096}`, name))
		setup(d)
		defer os.Remove(filepath.Join(shm.ShmDir, name))
		view := mapObject(b, name)
		var mu sync.Mutex
		var lat []time.Duration
		got, snapshot := make(chan struct{}, 1), make(chan struct{}, 1)
		stop := sseClient(b, d.base+"/v1/mappings/"+name+"/watch?length=16&"+query, nil, func(typ string, data []byte) {
			now := monotonic()
			if typ == "snapshot" {
				select {
				case snapshot <- struct{}{}:
				default:
				}
			}
			if typ != "change" {
				return
			}
			var m changeMsg
			json.Unmarshal(data, &m)
			state := make([]byte, 16)
			for _, sp := range m.Spans {
				raw, _ := base64.StdEncoding.DecodeString(sp.Data)
				copy(state[sp.Offset:], raw)
			}
			if at := int64(binary.LittleEndian.Uint64(state)); at > 0 {
				mu.Lock()
				lat = append(lat, time.Duration(now-at))
				mu.Unlock()
				select {
				case got <- struct{}{}:
				default:
				}
			}
		})
		defer stop()
		select { // the first write must come after the snapshot, to be a change
		case <-snapshot:
		case <-time.After(30 * time.Second):
			b.Fatal("no snapshot within 30 s")
		}
		for i := range writes {
			time.Sleep(time.Duration(5+i%17) * time.Millisecond) // not in step with the sampler
			binary.LittleEndian.PutUint64(view[8:], uint64(i+1))
			binary.LittleEndian.PutUint64(view, uint64(monotonic())) // timestamp last: what the client decodes
			fire()
			select {
			case <-got:
			case <-time.After(30 * time.Second): // a late change is a high p99 here, not a failure
				b.Fatalf("write %d: no change within 30 s", i)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
	for b.Loop() {
		b.Run("interval=10ms", func(b *testing.B) { run(b, "interval=10ms", func(*proc) {}, func() {}) })
		b.Run("event", func(b *testing.B) {
			ev := fmt.Sprintf("shmbridge-latency-ev-%d", os.Getpid())
			e, err := shm.OpenEvent(shm.EventOptions{Name: ev, Mode: shm.Create, ManualReset: true})
			if err != nil {
				b.Fatal(err)
			}
			defer func() { e.Close(); shm.Unlink(ev) }()
			run(b, "event="+url.QueryEscape(ev), func(d *proc) {
				d.post(b, "/v1/events", fmt.Sprintf(`{"name":%q,"mode":"open"}`, ev))
			}, func() { e.Set(); e.Reset() })
		})
	}
}

func BenchmarkWatchIdle(b *testing.B) {
	const clients = 1000
	var lim unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_NOFILE, &lim)
	if lim.Cur < 4*clients {
		lim.Cur = min(lim.Max, 8*clients)
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < 4*clients {
			b.Fatalf("RLIMIT_NOFILE %d: %v (1000 clients need more)", lim.Cur, err)
		}
	}
	for b.Loop() {
		d, _ := benchDaemon(b)
		name := fmt.Sprintf("shmbridge-idle-%d", os.Getpid())
		d.post(b, "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":4096}`, name))
		defer os.Remove(filepath.Join(shm.ShmDir, name))
		time.Sleep(200 * time.Millisecond)
		rss0, threads0 := d.status(b, "VmRSS"), d.status(b, "Threads")
		var ready sync.WaitGroup
		var stops []func()
		for range clients {
			ready.Add(1)
			stops = append(stops, sseClient(b, d.base+"/v1/mappings/"+name+"/watch", &ready, func(string, []byte) {}))
		}
		ready.Wait()
		time.Sleep(time.Second)
		rss, threads := d.status(b, "VmRSS"), d.status(b, "Threads")
		for _, stop := range stops {
			stop()
		}
		b.ReportMetric(float64(rss-rss0)/clients, "KiB/client")
		b.ReportMetric(float64(threads-threads0), "threads-added")
		b.ReportMetric(float64(threads), "threads")
	}
}
