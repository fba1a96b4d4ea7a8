package registry

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// A frame is one consistent copy of a mapping's first N bytes: what a producer published whole, never half of
// one write and half of the next. How to get one depends on how the producer publishes (FrameOptions).

// Counter is an integer field of the mapping that a protocol reads atomically: 4 or 8 bytes at an offset
// aligned to its size.
type Counter struct {
	Off       int64
	Size      int
	BigEndian bool
}

// FrameOptions say how to copy a frame: at most one of Seqlock, Begin/End, Ticks, Lock, Spinlock (none: a
// plain copy).
type FrameOptions struct {
	N int64
	// Seqlock is one counter, odd while the producer writes (Linux seqcount): read it, copy, read it again.
	Seqlock *Counter
	// Begin and End are two counters that differ while the producer writes (rFactor 2's
	// mVersionUpdateBegin/End).
	Begin, End *Counter
	// Ticks are the tick counters of a ring's buffers (iRacing's varBuf[].tickCount): the copy is good for the
	// newest buffer if its tick did not move while copying.
	Ticks []Counter
	// Lock is a named mutex held around the copy (HWiNFO's).
	Lock        *Mutex
	LockTimeout time.Duration
	Waiting     Waiting
	// Spinlock is a lock word in another mapping, tried around the copy (Le Mans Ultimate's).
	Spinlock *Spinlock
	// Deadline and Retries bound the attempts of a seqlock, a ring or a spinlock; past either, ErrInconsistent.
	Deadline time.Duration
	Retries  int
	// Into, if its capacity is at least N, is the buffer the copy is made in (a sampler reuses its own).
	Into []byte
}

// Frame is a consistent copy and how it was read.
type Frame struct {
	Bytes []byte
	// Retries is how many copies were thrown away as torn (a spinlock: how many tries found it taken).
	Retries int
	// Version is the counter (a seqlock's, or the newest tick) the copy is consistent at.
	Version uint64
	// Buffer is the ring buffer the copy is good for (its index), -1 without a ring.
	Buffer int
	// Abandoned: Lock's last owner ended while holding it.
	Abandoned bool
}

// ErrInconsistent: no consistent copy within the deadline and retries (the producer writes without pause,
// or is stuck mid-write).
var ErrInconsistent = errors.New("registry: no consistent frame")

// ReadFrame copies the mapping's first o.N bytes consistently, by o's protocol, into a private buffer.
func (m *Mapping) ReadFrame(ctx context.Context, o FrameOptions) (Frame, error) {
	if err := m.Pin(); err != nil {
		return Frame{}, err
	}
	defer m.Unpin()
	f := Frame{Buffer: -1}
	if int64(cap(o.Into)) >= o.N {
		f.Bytes = o.Into[:o.N]
	} else {
		f.Bytes = make([]byte, o.N)
	}
	copyAll := func() error { _, err := m.ReadAt(f.Bytes, 0); return err }
	switch {
	case o.Lock != nil:
		abandoned, err := o.Lock.under(ctx, o.LockTimeout, o.Waiting, copyAll)
		f.Abandoned = abandoned
		return f, err
	case o.Spinlock != nil:
		tries, err := o.Spinlock.under(o.Deadline, o.Retries, copyAll)
		if err != nil {
			return Frame{}, err
		}
		f.Retries = tries - 1
		return f, nil
	case o.Seqlock == nil && o.Begin == nil && len(o.Ticks) == 0:
		return f, copyAll()
	}
	start := time.Now()
	deadline := start.Add(o.Deadline)
	for try := 0; ; try++ {
		ok, version, buffer, err := m.attempt(o, copyAll)
		if err != nil {
			return Frame{}, err
		}
		if ok {
			f.Retries, f.Version, f.Buffer = try, version, buffer
			return f, nil
		}
		if try >= o.Retries || (time.Now().After(deadline) && try+1 >= minCopies) {
			return Frame{}, fmt.Errorf("%w: %d copies in %v were all torn (the producer kept writing)", ErrInconsistent, try+1, time.Since(start).Round(time.Millisecond))
		}
		if try%8 == 7 {
			runtime.Gosched() // let a producer on this core finish its write
		}
	}
}

// minCopies is how many copies a consistent read makes before its deadline may end it: on a starved machine
// (the race detector, three busy loops beside it) one copy of a large page took longer than the deadline, and a
// read that gave up after that one copy could never answer.
const minCopies = 4

