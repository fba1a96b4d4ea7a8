package registry

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// Mutex is a mutex the registry holds (package shm's, which only the registry closes), and the lease on it
// while the daemon locks it for a client.
type Mutex struct {
	mx       *shm.Mutex
	OpenedAt time.Time

	mu     sync.Mutex
	unlock func() error // non-nil while a lease locks the mutex
	lease  string       // the lease's id
	until  time.Time
	timer  *time.Timer
}

// Name is the name the mutex was opened with; Created whether the daemon made it.
func (m *Mutex) Name() string  { return m.mx.Name() }
func (m *Mutex) Created() bool { return m.mx.Created() }

// State is what the OS tells of the mutex.
func (m *Mutex) State() MutexState { return m.mx.State() }

// Acquire locks the mutex for a lease of d: it stays locked until Release with the lease's id, or until d
// passes (so a client that goes away cannot keep a native program out for ever). The id, random and new for
// each lease, is what lets a release end this lease only: a client whose lease ran out cannot end the next
// one's. The wait (up to timeout) is within waiting (nil: no bound). See shm.Mutex.Lock for the rest.
func (m *Mutex) Acquire(ctx context.Context, timeout, d time.Duration, waiting Waiting) (abandoned bool, lease string, until time.Time, err error) {
	unlock, abandoned, err := m.lock(ctx, timeout, waiting)
	if err != nil {
		return false, "", time.Time{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	lease, until = rand.Text(), time.Now().Add(d)
	m.unlock, m.lease, m.until = unlock, lease, until
	m.timer = time.AfterFunc(d, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.unlock != nil && m.lease == lease { // still this lease
			m.endLeaseLocked()
		}
	})
	return abandoned, lease, until, nil
}

// lock waits for the mutex, up to timeout, within waiting.
func (m *Mutex) lock(ctx context.Context, timeout time.Duration, waiting Waiting) (unlock func() error, abandoned bool, err error) {
	if waiting != nil {
		end, err := waiting(timeout)
		if err != nil {
			return nil, false, err
		}
		defer end()
	}
	return m.mx.Lock(ctx, timeout)
}

// Release ends the lease whose id is lease: ErrNotHeld if there is none, or another one locks the mutex now.
func (m *Mutex) Release(lease string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var why string
	switch {
	case m.unlock == nil:
		why = "this daemon does not hold it (never acquired, released, or the lease ran out)"
	case subtle.ConstantTimeCompare([]byte(lease), []byte(m.lease)) != 1:
		why = "that is not the current lease (it ran out, or was released, and the mutex was acquired again)"
	default:
		return m.endLeaseLocked()
	}
	return &Error{Op: "release", Name: m.Name(), Err: ErrNotHeld, Detail: why}
}

func (m *Mutex) endLeaseLocked() error {
	m.timer.Stop()
	err := m.unlock()
	m.unlock, m.lease, m.until = nil, "", time.Time{}
	return err
}

// Lease reports whether the daemon locks the mutex for a client, and until when.
func (m *Mutex) Lease() (leased bool, until time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.unlock != nil, m.until
}

// compatible: any held mutex serves an open.
func (m *Mutex) compatible(MutexOptions) error { return nil }

// close ends the lease, if any, and closes the mutex.
func (m *Mutex) close() error {
	m.mu.Lock()
	if m.unlock != nil {
		m.endLeaseLocked()
	}
	m.mu.Unlock()
	return m.mx.Close()
}
