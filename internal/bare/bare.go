// Package bare holds the baselines shmbridge's benchmarks compare the daemon with: bare net/http handlers, no
// checks, no registry, no shared memory.
package bare

import (
	"net/http"
	"strconv"

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
