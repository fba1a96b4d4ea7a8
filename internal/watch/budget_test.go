package watch_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/watch"
	"github.com/shmbridge/shmbridge/shm"
)

// budget is a watch.Budget of limit bytes that records what is taken, at most and now.
type budget struct {
	mu           sync.Mutex
	limit, inUse int64
	peak         int64
}

var errSpent = errors.New("spent")

func (b *budget) Take(n int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inUse+n > b.limit {
		return errSpent
	}
	b.inUse += n
	b.peak = max(b.peak, b.inUse)
	return nil
}

func (b *budget) Give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inUse -= n
	if b.inUse < 0 {
		panic(fmt.Sprintf("gave back %d more than was taken", -b.inUse))
	}
}

func (b *budget) used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.inUse
}

// waitGiven waits until the budget has everything back: a hold that is never released fails here.
func (b *budget) waitGiven(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); b.used() != 0; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes of the budget were never given back", b.used())
		}
	}
}

// TestStalledSubscribersShareOneSnapshot: any number of subscribers that stall on the same state hold one
// copy of it between them, taken from the budget once.
func TestStalledSubscribersShareOneSnapshot(t *testing.T) {
	const n = 64 << 10
	_, m := newMapping(t, n)
	b := &budget{limit: 16 << 20}
	hub := watch.New()
	hub.Budget = b
	src := []watch.Source{{Mapping: m, N: n, Interval: time.Hour, Format: watch.Base64}}
	var held []*watch.Message
	var subs []*watch.Subscriber
	for range 100 {
		sub, err := hub.Subscribe(src)
		if err != nil {
			t.Fatal(err)
		}
		msgs, _ := next(t, sub)
		held = append(held, msgs...) // never released: streams stuck writing it
		subs = append(subs, sub)
	}
	if got, want := b.used(), 2*int64(n)+int64(len(held[0].Data)); got != want {
		t.Fatalf("100 stalled subscribers of one state: %d bytes of the budget taken, want the samples and one snapshot: %d", got, want)
	}
	for _, m := range held {
		m.Release()
	}
	for _, sub := range subs {
		sub.Close()
	}
	b.waitGiven(t)
}

// TestStalledSubscribersStayInTheBudget: subscribers that stall on different states each hold their own
// snapshot, and every one is the budget's: once it is spent no more are made (the count of starved messages
// says so) and the snapshots held never add up to more than the budget. Everything comes back when they let go.
func TestStalledSubscribersStayInTheBudget(t *testing.T) {
	const n = 64 << 10
	_, m := newMapping(t, n)
	b := &budget{limit: 1 << 20}
	hub := watch.New()
	hub.Budget = b
	hub.Retry = time.Millisecond
	src := []watch.Source{{Mapping: m, N: n, Interval: time.Millisecond, Format: watch.Base64}}
	var held []*watch.Message
	var subs []*watch.Subscriber
	other := native(t, m)
	for i := 0; i < 40 && hub.Starved() == 0; i++ {
		seen := m.LastChange()
		other.WriteAt(bytes.Repeat([]byte{byte(i + 1)}, 8), 0) // a new state, in one store (below the registry: only the sampler sees it)
		if i > 0 {
			for m.LastChange().Equal(seen) { // the sampler has seen it: a new subscriber's snapshot is of it
				runtime.Gosched()
			}
		}
		sub, err := hub.Subscribe(src)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
		msgs, _ := next(t, sub)
		held = append(held, msgs...) // never released: a stream stuck writing its snapshot
		if hub.Starved() == 0 && (len(msgs) != 1 || parse(t, msgs[0]).Data[:4] != base64Of(byte(i+1))) {
			t.Fatalf("subscriber %d: %d messages, not the snapshot of its state", i, len(msgs))
		}
	}
	if hub.Starved() == 0 {
		t.Fatalf("%d subscribers held %d snapshots of 87 KiB in a 1 MiB budget: the holds are not counted", len(subs), len(held))
	}
	var heldBytes int64
	for _, msg := range held {
		heldBytes += int64(len(msg.Data))
	}
	if heldBytes+2*n > b.limit {
		t.Fatalf("%d bytes of messages held (and %d of samples), over the budget of %d", heldBytes, 2*n, b.limit)
	}
	t.Logf("%d stalled subscribers: %d messages held, %d bytes; starved %d times", len(subs), len(held), heldBytes, hub.Starved())
	for _, msg := range held {
		msg.Release()
	}
	for _, sub := range subs {
		sub.Close()
	}
	b.waitGiven(t)
}

func base64Of(c byte) string { return base64.StdEncoding.EncodeToString([]byte{c, c, c}) }

