package shm

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds the mappings a daemon opened, by name, until they are closed. It is safe for concurrent use.
type Registry struct {
	root *os.Root // files root for file-backed mappings; nil disables them
	// CloseGrace is how long Close lets transfers under way (Entry.Hold) finish before it unmaps anyway,
	// cutting them short with ErrClosed.
	CloseGrace time.Duration
	// MaxMappings caps how many mappings it holds at once (0: no cap); one more is ErrLimit.
	MaxMappings int

	mu      sync.Mutex
	entries map[string]*Entry // by Key
}

// NewRegistry returns an empty registry. root confines file-backed mappings; nil disables them.
func NewRegistry(root *os.Root) *Registry {
	return &Registry{root: root, CloseGrace: 5 * time.Second, entries: make(map[string]*Entry)}
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
	k, err := Key(o.Name)
	if err != nil {
		return nil, err
	}
	o.Root = r.root
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.entries[k]; ok {
		return nil, newErr(o.Mode.String(), o.Name, ErrExists, "already open in this daemon")
	}
	if r.MaxMappings > 0 && len(r.entries) >= r.MaxMappings {
		return nil, newErr(o.Mode.String(), o.Name, ErrLimit,
			fmt.Sprintf("the daemon holds %d mappings, its limit (-max-mappings): close some first", len(r.entries)))
	}
	m, err := Open(o)
	if err != nil {
		return nil, err
	}
	e := &Entry{Mapping: m, OpenedAt: time.Now()}
	r.entries[k] = e
	return e, nil
}

// Get returns the entry for name (any spelling of the same object).
func (r *Registry) Get(name string) (*Entry, error) {
	k, err := Key(name)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[k]
	if !ok {
		return nil, newErr("get", name, ErrNotFound, "not open in this daemon")
	}
	return e, nil
}

// List returns the held entries sorted by name.
func (r *Registry) List() []*Entry {
	r.mu.Lock()
	list := make([]*Entry, 0, len(r.entries))
	for _, e := range r.entries {
		list = append(list, e)
	}
	r.mu.Unlock()
	slices.SortFunc(list, func(a, b *Entry) int { return strings.Compare(a.Name(), b.Name()) })
	return list
}

// Close forgets name at once (later lookups get ErrNotFound), lets transfers under way finish (up to
// CloseGrace), then unmaps and closes it; with unlink, it also removes the name (Linux; see Unlink).
func (r *Registry) Close(name string, unlink bool) error {
	k, err := Key(name)
	if err != nil {
		return err
	}
	r.mu.Lock()
	e, ok := r.entries[k]
	delete(r.entries, k)
	r.mu.Unlock()
	if !ok {
		return newErr("close", name, ErrNotFound, "not open in this daemon")
	}
	e.drain(r.CloseGrace)
	err = e.Close()
	if unlink && err == nil && e.File() == "" {
		if uerr := Unlink(e.Name()); uerr != nil && !errors.Is(uerr, ErrNotFound) {
			err = uerr
		}
	}
	return err
}

// CloseAll closes every held mapping (without unlinking) and returns how many it closed.
func (r *Registry) CloseAll() int {
	r.mu.Lock()
	entries := r.entries
	r.entries = make(map[string]*Entry)
	r.mu.Unlock()
	for _, e := range entries {
		e.Close()
	}
	return len(entries)
}
