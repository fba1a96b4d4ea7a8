package registry

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// Mapping is a mapping the registry holds: its view (package shm's, which only the registry closes), its
// transfer counters, and the transfers under way (Pin).
type Mapping struct {
	m        *shm.Mapping
	OpenedAt time.Time

	bytesRead    atomic.Int64
	bytesWritten atomic.Int64
	lastWrite    atomic.Int64 // Unix nanoseconds; 0 = never
	lastChange   atomic.Int64 // Unix nanoseconds; 0 = never seen
	watchers     atomic.Int32 // watch streams' samplers sampling it now

	layout atomic.Pointer[string] // the default layout's id (nil: none)

	done   chan struct{} // closed when the close begins
	totals *totals       // the registry's

	pinMu   sync.Mutex
	pins    int           // transfers under way
	closing bool          // CloseMapping has begun: no new pins
	idle    chan struct{} // closed when pins drops to 0 while closing

	spinTurn sync.Mutex // held by the daemon's one reader that may hold a spinlock in this mapping (Spinlock)
}

// Layout is the id of the mapping's default layout ("" for none): what GET …/fields decodes it by when the
// request names none.
func (m *Mapping) Layout() string {
	if p := m.layout.Load(); p != nil {
		return *p
	}
	return ""
}

// SetLayout sets the default layout ("" clears it).
func (m *Mapping) SetLayout(id string) { m.layout.Store(&id) }

// Name is the name the mapping was opened with.
func (m *Mapping) Name() string { return m.m.Name() }

// Size is the mapping's size now (see shm.Mapping.Size); MappedSize what the OS mapped; RequestedSize what
// the create or open asked for (0 if nothing).
func (m *Mapping) Size() int64          { return m.m.Size() }
func (m *Mapping) MappedSize() int64    { return m.m.MappedSize() }
func (m *Mapping) RequestedSize() int64 { return m.m.RequestedSize() }

// Created reports whether the daemon created the object (false: another program had).
func (m *Mapping) Created() bool { return m.m.Created() }

// Access is how the view is mapped.
func (m *Mapping) Access() Access { return m.m.Access() }

// File is the backing file of a file-backed mapping ("" for one in the pagefile or /dev/shm).
func (m *Mapping) File() string { return m.m.File() }

// Unlinked (Linux) reports that another program removed the mapping's name.
func (m *Mapping) Unlinked() bool { return m.m.Unlinked() }

// CheckSize checks [off, off+n) against the size the mapping had; CheckRange against its size now (see
// package shm).
func (m *Mapping) CheckSize(op string, off, n int64) error  { return m.m.CheckSize(op, off, n) }
func (m *Mapping) CheckRange(op string, off, n int64) error { return m.m.CheckRange(op, off, n) }

// CheckWrite checks that n bytes can be written at off: a view mapped for writing, a range within it
// (ErrReadOnly, ErrOutOfRange).
func (m *Mapping) CheckWrite(off, n int64) error {
	if m.Access() == ReadOnly {
		return &Error{Op: "write", Name: m.Name(), Err: ErrReadOnly, Detail: "opened with access read"}
	}
	return m.CheckRange("write", off, n)
}

// Flush writes a file-backed view's dirty pages to its file.
func (m *Mapping) Flush() error { return m.m.Flush() }

// compatible says whether this held mapping can serve an open asking for o: the access it asks for (write
// access to one held read-only cannot be had), at least its size, and its file.
func (m *Mapping) compatible(o Options) error {
	fail := func(why string) error { return &Error{Op: "open", Name: o.Name, Err: ErrIncompatible, Detail: why} }
	switch {
	case o.Access == ReadWrite && m.Access() == ReadOnly:
		return fail("this daemon holds it with access read: close it, then open it read_write")
	case o.Size > m.Size():
		return &Error{Op: "open", Name: o.Name, Err: ErrTooSmall, Detail: fmt.Sprintf("this daemon holds it at %d bytes, smaller than the requested %d", m.Size(), o.Size)}
	case o.File != m.File():
		return fail(fmt.Sprintf("this daemon holds it backed by %q, not %q", m.File(), o.File))
	}
	return nil
}

// Pin marks a transfer under way: CloseMapping lets it finish (up to CloseGrace) before unmapping. It fails
// with ErrClosed once the close has begun. Call Unpin once when a pinned transfer ends (a defer; no closure to
// allocate on every poll).
func (m *Mapping) Pin() error {
	m.pinMu.Lock()
	defer m.pinMu.Unlock()
	if m.closing {
		return &Error{Op: "transfer", Name: m.Name(), Err: ErrClosed}
	}
	m.pins++
	return nil
}

