package api_test

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// rigHeader is a user's own struct as a new user has it: gcc puts 3 bytes of padding after mode.
const rigHeader = `#include <stdint.h>

/* A bench rig's telemetry. */
struct rig {
    uint32_t seq;      // odd while the rig writes
    uint8_t  mode;
    double   timestamp;
    float    temps[4];
    int16_t  rpm;
    uint16_t flags;
    char     label[16];
    int32_t  count;
};
`

// rigFrame is a frame of struct rig as gcc lays it out (linux-amd64): 56 bytes.
func rigFrame() []byte {
	f := make([]byte, 56)
	le := binary.LittleEndian
	le.PutUint32(f[0:], 42)
	f[4] = 3
	le.PutUint64(f[8:], math.Float64bits(1234.5))
	for i, v := range []float32{20.5, 21, 22.25, 23} {
		le.PutUint32(f[16+4*i:], math.Float32bits(v))
	}
	le.PutUint16(f[32:], uint16(0xffff)) // -1
	le.PutUint16(f[34:], 0x8001)
	copy(f[36:], "bench-rig-01")
	le.PutUint32(f[52:], 7)
	return f
}

func (b *bridge) putC(t *testing.T, method, p, src string, status int) []byte {
	t.Helper()
	resp, data := b.do(method, p, strings.NewReader(src), "Content-Type", "text/x-c")
	expect(t, resp, data, status)
	return data
}