// TestEveryHoldIsGivenBack: a stream of changes, resyncs, a slow subscriber and closes: once every message
// is released and every subscriber closed, the budget has everything back.
func TestEveryHoldIsGivenBack(t *testing.T) {
	_, m := newMapping(t, 4096)
	b := &budget{limit: 64 << 20}
	hub := watch.New()
	hub.Budget = b
	hub.QueueLen = 4
	src := watch.Source{Mapping: m, N: 4096, Interval: time.Millisecond, Format: watch.Hex}
	text := watch.Source{Mapping: m, N: 4096, Interval: time.Millisecond, Format: watch.UTF8}
	fast, err := hub.Subscribe([]watch.Source{src, text})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := hub.Subscribe([]watch.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := next(t, slow) // its snapshot; from here on it stops reading
	for _, msg := range msgs {
		msg.Release()
	}
	for i := range 200 {
		m.WriteAt([]byte(fmt.Sprintf("<%06d>", i)), int64(i%64)*8)
		msgs, _ := next(t, fast)
		for _, msg := range msgs {
			msg.Release()
		}
	}
	if hub.Behind() == 0 {
		t.Fatal("the slow subscriber never fell behind")
	}
	msgs, _ = slow.Next()
	for _, msg := range msgs {
		msg.Release()
	}
	fast.Close()
	slow.Close()
	b.waitGiven(t)
}

// TestTextCountsWhatIsEncoded: a text message is as long as its JSON really is (no HTML escaping: '<' is one
// byte, not six), and that length is what it takes from the budget.
func TestTextCountsWhatIsEncoded(t *testing.T) {
	const n = 1 << 20
	_, m := newMapping(t, n)
	m.WriteAt(bytes.Repeat([]byte("<"), n), 0)
	b := &budget{limit: 64 << 20}
	hub := watch.New()
	hub.Budget = b
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, N: n, Interval: time.Hour, Format: watch.UTF8}})
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := next(t, sub)
	d := parse(t, msgs[0])
	if d.Text != strings.Repeat("<", n) {
		t.Fatalf("text of %d bytes, want %d '<'", len(d.Text), n)
	}
	if len(msgs[0].Data) > n+256 {
		t.Fatalf("a snapshot of %d '<' is %d bytes of JSON", n, len(msgs[0].Data))
	}
	if got, want := b.used(), 2*int64(n)+int64(len(msgs[0].Data)); got != want {
		t.Fatalf("budget in use %d, want the samples and the message exactly: %d", got, want)
	}
	msgs[0].Release()
	sub.Close()
	b.waitGiven(t)
}

// TestJoinLeaveRace: a subscriber that joins a source while its last subscriber leaves never ends up on a
// stopped sampler (a snapshot, then nothing for ever): it joins the running one, or starts a new one. Run
// with -cpu 2 (CI runs the tests with -race on two cores).
func TestJoinLeaveRace(t *testing.T) {
	_, m := newMapping(t, 64)
	hub := watch.New()
	src := []watch.Source{{Mapping: m, N: 64, Interval: time.Hour, Format: watch.Base64}}
	const rounds = 20000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the leaver: the source's only other subscriber, joining and leaving as fast as it can
		defer wg.Done()
		for range rounds {
			if sub, err := hub.Subscribe(src); err == nil {
				sub.Close()
			}
		}
	}()
	orphans := 0
	for range rounds {
		sub, err := hub.Subscribe(src)
		if err != nil {
			t.Fatal(err)
		}
		if watch.Orphaned(sub) {
			orphans++
		}
		sub.Close()
	}
	wg.Wait()
	if orphans > 0 {
		t.Fatalf("%d of %d joins attached to a stopped sampler", orphans, rounds)
	}
	if n := hub.Samplers(); n != 0 {
		t.Fatalf("%d samplers left running", n)
	}
}

// TestSamplerCaps: past MaxSamplers distinct sources, or past MaxSampleRate samples a second, Subscribe
// fails; a source already watched joins whatever the caps; event-driven samplers count nothing of the rate.
func TestSamplerCaps(t *testing.T) {
	reg, m := newMapping(t, 64)
	hub := watch.New()
	hub.MaxSamplers = 2
	hub.MaxSampleRate = 150 // one 10 ms sampler (100/s) fits, a second does not
	at := func(off int64, d time.Duration) []watch.Source {
		return []watch.Source{{Mapping: m, Off: off, N: 8, Interval: d, Format: watch.Base64}}
	}
	a, err := hub.Subscribe(at(0, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Subscribe(at(8, 10*time.Millisecond)); !errors.Is(err, watch.ErrSampleRate) {
		t.Fatalf("a second 10 ms sampler over a rate of 150/s: %v", err)
	}
	b, err := hub.Subscribe(at(8, time.Second)) // 1/s more: fits
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Subscribe(at(16, time.Second)); !errors.Is(err, watch.ErrTooManySamplers) {
		t.Fatalf("a third sampler with MaxSamplers 2: %v", err)
	}
	c, err := hub.Subscribe(at(0, 10*time.Millisecond)) // the same source as a: no new sampler
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	c.Close() // the last of a's sampler: its rate and its place are free again
	d, err := hub.Subscribe(at(16, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Subscribe(at(24, time.Second)); !errors.Is(err, watch.ErrTooManySamplers) {
		t.Fatalf("a third sampler with MaxSamplers 2: %v", err)
	}
	b.Close()
	// d (100/s) is running: another 10 ms sampler is over the rate, one that samples on an event is not.
	ev, _, err := reg.OpenEvent(shm.EventOptions{Name: m.Name() + "-ev", Mode: shm.Create, ManualReset: true})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.CloseEvent(ev.Name(), true)
	if _, err := hub.Subscribe(at(32, 10*time.Millisecond)); !errors.Is(err, watch.ErrSampleRate) {
		t.Fatalf("a second 10 ms sampler: %v", err)
	}
	e, err := hub.Subscribe([]watch.Source{{Mapping: m, Off: 32, N: 8, Event: ev, Format: watch.Base64}})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	d.Close()
	if hub.Samplers() != 0 {
		t.Fatalf("%d samplers left", hub.Samplers())
	}
}
