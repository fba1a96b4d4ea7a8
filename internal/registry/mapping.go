package registry

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// Mapping is a mapping the registry holds, with its transfer counters and the transfers under way (Pin).
type Mapping struct {
	*shm.Mapping
	OpenedAt time.Time

	bytesRead    atomic.Int64
	bytesWritten atomic.Int64
	lastWrite    atomic.Int64 // Unix nanoseconds; 0 = never
	lastChange   atomic.Int64 // Unix nanoseconds; 0 = never seen

	done   chan struct{} // closed when the close begins
	totals *totals       // the registry's

	pinMu   sync.Mutex
	pins    int           // transfers under way
	closing bool          // CloseMapping has begun: no new pins
	idle    chan struct{} // closed when pins drops to 0 while closing
}

// Pin marks a transfer under way: CloseMapping lets it finish (up to CloseGrace) before unmapping. It fails
// with shm.ErrClosed once the close has begun. Call Unpin once when a pinned transfer ends (a defer; no closure
// to allocate on every poll).
func (m *Mapping) Pin() error {
	m.pinMu.Lock()
	defer m.pinMu.Unlock()
	if m.closing {
		return &shm.Error{Op: "transfer", Name: m.Name(), Err: shm.ErrClosed}
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

// Done is closed when the mapping's close begins: watchers of it end.
func (m *Mapping) Done() <-chan struct{} { return m.done }

// drain refuses new pins, tells watchers (Done), and waits up to grace for the current pins to end.
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
func (m *Mapping) LastWrite() time.Time {
	if ns := m.lastWrite.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
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

// Changed records that the daemon saw the mapping's bytes change at t (a watcher's sampler did).
func (m *Mapping) Changed(t time.Time) { m.lastChange.Store(t.UnixNano()) }

// LastChange is when the daemon last saw the bytes change: written through the registry, or seen changed by a
// watcher's sampler (which sees any program's writes, in the range it watches, while it runs). Zero if never.
func (m *Mapping) LastChange() time.Time {
	if ns := m.lastChange.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// CopyTo streams n bytes at off to w (see shm.Mapping.CopyTo) and counts them.
func (m *Mapping) CopyTo(w io.Writer, off, n int64) (int64, error) {
	k, err := m.Mapping.CopyTo(w, off, n)
	m.read(k)
	return k, err
}

// ReadAt reads like shm.Mapping.ReadAt and counts the bytes.
func (m *Mapping) ReadAt(p []byte, off int64) (int, error) {
	k, err := m.Mapping.ReadAt(p, off)
	m.read(int64(k))
	return k, err
}

// CopyFrom streams n bytes from r into the view at off (see shm.Mapping.CopyFrom) and counts them.
func (m *Mapping) CopyFrom(r io.Reader, off, n int64) (int64, error) {
	k, err := m.Mapping.CopyFrom(r, off, n)
	m.wrote(k)
	return k, err
}

// WriteAt writes like shm.Mapping.WriteAt and counts the bytes.
func (m *Mapping) WriteAt(p []byte, off int64) (int, error) {
	k, err := m.Mapping.WriteAt(p, off)
	m.wrote(int64(k))
	return k, err
}
