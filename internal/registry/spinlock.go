package registry

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"time"
)

// Spinlock is a lock another program shares with its readers in a mapping of its own: a 32-bit word a
// holder sets from 0 to 1 by compare-and-swap, and stores 0 to release (Le Mans Ultimate's
// LMU_SharedMemoryLockData). Such a producer's threads that find it taken for long sleep on an auto-reset
// event, counted in a waiters word, until a release sets the event.
//
// The daemon only ever tries it: a bounded number of compare-and-swaps within a deadline (never a wait on the
// event, never a touch of the waiters word), one copy while it holds it, then a release, and the event set if
// waiters is above 0. It never stores 0 into a lock it did not take.
type Spinlock struct {
	// Lock is the lock's mapping, opened for writing; Busy the offset of the lock word in it.
	Lock *Mapping
	Busy int64
	// Waiters is the offset of the producer's count of sleepers, Event the event they sleep on; -1 and nil:
	// the producer has no sleepers.
	Waiters int64
	Event   *Event
}

// under runs f holding the lock: it tries to take it, yielding between tries, up to retries tries or until
// deadline passes (ErrInconsistent: the producer held it all that time); tries is how many it took.
// Concurrent reads of one lock take turns in the daemon first (Mapping.spinTurn), so that the producer
// contends with one daemon reader at a time, never with a queue of them handing the lock on.
func (s *Spinlock) under(deadline time.Duration, retries int, f func() error) (tries int, err error) {
	if err := s.Lock.Pin(); err != nil {
		return 0, err
	}
	defer s.Lock.Unpin()
	end := time.Now().Add(deadline)
	out := func() error {
		return fmt.Errorf("%w: the spinlock at offset %d of %s was taken for all of %d tries in %v (the producer held it)",
			ErrInconsistent, s.Busy, strconv.Quote(s.Lock.Name()), tries, deadline)
	}
	for !s.Lock.spinTurn.TryLock() {
		if tries++; tries >= retries || time.Now().After(end) {
			return tries, out()
		}
		runtime.Gosched()
	}
	defer s.Lock.spinTurn.Unlock()
	for {
		took, err := s.Lock.m.CompareAndSwap32(s.Busy, 0, 1)
		if err != nil {
			return tries, err
		}
		tries++
		if took {
			break
		}
		if tries >= retries || time.Now().After(end) {
			return tries, out()
		}
		runtime.Gosched() // let the holder, if it shares this core, finish its write
	}
	ferr := f()
	return tries, errors.Join(ferr, s.release())
}

// release stores 0 into the lock word the daemon took, then sets the event if a producer thread sleeps on it.
// The store comes first: a thread that counts itself a waiter after the load below tries the lock again
// before it sleeps, and finds it free.
func (s *Spinlock) release() error {
	if err := s.Lock.m.Store32(s.Busy, 0); err != nil {
		return err
	}
	if s.Event == nil {
		return nil
	}
	w, err := s.Lock.m.Load32(s.Waiters)
	if err != nil || int32(w) <= 0 {
		return err
	}
	return s.Event.Set()
}
