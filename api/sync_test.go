package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

func eventPath(name string, rest ...string) string {
	return "/v1/events/" + url.PathEscape(name) + strings.Join(rest, "")
}

func mutexPath(name string, rest ...string) string {
	return "/v1/mutexes/" + url.PathEscape(name) + strings.Join(rest, "")
}

func jsonBody(v any) *strings.Reader {
	b, _ := json.Marshal(v)
	return strings.NewReader(string(b))
}

// post sends a JSON POST and checks the status.
func (b *bridge) post(t *testing.T, p string, body any, status int) []byte {
	t.Helper()
	var resp *http.Response
	var data []byte
	if body == nil {
		resp, data = b.do("POST", p, nil)
	} else {
		resp, data = b.do("POST", p, jsonBody(body), "Content-Type", "application/json")
	}
	expect(t, resp, data, status)
	return data
}

func wantProblem(t *testing.T, data []byte, kind string, detail ...string) {
	t.Helper()
	var p api.Problem
	if err := json.Unmarshal(data, &p); err != nil || p.Type != api.ProblemTypePrefix+kind {
		t.Fatalf("want a %s problem, got %s", kind, data)
	}
	for _, d := range detail {
		if !strings.Contains(p.Detail, d) {
			t.Errorf("problem detail %q does not say %q", p.Detail, d)
		}
	}
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	return v
}

// waitResult long-polls an event.
func (b *bridge) waitEvent(t *testing.T, name, timeout string) bool {
	t.Helper()
	return decode[api.WaitResult](t, b.post(t, eventPath(name, "/wait?timeout="+timeout), nil, 200)).Signaled
}

func TestEventLifecycle(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	data := b.post(t, "/v1/events", map[string]any{"name": n, "manual_reset": true}, 201)
	ev := decode[api.Event](t, data)
	if ev.Name != n || !ev.ManualReset || ev.State != "not_signaled" || !ev.Created || ev.Waiters != 0 {
		t.Fatalf("created %s", data)
	}
	resp, data := b.do("POST", "/v1/events", jsonBody(map[string]any{"name": n}), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "exists")

	start := time.Now()
	if b.waitEvent(t, n, "100ms") {
		t.Fatal("signaled without a set")
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("a 100ms wait answered after %v", d)
	}
	ev = decode[api.Event](t, b.post(t, eventPath(n, "/set"), nil, 200))
	if ev.State != "signaled" {
		t.Fatalf("after set: %+v", ev)
	}
	if !b.waitEvent(t, n, "5s") || !b.waitEvent(t, n, "0s") {
		t.Fatal("a set manual-reset event does not satisfy waits")
	}
	b.post(t, eventPath(n, "/reset"), nil, 200)
	if b.waitEvent(t, n, "0s") {
		t.Fatal("signaled after reset")
	}
	b.post(t, eventPath(n, "/pulse"), nil, 200)
	resp, data = b.do("GET", "/v1/events", nil)
	expect(t, resp, data, 200)
	if list := decode[[]api.Event](t, data); len(list) != 1 || list[0].State != "not_signaled" {
		t.Fatalf("list after pulse: %s", data)
	}
	for _, bad := range []string{"5", "-1s", "6m", "soon"} {
		resp, data = b.do("POST", eventPath(n, "/wait?timeout="+bad), nil)
		expect(t, resp, data, 400)
		wantProblem(t, data, "invalid-request", "timeout")
	}
	resp, data = b.do("DELETE", eventPath(n, "?unlink=true"), nil)
	expect(t, resp, data, 204)
	resp, data = b.do("POST", eventPath(n, "/set"), nil)
	expect(t, resp, data, 404)
}

// Events, mutexes and mappings share one namespace; the problem says so.
func TestSyncNamespaceShared(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	for _, route := range []string{"/v1/events", "/v1/mutexes"} {
		for _, mode := range []string{"create", "open", "open_or_create"} {
			resp, data := b.do("POST", route, jsonBody(map[string]any{"name": n, "mode": mode}), "Content-Type", "application/json")
			expect(t, resp, data, 409)
			wantProblem(t, data, "exists", "namespace")
		}
	}
}

