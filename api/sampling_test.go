package api_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// rateBridge keeps recordings and caps the samples a second at rate.
func rateBridge(t *testing.T, rate float64) *bridge {
	t.Helper()
	store, err := record.Open(testutil.TempDir(t), record.Options{Budget: 64 << 20, MaxActive: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
		c.Recordings, c.MaxSampleRate = store, rate
	})
}

func wantTooManySamplers(t *testing.T, b *bridge, p string, body map[string]any) {
	t.Helper()
	resp, data := b.do("POST", p, strings.NewReader(mustJSON(body)), "Content-Type", "application/json")
	expect(t, resp, data, 429)
	wantProblem(t, data, "too-many-samplers", "-max-sample-rate")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

// TestRecordingsCountSampleRate: recordings and replays count against -max-sample-rate as watches do, a copy
// one sample for each 64 KiB: a 1 MiB recording at 10 ms counts 1600 a second; past the cap, 429
// too-many-samplers, as a watch would get.
func TestRecordingsCountSampleRate(t *testing.T) {
	b := rateBridge(t, 3000)
	n, small := name(t, ""), name(t, "-small")
	b.create(createBody(n, 1<<20, ""))
	b.create(createBody(small, 64, ""))
	rec := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": small, "interval": "1ms"}, 201))
	b.post(t, "/v1/recordings/"+rec.ID+"/stop", nil, 200)
	big := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "10ms"}, 201)) // 1600
	wantTooManySamplers(t, b, "/v1/recordings", map[string]any{"mapping": n, "interval": "10ms"})
	// A replay of one frame, looped, writes it each millisecond: 1000 more.
	b.post(t, path(small, "/replay"), map[string]any{"recording": rec.ID, "loop": true}, 202)
	wantTooManySamplers(t, b, "/v1/recordings", map[string]any{"mapping": small, "interval": "2ms"})
	b.send(t, "DELETE", path(small, "/replay"), 200)
	again := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": small, "interval": "2ms"}, 201))
	b.post(t, "/v1/recordings/"+again.ID+"/stop", nil, 200)
	// Watches and recordings share the cap.
	s := b.watch(t, path(small, "/watch?interval=1ms")) // 2600
	s.next()
	wantTooManySamplers(t, b, "/v1/recordings", map[string]any{"mapping": small, "interval": "2ms"})
	if code := b.watchStatus(t, path(small, "/watch?interval=2ms")); code != 429 {
		t.Errorf("a watch past the cap, with a recording under way: %d", code)
	}
	s.close()
	b.post(t, "/v1/recordings/"+big.ID+"/stop", nil, 200)
	// A replay of one frame of 1 MiB, looped, would copy it each millisecond: 16,000 a second.
	wantTooManySamplers(t, b, path(n, "/replay"), map[string]any{"recording": big.ID, "loop": true})
}

// TestReplaySpeedRange: a speed out of range is 400, not a replay whose pacing overflows to full speed.
func TestReplaySpeedRange(t *testing.T) {
	b := rateBridge(t, 0)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	rec := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "1ms"}, 201))
	b.post(t, "/v1/recordings/"+rec.ID+"/stop", nil, 200)
	for _, speed := range []float64{1e-300, 0.0009, -1, 1001, 1e300} {
		data := b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID, "speed": speed}, 400)
		wantProblem(t, data, "invalid-request", "speed")
	}
	b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID, "speed": 0.001}, 202)
	b.replayUntil(t, n, "done")
}

// TestLoopedReplayReadsHeaderOnce: a looped replay reads its file's header (here with a layout of 240 KB in
// it) once, not on every pass: what a pass allocates does not grow with the header.
func TestLoopedReplayReadsHeaderOnce(t *testing.T) {
	b := rateBridge(t, 0)
	src := "meta:\n  id: big\ndoc: " + strings.Repeat("x", 240<<10) + "\nseq:\n  - id: a\n    type: u1\n"
	b.putLayout(t, "big", src, 201)
	n := name(t, "")
	b.create(createBody(n, 64, `,"layout":"big"`))
	rec := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "1ms"}, 201))
	b.post(t, "/v1/recordings/"+rec.ID+"/stop", nil, 200)
	b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID, "loop": true, "speed": 1000}, 202)
	loops := func() int64 { return decode[api.Replay](t, b.getOK(t, path(n, "/replay"))).Loops }
	testutil.WaitFor(t, "the replay to loop", func() bool { return loops() >= 5 })
	var a, z runtime.MemStats
	runtime.ReadMemStats(&a)
	l0 := loops()
	testutil.WaitFor(t, "50 more passes", func() bool { return loops() >= l0+50 })
	runtime.ReadMemStats(&z)
	l1 := loops()
	b.send(t, "DELETE", path(n, "/replay"), 200)
	if per := (z.TotalAlloc - a.TotalAlloc) / uint64(l1-l0); per > 300<<10 {
		t.Errorf("a pass allocates %d KiB: its 240 KB header read again", per>>10)
	}
}
