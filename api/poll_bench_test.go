package api_test

// BenchmarkPoll64 is what most users do: poll a small telemetry block. 64-byte reads through the bridge
// (authentication, the Host check, security headers, the rate limiter off) against bare net/http serving 64
// bytes from a []byte, in the same run, 16 clients at once over keep-alive connections; against that bare
// server sending the daemon's response headers too; and against that routed by chi (bare.Chi): the ceiling of
// any daemon built on chi that sends those headers.
//
//	go test ./api -run '^$' -bench Poll64 -count 8 | tee poll.txt && go tool benchstat poll.txt

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/bare"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

func BenchmarkPoll64(b *testing.B) {
	br := newBridge(b, nil)
	n := name(b, "")
	br.create(createBody(n, 4096, ""))
	payload := make([]byte, 64)
	base := httptest.NewServer(bare.Bytes(payload, nil))
	b.Cleanup(base.Close)
	// The same bare server answering with the headers a poll of the daemon carries beyond it: what they cost by
	// themselves (the client parses them too).
	withHeaders := httptest.NewServer(bare.Bytes(payload, bare.DaemonHeaders()))
	b.Cleanup(withHeaders.Close)
	routed := httptest.NewServer(bare.Chi(payload))
	b.Cleanup(routed.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	poll := func(b *testing.B, url string) {
		b.SetParallelism(8) // 16 clients on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+testToken) // the baseline ignores it
			for pb.Next() {
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				if k, _ := io.Copy(io.Discard, resp.Body); k != 64 {
					b.Errorf("%d bytes", k)
				}
				resp.Body.Close()
			}
		})
	}
	b.Run("bridge", func(b *testing.B) { poll(b, br.base+path(n, "/data?length=64")) })
	b.Run("baseline", func(b *testing.B) { poll(b, base.URL) })
	b.Run("baseline-headers", func(b *testing.B) { poll(b, withHeaders.URL) })
	b.Run("baseline-chi", func(b *testing.B) { poll(b, routed.URL+path(n, "/data?length=64")) })
}

// BenchmarkPollHandler is the same 64-byte poll without the network: the daemon's own work per request (every
// check, the routing, the metrics, the read of the bytes, the response headers) against a bare handler that
// writes 64 bytes, and against that handler with the daemon's headers routed by chi (bare.Chi), all into an
// httptest.ResponseRecorder. It is what to profile (-cpuprofile, -memprofile) before changing the request path.
//
//	go test ./api -run '^$' -bench PollHandler -count 8 | tee handler.txt && go tool benchstat handler.txt
func BenchmarkPollHandler(b *testing.B) {
	reg := registry.New(nil)
	h := api.New(reg, api.Config{Hosts: []string{"shmbridge.test"}, Token: testToken})
	n := name(b, "")
	if _, _, err := reg.OpenMapping(shm.Options{Name: n, Size: 4096, Mode: shm.Create}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { reg.CloseMapping(n, true) })
	payload := make([]byte, 64)
	base := bare.Bytes(payload, nil)
	serve := func(b *testing.B, h http.Handler) {
		req := httptest.NewRequest("GET", path(n, "/data?length=64"), nil) // the request target as a client sends it
		req.Host = "shmbridge.test"
		req.Header.Set("Authorization", "Bearer "+testToken)
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 || w.Body.Len() != 64 {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	}
	b.Run("bridge", func(b *testing.B) { serve(b, h) })
	b.Run("baseline", func(b *testing.B) { serve(b, base) })
	b.Run("baseline-chi", func(b *testing.B) { serve(b, bare.Chi(payload)) })
}

// BenchmarkFieldsHandler is BenchmarkPollHandler's /fields twin: the 640-byte struct of 90 fields
// (testdata/layouts/bench_telemetry.ksy) decoded to JSON, against the raw /data of the same bytes. What to
// profile before changing the fields path (.ci/bench-fields measures it served, under wrk).
func BenchmarkFieldsHandler(b *testing.B) {
	reg := registry.New(nil)
	h := api.New(reg, api.Config{Hosts: []string{"shmbridge.test"}, Token: testToken})
	n := name(b, "")
	if _, _, err := reg.OpenMapping(shm.Options{Name: n, Size: 4096, Mode: shm.Create}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { reg.CloseMapping(n, true) })
	ksy, err := os.ReadFile("../testdata/layouts/bench_telemetry.ksy")
	if err != nil {
		b.Fatal(err)
	}
	put := httptest.NewRequest("PUT", "/v1/layouts/bench_telemetry", bytes.NewReader(ksy))
	put.Host = "shmbridge.test"
	put.Header.Set("Authorization", "Bearer "+testToken)
	put.Header.Set("Content-Type", "application/yaml")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, put)
	if w.Code != 201 {
		b.Fatal(w.Code, w.Body.String())
	}
	serve := func(b *testing.B, target string) {
		req := httptest.NewRequest("GET", target, nil)
		req.Host = "shmbridge.test"
		req.Header.Set("Authorization", "Bearer "+testToken)
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	}
	b.Run("data", func(b *testing.B) { serve(b, path(n, "/data?length=640")) })
	b.Run("fields", func(b *testing.B) { serve(b, path(n, "/fields?layout=bench_telemetry")) })
}
