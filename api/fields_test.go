package api_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/catalogue"
)

// telemetryKsy is a 56-byte struct a native producer could write: the README's example layout.
const telemetryKsy = `meta:
  id: telemetry
  endian: le
  -shmbridge:
    consistency:
      seqlock: seq
seq:
  - id: seq
    type: u4
  - id: speed
    type: f4
  - id: rpm
    type: f4
  - id: gear
    type: s4
    enum: gear
  - id: driver
    type: strz
    size: 24
    encoding: UTF-8
  - id: lap_time
    type: f8
  - id: flags
    type: b1
  - id: pit
    type: b1
  - id: level
    type: b6
  - id: pad
    size: 3
  - id: sectors
    type: u1
    repeat: expr
    repeat-expr: 4
instances:
  kmh:
    value: speed * 3.6
enums:
  gear:
    -1: reverse
    0: neutral
    1: first
`

func (b *bridge) putLayout(t *testing.T, id, src string, status int) []byte {
	t.Helper()
	resp, data := b.do("PUT", "/v1/layouts/"+id, strings.NewReader(src), "Content-Type", "application/yaml")
	expect(t, resp, data, status)
	return data
}

func telemetryFrame() []byte {
	f := make([]byte, 56)
	le := binary.LittleEndian
	le.PutUint32(f[0:], 2)
	le.PutUint32(f[4:], math.Float32bits(50))
	le.PutUint32(f[8:], math.Float32bits(7250.5))
	le.PutUint32(f[12:], uint32(0xffffffff)) // -1: reverse
	copy(f[16:], "Ayrton\x00")
	le.PutUint64(f[40:], math.Float64bits(83.25))
	f[48] = 0b1000_0101 // flags, not pit, level 5
	copy(f[52:], []byte{1, 2, 3, 4})
	return f
}

func TestLayoutLifecycle(t *testing.T) {
	b := newBridge(t, nil)
	var l api.Layout
	json.Unmarshal(b.putLayout(t, "telemetry", telemetryKsy, 201), &l)
	if l.FixedSize == nil || *l.FixedSize != 56 {
		t.Fatalf("fixed size: %s", b.getOK(t, "/v1/layouts/telemetry"))
	}
	want := map[string][2]int{"seq": {0, 4}, "driver": {16, 24}, "lap_time": {40, 8}, "sectors[3]": {55, 1}}
	for _, f := range l.Fields {
		if w, ok := want[f.Path]; ok && (f.Offset != w[0] || f.Size != w[1]) {
			t.Errorf("%s at %d size %d, want %v", f.Path, f.Offset, f.Size, w)
		}
		delete(want, f.Path)
	}
	if len(want) > 0 {
		t.Errorf("fields missing: %v", want)
	}
	if l.Consistency == nil || l.Consistency.Seqlock != "seq" {
		t.Errorf("consistency: %+v", l.Consistency)
	}
	b.putLayout(t, "telemetry", telemetryKsy, 200)
	var got api.Layout
	json.Unmarshal(b.getOK(t, "/v1/layouts/telemetry"), &got)
	if got.Source != telemetryKsy {
		t.Errorf("source back: %q", got.Source)
	}
	var list []api.Layout
	json.Unmarshal(b.getOK(t, "/v1/layouts"), &list)
	saved, builtin := []string{}, map[string]api.Layout{}
	for _, l := range list {
		if l.Source != "" {
			t.Errorf("a list shows %s's source", l.ID)
		}
		if l.Builtin {
			builtin[l.ID] = l
		} else {
			saved = append(saved, l.ID)
		}
	}
	if len(saved) != 1 || saved[0] != "telemetry" || len(builtin) != len(catalogue.Producers) || builtin["hwinfo"].Mapping != `Global\HWiNFO_SENS_SM2` {
		t.Errorf("saved %v, built in %d: %+v", saved, len(builtin), builtin["hwinfo"])
	}
	// The catalogue is read-only, and does not count against -max-layouts.
	resp, data := b.do("PUT", "/v1/layouts/hwinfo", strings.NewReader("meta:\n  id: hwinfo\n"), "Content-Type", "application/yaml")
	expect(t, resp, data, 409)
	wantProblem(t, data, "built-in")
	resp, data = b.do("DELETE", "/v1/layouts/iracing", nil)
	expect(t, resp, data, 409)
	wantProblem(t, data, "built-in")
	resp, data = b.do("DELETE", "/v1/layouts/telemetry", nil)
	expect(t, resp, data, 204)
	resp, data = b.do("GET", "/v1/layouts/telemetry", nil)
	expect(t, resp, data, 404)
}