// Many long-polls on one manual-reset event all wake on one set.
func TestManyLongPollsWakeOnOneSet(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.post(t, "/v1/events", map[string]any{"name": n, "manual_reset": true}, 201)
	const waiters = 200
	results := make(chan bool, waiters)
	threads := pprof.Lookup("threadcreate").Count()
	for range waiters {
		go func() { results <- b.waitEvent(t, n, "30s") }()
	}
	testutil.WaitFor(t, "all long-polls waiting", func() bool {
		return decode[api.Event](t, b.getOK(t, eventPath(n))).Waiters == waiters
	})
	// The waits share the event's one wait loop (one thread): 200 of them must not make 200 OS threads.
	if more := pprof.Lookup("threadcreate").Count() - threads; more > 16 {
		t.Fatalf("%d waiting requests made %d more OS threads", waiters, more)
	} else {
		t.Logf("%d waiting requests: %d more OS threads", waiters, more)
	}
	start := time.Now()
	b.post(t, eventPath(n, "/set"), nil, 200)
	for range waiters {
		if !<-results {
			t.Fatal("a long-poll answered signaled=false")
		}
	}
	t.Logf("%d long-polls woke in %v after one set", waiters, time.Since(start))
}

func (b *bridge) getOK(t *testing.T, p string) []byte {
	t.Helper()
	resp, data := b.do("GET", p, nil)
	expect(t, resp, data, 200)
	return data
}

// Clients that disconnect mid-wait leave no goroutine behind: not their handlers, not the event's wait loop.
func TestDisconnectEndsWait(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.post(t, "/v1/events", map[string]any{"name": n}, 201)
	m := name(t, "-mutex")
	b.post(t, "/v1/mutexes", map[string]any{"name": m}, 201)
	other, err := shm.OpenMutex(shm.MutexOptions{Name: m, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	unlock, _, err := other.Lock(context.Background(), time.Second) // so that ?lock= and acquire wait
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	b.create(createBody(name(t, "-map"), 64, ""))

	// The count to compare with: once the connections of the requests above are closed at both ends (their
	// goroutines end a moment after CloseIdleConnections).
	http.DefaultClient.CloseIdleConnections()
	testutil.WaitFor(t, "the connections to close", func() bool {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		return !strings.Contains(stacks, "net/http.(*conn).serve") && !strings.Contains(stacks, "net/http.(*persistConn)")
	})
	runtime.GC()
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	paths := []string{eventPath(n, "/wait?timeout=1m"), mutexPath(m, "/acquire?timeout=1m"),
		path(name(t, "-map"), "/data?wait="+url.QueryEscape(n)+"&timeout=1m"),
		path(name(t, "-map"), "/data?lock="+url.QueryEscape(m)+"&lock_timeout=1m")}
	for i := range 40 {
		p := paths[i%len(paths)]
		method := "POST"
		if strings.Contains(p, "/data") {
			method = "GET"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, method, b.base+p, nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			if resp, err := (&http.Client{Transport: tr}).Do(req); err == nil {
				resp.Body.Close()
				t.Errorf("%s answered %d before the client went away", p, resp.StatusCode)
			}
		}()
	}
	testutil.WaitFor(t, "the waits to start", func() bool {
		return decode[api.Event](t, b.getOK(t, eventPath(n))).Waiters == 20
	})
	during := runtime.NumGoroutine()
	cancel()
	wg.Wait()
	testutil.WaitFor(t, "the event's waiters to go", func() bool {
		return decode[api.Event](t, b.getOK(t, eventPath(n))).Waiters == 0
	})
	http.DefaultClient.CloseIdleConnections()
	b.client.CloseIdleConnections()
	var after int
	testutil.WaitFor(t, "the goroutines to end", func() bool { after = runtime.NumGoroutine(); return after <= before+2 })
	t.Logf("goroutines: %d before, %d with 40 waits, %d after they disconnected", before, during, after)
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "(*Event).waitLoop") {
		t.Fatalf("the event's wait loop is still running:\n%s", stacks)
	}
}

// At most MaxWaiters requests wait; the next gets 429 too-many-waiters with Retry-After.
func TestWaiterCap(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxWaiters = 3 })
	n := name(t, "")
	b.post(t, "/v1/events", map[string]any{"name": n}, 201)
	results := make(chan bool, 3)
	for range 3 {
		go func() { results <- b.waitEvent(t, n, "10s") }()
	}
	testutil.WaitFor(t, "3 waiters", func() bool { return decode[api.Event](t, b.getOK(t, eventPath(n))).Waiters == 3 })
	resp, data := b.do("POST", eventPath(n, "/wait?timeout=1s"), nil)
	expect(t, resp, data, 429)
	wantProblem(t, data, "too-many-waiters", "-max-waiters")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	for range 3 { // one set per waiter: setting a set auto-reset event does nothing more
		b.post(t, eventPath(n, "/set"), nil, 200)
		if !<-results {
			t.Fatal("not signaled")
		}
	}
	if !func() bool { b.post(t, eventPath(n, "/set"), nil, 200); return b.waitEvent(t, n, "1s") }() {
		t.Fatal("a slot was not given back")
	}
}

