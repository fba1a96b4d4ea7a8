//go:build linux

package shm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

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