func TestLayoutRefused(t *testing.T) {
	b := newBridge(t, nil)
	data := b.putLayout(t, "bad", "meta:\n  id: bad\nseq:\n  - id: a\n    type: u1\n  - id: b\n    type: u1\n    process: custom_thing\n  - id: c\n    size: '\"foo\"'\n", 400)
	var p api.Problem
	json.Unmarshal(data, &p)
	if p.Type != api.ProblemTypePrefix+"invalid-layout" || len(p.Errors) != 2 {
		t.Fatalf("want invalid-layout with two errors: %s", data)
	}
	if e := p.Errors[0]; e.Path != "/seq/1/process" || e.Line != 8 {
		t.Errorf("first error: %+v", e)
	}
	if e := p.Errors[1]; e.Path != "/seq/2/size" || e.Line != 10 || !strings.Contains(e.Detail, "integer") {
		t.Errorf("second error: %+v", e)
	}
	data = b.putLayout(t, "other", "meta:\n  id: mismatch\n", 400)
	wantProblem(t, data, "invalid-layout", "meta/id")
	data = b.putLayout(t, "Bad.ID", "meta:\n  id: x\n", 400)
	wantProblem(t, data, "invalid-request", "id")
	// An import names a saved layout by the last part of its path, never a file: this one waits for a layout
	// passwd to be saved (kept, its errors saying so).
	data = b.putLayout(t, "imp", "meta:\n  id: imp\n  imports:\n    - ../../etc/passwd\n", 201)
	if !strings.Contains(string(data), `no saved layout \"passwd\" to import`) || strings.Contains(string(data), "root:") {
		t.Errorf("an import of ../../etc/passwd: %s", data)
	}
	resp, data := b.do("PUT", "/v1/layouts/x", strings.NewReader("meta:\n  id: x\n"), "Content-Type", "text/plain", "Invalid", "on purpose")
	expect(t, resp, data, 415)
	resp, data = b.do("GET", "/v1/layouts?junk=1", nil, "Invalid", "on purpose")
	expect(t, resp, data, 400)
}

func TestFieldsRead(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 64, `,"layout":"telemetry"`))
	resp, data := b.do("PUT", path(n, "/data"), strings.NewReader(string(telemetryFrame())))
	expect(t, resp, data, 200)

	resp, data = b.do("GET", path(n, "/fields"), nil)
	expect(t, resp, data, 200)
	if h := resp.Header.Get("Shmbridge-Consistency"); h != "seqlock" || resp.Header.Get("Shmbridge-Frame-Version") != "2" || resp.Header.Get("Shmbridge-Version") != "2" {
		t.Errorf("headers: %v", resp.Header)
	}
	const want = `{"seq":2,"speed":50,"rpm":7250.5,"gear":"reverse","driver":"Ayrton","lap_time":83.25,"flags":true,"pit":false,"level":5,"pad":"AAAA","sectors":[1,2,3,4],"kmh":180}`
	if strings.TrimSpace(string(data)) != want {
		t.Errorf("fields:\n got %s\nwant %s", data, want)
	}
	data = b.getOK(t, path(n, "/fields?layout=telemetry&fields=gear,sectors[2],kmh"))
	if got := strings.TrimSpace(string(data)); got != `{"gear":"reverse","sectors":[null,null,3],"kmh":180}` {
		t.Errorf("selected: %s", got)
	}
	resp, data = b.do("GET", path(n, "/fields?fields=nosuch"), nil)
	expect(t, resp, data, 422)
	resp, data = b.do("GET", path(n, "/fields?lock=x"), nil, "Invalid", "on purpose")
	expect(t, resp, data, 400)
	resp, data = b.do("GET", path(n, "/fields?layout=nosuch"), nil)
	expect(t, resp, data, 404)

	// The mapping's default can change, and go.
	var m api.Mapping
	resp, data = b.do("PATCH", path(n), strings.NewReader(`{"layout":""}`), "Content-Type", "application/json")
	expect(t, resp, data, 200)
	json.Unmarshal(data, &m)
	if m.Layout != "" {
		t.Errorf("layout not cleared: %s", data)
	}
	resp, data = b.do("GET", path(n, "/fields"), nil)
	expect(t, resp, data, 400)
	wantProblem(t, data, "invalid-request", "no layout")
}

