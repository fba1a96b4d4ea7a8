package watch_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/internal/watch"
	"github.com/shmbridge/shmbridge/shm"
)

func TestMain(m *testing.M) { os.Exit(testutil.RunChecked(m)) }

type msgData struct {
	Mapping string `json:"mapping"`
	Seq     uint64 `json:"seq"`
	At      string `json:"at"`
	Offset  *int64 `json:"offset"`
	Data    string `json:"data"`
	Text    string `json:"text"`
	Spans   []struct {
		Offset int64  `json:"offset"`
		Data   string `json:"data"`
	} `json:"spans"`
	Reason string `json:"reason"`
}

func parse(t *testing.T, m *watch.Message) msgData {
	t.Helper()
	var d msgData
	if err := json.Unmarshal([]byte(m.Data), &d); err != nil {
		t.Fatalf("%s: %v", m.Data, err)
	}
	if _, err := time.Parse(time.RFC3339Nano, d.At); err != nil {
		t.Fatalf("at %q: %v", d.At, err)
	}
	return d
}

func newMapping(t *testing.T, size int64) (*registry.Registry, *registry.Mapping) {
	t.Helper()
	reg := registry.New(nil)
	name := fmt.Sprintf("shmbridge-watch-%d-%s", os.Getpid(), t.Name())
	m, _, err := reg.OpenMapping(shm.Options{Name: name, Size: size, Mode: shm.Create})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.CloseMapping(name, true) })
	return reg, m
}

