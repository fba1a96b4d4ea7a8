package api_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	sse "github.com/tmaxmax/go-sse"
)

type watchEvent struct {
	id   int
	typ  string
	data api.WatchData
	raw  string
}

// stream is a watch stream being read: its events arrive on events, each checked against the spec.
type stream struct {
	t      *testing.T
	resp   *http.Response
	cancel context.CancelFunc
	events chan watchEvent
	lastID int
	err    error // why reading ended, if not at the end of the stream; read once events is closed
}

// watch opens a watch stream and checks its answer is 200 text/event-stream.
func (b *bridge) watch(t *testing.T, p string, hdr ...string) *stream {
	t.Helper()
	s, status := b.tryWatch(t, p, hdr...)
	if s == nil {
		t.Fatalf("GET %s: %d", p, status)
	}
	return s
}

// tryWatch opens a watch stream; nil, and the status, if the answer is not 200 text/event-stream.
func (b *bridge) tryWatch(t *testing.T, p string, hdr ...string) (*stream, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", b.base+p, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		resp.Body.Close()
		return nil, resp.StatusCode
	}
	s := &stream{t: t, resp: resp, cancel: cancel, events: make(chan watchEvent, 1024)}
	mismatch := watchDataCheck(t)
	go func() {
		defer close(s.events)
		for e, err := range sse.Read(resp.Body, &sse.ReadConfig{MaxEventSize: 16 << 20}) {
			if err != nil {
				s.err = err
				return
			}
			if len(e.Data) <= 64<<10 { // the shapes are the same at any size; a MiB of JSON is slow under -race
				if why := mismatch(e.Data); why != "" {
					t.Errorf("a %s message does not match WatchData in openapi.yaml: %s%s", e.Type, e.Data, why)
				}
			}
			var we watchEvent
			we.id, _ = strconv.Atoi(e.LastEventID)
			we.typ, we.raw = e.Type, e.Data
			json.Unmarshal([]byte(e.Data), &we.data)
			s.events <- we
		}
	}()
	t.Cleanup(s.close)
	return s, resp.StatusCode
}

func (s *stream) close() { s.cancel(); s.resp.Body.Close() }

// watchStatus opens a watch and answers its status (a stream's 200 comes with the headers), closing it. auth,
// if given, is the Authorization header to send instead of the test token's.
func (b *bridge) watchStatus(t *testing.T, p string, auth ...string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", b.base+p, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	for _, a := range auth {
		req.Header.Set("Authorization", a)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// next returns the next event; it fails the test after 5 s, or if the stream ended.
func (s *stream) next() watchEvent {
	s.t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			s.t.Fatalf("the stream ended (%v)", s.err)
		}
		if e.id <= s.lastID {
			s.t.Fatalf("event id %d after %d: ids must increase", e.id, s.lastID)
		}
		s.lastID = e.id
		return e
	case <-time.After(30 * time.Second): // a condition: an event comes; on a busy machine under -race, late
		s.t.Fatal("no event within 30 s")
	}
	return watchEvent{}
}

// ended reports whether the stream ends within d (with no further event).
func (s *stream) ended(d time.Duration) bool {
	select {
	case e, ok := <-s.events:
		if ok {
			s.t.Fatalf("an event after the end: %s %s", e.typ, e.raw)
		}
		return true
	case <-time.After(d):
		return false
	}
}

