package api_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/shm"
)

// f4 is v as the 4 bytes of a little-endian f4.
func f4(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }

// u4 is v as the 4 bytes of a little-endian u4.
func u4(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// fieldsOf is a decoded message's fields as generic JSON (numbers as float64).
func fieldsOf(t *testing.T, e watchEvent) map[string]any {
	t.Helper()
	var d struct {
		Fields map[string]any `json:"fields"`
	}
	if err := json.Unmarshal([]byte(e.raw), &d); err != nil {
		t.Fatal(err)
	}
	return d.Fields
}

// TestWatchFields: a decoded stream is a snapshot of the selected fields, then only the fields that changed, at
// their paths; each message is one consistent frame (the seqlock), says how many frames the producer made
// since the previous one, and a write the seqlock says is not finished is not seen.
func TestWatchFields(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, ""))
	v := native(t, n)
	v.WriteAt(telemetryFrame(), 0) // seq 2
	s := b.watch(t, path(n, "/watch?layout=telemetry&interval=2ms"))
	e := s.next()
	f := fieldsOf(t, e)
	if e.typ != "snapshot" || e.data.Layout != "telemetry" || e.data.Version == nil || *e.data.Version != 2 ||
		f["speed"] != 50.0 || f["gear"] != "reverse" || f["driver"] != "Ayrton" || f["kmh"] != 180.0 {
		t.Fatalf("snapshot: %s %s", e.typ, e.raw)
	}
	// Three frames, the last with a new speed: the counter is written last, so a sample in between sees the
	// old counter and is not a change (with a seqlock, the same counter is the same frame).
	v.WriteAt(f4(60), 4)
	v.WriteAt(u4(8), 0)
	e = s.next()
	f = fieldsOf(t, e)
	if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames != 3 || *e.data.Version != 8 || len(f) != 3 ||
		f["speed"] != 60.0 || f["kmh"] != 216.0 || f["seq"] != 8.0 {
		t.Fatalf("after three frames: %s %s", e.typ, e.raw)
	}
	// A write in progress (odd counter) is never sampled; once done, it comes whole.
	v.WriteAt(u4(9), 0)
	v.WriteAt(f4(70), 4)
	v.WriteAt(f4(8000), 8)
	v.WriteAt(u4(10), 0)
	e = s.next()
	f = fieldsOf(t, e)
	if e.typ != "fields" || *e.data.Frames != 1 || f["speed"] != 70.0 || f["rpm"] != 8000.0 {
		t.Fatalf("after a frame written in steps: %s %s", e.typ, e.raw)
	}

	// A selection: only its fields, and a change outside it is no message.
	sel := b.watch(t, path(n, "/watch?layout=telemetry&interval=2ms&fields=gear,sectors"))
	if e := sel.next(); e.typ != "snapshot" || !strings.Contains(e.raw, `"fields":{"gear":"reverse","sectors":[1,2,3,4]}`) {
		t.Fatalf("selected snapshot: %s", e.raw)
	}
	v.WriteAt(f4(80), 4) // speed: not selected
	v.WriteAt(u4(12), 0)
	v.WriteAt(u4(13), 0)
	v.WriteAt([]byte{9}, 53) // sectors[1]: an array of scalars travels whole
	v.WriteAt(u4(14), 0)
	e = sel.next()
	if e.typ != "fields" || *e.data.Frames != 2 || !strings.Contains(e.raw, `"fields":{"sectors":[1,9,3,4]}`) {
		t.Fatalf("selected change: %s", e.raw)
	}
}

