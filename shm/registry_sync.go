package shm

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"sync"
	"time"
)

// EventEntry is an event held by the registry.
type EventEntry struct {
	*Event
	OpenedAt time.Time
}

// OpenEvent opens an event as o says and holds it (see Open for the rules on names).
func (r *Registry) OpenEvent(o EventOptions) (*EventEntry, error) {
	o.SDDL = cmp.Or(o.SDDL, r.DefaultSDDL)
	return r.events.add(o.Name, o.Mode.String(), r.MaxSyncObjects, func() (*EventEntry, error) {
		ev, err := OpenEvent(o)
		if err != nil {
			return nil, err
		}
		return &EventEntry{Event: ev, OpenedAt: time.Now()}, nil
	})
}

// GetEvent returns the held event called name.
func (r *Registry) GetEvent(name string) (*EventEntry, error) { return r.events.get(name) }

// Events lists the held events by name.
func (r *Registry) Events() []*EventEntry { return r.events.list() }

// CloseEvent forgets the event and closes it: its waits end with ErrClosed. unlink also removes the name
// (Linux; see Unlink).
func (r *Registry) CloseEvent(name string, unlink bool) error {
	if held, err := r.events.get(name); err == nil && unlink {
		if err := checkUnlink(held.Name()); err != nil {
			return err
		}
	}
	e, err := r.events.remove(name)
	if err != nil {
		return err
	}
	defer r.events.release(e.Name())
	return closeAndUnlink(e.Name(), e.Close, unlink)
}

func closeAndUnlink(name string, close func() error, unlink bool) error {
	err := close()
	if unlink && err == nil {
		if uerr := Unlink(name); uerr != nil && !errors.Is(uerr, ErrNotFound) {
			err = uerr
		}
	}
	return err
}

// MutexEntry is a mutex held by the registry, and the lease on it, if the daemon holds it for a client.
type MutexEntry struct {
	*Mutex
	OpenedAt time.Time

	mu     sync.Mutex
	unlock func() error // non-nil while a lease holds the mutex
	lease  string       // the lease's id
	until  time.Time
	timer  *time.Timer
}

// Acquire locks the mutex for a lease of hold: it stays locked until Release with the lease's id, or until
// hold passes (so a client that goes away cannot keep a native program out for ever). The id, random and
// new for each lease, is what lets a release end this lease only: a client whose lease ran out cannot end
// the next one's. See Mutex.Lock for the rest.
func (e *MutexEntry) Acquire(ctx context.Context, timeout, hold time.Duration) (abandoned bool, lease string, until time.Time, err error) {
	unlock, abandoned, err := e.Lock(ctx, timeout)
	if err != nil {
		return false, "", time.Time{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	lease, until = rand.Text(), time.Now().Add(hold)
	e.unlock, e.lease, e.until = unlock, lease, until
	e.timer = time.AfterFunc(hold, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.unlock != nil && e.lease == lease { // still this lease
			e.releaseLocked()
		}
	})
	return abandoned, lease, until, nil
}

// Release ends the lease whose id is lease: ErrNotHeld if there is none, or another one holds the mutex now.
func (e *MutexEntry) Release(lease string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.unlock == nil:
		return newErr("release", e.Name(), ErrNotHeld, "this daemon does not hold it (never acquired, released, or the lease ran out)")
	case subtle.ConstantTimeCompare([]byte(lease), []byte(e.lease)) != 1:
		return newErr("release", e.Name(), ErrNotHeld, "that is not the current lease (it ran out, or was released, and the mutex was acquired again)")
	}
	return e.releaseLocked()
}

func (e *MutexEntry) releaseLocked() error {
	e.timer.Stop()
	err := e.unlock()
	e.unlock, e.lease, e.until = nil, "", time.Time{}
	return err
}

// Lease reports whether the daemon holds the mutex for a client, and until when.
func (e *MutexEntry) Lease() (held bool, until time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unlock != nil, e.until
}

func (e *MutexEntry) close() error {
	e.mu.Lock()
	if e.unlock != nil {
		e.releaseLocked()
	}
	e.mu.Unlock()
	return e.Close()
}

// OpenMutex opens a mutex as o says and holds it (not locked).
func (r *Registry) OpenMutex(o MutexOptions) (*MutexEntry, error) {
	o.SDDL = cmp.Or(o.SDDL, r.DefaultSDDL)
	return r.mutexes.add(o.Name, o.Mode.String(), r.MaxSyncObjects, func() (*MutexEntry, error) {
		m, err := OpenMutex(o)
		if err != nil {
			return nil, err
		}
		return &MutexEntry{Mutex: m, OpenedAt: time.Now()}, nil
	})
}

// GetMutex returns the held mutex called name.
func (r *Registry) GetMutex(name string) (*MutexEntry, error) { return r.mutexes.get(name) }

// Mutexes lists the held mutexes by name.
func (r *Registry) Mutexes() []*MutexEntry { return r.mutexes.list() }

// CloseMutex forgets the mutex, releases the daemon's lease on it, waits for a copy holding it (?lock=) to
// end, and closes it; unlink also removes the name (Linux; see Unlink).
func (r *Registry) CloseMutex(name string, unlink bool) error {
	if held, err := r.mutexes.get(name); err == nil && unlink {
		if err := checkUnlink(held.Name()); err != nil {
			return err
		}
	}
	e, err := r.mutexes.remove(name)
	if err != nil {
		return err
	}
	defer r.mutexes.release(e.Name())
	return closeAndUnlink(e.Name(), e.close, unlink)
}
