package shm_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// openEvent opens an event that is closed (and on Linux unlinked) when the test ends.
func openEvent(t *testing.T, o shm.EventOptions) *shm.Event {
	t.Helper()
	e, err := shm.OpenEvent(o)
	if err != nil {
		t.Fatalf("OpenEvent(%+v): %v", o, err)
	}
	t.Cleanup(func() {
		e.Close()
		shm.Unlink(o.Name)
	})
	return e
}

func openMutex(t *testing.T, o shm.MutexOptions) *shm.Mutex {
	t.Helper()
	m, err := shm.OpenMutex(o)
	if err != nil {
		t.Fatalf("OpenMutex(%+v): %v", o, err)
	}
	t.Cleanup(func() {
		m.Close()
		shm.Unlink(o.Name)
	})
	return m
}

// startWaiters starts n waits on e and returns a channel of their results. It returns once the event counts
// them as waiting (Waiters): not yet once they are in the OS wait, which nothing can observe. A set reaches them
// either way (it stays until taken); a pulse reaches only threads in the OS wait at that moment: see pulseUntil.
func startWaiters(t *testing.T, e *shm.Event, n int, timeout time.Duration) chan bool {
	t.Helper()
	results := make(chan bool, n)
	for range n {
		go func() {
			ok, err := e.Wait(context.Background(), timeout)
			if err != nil {
				t.Error(err)
			}
			results <- ok
		}()
	}
	testutil.WaitFor(t, "the waiters", func() bool { return e.Waiters() == n })
	return results
}