// TestWatchFieldsPatch: nested types change by key, arrays of structs by item index; the patch applied to
// the snapshot is the state (checked against GET …/fields).
func TestWatchFieldsPatch(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "cars", `meta:
  id: cars
  endian: le
seq:
  - id: session
    type: session
  - id: cars
    type: car
    repeat: expr
    repeat-expr: 3
types:
  session:
    seq:
      - id: lap
        type: u2
      - id: name
        type: strz
        size: 6
        encoding: ASCII
  car:
    seq:
      - id: id
        type: u1
      - id: speed
        type: f4
`, 201)
	n := name(t, "")
	b.create(createBody(n, 8+15, `,"layout":"cars"`))
	v := native(t, n)
	v.WriteAt([]byte("\x01\x00monza\x00\x07\x00\x00\x00\x00\x08\x00\x00\x00\x00\x09\x00\x00\x00\x00"), 0)
	s := b.watch(t, path(n, "/watch?layout=&interval=2ms")) // empty: the mapping's default layout
	e := s.next()
	// The cars are packed (an f4 right after a u1): the stream says so first, once.
	if e.typ != "warnings" || len(e.data.Warnings) != 1 || e.data.Warnings[0].Field != "cars[0].speed" {
		t.Fatalf("first: %s", e.raw)
	}
	e = s.next()
	state := fieldsOf(t, e)
	if e.typ != "snapshot" || e.data.Version != nil || e.data.Layout != "cars" {
		t.Fatalf("snapshot: %s", e.raw)
	}
	v.WriteAt(f4(33), 8+5+1) // cars[1].speed
	e = s.next()
	if !strings.Contains(e.raw, `"fields":{"cars":{"1":{"speed":33}}}`) || e.data.Frames != nil {
		t.Fatalf("a car's speed: %s", e.raw)
	}
	merge(state, fieldsOf(t, e))
	v.WriteAt([]byte("\x02\x00spa\x00"), 0)
	e = s.next()
	if !strings.Contains(e.raw, `"fields":{"session":{"lap":2,"name":"spa"}}`) {
		t.Fatalf("the session: %s", e.raw)
	}
	merge(state, fieldsOf(t, e))
	var want map[string]any
	json.Unmarshal(b.getOK(t, path(n, "/fields")), &want)
	if got, _ := json.Marshal(state); string(got) != mustJSON(want) {
		t.Fatalf("the snapshot patched is\n%s\nGET …/fields answers\n%s", got, mustJSON(want))
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// merge applies a fields message to a state, as WatchData.fields says a client does.
func merge(dst map[string]any, patch map[string]any) {
	for k, v := range patch {
		dst[k] = mergeValue(dst[k], v)
	}
}

func mergeValue(dst, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	switch d := dst.(type) {
	case map[string]any:
		merge(d, p)
		return d
	case []any:
		for k, v := range p {
			var i int
			json.Unmarshal([]byte(k), &i)
			d[i] = mergeValue(d[i], v)
		}
		return d
	}
	return patch
}

// TestWatchFieldsFrame: with a frame field, a sample whose frame did not change is not a change, even if
// other bytes did (the producer writes the frame field last).
func TestWatchFieldsFrame(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "acc", "meta:\n  id: acc\n  endian: le\n  -shmbridge:\n    consistency:\n      frame: packet_id\nseq:\n  - id: packet_id\n    type: s4\n  - id: gas\n    type: f4\n", 201)
	n := name(t, "")
	b.create(createBody(n, 8, ""))
	v := native(t, n)
	v.WriteAt(u4(42), 0)
	s := b.watch(t, path(n, "/watch?layout=acc&interval=2ms"))
	if e := s.next(); e.typ != "snapshot" || *e.data.Version != 42 {
		t.Fatalf("snapshot: %s", e.raw)
	}
	v.WriteAt(f4(0.5), 4) // not a frame yet: had it been sent, the next message would hold gas alone
	v.WriteAt(u4(45), 0)
	if e := s.next(); e.typ != "fields" || *e.data.Frames != 3 || !strings.Contains(e.raw, `"fields":{"packet_id":45,"gas":0.5}`) {
		t.Fatalf("the frame: %s", e.raw)
	}
}

