package api_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// The story of issue 34: a user's eight-field C struct, transcribed into the natural .ksy field for field,
// decoded garbage without a word, because gcc puts padding the .ksy does not have.
//
//	struct bench_frame {     // gcc, x86-64 (and arm64): sizeof 72
//	    uint32_t seq;        //  0
//	    uint8_t  mode;       //  4, then 3 bytes of padding
//	    double   timestamp;  //  8
//	    float    rpm;        // 16
//	    float    speed;      // 20
//	    int16_t  gear;       // 24
//	    char     label[32];  // 26, then 6 bytes of padding
//	    double   odometer;   // 64
//	};
const benchStruct = `#include <stdint.h>
struct bench_frame {
    uint32_t seq;
    uint8_t  mode;
    double   timestamp;
    float    rpm;
    float    speed;
    int16_t  gear;
    char     label[32];
    double   odometer;
};
`

// benchNatural is the .ksy the user wrote: 63 bytes.
const benchNatural = `meta:
  id: bench_frame
  endian: le
seq:
  - id: seq
    type: u4
  - id: mode
    type: u1
  - id: timestamp
    type: f8
  - id: rpm
    type: f4
  - id: speed
    type: f4
  - id: gear
    type: s2
  - id: label
    type: strz
    size: 32
    encoding: UTF-8
  - id: odometer
    type: f8
`

// benchPadded is the right one: gcc's padding as unnamed size: entries, 72 bytes.
var benchPadded = strings.NewReplacer("id: bench_frame", "id: bench_padded",
	"    type: u1\n", "    type: u1\n  - size: 3\n",
	"    encoding: UTF-8\n", "    encoding: UTF-8\n  - size: 6\n").Replace(benchNatural)

// benchWarnings are what the natural .ksy over the 72-byte mapping says.
var benchWarnings = []api.LayoutWarning{
	{Field: "timestamp", Detail: "timestamp (f8) is at offset 5, which a C compiler would not choose for an 8-byte number: 3 bytes of padding are likely missing after mode"},
	{Field: "odometer", Detail: "odometer (f8) is at offset 55 (58 with the 3 bytes of padding missing before it), which a C compiler would not choose for an 8-byte number: 6 bytes of padding are likely missing after label"},
	{Detail: "the layout's fixed size is 63 bytes but the mapping is 72 bytes: 9 bytes are not described (padding a C compiler adds, or fields the layout leaves out)"},
}

// benchFrame is a bench_frame as gcc lays it out (TestBenchFrameIsGCCs holds the two together).
func benchFrame() []byte {
	f := make([]byte, 72)
	le := binary.LittleEndian
	le.PutUint32(f[0:], 7)
	f[4] = 2
	le.PutUint64(f[8:], math.Float64bits(1722.5))
	le.PutUint32(f[16:], math.Float32bits(6500))
	le.PutUint32(f[20:], math.Float32bits(212.25))
	le.PutUint16(f[24:], 4)
	copy(f[26:], "bench-rig-01")
	le.PutUint64(f[64:], math.Float64bits(12345.5))
	return f
}

var benchValues = map[string]any{"seq": 7.0, "mode": 2.0, "timestamp": 1722.5, "rpm": 6500.0, "speed": 212.25, "gear": 4.0,
	"label": "bench-rig-01", "odometer": 12345.5}