// GET …/data?wait=EVENT: 204 at the timeout, the data once the event fires.
func TestWaitThenRead(t *testing.T) {
	b := newBridge(t, nil)
	n, ev := name(t, ""), name(t, "-ready")
	b.create(createBody(n, 64, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev}, 201)
	q := "/data?as=text&wait=" + url.QueryEscape(ev)
	resp, data := b.do("GET", path(n, q+"&timeout=50ms"), nil)
	expect(t, resp, data, 204)

	go func() {
		testutil.WaitFor(t, "the read to wait", func() bool { return decode[api.Event](t, b.getOK(t, eventPath(ev))).Waiters == 1 })
		b.do("PUT", path(n, "/data?encoding=utf-8&nul=true"), strings.NewReader("frame 1"))
		b.do("POST", eventPath(ev, "/set"), nil)
	}()
	resp, data = b.do("GET", path(n, q+"&timeout=10s"), nil)
	expect(t, resp, data, 200)
	if string(data) != "frame 1" {
		t.Fatalf("read %q after the event", data)
	}
	resp, data = b.do("GET", path(n, "/data?wait=a-mutex-ready&timeout=1s"), nil)
	expect(t, resp, data, 404)
	wantProblem(t, data, "not-found", "no event", "POST /v1/events")
	resp, data = b.do("GET", path(n, "/data?timeout=1s"), nil)
	expect(t, resp, data, 400)
	wantProblem(t, data, "invalid-request", "wait=EVENT")
}

