package api_test

import (
	"net/url"
	"testing"
)

// TestWatchAutoResetRefused: Windows cannot observe an auto-reset event without consuming its signal, so
// watching one is refused with a problem that says why.
func TestWatchAutoResetRefused(t *testing.T) {
	b := newBridge(t, nil)
	n, ev := name(t, ""), name(t, "-auto")
	b.create(createBody(n, 64, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev}, 201)
	for _, p := range []string{path(n, "/watch?event="+url.QueryEscape(ev)), "/v1/watch?event=" + url.QueryEscape(ev)} {
		resp, data := b.do("GET", p, nil)
		expect(t, resp, data, 400)
		wantProblem(t, data, "invalid-request", "auto-reset")
	}
}
