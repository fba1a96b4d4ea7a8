package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// TestTransfersOutliveReadTimeout: a PUT whose body arrives more slowly than the server's read timeout allows
// still succeeds, bytes and text alike: every data transfer extends its own deadline in proportion to its
// size (the daemon's server has 30 s timeouts; here 300 ms, and the body takes over a second).
func TestTransfersOutliveReadTimeout(t *testing.T) {
	reg := registry.New(nil)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = api.New(reg, api.Config{Hosts: api.LoopbackHosts(srv.Listener.Addr().String()), Token: testToken})
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Config.WriteTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		for _, m := range reg.Mappings() {
			reg.CloseMapping(m.Name(), true)
		}
	})
	b := &bridge{t: t, base: srv.URL, reg: reg, client: http.DefaultClient}
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	for _, tc := range []struct{ query, ctype string }{
		{"", "application/octet-stream"},
		{"?encoding=utf-16le", "text/plain; charset=utf-8"},
		{"", "text/plain; charset=utf-8"},
	} {
		chunks := []string{"slow", "ly,", " one", " piece", " at", " a", " time"}
		body := strings.Join(chunks, "")
		pr, pw := io.Pipe()
		go func() {
			for _, c := range chunks {
				time.Sleep(200 * time.Millisecond)
				pw.Write([]byte(c))
			}
			pw.Close()
		}()
		req, _ := http.NewRequest("PUT", srv.URL+path(n, "/data"+tc.query), pr)
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", tc.ctype)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.ctype, tc.query, err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s %s, body over 1.4 s with a 300 ms read timeout: %d %s", tc.ctype, tc.query, resp.StatusCode, data)
		}
	}
}
