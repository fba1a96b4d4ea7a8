package api_test

// BenchmarkTransfer64MiB moves 64 MiB through the bridge and, in the same run, through bare net/http serving
// (or receiving into) the same bytes from a plain []byte: the baseline the bridge is measured against.
//
//	go test ./api -run '^$' -bench Transfer -count 10 | tee bench.txt && go tool benchstat bench.txt

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

const benchSize = 64 << 20

func BenchmarkTransfer64MiB(b *testing.B) {
	payload := bytes.Repeat([]byte("shmbridge"), benchSize/9+1)[:benchSize]

	br := newBridge(b, nil)
	n := name(b, "")
	br.create(createBody(n, benchSize, ""))
	br.do("PUT", path(n, "/data"), bytes.NewReader(payload))

	sink := make([]byte, benchSize)
	base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" {
			io.ReadFull(r.Body, sink) // the baseline's "copy into memory"
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(benchSize))
		w.Write(payload)
	}))
	b.Cleanup(base.Close)

	// Plain clients from here on: this measures the bridge, not the spec validator of the tests.
	get := func(b *testing.B, url string) {
		b.SetBytes(benchSize)
		for b.Loop() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+testToken) // the baseline ignores it
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			if k, _ := io.Copy(io.Discard, resp.Body); k != benchSize {
				b.Fatalf("got %d bytes", k)
			}
			resp.Body.Close()
		}
	}
	put := func(b *testing.B, url string) {
		b.SetBytes(benchSize)
		for b.Loop() {
			req, _ := http.NewRequest("PUT", url, bytes.NewReader(payload))
			req.Header.Set("Content-Type", "application/octet-stream")
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.Status)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	b.Run("GET/bridge", func(b *testing.B) { get(b, br.base+path(n, "/data")) })
	b.Run("GET/baseline", func(b *testing.B) { get(b, base.URL) })
	b.Run("PUT/bridge", func(b *testing.B) { put(b, br.base+path(n, "/data")) })
	b.Run("PUT/baseline", func(b *testing.B) { put(b, base.URL) })
}
