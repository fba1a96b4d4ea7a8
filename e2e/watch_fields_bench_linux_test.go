package e2e

// The decoded watch's fan-out against the raw watch of the same mapping, in the same run:
//
//	go test -run '^$' -bench WatchFieldsFanout -benchtime 1x -count 5 ./e2e | tee fields.txt && go tool benchstat fields.txt
//
// A native writer (this process, through its own mapping of /dev/shm) writes a frame of the 640-byte
// telemetry struct of testdata/layouts/bench_telemetry.ksy (90 fields; 11 change per frame, the first the
// write's time) at 100 Hz for 10 s, each write at a different phase of the 10 ms tick; 100 clients watch it at interval=10ms, raw (?length=640: base64 spans)
// or decoded (?layout=bench_telemetry: the fields that changed). Reported: the daemon's CPU per message
// delivered, and the latency from the write to a client's receipt.

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

func BenchmarkWatchFieldsFanout(b *testing.B) {
	const clients = 100
	ticks := benchTicks()
	src, err := os.ReadFile("testdata/layouts/bench_telemetry.ksy")
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, query string, client func() func(typ string, data []byte) (int64, bool)) {
		d, _ := benchDaemon(b, "-layouts-dir", "-")
		name := fmt.Sprintf("shmbridge-fields-fanout-%d", os.Getpid())
		d.post(b, "/v1/mappings", fmt.Sprintf(`{"name":%q,"size":4096}`, name))
		defer os.Remove(filepath.Join(shm.ShmDir, name))
		req, _ := http.NewRequest("PUT", d.base+"/v1/layouts/bench_telemetry", bytes.NewReader(src))
		req.Header.Set("Authorization", "Bearer "+benchToken)
		req.Header.Set("Content-Type", "application/yaml")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
			b.Fatalf("PUT the layout: %v %v", err, resp)
		}
		view := mapObject(b, name)
		for i := 0; i < 90; i++ { // finite values everywhere (zeros would do; these look like data)
			if i < 70 {
				binary.LittleEndian.PutUint64(view[8*i:], math.Float64bits(1.5))
			}
		}
		var mu sync.Mutex
		var lat []time.Duration
		total := 0
		lastAt := make([]int64, clients) // the write time of the last frame each client received
		var stops []func()
		var ready sync.WaitGroup
		for i := range clients {
			ready.Add(1)
			when := client()
			stops = append(stops, sseClient(b, d.base+"/v1/mappings/"+name+"/watch?interval=10ms&"+query, &ready, func(typ string, data []byte) {
				now := monotonic()
				at, ok := when(typ, data)
				if !ok {
					return
				}
				if typ == "snapshot" { // the first, or a resync after falling behind: a frame, not a latency
					mu.Lock()
					lastAt[i] = at
					mu.Unlock()
					return
				}
				mu.Lock()
				total++
				lat = append(lat, time.Duration(now-at))
				lastAt[i] = at
				mu.Unlock()
			}))
		}
		ready.Wait()
		time.Sleep(200 * time.Millisecond)
		cpu0, t0 := d.cpu(b), time.Now()
		tick := time.NewTicker(10 * time.Millisecond)
		var final int64 // the last frame's write time
		for n := 1; n <= ticks; n++ {
			<-tick.C
			time.Sleep(time.Duration(n*7%10) * time.Millisecond) // 100 Hz, at phases spread over the sampler's interval
			for f := 1; f <= 10; f++ {
				binary.LittleEndian.PutUint64(view[8*f:], math.Float64bits(float64(n)))
			}
			final = monotonic()
			binary.LittleEndian.PutUint64(view, math.Float64bits(float64(final))) // v00, last
		}
		tick.Stop()
		// Every client ends at the last frame (a sampler coalesces the frames it was late for, never loses the
		// last): waited for, rather than a pause that a busy machine can outlast. How many frames a client
		// received is reported (msgs/client), not asserted: on a busy machine it is fewer.
		testutil.WaitFor(b, "every client to receive the last frame", func() error {
			mu.Lock()
			behind := slices.IndexFunc(lastAt, func(at int64) bool { return at != final })
			mu.Unlock()
			if behind >= 0 {
				return fmt.Errorf("client %d has not", behind)
			}
			return nil
		})
		cpu, wall := d.cpu(b)-cpu0, time.Since(t0)
		for _, stop := range stops {
			stop()
		}
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(lat)
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
		b.ReportMetric(float64(cpu.Microseconds())/float64(total), "cpu-µs/msg")
		b.ReportMetric(float64(total)/clients, "msgs/client")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
	for b.Loop() {
		b.Run("raw", func(b *testing.B) {
			run(b, "length=640", func() func(typ string, data []byte) (int64, bool) {
				state := make([]byte, 640) // each client patches its copy with the spans, as a raw client must
				return func(typ string, data []byte) (int64, bool) {
					var m changeMsg
					if json.Unmarshal(data, &m) != nil {
						return 0, false
					}
					switch typ {
					case "snapshot":
						raw, _ := base64.StdEncoding.DecodeString(m.Data)
						copy(state, raw)
						return int64(math.Float64frombits(binary.LittleEndian.Uint64(state))), true
					case "change":
						for _, sp := range m.Spans {
							raw, _ := base64.StdEncoding.DecodeString(sp.Data)
							copy(state[sp.Offset:], raw)
						}
						return int64(math.Float64frombits(binary.LittleEndian.Uint64(state))), true
					}
					return 0, false
				}
			})
		})
		b.Run("decoded", func(b *testing.B) {
			run(b, "layout=bench_telemetry", func() func(typ string, data []byte) (int64, bool) {
				return func(typ string, data []byte) (int64, bool) {
					i := bytes.Index(data, []byte(`"v00":`))
					if typ != "fields" && typ != "snapshot" || i < 0 {
						return 0, false
					}
					rest := data[i+6:]
					end := bytes.IndexAny(rest, ",}")
					v, err := strconv.ParseFloat(string(rest[:end]), 64)
					return int64(v), err == nil
				}
			})
		})
	}
}
