package api_test

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// recordingBridge is a bridge whose recordings are kept in a directory of the test's.
func recordingBridge(t *testing.T, o record.Options) (*bridge, string) {
	t.Helper()
	dir := testutil.TempDir(t)
	if o.Budget == 0 {
		o.Budget = 64 << 20
	}
	o.MaxActive = max(o.MaxActive, 4)
	store, err := record.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	return newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Recordings = store }), dir
}

// recordingUntil polls the recording's state until ok holds, and answers it (the recorder runs on its own
// goroutine).
func (b *bridge) recordingUntil(t *testing.T, id string, what string, ok func(api.Recording) bool) api.Recording {
	t.Helper()
	var last api.Recording
	testutil.WaitFor(t, "recording "+id+" ("+what+")", func() error {
		for _, r := range decode[[]api.Recording](t, b.getOK(t, "/v1/recordings")) {
			if r.ID == id {
				last = r
			}
		}
		if !ok(last) {
			return fmt.Errorf("it is %+v", last)
		}
		return nil
	})
	return last
}

// replayUntil polls the replay into mapping until its state is state, and answers it.
func (b *bridge) replayUntil(t *testing.T, mapping, state string) api.Replay {
	t.Helper()
	var last api.Replay
	testutil.WaitFor(t, "the replay into "+mapping+" to be "+state, func() error {
		if last = decode[api.Replay](t, b.getOK(t, path(mapping, "/replay"))); last.State != state {
			return fmt.Errorf("it is %+v", last)
		}
		return nil
	})
	return last
}

// seqlockWrite writes speed (at 4) between the seqlock's two steps, as a producer does.
func seqlockWrite(v interface {
	WriteAt([]byte, int64) (int, error)
	ReadAt([]byte, int64) (int, error)
}, speed float32) uint32 {
	c := make([]byte, 4)
	v.ReadAt(c, 0)
	seq := binary.LittleEndian.Uint32(c)
	v.WriteAt(binary.LittleEndian.AppendUint32(nil, seq+1), 0)
	v.WriteAt(f4(speed), 4)
	v.WriteAt(binary.LittleEndian.AppendUint32(nil, seq+2), 0)
	return seq + 2
}

