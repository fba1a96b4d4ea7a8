package shm

import (
	"cmp"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds the mappings, events and mutexes a daemon opened, by name, until they are closed. It is safe
// for concurrent use.
type Registry struct {
	root *os.Root // files root for file-backed mappings; nil disables them
	// CloseGrace is how long Close lets transfers under way (Entry.Hold) finish before it unmaps anyway,
	// cutting them short with ErrClosed.
	CloseGrace time.Duration
	// MaxMappings caps how many mappings it holds at once (0: no cap); one more is ErrLimit.
	MaxMappings int
	// MaxSyncObjects caps the events it holds, and the mutexes (each; 0: no cap).
	MaxSyncObjects int
	// DefaultSDDL is the security descriptor (Windows) of objects created without one of their own; "" keeps
	// the built-in default, this user and SYSTEM. A Windows service sets it so that users' programs can open
	// what it creates.
	DefaultSDDL string

	mappings *table[*Entry]
	events   *table[*EventEntry]
	mutexes  *table[*MutexEntry]
}

// NewRegistry returns an empty registry. root confines file-backed mappings; nil disables them.
func NewRegistry(root *os.Root) *Registry {
	ns := newNamespace()
	return &Registry{root: root, CloseGrace: 5 * time.Second,
		mappings: newTable[*Entry](ns, "mapping", "mappings", "-max-mappings"),
		events:   newTable[*EventEntry](ns, "event", "events", "-max-sync-objects"),
		mutexes:  newTable[*MutexEntry](ns, "mutex", "mutexes", "-max-sync-objects")}
}

// Entry is a mapping held by the registry, with transfer statistics.
type Entry struct {
	*Mapping
	OpenedAt time.Time

	bytesRead    atomic.Int64
	bytesWritten atomic.Int64
	lastWrite    atomic.Int64 // Unix nanoseconds; 0 = never

	holdMu  sync.Mutex
	holds   int           // transfers under way (Hold)
	closing bool          // Close has begun: no new holds
	idle    chan struct{} // closed when holds drops to 0 while closing
}

// Hold marks a transfer under way: Registry.Close lets it finish (up to CloseGrace) before unmapping. It
// fails with ErrClosed once Close has begun. Call release when the transfer ends.
func (e *Entry) Hold() (release func(), err error) {
	e.holdMu.Lock()
	defer e.holdMu.Unlock()
	if e.closing {
		return nil, newErr("hold", e.Name(), ErrClosed, "")
	}
	e.holds++
	var once sync.Once
	return func() { once.Do(e.release) }, nil
}

func (e *Entry) release() {
	e.holdMu.Lock()
	defer e.holdMu.Unlock()
	e.holds--
	if e.holds == 0 && e.idle != nil {
		close(e.idle)
		e.idle = nil
	}
}

// drain refuses new holds and waits up to grace for the current ones to end.
func (e *Entry) drain(grace time.Duration) {
	e.holdMu.Lock()
	e.closing = true
	if e.holds == 0 {
		e.holdMu.Unlock()
		return
	}
	idle := make(chan struct{})
	e.idle = idle
	e.holdMu.Unlock()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	}
}

// BytesRead and BytesWritten count the bytes copied through the registry.
func (e *Entry) BytesRead() int64    { return e.bytesRead.Load() }
func (e *Entry) BytesWritten() int64 { return e.bytesWritten.Load() }

// LastWrite is when bytes were last written through the registry; zero if never.
func (e *Entry) LastWrite() time.Time {
	if ns := e.lastWrite.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

func (e *Entry) wrote(n int64) {
	if n > 0 {
		e.bytesWritten.Add(n)
		e.lastWrite.Store(time.Now().UnixNano())
	}
}

// CopyTo streams n bytes at off to w (see Mapping.CopyTo) and counts them.
func (e *Entry) CopyTo(w io.Writer, off, n int64) (int64, error) {
	k, err := e.Mapping.CopyTo(w, off, n)
	e.bytesRead.Add(k)
	return k, err
}

// ReadAt reads like Mapping.ReadAt and counts the bytes.
func (e *Entry) ReadAt(p []byte, off int64) (int, error) {
	k, err := e.Mapping.ReadAt(p, off)
	e.bytesRead.Add(int64(k))
	return k, err
}

// CopyFrom streams n bytes from r into the view at off (see Mapping.CopyFrom) and counts them.
func (e *Entry) CopyFrom(r io.Reader, off, n int64) (int64, error) {
	k, err := e.Mapping.CopyFrom(r, off, n)
	e.wrote(k)
	return k, err
}

// WriteAt writes like Mapping.WriteAt and counts the bytes.
func (e *Entry) WriteAt(p []byte, off int64) (int, error) {
	k, err := e.Mapping.WriteAt(p, off)
	e.wrote(int64(k))
	return k, err
}

// Open opens a mapping as o says and holds it. A name the registry already holds is ErrExists, whatever the
// mode: one daemon holds one view of each object.
func (r *Registry) Open(o Options) (*Entry, error) {
	o.Root = r.root
	o.SDDL = cmp.Or(o.SDDL, r.DefaultSDDL)
	return r.mappings.add(o.Name, o.Mode.String(), r.MaxMappings, func() (*Entry, error) {
		m, err := Open(o)
		if err != nil {
			return nil, err
		}
		return &Entry{Mapping: m, OpenedAt: time.Now()}, nil
	})
}

// Get returns the entry for name (any spelling of the same object).
func (r *Registry) Get(name string) (*Entry, error) { return r.mappings.get(name) }

// List returns the held entries sorted by name.
func (r *Registry) List() []*Entry { return r.mappings.list() }

// Close forgets name at once (later lookups get ErrNotFound), lets transfers under way finish (up to
// CloseGrace), then unmaps and closes it; with unlink, it also removes the name (Linux; see Unlink).
func (r *Registry) Close(name string, unlink bool) error {
	if held, err := r.mappings.get(name); err == nil && unlink && held.File() == "" {
		if err := checkUnlink(held.Name()); err != nil {
			return err
		}
	}
	e, err := r.mappings.remove(name)
	if err != nil {
		return err
	}
	defer r.mappings.release(e.Name()) // the name stays taken until the unlink is done
	e.drain(r.CloseGrace)
	return closeAndUnlink(e.Name(), e.Close, unlink && e.File() == "")
}

// Closed counts what CloseAll closed.
type Closed struct{ Mappings, Events, Mutexes int }

// CloseAll closes every held object (without unlinking): waits end with ErrClosed, held mutexes are released.
func (r *Registry) CloseAll() Closed {
	var c Closed
	for _, e := range r.mutexes.removeAll() {
		e.close()
		r.mutexes.release(e.Name())
		c.Mutexes++
	}
	for _, e := range r.events.removeAll() {
		e.Close()
		r.events.release(e.Name())
		c.Events++
	}
	for _, e := range r.mappings.removeAll() {
		e.Close()
		r.mappings.release(e.Name())
		c.Mappings++
	}
	return c
}