// The same events are seen through a second handle, so a signal goes through the OS, not through Go.
func TestEventManualResetWakesEveryWaiter(t *testing.T) {
	name := `Local\` + testName(t)
	e := openEvent(t, shm.EventOptions{Name: name, ManualReset: true})
	other := openEvent(t, shm.EventOptions{Name: name, Mode: shm.OpenExisting})
	if !e.Created() || other.Created() || !other.ManualReset() {
		t.Fatalf("created %v/%v, the opener sees manual_reset=%v (the OS's answer, not its own options)", e.Created(), other.Created(), other.ManualReset())
	}
	results := startWaiters(t, e, 20, 10*time.Second)
	if err := other.Set(); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if !<-results {
			t.Fatal("a waiter was not woken")
		}
	}
	if s, known := e.State(); !known || !s {
		t.Fatalf("state after set: signaled=%v known=%v; a manual-reset event stays set", s, known)
	}
	if ok, _ := e.Wait(context.Background(), 0); !ok {
		t.Fatal("a set manual-reset event does not satisfy a new wait")
	}
	other.Reset()
	if ok, _ := e.Wait(context.Background(), 0); ok {
		t.Fatal("a reset event satisfies a wait")
	}
}

func TestEventAutoResetWakesOneWaiterPerSet(t *testing.T) {
	name := `Local\` + testName(t)
	e := openEvent(t, shm.EventOptions{Name: name})
	other := openEvent(t, shm.EventOptions{Name: name, Mode: shm.OpenExisting})
	results := startWaiters(t, e, 3, 10*time.Second)
	for i := range 3 {
		other.Set()
		if !<-results {
			t.Fatal("woken but not signaled")
		}
		select {
		case <-results:
			t.Fatalf("set %d woke two waiters", i+1)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if s, known := e.State(); !known || s {
		t.Fatalf("state after three sets taken by three waiters: signaled=%v known=%v, want reset", s, known)
	}
	// A set with nobody waiting stays until one wait takes it.
	other.Set()
	if ok, _ := e.Wait(context.Background(), 0); !ok {
		t.Fatal("the pending signal was lost")
	}
	if ok, _ := e.Wait(context.Background(), 0); ok {
		t.Fatal("an auto-reset signal satisfied two waits")
	}
}

func TestEventInitialStateAndPulse(t *testing.T) {
	for _, manual := range []bool{true, false} {
		name := `Local\` + testName(t) + map[bool]string{true: "-manual", false: "-auto"}[manual]
		e := openEvent(t, shm.EventOptions{Name: name, ManualReset: manual, InitialState: true})
		if s, _ := e.State(); !s {
			t.Fatal("initial_state true: not signaled")
		}
		e.Reset()
		e.Pulse() // nobody waits: the pulse is lost, not kept as a set would be
		if s, known := e.State(); s || !known {
			t.Fatalf("manual=%v: a pulse with nobody waiting left signaled=%v known=%v", manual, s, known)
		}
		results := startWaiters(t, e, 2, 10*time.Second)
		pulseUntil(t, e, results, map[bool]int{true: 2, false: 1}[manual])
		if !manual {
			select {
			case <-results:
				t.Fatal("a pulse of an auto-reset event woke two waiters")
			case <-time.After(100 * time.Millisecond):
			}
			e.Set()
			<-results
		}
	}
}

// pulseUntil pulses e until want of the waiters on results have woken, each signaled, and checks after every
// pulse that it left the event non-signaled. A waiter counted as waiting may not be in the OS wait yet, and a
// pulse passes it by (as PulseEvent does on Windows): so it pulses again, 20 ms after the last waiter woke,
// until they all have (testutil.WaitFor). A pulse that leaves the event set fails.
func pulseUntil(t *testing.T, e *shm.Event, results <-chan bool, want int) {
	t.Helper()
	pulses, woken := 0, 0
	testutil.WaitFor(t, "the pulses to wake every waiter", func() error {
		if err := e.Pulse(); err != nil {
			t.Fatal(err)
		}
		pulses++
		if s, known := e.State(); s || !known {
			t.Fatalf("after a pulse: signaled=%v known=%v, want non-signaled", s, known)
		}
		for more := true; more && woken < want; {
			select {
			case ok := <-results:
				if !ok {
					t.Fatal("a waiter timed out: the pulses did not reach it")
				}
				woken++
			case <-time.After(20 * time.Millisecond):
				more = false
			}
		}
		if woken < want {
			return fmt.Errorf("%d pulses woke %d of %d waiters", pulses, woken, want)
		}
		return nil
	})
	t.Logf("%d waiters woken by %d pulses", want, pulses)
}

// A wait ends at its timeout, when its context ends and when the event closes, and leaves no goroutine behind.
func TestEventWaitEnds(t *testing.T) {
	name := `Local\` + testName(t)
	before := runtime.NumGoroutine()
	e, err := shm.OpenEvent(shm.EventOptions{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	defer shm.Unlink(name)

	start := time.Now()
	if ok, err := e.Wait(context.Background(), 50*time.Millisecond); ok || err != nil {
		t.Fatalf("timeout: %v, %v", ok, err)
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > 30*time.Second { // the upper bound tells a hang, not speed
		t.Fatalf("a 50 ms wait took %v", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := e.Wait(ctx, time.Minute); done <- err }()
	testutil.WaitFor(t, "the waiter", func() bool { return e.Waiters() == 1 })
	start = time.Now()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || time.Since(start) > 30*time.Second { // by the cancel, not its minute
		t.Fatalf("cancel: %v after %v", err, time.Since(start))
	}

	go func() { _, err := e.Wait(context.Background(), time.Minute); done <- err }()
	testutil.WaitFor(t, "the waiter", func() bool { return e.Waiters() == 1 })
	start = time.Now()
	e.Close()
	if err := <-done; !errors.Is(err, shm.ErrClosed) || time.Since(start) > 30*time.Second { // by Close, not its minute
		t.Fatalf("close: %v after %v", err, time.Since(start))
	}
	mustErr(t, e.Set(), shm.ErrClosed)
	testutil.WaitFor(t, "the wait loop to go", func() bool { return runtime.NumGoroutine() <= before })
}

func TestEventModesAndNamespace(t *testing.T) {
	name := `Local\` + testName(t)
	_, err := shm.OpenEvent(shm.EventOptions{Name: name, Mode: shm.OpenExisting})
	mustErr(t, err, shm.ErrNotFound)
	openEvent(t, shm.EventOptions{Name: name})
	_, err = shm.OpenEvent(shm.EventOptions{Name: name})
	mustErr(t, err, shm.ErrExists)
	e := openEvent(t, shm.EventOptions{Name: name, Mode: shm.OpenOrCreate})
	if e.Created() {
		t.Fatal("open_or_create created an existing event")
	}
	_, err = shm.OpenEvent(shm.EventOptions{Name: `Local\a/b`})
	mustErr(t, err, shm.ErrInvalidName)

	// Mappings, events and mutexes share one namespace: the error says so.
	mapping := `Local\` + testName(t) + "-mapping"
	create(t, shm.Options{Name: mapping, Size: 4096})
	for _, mode := range []shm.Mode{shm.Create, shm.OpenExisting, shm.OpenOrCreate} {
		_, err := shm.OpenEvent(shm.EventOptions{Name: mapping, Mode: mode})
		mustErr(t, err, shm.ErrExists)
		if !strings.Contains(err.Error(), "namespace") {
			t.Errorf("event, %v: %v does not say names share one namespace", mode, err)
		}
		_, err = shm.OpenMutex(shm.MutexOptions{Name: mapping, Mode: mode})
		mustErr(t, err, shm.ErrExists)
		if !strings.Contains(err.Error(), "namespace") {
			t.Errorf("mutex, %v: %v does not say names share one namespace", mode, err)
		}
	}
}

// Two handles of one named mutex exclude each other (through the OS), with timeouts and cancellation.
func TestMutexExcludes(t *testing.T) {
	name := `Local\` + testName(t)
	a := openMutex(t, shm.MutexOptions{Name: name})
	b := openMutex(t, shm.MutexOptions{Name: name, Mode: shm.OpenExisting})
	unlock, abandoned, err := a.Lock(context.Background(), time.Second)
	if err != nil || abandoned {
		t.Fatalf("lock: %v abandoned=%v", err, abandoned)
	}
	if st := b.State(); !st.Known || !st.Locked {
		t.Fatalf("state while locked: %+v", st)
	}
	start := time.Now()
	_, _, err = b.Lock(context.Background(), 100*time.Millisecond)
	mustErr(t, err, shm.ErrTimeout)
	if d := time.Since(start); d < 100*time.Millisecond || d > 30*time.Second { // ends, however busy the machine
		t.Fatalf("a 100 ms lock timeout took %v", d)
	}
	// The lock waits in the OS when the context ends, or when a holds it no longer: on Linux Lock's caller
	// polls flock, blocked in osMutex.lock between polls; on Windows osMutex.lock's goroutine, on a thread of
	// its own, is in WaitForMultipleObjects.
	waiting := func() bool {
		if runtime.GOOS == "windows" {
			return testutil.Blocked("shm.(*osMutex).lock.func", "windows.WaitForMultipleObjects")
		}
		return testutil.Blocked("TestMutexExcludes", "shm.(*osMutex).lock")
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error)
	go func() { _, _, err := b.Lock(ctx, time.Minute); got <- err }()
	testutil.WaitFor(t, "the lock to wait", waiting)
	cancel()
	mustErr(t, <-got, context.Canceled)

	go func() {
		u, _, err := b.Lock(context.Background(), time.Minute)
		if err == nil {
			err = u()
		}
		got <- err
	}()
	testutil.WaitFor(t, "the lock to wait", waiting)
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("a second unlock: %v, want nil (nothing to do)", err)
	}
	if st := a.State(); !st.Known || st.Locked || st.Abandoned {
		t.Fatalf("state after release: %+v", st)
	}
}

// Callers in one process queue for the mutex; Close waits for the holder and ends the waits.
func TestMutexInProcessAndClose(t *testing.T) {
	m := openMutex(t, shm.MutexOptions{Name: `Local\` + testName(t)})
	unlock, _, err := m.Lock(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = m.Lock(context.Background(), 50*time.Millisecond)
	mustErr(t, err, shm.ErrTimeout)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _, err := m.Lock(context.Background(), time.Minute)
		mustErr(t, err, shm.ErrClosed)
	}()
	// Its Lock waits for its turn behind the holder (in Lock itself, before the OS).
	testutil.WaitFor(t, "the second caller to queue", func() bool {
		return testutil.Blocked("TestMutexInProcessAndClose", "shm.(*Mutex).Lock")
	})
	closed := make(chan error)
	go func() { closed <- m.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the mutex was held", err)
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

// observe runs ob.Next in the background; its result arrives on the channel.
func observe(ob *shm.Observer, stop <-chan struct{}) <-chan error {
	done := make(chan error, 1)
	go func() {
		fired, err := ob.Next(stop)
		if err == nil && !fired {
			err = errors.New("stopped")
		}
		done <- err
	}()
	return done
}

func fires(t *testing.T, done <-chan error, within time.Duration) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
	case <-time.After(within):
		t.Fatalf("Next did not see the event fire within %v", within)
	}
}

// TestObserveManualReset: an observer sees every set and pulse of a manual-reset event, takes nothing from it,
// and does not report a state the event was in already; Next ends on stop and on close.
func TestObserveManualReset(t *testing.T) {
	e := openEvent(t, shm.EventOptions{Name: testName(t), ManualReset: true, InitialState: true})
	ob, err := e.Observer()
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	stop := make(chan struct{})
	done := observe(ob, stop)
	select {
	case err := <-done:
		t.Fatalf("Next answered (%v) for a state the event was in already", err)
	case <-time.After(150 * time.Millisecond):
	}
	resetAndSet(t, e, done)
	if ok, _ := e.Wait(context.Background(), 0); !ok {
		t.Fatal("observing took the manual-reset event's state")
	}
	e.Reset()
	if runtime.GOOS == "linux" {
		// A pulse moves the Linux event's sequence word, which the observation compares with what it read when
		// the observer was made: a pulse right after is seen, whether its OS wait has begun or not. On Windows
		// a pulse reaches only a thread inside a wait at that very instant (Microsoft calls PulseEvent
		// unreliable): Windows observers see sets.
		done = observe(ob, stop)
		e.Pulse()
		fires(t, done, 2*time.Second)
	}

	done = observe(ob, stop)
	close(stop)
	if err := <-done; err == nil || err.Error() != "stopped" {
		t.Fatalf("Next after stop: %v", err)
	}
	done = observe(ob, nil)
	e.Close()
	select {
	case err := <-done:
		mustErr(t, err, shm.ErrClosed)
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not end Next")
	}
}

// resetAndSet resets and sets a manual-reset event until the observer waiting on done sees the set. On Linux
// the first set is seen (every set moves the sequence word, whatever the observation is doing). Windows cannot
// wait for a reset: after a firing the observation looks at the state every few milliseconds (up to 10), and
// a reset and a set closer together than its look are one state to it. There is nothing to observe of when
// it has looked, so on Windows the set comes 20 ms after the reset, and is tried again, up to 10 times, the
// pause longer each time: a busy machine may delay a look, never skip it.
func resetAndSet(t *testing.T, e *shm.Event, done <-chan error) {
	t.Helper()
	tries := 1
	if runtime.GOOS == "windows" {
		tries = 10
	}
	for i := range tries {
		e.Reset()
		if runtime.GOOS == "windows" {
			time.Sleep(time.Duration(i+1) * 20 * time.Millisecond)
		}
		e.Set()
		wait := 200 * time.Millisecond
		if i == tries-1 {
			wait = 5 * time.Second
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			return
		case <-time.After(wait):
		}
	}
	t.Fatalf("the observer saw none of %d sets after a reset", tries)
}

// TestObserversShareOneWait: many observers of one event share one OS wait: they take no OS thread each (a
// watch stream that waits for an event costs nothing while the event is quiet), all see each firing, and the
// thread is given back when the last one closes.
func TestObserversShareOneWait(t *testing.T) {
	e := openEvent(t, shm.EventOptions{Name: testName(t), ManualReset: true})
	threadsBefore := testutil.Threads()
	created := pprof.Lookup("threadcreate").Count()
	const n = 300
	obs := make([]*shm.Observer, n)
	dones := make([]<-chan error, n)
	for i := range obs {
		ob, err := e.Observer()
		if err != nil {
			t.Fatal(err)
		}
		obs[i], dones[i] = ob, observe(ob, nil)
	}
	e.Set()
	for i := range obs {
		fires(t, dones[i], 5*time.Second)
		dones[i] = observe(obs[i], nil)
	}
	resetAndSet(t, e, dones[0])
	dones[0] = observe(obs[0], nil)
	for i := 1; i < n; i++ {
		fires(t, dones[i], 5*time.Second)
		dones[i] = observe(obs[i], nil)
	}
	if more := pprof.Lookup("threadcreate").Count() - created; more > 16 {
		t.Fatalf("%d observers in Next made %d OS threads", n, more)
	} else {
		t.Logf("%d observers: %d more OS threads", n, more)
	}
	for i, ob := range obs {
		ob.Close()
		mustErr(t, <-dones[i], shm.ErrClosed)
	}
	if runtime.GOOS == "linux" {
		// The observation's thread ends with it. The runtime may have started a thread or two of its own
		// meanwhile (one ran the others while that one was blocked), and keeps those: a few, never one per
		// observer.
		testutil.WaitFor(t, "the observations' threads to end", func() error {
			if n := testutil.Threads(); n > threadsBefore+8 {
				return fmt.Errorf("%d OS threads after the observers closed, %d before", n, threadsBefore)
			}
			return nil
		})
	}
}
