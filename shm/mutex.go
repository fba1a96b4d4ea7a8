package shm

import (
	"context"
	"errors"
	"sync"
	"time"
)

// MutexOptions configures OpenMutex.
type MutexOptions struct {
	// Name is "Local\X", "Global\X" or "X", as for mappings. On Linux the mutex is the small object /dev/shm/X,
	// locked with flock (its layout: include/shmbridge_sync.h).
	Name string
	Mode Mode
	// SDDL is the security descriptor of a mutex OpenMutex creates (Windows only), as in Options.
	SDDL string
}

// Mutex is an open named mutex. In this process one caller at a time holds it or waits for it in the OS
// (later callers queue in Go): on Windows that is one OS thread per mutex, which owns the mutex from the wait
// until the release, since Windows mutexes belong to a thread.
type Mutex struct {
	name    string
	created bool
	os      osMutex

	turn     chan struct{} // a token: whoever holds it may hold or wait for the OS mutex
	closedCh chan struct{}
	mu       sync.Mutex
	closed   bool
}

// OpenMutex creates or opens the named mutex according to o.Mode. The mutex is not acquired.
func OpenMutex(o MutexOptions) (*Mutex, error) {
	base, err := checkSyncName(o.Name, o.Mode)
	if err != nil {
		return nil, err
	}
	m := &Mutex{name: o.Name, turn: make(chan struct{}, 1), closedCh: make(chan struct{})}
	if m.created, err = m.os.open(o, base); err != nil {
		return nil, err
	}
	return m, nil
}

// Name returns the name the mutex was opened with.
func (m *Mutex) Name() string { return m.name }

// Created reports whether OpenMutex created the mutex.
func (m *Mutex) Created() bool { return m.created }

// MutexState is what the OS tells of a mutex.
type MutexState struct {
	Known  bool // false: the OS does not say
	Locked bool // some thread or process holds it (this daemon included)
	// Owner is the process ID of the holder, 0 if unknown (Linux says, Windows does not).
	Owner int
	// Abandoned: its last owner ended without releasing it (Windows says; on Linux see Lock).
	Abandoned bool
}

// State reports the mutex's state as far as the OS lets this process know it.
func (m *Mutex) State() MutexState {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return MutexState{}
	}
	return m.os.state()
}

// Lock acquires the mutex, waiting up to timeout (ErrTimeout), until ctx ends (ctx.Err()) or the mutex is
// closed (ErrClosed). abandoned reports that the previous owner ended while holding it (WAIT_ABANDONED: the
// data it guards may be half-written); the mutex is held all the same. Call unlock to release it, from any
// goroutine; later calls of unlock do nothing.
func (m *Mutex) Lock(ctx context.Context, timeout time.Duration) (unlock func() error, abandoned bool, err error) {
	deadline := time.Now().Add(timeout)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case m.turn <- struct{}{}:
	case <-t.C:
		return nil, false, newErr("lock", m.name, ErrTimeout, "held by another caller of this daemon")
	case <-ctx.Done():
		return nil, false, ctx.Err()
	case <-m.closedCh:
		return nil, false, newErr("lock", m.name, ErrClosed, "")
	}
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		<-m.turn
		return nil, false, newErr("lock", m.name, ErrClosed, "")
	}
	release, abandoned, err := m.os.lock(ctx, m.closedCh, time.Until(deadline))
	if err != nil {
		<-m.turn
		switch {
		case errors.Is(err, ErrTimeout):
			return nil, false, newErr("lock", m.name, ErrTimeout, "held by another program")
		case errors.Is(err, ErrClosed):
			return nil, false, newErr("lock", m.name, ErrClosed, "")
		case ctx.Err() != nil:
			return nil, false, ctx.Err()
		}
		return nil, false, osFailure("lock", m.name, err)
	}
	var once sync.Once
	return func() (err error) {
		once.Do(func() {
			if rerr := release(); rerr != nil {
				err = &Error{Op: "unlock", Name: m.name, Err: ErrInvalid, OSErr: rerr}
			}
			<-m.turn
		})
		return err
	}, abandoned, nil
}

// Close ends waits for the mutex (ErrClosed), waits until a holder in this process releases it, and closes
// the handle.
func (m *Mutex) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return newErr("close", m.name, ErrClosed, "")
	}
	m.closed = true
	close(m.closedCh)
	m.mu.Unlock()
	m.turn <- struct{}{} // the holder, if any, has released it
	if err := m.os.close(); err != nil {
		return &Error{Op: "close", Name: m.name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}
