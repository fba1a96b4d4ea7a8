// Package registry is the daemon's state, and the API's one way down to the OS: the named objects it holds
// open (mappings, events and mutexes, in one table, as they share one namespace), the transfers under way on
// each mapping, the leases on mutexes, the counters and the caps, and what the OS lists. It wraps package
// shm's objects: only the registry opens and closes them. The HTTP is package api's.
package registry

import (
	"cmp"
	"errors"
	"os"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// Registry holds the mappings, events and mutexes a daemon opened, by name, until they are closed. It is safe
// for concurrent use.
type Registry struct {
	root *os.Root // files root for file-backed mappings; nil disables them
	// CloseGrace is how long CloseMapping lets transfers under way (Mapping.Pin) finish before it unmaps
	// anyway, cutting them short with ErrClosed.
	CloseGrace time.Duration
	// MaxMappings caps how many mappings it holds at once (0: no cap); one more is ErrLimit.
	MaxMappings int
	// MaxSyncObjects caps the events it holds, and the mutexes (each; 0: no cap).
	MaxSyncObjects int
	// DefaultSDDL is the security descriptor (Windows) of objects created without one of their own; "" keeps
	// the built-in default, this user and SYSTEM. A Windows service sets it so that users' programs can open
	// what it creates.
	DefaultSDDL string

	t      *table
	totals totals
}

// totals counts the bytes copied through every mapping the registry held, closed ones too.
type totals struct{ read, written atomic.Int64 }

// BytesRead and BytesWritten are the bytes copied out of and into every mapping the registry has held.
func (r *Registry) BytesRead() int64    { return r.totals.read.Load() }
func (r *Registry) BytesWritten() int64 { return r.totals.written.Load() }

// New returns an empty registry. root confines file-backed mappings; nil disables them.
func New(root *os.Root) *Registry {
	return &Registry{root: root, CloseGrace: 5 * time.Second, t: newTable()}
}

// OpenMapping opens a mapping as o says and holds it. already reports that the daemon held it already (an
// open, or an open_or_create, of a name it holds: the held mapping is the answer, if it can serve what o asks,
// else ErrIncompatible or ErrTooSmall saying why). A create of a name the registry holds is ErrExists.
func (r *Registry) OpenMapping(o Options) (m *Mapping, already bool, err error) {
	o.Root = r.root
	o.SDDL = cmp.Or(o.SDDL, r.DefaultSDDL)
	return add(r.t, KindMapping, o.Name, o.Mode, r.MaxMappings, func(m *Mapping) error { return m.compatible(o) },
		func() (*Mapping, error) {
			m, err := shm.Open(o)
			if err != nil {
				return nil, err
			}
			return &Mapping{m: m, OpenedAt: time.Now(), done: make(chan struct{}), totals: &r.totals}, nil
		})
}

// GetMapping returns the mapping called name (any spelling of the same object).
func (r *Registry) GetMapping(name string) (*Mapping, error) {
	return get[*Mapping](r.t, KindMapping, name)
}

// MappingToRead returns the mapping called name: the one the registry holds, or else opened read-only (and
// held from then on): a recording, a publisher, of a mapping a native producer made.
func (r *Registry) MappingToRead(name string) (*Mapping, error) {
	m, err := r.GetMapping(name)
	if errors.Is(err, ErrNotFound) {
		m, _, err = r.OpenMapping(Options{Name: name, Mode: OpenExisting, Access: ReadOnly})
	}
	return m, err
}

// Mappings returns the held mappings sorted by name.
func (r *Registry) Mappings() []*Mapping { return list[*Mapping](r.t, KindMapping) }

// CloseMapping forgets name at once (later lookups get ErrNotFound), lets transfers under way finish (up to
// CloseGrace), then unmaps and closes it; with unlink, it also removes the name (Linux; see shm.Unlink),
// except for a file-backed mapping, whose file stays.
func (r *Registry) CloseMapping(name string, unlink bool) (closed string, err error) {
	if m, err := r.GetMapping(name); err == nil && m.File() != "" {
		unlink = false
	}
	return closeNamed(r.t, KindMapping, name, unlink, func(m *Mapping) error {
		m.drain(r.CloseGrace)
		return m.m.Close()
	})
}

// OpenEvent opens an event as o says and holds it (see OpenMapping for the rules on names and already).
func (r *Registry) OpenEvent(o EventOptions) (e *Event, already bool, err error) {
	o.SDDL = cmp.Or(o.SDDL, r.DefaultSDDL)
	return add(r.t, KindEvent, o.Name, o.Mode, r.MaxSyncObjects, func(e *Event) error { return e.compatible(o) },
		func() (*Event, error) {
			ev, err := shm.OpenEvent(o)
			if err != nil {
				return nil, err
			}
			return &Event{e: ev, OpenedAt: time.Now()}, nil
		})
}

// GetEvent returns the held event called name.
func (r *Registry) GetEvent(name string) (*Event, error) { return get[*Event](r.t, KindEvent, name) }

// Events lists the held events by name.
func (r *Registry) Events() []*Event { return list[*Event](r.t, KindEvent) }

// CloseEvent forgets the event and closes it: its waits end with ErrClosed. unlink also removes the name
// (Linux; see shm.Unlink).
func (r *Registry) CloseEvent(name string, unlink bool) (closed string, err error) {
	return closeNamed(r.t, KindEvent, name, unlink, (*Event).close)
}

// OpenMutex opens a mutex as o says and holds it (not locked); see OpenMapping for already.
func (r *Registry) OpenMutex(o MutexOptions) (m *Mutex, already bool, err error) {
	o.SDDL = cmp.Or(o.SDDL, r.DefaultSDDL)
	return add(r.t, KindMutex, o.Name, o.Mode, r.MaxSyncObjects, func(m *Mutex) error { return m.compatible(o) },
		func() (*Mutex, error) {
			mx, err := shm.OpenMutex(o)
			if err != nil {
				return nil, err
			}
			return &Mutex{mx: mx, OpenedAt: time.Now()}, nil
		})
}

// GetMutex returns the held mutex called name.
func (r *Registry) GetMutex(name string) (*Mutex, error) { return get[*Mutex](r.t, KindMutex, name) }

// Mutexes lists the held mutexes by name.
func (r *Registry) Mutexes() []*Mutex { return list[*Mutex](r.t, KindMutex) }

// CloseMutex forgets the mutex, ends the daemon's lease on it, waits for a copy holding it (?lock=) to end,
// and closes it; unlink also removes the name (Linux; see shm.Unlink).
func (r *Registry) CloseMutex(name string, unlink bool) (closed string, err error) {
	return closeNamed(r.t, KindMutex, name, unlink, (*Mutex).close)
}

// closeNamed closes the object of kind k called name and answers its name as it was opened: it refuses first
// an unlink the OS layer would refuse (nothing is closed then), forgets the name, closes the object, unlinks
// it if asked, and frees the name last.
func closeNamed[T named](t *table, k Kind, name string, unlink bool, close func(T) error) (string, error) {
	if unlink {
		if _, err := get[T](t, k, name); err != nil {
			return "", err
		}
		if err := shm.CheckUnlink(name); err != nil {
			return "", err
		}
	}
	obj, err := remove[T](t, k, name)
	if err != nil {
		return "", err
	}
	defer t.release(obj.Name())
	if err := close(obj); err != nil {
		return obj.Name(), err
	}
	if unlink {
		if err := shm.Unlink(obj.Name()); err != nil && !errors.Is(err, ErrNotFound) {
			return obj.Name(), err
		}
	}
	return obj.Name(), nil
}

// Closed counts what CloseAll closed.
type Closed struct{ Mappings, Events, Mutexes int }

// Holds reports which kind of object the daemon holds open under name, in any spelling of it; "" when none.
func (r *Registry) Holds(name string) Kind { return r.t.holds(name) }

// Objects lists the named objects the OS has, of kind (KindOther: of none; "": all), always with those the
// daemon holds (see shm.Objects); truncated says there were more.
func (r *Registry) Objects(kind Kind) ([]Object, bool, error) {
	return shm.Objects(shm.ObjectFilter{Kind: kind, Keep: func(name string) bool { return r.Holds(name) != "" }})
}

// CloseAll closes every held object (without unlinking): waits end with ErrClosed, leases end.
func (r *Registry) CloseAll() Closed {
	var c Closed
	for _, m := range removeAll[*Mutex](r.t, KindMutex) {
		m.close()
		r.t.release(m.Name())
		c.Mutexes++
	}
	for _, e := range removeAll[*Event](r.t, KindEvent) {
		e.close()
		r.t.release(e.Name())
		c.Events++
	}
	for _, m := range removeAll[*Mapping](r.t, KindMapping) {
		m.drain(0) // watch streams end; transfers had their time in the HTTP server's shutdown
		m.m.Close()
		r.t.release(m.Name())
		c.Mappings++
	}
	return c
}
