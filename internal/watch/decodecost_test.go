package watch_test

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// costlyKsy reads n bytes one at a time: with n large, each decode runs to the step limit.
const costlyKsy = "meta:\n  id: costly\n  endian: le\nseq:\n  - id: n\n    type: u4\n  - id: items\n    type: item\n    repeat: expr\n    repeat-expr: n\n" +
	"types:\n  item:\n    seq:\n      - id: b\n        type: u1\n"

// TestDecodeCostBacksOff: decoded samplers at 1 ms whose frames run to the step limit (every sample decoded
// again: the frame fails, and a failing frame is decoded each time) spend together at most the hub's
// DecodeShare of a core decoding, as the decode times the hub measures say, however many there are.
func TestDecodeCostBacksOff(t *testing.T) {
	const size = 1 << 20
	_, m := newMapping(t, size)
	lim := layout.DefaultLimits
	lim.Steps = 2_000
	l, err := layout.Compile([]byte(costlyKsy), nil, lim)
	if err != nil {
		t.Fatal(err)
	}
	hub := watch.New()
	frame := registry.FrameOptions{N: size, Deadline: 25 * time.Millisecond, Retries: 100}
	var subs []*watch.Subscriber
	for _, fields := range []string{"n", "items", ""} { // three samplers: three selections
		sel, _ := layout.ParseSelection(fields)
		d := &watch.Decoding{Layout: l, ID: "costly", Fields: fields, Sel: sel, Frame: frame, MaxJSON: 16 << 20}
		sub, err := hub.Subscribe([]watch.Source{{Mapping: m, Interval: time.Millisecond, Decode: d}})
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		next(t, sub)
		subs = append(subs, sub)
	}
	// From now on every frame runs to the step limit.
	if _, err := m.WriteAt(binary.LittleEndian.AppendUint32(nil, 900_000), 0); err != nil {
		t.Fatal(err)
	}
	for _, sub := range subs {
		next(t, sub) // the error
	}
	// 300 decodes, a hundred of each sampler's: the window ends as a decode ends, before the wait that pays
	// for it, so that over a few decodes one slow one (preempted on a busy machine) weighs too much (30 decodes
	// measured 0.75 under Wine).
	d0, t0, n0 := hub.DecodeTime(), time.Now(), hub.Decodes()
	for hub.Decodes() < n0+300 {
		for _, sub := range subs {
			select {
			case <-sub.Ready():
				msgs, _ := sub.Next()
				for _, m := range msgs {
					m.Release()
				}
			default:
			}
		}
		runtime.Gosched()
		if time.Since(t0) > time.Minute {
			t.Fatalf("%d decodes in a minute", hub.Decodes()-n0)
		}
	}
	spent, took := hub.DecodeTime()-d0, time.Since(t0)
	t.Logf("%d decodes of %v each: %v of decoding in %v", hub.Decodes()-n0, spent/time.Duration(hub.Decodes()-n0), spent, took)
	// 0.5 of a core, and the slack of the decodes under way at either end.
	if share := float64(spent) / float64(took); share > 0.7 {
		t.Errorf("the decoded samplers decoded %.2f of the time (%v in %v), want at most 0.5", share, spent, took)
	}
}