func b64(t *testing.T, s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWatch: a snapshot of the range, then only the changed runs at absolute offsets, whoever writes (the API
// or a program beside it); last_change_at follows; DELETE ends the stream with closed.
func TestWatch(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	b.do("PUT", path(n, "/data?offset=10"), strings.NewReader("hello"))
	s := b.watch(t, path(n, "/watch?offset=8&length=100&interval=2ms"))
	e := s.next()
	if e.typ != "snapshot" || e.data.Mapping != n || e.data.Offset == nil || *e.data.Offset != 8 {
		t.Fatalf("first: %s %s", e.typ, e.raw)
	}
	if got := b64(t, e.data.Data); len(got) != 100 || string(got[2:7]) != "hello" {
		t.Fatalf("snapshot data %q", got)
	}
	seq := e.data.Seq

	// A write beside the API, as a native program's.
	m := native(t, n)
	m.WriteAt([]byte("J"), 10)
	m.WriteAt([]byte("!"), 100)
	m.WriteAt([]byte("?"), 200) // outside the watched range
	e = s.next()
	if e.typ != "change" || e.data.Seq <= seq || len(e.data.Spans) != 2 || e.data.Spans[0].Offset != 10 ||
		string(b64(t, e.data.Spans[0].Data)) != "J" || e.data.Spans[1].Offset != 100 {
		t.Fatalf("change: %s %s", e.typ, e.raw)
	}
	_, data := b.do("GET", path(n), nil)
	if mp := decode[api.Mapping](t, data); mp.LastChangeAt == nil || time.Since(*mp.LastChangeAt) > time.Minute {
		t.Fatalf("last_change_at after a watched change: %s", data)
	}

	resp, data := b.do("DELETE", path(n, "?unlink=true"), nil)
	expect(t, resp, data, 204)
	if e = s.next(); e.typ != "closed" || e.data.Reason != "closed" || e.data.Mapping != n {
		t.Fatalf("after DELETE: %s %s", e.typ, e.raw)
	}
	if !s.ended(2 * time.Second) {
		t.Fatal("the stream goes on after closed")
	}
}

// TestWatchedWhileSampled: a mapping says it is watched while a watch stream samples it, and only then (its
// last_change_at tells of other programs' writes only then): the dashboard says "not watched", never "stale",
// of one nothing looks at.
func TestWatchedWhileSampled(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	watched := func() bool {
		_, data := b.do("GET", path(n), nil)
		return decode[api.Mapping](t, data).Watched
	}
	if watched() {
		t.Fatal("watched before any stream")
	}
	s := b.watch(t, path(n, "/watch?interval=2ms"))
	if e := s.next(); e.typ != "snapshot" {
		t.Fatalf("first: %s %s", e.typ, e.raw)
	}
	if !watched() {
		t.Fatal("not watched while a stream samples it")
	}
	s.close()
	testutil.WaitFor(t, "watched false once the stream ended", func() bool { return !watched() })
}

// TestWatchFormats: hex, and text (whole, up to the first NUL, when it changes).
func TestWatchFormats(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	b.do("PUT", path(n, "/data?encoding=utf-16le&nul=true"), strings.NewReader("hé"), "Content-Type", "text/plain; charset=utf-8")
	hx := b.watch(t, path(n, "/watch?format=hex&length=4"))
	if e := hx.next(); e.data.Data != "6800e900" {
		t.Fatalf("hex snapshot: %s", e.raw)
	}
	txt := b.watch(t, path(n, "/watch?as=text&encoding=utf-16le"))
	if e := txt.next(); e.typ != "snapshot" || e.data.Text == nil || *e.data.Text != "hé" {
		t.Fatalf("text snapshot: %s", e.raw)
	}
	b.do("PUT", path(n, "/data?encoding=utf-16le&nul=true"), strings.NewReader("ho!"), "Content-Type", "text/plain; charset=utf-8")
	if e := txt.next(); e.typ != "change" || e.data.Text == nil || *e.data.Text != "ho!" || len(e.data.Spans) != 0 {
		t.Fatalf("text change: %s", e.raw)
	}
	if e := hx.next(); e.typ != "change" || len(e.data.Spans) != 1 || e.data.Spans[0].Data != "6f" || e.data.Spans[0].Offset != 2 {
		t.Fatalf("hex change: %s", e.raw)
	}
}

// TestWatchErrors: every bad parameter is a problem before the stream starts.
func TestWatchErrors(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	for _, c := range []struct {
		query  string
		status int
		kind   string
	}{
		{"?interval=500us", 400, "invalid-request"},
		{"?interval=2h", 400, "invalid-request"},
		{"?interval=soon", 400, "invalid-request"},
		{"?interval=10ms&event=E", 400, "invalid-request"},
		{"?event=" + n + "-none", 404, "not-found"},
		{"?format=octal", 400, "invalid-request"},
		{"?as=text&format=hex", 400, "invalid-request"},
		{"?as=words", 400, "invalid-request"},
		{"?encoding=utf-16le", 400, "invalid-request"},
		{"?as=text&encoding=latin1", 400, "invalid-request"},
		{"?offset=65", 416, "out-of-range"},
		{"?offset=60&length=5", 416, "out-of-range"},
		{"?offset=-1", 400, "invalid-request"},
	} {
		resp, data := b.do("GET", path(n, "/watch"+c.query), nil, "Invalid", "on purpose")
		expect(t, resp, data, c.status)
		wantProblem(t, data, c.kind)
	}
	resp, data := b.do("GET", path(n+"-none", "/watch"), nil)
	expect(t, resp, data, 404)
	wantProblem(t, data, "not-found")
}

// TestWatchCap: past -max-watchers, 429 too-many-watchers with Retry-After; a stream that ends frees its place.
func TestWatchCap(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxWatchers = 2 })
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	s1 := b.watch(t, path(n, "/watch"))
	b.watch(t, path(n, "/watch?format=hex"))
	resp, data := b.do("GET", path(n, "/watch"), nil)
	expect(t, resp, data, 429)
	wantProblem(t, data, "too-many-watchers")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	s1.next()
	s1.close()
	testutil.WaitFor(t, "a closed stream's place to be freed", func() bool { return b.watchStatus(t, path(n, "/watch")) == 200 })
}

