package mirror

import (
	"testing"
	"time"
)

// SetIdleTimeout sets how long a connection may bring nothing before it is dropped, until the test's cleanup
// (call it before starting what reads it: cleanups run last-first).
func SetIdleTimeout(t testing.TB, d time.Duration) {
	old := idleTimeout
	idleTimeout = d
	t.Cleanup(func() { idleTimeout = old })
}

// SetBackoff sets the back-off between connections, as SetIdleTimeout.
func SetBackoff(t testing.TB, d time.Duration) {
	old := minBackoff
	minBackoff = d
	t.Cleanup(func() { minBackoff = old })
}
