package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
)

// DefaultMaxWaiters is the default of Config.MaxWaiters.
const DefaultMaxWaiters = 1024

// Defaults of ?timeout= (long-polls), ?lock_timeout= and ?hold= (mutex leases); maxWait caps them all.
const (
	defaultWaitTimeout = 30 * time.Second
	defaultLockTimeout = 5 * time.Second
	defaultLease       = 30 * time.Second
)

// beginWait takes one of the daemon's waiter slots (429 when none is left), gives the request's connection
// time for its own wait only, and reads any body, so that the server notices a client that goes away. Call
// the returned func when the wait is over.
func (s *server) beginWait(w http.ResponseWriter, r *http.Request, d time.Duration) (func(), error) {
	select {
	case s.waits <- struct{}{}:
	default:
		return nil, fail(kindTooManyWaiters, fmt.Sprintf("%d requests are waiting already, the daemon's limit (-max-waiters)", cap(s.waits))).
			with("Retry-After", "1")
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(d + 30*time.Second))
	rc.SetWriteDeadline(time.Now().Add(d + 30*time.Second))
	io.Copy(io.Discard, io.LimitReader(r.Body, maxJSONBody))
	return func() { <-s.waits }, nil
}

// waitOn waits on e for up to timeout, in a waiter slot: true if it fired, false at the timeout.
func (s *server) waitOn(w http.ResponseWriter, r *http.Request, e *registry.Event, timeout time.Duration) (bool, error) {
	end, err := s.beginWait(w, r, timeout)
	if err != nil {
		return false, err
	}
	defer end()
	return e.Wait(r.Context(), timeout)
}

// eventWait is a read's ?wait=EVENT&timeout=: the event to wait for before reading (nil: none).
type eventWait struct {
	event   *registry.Event
	timeout time.Duration
}

func (s *server) parseWait(q query) (eventWait, error) {
	name := q.Get("wait")
	timeout, err := durationParam(q, "timeout", defaultWaitTimeout)
	switch {
	case err != nil:
		return eventWait{}, err
	case name == "" && q.Has("timeout"):
		return eventWait{}, fail(kindInvalidRequest, "timeout needs wait=EVENT")
	case name == "":
		return eventWait{}, nil
	}
	e, err := s.reg.GetEvent(name)
	if err != nil {
		return eventWait{}, notOpen(err, "event", name)
	}
	return eventWait{event: e, timeout: timeout}, nil
}

// waitFor waits as ew says: false if the timeout passed first; true at once without ?wait=.
func (s *server) waitFor(w http.ResponseWriter, r *http.Request, ew eventWait) (bool, error) {
	if ew.event == nil {
		return true, nil
	}
	return s.waitOn(w, r, ew.event, ew.timeout)
}

// maxLockedCopy caps a ?lock= copy, which is made in memory while the mutex is held.
const maxLockedCopy = 64 << 20

// copyLock is a data request's ?lock=MUTEX&lock_timeout=: the named mutex to hold around the copy (nil:
// none) and how long to wait for it.
type copyLock struct {
	mutex   *registry.Mutex
	timeout time.Duration
}

// parseLock reads ?lock= and ?lock_timeout= before any work: a bad parameter or a mutex the daemon does not
// hold fails at once, not after a ?wait= or a body upload.
func (s *server) parseLock(q query) (copyLock, error) {
	name := q.Get("lock")
	timeout, err := durationParam(q, "lock_timeout", defaultLockTimeout)
	switch {
	case err != nil:
		return copyLock{}, err
	case name == "" && q.Has("lock_timeout"):
		return copyLock{}, fail(kindInvalidRequest, "lock_timeout needs lock=NAME")
	case name == "":
		return copyLock{}, nil
	}
	m, err := s.reg.GetMutex(name)
	if err != nil {
		return copyLock{}, notOpen(err, "mutex", name)
	}
	return copyLock{mutex: m, timeout: timeout}, nil
}

// fits refuses a copy of n bytes under the lock that is too large to make in memory.
func (l copyLock) fits(n int64) error {
	if l.mutex != nil && n > maxLockedCopy {
		return fail(kindTooLarge, fmt.Sprintf("a copy under ?lock= is made in memory while the mutex is held: at most %d bytes (use offset and length)", maxLockedCopy))
	}
	return nil
}

// AbandonedHeader is set on a data response whose ?lock= mutex had been abandoned by its last owner.
const AbandonedHeader = "Shmbridge-Mutex-Abandoned"

// underLock runs copy while the ?lock= mutex is held (waiting up to its timeout: 423 locked after that);
// without ?lock= it just runs copy. The mutex is released when copy returns, whether it failed or not. A mutex
// its last owner abandoned is held all the same and reported in the Shmbridge-Mutex-Abandoned header.
func (s *server) underLock(w http.ResponseWriter, r *http.Request, l copyLock, copy func() error) error {
	if l.mutex == nil {
		return copy()
	}
	end, err := s.beginWait(w, r, l.timeout)
	if err != nil {
		return err
	}
	unlock, abandoned, err := l.mutex.Lock(r.Context(), l.timeout)
	end()
	if errors.Is(err, shm.ErrTimeout) {
		return fail(kindLocked, fmt.Sprintf("the mutex %s stayed held for %s (lock_timeout)", quote(l.mutex.Name()), l.timeout))
	}
	if err != nil {
		return err
	}
	defer unlock()
	if abandoned {
		w.Header().Set(AbandonedHeader, "true")
		s.log.Warn("mutex was abandoned by its last owner", "name", l.mutex.Name())
	}
	return copy()
}

// notOpen explains a ?lock= mutex or ?wait= event (what) the daemon does not hold open.
func notOpen(err error, what, name string) error {
	if errors.Is(err, shm.ErrNotFound) {
		return fail(kindNotFound, fmt.Sprintf("the daemon holds no %s %s: open it first with POST /v1/%s", what, quote(name),
			map[string]string{"event": "events", "mutex": "mutexes"}[what]))
	}
	return err
}
