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
	b := &bridge{t: t, base: srv.URL, reg: reg, client: &http.Client{Transport: newSpecCheck(t, http.DefaultTransport)}}
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	for range 200 {
		b.do("GET", path(n, "/data"), nil)
		b.do("GET", path(n), nil)
		b.do("GET", path("missing"), nil)
	}
	// Closed by another spelling of the name (without Local\): logged under the object's name.
	resp, data := b.do("DELETE", path(strings.TrimPrefix(n, `Local\`), "?unlink=true"), nil)
	expect(t, resp, data, http.StatusNoContent)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "mapping opened") || !strings.Contains(lines[1], "mapping closed") {
		t.Fatalf("info log after 600 polls: %d lines:\n%s", len(lines), logs.String())
	}
	if want := "name=" + quoteLog(n); !strings.Contains(lines[1], want) {
		t.Errorf("close logged as %q, want the object's name (%s)", lines[1], want)
	}
}

// quoteLog writes s as slog's text handler does a value (quoted when it needs to be).
func quoteLog(s string) string {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key != "v" {
			return slog.Attr{}
		}
		return a
	}})).Info("", "v", s)
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(b.String()), "v="))
}
