//go:build linux

package shm

import (
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// osEvent is a futex event: state (1 = signaled) and seq, the futex word, bumped by every set and pulse.
type osEvent struct {
	syncObject
	manual bool
	stop   atomic.Bool // interrupt asks the wait loop's wait to return
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
	// word to wake on: the wait loop sees the stop at its next backstop.
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
