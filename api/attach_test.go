package api_test

import (
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
)

// TestOpenWhatTheDaemonHolds: an open (or open_or_create) of a name the daemon holds already answers that
// object, 200 with already_open, for mappings, events and mutexes alike, so a script need not GET first; a
// create of it, another kind, write access to one held read-only, a larger size are errors that say which.
func TestOpenWhatTheDaemonHolds(t *testing.T) {
	b := newBridge(t, nil)
	n := name(t, "")
	created := b.create(createBody(n, 4096, `,"access":"read"`))
	for _, mode := range []string{"open", "open_or_create"} {
		resp, data := b.do("POST", "/v1/mappings", strings.NewReader(createBody(n, 0, `,"mode":"`+mode+`","access":"read"`)), "Content-Type", "application/json")
		expect(t, resp, data, 200)
		m := decode[api.Mapping](t, data)
		if !m.AlreadyOpen || !m.Created || m.OpenedAt != created.OpenedAt || resp.Header.Get("Location") == "" {
			t.Fatalf("mode %s of a held mapping: %s", mode, data)
		}
	}
	for _, c := range []struct{ body, kind, says string }{
		{createBody(n, 4096, ""), "exists", "already open in this daemon"},
		{createBody(n, 0, `,"mode":"open"`), "incompatible", "access read"},                     // read_write asked
		{createBody(n, 8192, `,"mode":"open","access":"read"`), "too-small", "8192"},            // larger than held
		{createBody(n, 0, `,"mode":"open","access":"read","file":"x.bin"`), "incompatible", ""}, // another file (or no files root)
	} {
		resp, data := b.do("POST", "/v1/mappings", strings.NewReader(c.body), "Content-Type", "application/json")
		if c.kind == "incompatible" && strings.Contains(c.body, "file") {
			if resp.StatusCode != 409 && resp.StatusCode != 403 {
				t.Errorf("%s: %d %s", c.body, resp.StatusCode, data)
			}
			continue
		}
		expect(t, resp, data, 409)
		wantProblem(t, data, c.kind, c.says)
	}
	// Events and mutexes: the same; another kind of the same name is exists, saying so.
	ev, mx := name(t, "-ev"), name(t, "-mx")
	b.post(t, "/v1/events", map[string]any{"name": ev, "manual_reset": true}, 201)
	b.post(t, "/v1/mutexes", map[string]any{"name": mx}, 201)
	if e := decode[api.Event](t, b.post(t, "/v1/events", map[string]any{"name": ev, "mode": "open"}, 200)); !e.AlreadyOpen || !e.ManualReset {
		t.Fatalf("open of a held event: %+v", e)
	}
	if m := decode[api.Mutex](t, b.post(t, "/v1/mutexes", map[string]any{"name": mx, "mode": "open_or_create"}, 200)); !m.AlreadyOpen {
		t.Fatalf("open of a held mutex: %+v", m)
	}
	resp, data := b.do("POST", "/v1/events", strings.NewReader(`{"name":`+quoteJSON(n)+`,"mode":"open"}`), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "exists", "as a mapping")
}
