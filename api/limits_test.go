package api_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

func TestMappingCap(t *testing.T) {
	b := newBridgeWith(t, nil, func(_ *api.Config, reg *registry.Registry) { reg.MaxMappings = 2 })
	b.create(createBody(name(t, "-1"), 16, ""))
	b.create(createBody(name(t, "-2"), 16, ""))
	resp, data := b.do("POST", "/v1/mappings", strings.NewReader(createBody(name(t, "-3"), 16, "")), "Content-Type", "application/json")
	expect(t, resp, data, http.StatusConflict)
	if !strings.Contains(string(data), "limit-reached") {
		t.Fatalf("third mapping: %s", data)
	}
	b.do("DELETE", path(name(t, "-1"), "?unlink=true"), nil)
	b.create(createBody(name(t, "-3"), 16, ""))
}

func TestBodyCap(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBody = 8 })
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	for _, q := range []string{"/data", "/data?encoding=utf-8"} {
		resp, data := b.do("PUT", path(n, q), strings.NewReader("123456789"))
		expect(t, resp, data, http.StatusRequestEntityTooLarge)
	}
	resp, data := b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
	if !bytes.Equal(data, make([]byte, 64)) {
		t.Fatal("a refused body was written")
	}
	resp, data = b.do("PUT", path(n, "/data"), strings.NewReader("12345678"))
	expect(t, resp, data, 200)
}

// TestRateLimit: past the rate (and burst), requests get 429 with Retry-After; after waiting that long, the
// daemon answers again.
func TestRateLimit(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.RateLimit, c.Burst = 5, 5 })
	var limited *http.Response
	for range 20 {
		resp, data := b.do("GET", "/v1/mappings", nil)
		if resp.StatusCode == http.StatusTooManyRequests {
			if !strings.Contains(string(data), "rate-limited") {
				t.Fatalf("429 body: %s", data)
			}
			limited = resp
			break
		}
		expect(t, resp, data, 200)
	}
	if limited == nil {
		t.Fatal("20 requests at once against 5/s (burst 5) were all answered")
	}
	wait, err := strconv.Atoi(limited.Header.Get("Retry-After"))
	if err != nil || wait < 1 {
		t.Fatalf("Retry-After %q", limited.Header.Get("Retry-After"))
	}
	time.Sleep(time.Duration(wait) * time.Second)
	resp, data := b.do("GET", "/v1/mappings", nil)
	expect(t, resp, data, 200)
}

// TestRateLimitSpentOnlyByAuthorized: a flood of requests with a foreign Host or without the token is
// refused (403, 401) without spending the rate budget: the client with the token still gets its burst.
func TestRateLimitSpentOnlyByAuthorized(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.RateLimit, c.Burst = 1, 10 })
	for range 50 {
		resp, data := b.do("GET", "/v1/mappings", nil, "Host", "evil.example:80", "Invalid", "on purpose")
		expect(t, resp, data, 403)
		resp, data = b.do("GET", "/v1/mappings", nil, "Authorization", "", "Invalid", "on purpose")
		expect(t, resp, data, 401)
	}
	for i := range 10 {
		if resp, data := b.do("GET", "/v1/mappings", nil); resp.StatusCode != 200 {
			t.Fatalf("authorized request %d after the flood: %d %s", i, resp.StatusCode, data)
		}
	}
}

// TestTextBodyCapped: a text PUT is converted in memory, so its body is capped: one over the cap is 413 before
// anything is written, with or without a Content-Length; one under it is written.
func TestTextBodyCapped(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.post(t, "/v1/mappings", map[string]any{"name": n, "size": 64 << 20}, 201)
	big := strings.Repeat("a", 16<<20+1)
	resp, data := b.do("PUT", path(n, "/data?encoding=utf-8"), strings.NewReader(big), "Content-Type", "text/plain")
	expect(t, resp, data, 413)
	wantProblem(t, data, "too-large")
	chunked := io.MultiReader(strings.NewReader(big)) // no Content-Length
	resp, data = b.do("PUT", path(n, "/data?encoding=utf-8"), chunked, "Content-Type", "text/plain")
	expect(t, resp, data, 413)
	resp, data = b.do("PUT", path(n, "/data?encoding=utf-16le"), strings.NewReader(big[:1<<20]), "Content-Type", "text/plain")
	expect(t, resp, data, 200)
}

// TestBufferBudget: copies made in memory share one byte budget: while one ?lock= read holds its buffer
// (waiting for the mutex), another that would pass the budget is 503 busy with Retry-After; one larger than
// the whole budget is 413.
func TestBufferBudget(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxBuffered = 3 << 20 })
	n, m := name(t, ""), name(t, "-lock")
	b.post(t, "/v1/mappings", map[string]any{"name": n, "size": 8 << 20}, 201)
	b.post(t, "/v1/mutexes", map[string]any{"name": m}, 201)
	lease := decode[api.AcquireResult](t, b.post(t, mutexPath(m, "/acquire?hold=1m"), nil, 200)).Lease
	first := make(chan int, 1)
	go func() {
		resp, _ := b.do("GET", path(n, "/data?length=2097152&lock="+url.QueryEscape(m)+"&lock_timeout=5s"), nil)
		first <- resp.StatusCode
	}()
	// The first holds 2 MiB of the 3, waiting for the mutex.
	testutil.WaitFor(t, "the first read to hold its buffer", func() bool { return value(b.scrape(), "shmbridge_buffered_bytes", nil) >= 2<<20 })
	resp, data := b.do("GET", path(n, "/data?length=2097152&lock="+url.QueryEscape(m)+"&lock_timeout=5s"), nil)
	expect(t, resp, data, 503)
	wantProblem(t, data, "busy")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 busy without Retry-After")
	}
	resp, data = b.do("GET", path(n, "/data?length=4194304&lock="+url.QueryEscape(m)), nil)
	expect(t, resp, data, 413)
	b.post(t, mutexPath(m, "/release?lease="+lease), nil, 200)
	if code := <-first; code != 200 {
		t.Fatalf("the first read: %d", code)
	}
	resp, data = b.do("GET", path(n, "/data?length=2097152&lock="+url.QueryEscape(m)), nil)
	expect(t, resp, data, 200) // the budget is back
}

// TestStrictBodies: a JSON body with invalid UTF-8 (a name would silently become U+FFFD) or with anything after
// the object is 400; a text/plain PUT that is not valid UTF-8 is 400 and writes nothing.
func TestStrictBodies(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	for _, body := range []string{`{"name":"` + n + "\xff" + `","size":64}`, `{"name":"` + n + `","size":64}]`,
		`{"name":"` + n + `","size":64}}`, `{"name":"` + n + `","size":64} {}`} {
		resp, data := b.do("POST", "/v1/mappings", strings.NewReader(body), "Content-Type", "application/json", "Invalid", "on purpose")
		expect(t, resp, data, 400)
		wantProblem(t, data, "invalid-request")
	}
	b.post(t, "/v1/mappings", map[string]any{"name": n, "size": 64}, 201)
	resp, data := b.do("PUT", path(n, "/data"), strings.NewReader("ok \xff\xfe"), "Content-Type", "text/plain")
	expect(t, resp, data, 400)
	resp, data = b.do("GET", path(n, "/data?length=3"), nil)
	expect(t, resp, data, 200)
	if string(data) != "\x00\x00\x00" {
		t.Fatalf("a refused text PUT wrote %q", data)
	}
}
