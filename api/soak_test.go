package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/shm"
)

// TestSoak runs mixed load (creates, writes, reads as bytes and text, closes, errors) for SHMBRIDGE_SOAK
// (e.g. 60s; .ci/test sets it) and checks that open file descriptors (Windows: handles), goroutines and heap
// are back where they started once the load stops, and that none of its objects can still be opened. (Wine
// answers GetProcessHandleCount with 0, so there the object check is what shows no handle leaked.)
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("SHMBRIDGE_SOAK"))
	if err != nil {
		t.Skip("set SHMBRIDGE_SOAK=60s to run (.ci/test does)")
	}
	b := newBridge(t, nil)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	client := &http.Client{Transport: newSpecCheck(t, tr)} // every answer checked against the spec (unless -tags nospec)
	names, events, mutexes := make([]string, 6), make([]string, 3), make([]string, 3)
	for i := range names {
		names[i] = name(t, fmt.Sprintf("-%d", i))
	}
	for i := range events {
		events[i], mutexes[i] = name(t, fmt.Sprintf("-ev%d", i)), name(t, fmt.Sprintf("-mx%d", i))
	}
	var lastBody sync.Map // worker → the body of its last answer (for mutex leases)
	sendTo := func(w int, method, p string, body []byte, ctype string) int {
		req, _ := http.NewRequest(method, b.base+p, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", method, p, err)
			return 0
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		lastBody.Store(w, data)
		return resp.StatusCode
	}
	send := func(method, p string, body []byte, ctype string) int { return sendTo(-1, method, p, body, ctype) }
	measureNow := func() (fds, goroutines int, heap uint64) {
		tr.CloseIdleConnections()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return openHandles(), runtime.NumGoroutine(), ms.HeapInuse
	}
	// measure waits (up to 30 s: the server sees the closed connections when it is scheduled, late on a busy
	// machine) until done says the figures are what they should be, and answers the last ones.
	measure := func(done func(fds, goroutines int, heap uint64) bool) (fds, goroutines int, heap uint64) {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			fds, goroutines, heap = measureNow()
			if done(fds, goroutines, heap) || time.Now().After(deadline) {
				return fds, goroutines, heap
			}
		}
	}
	// Warm up (lazy initialisation, pools), then measure once the figures hold still (two alike in a row).
	send("POST", "/v1/mappings", []byte(createBody(names[0], 1<<16, "")), "application/json")
	send("DELETE", path(names[0], "?unlink=true"), nil, "")
	lastFds, lastG := -1, -1
	fds0, g0, heap0 := measure(func(fds, g int, _ uint64) bool {
		still := fds == lastFds && g == lastG
		lastFds, lastG = fds, g
		return still
	})

	var requests, unexpected atomic.Int64
	payload := bytes.Repeat([]byte("soak"), 1<<14)
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for time.Now().Before(deadline) {
				n := names[rng.IntN(len(names))]
				ev, mx := events[rng.IntN(len(events))], mutexes[rng.IntN(len(mutexes))]
				var code int
				switch rng.IntN(16) {
				case 8:
					code = send("POST", "/v1/events", []byte(`{"name":`+strconv.Quote(ev)+`}`), "application/json")
				case 9:
					code = send("POST", eventPath(ev, []string{"/set", "/pulse", "/reset"}[rng.IntN(3)]), nil, "")
				case 10:
					code = send("POST", eventPath(ev, "/wait?timeout=20ms"), nil, "")
				case 11:
					code = send("POST", "/v1/mutexes", []byte(`{"name":`+strconv.Quote(mx)+`}`), "application/json")
				case 12:
					code = sendTo(w, "POST", mutexPath(mx, "/acquire?timeout=20ms&hold=100ms"), nil, "")
					var res api.AcquireResult
					if v, _ := lastBody.Load(w); code == 200 && json.Unmarshal(v.([]byte), &res) == nil && res.Acquired && rng.IntN(2) == 0 {
						code = send("POST", mutexPath(mx, "/release?lease="+res.Lease), nil, "")
					}
				case 13:
					code = send("GET", path(n, "/data?length=4096&lock="+url.QueryEscape(mx)+"&lock_timeout=20ms"), nil, "")
				case 14:
					code = send("DELETE", []string{eventPath(ev), mutexPath(mx)}[rng.IntN(2)]+"?unlink=true", nil, "")
				case 0:
					code = send("POST", "/v1/mappings", []byte(createBody(n, 1<<16, "")), "application/json")
				case 1:
					code = send("DELETE", path(n, "?unlink=true"), nil, "")
				case 2, 3:
					code = send("PUT", path(n, "/data"), payload, "application/octet-stream")
				case 4:
					code = send("PUT", path(n, "/data?offset=8&encoding=utf-16le&nul=true"), []byte("soak ünïcode"), "text/plain; charset=utf-8")
				case 5:
					code = send("GET", path(n, "/data?offset=8&as=text&encoding=utf-16le"), nil, "")
				case 6:
					code = send("GET", path(n, "/data"), nil, "")
				default:
					code = send("GET", "/v1/mappings", nil, "")
				}
				requests.Add(1)
				if !strings.Contains(" 200 201 204 404 409 423 ", fmt.Sprintf(" %d ", code)) {
					unexpected.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	for _, n := range names {
		send("DELETE", path(n, "?unlink=true"), nil, "")
	}
	for i := range events {
		send("DELETE", eventPath(events[i], "?unlink=true"), nil, "")
		send("DELETE", mutexPath(mutexes[i], "?unlink=true"), nil, "")
	}
	flat := func(fds1, g1 int, heap1 uint64) bool {
		return !(fds0 > 0 && fds1 > fds0+2 || g1 > g0+4 || heap1 > heap0+16<<20)
	}
	fds1, g1, heap1 := measure(flat)
	// No handle to any soaked object is left: on Windows a leaked section handle would keep it alive (and
	// openable); on Linux the names were unlinked and a leaked descriptor shows in the count above.
	for _, n := range names {
		if m, err := shm.Open(shm.Options{Name: n, Mode: shm.OpenExisting, Access: shm.ReadOnly}); !errors.Is(err, shm.ErrNotFound) {
			if m != nil {
				m.Close()
			}
			t.Errorf("%s still opens after the soak closed it: a handle leaked (%v)", n, err)
		}
	}
	for i := range events {
		if e, err := shm.OpenEvent(shm.EventOptions{Name: events[i], Mode: shm.OpenExisting}); !errors.Is(err, shm.ErrNotFound) {
			if e != nil {
				e.Close()
			}
			t.Errorf("event %s still opens after the soak closed it (%v)", events[i], err)
		}
		if m, err := shm.OpenMutex(shm.MutexOptions{Name: mutexes[i], Mode: shm.OpenExisting}); !errors.Is(err, shm.ErrNotFound) {
			if m != nil {
				m.Close()
			}
			t.Errorf("mutex %s still opens after the soak closed it (%v)", mutexes[i], err)
		}
	}
	t.Logf("soak %v: %d requests (%.0f/s), %d unexpected statuses; fds/handles %d -> %d, goroutines %d -> %d, heap in use %.1f -> %.1f MiB",
		d, requests.Load(), float64(requests.Load())/d.Seconds(), unexpected.Load(), fds0, fds1, g0, g1,
		float64(heap0)/(1<<20), float64(heap1)/(1<<20))
	if unexpected.Load() > 0 {
		t.Errorf("%d answers other than 200/201/204/404/409/423", unexpected.Load())
	}
	if !flat(fds1, g1, heap1) {
		t.Errorf("not flat 30 s after the soak: fds %d -> %d, goroutines %d -> %d, heap %d -> %d", fds0, fds1, g0, g1, heap0, heap1)
	}
}
