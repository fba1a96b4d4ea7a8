package registry

import (
	"context"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// Event is an event the registry holds (package shm's, which only the registry closes).
type Event struct {
	e        *shm.Event
	OpenedAt time.Time
}

// Name is the name the event was opened with; Created whether the daemon made it.
func (e *Event) Name() string  { return e.e.Name() }
func (e *Event) Created() bool { return e.e.Created() }

// ManualReset reports whether the event is manual-reset (for another program's, what the OS says).
func (e *Event) ManualReset() bool { return e.e.ManualReset() }

// Waiters is how many requests wait on it now: waiting in the daemon, not all of them in the OS wait yet
// (a pulse can pass one by).
func (e *Event) Waiters() int { return e.e.Waiters() }

// State reports whether the event is signaled now; known is false where the OS does not say.
func (e *Event) State() (signaled, known bool) { return e.e.State() }

// Set, Reset and Pulse are SetEvent, ResetEvent and PulseEvent (see package shm).
func (e *Event) Set() error   { return e.e.Set() }
func (e *Event) Reset() error { return e.e.Reset() }
func (e *Event) Pulse() error { return e.e.Pulse() }

// Observer watches the event fire without taking its signal (see shm.Event.Observer).
func (e *Event) Observer() (*Observer, error) { return e.e.Observer() }

// Waiting is how a caller counts and bounds its waits (the API's cap on waiting requests, and its
// deadlines): called before a wait of up to d, it refuses it with an error or answers the func that ends it.
type Waiting func(d time.Duration) (end func(), err error)

// Wait waits for the event for up to timeout, within waiting (nil: no bound): true if it fired, false at
// the timeout (see shm.Event.Wait).
func (e *Event) Wait(ctx context.Context, timeout time.Duration, waiting Waiting) (bool, error) {
	if waiting != nil {
		end, err := waiting(timeout)
		if err != nil {
			return false, err
		}
		defer end()
	}
	return e.e.Wait(ctx, timeout)
}

// compatible: any held event serves an open (its reset kind and state are the OS's, not the request's).
func (e *Event) compatible(EventOptions) error { return nil }

func (e *Event) close() error { return e.e.Close() }
