package shm

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
)

// Options configures Open.
type Options struct {
	// Name is "Local\X", "Global\X" or "X". On Linux all three name /dev/shm/X.
	Name string
	// Size in bytes. Required to create; when opening, 0 means "whatever the OS reports" and a non-zero size
	// must not exceed the existing object (ErrTooSmall).
	Size   int64
	Mode   Mode
	Access Access
	// File, if set, backs the mapping with that file (a path relative to Root) instead of the pagefile or
	// /dev/shm. Mode then applies to the file: Create makes a new file, OpenExisting needs one to exist.
	File string
	// Root confines File. File-backed mappings are refused when Root is nil.
	Root *os.Root
	// SDDL is the security descriptor of an object Open creates (Windows only): by default this user and
	// SYSTEM get full access and nobody else any ("D:P(A;;GA;;;<user SID>)(A;;GA;;;SY)").
	SDDL string
}

// Mapping is an open, mapped view of a named shared memory object.
type Mapping struct {
	name      string
	requested int64 // size the caller asked for, 0 when unknown
	created   bool
	access    Access
	file      string

	mapped int64 // size of the view the OS mapped

	mu     sync.RWMutex // read side: copies; write side: Close
	view   []byte       // nil once closed
	closed bool
	os     osMapping // per-OS handles
}

// Open creates or opens the named object according to o.Mode and maps a view of it.
func Open(o Options) (*Mapping, error) {
	op := o.Mode.op()
	base, err := splitName(op, o.Name)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Mode < Create || o.Mode > OpenOrCreate:
		return nil, newErr(op, o.Name, ErrInvalid, "unknown mode")
	case o.Access != ReadWrite && o.Access != ReadOnly:
		return nil, newErr(op, o.Name, ErrInvalid, "unknown access")
	case o.Size < 0:
		return nil, newErr(op, o.Name, ErrInvalid, "negative size")
	case o.Size == 0 && o.Mode != OpenExisting && o.File == "":
		return nil, newErr(op, o.Name, ErrInvalid, "size is required to create a mapping")
	case o.Size > maxSize:
		return nil, newErr(op, o.Name, ErrInvalid, fmt.Sprintf("size exceeds %d bytes", int64(maxSize)))
	case o.File != "" && o.Root == nil:
		return nil, newErr(op, o.Name, ErrAccessDenied, "file-backed mappings are disabled (no files root configured)")
	case o.File != "" && !filepath.IsLocal(o.File):
		return nil, escapeError(op, o.Name, o.File)
	}
	m := &Mapping{name: o.Name, requested: o.Size, access: o.Access, file: o.File}
	if err := m.open(o, base); err != nil {
		return nil, err
	}
	return m, nil
}

// openWithMode opens an object through open as mode asks: Create makes it (O_EXCL, and writable whatever the
// access, since a new object must be sized), OpenExisting opens it with access, OpenOrCreate tries the first and
// falls back to the second if the object exists.
func openWithMode(mode Mode, access Access, open func(flag int) (*os.File, error)) (f *os.File, created bool, err error) {
	existing := os.O_RDWR
	if access == ReadOnly {
		existing = os.O_RDONLY
	}
	if mode == OpenExisting {
		f, err = open(existing)
		return f, false, err
	}
	f, err = open(os.O_RDWR | os.O_CREATE | os.O_EXCL)
	if err == nil {
		return f, true, nil
	}
	if mode == OpenOrCreate && errors.Is(err, fs.ErrExist) {
		f, err = open(existing)
	}
	return f, false, err
}

// Name returns the name the mapping was opened with.
func (m *Mapping) Name() string { return m.name }

// RequestedSize is the size the caller asked for, or 0 when it opened an existing object without one.
func (m *Mapping) RequestedSize() int64 { return m.requested }

// MappedSize is the size of the view the OS mapped: on Windows the region size VirtualQuery reports (a page
// multiple), on Linux the object's size.
func (m *Mapping) MappedSize() int64 { return m.mapped }

// Size is the usable size: the requested size when known, else the mapped size.
func (m *Mapping) Size() int64 {
	if m.requested > 0 {
		return m.requested
	}
	return m.MappedSize()
}

// Created reports whether Open created the object (false: it opened one another program made).
func (m *Mapping) Created() bool { return m.created }

// Access is the access the view was mapped with.
func (m *Mapping) Access() Access { return m.access }

// File is the backing file relative to the files root, or "" for pagefile / /dev/shm backing.
func (m *Mapping) File() string { return m.file }

// ReadAt copies len(p) bytes at off into p. It reads all of p or returns an error; it never reads past Size
// (ErrOutOfRange, with nothing copied).
func (m *Mapping) ReadAt(p []byte, off int64) (int, error) {
	var rerr error
	n, err := m.copyAt("read", p, off, func(view []byte) { rerr = m.os.read(p, view, off) })
	switch {
	case err != nil:
		return n, err
	case errors.Is(rerr, errShrunk):
		return 0, &Error{Op: "read", Name: m.name, Err: ErrOutOfRange, Detail: rerr.Error()}
	case rerr != nil:
		return 0, &Error{Op: "read", Name: m.name, Err: ErrFault, Detail: rerr.Error()}
	}
	return n, nil
}

// errShrunk is the per-OS read's error when another process truncated the object below what it was reading.
var errShrunk = errors.New("another process truncated the object")

