package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestPollingIsQuietAtInfo: a client polling reads (and hitting 404s) adds nothing to an info-level log;
// creating and closing a mapping is logged once each.
func TestPollingIsQuietAtInfo(t *testing.T) {
	var logs testutil.LockedBuffer
	reg := registry.New(nil)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = api.New(reg, api.Config{
		Hosts:  api.LoopbackHosts(srv.Listener.Addr().String()),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	srv.Start()
	defer srv.Close()
	b := &bridge{t: t, base: srv.URL, reg: reg, client: &http.Client{Transport: newSpecCheck(t)}}
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	for range 200 {
		b.do("GET", path(n, "/data"), nil)
		b.do("GET", path(n), nil)
		b.do("GET", path("missing"), nil)
	}
	resp, data := b.do("DELETE", path(n, "?unlink=true"), nil)
	expect(t, resp, data, http.StatusNoContent)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "mapping opened") || !strings.Contains(lines[1], "mapping closed") {
		t.Fatalf("info log after 600 polls: %d lines:\n%s", len(lines), logs.String())
	}
}