// TestWatchFieldsError: a frame that stops decoding is said once (an error message naming the field and
// offset); the stream goes on, and the first frame that decodes again comes as a snapshot. A first frame that
// does not decode is 422 before the stream starts.
func TestWatchFieldsError(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "magic", "meta:\n  id: magic\n  endian: le\nseq:\n  - id: magic\n    type: u4\n    valid: 0x11223344\n  - id: value\n    type: u4\n", 201)
	n := name(t, "")
	b.create(createBody(n, 8, ""))
	resp, data := b.do("GET", path(n, "/watch?layout=magic"), nil)
	expect(t, resp, data, 422)
	wantProblem(t, data, "decode-failed")
	v := native(t, n)
	v.WriteAt(u4(0x11223344), 0)
	s := b.watch(t, path(n, "/watch?layout=magic&interval=2ms"))
	if e := s.next(); e.typ != "snapshot" {
		t.Fatalf("snapshot: %s", e.raw)
	}
	v.WriteAt(u4(1), 0)
	e := s.next()
	if e.typ != "error" || e.data.Error == nil || e.data.Error.Kind != "decode-failed" || e.data.Error.Path != "magic" ||
		e.data.Error.Offset == nil || *e.data.Error.Offset != 0 {
		t.Fatalf("a frame that does not decode: %s %s", e.typ, e.raw)
	}
	late := b.watch(t, path(n, "/watch?layout=magic&interval=2ms")) // joins while it fails: hears why first
	if e := late.next(); e.typ != "error" {
		t.Fatalf("a stream that joins a failing one: %s %s", e.typ, e.raw)
	}
	v.WriteAt(u4(7), 4) // still failing: not said again
	v.WriteAt(u4(0x11223344), 0)
	for _, st := range []*stream{s, late} {
		if e := st.next(); e.typ != "snapshot" || !strings.Contains(e.raw, `"fields":{"magic":287454020,"value":7}`) {
			t.Fatalf("decoding again: %s %s", e.typ, e.raw)
		}
	}
}

// TestWatchFieldsShared: streams of the same mapping, layout, selection and interval share one sampler (one
// decode, one encoding per frame); another selection is another sampler.
func TestWatchFieldsShared(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, ""))
	native(t, n).WriteAt(telemetryFrame(), 0)
	p := path(n, "/watch?layout=telemetry&interval=5ms&fields=speed")
	var streams []*stream
	for range 3 {
		streams = append(streams, b.watch(t, p))
	}
	b.watch(t, path(n, "/watch?layout=telemetry&interval=5ms&fields=rpm")).next()
	var raws []string
	for _, s := range streams {
		raws = append(raws, s.next().raw)
	}
	if raws[0] != raws[1] || raws[1] != raws[2] {
		t.Fatalf("three streams of one sampler sent different snapshots:\n%s", strings.Join(raws, "\n"))
	}
	if got := value(b.scrape(), "shmbridge_watch_samplers", nil); got != 2 {
		t.Fatalf("%v samplers for two selections", got)
	}
}

// TestWatchMixed: /v1/watch decodes the mappings a layout= follows, and streams the others' bytes.
func TestWatchMixed(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	a, c := name(t, "-a"), name(t, "-c")
	b.create(createBody(a, 56, ""))
	b.create(createBody(c, 4, ""))
	native(t, a).WriteAt(telemetryFrame(), 0)
	s := b.watch(t, "/v1/watch?mapping="+url.QueryEscape(a)+"&layout=telemetry&fields=driver&mapping="+url.QueryEscape(c)+"&interval=2ms")
	got := map[string]string{}
	for range 2 {
		e := s.next()
		got[e.data.Mapping] = e.raw
	}
	if !strings.Contains(got[a], `"fields":{"driver":"Ayrton"}`) || !strings.Contains(got[c], `"data":"AAAAAA=="`) {
		t.Fatalf("snapshots: %v", got)
	}
	for _, bad := range []string{
		"/v1/watch?layout=telemetry&mapping=" + url.QueryEscape(a),                       // before its mapping
		"/v1/watch?mapping=" + url.QueryEscape(a) + "&layout=telemetry&layout=telemetry", // twice
		"/v1/watch?mapping=" + url.QueryEscape(a) + "&fields=speed",                      // no layout
	} {
		resp, data := b.do("GET", bad, nil, "Invalid", "on purpose")
		expect(t, resp, data, 400)
	}
}

