package registry_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// The spinlock protocol against a fake game: a goroutine that shares the lock with the daemon as Le Mans
// Ultimate does (a mapping of {waiters, busy}, an auto-reset event), through views of its own, as another
// process would.

const (
	waitersOff = 0
	busyOff    = 4
	words      = 64
	frameBytes = 8 + 4*words // the words at 8
)

// game is the producer's side: its own views of the data and lock mappings and of the event.
type game struct {
	t      *testing.T
	data   *shm.Mapping
	lock   *shm.Mapping
	ev     *shm.Event
	stolen atomic.Int64 // writes that found busy 0 while the game held the lock
	frames atomic.Int64 // frames written
}

// spinFixture makes the three objects in the registry (as a producer would make them, the daemon then opens
// them) and the game's views of them, and the reader's spinlock.
func spinFixture(t *testing.T) (*registry.Mapping, *registry.Spinlock, *game) {
	reg := registry.New(nil)
	base := fmt.Sprintf("shmbridge-spin-%d-%s", os.Getpid(), t.Name())
	dataName, lockName, evName := base+"-data", base+"-lock", base+"-ev"
	data, _, err := reg.OpenMapping(shm.Options{Name: dataName, Size: 4096, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	lock, _, err := reg.OpenMapping(shm.Options{Name: lockName, Size: 8, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := reg.OpenEvent(shm.EventOptions{Name: evName, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	g := &game{t: t}
	if g.data, err = shm.Open(shm.Options{Name: dataName, Mode: shm.OpenExisting}); err != nil {
		t.Fatal(err)
	}
	if g.lock, err = shm.Open(shm.Options{Name: lockName, Mode: shm.OpenExisting}); err != nil {
		t.Fatal(err)
	}
	if g.ev, err = shm.OpenEvent(shm.EventOptions{Name: evName, Mode: shm.OpenExisting}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		g.data.Close()
		g.lock.Close()
		g.ev.Close()
		reg.CloseMapping(dataName, true)
		reg.CloseMapping(lockName, true)
		reg.CloseEvent(evName, true)
	})
	return data, &registry.Spinlock{Lock: lock, Busy: busyOff, Waiters: waitersOff, Event: ev}, g
}

func (g *game) load(off int64) int32 {
	v, err := g.lock.Load32(off)
	if err != nil {
		g.t.Error(err)
	}
	return int32(v)
}

func (g *game) store(off int64, v int32) {
	if err := g.lock.Store32(off, uint32(v)); err != nil {
		g.t.Error(err)
	}
}

func (g *game) cas(off int64, old, new int32) bool {
	ok, err := g.lock.CompareAndSwap32(off, uint32(old), uint32(new))
	if err != nil {
		g.t.Error(err)
	}
	return ok
}

// add is InterlockedIncrement/Decrement.
func (g *game) add(off int64, d int32) {
	for v := g.load(off); !g.cas(off, v, v+d); v = g.load(off) {
	}
}

// take is the game's Lock as it means to be: 4000 tries, then counted in waiters, asleep on the event between
// tries until one succeeds.
func (g *game) take() {
	for range 4000 {
		if g.cas(busyOff, 0, 1) {
			return
		}
	}
	g.add(waitersOff, 1)
	for !g.cas(busyOff, 0, 1) {
		if ok, err := g.ev.Wait(context.Background(), 5*time.Second); err != nil || !ok {
			g.t.Errorf("the game slept 5 s on the event while the lock was held (%v): a release did not set it", err)
		}
	}
	g.add(waitersOff, -1)
}

// release is the game's Unlock.
func (g *game) release() {
	g.store(busyOff, 0)
	if g.load(waitersOff) > 0 {
		g.ev.Set()
	}
}

// write sets the frame's words to n one at a time, pausing between them, so that a copy meanwhile tears.
func (g *game) write(n uint32, from, to int) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], n)
	for i := from; i < to; i++ {
		g.data.WriteAt(b[:], int64(8+4*i))
		busyWork(300)
	}
}

// sink keeps busyWork's result, so that its loop is not optimised away.
var sink atomic.Uint32

// busyWork spends a few hundred nanoseconds on the CPU, measured in work, not time: Windows' clock moves at its
// timer tick, so a wait for 300 ns to pass by it can last milliseconds.
func busyWork(n int) {
	x := uint32(1)
	for range n {
		x = x*1664525 + 1013904223
	}
	sink.Store(x)
}

// run writes frames 1, 2, … under the lock until stop closes.
func (g *game) run(stop <-chan struct{}) {
	for n := uint32(1); ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		g.take()
		g.write(n, 0, words)
		if g.load(busyOff) != 1 {
			g.stolen.Add(1)
		}
		g.release()
		g.frames.Add(1)
		for range 20 { // a gap between frames, as at a producer's rate
			runtime.Gosched()
			busyWork(100)
		}
	}
}

func tornFrame(b []byte) bool {
	w0 := binary.LittleEndian.Uint32(b[8:])
	for i := 1; i < words; i++ {
		if binary.LittleEndian.Uint32(b[8+4*i:]) != w0 {
			return true
		}
	}
	return false
}

func readOptions(sl *registry.Spinlock, deadline time.Duration) registry.FrameOptions {
	return registry.FrameOptions{N: frameBytes, Spinlock: sl, Deadline: deadline, Retries: 100000}
}

// TestSpinlockFrames: readers that take the spinlock around their copy never see a frame the game writes
// under it half-written, while plain copies of the same memory do; and no reader ever releases the game's lock.
func TestSpinlockFrames(t *testing.T) {
	data, sl, g := spinFixture(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { g.run(stop) })
	defer wg.Wait()
	defer close(stop)

	// Plain copies until one tears, while the game writes its first 5000 frames: counted in the game's frames, not
	// in copies, for on a busy machine the game can be off the CPU for hundreds of thousands of copies.
	plainTorn := 0
	buf := make([]byte, frameBytes)
	for plainTorn == 0 && g.frames.Load() < 5000 {
		data.ReadAt(buf, 0)
		if tornFrame(buf) {
			plainTorn++
		}
	}
	if plainTorn == 0 {
		t.Fatal("no plain copy was torn: the game does not tear, so the test proves nothing")
	}

	// Each reader reads 500 frames, and on until some read has found the game holding the lock, while the game
	// writes 5000 frames more: on a busy machine the game can be off the CPU for all of the first 2000 reads.
	const readers, reads = 4, 500
	var torn, retried, refused, total atomic.Int64
	until := g.frames.Load() + 5000
	var rg sync.WaitGroup
	for range readers {
		rg.Go(func() {
			for got := 0; got < reads || (retried.Load() == 0 && g.frames.Load() < until); {
				f, err := data.ReadFrame(context.Background(), readOptions(sl, 25*time.Millisecond))
				if errors.Is(err, registry.ErrInconsistent) && refused.Load() < readers*reads {
					// The game, or the readers ahead in the daemon's turn, kept it for the whole deadline: on a
					// busy machine (two cores, -race) a few dozen of the reads. A refusal, not a tear: try again,
					// a bounded number of times.
					refused.Add(1)
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				got++
				total.Add(1)
				retried.Add(int64(f.Retries))
				if tornFrame(f.Bytes) {
					torn.Add(1)
				}
			}
		})
	}
	rg.Wait()
	t.Logf("%d plain copies torn of the first ones; %d reads: %d torn, %d tries found the lock taken, %d refused",
		plainTorn, total.Load(), torn.Load(), retried.Load(), refused.Load())
	if torn.Load() != 0 {
		t.Errorf("%d of %d reads under the spinlock were torn", torn.Load(), total.Load())
	}
	if retried.Load() == 0 {
		t.Errorf("no read found the lock taken: the readers never contended with the game, so the test proves nothing")
	}
	if n := g.stolen.Load(); n != 0 {
		t.Errorf("%d times the game found busy 0 while it held the lock: a reader released a lock it had not taken", n)
	}
}

// TestSpinlockHeldForever: a game that keeps the lock (mid-write) gets a reader its 503's error at the deadline:
// the reader never copies, never stores busy 0, never touches waiters nor sets the event. Released, the next
// read copies the whole frame.
func TestSpinlockHeldForever(t *testing.T) {
	data, sl, g := spinFixture(t)
	g.write(1, 0, words)
	g.take()
	g.write(2, 0, words/2)
	t0 := time.Now()
	_, err := data.ReadFrame(context.Background(), readOptions(sl, 25*time.Millisecond))
	took := time.Since(t0)
	if !errors.Is(err, registry.ErrInconsistent) {
		t.Fatalf("a read of a lock the game holds: %v, want ErrInconsistent", err)
	}
	t.Logf("%v after %v", err, took)
	if took > 5*time.Second {
		t.Errorf("the read gave up after %v: its deadline is 25 ms", took)
	}
	if b, w := g.load(busyOff), g.load(waitersOff); b != 1 || w != 0 {
		t.Errorf("after the refused read busy %d, waiters %d: want 1 and 0 (the game's lock untouched)", b, w)
	}
	if signaled, known := g.ev.State(); known && signaled {
		t.Error("the refused read set the event")
	}
	g.write(2, words/2, words)
	g.release()
	f, err := data.ReadFrame(context.Background(), readOptions(sl, 25*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if tornFrame(f.Bytes) || binary.LittleEndian.Uint32(f.Bytes[8:]) != 2 {
		t.Errorf("after the release the read copied % x, want frame 2 whole", f.Bytes[8:24])
	}
	if b := g.load(busyOff); b != 0 {
		t.Errorf("after a read busy is %d, want 0", b)
	}
}

// TestSpinlockWakesWaiter: a release sets the event when waiters is above 0 (a game thread asleep on it wakes),
// and only then; the reader never changes waiters.
func TestSpinlockWakesWaiter(t *testing.T) {
	data, sl, g := spinFixture(t)
	if _, err := data.ReadFrame(context.Background(), readOptions(sl, 25*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if signaled, known := g.ev.State(); known && signaled {
		t.Error("a release with no waiters set the event")
	}

	g.store(waitersOff, 1) // a game thread counted itself, and sleeps
	var woke atomic.Bool
	sleeper := make(chan error, 1)
	go func() {
		ok, err := g.ev.Wait(context.Background(), time.Minute)
		woke.Store(ok)
		sleeper <- err
	}()
	testutil.WaitFor(t, "the game thread asleep on the event", func() bool { return g.ev.Waiters() == 1 })
	if _, err := data.ReadFrame(context.Background(), readOptions(sl, 25*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, "the game thread woken", func() bool { return woke.Load() })
	if err := <-sleeper; err != nil {
		t.Fatal(err)
	}
	if b, w := g.load(busyOff), g.load(waitersOff); b != 0 || w != 1 {
		t.Errorf("after the read busy %d, waiters %d: want 0 and 1 (the waiters count is the game's)", b, w)
	}
}
