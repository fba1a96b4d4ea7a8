package api_test

import (
	"strings"
	"testing"
)

// TestShmOpenSpelling: on Linux the shm_open spelling /Telemetry is the name Telemetry (and Local\Telemetry):
// one object, whichever way a script spells it.
func TestShmOpenSpelling(t *testing.T) {
	b := newBridge(t, nil)
	n := strings.TrimPrefix(name(t, ""), `Local\`)
	b.create(createBody("/"+n, 64, ""))
	resp, data := b.do("PUT", path(n, "/data"), strings.NewReader("hi"))
	expect(t, resp, data, 200)
	resp, data = b.do("GET", path("/"+n, "/data?length=2"), nil)
	expect(t, resp, data, 200)
	if string(data) != "hi" {
		t.Fatalf("read through /%s: %q", n, data)
	}
	resp, data = b.do("POST", "/v1/mappings", strings.NewReader(createBody(`Local\`+n, 0, `,"mode":"open"`)), "Content-Type", "application/json")
	expect(t, resp, data, 200)
}
