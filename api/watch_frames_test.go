package api_test

import (
	"bytes"
	"testing"
)

// TestWatchFrames: as=frames&layout=ID is a stream of bytes whose every sample is one consistent frame, copied
// by the layout's protocol: a write the seqlock says is not finished is not sent; the parameters of a range,
// a mutex or fields are refused, and so is the stream of several mappings.
func TestWatchFrames(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 64, ""))
	v := native(t, n)
	v.WriteAt(telemetryFrame(), 0)
	s := b.watch(t, path(n, "/watch?as=frames&layout=telemetry&interval=2ms"))
	e := s.next()
	frame := b64(t, e.data.Data)
	if e.typ != "snapshot" || !bytes.Equal(frame, telemetryFrame()) {
		t.Fatalf("the first frame, whole (56 bytes, not the mapping's 64): %s", e.raw)
	}
	v.WriteAt(u4(3), 0) // the producer begins a write
	v.WriteAt(f4(99), 4)
	v.WriteAt(u4(4), 0) // and ends it
	e = s.next()
	if e.typ != "change" || len(e.data.Spans) != 1 {
		t.Fatalf("the next frame: %s", e.raw)
	}
	copy(frame[e.data.Spans[0].Offset:], b64(t, e.data.Spans[0].Data))
	if !bytes.Equal(frame[:8], append(u4(4), f4(99)...)) {
		t.Fatalf("the next frame %x: a counter odd was sent, or half a frame", frame[:8])
	}
	for q, detail := range map[string]string{
		"as=frames":                             "give layout=ID",
		"as=frames&layout=telemetry&offset=4":   "offset does not apply",
		"as=frames&layout=telemetry&fields=seq": "fields does not apply",
		"as=frames&layout=telemetry&lock=m":     "lock does not apply",
	} {
		resp, data := b.do("GET", path(n, "/watch?"+q), nil, "Invalid", "on purpose")
		expect(t, resp, data, 400)
		if !bytes.Contains(data, []byte(detail)) {
			t.Errorf("?%s: %s, want %q", q, data, detail)
		}
	}
	resp, data := b.do("GET", "/v1/watch?mapping="+n+"&as=frames", nil, "Invalid", "on purpose")
	expect(t, resp, data, 400)
}