// TestRecordReplayExport: a layout's frames recorded (each one consistent by its seqlock, with its counter, one
// kept for each change), downloaded and read back without the daemon's help, exported as CSV and Parquet, and replayed into
// another mapping by the same protocol, ending with the last frame.
func TestRecordReplayExport(t *testing.T) {
	b, _ := recordingBridge(t, record.Options{})
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"telemetry"`))
	v := native(t, n)
	v.WriteAt(telemetryFrame(), 0) // seq 2, speed 50
	// At an interval, each write waited for until it is recorded: every frame kept, whatever the scheduling.
	// (Recording on an event: the docs' session, against both daemons.)
	rec := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "1ms"}, 201))
	if rec.Layout != "telemetry" || rec.Length != 56 || rec.Consistency != "seqlock" || rec.State != "recording" {
		t.Fatalf("started: %+v", rec)
	}
	b.recordingUntil(t, rec.ID, "has its first frame", func(r api.Recording) bool { return r.Frames == 1 })
	var seqs []uint32
	for i := 1; i <= 5; i++ {
		seqs = append(seqs, seqlockWrite(v, float32(50+i)))
		b.recordingUntil(t, rec.ID, fmt.Sprintf("has frame %d", i+1), func(r api.Recording) bool { return r.Frames == int64(i+1) })
	}
	stopped := decode[api.Recording](t, b.post(t, "/v1/recordings/"+rec.ID+"/stop", nil, 200))
	if stopped.State != "stopped" || stopped.Reason != "stopped" || stopped.Frames != 6 || stopped.Ended == nil {
		t.Fatalf("stopped: %+v", stopped)
	}

	// The file, read by the format alone.
	resp, file := b.do("GET", "/v1/recordings/"+rec.ID, nil)
	expect(t, resp, file, 200)
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.shmbridge.recording" {
		t.Errorf("Content-Type %q", ct)
	}
	rd, err := record.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if h := rd.Header(); h.Mapping != n || h.Layout != "telemetry" || !h.Counter || !strings.Contains(h.LayoutSource, "seqlock: seq") {
		t.Fatalf("header %+v", h)
	}
	for i := 0; i < 6; i++ {
		f, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		speed := math.Float32frombits(binary.LittleEndian.Uint32(f.Bytes[4:]))
		wantSeq := uint32(2)
		if i > 0 {
			wantSeq = seqs[i-1]
		}
		if speed != float32(50+i) || f.Counter != uint64(wantSeq) {
			t.Fatalf("frame %d: speed %v, counter %d (want %d)", i, speed, f.Counter, wantSeq)
		}
	}
	if _, err := rd.Next(); err != io.EOF || rd.End() == nil || rd.End().Frames != 6 {
		t.Fatalf("the end: %v %+v", err, rd.End())
	}

	// CSV: a header of paths, a row per frame.
	resp, data := b.do("GET", "/v1/recordings/"+rec.ID+"/fields?format=csv&fields=speed,gear,sectors[1]", nil)
	expect(t, resp, data, 200)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "time,frame,speed,gear,sectors[1]" || len(rows) != 7 {
		t.Fatalf("csv:\n%s", data)
	}
	if rows[1][2] != "50" || rows[6][2] != "55" || rows[6][3] != "reverse" || rows[6][1] != fmt.Sprint(seqs[4]) {
		t.Fatalf("csv rows:\n%s", data)
	}
	resp, data = b.do("GET", "/v1/recordings/"+rec.ID+"/fields", nil)
	expect(t, resp, data, 200)
	if head, _, _ := strings.Cut(string(data), "\n"); head != "time,frame,seq,speed,rpm,gear,driver,lap_time,flags,pit,level,pad,sectors[0],sectors[1],sectors[2],sectors[3],kmh" {
		t.Errorf("every field's header: %s", head)
	}

	// Parquet: typed columns, read back.
	resp, data = b.do("GET", "/v1/recordings/"+rec.ID+"/fields?format=parquet", nil)
	expect(t, resp, data, 200)
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != 6 {
		t.Fatalf("%d rows", pf.NumRows())
	}
	cols := map[string]parquet.Type{}
	for _, c := range pf.Schema().Columns() {
		leaf, _ := pf.Schema().Lookup(c...)
		cols[strings.Join(c, ".")] = leaf.Node.Type()
	}
	if cols["speed"].Kind() != parquet.Float || cols["gear"].Kind() != parquet.ByteArray || cols["seq"].Kind() != parquet.Int32 ||
		cols["flags"].Kind() != parquet.Boolean || cols["time"].Kind() != parquet.Int64 {
		t.Errorf("parquet columns: %v", cols)
	}
	type row struct {
		Speed *float32 `parquet:"speed"`
		Gear  *string  `parquet:"gear"`
		Frame uint64   `parquet:"frame"`
	}
	got, err := parquet.Read[row](bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if *got[0].Speed != 50 || *got[5].Speed != 55 || *got[5].Gear != "reverse" || got[5].Frame != uint64(seqs[4]) {
		t.Errorf("parquet rows: %+v", got)
	}

	// Replayed into another mapping, setting an event after each frame: its own seqlock goes on, the rest is
	// the last frame.
	dst, ev := name(t, "-dst"), name(t, "-frame")
	b.create(createBody(dst, 56, `,"layout":"telemetry"`))
	b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": true}, 201)
	p := decode[api.Replay](t, b.post(t, path(dst, "/replay"), map[string]any{"recording": rec.ID, "speed": 1000, "event": ev}, 202))
	if p.State != "playing" || p.Recording != rec.ID || p.Event != ev {
		t.Fatalf("replay: %+v", p)
	}
	done := b.replayUntil(t, dst, "done")
	if done.Frames != 6 || done.Ended == nil {
		t.Fatalf("replayed: %+v", done)
	}
	if e := decode[api.Event](t, b.getOK(t, eventPath(ev))); e.State != "signaled" {
		t.Errorf("the replay's event: %+v", e)
	}
	got1 := decode[map[string]any](t, b.getOK(t, path(dst, "/fields")))
	want := decode[map[string]any](t, b.getOK(t, path(n, "/fields")))
	if got1["speed"] != want["speed"] || got1["driver"] != "Ayrton" || got1["gear"] != "reverse" {
		t.Errorf("the mapping after the replay: %v, the source %v", got1, want)
	}
	if seq := got1["seq"].(float64); seq != 12 { // 0, then two steps for each of 6 frames
		t.Errorf("the replay's seqlock: %v, want 12 (its own counter, even)", seq)
	}

	// Looping, until stopped; then the same replay again.
	b.post(t, path(dst, "/replay"), map[string]any{"recording": rec.ID, "speed": 1000, "loop": true}, 202)
	b.post(t, path(dst, "/replay"), map[string]any{"recording": rec.ID}, 409)
	for decode[api.Replay](t, b.getOK(t, path(dst, "/replay"))).Loops < 2 {
	}
	if s := decode[api.Replay](t, b.send(t, "DELETE", path(dst, "/replay"), 200)); s.State != "stopped" {
		t.Errorf("stopped: %+v", s)
	}
}

func (b *bridge) send(t *testing.T, method, p string, status int) []byte {
	t.Helper()
	resp, data := b.do(method, p, nil)
	expect(t, resp, data, status)
	return data
}

// TestRecordingsRefused: what cannot be recorded, exported or replayed is a problem naming why, and leaves the
// recordings as they were; a damaged file is 422 naming the offset.
func TestRecordingsRefused(t *testing.T) {
	b, dir := recordingBridge(t, record.Options{})
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, ""))
	for _, c := range []struct {
		body   map[string]any
		status int
		detail string
	}{
		{map[string]any{"mapping": n, "layout": "telemetry", "offset": 0}, 400, "not both"},
		{map[string]any{"mapping": n, "interval": "10ms", "event": "x"}, 400, "not both"},
		{map[string]any{"mapping": n, "interval": "1us"}, 400, "interval"},
		{map[string]any{"mapping": n, "max_duration": "-1s"}, 400, "max_duration"},
		{map[string]any{"mapping": n, "offset": 40, "length": 40}, 416, ""},
		{map[string]any{"mapping": n, "layout": "nope"}, 404, ""},
		{map[string]any{"mapping": n + "-none"}, 404, ""},
		{map[string]any{"mapping": n, "event": n + "-no-event"}, 404, "POST /v1/events"},
	} {
		data := b.post(t, "/v1/recordings", c.body, c.status)
		if !strings.Contains(string(data), c.detail) {
			t.Errorf("%v: %s", c.body, data)
		}
	}
	resp, data := b.do("POST", "/v1/recordings", strings.NewReader(`{}`), "Content-Type", "application/json", "Invalid", "on purpose")
	expect(t, resp, data, 400)
	if l := decode[[]api.Recording](t, b.getOK(t, "/v1/recordings")); len(l) != 0 {
		t.Fatalf("refused, yet listed: %+v", l)
	}
	b.send(t, "GET", "/v1/recordings/r000000000000", 404)
	b.send(t, "POST", "/v1/recordings/r000000000000/stop", 404)
	b.send(t, "DELETE", "/v1/recordings/r000000000000", 404)

	// A range's recording: exported only by a layout named.
	rec := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "10ms"}, 201))
	if rec.Length != 56 || rec.Layout != "" || rec.Consistency != "none" {
		t.Fatalf("a range: %+v", rec)
	}
	b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID}, 409) // still recording
	b.post(t, "/v1/recordings/"+rec.ID+"/stop", nil, 200)
	if data := b.send(t, "GET", "/v1/recordings/"+rec.ID+"/fields", 400); !strings.Contains(string(data), "?layout=") {
		t.Errorf("no layout: %s", data)
	}
	b.send(t, "GET", "/v1/recordings/"+rec.ID+"/fields?layout=telemetry", 200)
	resp, data = b.do("GET", "/v1/recordings/"+rec.ID+"/fields?layout=telemetry&format=xml", nil, "Invalid", "on purpose")
	expect(t, resp, data, 400)
	b.send(t, "GET", "/v1/recordings/"+rec.ID+"/fields?layout=telemetry&fields=nope", 422) // as GET …/fields: the layout has no such field
	b.send(t, "GET", "/v1/recordings/"+rec.ID+"/fields?speed=1", 400)
	small := name(t, "-small")
	b.create(createBody(small, 16, ""))
	b.post(t, path(small, "/replay"), map[string]any{"recording": rec.ID}, 416)
	b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID, "speed": -1}, 400)
	resp, data = b.do("POST", path(n, "/replay"), strings.NewReader(`{}`), "Content-Type", "application/json", "Invalid", "on purpose")
	expect(t, resp, data, 400)
	b.send(t, "GET", path(n, "/replay"), 404)

	// A damaged file: 422, at the record that is not whole.
	file := filepath.Join(dir, rec.ID+".shmrec")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := record.Scan(bytes.NewReader(data))
	bad := bytes.Clone(data)
	bad[len(data)-20] ^= 0xff // inside the last frame or the end record
	if err := os.WriteFile(file, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	p := decode[api.Problem](t, b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID}, 422))
	if p.Type != api.ProblemTypePrefix+"invalid-recording" || p.Offset == nil || *p.Offset <= 0 || int64(*p.Offset) >= sum.Whole {
		t.Errorf("damaged: %+v", p)
	}
	os.WriteFile(file, data[:len(data)-3], 0o600) // cut short
	p = decode[api.Problem](t, b.post(t, path(n, "/replay"), map[string]any{"recording": rec.ID}, 422))
	if !strings.Contains(p.Detail, "cut short") || p.Offset == nil {
		t.Errorf("cut short: %+v", p)
	}
	b.send(t, "DELETE", "/v1/recordings/"+rec.ID, 204)
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("deleted, yet the file is there: %v", err)
	}

	// Recordings off.
	off := newBridge(t, nil)
	off.create(createBody(n+"-off", 8, ""))
	if data := off.post(t, "/v1/recordings", map[string]any{"mapping": n + "-off"}, 501); !strings.Contains(string(data), "-recordings-dir") {
		t.Errorf("off: %s", data)
	}
}

// TestRecordingLimits: a recording stops at its max_bytes and its max_duration; the budget spent is 507 for the
// next, and a recording under way stops there.
func TestRecordingLimits(t *testing.T) {
	b, _ := recordingBridge(t, record.Options{Budget: 64 << 10})
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	v := native(t, n)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // a producer rewriting the whole range, so that every sample is a frame
		buf := make([]byte, 4096)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			for j := range buf {
				buf[j] = byte(i + j)
			}
			v.WriteAt(buf, 0)
		}
	}()
	r := decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "10ms", "max_bytes": 20000}, 201))
	r = b.recordingUntil(t, r.ID, "stopped", func(r api.Recording) bool { return r.State == "stopped" })
	if r.Reason != "max-bytes" || r.Bytes > 20000 || r.Frames < 2 {
		t.Errorf("max_bytes: %+v", r)
	}
	r = decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "offset": 0, "length": 64, "interval": "10ms", "max_duration": "300ms"}, 201))
	r = b.recordingUntil(t, r.ID, "stopped", func(r api.Recording) bool { return r.State == "stopped" })
	// 64 bytes a frame: 30 frames cannot reach the budget, only the duration ends it.
	if r.Reason != "max-duration" || r.Frames < 2 {
		t.Errorf("max_duration: %+v", r)
	}
	r = decode[api.Recording](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n, "interval": "10ms"}, 201))
	r = b.recordingUntil(t, r.ID, "stopped", func(r api.Recording) bool { return r.State == "stopped" })
	if r.Reason != "budget" {
		t.Errorf("the budget: %+v", r)
	}
	total := int64(0)
	for _, r := range decode[[]api.Recording](t, b.getOK(t, "/v1/recordings")) {
		total += r.Bytes
	}
	if total > 64<<10 {
		t.Errorf("%d bytes of recordings, over the budget of %d", total, 64<<10)
	}
	// Less than a frame's room left: the next has none.
	if p := decode[api.Problem](t, b.post(t, "/v1/recordings", map[string]any{"mapping": n}, 507)); !strings.Contains(p.Detail, "-recordings-budget") {
		t.Errorf("the budget spent: %+v", p)
	}
}
