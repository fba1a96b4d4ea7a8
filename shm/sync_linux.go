//go:build linux

package shm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
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

// osEvent is a futex event: state (1 = signaled) and seq, the futex word, bumped by every set and pulse.
type osEvent struct {
	syncObject
	manual bool
	stop   atomic.Bool // interrupt asks the watcher's wait to return
	obStop atomic.Bool // stopObserving asks the observation's wait to return
}

func (o *osEvent) open(eo EventOptions, base string) (created, manual bool, err error) {
	created, err = o.syncObject.open(eo.Name, base, "event", eo.Mode, eventMagic, func() {
		if eo.ManualReset {
			atomic.StoreUint32(o.word(evManual), 1)
		}
		if eo.InitialState {
			atomic.StoreUint32(o.word(evState), 1)
		}
	})
	if err != nil {
		return false, false, err
	}
	if err := o.guarded(func() { o.manual = atomic.LoadUint32(o.word(evManual)) != 0 }); err != nil {
		o.syncObject.close()
		return false, false, osFailure(eo.Mode.op(), eo.Name, err)
	}
	return created, o.manual, nil
}

func (o *osEvent) set() error {
	return o.guarded(func() {
		atomic.StoreUint32(o.word(evState), 1)
		atomic.AddUint32(o.word(evSeq), 1)
		wakeAll(o.word(evSeq)) // auto-reset too: one of the woken wins the state, the rest sleep again
	})
}

func (o *osEvent) reset() error {
	return o.guarded(func() { atomic.StoreUint32(o.word(evState), 0) })
}

// pulseWindow is how long an auto-reset pulse leaves the event set for a waiter to take the signal.
const pulseWindow = 10 * time.Millisecond

func (o *osEvent) pulse() error {
	if !o.manual {
		// The waiters word only ever overcounts (a waiter killed inside wait never takes itself off): so it may
		// say that nobody waits, never decide that somebody does. Set, let a waiter take the signal, then take
		// back a signal nobody took: a count left by a dead process costs this call pulseWindow, nothing more.
		var waiting bool
		if err := o.guarded(func() { waiting = atomic.LoadUint32(o.word(evWaiters)) > 0 }); err != nil || !waiting {
			return err // with nobody waiting, a pulse is lost, as on Windows
		}
		if err := o.set(); err != nil {
			return err
		}
		return o.guarded(func() {
			for end := time.Now().Add(pulseWindow); atomic.LoadUint32(o.word(evState)) == 1 && time.Now().Before(end); {
				time.Sleep(50 * time.Microsecond)
			}
			atomic.CompareAndSwapUint32(o.word(evState), 1, 0)
		})
	}
	return o.guarded(func() {
		atomic.StoreUint32(o.word(evState), 0)
		atomic.AddUint32(o.word(evSeq), 1) // waiters see seq move: signaled, although the state stays 0
		wakeAll(o.word(evSeq))
	})
}

// try takes the signal if there is one: a manual-reset event only reads the state, an auto-reset one resets
// it. A truncated object is ErrFault.
func (o *osEvent) try() (took bool, err error) {
	err = o.guarded(func() { took = o.takeSignal() })
	return took, err
}

// takeSignal is try's work, for callers already guarded.
func (o *osEvent) takeSignal() bool {
	if o.manual {
		return atomic.LoadUint32(o.word(evState)) == 1
	}
	return atomic.CompareAndSwapUint32(o.word(evState), 1, 0)
}

func (o *osEvent) state() (signaled, known bool) {
	known = o.guarded(func() { signaled = atomic.LoadUint32(o.word(evState)) == 1 }) == nil
	return signaled, known
}

// wait blocks until the event is signaled (true) or interrupt is called (false). A lost interrupt costs at
// most one backstop period. An object truncated under it is an error, found at the next wake or backstop.
func (o *osEvent) wait() (signaled bool, err error) {
	if gerr := o.guarded(func() { signaled, err = o.waitGuarded() }); gerr != nil {
		return false, gerr
	}
	return signaled, err
}

func (o *osEvent) waitGuarded() (bool, error) {
	seq, waiters := o.word(evSeq), o.word(evWaiters)
	atomic.AddUint32(waiters, 1)
	defer atomic.AddUint32(waiters, ^uint32(0))
	start := atomic.LoadUint32(seq)
	backstop := unix.NsecToTimespec(int64(100 * time.Millisecond))
	for {
		s := atomic.LoadUint32(seq)
		if o.takeSignal() || (o.manual && s != start) {
			return true, nil
		}
		if o.stop.Swap(false) {
			return false, nil
		}
		switch e := futex(seq, futexWait, s, &backstop); e {
		case 0, unix.EAGAIN, unix.EINTR, unix.ETIMEDOUT:
		default:
			return false, e
		}
	}
}