// TestWatchFieldsRefused: what does not apply to a decoded stream, or to a raw one, is 400; an unknown
// parameter too; an unknown layout 404.
func TestWatchFieldsRefused(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, ""))
	for q, status := range map[string]int{
		"layout=telemetry&offset=4": 400, "layout=telemetry&format=hex": 400, "layout=telemetry&full=true": 400,
		"layout=telemetry&lock=x": 400, "fields=speed": 400, "layout=telemetry&fields=no-such": 400,
		"layout=nope": 404, "layout=": 400, "lenght=4": 400, "full=maybe": 400, "lock_timeout=1s": 400,
	} {
		resp, data := b.do("GET", path(n, "/watch?"+q), nil, "Invalid", "on purpose")
		if resp.StatusCode != status {
			t.Errorf("?%s: %d %s, want %d", q, resp.StatusCode, data, status)
		}
	}
}

// TestWatchRawOptions: ?full=true sends the whole range in every change; ?lock=MUTEX copies each sample under
// the mutex, so a stream cannot start while another program holds it.
func TestWatchRawOptions(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 8, ""))
	s := b.watch(t, path(n, "/watch?full=true&offset=2&length=4&interval=2ms"))
	s.next()
	native(t, n).WriteAt([]byte("x"), 3)
	if e := s.next(); e.typ != "change" || e.data.Offset == nil || *e.data.Offset != 2 || string(b64(t, e.data.Data)) != "\x00x\x00\x00" || e.data.Spans != nil {
		t.Fatalf("a full change: %s", e.raw)
	}

	m := name(t, "-mutex")
	b.post(t, "/v1/mutexes", map[string]any{"name": m}, 201)
	other, err := shm.OpenMutex(shm.MutexOptions{Name: m, Mode: shm.OpenExisting})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	unlock, _, err := other.Lock(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	lock := path(n, "/watch?lock="+url.QueryEscape(m)+"&lock_timeout=50ms")
	resp, data := b.do("GET", lock, nil)
	expect(t, resp, data, 423)
	wantProblem(t, data, "locked")
	unlock()
	ls := b.watch(t, lock+"&interval=2ms")
	ls.next()
	native(t, n).WriteAt([]byte("y"), 0)
	if e := ls.next(); e.typ != "change" || e.data.Spans[0].Offset != 0 {
		t.Fatalf("a change under the lock: %s", e.raw)
	}
	resp, data = b.do("GET", path(n, "/watch?lock=no-such-mutex"), nil)
	expect(t, resp, data, 404)
}

// TestWatchFieldsTorn: a producer stuck mid-write (its seqlock counter odd) is said once it lasts (an error of
// kind inconsistent, not on the first torn sample), and the first whole frame after it comes as a snapshot.
func TestWatchFieldsTorn(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, ""))
	v := native(t, n)
	v.WriteAt(telemetryFrame(), 0)
	s := b.watch(t, path(n, "/watch?layout=telemetry&fields=seq,speed&interval=5ms"))
	s.next()
	v.WriteAt(u4(3), 0) // a write begun, never finished
	start := time.Now()
	e := s.next()
	if e.typ != "error" || e.data.Error == nil || e.data.Error.Kind != "inconsistent" {
		t.Fatalf("a producer stuck mid-write: %s %s", e.typ, e.raw)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("said after %v: a torn sample is not news until it lasts a second", waited)
	}
	v.WriteAt(f4(99), 4)
	v.WriteAt(u4(4), 0)
	if e := s.next(); e.typ != "snapshot" || !strings.Contains(e.raw, `"fields":{"seq":4,"speed":99}`) {
		t.Fatalf("after the write ended: %s %s", e.typ, e.raw)
	}
}
