package api_test

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// watched follows a 64-byte stream's state and records the counter (uint32 at offset 0) after each message.
type watched struct {
	state  []byte
	counts []uint32
}

func (w *watched) apply(t *testing.T, e watchEvent) {
	switch e.typ {
	case "snapshot":
		w.state = b64(t, e.data.Data)
	case "change":
		for _, sp := range e.data.Spans {
			copy(w.state[sp.Offset:], b64(t, sp.Data))
		}
	default:
		t.Fatalf("unexpected %s %s", e.typ, e.raw)
	}
	w.counts = append(w.counts, binary.LittleEndian.Uint32(w.state))
}

// until reads s until the counter is n.
func (w *watched) until(t *testing.T, s *stream, n uint32) {
	t.Helper()
	reached := func() bool { return len(w.counts) > 0 && w.counts[len(w.counts)-1] == n }
	testutil.WaitFor(t, fmt.Sprintf("the counter to reach %d", n), func() error {
		if !reached() {
			w.apply(t, s.next())
		}
		if !reached() {
			return fmt.Errorf("saw %v", w.counts)
		}
		return nil
	})
}

// TestWatchNativeWriter: a native program (C: shm_open and shmbridge_sync.h on Linux, CreateFileMapping and
// SetEvent under Wine) writes a counter and 60 more bytes 50 times, setting a manual-reset event after each
// write. A stream sampling every 2 ms ends at the final state, never going back; a stream sampling on the event
// sees every one of the 50 states, in order; the event's state is left to the native program.
func TestWatchNativeWriter(t *testing.T) {
	b := newBridge(t, nil)
	n, ev := name(t, ""), name(t, "-tick")
	b.create(createBody(n, 4096, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": true}, 201)
	polled := b.watch(t, path(n, "/watch?interval=2ms&length=64"))
	driven := b.watch(t, path(n, "/watch?length=64&event="+url.QueryEscape(ev)))
	var p, d watched
	p.apply(t, polled.next())
	d.apply(t, driven.next())
	period := "20"
	if runtime.GOOS == "windows" {
		period = "40" // Wine's timers and wineserver round trips are coarser
	}
	out, err := syncPeer(t, "tick", peerName(n), peerName(ev), "50", period).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "DONE") {
		t.Fatalf("native writer: %v\n%s", err, out)
	}
	p.until(t, polled, 50)
	d.until(t, driven, 50)
	for i := 1; i < len(p.counts); i++ {
		if p.counts[i] < p.counts[i-1] {
			t.Fatalf("the sampled stream went back: %v", p.counts)
		}
	}
	for i, c := range d.counts[1:] {
		if c != uint32(i+1) {
			t.Fatalf("the event-driven stream saw %v, want every count 1..50 once", d.counts[1:])
		}
	}
	if d.state[63] != 50 {
		t.Fatalf("the last byte written: %d", d.state[63])
	}
}

// TestWatchNativeWriterNoEvent: the same writer without an event, 100 ticks 5 ms apart, watched at 1 ms by
// several streams sharing one sampler: each ends at the final state.
func TestWatchNativeWriterNoEvent(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	var streams []*stream
	var ws []*watched
	for range 5 {
		s := b.watch(t, path(n, "/watch?interval=1ms&length=64"))
		w := &watched{}
		w.apply(t, s.next())
		streams, ws = append(streams, s), append(ws, w)
	}
	out, err := syncPeer(t, "tick", peerName(n), "-", "100", strconv.Itoa(5)).CombinedOutput()
	if err != nil {
		t.Fatalf("native writer: %v\n%s", err, out)
	}
	for i, s := range streams {
		ws[i].until(t, s, 100)
	}
}
