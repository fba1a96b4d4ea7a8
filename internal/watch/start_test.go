package watch_test

import (
	"sync"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// within fails the test unless f returns within a generous bound: a hang, not a slow machine.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: still waiting after 30 s", what)
	}
}

// TestFirstDecodeOutsideTheLock: while a decoded sampler's first sample is held (its frame's version read
// blocks), the hub serves everyone else: another source is subscribed to and left, and the hub answers its
// counts. A second subscriber of the held source waits for that sampler and joins it rather than starting
// another.
func TestFirstDecodeOutsideTheLock(t *testing.T) {
	_, m := newMapping(t, 64)
	l, err := layout.Compile([]byte("meta:\n  id: t\nseq:\n  - id: a\n    type: u1\n"), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hold := func(registry.Frame) (uint64, bool) {
		once.Do(func() { close(entered); <-release })
		return 0, false
	}
	sel, _ := layout.ParseSelection("")
	d := &watch.Decoding{Layout: l, ID: "t", Sel: sel, Frame: registry.FrameOptions{N: 64}, FrameVersion: hold, MaxJSON: 1 << 20}
	decoded := []watch.Source{{Mapping: m, Interval: time.Hour, Decode: d}}
	hub := watch.New()
	first := make(chan error, 2)
	subs := make(chan *watch.Subscriber, 2)
	subscribe := func() {
		sub, err := hub.Subscribe(decoded)
		first <- err
		subs <- sub
	}
	go subscribe()
	<-entered
	go subscribe() // the same source, while its first sample is held
	within(t, "another source while a first decode is held", func() {
		sub, err := hub.Subscribe([]watch.Source{{Mapping: m, N: 64, Interval: time.Hour, Format: watch.Base64}})
		if err != nil {
			t.Error(err)
			return
		}
		<-sub.Ready() // its snapshot
		if n := hub.Samplers(); n != 1 {
			t.Errorf("%d samplers running, want the raw one", n)
		}
		sub.Close()
		hub.Watchers()
	})
	close(release)
	var held []*watch.Subscriber
	within(t, "the held subscriptions", func() {
		for range 2 {
			if err := <-first; err != nil {
				t.Error(err)
				return
			}
			sub := <-subs
			held = append(held, sub)
			<-sub.Ready() // its snapshot
		}
	})
	for _, sub := range held {
		defer sub.Close()
	}
	if n := hub.Samplers(); n != 1 {
		t.Errorf("%d samplers for one decoded source, want 1", n)
	}
}
