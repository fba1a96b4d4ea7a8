//go:build linux

package shm

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Named events and mutexes on Linux are small /dev/shm objects with a fixed layout, documented for other
// programs in include/shmbridge_sync.h (keep the two in step). All words are native-endian uint32, used with
// atomic operations; waiters sleep with futex(2) on the shared mapping (no FUTEX_PRIVATE_FLAG).
const (
	syncObjectSize = 32
	eventMagic     = 0x31564553 // "SEV1"
	mutexMagic     = 0x31584d53 // "SMX1"

	// event words, by index
	evMagic, evManual, evState, evSeq, evWaiters = 0, 1, 2, 3, 4
	// mutex words
	mxMagic, mxOwner = 0, 1

	futexWait = 0
	futexWake = 1
)

// syncObject is a mapped event or mutex object.
type syncObject struct {
	f     *os.File
	view  []byte
	words *[syncObjectSize / 4]uint32
}

func (s *syncObject) word(i int) *uint32 { return &s.words[i] }

// open opens /dev/shm/base as mode asks; a new object gets init's words and then, last, its magic, so an
// opener that sees the magic sees a whole header.
func (s *syncObject) open(name, base, kind string, mode Mode, magic uint32, init func()) (_ bool, err error) {
	op := mode.op()
	path := filepath.Join(ShmDir, base)
	f, created, err := openWithMode(mode, ReadWrite, func(flag int) (*os.File, error) {
		return os.OpenFile(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600) // a FIFO must not block: refused below
	})
	if err != nil {
		e := fsError(op, name, kind+" "+path, path, ReadWrite, err)
		if e.Err == ErrExists {
			e.Detail += " (mappings, events and mutexes share one namespace, /dev/shm)"
		}
		return false, e
	}
	defer func() {
		if err != nil {
			f.Close()
			if created {
				os.Remove(path)
			}
		}
	}()
	fail := func(sentinel error, detail string) error { return newErr(op, name, sentinel, detail) }
	if err := prepareSyncFile(f, created, path, kind, fail); err != nil {
		return false, err
	}
	view, err := unix.Mmap(int(f.Fd()), 0, syncObjectSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return false, fail(ErrInvalid, "mapping "+path+": "+err.Error())
	}
	s.f, s.view, s.words = f, view, (*[syncObjectSize / 4]uint32)(unsafe.Pointer(&view[0]))
	if err := s.header(created, magic, init, path, kind, fail); err != nil {
		unix.Munmap(view)
		return false, err
	}
	return created, nil
}

// prepareSyncFile checks the file open found (a regular file of this user's, at least a header long) or
// sizes the one it created.
func prepareSyncFile(f *os.File, created bool, path, kind string, fail func(error, string) error) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fail(ErrInvalid, path+" is not a regular file")
	}
	if !created && int(st.Uid) != os.Geteuid() {
		// Waiting on or signalling another user's object would let them drive this daemon's clients.
		return fail(ErrAccessDenied, path+" is owned by "+userName(st.Uid)+", not by this user")
	}
	if !created && st.Size < syncObjectSize {
		return fail(ErrExists, fmt.Sprintf("%s is not a %s: it holds %d bytes, a %s has a %d-byte header (see include/shmbridge_sync.h); "+
			"mappings, events and mutexes share one namespace", path, kind, st.Size, kind, syncObjectSize))
	}
	if !created {
		return nil
	}
	// fallocate, not ftruncate: on a full /dev/shm it fails with ENOSPC here, where writing the header into a
	// page tmpfs cannot supply would raise SIGBUS.
	if err := unix.Fallocate(int(f.Fd()), 0, 0, syncObjectSize); err != nil {
		if err == unix.ENOSPC {
			return fail(ErrNoSpace, ShmDir+" is full: no room for "+path)
		}
		return fail(ErrInvalid, "sizing "+path+": "+err.Error())
	}
	return nil
}

// header writes a new object's header (init's words, then the magic), or checks an existing one's magic.
func (s *syncObject) header(created bool, magic uint32, init func(), path, kind string, fail func(error, string) error) error {
	var got uint32
	err := s.guarded(func() {
		if created {
			init()
			atomic.StoreUint32(s.word(0), magic)
			got = magic
			return
		}
		// The creator writes the magic last: give one being created a moment.
		for i := 0; atomic.LoadUint32(s.word(0)) == 0 && i < 50; i++ {
			time.Sleep(2 * time.Millisecond)
		}
		got = atomic.LoadUint32(s.word(0))
	})
	switch {
	case err != nil:
		return fail(ErrFault, path+": "+strings.TrimPrefix(err.Error(), ErrFault.Error()+": "))
	case got != magic:
		return fail(ErrExists, fmt.Sprintf("%s is not a %s (its header's magic is %#x, not %#x); mappings, events and mutexes share one namespace",
			path, kind, got, magic))
	}
	return nil
}

// guarded runs f, which touches the shared words, unless another process has cut the object below its
// header; a fault while f runs (it was cut meanwhile) becomes an error too, never a crash of the daemon.
func (s *syncObject) guarded(f func()) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(s.f.Fd()), &st); err != nil {
		return err
	}
	if st.Size < syncObjectSize {
		return fmt.Errorf("%w: the object was truncated to %d bytes by another process (its header is %d)", ErrFault, st.Size, syncObjectSize)
	}
	if err := guard(f); err != nil {
		return fmt.Errorf("%w: %v (the object was truncated by another process)", ErrFault, err)
	}
	return nil
}

func (s *syncObject) close() error {
	err := unix.Munmap(s.view)
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func futex(addr *uint32, op int, val uint32, timeout *unix.Timespec) unix.Errno {
	_, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), uintptr(op), uintptr(val),
		uintptr(unsafe.Pointer(timeout)), 0, 0)
	return e
}

func wakeAll(addr *uint32) { futex(addr, futexWake, math.MaxInt32, nil) }
