package api_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestProblemInstanceIsThePath: a problem's instance is the request's path, never its query: a token put in
// the URL (?token=) is not echoed back in the 401, nor written to the log, at any level.
func TestProblemInstanceIsThePath(t *testing.T) {
	var logs testutil.LockedBuffer
	const secret = "s3cr3t-token-in-the-url"
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	for _, c := range []struct {
		path, instance string
		status         int
		hdr            []string
	}{
		{"/v1/mappings?token=" + secret, "/v1/mappings", 401, []string{"Authorization", "", "Invalid", "on purpose"}},
		{"/v1/mappings/Local%5CNone?token=" + secret, "/v1/mappings/Local%5CNone", 400, []string{"Invalid", "on purpose"}},
		{"/v1/mappings/Local%5CNone?access_token=" + secret + "&x", "/v1/mappings/Local%5CNone", 401, []string{"Invalid", "on purpose"}},
	} {
		resp, data := b.do("GET", c.path, nil, c.hdr...)
		expect(t, resp, data, c.status)
		var p api.Problem
		if err := json.Unmarshal(data, &p); err != nil || p.Instance != c.instance {
			t.Errorf("GET %s: instance %q (%v), want %q", c.path, p.Instance, err, c.instance)
		}
		if strings.Contains(string(data), secret) {
			t.Errorf("GET %s: the answer holds the query's secret: %s", c.path, data)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the log holds the query's secret:\n%s", logs.String())
	}
}