// ?lock=: the copy waits while another holder has the mutex; 423 if it stays held; the mutex is released
// after the copy, also when the copy fails.
func TestLockedCopy(t *testing.T) {
	b := newBridge(t, nil)
	n, m := name(t, ""), name(t, "-mutex")
	b.create(createBody(n, 64, ""))
	b.post(t, "/v1/mutexes", map[string]any{"name": m}, 201)
	other, err := shm.OpenMutex(shm.MutexOptions{Name: m, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock := "lock=" + url.QueryEscape(m)

	unlock, _, err := other.Lock(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if st := decode[api.Mutex](t, b.getOK(t, mutexPath(m))); st.State != "locked" || st.Leased {
		t.Fatalf("mutex held by another handle shows %+v", st)
	}
	resp, data := b.do("GET", path(n, "/data?"+lock+"&lock_timeout=50ms"), nil)
	expect(t, resp, data, 423)
	wantProblem(t, data, "locked", "lock_timeout")
	resp, data = b.do("PUT", path(n, "/data?"+lock+"&lock_timeout=50ms"), strings.NewReader("x"))
	expect(t, resp, data, 423)

	waited := make(chan struct{})
	go func() {
		// Released once the write waits for it (the daemon counts it waiting).
		testutil.WaitFor(t, "the write to wait for the mutex", func() bool { return value(b.scrape(), "shmbridge_waiting_requests", nil) == 1 })
		close(waited)
		unlock()
	}()
	resp, data = b.do("PUT", path(n, "/data?"+lock+"&lock_timeout=10s"), strings.NewReader("locked write"))
	expect(t, resp, data, 200)
	select {
	case <-waited:
	default:
		t.Fatal("the write did not wait for the mutex")
	}
	resp, data = b.do("GET", path(n, "/data?length=12&"+lock), nil)
	expect(t, resp, data, 200)
	if string(data) != "locked write" || resp.Header.Get(api.AbandonedHeader) != "" {
		t.Fatalf("locked read %q, abandoned header %q", data, resp.Header.Get(api.AbandonedHeader))
	}
	// A failing copy (out of range) still releases the mutex.
	resp, data = b.do("GET", path(n, "/data?offset=60&length=10&"+lock), nil)
	expect(t, resp, data, 416)
	resp, data = b.do("PUT", path(n, "/data?offset=60&"+lock), strings.NewReader("0123456789"))
	expect(t, resp, data, 413)
	if u, _, err := other.Lock(context.Background(), 100*time.Millisecond); err != nil {
		t.Fatalf("the mutex was left held: %v", err)
	} else {
		u()
	}
	resp, data = b.do("GET", path(n, "/data?lock=an-event-lock"), nil)
	expect(t, resp, data, 404)
	wantProblem(t, data, "not-found", "no mutex", "POST /v1/mutexes")
	resp, data = b.do("GET", path(n, "/data?lock_timeout=1s"), nil)
	expect(t, resp, data, 400)

	// Lock parameters are checked before anything waits: a bad one next to a long ?wait= answers at once.
	ev := name(t, "-ready")
	b.post(t, "/v1/events", map[string]any{"name": ev}, 201)
	start := time.Now()
	resp, data = b.do("GET", path(n, "/data?wait="+url.QueryEscape(ev)+"&timeout=5m&lock=nosuch"), nil)
	expect(t, resp, data, 404)
	resp, data = b.do("GET", path(n, "/data?wait="+url.QueryEscape(ev)+"&timeout=5m&"+lock+"&lock_timeout=1h"), nil)
	expect(t, resp, data, 400)
	if d := time.Since(start); d > time.Minute { // before the wait, not after its 5 minutes
		t.Fatalf("bad lock parameters were reported after %v, not before the wait", d)
	}
}

// acquire/release: a lease, released by release, by its end, or by closing the mutex.
func TestMutexLease(t *testing.T) {
	b := newBridge(t, nil)
	m := name(t, "")
	mx := decode[api.Mutex](t, b.post(t, "/v1/mutexes", map[string]any{"name": m}, 201))
	if mx.State != "unlocked" || mx.Leased || !mx.Created {
		t.Fatalf("created %+v", mx)
	}
	res := decode[api.AcquireResult](t, b.post(t, mutexPath(m, "/acquire?timeout=1s&hold=10s"), nil, 200))
	if !res.Acquired || res.Abandoned || res.LeasedUntil == nil || time.Until(*res.LeasedUntil) < 5*time.Second || res.Lease == "" {
		t.Fatalf("acquire: %+v", res)
	}
	lease := res.Lease
	mx = decode[api.Mutex](t, b.getOK(t, mutexPath(m)))
	if mx.State != "locked" || !mx.Leased {
		t.Fatalf("held: %+v", mx)
	}
	if runtime.GOOS == "linux" && mx.OwnerPID != os.Getpid() {
		t.Errorf("owner_pid %d, want this process %d", mx.OwnerPID, os.Getpid())
	}
	res = decode[api.AcquireResult](t, b.post(t, mutexPath(m, "/acquire?timeout=50ms"), nil, 200))
	if res.Acquired {
		t.Fatal("acquired twice")
	}
	resp, data := b.do("POST", mutexPath(m, "/release?lease=not-the-lease"), nil)
	expect(t, resp, data, 409)
	wantProblem(t, data, "not-held")
	resp, data = b.do("POST", mutexPath(m, "/release"), nil, "Invalid", "on purpose: no lease")
	expect(t, resp, data, 400)
	mx = decode[api.Mutex](t, b.post(t, mutexPath(m, "/release?lease="+lease), nil, 200))
	if mx.Leased || mx.State != "unlocked" {
		t.Fatalf("after release: %+v", mx)
	}
	resp, data = b.do("POST", mutexPath(m, "/release?lease="+lease), nil)
	expect(t, resp, data, 409)
	wantProblem(t, data, "not-held")

	b.post(t, mutexPath(m, "/acquire?hold=100ms"), nil, 200)
	testutil.WaitFor(t, "the lease to end", func() bool { return !decode[api.Mutex](t, b.getOK(t, mutexPath(m))).Leased })
	b.post(t, mutexPath(m, "/acquire?hold=1m"), nil, 200)
	resp, data = b.do("DELETE", mutexPath(m), nil)
	expect(t, resp, data, 204)
	other, err := shm.OpenMutex(shm.MutexOptions{Name: m, Mode: shm.OpenOrCreate})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { other.Close(); shm.Unlink(m) }()
	if u, _, err := other.Lock(context.Background(), 100*time.Millisecond); err != nil {
		t.Fatalf("closing the mutex left it held: %v", err)
	} else {
		u()
	}
}

// A daemon shutting down ends long-polls at once with 503 shutting-down (main cancels the base context).
func TestShutdownEndsWaits(t *testing.T) {
	reg := registry.New(nil)
	defer reg.CloseAll()
	base, cancel := context.WithCancel(context.Background())
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = api.New(reg, api.Config{Hosts: api.LoopbackHosts(srv.Listener.Addr().String())})
	srv.Config.BaseContext = func(net.Listener) context.Context { return base }
	srv.Start()
	defer srv.Close()
	n := fmt.Sprintf(`Local\shmbridge-shutdown-%d`, os.Getpid())
	if _, _, err := reg.OpenEvent(shm.EventOptions{Name: n}); err != nil {
		t.Fatal(err)
	}
	defer shm.Unlink(n)
	go func() {
		e, _ := reg.GetEvent(n)
		for e.Waiters() == 0 { // the wait has begun
			runtime.Gosched()
		}
		cancel()
	}()
	start := time.Now()
	resp, err := http.Post(srv.URL+eventPath(n, "/wait?timeout=1m"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p api.Problem
	json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != 503 || p.Type != api.ProblemTypePrefix+"shutting-down" || time.Since(start) > 30*time.Second { // by the shutdown, not its minute
		t.Fatalf("%d %+v after %v", resp.StatusCode, p, time.Since(start))
	}
}

// TestLateReleaseKeepsTheNextLease: A's lease runs out, B acquires, A's late release (with A's lease) is 409
// not-held and B still holds the mutex: mutual exclusion holds whatever a slow client does.
func TestLateReleaseKeepsTheNextLease(t *testing.T) {
	b := newBridge(t, nil)
	m := name(t, "")
	b.post(t, "/v1/mutexes", map[string]any{"name": m}, 201)
	a := decode[api.AcquireResult](t, b.post(t, mutexPath(m, "/acquire?hold=200ms"), nil, 200))
	testutil.WaitFor(t, "A's lease to end", func() bool { return !decode[api.Mutex](t, b.getOK(t, mutexPath(m))).Leased })
	bl := decode[api.AcquireResult](t, b.post(t, mutexPath(m, "/acquire?hold=1m"), nil, 200))
	if !a.Acquired || !bl.Acquired || a.Lease == "" || a.Lease == bl.Lease {
		t.Fatalf("leases %+v %+v", a, bl)
	}
	resp, data := b.do("POST", mutexPath(m, "/release?lease="+a.Lease), nil)
	expect(t, resp, data, 409)
	wantProblem(t, data, "not-held")
	if mx := decode[api.Mutex](t, b.getOK(t, mutexPath(m))); !mx.Leased || mx.State != "locked" {
		t.Fatalf("A's late release ended B's lease: %+v", mx)
	}
	c := decode[api.AcquireResult](t, b.post(t, mutexPath(m, "/acquire?timeout=50ms"), nil, 200))
	if c.Acquired {
		t.Fatal("C acquired while B holds the lease")
	}
	b.post(t, mutexPath(m, "/release?lease="+bl.Lease), nil, 200)
}
