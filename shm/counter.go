package shm

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

// LoadCounter reads the 4- or 8-byte integer at off with one atomic load, as a seqlock's reader must: a
// counter copied byte by byte could be half old and half new. off must be aligned to size. The value is the
// bytes in memory order, as the machine reads them (the caller decodes them by the layout's endianness).
func (m *Mapping) LoadCounter(off int64, size int) (raw [8]byte, err error) {
	err = m.counterAt("read", off, size, func(p unsafe.Pointer) {
		switch size {
		case 4:
			*(*uint32)(unsafe.Pointer(&raw[0])) = atomic.LoadUint32((*uint32)(p))
		case 8:
			*(*uint64)(unsafe.Pointer(&raw[0])) = atomic.LoadUint64((*uint64)(p))
		}
	})
	return raw, err
}

// StoreCounter writes the 4- or 8-byte integer at off with one atomic store (raw: its bytes in memory order).
func (m *Mapping) StoreCounter(off int64, size int, raw [8]byte) error {
	if m.access == ReadOnly {
		return newErr("write", m.name, ErrReadOnly, "")
	}
	return m.counterAt("write", off, size, func(p unsafe.Pointer) {
		switch size {
		case 4:
			atomic.StoreUint32((*uint32)(p), *(*uint32)(unsafe.Pointer(&raw[0])))
		case 8:
			atomic.StoreUint64((*uint64)(p), *(*uint64)(unsafe.Pointer(&raw[0])))
		}
	})
}

func (m *Mapping) counterAt(op string, off int64, size int, f func(unsafe.Pointer)) error {
	if size != 4 && size != 8 || off%int64(size) != 0 {
		return newErr(op, m.name, ErrInvalid, fmt.Sprintf("a counter is 4 or 8 bytes at an offset aligned to its size, not %d at %d", size, off))
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return newErr(op, m.name, ErrClosed, "")
	}
	if err := m.boundsLocked(op, off, int64(size), true); err != nil {
		return err
	}
	if err := guard(func() { f(unsafe.Pointer(&m.view[off])) }); err != nil {
		return &Error{Op: op, Name: m.name, Err: ErrFault, Detail: err.Error()}
	}
	return nil
}

// CompareAndSwap32 is one atomic compare-and-swap of the 32-bit word at off, as Windows'
// InterlockedCompareExchange: if the word is old it becomes new, and swapped says so. old and new are in the
// machine's byte order (the word another program's interlocked operations read). off must be aligned to 4.
// It is how a reader takes a spinlock another program shares with it (see Store32 for the release).
func (m *Mapping) CompareAndSwap32(off int64, old, new uint32) (swapped bool, err error) {
	if m.access == ReadOnly {
		return false, newErr("write", m.name, ErrReadOnly, "")
	}
	err = m.counterAt("write", off, 4, func(p unsafe.Pointer) { swapped = atomic.CompareAndSwapUint32((*uint32)(p), old, new) })
	return swapped, err
}

// Load32 and Store32 are an atomic load and store of the 32-bit word at off, in the machine's byte order
// (InterlockedExchange's store; a plain aligned load). off must be aligned to 4.
func (m *Mapping) Load32(off int64) (v uint32, err error) {
	err = m.counterAt("read", off, 4, func(p unsafe.Pointer) { v = atomic.LoadUint32((*uint32)(p)) })
	return v, err
}

func (m *Mapping) Store32(off int64, v uint32) error {
	if m.access == ReadOnly {
		return newErr("write", m.name, ErrReadOnly, "")
	}
	return m.counterAt("write", off, 4, func(p unsafe.Pointer) { atomic.StoreUint32((*uint32)(p), v) })
}