// warningsOf parses an answer's Shmbridge-Warning headers (RFC 8941 strings with a field parameter).
func warningsOf(t *testing.T, h http.Header) []api.LayoutWarning {
	t.Helper()
	item := regexp.MustCompile(`^"((?:[^"\\]|\\["\\])*)"(?:;field="((?:[^"\\]|\\["\\])*)")?$`)
	unescape := strings.NewReplacer(`\"`, `"`, `\\`, `\`)
	var out []api.LayoutWarning
	for _, v := range h.Values(api.WarningHeader) {
		m := item.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("%s: %q is not an RFC 8941 string with a field parameter", api.WarningHeader, v)
		}
		out = append(out, api.LayoutWarning{Field: unescape.Replace(m[2]), Detail: unescape.Replace(m[1])})
	}
	return out
}

func wantWarnings(t *testing.T, what string, got, want []api.LayoutWarning) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: warnings\n%q\nwant\n%q", what, got, want)
	}
}

// TestLayoutWarnings: the story's natural .ksy over gcc's 72 bytes is decoded, and the answer says which fields
// are misplaced, what padding is likely missing, and how many bytes it leaves undescribed: on GET …/fields,
// POST …/decode, a raw read of the mapping whose default layout it is, and first on a decoded watch stream.
// The .ksy with gcc's padding decodes every value, without a warning.
func TestLayoutWarnings(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "bench_frame", benchNatural, 201)
	b.putLayout(t, "bench_padded", benchPadded, 201)
	n := name(t, "")
	b.create(createBody(n, 72, `,"layout":"bench_frame"`))
	native(t, n).WriteAt(benchFrame(), 0)

	resp, data := b.do("GET", path(n, "/fields"), nil)
	expect(t, resp, data, 200)
	wantWarnings(t, "GET …/fields", warningsOf(t, resp.Header), benchWarnings)
	var got map[string]any
	json.Unmarshal(data, &got)
	if _, ok := got["warnings"]; ok || got["timestamp"] == 1722.5 || got["label"] == "bench-rig-01" {
		t.Errorf("the natural .ksy decodes %s", data) // its values are garbage; the body is the fields only
	}
	resp, data = b.do("GET", path(n, "/fields?fields=seq"), nil)
	expect(t, resp, data, 200)
	wantWarnings(t, "a selection", warningsOf(t, resp.Header), benchWarnings)

	resp, data = b.do("POST", path(n, "/decode"), strings.NewReader(benchNatural), "Content-Type", "application/yaml")
	expect(t, resp, data, 200)
	wantWarnings(t, "POST …/decode", warningsOf(t, resp.Header), benchWarnings)

	for _, p := range []string{"/data", "/data?offset=8&length=8", "/data?as=text"} {
		resp, data = b.do("GET", path(n, p), nil)
		expect(t, resp, data, 200)
		wantWarnings(t, "GET "+p, warningsOf(t, resp.Header), benchWarnings)
	}
	resp, data = b.do("GET", path(n, "/data"), nil, "Range", "bytes=0-3")
	expect(t, resp, data, 206)
	wantWarnings(t, "a range", warningsOf(t, resp.Header), benchWarnings)

	s := b.watch(t, path(n, "/watch?layout=bench_frame&interval=5ms"))
	e := s.next()
	if e.typ != "warnings" || e.data.Mapping != n || e.data.Layout != "bench_frame" {
		t.Fatalf("the stream's first message: %s %s", e.typ, e.raw)
	}
	wantWarnings(t, "the watch's warnings message", e.data.Warnings, benchWarnings)
	if e = s.next(); e.typ != "snapshot" {
		t.Fatalf("then: %s %s", e.typ, e.raw)
	}
	s.close()
	// On /v1/watch, the message names the mapping whose layout it is about.
	s = b.watch(t, "/v1/watch?mapping="+url.QueryEscape(n)+"&layout=bench_frame&interval=5ms")
	if e = s.next(); e.typ != "warnings" || e.data.Mapping != n || len(e.data.Warnings) != len(benchWarnings) {
		t.Fatalf("/v1/watch's first message: %s %s", e.typ, e.raw)
	}
	s.close()

	// gcc's padding: every value, no warning anywhere.
	resp, data = b.do("GET", path(n, "/fields?layout=bench_padded"), nil)
	expect(t, resp, data, 200)
	wantWarnings(t, "the padded .ksy", warningsOf(t, resp.Header), nil)
	got = nil
	json.Unmarshal(data, &got)
	if !reflect.DeepEqual(got, benchValues) {
		t.Errorf("the padded .ksy decodes %s", data)
	}
	s = b.watch(t, path(n, "/watch?layout=bench_padded&interval=5ms"))
	if e = s.next(); e.typ != "snapshot" || !reflect.DeepEqual(fieldsOf(t, e), benchValues) {
		t.Errorf("the padded .ksy's stream starts with %s %s", e.typ, e.raw)
	}
	s.close()
	b.do("PATCH", path(n), strings.NewReader(`{"layout":"bench_padded"}`), "Content-Type", "application/json")
	resp, data = b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
	wantWarnings(t, "a raw read by the padded default", warningsOf(t, resp.Header), nil)
	b.do("PATCH", path(n), strings.NewReader(`{"layout":""}`), "Content-Type", "application/json")
	resp, data = b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
	wantWarnings(t, "a raw read without a layout", warningsOf(t, resp.Header), nil)
}

// TestLayoutLargerThanMapping: the padded .ksy (72 bytes) over a 63-byte mapping is 422 on every decoded read,
// saying both sizes, the layout and the mapping, before anything is read: the mapping's seqlock counter is odd
// (a write under way), which a read would wait on until it gave up (503).
func TestLayoutLargerThanMapping(t *testing.T) {
	b := newBridge(t, nil)
	larger := strings.Replace(benchPadded, "  endian: le\n", "  endian: le\n  -shmbridge:\n    consistency:\n      seqlock: seq\n", 1)
	b.putLayout(t, "bench_padded", larger, 201)
	n := name(t, "")
	b.create(createBody(n, 63, `,"layout":"bench_padded"`))
	native(t, n).WriteAt(u4(1), 0) // odd: a write under way, for ever
	detail := []string{`the layout "bench_padded" is 72 bytes (its fixed size)`, fmt.Sprintf("the mapping %q is 63 bytes", n)}
	for _, c := range []struct {
		method, p, body string
	}{
		{"GET", "/fields", ""},
		{"GET", "/fields?fields=seq", ""},
		{"POST", "/decode", larger},
	} {
		var hdr []string
		if c.body != "" {
			hdr = []string{"Content-Type", "application/yaml"}
		}
		resp, data := b.do(c.method, path(n, c.p), strings.NewReader(c.body), hdr...)
		expect(t, resp, data, 422)
		wantProblem(t, data, "decode-failed", detail...)
		if p := decode[api.Problem](t, data); p.Path != "" || p.Offset != nil {
			t.Errorf("%s %s: a problem of a decode: %s", c.method, c.p, data)
		}
		if resp.Header.Get(api.WarningHeader) != "" {
			t.Errorf("%s %s: a problem with warnings", c.method, c.p)
		}
	}
	resp, data := b.do("GET", path(n, "/watch?layout=bench_padded"), nil)
	expect(t, resp, data, 422)
	wantProblem(t, data, "decode-failed", detail...)
	// Its raw bytes are read, the answer saying what a decode by its default layout would meet.
	resp, data = b.do("GET", path(n, "/data"), nil)
	expect(t, resp, data, 200)
	wantWarnings(t, "a raw read", warningsOf(t, resp.Header), []api.LayoutWarning{{Detail: "the layout's fixed size is 72 bytes but the mapping is 63 bytes: " +
		"a read by it would end 9 bytes past the mapping's end, and is refused"}})
}
