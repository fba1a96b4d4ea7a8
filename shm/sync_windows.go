//go:build windows

package shm

//sys ntQueryEvent(event windows.Handle, class uint32, info unsafe.Pointer, infoLen uint32, retLen *uint32) (ntstatus error) = ntdll.NtQueryEvent
//sys ntQueryMutant(mutant windows.Handle, class uint32, info unsafe.Pointer, infoLen uint32, retLen *uint32) (ntstatus error) = ntdll.NtQueryMutant

import (
	"context"
	"errors"
	"math"
	"runtime"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

const (
	eventQueryState = 0x0001 // EVENT_QUERY_STATE
	waitAbandoned0  = windows.WAIT_ABANDONED
)

// eventBasicInformation is EVENT_BASIC_INFORMATION (NtQueryEvent class 0).
type eventBasicInformation struct {
	eventType  uint32 // 0 NotificationEvent (manual reset), 1 SynchronizationEvent (auto reset)
	eventState int32
}

// mutantBasicInformation is MUTANT_BASIC_INFORMATION (NtQueryMutant class 0).
type mutantBasicInformation struct {
	currentCount   int32 // 1: free; <= 0: owned
	ownedByCaller  bool
	abandonedState bool
}

// openNamed opens or creates a named kernel object as mode asks. create returns a valid handle and
// ERROR_ALREADY_EXISTS when the name exists: in Create mode that is ErrExists (naming the owner), in
// OpenOrCreate mode it is another program winning the race to create it, so the handle is kept.
func openNamed(name, kind string, mode Mode, access Access, create, open func() (windows.Handle, error)) (windows.Handle, bool, error) {
	op := mode.op()
	if mode != Create {
		h, err := open()
		if err == nil {
			return h, false, nil
		}
		if mode == OpenExisting || !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
			return 0, false, winError(name, kind, op, access, err)
		}
	}
	h, err := create()
	switch {
	case h != 0 && errors.Is(err, windows.ERROR_ALREADY_EXISTS) && mode == Create:
		return 0, false, existsError(name, op, h)
	case h != 0 && errors.Is(err, windows.ERROR_ALREADY_EXISTS):
		return h, false, nil
	case err != nil:
		return 0, false, winError(name, kind, "create", access, err)
	}
	return h, true, nil
}

// osEvent is a Windows event plus two unnamed events: cancel ends the watcher's wait, obCancel the
// observation's.
type osEvent struct {
	h, cancel, obCancel windows.Handle
}

func (o *osEvent) open(eo EventOptions, _ string) (created, manual bool, err error) {
	name16, err := windows.UTF16PtrFromString(eo.Name)
	if err != nil {
		return false, false, newErr("create", eo.Name, ErrInvalidName, "contains NUL")
	}
	sa, err := securityAttributes(eo.Name, eo.SDDL)
	if err != nil {
		return false, false, err
	}
	h, created, err := openNamed(eo.Name, "event", eo.Mode, ReadWrite,
		func() (windows.Handle, error) {
			return windows.CreateEvent(sa, boolToUint32(eo.ManualReset), boolToUint32(eo.InitialState), name16)
		},
		func() (windows.Handle, error) {
			return windows.OpenEvent(windows.SYNCHRONIZE|windows.EVENT_MODIFY_STATE|eventQueryState, false, name16)
		})
	if err != nil {
		return false, false, err
	}
	manual = eo.ManualReset
	if info, err := queryEvent(h); err == nil {
		manual = info.eventType == 0 // what the event really is, whoever made it
	}
	cancel, err := windows.CreateEvent(nil, 0, 0, nil)
	if err != nil {
		windows.CloseHandle(h)
		return false, false, &Error{Op: "create", Name: eo.Name, Err: ErrInvalid, OSErr: err}
	}
	obCancel, err := windows.CreateEvent(nil, 0, 0, nil)
	if err != nil {
		windows.CloseHandle(h)
		windows.CloseHandle(cancel)
		return false, false, &Error{Op: "create", Name: eo.Name, Err: ErrInvalid, OSErr: err}
	}
	o.h, o.cancel, o.obCancel = h, cancel, obCancel
	return created, manual, nil
}

func boolToUint32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func queryEvent(h windows.Handle) (eventBasicInformation, error) {
	var info eventBasicInformation
	err := ntQueryEvent(h, 0, unsafe.Pointer(&info), uint32(unsafe.Sizeof(info)), nil)
	return info, err
}

func (o *osEvent) set() error   { return windows.SetEvent(o.h) }
func (o *osEvent) reset() error { return windows.ResetEvent(o.h) }
func (o *osEvent) pulse() error { return windows.PulseEvent(o.h) }

// try: WaitForSingleObject with no timeout, which consumes an auto-reset event's signal, as a waiter should.
func (o *osEvent) try() (bool, error) {
	ev, err := windows.WaitForSingleObject(o.h, 0)
	return err == nil && ev == windows.WAIT_OBJECT_0, err
}

// state asks NtQueryEvent, which reads the state without consuming it.
func (o *osEvent) state() (bool, bool) {
	info, err := queryEvent(o.h)
	if err != nil {
		return false, false
	}
	return info.eventState != 0, true
}

func (o *osEvent) wait() (bool, error) {
	ev, err := windows.WaitForMultipleObjects([]windows.Handle{o.h, o.cancel}, false, windows.INFINITE)
	if err != nil {
		return false, err
	}
	return ev == windows.WAIT_OBJECT_0, nil
}

func (o *osEvent) interrupt() { windows.SetEvent(o.cancel) }

// osObserver remembers whether the observation last saw the event set: it must be reset before it can fire again.
type osObserver struct{ sawSet bool }

func (o *osEvent) newObserver(ob *osObserver, manual bool) error {
	if !manual {
		return errors.New("an auto-reset event cannot be watched on Windows: any wait that sees it signaled consumes the signal a native program waits for (watch a manual-reset event, or sample at an interval)")
	}
	windows.ResetEvent(o.obCancel) // a stop meant for an observation that ended already
	ob.sawSet, _ = o.state()       // a state it is in already is not a firing
	return nil
}

// observe waits for a manual-reset event to become signaled (true; a wait takes nothing from it), or for
// stopObserving (false). After a firing it first waits for a reset: Windows cannot wait for that, so it
// looks at the state (NtQueryEvent), every millisecond at first, less often the longer the event stays set.
func (o *osEvent) observe(ob *osObserver) (bool, error) {
	handles := []windows.Handle{o.h, o.obCancel}
	for pause := uint32(1); ob.sawSet; pause = min(2*pause, 10) {
		if set, known := o.state(); known && !set {
			ob.sawSet = false
			break
		}
		if ev, err := windows.WaitForSingleObject(o.obCancel, pause); err != nil || ev == windows.WAIT_OBJECT_0 {
			return false, err
		}
	}
	ev, err := windows.WaitForMultipleObjects(handles, false, windows.INFINITE)
	if err != nil {
		return false, err
	}
	ob.sawSet = ev == windows.WAIT_OBJECT_0
	return ob.sawSet, nil
}

// stopObserving ends observe's wait.
func (o *osEvent) stopObserving() { windows.SetEvent(o.obCancel) }

func (o *osEvent) close() error {
	err := windows.CloseHandle(o.h)
	windows.CloseHandle(o.cancel)
	windows.CloseHandle(o.obCancel)
	return err
}

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