// Unpin ends a transfer Pin began.
func (m *Mapping) Unpin() {
	m.pinMu.Lock()
	defer m.pinMu.Unlock()
	m.pins--
	if m.pins == 0 && m.idle != nil {
		close(m.idle)
		m.idle = nil
	}
}

// Done is closed when the mapping's close begins: watch streams of it end.
func (m *Mapping) Done() <-chan struct{} { return m.done }

// Closing reports whether the mapping's close has begun (Done is closed).
func (m *Mapping) Closing() bool {
	select {
	case <-m.done:
		return true
	default:
		return false
	}
}

// drain refuses new pins, tells watch streams (Done), and waits up to grace for the current pins to end.
func (m *Mapping) drain(grace time.Duration) {
	m.pinMu.Lock()
	if !m.closing {
		close(m.done)
	}
	m.closing = true
	if m.pins == 0 {
		m.pinMu.Unlock()
		return
	}
	idle := make(chan struct{})
	m.idle = idle
	m.pinMu.Unlock()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	}
}

// BytesRead and BytesWritten count the bytes copied through the registry.
func (m *Mapping) BytesRead() int64    { return m.bytesRead.Load() }
func (m *Mapping) BytesWritten() int64 { return m.bytesWritten.Load() }

// LastWrite is when bytes were last written through the registry; zero if never.
func (m *Mapping) LastWrite() time.Time { return unixNano(m.lastWrite.Load()) }

func unixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func (m *Mapping) read(n int64) {
	m.bytesRead.Add(n)
	if m.totals != nil {
		m.totals.read.Add(n)
	}
}

func (m *Mapping) wrote(n int64) {
	if n > 0 {
		now := time.Now().UnixNano()
		m.bytesWritten.Add(n)
		if m.totals != nil {
			m.totals.written.Add(n)
		}
		m.lastWrite.Store(now)
		m.lastChange.Store(now)
	}
}

// Changed records that the daemon saw the mapping's bytes change at t (a watch stream's sampler did).
func (m *Mapping) Changed(t time.Time) { m.lastChange.Store(t.UnixNano()) }

// Watch counts a sampler that watches the mapping (a watch stream's: it sees any program's writes) until the
// function it answers is called.
func (m *Mapping) Watch() (unwatch func()) {
	m.watchers.Add(1)
	return sync.OnceFunc(func() { m.watchers.Add(-1) })
}

// Watched reports whether a sampler watches the mapping now: only then does LastChange tell of other programs'
// writes.
func (m *Mapping) Watched() bool { return m.watchers.Load() > 0 }

// LastChange is when the daemon last saw the bytes change: written through the registry, or seen changed by a
// watch stream's sampler (which sees any program's writes, in the range it watches, while it runs). Zero if
// never.
func (m *Mapping) LastChange() time.Time { return unixNano(m.lastChange.Load()) }

// CopyTo streams n bytes at off to w (see shm.Mapping.CopyTo) and counts them.
func (m *Mapping) CopyTo(w io.Writer, off, n int64) (int64, error) {
	k, err := m.m.CopyTo(w, off, n)
	m.read(k)
	return k, err
}

// ReadAt reads like shm.Mapping.ReadAt and counts the bytes.
func (m *Mapping) ReadAt(p []byte, off int64) (int, error) {
	k, err := m.m.ReadAt(p, off)
	m.read(int64(k))
	return k, err
}

// CopyFrom streams n bytes from r into the view at off (see shm.Mapping.CopyFrom) and counts them.
func (m *Mapping) CopyFrom(r io.Reader, off, n int64) (int64, error) {
	k, err := m.m.CopyFrom(r, off, n)
	m.wrote(k)
	return k, err
}

// WriteAt writes like shm.Mapping.WriteAt and counts the bytes.
func (m *Mapping) WriteAt(p []byte, off int64) (int, error) {
	k, err := m.m.WriteAt(p, off)
	m.wrote(int64(k))
	return k, err
}

// Sample copies len(p) bytes at off into p as a pinned transfer: a watch stream's sample.
func (m *Mapping) Sample(p []byte, off int64) error {
	if err := m.Pin(); err != nil {
		return err
	}
	defer m.Unpin()
	_, err := m.ReadAt(p, off)
	return err
}

// SampleUnder is Sample with lock held around the copy (waiting up to timeout for it): a watch stream's
// sample under ?lock=. abandoned reports that the mutex's last owner ended holding it.
func (m *Mapping) SampleUnder(ctx context.Context, lock *Mutex, timeout time.Duration, p []byte, off int64) (abandoned bool, err error) {
	if err := m.Pin(); err != nil {
		return false, err
	}
	defer m.Unpin()
	return lock.under(ctx, timeout, nil, func() error { _, err := m.ReadAt(p, off); return err })
}