// WriteAt copies p into the view at off. It writes all of p or nothing (ErrOutOfRange, ErrReadOnly).
func (m *Mapping) WriteAt(p []byte, off int64) (int, error) {
	if m.access == ReadOnly {
		return 0, newErr("write", m.name, ErrReadOnly, "")
	}
	return m.copyAt("write", p, off, func(view []byte) { copy(view, p) })
}

// Unlinked reports that the mapping's name is gone while the daemon holds it (Linux: another program, such as
// Python's resource tracker, shm_unlink-ed it; the memory lives on, but no other program can open it by name).
// Always false on Windows, where a named object lives as long as a handle.
func (m *Mapping) Unlinked() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return !m.closed && m.os.unlinked()
}

// CheckSize reports ErrOutOfRange unless [off, off+n) lies within the size the mapping was opened with. It
// makes no system call: enough before a read, which finds out itself if the object shrank since (ErrOutOfRange).
func (m *Mapping) CheckSize(op string, off, n int64) error { return m.check(op, off, n, false) }

// CheckRange reports ErrOutOfRange unless [off, off+n) lies within the mapping's current size.
func (m *Mapping) CheckRange(op string, off, n int64) error { return m.check(op, off, n, true) }

func (m *Mapping) check(op string, off, n int64, live bool) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return newErr(op, m.name, ErrClosed, "")
	}
	return m.boundsLocked(op, off, n, live)
}

// boundsLocked checks [off, off+n) against the size without integer overflow; live, against the object's size
// now (fstat on Linux: another process may have shrunk it). A copy into the view needs live (touching a page
// past the end would raise SIGBUS); a read does not: the per-OS read finds out itself (Linux's pread stops at
// the end; a Windows section never shrinks).
func (m *Mapping) boundsLocked(op string, off, n int64, live bool) error {
	size := m.Size()
	if live {
		if cur, ok := m.os.currentSize(); ok && cur < size {
			size = cur // another process shrank the object
		}
	}
	if off < 0 || n < 0 || off > size || n > size-off {
		return newErr(op, m.name, ErrOutOfRange, fmt.Sprintf("offset %d + length %d exceeds size %d", off, n, size))
	}
	return nil
}

func (m *Mapping) copyAt(op string, p []byte, off int64, f func(view []byte)) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0, newErr(op, m.name, ErrClosed, "")
	}
	n := int64(len(p))
	if err := m.boundsLocked(op, off, n, op != "read"); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	if err := guard(func() { f(m.view[off : off+n]) }); err != nil {
		return 0, &Error{Op: op, Name: m.name, Err: ErrFault, Detail: err.Error()}
	}
	return int(n), nil
}

// guard runs f with faults turned into errors. SetPanicOnFault is per goroutine, so it is set here, in the
// goroutine doing the copy, and restored afterwards.
func guard(f func()) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if fe, ok := r.(interface{ Addr() uintptr }); ok {
				err = fmt.Errorf("fault at address %#x", fe.Addr())
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// Flush writes a file-backed view's dirty pages to its file (FlushViewOfFile / msync).
func (m *Mapping) Flush() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return newErr("flush", m.name, ErrClosed, "")
	}
	return m.os.flush(m.name, m.view)
}

// Close unmaps the view and closes the handle, after in-flight copies finish. Further calls return ErrClosed.
func (m *Mapping) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return newErr("close", m.name, ErrClosed, "")
	}
	m.closed = true
	view := m.view
	m.view = nil
	return m.os.close(m.name, view)
}

// copyChunk is the bounce buffer size for streaming copies: small enough to stay in cache, large enough that
// the per-chunk lock and bounds check cost nothing measurable.
const copyChunk = 256 << 10

var chunkPool = sync.Pool{New: func() any { b := make([]byte, copyChunk); return &b }}

// eachChunk calls f on consecutive bounce-buffer chunks covering [off, off+n) and sums what f reports done.
func eachChunk(off, n int64, f func(buf []byte, at int64) (int, error)) (int64, error) {
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	var done int64
	for done < n {
		k, err := f((*bp)[:min(int64(len(*bp)), n-done)], off+done)
		done += int64(k)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// CopyTo writes n bytes of the view starting at off to w, a chunk at a time: memory use is one chunk, whatever
// n is, and the mapping lock is never held while w blocks.
func (m *Mapping) CopyTo(w io.Writer, off, n int64) (int64, error) {
	if n > copyChunk { // a single chunk's read checks its own range
		if err := m.CheckRange("read", off, n); err != nil {
			return 0, err
		}
	}
	return eachChunk(off, n, func(buf []byte, at int64) (int, error) {
		if _, err := m.ReadAt(buf, at); err != nil {
			return 0, err
		}
		return w.Write(buf)
	})
}

// CopyFrom copies exactly n bytes from r into the view at off, a chunk at a time. The range is checked before
// anything is read; if r ends early, the bytes before that point have been written (io.ErrUnexpectedEOF).
func (m *Mapping) CopyFrom(r io.Reader, off, n int64) (int64, error) {
	if m.access == ReadOnly {
		return 0, newErr("write", m.name, ErrReadOnly, "")
	}
	if err := m.CheckRange("write", off, n); err != nil {
		return 0, err
	}
	return eachChunk(off, n, func(buf []byte, at int64) (int, error) {
		k, rerr := io.ReadFull(r, buf)
		if k > 0 {
			if _, err := m.WriteAt(buf[:k], at); err != nil {
				return 0, err
			}
		}
		if rerr == io.EOF {
			rerr = io.ErrUnexpectedEOF
		}
		return k, rerr
	})
}
