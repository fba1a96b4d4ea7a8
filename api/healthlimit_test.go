package api_test

import (
	"net/http"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/web"
)

// TestHealthAndLoginPageNotRateLimited: once the rate limit's burst is spent, the API answers 429, but
// GET /healthz (a container's HEALTHCHECK) and the login page with its files still answer.
func TestHealthAndLoginPageNotRateLimited(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
		c.RateLimit, c.Burst, c.Dashboard = 0.001, 2, web.FS
	})
	limited := false
	for range 3 {
		if resp, _ := b.do("GET", "/v1/mappings", nil); resp.StatusCode == http.StatusTooManyRequests {
			limited = true
		}
	}
	if !limited {
		t.Fatal("3 requests against a burst of 2 at 0.001/s were all answered")
	}
	for range 10 {
		for _, p := range []string{"/healthz", "/", "/ui/app.js"} {
			resp, data := b.do("GET", p, nil)
			expect(t, resp, data, http.StatusOK)
		}
	}
	resp, data := b.do("GET", "/v1/mappings", nil)
	expect(t, resp, data, http.StatusTooManyRequests)
}