// TestLayoutFromC: a C header PUT with ?struct= is saved as the .ksy it converts to, laid out as gcc lays the
// struct out (padding after mode), its header kept beside it; the .ksy round-trips through a PUT unchanged,
// and a mapping written as C writes it decodes to what was written.
func TestLayoutFromC(t *testing.T) {
	b := newBridge(t, nil)
	var l api.Layout
	json.Unmarshal(b.putC(t, "PUT", "/v1/layouts/rig?struct=rig&abi=linux-amd64", rigHeader, 201), &l)
	if l.FixedSize == nil || *l.FixedSize != 56 || l.Source == "" {
		t.Fatalf("converted: %+v", l)
	}
	want := map[string][2]int{"seq": {0, 4}, "mode": {4, 1}, "timestamp": {8, 8}, "temps[3]": {28, 4}, "rpm": {32, 2}, "flags": {34, 2}, "label": {36, 16}, "count": {52, 4}}
	for _, f := range l.Fields {
		if w, ok := want[f.Path]; ok {
			if f.Offset != w[0] || f.Size != w[1] {
				t.Errorf("%s at %d size %d, want %v", f.Path, f.Offset, f.Size, w)
			}
			delete(want, f.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("fields missing: %v in %+v", want, l.Fields)
	}
	var got api.Layout
	json.Unmarshal(b.getOK(t, "/v1/layouts/rig"), &got)
	if got.CSource != rigHeader || got.Source != l.Source {
		t.Errorf("GET: c_source %q, source %q", got.CSource, got.Source)
	}

	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"rig"`))
	resp, data := b.do("PUT", path(n, "/data"), strings.NewReader(string(rigFrame())))
	expect(t, resp, data, 200)
	const values = `{"seq":42,"mode":3,"timestamp":1234.5,"temps":[20.5,21,22.25,23],"rpm":-1,"flags":32769,"label":"bench-rig-01","count":7}`
	if data := b.getOK(t, path(n, "/fields")); !equalJSON(data, values) {
		t.Errorf("decoded:\n got %s\nwant %s", data, values)
	}
	// The same header decodes a mapping without being saved.
	resp, data = b.do("POST", path(n, "/decode?struct=rig&abi=linux-amd64"), strings.NewReader(rigHeader), "Content-Type", "text/x-c")
	expect(t, resp, data, 200)
	if !equalJSON(data, values) {
		t.Errorf("decoded by POST …/decode: %s", data)
	}

	// The .ksy made round-trips: saved as it is, it reads back the same, and the header goes.
	b.putLayout(t, "rig", l.Source, 200)
	got = api.Layout{}
	json.Unmarshal(b.getOK(t, "/v1/layouts/rig"), &got)
	if got.Source != l.Source || got.CSource != "" {
		t.Errorf("after a PUT of the .ksy made: source changed %v, c_source %q", got.Source != l.Source, got.CSource)
	}
	resp, data = b.do("DELETE", "/v1/layouts/rig", nil)
	expect(t, resp, data, 204)
}

// equalJSON reports whether a and b are the same JSON value.
func equalJSON(a []byte, b string) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}

// TestConvertLayout: POST /v1/layouts/convert converts without saving, for the ABI asked (long is 4 bytes on
// Windows, 8 on Linux); what is wrong with a header, or with the request, is a problem that says so.
func TestConvertLayout(t *testing.T) {
	b := newBridge(t, nil)
	const header = "struct pair { long a; char b; };\n"
	for abi, size := range map[string]int{"windows-amd64": 8, "linux-amd64": 16, "windows-386": 8, "linux-arm64": 16} {
		var l api.Layout
		json.Unmarshal(b.putC(t, "POST", "/v1/layouts/convert?struct=pair&id=pair&abi="+abi, header, 200), &l)
		if l.ID != "pair" || l.FixedSize == nil || *l.FixedSize != size || !strings.Contains(l.Source, "id: pair") {
			t.Errorf("%s: %+v", abi, l)
		}
	}
	var named api.Layout // with no id, named after the struct
	json.Unmarshal(b.putC(t, "POST", "/v1/layouts/convert?struct=pair", "typedef struct { int x; } mSpeedKmh;\nstruct pair { mSpeedKmh a; };\n", 200), &named)
	if named.ID != "pair" {
		t.Errorf("a conversion with no id: %q", named.ID)
	}
	resp, data := b.do("GET", "/v1/layouts/pair", nil)
	expect(t, resp, data, 404) // nothing was saved

	// Every problem at its line and column.
	data = b.putC(t, "POST", "/v1/layouts/convert?struct=bad", "struct bad {\n  int a;\n  nosuch_t b;\n};\n", 400)
	wantProblem(t, data, "invalid-layout")
	var p api.Problem
	json.Unmarshal(data, &p)
	if len(p.Errors) == 0 || p.Errors[0].Line != 3 || p.Errors[0].Column == 0 {
		t.Errorf("problems: %s", data)
	}
	for _, c := range []struct {
		method, path, ctype, body string
		status                    int
		kind                      string
		invalid                   bool // the request is outside openapi.yaml, on purpose
	}{
		{"POST", "/v1/layouts/convert", "text/x-c", header, 400, "invalid-request", true},                         // no struct
		{"POST", "/v1/layouts/convert?struct=pair&abi=vax-vms", "text/x-c", header, 400, "invalid-request", true}, // no such ABI
		{"POST", "/v1/layouts/convert?struct=nosuch", "text/x-c", header, 400, "invalid-layout", false},           // no such struct
		{"POST", "/v1/layouts/convert?struct=pair&id=Not-An-Id", "text/x-c", header, 400, "invalid-request", false},
		{"POST", "/v1/layouts/convert?struct=pair", "application/yaml", "meta: {id: x}\n", 415, "unsupported-media-type", true},
		{"PUT", "/v1/layouts/x?struct=pair", "application/yaml", "meta: {id: x}\n", 400, "invalid-request", false}, // struct says C
		{"PUT", "/v1/layouts/x?struct=pair", "text/x-c", strings.Repeat(" ", 256<<10+1), 413, "too-large", false},
	} {
		hdr := []string{"Content-Type", c.ctype}
		if c.invalid {
			hdr = append(hdr, "Invalid", "on purpose")
		}
		resp, data := b.do(c.method, c.path, strings.NewReader(c.body), hdr...)
		expect(t, resp, data, c.status)
		wantProblem(t, data, c.kind)
	}
}
