//go:build windows

package shm

//sys ntQueryEvent(event windows.Handle, class uint32, info unsafe.Pointer, infoLen uint32, retLen *uint32) (ntstatus error) = ntdll.NtQueryEvent

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/windows"
)

// eventBasicInformation is EVENT_BASIC_INFORMATION (NtQueryEvent class 0).
type eventBasicInformation struct {
	eventType  uint32 // 0 NotificationEvent (manual reset), 1 SynchronizationEvent (auto reset)
	eventState int32
}

// osEvent is a Windows event plus two unnamed events: cancel ends the wait loop's wait, obCancel the
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