// TestWatchDisconnect: clients that go away free their subscriptions: the goroutines return to what they were.
func TestWatchDisconnect(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	runtime.GC()
	before := runtime.NumGoroutine()
	var streams []*stream
	for i := range 20 {
		s := b.watch(t, path(n, "/watch?interval="+strconv.Itoa(1+i%3)+"ms"))
		s.next()
		streams = append(streams, s)
	}
	if during := runtime.NumGoroutine(); during < before+20 {
		t.Fatalf("%d goroutines with 20 streams, %d before", during, before)
	}
	for _, s := range streams {
		s.close()
	}
	testutil.WaitFor(t, "the goroutines to return to what they were", func() error {
		http.DefaultClient.CloseIdleConnections()
		if after := runtime.NumGoroutine(); after > before {
			return fmt.Errorf("%d goroutines after the 20 clients left, %d before", after, before)
		}
		return nil
	})
}

// TestWatchShutdown: the daemon stopping ends streams with closed (reason shutdown).
func TestWatchShutdown(t *testing.T) {
	stopping := make(chan struct{})
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Stopping = stopping })
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	s := b.watch(t, path(n, "/watch"))
	s.next()
	close(stopping)
	if e := s.next(); e.typ != "closed" || e.data.Reason != "shutdown" {
		t.Fatalf("at shutdown: %s %s", e.typ, e.raw)
	}
	if !s.ended(2 * time.Second) {
		t.Fatal("the stream goes on after the shutdown's closed")
	}
}

// TestWatchHeartbeat: a quiet stream sends comments.
func TestWatchHeartbeat(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.WatchHeartbeat = 50 * time.Millisecond })
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	req, _ := http.NewRequest("GET", b.base+path(n, "/watch"), nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	testutil.WaitFor(t, "a heartbeat comment", func() bool {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return line == ": keep-alive\n"
	})
}

