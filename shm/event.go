package shm

import (
	"context"
	"slices"
	"sync"
	"time"
)

// EventOptions configures OpenEvent.
type EventOptions struct {
	// Name is "Local\X", "Global\X" or "X", as for mappings: on Windows events, mutexes and mappings share one
	// namespace; on Linux the event is the small object /dev/shm/X (its layout: include/shmbridge_sync.h).
	Name string
	Mode Mode
	// ManualReset and InitialState apply when the event is created. A manual-reset event stays signaled until
	// reset and wakes every waiter; an auto-reset event wakes one waiter and resets itself.
	ManualReset  bool
	InitialState bool
	// SDDL is the security descriptor of an event OpenEvent creates (Windows only), as in Options.
	SDDL string
}

// Event is an open named event. Waits are served by one watcher goroutine per event (one OS thread blocked in
// the OS wait while anyone waits), which hands signals to the waiting callers: many waiters cost one thread.
type Event struct {
	name    string
	created bool
	manual  bool
	os      osEvent

	mu       sync.Mutex
	closed   bool
	closedCh chan struct{}
	waiters  []chan struct{} // each buffered(1), oldest first; the watcher delivers by sending
	watching bool
	watchEnd chan struct{} // closed when the current watcher returns

	observers sync.WaitGroup // Observer.Next calls under way: Close waits for them before closing the handle
}

// OpenEvent creates or opens the named event according to o.Mode.
func OpenEvent(o EventOptions) (*Event, error) {
	base, err := checkSyncName(o.Name, o.Mode)
	if err != nil {
		return nil, err
	}
	e := &Event{name: o.Name, closedCh: make(chan struct{})}
	if e.created, e.manual, err = e.os.open(o, base); err != nil {
		return nil, err
	}
	return e, nil
}

// checkSyncName validates the name and mode of an event or mutex and returns the name without its prefix.
func checkSyncName(name string, mode Mode) (string, error) {
	op := mode.op()
	base, err := splitName(op, name)
	if err != nil {
		return "", err
	}
	if mode < Create || mode > OpenOrCreate {
		return "", newErr(op, name, ErrInvalid, "unknown mode")
	}
	return base, nil
}

// Name returns the name the event was opened with.
func (e *Event) Name() string { return e.name }

// Created reports whether OpenEvent created the event (false: another program had made it).
func (e *Event) Created() bool { return e.created }

// ManualReset reports whether the event is manual-reset. For an event another program made this is what the
// OS says (Windows: NtQueryEvent; Linux: the object's header).
func (e *Event) ManualReset() bool { return e.manual }

// Waiters is how many callers are inside Wait now.
func (e *Event) Waiters() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.waiters)
}

// State reports whether the event is signaled now; known is false where the OS does not say.
func (e *Event) State() (signaled, known bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false, false
	}
	return e.os.state()
}

// Set signals the event: a manual-reset event wakes every waiter and stays signaled; an auto-reset event
// wakes one waiter (or the next one to come) and resets.
func (e *Event) Set() error { return e.do("set", e.os.set) }

// Reset makes the event non-signaled.
func (e *Event) Reset() error { return e.do("reset", e.os.reset) }

// Pulse wakes the waiters there are now (manual-reset: all; auto-reset: one) and leaves the event
// non-signaled, like PulseEvent (which Microsoft calls unreliable: a waiter that is not waiting at that very
// moment misses it; prefer Set).
func (e *Event) Pulse() error { return e.do("pulse", e.os.pulse) }

func (e *Event) do(op string, f func() error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return newErr(op, e.name, ErrClosed, "")
	}
	if err := f(); err != nil {
		return osFailure(op, e.name, err)
	}
	return nil
}