func TestDecodeFailed(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	b.create(createBody(n, 12, ""))
	decode := func(ksy string) (*http.Response, api.Problem, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, data := b.do("POST", path(n, "/decode"), strings.NewReader(ksy), "Content-Type", "application/yaml")
		var p api.Problem
		json.Unmarshal(data, &p)
		return resp, p, time.Since(start)
	}
	resp, p, _ := decode("meta:\n  id: magic\nseq:\n  - id: head\n    size: 2\n  - id: magic\n    contents: [0x7f, 0x45]\n")
	if resp.StatusCode != 422 || p.Path != "magic" || p.Offset == nil || *p.Offset != 2 {
		t.Errorf("contents: %d %+v", resp.StatusCode, p)
	}
	resp, p, took := decode("meta:\n  id: huge\nseq:\n  - id: items\n    type: u4le\n    repeat: expr\n    repeat-expr: 4294967295\n")
	if resp.StatusCode != 422 || took > time.Second {
		t.Errorf("a huge repeat over 12 bytes: %d in %v: %+v", resp.StatusCode, took, p)
	}
	resp, p, took = decode("meta:\n  id: deep\nseq:\n  - id: next\n    type: deep\n    size-eos: true\n")
	if resp.StatusCode != 422 || !strings.Contains(p.Detail, "deep") || took > time.Second {
		t.Errorf("recursion: %d in %v: %+v", resp.StatusCode, took, p)
	}
	resp, p, took = decode("meta:\n  id: spin\nseq:\n  - id: x\n    type: u1\n    repeat: until\n    repeat-until: false\n    size: 0\n")
	if resp.StatusCode != 422 || took > 5*time.Second {
		t.Errorf("an endless repeat: %d in %v: %+v", resp.StatusCode, took, p)
	}
	resp, p, _ = decode("meta:\n  id: zip\nseq:\n  - id: x\n    size-eos: true\n    process: zlib\n")
	if resp.StatusCode != 422 {
		t.Errorf("zlib of zeros: %d %+v", resp.StatusCode, p)
	}
	// the daemon still serves
	b.getOK(t, path(n))

	// A JSON answer past its cap: 16 MiB of bytes are 21 MiB of base64.
	big := name(t, "-big")
	b.create(createBody(big, 16<<20, ""))
	resp, data := b.do("POST", path(big, "/decode"), strings.NewReader("meta:\n  id: all\nseq:\n  - id: all\n    size-eos: true\n"), "Content-Type", "application/yaml")
	expect(t, resp, data, 413)
	wantProblem(t, data, "decoded-too-large")
}

func TestFieldsWrite(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 64, `,"layout":"telemetry"`))
	b.do("PUT", path(n, "/data"), strings.NewReader(string(telemetryFrame())))
	patch := func(body string, status int) []byte {
		t.Helper()
		resp, data := b.do("PATCH", path(n, "/fields"), strings.NewReader(body), "Content-Type", "application/json")
		expect(t, resp, data, status)
		return data
	}
	patch(`{"speed": 61.5, "gear": "first", "driver": "Alain", "pit": true, "level": 63, "sectors": [null, 9]}`, 204)
	data := b.getOK(t, path(n, "/fields?fields=seq,speed,gear,driver,flags,pit,level,sectors"))
	if got := strings.TrimSpace(string(data)); got != `{"seq":4,"speed":61.5,"gear":"first","driver":"Alain","flags":true,"pit":true,"level":63,"sectors":[1,9,3,4]}` {
		t.Errorf("after the write: %s (the seqlock counter goes 2 → 4)", got)
	}
	for body, field := range map[string]string{`{"level": 64}`: "level", `{"kmh": 3}`: "kmh", `{"driver": "` + strings.Repeat("x", 25) + `"}`: "driver", `{"gear": "fifth"}`: "gear", `{"nosuch": 1}`: "nosuch"} {
		var p api.Problem
		json.Unmarshal(patch(body, 400), &p)
		if p.Path != field {
			t.Errorf("%s: refused for %q, want %q: %+v", body, p.Path, field, p)
		}
	}
}

// TestFrameIdentity: a frame layout is read without protection, and its frame field identifies the copy.
func TestFrameIdentity(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "acc", "meta:\n  id: acc\n  endian: le\n  -shmbridge:\n    consistency:\n      frame: packet_id\nseq:\n  - id: packet_id\n    type: s4\n  - id: gas\n    type: f4\n", 201)
	n := name(t, "")
	b.create(createBody(n, 8, `,"layout":"acc"`))
	b.do("PUT", path(n, "/data"), strings.NewReader("\x2a\x00\x00\x00\x00\x00\x80\x3f"))
	resp, data := b.do("GET", path(n, "/fields"), nil)
	expect(t, resp, data, 200)
	if resp.Header.Get("Shmbridge-Consistency") != "frame" || resp.Header.Get("Shmbridge-Frame-Version") != "42" || strings.TrimSpace(string(data)) != `{"packet_id":42,"gas":1}` {
		t.Errorf("%v %s", resp.Header, data)
	}
}