// native opens m's object as another program would, with a view of its own: what it writes goes below the
// registry, and only a sampler sees it.
func native(t *testing.T, m *registry.Mapping) *shm.Mapping {
	t.Helper()
	v, err := shm.Open(shm.Options{Name: m.Name(), Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// next waits for messages from sub.
func next(t *testing.T, sub *watch.Subscriber) ([]*watch.Message, bool) {
	t.Helper()
	select {
	case <-sub.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5 s")
	}
	return sub.Next()
}

// apply rebuilds the watched bytes from a stream's messages.
func apply(t *testing.T, state []byte, base int64, m *watch.Message) []byte {
	d := parse(t, m)
	switch m.Type {
	case "snapshot":
		b, _ := base64.StdEncoding.DecodeString(d.Data)
		return b
	case "change":
		for _, sp := range d.Spans {
			b, _ := base64.StdEncoding.DecodeString(sp.Data)
			copy(state[sp.Offset-base:], b)
		}
	}
	return state
}

// TestSnapshotThenChanges: a subscriber gets the state first, then only the changed runs at absolute offsets,
// with an increasing seq; a write through anything (here the OS layer itself) is seen.
func TestSnapshotThenChanges(t *testing.T) {
	_, m := newMapping(t, 4096)
	m.WriteAt([]byte("hello"), 100)
	hub := watch.New()
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, Off: 64, N: 1024, Interval: time.Millisecond, Format: watch.Base64}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msgs, _ := next(t, sub)
	if len(msgs) != 1 || msgs[0].Type != "snapshot" {
		t.Fatalf("first messages: %v", msgs)
	}
	d := parse(t, msgs[0])
	state := apply(t, nil, 64, msgs[0])
	if d.Offset == nil || *d.Offset != 64 || len(state) != 1024 || string(state[36:41]) != "hello" || d.Mapping != m.Name() {
		t.Fatalf("snapshot %+v", d)
	}
	other := native(t, m)
	other.WriteAt([]byte("HE"), 100)
	other.WriteAt([]byte("!"), 1000)
	msgs, _ = next(t, sub)
	if len(msgs) != 1 || msgs[0].Type != "change" {
		t.Fatalf("after a write: %v", msgs)
	}
	c := parse(t, msgs[0])
	if c.Seq <= d.Seq || len(c.Spans) != 2 || c.Spans[0].Offset != 100 || c.Spans[1].Offset != 1000 {
		t.Fatalf("change %+v after snapshot seq %d", c, d.Seq)
	}
	state = apply(t, state, 64, msgs[0])
	if string(state[36:41]) != "HEllo" || state[1000-64] != '!' {
		t.Fatalf("state after the change: %q", state[36:41])
	}
	if m.LastChange().IsZero() {
		t.Error("the mapping's last change is not recorded")
	}
}

// TestOneSamplerPerSource: subscribers of the same source share its sampler; it stops with the last one.
func TestOneSamplerPerSource(t *testing.T) {
	_, m := newMapping(t, 4096)
	hub := watch.New()
	src := watch.Source{Mapping: m, N: 4096, Interval: time.Millisecond, Format: watch.Base64}
	var subs []*watch.Subscriber
	for range 100 {
		sub, err := hub.Subscribe([]watch.Source{src})
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	other := src
	other.Format = watch.Hex
	sub, err := hub.Subscribe([]watch.Source{other, src})
	if err != nil {
		t.Fatal(err)
	}
	if n := hub.Samplers(); n != 2 {
		t.Fatalf("101 subscribers of 2 sources: %d samplers", n)
	}
	if n := hub.Watchers(); n != 101 {
		t.Fatalf("%d watchers, want 101", n)
	}
	sub.Close()
	for _, s := range subs {
		s.Close()
	}
	if n, w := hub.Samplers(), hub.Watchers(); n != 0 || w != 0 {
		t.Fatalf("after every subscriber left: %d samplers, %d watchers", n, w)
	}
}

// TestSlowSubscriber: a subscriber that stops reading neither holds up the sampler nor another subscriber, and
// its queue stays bounded; when it reads again it gets the current state as a snapshot.
func TestSlowSubscriber(t *testing.T) {
	_, m := newMapping(t, 64)
	hub := watch.New()
	src := watch.Source{Mapping: m, N: 64, Interval: time.Millisecond, Format: watch.Base64}
	slow, err := hub.Subscribe([]watch.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	next(t, slow) // its snapshot: from here on it is sent changes, and stops reading them
	fast, err := hub.Subscribe([]watch.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	var state []byte
	for i := range 300 {
		m.WriteAt([]byte(fmt.Sprintf("%08d", i)), 0)
		// the fast subscriber sees every state it is sampled in, and the last one
		deadline := time.Now().Add(5 * time.Second)
		for string(state[:min(8, len(state))]) != fmt.Sprintf("%08d", i) {
			if time.Now().After(deadline) {
				t.Fatalf("write %d: the fast subscriber has %q", i, state[:8])
			}
			msgs, _ := next(t, fast)
			for _, msg := range msgs {
				state = apply(t, state, 0, msg)
			}
		}
	}
	if hub.Behind() == 0 {
		t.Error("Behind() counts no subscriber that fell behind")
	}
	msgs, _ := slow.Next()
	if len(msgs) > hub.QueueLen+1 {
		t.Fatalf("the slow subscriber has %d messages waiting, more than its queue (%d)", len(msgs), hub.QueueLen)
	}
	var slowState []byte
	for _, msg := range msgs {
		slowState = apply(t, slowState, 0, msg)
	}
	if string(slowState[:8]) != "00000299" {
		t.Fatalf("the slow subscriber's state after reading again: %q", slowState[:8])
	}
}

// TestCloseEndsStreams: closing the mapping sends closed and ends the subscription; the sampler is gone.
func TestCloseEndsStreams(t *testing.T) {
	reg, m := newMapping(t, 64)
	hub := watch.New()
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, N: 64, Interval: time.Hour, Format: watch.Base64}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	next(t, sub) // the snapshot
	before := runtime.NumGoroutine()
	if _, err := reg.CloseMapping(m.Name(), true); err != nil {
		t.Fatal(err)
	}
	msgs, ended := next(t, sub)
	if len(msgs) != 1 || msgs[0].Type != "closed" || !ended || parse(t, msgs[0]).Reason != "closed" {
		t.Fatalf("after the close: %v, ended %v", msgs, ended)
	}
	if hub.Samplers() != 0 {
		t.Fatal("the sampler of a closed mapping still runs")
	}
	for deadline := time.Now().Add(time.Second); runtime.NumGoroutine() >= before && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if runtime.NumGoroutine() >= before {
		t.Error("the sampler's goroutine did not end")
	}
}

// TestHubClose: Close ends every stream still open with reason shutdown, and returns only once the samplers'
// goroutines have: none is left after it (an event-driven one and an interval one, watching a mapping).
func TestHubClose(t *testing.T) {
	// The hub's goroutines, by their frames (not by runtime.NumGoroutine: another test's may end meanwhile), and
	// only those started by this test: an earlier test's hub may still be winding down on a busy machine.
	const hubFrame = "shmbridge/internal/watch.("
	id := func(g string) string { return strings.Fields(g)[1] } // "goroutine 7 [select]:"; ids are never reused
	earlier := map[string]bool{}
	for _, g := range testutil.Goroutines() {
		earlier[id(g)] = true
	}
	ours := func() []string {
		return slices.DeleteFunc(testutil.Goroutines(), func(g string) bool { return earlier[id(g)] || !strings.Contains(g, hubFrame) })
	}
	hubs := func() bool { return len(ours()) > 0 }

	_, m := newMapping(t, 64)
	hub := watch.New()
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, N: 64, Interval: time.Hour, Format: watch.Base64}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	next(t, sub) // the snapshot
	if !hubs() {
		t.Fatal("no sampler goroutine runs")
	}
	hub.Close()
	// Close joined them: none waits on anything now; one past its Done may still be on its way out.
	for _, g := range ours() {
		if header, _, _ := strings.Cut(g, "\n"); !strings.Contains(header, "[running") && !strings.Contains(header, "[runnable") {
			t.Fatalf("a goroutine of the hub still waits after Close:\n%s", g)
		}
	}
	testutil.WaitFor(t, "the hub's goroutines to return", func() bool { return !hubs() })
	msgs, ended := next(t, sub)
	if len(msgs) != 1 || msgs[0].Type != "closed" || !ended || parse(t, msgs[0]).Reason != watch.ReasonShutdown {
		t.Fatalf("after Close: %v, ended %v", msgs, ended)
	}
}

// TestMaxWatchers: past the cap, Subscribe fails; a subscriber that leaves frees its place.
func TestMaxWatchers(t *testing.T) {
	_, m := newMapping(t, 64)
	hub := watch.New()
	hub.MaxWatchers = 2
	src := []watch.Source{{Mapping: m, N: 64, Interval: time.Millisecond, Format: watch.Base64}}
	a, _ := hub.Subscribe(src)
	b, _ := hub.Subscribe(src)
	if _, err := hub.Subscribe(src); err != watch.ErrTooManyWatchers {
		t.Fatalf("a third watcher: %v", err)
	}
	a.Close()
	c, err := hub.Subscribe(src)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	c.Close()
}

// TestText: a text source sends the whole text up to the first NUL when it changes.
func TestText(t *testing.T) {
	_, m := newMapping(t, 64)
	m.WriteAt([]byte("h\x00i\x00\x00\x00"), 0)
	hub := watch.New()
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, N: 64, Interval: time.Millisecond, Format: watch.UTF16LE}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	msgs, _ := next(t, sub)
	if d := parse(t, msgs[0]); d.Text != "hi" {
		t.Fatalf("snapshot text %q", d.Text)
	}
	m.WriteAt([]byte("o\x00"), 2)
	msgs, _ = next(t, sub)
	if d := parse(t, msgs[0]); msgs[0].Type != "change" || d.Text != "ho" {
		t.Fatalf("change %s %q", msgs[0].Type, d.Text)
	}
}
