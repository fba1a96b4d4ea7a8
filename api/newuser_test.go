package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// TestNewUserTraps: the answers a script writer gets when they fall into the usual traps say what to do.
func TestNewUserTraps(t *testing.T) {
	b := newBridge(t, nil)
	problem := func(data []byte) api.Problem {
		var p api.Problem
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		return p
	}
	// fetch and browsers turn the \ of Local\X into /: the 404 says so.
	for _, p := range []string{"/v1/mappings/Local/Telemetry", "/v1/mappings/global/X/data", "/v1/events/Local/E/set"} {
		resp, data := b.do("GET", p, nil, "Invalid", "on purpose")
		expect(t, resp, data, 404)
		if d := problem(data).Detail; !strings.Contains(d, "encodeURIComponent") || !strings.Contains(d, "%5C") {
			t.Errorf("GET %s: %q does not say to percent-encode the name", p, d)
		}
	}
	resp, data := b.do("GET", "/v1/no/such/route", nil, "Invalid", "on purpose")
	expect(t, resp, data, 404)
	if d := problem(data).Detail; d != "no such route" {
		t.Errorf("an unrelated 404 says %q", d)
	}
	// Python's urllib (and curl -d) send a form type unless told: the 403 names the type to send.
	resp, data = b.do("POST", "/v1/mappings", strings.NewReader(`{"name":"x","size":1}`), "Content-Type", "application/x-www-form-urlencoded", "Invalid", "on purpose")
	expect(t, resp, data, 403)
	if d := problem(data).Detail; !strings.Contains(d, "Content-Type: application/json") || !strings.Contains(d, "urllib") {
		t.Errorf("form POST: %q", d)
	}
}