// attempt is one copy between two reads of the protocol's counters: ok when nothing moved.
func (m *Mapping) attempt(o FrameOptions, copyAll func() error) (ok bool, version uint64, buffer int, err error) {
	switch {
	case o.Seqlock != nil:
		c1, err := m.load(*o.Seqlock)
		if err != nil || c1&1 == 1 {
			return false, 0, -1, err
		}
		if err := copyAll(); err != nil {
			return false, 0, -1, err
		}
		c2, err := m.load(*o.Seqlock)
		return err == nil && c1 == c2, c1, -1, err
	case o.Begin != nil:
		b1, err := m.load(*o.Begin)
		if err != nil {
			return false, 0, -1, err
		}
		e1, err := m.load(*o.End)
		if err != nil || b1 != e1 {
			return false, 0, -1, err
		}
		if err := copyAll(); err != nil {
			return false, 0, -1, err
		}
		b2, err := m.load(*o.Begin)
		return err == nil && b1 == b2, b1, -1, err
	default: // a ring: the newest buffer's tick must not move while it is copied
		newest, tick := -1, uint64(0)
		for i, c := range o.Ticks {
			t, err := m.load(c)
			if err != nil {
				return false, 0, -1, err
			}
			if newest < 0 || int64(t) > int64(tick) {
				newest, tick = i, t
			}
		}
		if err := copyAll(); err != nil {
			return false, 0, -1, err
		}
		t2, err := m.load(o.Ticks[newest])
		return err == nil && t2 == tick, tick, newest, err
	}
}

func (m *Mapping) load(c Counter) (uint64, error) {
	raw, err := m.m.LoadCounter(c.Off, c.Size)
	if err != nil {
		return 0, err
	}
	return c.decode(raw[:c.Size]), nil
}

// Value is the counter's value in b, a copy of the mapping's bytes from offset 0 (1 to 8 bytes: a layout's
// frame field may be any unsigned integer).
func (c Counter) Value(b []byte) uint64 { return c.decode(b[c.Off : c.Off+int64(c.Size)]) }

// decode reads the counter's bytes.
func (c Counter) decode(b []byte) uint64 {
	var v uint64
	for i := range b {
		if c.BigEndian {
			v = v<<8 | uint64(b[i])
		} else {
			v |= uint64(b[i]) << (8 * i)
		}
	}
	return v
}

// WriteFrameOptions say how to write bytes into a frame: under the producer's protocol, as a producer would.
type WriteFrameOptions struct {
	// Edits are the bytes to write, each at its offset: written as one copy each, in order.
	Edits []Edit
	// Seqlock is bumped to odd before the write and to even after it; Begin is incremented before and End
	// after, to Begin's value.
	Seqlock, Begin, End *Counter
	Lock                *Mutex
	LockTimeout         time.Duration
	Waiting             Waiting
	// Spinlock is taken around the write as around a read's copy: Deadline and Retries bound the tries (past
	// either, ErrInconsistent).
	Spinlock *Spinlock
	Deadline time.Duration
	Retries  int
}

// Edit is bytes to write at an offset (a run of changed bytes is a spans.Span: an offset and a length).
type Edit struct {
	Off   int64
	Bytes []byte
}

// WriteFrame writes the edits by o's protocol.
func (m *Mapping) WriteFrame(ctx context.Context, o WriteFrameOptions) (abandoned bool, err error) {
	if err := m.Pin(); err != nil {
		return false, err
	}
	defer m.Unpin()
	for _, s := range o.Edits {
		if err := m.CheckWrite(s.Off, int64(len(s.Bytes))); err != nil {
			return false, err
		}
	}
	write := func() error {
		for _, s := range o.Edits {
			if _, err := m.WriteAt(s.Bytes, s.Off); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case o.Lock != nil:
		return o.Lock.under(ctx, o.LockTimeout, o.Waiting, write)
	case o.Spinlock != nil:
		_, err := o.Spinlock.under(o.Deadline, o.Retries, write)
		return false, err
	case o.Seqlock != nil:
		c, err := m.load(*o.Seqlock)
		if err != nil {
			return false, err
		}
		if err := m.store(*o.Seqlock, c|1); err != nil { // odd: a write is in progress
			return false, err
		}
		werr := write()
		if err := m.store(*o.Seqlock, (c|1)+1); err != nil {
			return false, err
		}
		return false, werr
	case o.Begin != nil:
		b, err := m.load(*o.Begin)
		if err != nil {
			return false, err
		}
		if err := m.store(*o.Begin, b+1); err != nil {
			return false, err
		}
		werr := write()
		if err := m.store(*o.End, b+1); err != nil {
			return false, err
		}
		return false, werr
	}
	return false, write()
}

func (m *Mapping) store(c Counter, v uint64) error {
	var raw [8]byte
	switch {
	case c.Size == 4 && c.BigEndian:
		binary.BigEndian.PutUint32(raw[:], uint32(v))
	case c.Size == 4:
		binary.LittleEndian.PutUint32(raw[:], uint32(v))
	case c.BigEndian:
		binary.BigEndian.PutUint64(raw[:], v)
	default:
		binary.LittleEndian.PutUint64(raw[:], v)
	}
	if err := m.m.StoreCounter(c.Off, c.Size, raw); err != nil {
		return err
	}
	m.wrote(int64(c.Size))
	return nil
}