// TestWatchReconnect: Last-Event-ID answers a fresh snapshot.
func TestWatchReconnect(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	s := b.watch(t, path(n, "/watch"))
	s.next()
	b.do("PUT", path(n, "/data"), strings.NewReader("x"))
	last := s.next()
	s.close()
	// Until the daemon sees the disconnect, a new stream joins the old one's sampler, whose snapshot is its
	// latest sample (up to an interval old); wait for it to go, so the snapshot below is read after the PUT.
	testutil.WaitFor(t, "the first stream's sampler to stop", func() bool { return value(b.scrape(), "shmbridge_watch_samplers", nil) == 0 })
	b.do("PUT", path(n, "/data"), strings.NewReader("y"))
	s = b.watch(t, path(n, "/watch"), "Last-Event-ID", strconv.Itoa(last.id))
	if e := s.next(); e.typ != "snapshot" || string(b64(t, e.data.Data)[:1]) != "y" {
		t.Fatalf("after reconnecting: %s %s", e.typ, e.raw)
	}
}

// TestWatchSlowClient: a client that stops reading neither slows another client nor makes the daemon's memory
// grow: the other one keeps seeing every state within its interval.
func TestWatchSlowClient(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	const size = 1 << 20
	b.create(createBody(n, size, ""))
	m := native(t, n)
	// A client that reads the headers and nothing more: its TCP buffers fill, then the daemon's writes block.
	req, _ := http.NewRequest("GET", b.base+path(n, "/watch?interval=1ms"), nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	slow, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Body.Close()
	fast := b.watch(t, path(n, "/watch?interval=1ms"))
	state := b64(t, fast.next().data.Data)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapBefore := ms.HeapInuse
	page := make([]byte, size)
	// 48 changes of a whole MiB: about 64 MiB of events the slow client does not read, twice what the heap may
	// grow by (a daemon that queued them would fail), beyond what the sockets' buffers hold.
	for i := range 48 {
		for j := range page {
			page[j] = byte(i + j) // every byte changes: each change is a whole MiB, base64
		}
		m.WriteAt(page, 0)
		seen := func() bool { return state[0] == byte(i) && state[size-1] == byte(i+size-1) }
		testutil.WaitFor(t, fmt.Sprintf("the reading client to see write %d", i), func() bool {
			if seen() {
				return true
			}
			switch e := fast.next(); e.typ {
			case "snapshot":
				state = b64(t, e.data.Data)
			case "change":
				for _, sp := range e.data.Spans {
					copy(state[sp.Offset:], b64(t, sp.Data))
				}
			}
			return seen()
		})
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if grown := int64(ms.HeapInuse) - int64(heapBefore); grown > 32<<20 {
		t.Fatalf("heap grew by %d MiB while a client did not read", grown>>20)
	}
}

// TestWatchOnEvent: with event=, the mapping is sampled each time the event fires and not otherwise; the
// event's signal stays for the native program that waits for it.
func TestWatchOnEvent(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	ev := name(t, "-ready")
	b.create(createBody(n, 64, ""))
	manual := runtime.GOOS == "windows" // Windows can observe only a manual-reset event
	b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": manual}, 201)
	s := b.watch(t, path(n, "/watch?event="+url.QueryEscape(ev)))
	s.next() // snapshot
	native(t, n).WriteAt([]byte("new"), 0)
	select {
	case e := <-s.events:
		t.Fatalf("a change before the event fired: %s", e.raw)
	case <-time.After(200 * time.Millisecond):
	}
	b.post(t, eventPath(ev, "/set"), nil, 200)
	if e := s.next(); e.typ != "change" || string(b64(t, e.data.Spans[0].Data)) != "new" {
		t.Fatalf("after set: %s %s", e.typ, e.raw)
	}
	if !b.waitEvent(t, ev, "0s") {
		t.Fatal("watching took the event's signal")
	}
}

// TestWatchMany: one stream for two mappings and an event: each message names its source; a closed mapping
// ends its part only; the stream ends when everything it watches is closed.
func TestWatchMany(t *testing.T) {
	b := newBridge(t, nil)
	a, c, ev := name(t, "-a"), name(t, "-c"), name(t, "-ev")
	b.create(createBody(a, 16, ""))
	b.create(createBody(c, 32, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": true}, 201)
	q := url.Values{"mapping": {a, c}, "event": {ev}, "interval": {"2ms"}}
	s := b.watch(t, "/v1/watch?"+q.Encode())
	seen := map[string]int{}
	for range 2 {
		e := s.next()
		if e.typ != "snapshot" {
			t.Fatalf("first messages: %s %s", e.typ, e.raw)
		}
		seen[e.data.Mapping] = len(b64(t, e.data.Data))
	}
	if seen[a] != 16 || seen[c] != 32 {
		t.Fatalf("snapshots: %v", seen)
	}
	b.do("PUT", path(c, "/data?offset=3"), strings.NewReader("z"))
	if e := s.next(); e.typ != "change" || e.data.Mapping != c || e.data.Spans[0].Offset != 3 {
		t.Fatalf("after a write to %s: %s %s", c, e.typ, e.raw)
	}
	b.post(t, eventPath(ev, "/set"), nil, 200)
	if e := s.next(); e.typ != "signal" || e.data.Event != ev || e.data.Seq != 1 {
		t.Fatalf("after set: %s %s", e.typ, e.raw)
	}
	b.do("DELETE", path(a, "?unlink=true"), nil)
	if e := s.next(); e.typ != "closed" || e.data.Mapping != a {
		t.Fatalf("after DELETE %s: %s %s", a, e.typ, e.raw)
	}
	b.do("DELETE", path(c, "?unlink=true"), nil)
	b.do("DELETE", eventPath(ev, "?unlink=true"), nil)
	closed := map[string]bool{}
	for range 2 {
		e := s.next()
		closed[e.data.Mapping+e.data.Event] = e.typ == "closed"
	}
	if !closed[c] || !closed[ev] {
		t.Fatalf("closed messages: %v", closed)
	}
	if !s.ended(2 * time.Second) {
		t.Fatal("the stream goes on with nothing left to watch")
	}
	resp, data := b.do("GET", "/v1/watch", nil, "Invalid", "on purpose")
	expect(t, resp, data, 400)
	resp, data = b.do("GET", "/v1/watch?mapping="+url.QueryEscape(a), nil)
	expect(t, resp, data, 404)
}

// TestWatchMemory: what a watch samples is capped (16 MiB a range) and its sampler's memory, and its
// messages', come out of the -max-buffered budget: past it, 503 busy; a sampler that stops gives it back.
func TestWatchMemory(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBuffered = 5 << 19 })
	n, big := name(t, ""), name(t, "-big")
	b.create(createBody(n, 512<<10, ""))
	b.create(createBody(big, 17<<20, ""))
	resp, data := b.do("GET", path(big, "/watch"), nil)
	expect(t, resp, data, 400)
	wantProblem(t, data, "invalid-request", "16777216")
	resp, data = b.do("GET", "/v1/watch?mapping="+url.QueryEscape(big), nil)
	expect(t, resp, data, 400)
	resp, data = b.do("GET", path(big, "/watch?length=4194304"), nil) // 4 MiB: more than the whole budget
	expect(t, resp, data, 413)
	wantProblem(t, data, "too-large")

	s := b.watch(t, path(n, "/watch")) // 512 KiB: two samples (1 MiB) and the snapshot it keeps (0.67 MiB) of the 2.5
	s.next()
	resp, data = b.do("GET", path(n, "/watch?interval=20ms"), nil) // another sampler
	expect(t, resp, data, 503)
	wantProblem(t, data, "busy")
	b.watch(t, path(n, "/watch")).next() // the same source: the same sampler, nothing more to take
	s.close()
	b.do("DELETE", path(n, "?unlink=true"), nil) // ends the other stream too: the sampler stops
	b.create(createBody(n, 512<<10, ""))
	testutil.WaitFor(t, "the budget to be given back", func() bool { return b.watchStatus(t, path(n, "/watch?interval=20ms")) == 200 })
}
