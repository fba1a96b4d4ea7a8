package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// TestTransfersOutliveReadTimeout: a PUT whose body arrives more slowly than the server's read timeout allows
// still succeeds, bytes and text alike: every data transfer extends its own deadlines while it moves (the
// daemon's server has 30 s timeouts; here 300 ms, and the body takes over a second).
func TestTransfersOutliveReadTimeout(t *testing.T) {
	srv, reg := slowServer(t, 0)
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

// slowServer is the API on a server with 300 ms read and write timeouts, and the transfer stall limit given
// (0: the default).
func slowServer(t *testing.T, stall time.Duration) (*httptest.Server, *registry.Registry) {
	reg := registry.New(nil)
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = api.New(reg, api.Config{Hosts: api.LoopbackHosts(srv.Listener.Addr().String()), Token: testToken, TransferStall: stall})
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Config.WriteTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		for _, m := range reg.Mappings() {
			reg.CloseMapping(m.Name(), true)
		}
	})
	return srv, reg
}

// TestTransferLivesWhileItMoves: a transfer has no deadline in proportion to its size (a big one on a slow,
// busy machine takes what it takes): a PUT that keeps moving outlasts the stall limit, and one that stops is
// cut once the limit passes without progress. The limit is 4 s against a pace of 350 ms: a fresh machine busy
// with three other loops and the race detector starved the server past a 2 s limit once.
func TestTransferLivesWhileItMoves(t *testing.T) {
	const stall = 4 * time.Second
	srv, reg := slowServer(t, stall)
	b := &bridge{t: t, base: srv.URL, reg: reg, client: http.DefaultClient}
	n := name(t, "")
	const mib = 1 << 20
	b.create(createBody(n, 64*mib, ""))
	// Moving: 1 MiB every 350 ms, 5.25 s in all, past the stall limit: streamed into the mapping (bytes), and read
	// into memory before it is written (text, converted whole).
	for _, ctype := range []string{"application/octet-stream", "text/plain; charset=utf-8"} {
		pr, pw := io.Pipe()
		go func() {
			chunk := bytes.Repeat([]byte("a"), mib)
			for range 15 {
				time.Sleep(350 * time.Millisecond) // a slow client's pace, not a wait for a condition
				if _, err := pw.Write(chunk); err != nil {
					return
				}
			}
			pw.Close()
		}()
		req, _ := http.NewRequest("PUT", srv.URL+path(n, "/data"), pr)
		req.ContentLength = 15 * mib
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+testToken)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", ctype, err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || time.Since(start) < stall {
			t.Fatalf("%s: a PUT moving 1 MiB every 350 ms for %v (stall limit %v): %d %s", ctype, time.Since(start), stall, resp.StatusCode, data)
		}
	}
	// Stalled: 2 MiB of 40, then nothing, on a connection of its own (a client would wait for its body's
	// writer). The server answers or hangs up once the stall limit passes.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n",
		path(n, "/data"), srv.Listener.Addr(), testToken, 40*mib)
	start := time.Now()
	if _, err := conn.Write(make([]byte, 2*mib)); err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(conn) // until the server hangs up
	if waited := time.Since(start); waited < stall || strings.HasPrefix(string(answer), "HTTP/1.1 200") {
		t.Fatalf("a PUT stalled after 2 MiB ended after %v (stall limit %v): %.200q", waited, stall, answer)
	}
}
