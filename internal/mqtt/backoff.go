package mqtt

import (
	"math/rand/v2"
	"sync"
	"time"
)

// The back-off between connections. A connection the broker drops before it has been up for stableFor (a
// packet it refused as malformed, a session taken over) counts as a failed attempt: without that, a broker that
// accepts the connection and drops it at once would be connected to again at once, hundreds of times a second,
// and every publisher would send its whole state each time.
const (
	stableFor   = 10 * time.Second
	backoffBase = 100 * time.Millisecond
	backoffMax  = 30 * time.Second
)

// backoff decides the waits before connecting: after n failures in a row (attempts that failed, connections
// dropped before stableFor) a wait of about backoffBase·2ⁿ⁻¹, up to backoffMax.
type backoff struct {
	now func() time.Time

	mu       sync.Mutex
	upAt     time.Time
	failures int           // connections in a row that did not stay up
	next     time.Duration // the wait before the first attempt after the last drop
}

// up: a connection was made.
func (b *backoff) up() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.upAt = b.now()
}

// reset: a new broker; nothing failed yet.
func (b *backoff) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures, b.next = 0, 0
}

// down: the connection was lost; it answers how long it was up, and the wait before connecting again.
func (b *backoff) down() (upFor, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	upFor = b.now().Sub(b.upAt)
	if upFor < stableFor {
		b.failures++
	} else {
		b.failures = 0
	}
	b.next = delay(b.failures)
	return upFor, b.next
}

// wait is the wait before an attempt to connect: attempt counts the failed attempts since the connection was
// lost (0: before the first).
func (b *backoff) wait(attempt int) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if attempt == 0 {
		return b.next
	}
	return delay(b.failures + attempt)
}

// delay is the wait after n failures in a row: none for 0, else a random time from half of backoffBase·2ⁿ⁻¹ to
// all of it, up to backoffMax (the randomness keeps many daemons from coming back at once).
func delay(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	d := min(backoffBase<<min(n-1, 20), backoffMax)
	return d/2 + rand.N(d/2+1)
}
