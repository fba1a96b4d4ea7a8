//go:build windows

package shm

//sys ntQueryMutant(mutant windows.Handle, class uint32, info unsafe.Pointer, infoLen uint32, retLen *uint32) (ntstatus error) = ntdll.NtQueryMutant

import (
	"context"
	"math"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// mutantBasicInformation is MUTANT_BASIC_INFORMATION (NtQueryMutant class 0).
type mutantBasicInformation struct {
	currentCount   int32 // 1: free; <= 0: owned
	ownedByCaller  bool
	abandonedState bool
}

// osMutex is a Windows mutex, owned by the thread that waited for it.
type osMutex struct {
	h windows.Handle
}

func (o *osMutex) open(mo MutexOptions, _ string) (bool, error) {
	name16, err := windows.UTF16PtrFromString(mo.Name)
	if err != nil {
		return false, newErr("create", mo.Name, ErrInvalidName, "contains NUL")
	}
	sa, err := securityAttributes(mo.Name, mo.SDDL)
	if err != nil {
		return false, err
	}
	h, created, err := openNamed(mo.Name, "mutex", mo.Mode, ReadWrite,
		func() (windows.Handle, error) { return windows.CreateMutex(sa, false, name16) },
		func() (windows.Handle, error) {
			return windows.OpenMutex(windows.SYNCHRONIZE|windows.MUTANT_QUERY_STATE, false, name16)
		})
	if err != nil {
		return false, err
	}
	o.h = h
	return created, nil
}

// lock waits for the mutex on a goroutine locked to its OS thread, which then owns the mutex (Windows mutexes
// belong to a thread) until release asks that same thread to ReleaseMutex. The wait also watches a cancel
// event, set when ctx ends or the mutex closes.
func (o *osMutex) lock(ctx context.Context, closed <-chan struct{}, timeout time.Duration) (func() error, bool, error) {
	cancel, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return nil, false, err
	}
	type result struct {
		ev  uint32
		err error
	}
	got := make(chan result, 1)
	release := make(chan chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		ms := uint32(min(timeout.Milliseconds(), math.MaxUint32-1))
		ev, err := windows.WaitForMultipleObjects([]windows.Handle{o.h, cancel}, false, ms)
		got <- result{ev, err}
		if err == nil && (ev == windows.WAIT_OBJECT_0 || ev == waitAbandoned0) {
			reply := <-release
			reply <- windows.ReleaseMutex(o.h)
		}
	}()
	var r result
	var stopped error
	select {
	case r = <-got:
	case <-ctx.Done():
		stopped = ctx.Err()
	case <-closed:
		stopped = ErrClosed
	}
	if stopped != nil {
		windows.SetEvent(cancel)
		r = <-got
	}
	windows.CloseHandle(cancel)
	unlock := func() error {
		reply := make(chan error)
		release <- reply
		return <-reply
	}
	owned := r.err == nil && (r.ev == windows.WAIT_OBJECT_0 || r.ev == waitAbandoned0)
	switch {
	case owned && stopped != nil:
		unlock() // acquired just as the caller gave up
		return nil, false, stopped
	case owned:
		return unlock, r.ev == waitAbandoned0, nil
	case stopped != nil:
		return nil, false, stopped
	case r.err != nil:
		return nil, false, r.err
	case r.ev == uint32(windows.WAIT_TIMEOUT):
		return nil, false, ErrTimeout
	}
	return nil, false, ErrClosed // the cancel event: only set above
}

// state asks NtQueryMutant: whether someone owns it and whether its last owner abandoned it.
func (o *osMutex) state() MutexState {
	var info mutantBasicInformation
	if err := ntQueryMutant(o.h, 0, unsafe.Pointer(&info), uint32(unsafe.Sizeof(info)), nil); err != nil {
		return MutexState{}
	}
	return MutexState{Known: true, Locked: info.currentCount <= 0, Abandoned: info.abandonedState}
}

func (o *osMutex) close() error { return windows.CloseHandle(o.h) }
