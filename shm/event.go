package shm

import (
	"context"
	"errors"
	"runtime"
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

// Event is an open named event. Waits are served by one wait loop per event (a goroutine) (one OS thread blocked in
// the OS wait while anyone waits), which hands signals to the waiting callers: many waiters cost one thread.
// Observers (watch streams) share one observation of the event's firings in the same way.
type Event struct {
	name    string
	created bool
	manual  bool
	os      osEvent

	mu       sync.Mutex
	closed   bool
	closedCh chan struct{}
	waiters  []chan error // each buffered(1), oldest first; the wait loop delivers nil (signaled) or the OS failure
	looping  bool
	loopEnd  chan struct{} // closed when the current wait loop returns
	obs      *observation  // the observation of firings while anyone observes (or while its last one ends)
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
// true result consumes the signal, as WaitForSingleObject does. An object another process broke (truncated on
// Linux) is ErrFault, as a set or pulse of it is.
func (e *Event) Wait(ctx context.Context, timeout time.Duration) (bool, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return false, newErr("wait", e.name, ErrClosed, "")
	}
	if took, err := e.os.try(); err != nil || took {
		e.mu.Unlock()
		if err != nil {
			return false, osFailure("wait", e.name, err)
		}
		return true, nil
	}
	if timeout <= 0 {
		e.mu.Unlock()
		return false, nil
	}
	ch := make(chan error, 1)
	e.waiters = append(e.waiters, ch)
	if !e.looping {
		e.looping, e.loopEnd = true, make(chan struct{})
		go e.waitLoop(e.loopEnd)
	}
	e.mu.Unlock()

	t := time.NewTimer(timeout)
	defer t.Stop()
	var err error
	select {
	case err := <-ch:
		return err == nil, err
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
		if len(e.waiters) == 0 && e.looping {
			e.os.interrupt() // nobody left to wait for: let the wait loop go
		}
		return false, err
	}
	// The wait loop delivered just as the wait ended.
	if werr := <-ch; werr != nil || err == nil {
		return werr == nil, werr
	}
	if !e.manual && !e.closed {
		e.os.set() // an auto-reset signal nobody will receive: pass it on
	}
	return false, err
}

// waitLoop waits in the OS for the event and hands each signal to the waiters: all of them for a manual-reset
// event, the oldest for an auto-reset one. A failing OS wait (the object was broken) fails every waiter. It
// returns when nobody waits any more or the event closes.
func (e *Event) waitLoop(end chan struct{}) {
	defer close(end)
	for {
		signaled, err := e.os.wait()
		e.mu.Lock()
		switch {
		case err != nil:
			err = osFailure("wait", e.name, err)
			for _, ch := range e.waiters {
				ch <- err
			}
			e.waiters = nil
		case !signaled:
		case e.manual:
			for _, ch := range e.waiters {
				ch <- nil
			}
			e.waiters = nil
		case len(e.waiters) > 0:
			e.waiters[0] <- nil
			e.waiters = e.waiters[1:]
		case !e.closed:
			e.os.set() // consumed an auto-reset signal with nobody to give it to: put it back
		}
		if len(e.waiters) == 0 || e.closed {
			e.looping = false
			e.mu.Unlock()
			return
		}
		e.mu.Unlock()
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
	looping, end := e.looping, e.loopEnd
	if looping {
		e.os.interrupt()
	}
	obs := e.obs
	if obs != nil && !obs.stopping {
		obs.stopping = true
		e.os.stopObserving()
	}
	e.mu.Unlock()
	if looping {
		<-end // the wait loop no longer touches the handle or the shared word
	}
	if obs != nil {
		<-obs.end // nor does the observation
	}
	if err := e.os.close(); err != nil {
		return &Error{Op: "close", Name: e.name, Err: ErrInvalid, OSErr: err}
	}
	return nil
}

// Observer sees an event fire without taking its signal from anyone: see Event.Observer.
type Observer struct {
	e      *Event
	ob     *observation
	gen    uint64        // the observation's firings this observer has seen
	closed chan struct{} // closed by Close
}

// observation is the one OS wait of an event's firings that all its observers share: a goroutine, on an OS
// thread of its own, blocked in the OS until the event fires or its last observer leaves. An idle observer
// costs no thread and no wake-up of its own, however many there are.
type observation struct {
	users    int           // open observers
	gen      uint64        // firings seen
	fired    chan struct{} // closed at the next firing (or failure), then replaced
	err      error         // the OS wait failed: every observer gets it
	stopping bool          // the goroutine is ending (its last observer left, or the OS wait failed)
	end      chan struct{} // closed when the goroutine has returned
}

// Observer returns an observer of the event's firings: each Next waits for the next set or pulse after the one
// before (the first: after Observer was called), and takes no signal, so a native program waiting on an
// auto-reset event still gets it. On Linux every set and pulse moves the event's sequence word, which the
// observation waits on (futex). Windows has no such word: a manual-reset event can be observed (a wait takes
// nothing from it), an auto-reset one cannot (a wait that sees it signaled consumes the signal), which is
// ErrInvalid. Close the observer when done.
func (e *Event) Observer() (*Observer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for e.obs != nil && e.obs.stopping {
		ob := e.obs
		e.mu.Unlock()
		<-ob.end
		e.mu.Lock()
		if e.obs == ob {
			e.obs = nil
		}
	}
	if e.closed {
		return nil, newErr("observe", e.name, ErrClosed, "")
	}
	if e.obs == nil {
		var st osObserver
		// What to compare with is read now, not when the goroutine starts: a firing right after Observer
		// returns is a firing.
		if err := e.os.newObserver(&st, e.manual); err != nil {
			if errors.Is(err, ErrFault) {
				return nil, osFailure("observe", e.name, err)
			}
			return nil, &Error{Op: "observe", Name: e.name, Err: ErrInvalid, Detail: err.Error()}
		}
		e.obs = &observation{fired: make(chan struct{}), end: make(chan struct{})}
		go e.observe(e.obs, st)
	}
	e.obs.users++
	return &Observer{e: e, ob: e.obs, gen: e.obs.gen, closed: make(chan struct{})}, nil
}

// observe is the observation's goroutine. Its OS wait blocks the thread it runs on, which it keeps (it never
// unlocks it), so that the thread ends with the goroutine instead of staying in the runtime's pool.
func (e *Event) observe(ob *observation, st osObserver) {
	runtime.LockOSThread()
	defer close(ob.end)
	for {
		fired, err := e.os.observe(&st)
		e.mu.Lock()
		if err != nil {
			ob.err = osFailure("observe", e.name, err)
			ob.stopping = true
		}
		if fired {
			ob.gen++
		}
		if fired || err != nil {
			close(ob.fired)
			ob.fired = make(chan struct{})
		}
		done := ob.stopping || e.closed
		e.mu.Unlock()
		if done {
			return
		}
	}
}

// Next waits until the event fires (true), stop closes (false, nil), or the event is closed (ErrClosed).
// Firings between two calls count as one.
func (o *Observer) Next(stop <-chan struct{}) (bool, error) {
	e, ob := o.e, o.ob
	e.mu.Lock()
	for {
		switch {
		case e.closed || isClosed(o.closed):
			e.mu.Unlock()
			return false, newErr("observe", e.name, ErrClosed, "")
		case o.gen < ob.gen:
			o.gen = ob.gen
			e.mu.Unlock()
			return true, nil
		case ob.err != nil:
			e.mu.Unlock()
			return false, ob.err
		}
		fired := ob.fired
		e.mu.Unlock()
		select {
		case <-fired:
		case <-stop:
			return false, nil
		case <-e.closedCh:
			return false, newErr("observe", e.name, ErrClosed, "the event was closed")
		case <-o.closed:
			return false, newErr("observe", e.name, ErrClosed, "the observer was closed")
		}
		e.mu.Lock()
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// Close ends the observer; the last one to close ends the observation.
func (o *Observer) Close() {
	e, ob := o.e, o.ob
	e.mu.Lock()
	defer e.mu.Unlock()
	if isClosed(o.closed) {
		return
	}
	close(o.closed)
	if ob.users--; ob.users == 0 && !ob.stopping {
		ob.stopping = true
		e.os.stopObserving()
	}
}
