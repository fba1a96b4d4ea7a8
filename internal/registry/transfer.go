package registry

import (
	"context"
	"io"
	"time"
)

// A transfer is one read or write of a mapping's bytes, done in one call, in order: the waits it asks for,
// the pin that lets a close wait for it, the copy.

// Source is where a read's bytes come from: the mapping itself, pinned, or a copy of them made while a mutex
// was held.
type Source interface {
	io.ReaderAt
	CopyTo(w io.Writer, off, n int64) (int64, error)
}

// ReadOptions say how to read N bytes at Off.
type ReadOptions struct {
	Off, N int64
	// WaitFor, if set, is waited for first, up to WaitTimeout: if it does not fire, nothing is read.
	WaitFor     *Event
	WaitTimeout time.Duration
	// Lock, if set, is held (waiting up to LockTimeout) while the bytes are copied into memory, from Buffer;
	// they are sent after its release, so a slow client never keeps a native program waiting.
	Lock        *Mutex
	LockTimeout time.Duration
	Buffer      func(n int64) (release func(), err error)
	// Waiting bounds each wait (nil: no bound).
	Waiting Waiting
}

// Read is a read under way: its Source, until Done.
type Read struct {
	Source
	// Fired is false when WaitFor's timeout passed first: there is nothing to read.
	Fired bool
	// Abandoned: Lock's last owner ended while holding it (what it guards may be half-written).
	Abandoned bool
	done      func()
}

// Done ends the read: the pin, and the copy's memory.
func (r *Read) Done() {
	if r.done != nil {
		r.done()
	}
}

// Read begins a read of the mapping as o says. Call Done on the answer when it is sent.
func (m *Mapping) Read(ctx context.Context, o ReadOptions) (*Read, error) {
	// The wait comes before the pin: a DELETE meanwhile need not wait for the event.
	if o.WaitFor != nil {
		fired, err := o.WaitFor.Wait(ctx, o.WaitTimeout, o.Waiting)
		if err != nil || !fired {
			return &Read{}, err
		}
	}
	if err := m.Pin(); err != nil {
		return nil, err
	}
	if o.Lock == nil {
		return &Read{Source: m, Fired: true, done: m.Unpin}, nil
	}
	release := func() {}
	if o.Buffer != nil {
		var err error
		if release, err = o.Buffer(o.N); err != nil {
			m.Unpin()
			return nil, err
		}
	}
	c := &lockedCopy{b: make([]byte, o.N), off: o.Off}
	abandoned, err := o.Lock.under(ctx, o.LockTimeout, o.Waiting, func() error { _, err := m.ReadAt(c.b, o.Off); return err })
	if err != nil {
		release()
		m.Unpin()
		return nil, err
	}
	return &Read{Source: c, Fired: true, Abandoned: abandoned, done: func() { release(); m.Unpin() }}, nil
}

// WriteOptions say how to write N bytes of Body at Off.
type WriteOptions struct {
	Off, N int64
	Body   io.Reader
	// Lock, if set, is held (waiting up to LockTimeout) while the bytes are copied: give a Body in memory
	// then, so that the mutex is held for the copy and not for the network.
	Lock        *Mutex
	LockTimeout time.Duration
	Waiting     Waiting
}

// Write writes the mapping as o says: the bytes written (all of them, or those before the body ended or the
// copy failed), and whether Lock's last owner had abandoned it.
func (m *Mapping) Write(ctx context.Context, o WriteOptions) (written int64, abandoned bool, err error) {
	if err := m.Pin(); err != nil {
		return 0, false, err
	}
	defer m.Unpin()
	copy := func() (err error) {
		written, err = m.CopyFrom(o.Body, o.Off, o.N)
		return err
	}
	if o.Lock == nil {
		return written, false, copy()
	}
	abandoned, err = o.Lock.under(ctx, o.LockTimeout, o.Waiting, copy)
	return written, abandoned, err
}

// under runs f while the mutex is held (waiting up to timeout, within waiting), and releases it whether f
// failed or not.
func (m *Mutex) under(ctx context.Context, timeout time.Duration, waiting Waiting, f func() error) (abandoned bool, err error) {
	unlock, abandoned, err := m.lock(ctx, timeout, waiting)
	if err != nil {
		return false, err
	}
	defer unlock()
	return abandoned, f()
}

// lockedCopy is a copy of the bytes [off, off+len(b)) of a mapping, made under a mutex.
type lockedCopy struct {
	b   []byte
	off int64
}

func (c *lockedCopy) ReadAt(p []byte, at int64) (int, error) { return copy(p, c.b[at-c.off:]), nil }

func (c *lockedCopy) CopyTo(w io.Writer, off, n int64) (int64, error) {
	k, err := w.Write(c.b[off-c.off:][:n])
	return int64(k), err
}