func (o *osEvent) interrupt() {
	o.stop.Store(true)
	// Other processes' waiters wake too, see nothing new and sleep again. On a truncated object there is no
	// word to wake on: the watcher sees the stop at its next backstop.
	o.guarded(func() { wakeAll(o.word(evSeq)) })
}

func (o *osEvent) close() error { return o.syncObject.close() }

// osObserver is the sequence word's value at the last firing the observation saw.
type osObserver struct{ seq uint32 }

func (o *osEvent) newObserver(ob *osObserver, _ bool) error {
	o.obStop.Store(false)
	return o.guarded(func() { ob.seq = atomic.LoadUint32(o.word(evSeq)) })
}

// observeBackstop bounds one futex wait of the observation. Nothing else wakes it while the event stays quiet;
// the backstop is for an object another process truncated, on which stopObserving has no word to wake.
const observeBackstop = 2 * time.Second

// observe waits for the sequence word to move from what ob saw last (true: every set and pulse moves it), or
// for stopObserving (false).
func (o *osEvent) observe(ob *osObserver) (fired bool, err error) {
	for {
		gerr := o.guarded(func() {
			seq := o.word(evSeq)
			s := atomic.LoadUint32(seq)
			if s == ob.seq && !o.obStop.Load() {
				ts := unix.NsecToTimespec(int64(observeBackstop))
				switch e := futex(seq, futexWait, s, &ts); e {
				case 0, unix.EAGAIN, unix.EINTR, unix.ETIMEDOUT:
				default:
					err = e
					return
				}
				s = atomic.LoadUint32(seq)
			}
			fired = s != ob.seq
			ob.seq = s
		})
		switch {
		case gerr != nil:
			return false, gerr
		case err != nil || fired:
			return fired, err
		case o.obStop.Swap(false):
			return false, nil
		}
	}
}

// stopObserving ends observe's wait (see interrupt).
func (o *osEvent) stopObserving() {
	o.obStop.Store(true)
	o.guarded(func() { wakeAll(o.word(evSeq)) })
}

// osMutex is an flock(2) lock on the object (released by the kernel if its holder dies) plus an owner word:
// the holder's PID, written after locking and cleared before unlocking. A lock that finds a PID there was
// abandoned: its holder ended without unlocking.
type osMutex struct {
	syncObject
	dev, ino uint64
}

func (o *osMutex) open(mo MutexOptions, base string) (bool, error) {
	created, err := o.syncObject.open(mo.Name, base, "mutex", mo.Mode, mutexMagic, func() {})
	if err != nil {
		return false, err
	}
	var st unix.Stat_t
	if unix.Fstat(int(o.f.Fd()), &st) == nil {
		o.dev, o.ino = st.Dev, st.Ino
	}
	return created, nil
}

func (o *osMutex) lock(ctx context.Context, closed <-chan struct{}, timeout time.Duration) (func() error, bool, error) {
	fd := int(o.f.Fd())
	deadline := time.Now().Add(timeout)
	pause := 50 * time.Microsecond
	t := time.NewTimer(0)
	<-t.C
	defer t.Stop()
	for {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			return nil, false, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, false, ErrTimeout
		}
		// flock has no timed or cancellable wait: poll, backing off to 2 ms (the added latency on release).
		t.Reset(min(pause, left))
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-closed:
			return nil, false, ErrClosed
		}
		pause = min(2*pause, 2*time.Millisecond)
	}
	// Even taking a word's address reads the page (Go's nil check): every touch of the words is guarded.
	var abandoned bool
	if err := o.guarded(func() { abandoned = atomic.SwapUint32(o.word(mxOwner), uint32(os.Getpid())) != 0 }); err != nil {
		unix.Flock(fd, unix.LOCK_UN)
		return nil, false, err
	}
	return func() error {
		err := o.guarded(func() { atomic.StoreUint32(o.word(mxOwner), 0) })
		return errors.Join(err, unix.Flock(fd, unix.LOCK_UN))
	}, abandoned, nil
}

// state reads /proc/locks for an flock on the object; with none, a PID left in the owner word means abandoned.
func (o *osMutex) state() MutexState {
	f, err := os.Open("/proc/locks")
	if err != nil {
		return MutexState{}
	}
	defer f.Close()
	want := fmt.Sprintf("%02x:%02x:%d", unix.Major(o.dev), unix.Minor(o.dev), o.ino)
	st := MutexState{Known: true}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF"; blocked waiters' lines have "->" after the number
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != want {
			continue
		}
		st.Locked = true
		st.Owner, _ = strconv.Atoi(fields[4])
		return st
	}
	if o.guarded(func() { st.Abandoned = atomic.LoadUint32(o.word(mxOwner)) != 0 }) != nil {
		return MutexState{}
	}
	return st
}

func (o *osMutex) close() error { return o.syncObject.close() }