// Wait waits until the event is signaled (true), the timeout passes (false, nil), ctx ends (false,
// ctx.Err()) or the event is closed (ErrClosed). A timeout of 0 only tests the state. On an auto-reset event a
// true result consumes the signal, as WaitForSingleObject does.
func (e *Event) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return false, newErr("wait", e.name, ErrClosed, "")
	}
	if e.os.try() {
		e.mu.Unlock()
		return true, nil
	}
	if timeout <= 0 {
		e.mu.Unlock()
		return false, nil
	}
	ch := make(chan struct{}, 1)
	e.waiters = append(e.waiters, ch)
	if !e.watching {
		e.watching, e.watchEnd = true, make(chan struct{})
		go e.watch(e.watchEnd)
	}
	e.mu.Unlock()

	t := time.NewTimer(timeout)
	defer t.Stop()
	var err error
	select {
	case <-ch:
		return true, nil
	case <-t.C:
	case <-ctx.Done():
		err = ctx.Err()
	case <-e.closedCh:
		err = newErr("wait", e.name, ErrClosed, "the event was closed while waiting")
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if i := slices.Index(e.waiters, ch); i >= 0 {
		e.waiters = slices.Delete(e.waiters, i, i+1)
		if len(e.waiters) == 0 && e.watching {
			e.os.interrupt() // nobody left to wait for: let the watcher go
		}
		return false, err
	}
	// The watcher delivered a signal just as the wait ended.
	if err == nil {
		return true, nil
	}
	if !e.manual && !e.closed {
		e.os.set() // an auto-reset signal nobody will receive: pass it on
	}
	return false, err
}

// watch waits in the OS for the event and hands each signal to the waiters: all of them for a manual-reset
// event, the oldest for an auto-reset one. It returns when nobody waits any more or the event closes.
func (e *Event) watch(end chan struct{}) {
	defer close(end)
	for {
		signaled, err := e.os.wait()
		e.mu.Lock()
		if signaled {
			switch {
			case e.manual:
				for _, ch := range e.waiters {
					ch <- struct{}{}
				}
				e.waiters = nil
			case len(e.waiters) > 0:
				e.waiters[0] <- struct{}{}
				e.waiters = e.waiters[1:]
			case !e.closed:
				e.os.set() // consumed an auto-reset signal with nobody to give it to: put it back
			}
		}
		if len(e.waiters) == 0 || e.closed {
			e.watching = false
			e.mu.Unlock()
			return
		}
		e.mu.Unlock()
		if err != nil {
			time.Sleep(10 * time.Millisecond) // a failing OS wait must not spin; waiters still time out
		}
	}
}

// Close ends every wait (ErrClosed) and closes the event's handle.
func (e *Event) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return newErr("close", e.name, ErrClosed, "")
	}
	e.closed = true
	close(e.closedCh)
	watching, end := e.watching, e.watchEnd
	if watching {
		e.os.interrupt()
	}
	e.mu.Unlock()
	if watching {
		<-end // the watcher no longer touches the handle or the shared word
	}
	e.observers.Wait()
	if err := e.os.close(); err != nil {
		return &Error{Op: "close", Name: e.name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}

// Observer watches an event fire without taking its signal from anyone: see Event.Observer.
type Observer struct {
	e  *Event
	os osObserver
}

// observeSlice is how long one OS wait of Observer.Next lasts before it looks at its stop channel again.
const observeSlice = 50 * time.Millisecond

// Observer returns an observer of the event's firings: each Next waits for the next set or pulse after the one
// before (the first: after Observer was called), and takes no signal, so a native program waiting on an
// auto-reset event still gets it. On Linux every set and pulse moves the event's sequence word, which the
// observer watches (futex). Windows has no such word: a manual-reset event can be observed (a wait takes
// nothing from it), an auto-reset one cannot (a wait that sees it signaled consumes the signal), which is
// ErrInvalid.
func (e *Event) Observer() (*Observer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, newErr("observe", e.name, ErrClosed, "")
	}
	ob := &Observer{e: e}
	if err := e.os.newObserver(&ob.os, e.manual); err != nil {
		return nil, &Error{Op: "observe", Name: e.name, Err: ErrInvalid, Detail: err.Error()}
	}
	return ob, nil
}

// Next waits until the event fires (true), stop closes (false, nil), or the event is closed (ErrClosed).
func (o *Observer) Next(stop <-chan struct{}) (bool, error) {
	e := o.e
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return false, newErr("observe", e.name, ErrClosed, "")
	}
	e.observers.Add(1)
	e.mu.Unlock()
	defer e.observers.Done()
	for {
		fired, err := e.os.observe(&o.os, observeSlice)
		switch {
		case err != nil:
			return false, osFailure("observe", e.name, err)
		case fired:
			return true, nil
		}
		select {
		case <-stop:
			return false, nil
		case <-e.closedCh:
			return false, newErr("observe", e.name, ErrClosed, "the event was closed")
		default:
		}
	}
}
