package api_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// stall opens a watch stream over a raw connection that never reads: a stalled subscriber. It returns once
// the daemon answered (the status line is out), and closes the connection when the test ends.
func (b *bridge) stall(t *testing.T, p string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(b.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096) // as little as the kernel allows: the daemon feels the stall at once
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", p, strings.TrimPrefix(b.base, "http://"), testToken)
	line, err := bufio.NewReaderSize(conn, 16).ReadString('\n')
	if err != nil || !strings.Contains(line, " 200 ") {
		t.Fatalf("stalled stream %s: %q %v", p, line, err)
	}
}

// heapInUse is the heap the process uses after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// TestWatchStalledSubscribersStayInTheBudget: 20 streams of a 4 MiB range that changes all the time, none of
// which reads, hold no more than the -max-buffered budget between them (each would otherwise hold its own
// snapshot and its own queued change: ~11 MiB each, 220 MiB in all); a stream that reads still gets the
// state, and the daemon answers.
func TestWatchStalledSubscribersStayInTheBudget(t *testing.T) {
	const budget = 48 << 20
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBuffered = budget })
	n := name(t, "")
	const size = 4 << 20
	b.create(createBody(n, size, ""))
	m := native(t, n)
	before := heapInUse()
	stop := make(chan struct{})
	writing := make(chan struct{})
	go func() { // every byte changes, again and again: every sample is a new state
		defer close(writing)
		buf := make([]byte, size)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			for j := range buf {
				buf[j] = byte(i + j)
			}
			m.WriteAt(buf, 0)
		}
	}()
	defer func() { close(stop); <-writing }()
	for range 20 {
		b.stall(t, path(n, "/watch"))
	}
	var peak int64
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		peak = max(peak, heapInUse()-before)
	}
	t.Logf("20 stalled streams of a changing 4 MiB range: heap +%d MiB at most (budget %d MiB)", peak>>20, budget>>20)
	if peak > budget+24<<20 {
		t.Fatalf("20 stalled streams hold %d MiB of heap, over the %d MiB budget", peak>>20, budget>>20)
	}
	resp, data := b.do("GET", "/healthz", nil)
	expect(t, resp, data, 200)
}

// TestWatchIdleStreamsOnOneEvent: 300 streams sampling different bytes on one quiet event share one OS wait
// of it: they take no OS thread each (and no wake-up), all see its firing, and the thread goes when they end.
func TestWatchIdleStreamsOnOneEvent(t *testing.T) {
	b := newBridge(t, nil)
	n, ev := name(t, ""), name(t, "-ev")
	b.create(createBody(n, 4096, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": true}, 201)
	threads := testutil.Threads()
	created := pprof.Lookup("threadcreate").Count()
	const streams = 300
	var ss []*stream
	for i := range streams {
		s := b.watch(t, path(n, "/watch?event="+url.QueryEscape(ev)+"&offset="+strconv.Itoa(i)+"&length=1"))
		s.next() // its snapshot
		ss = append(ss, s)
	}
	native(t, n).WriteAt(bytes.Repeat([]byte{1}, streams), 0)
	b.post(t, eventPath(ev, "/set"), nil, 200)
	for _, s := range ss {
		if e := s.next(); e.typ != "change" {
			t.Fatalf("after the set: %s %s", e.typ, e.raw)
		}
	}
	if more := pprof.Lookup("threadcreate").Count() - created; more > 16 {
		t.Fatalf("%d streams on one event made %d OS threads", streams, more)
	} else {
		t.Logf("%d streams on one event: %d more OS threads", streams, more)
	}
	for _, s := range ss {
		s.close()
	}
	testutil.WaitFor(t, "the samplers to stop", func() bool { return value(b.scrape(), "shmbridge_watch_samplers", nil) == 0 })
	if runtime.GOOS == "linux" {
		// A few threads the runtime started meanwhile stay; one per stream would be 300.
		testutil.WaitFor(t, "the threads to go", func() bool { return testutil.Threads() <= threads+8 })
	}
}

// TestWatchTooMuchWatched: past -max-samplers distinct sources, or past -max-sample-rate samples a second, a
// stream is 429 too-many-samplers; what is watched already can still be joined.
func TestWatchTooMuchWatched(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxSamplers, c.MaxSampleRate = 2, 150 })
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	b.watch(t, path(n, "/watch?length=8")).next() // 10 ms: 100 a second
	resp, data := b.do("GET", path(n, "/watch?offset=8&length=8"), nil)
	expect(t, resp, data, 429)
	wantProblem(t, data, "too-many-samplers", "-max-sample-rate")
	b.watch(t, path(n, "/watch?offset=8&length=8&interval=1s")).next()
	resp, data = b.do("GET", path(n, "/watch?offset=16&length=8&interval=1s"), nil)
	expect(t, resp, data, 429)
	wantProblem(t, data, "too-many-samplers", "-max-samplers")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	b.watch(t, path(n, "/watch?length=8")).next() // the same source as the first: it joins
}

// TestWatchTriggerEventClosed: a stream sampled on an event ends with reason event-closed when that event is
// closed (the mapping is still held), and with closed when the mapping is.
func TestWatchTriggerEventClosed(t *testing.T) {
	b := newBridge(t, nil)
	n, ev := name(t, ""), name(t, "-ev")
	b.create(createBody(n, 64, ""))
	for _, deleted := range []string{"event", "mapping"} {
		b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": true}, 201)
		s := b.watch(t, path(n, "/watch?event="+url.QueryEscape(ev)))
		s.next()
		want := "event-closed"
		if deleted == "event" {
			b.do("DELETE", eventPath(ev, "?unlink=true"), nil)
		} else {
			want = "closed"
			b.do("DELETE", path(n, "?unlink=true"), nil)
			b.do("DELETE", eventPath(ev, "?unlink=true"), nil)
		}
		if e := s.next(); e.typ != "closed" || e.data.Reason != want {
			t.Fatalf("after the %s's DELETE: %s %s, want reason %s", deleted, e.typ, e.raw, want)
		}
	}
}

// TestSlowTextBodiesHoldWhatTheySent: text PUTs whose chunked bodies trickle in (a byte, then nothing) hold
// what they sent of the memory budget, not the most a text body may be (3 × 16 MiB each, which two of them
// took of a 100 MiB budget for as long as they stalled): another copy still gets its memory.
func TestSlowTextBodiesHoldWhatTheySent(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBuffered = 100 << 20 })
	n := name(t, "")
	b.create(createBody(n, 8<<20, ""))
	for range 2 {
		pr, pw := io.Pipe()
		t.Cleanup(func() { pw.CloseWithError(errors.New("the test ended")) })
		req, _ := http.NewRequest("PUT", b.base+path(n, "/data?encoding=utf-16le"), pr)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		go func() {
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		pw.Write([]byte("x"))
	}
	// Both uploads under way: each holds its first step of the budget.
	testutil.WaitFor(t, "the uploads to begin", func() bool { return value(b.scrape(), "shmbridge_buffered_bytes", nil) >= 2*64<<10 })
	if status := b.watchStatus(t, path(n, "/watch?length=4194304")); status != 200 {
		t.Fatalf("a 4 MiB watch (8 MiB of the budget) beside two stalled text uploads: %d", status)
	}
}
