// Package bare holds the baselines shmbridge's benchmarks compare the daemon with: bare net/http handlers, no
// checks, no registry, no shared memory.
package bare

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/api"
)

// Bytes answers payload as application/octet-stream, with the headers in extra too (nil: none), as the least a
// poll of a small block can cost.
func Bytes(payload []byte, extra http.Header) http.HandlerFunc {
	n := strconv.Itoa(len(payload))
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range extra {
			h[k] = v
		}
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", n)
		w.Write(payload)
	}
}

// DaemonHeaders are the headers a read of the daemon carries beyond a bare response (its security headers and
// Accept-Ranges): Bytes with them measures what they cost by themselves.
func DaemonHeaders() http.Header {
	h := api.SecurityHeaders()
	h["Accept-Ranges"] = []string{"bytes"}
	return h
}

// Chi answers GET /v1/mappings/{name}/data with payload as Bytes does with DaemonHeaders, routed by chi as the
// daemon's requests are, and nothing else: no checks, no registry, no shared memory. It is the least a poll can
// cost in a server built on chi that sends the daemon's headers, with the most favourable route table (one route).
func Chi(payload []byte) http.Handler {
	r := chi.NewRouter()
	r.Get("/v1/mappings/{name}/data", Bytes(payload, DaemonHeaders()))
	return r
}
