package api

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// DefaultMaxWaiters is the default of Config.MaxWaiters.
const DefaultMaxWaiters = 1024

// waiting is how the request's waits (for an event, for a mutex) are bounded: each takes one of the daemon's
// waiter slots (429 when none is left), gives the request's connection time for its own wait only, and reads
// any body, so that the server notices a client that goes away.
func (s *server) waiting(w http.ResponseWriter, r *http.Request) registry.Waiting {
	return func(d time.Duration) (func(), error) {
		select {
		case s.waits <- struct{}{}:
		default:
			return nil, fail(probTooManyWaiters, fmt.Sprintf("%d requests are waiting already, the daemon's limit (-max-waiters)", cap(s.waits))).
				with("Retry-After", "1")
		}
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(d + 30*time.Second))
		rc.SetWriteDeadline(time.Now().Add(d + 30*time.Second))
		io.Copy(io.Discard, io.LimitReader(r.Body, maxJSONBody))
		return func() { <-s.waits }, nil
	}
}

// AbandonedHeader is set on a data response whose ?lock= mutex had been abandoned by its last owner.
const AbandonedHeader = "Shmbridge-Mutex-Abandoned"

// abandoned says, in the header and the log, that the mutex a transfer held had been abandoned by its last
// owner (held all the same; what it guards may be half-written).
func (s *server) abandoned(w http.ResponseWriter, m *registry.Mutex, abandoned bool) {
	if abandoned {
		w.Header().Set(AbandonedHeader, "true")
		s.log.Warn("mutex was abandoned by its last owner", "name", m.Name())
	}
}
