package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/shm"
)

func TestMappingCap(t *testing.T) {
	b := newBridgeWith(t, nil, func(_ *api.Config, reg *shm.Registry) { reg.MaxMappings = 2 })
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
	b := newBridgeWith(t, nil, func(c *api.Config, _ *shm.Registry) { c.MaxBody = 8 })
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
	b := newBridgeWith(t, nil, func(c *api.Config, _ *shm.Registry) { c.RateLimit, c.Burst = 5, 5 })
	var limited *http.Response
	for range 20 {
		resp, data := b.do("GET", "/healthz", nil)
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
	resp, data := b.do("GET", "/healthz", nil)
	expect(t, resp, data, 200)
}

// TestRateLimitSpentOnlyByAuthorized: a flood of requests with a foreign Host or without the token is
// refused (403, 401) without spending the rate budget: the client with the token still gets its burst.
func TestRateLimitSpentOnlyByAuthorized(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *shm.Registry) { c.RateLimit, c.Burst = 1, 10 })
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
