package api_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// A spinlock layout (Le Mans Ultimate's protocol): the lock mapping LOCK, busy at 4, waiters at 0, the event
// EVENT; the frame's 64 words at 8.
func spinlockKsy(id, lock, event string) string {
	return "meta:\n  id: " + id + "\n  endian: le\n  -shmbridge:\n    consistency:\n      spinlock: {mapping: '" + lock +
		"', busy: 4, waiters: 0, event: '" + event + "'}\nseq:\n  - id: pad\n    size: 8\n  - id: words\n    type: u4\n    repeat: expr\n    repeat-expr: 64\n"
}

// TestSpinlockNotRunning: a spinlock layout whose lock mapping, or event, does not exist (its producer is not
// running) is 404 naming it; the layout itself lists its spinlock.
func TestSpinlockNotRunning(t *testing.T) {
	b := newBridge(t, nil)
	n, lock, ev := name(t, ""), name(t, "-lock"), name(t, "-ev")
	b.putLayout(t, "spin_missing", spinlockKsy("spin_missing", lock, ev), 201)
	b.create(createBody(n, 4096, ""))
	resp, data := b.do("GET", path(n, "/fields?layout=spin_missing"), nil)
	expect(t, resp, data, 404)
	if !strings.Contains(string(data), "spinlock mapping") || !strings.Contains(string(data), "does its producer run") {
		t.Errorf("the problem does not say the spinlock's mapping is missing: %s", data)
	}
	b.create(createBody(lock, 8, "")) // the lock's mapping, but no event
	resp, data = b.do("GET", path(n, "/fields?layout=spin_missing"), nil)
	expect(t, resp, data, 404)
	if !strings.Contains(string(data), "spinlock event") || !strings.Contains(string(data), "does its producer run") {
		t.Errorf("the problem does not say the spinlock's event is missing: %s", data)
	}

	var l struct {
		Consistency struct {
			Spinlock struct {
				Mapping string
				Busy    int
				Waiters *int
				Event   string
			}
		}
	}
	if err := json.Unmarshal(b.getOK(t, "/v1/layouts/spin_missing"), &l); err != nil {
		t.Fatal(err)
	}
	if s := l.Consistency.Spinlock; s.Mapping != lock || s.Busy != 4 || s.Waiters == nil || *s.Waiters != 0 || s.Event != ev {
		t.Errorf("the layout's spinlock: %+v", s)
	}
}

// TestSpinlockHeld: while another program holds the lock (busy 1), a read is 503 inconsistent with Retry-After,
// at its deadline, and leaves busy 1, and so is a PATCH, which writes nothing; once it is released, the PATCH
// writes and the read is 200, read by the spinlock, and busy is 0 after each.
func TestSpinlockHeld(t *testing.T) {
	b := newBridge(t, nil)
	n, lock, ev := name(t, ""), name(t, "-lock"), name(t, "-ev")
	b.create(createBody(n, 4096, ""))
	b.create(createBody(lock, 8, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev}, 201)
	b.putLayout(t, "spin_held", spinlockKsy("spin_held", lock, ev), 201)
	busy := func(v byte) {
		t.Helper()
		resp, data := b.do("PUT", path(lock, "/data?offset=4"), strings.NewReader(string([]byte{v, 0, 0, 0})))
		expect(t, resp, data, 200)
	}
	busyIs := func(want byte) {
		t.Helper()
		if got := b.getOK(t, path(lock, "/data?offset=0&length=8")); got[4] != want || got[0] != 0 {
			t.Errorf("lock words % x: want busy %d and waiters 0", got, want)
		}
	}

	busy(1)
	resp, data := b.do("GET", path(n, "/fields?layout=spin_held"), nil)
	expect(t, resp, data, 503)
	if !strings.Contains(string(data), "inconsistent") || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("a held spinlock: %v %s, want inconsistent with Retry-After: 1", resp.Header, data)
	}
	busyIs(1)
	resp, data = b.do("PATCH", path(n, "/fields?layout=spin_held"), strings.NewReader(`{"pad":"AQIDBAUGBwg="}`), "Content-Type", "application/json")
	expect(t, resp, data, 503)
	busyIs(1)
	if got := b.getOK(t, path(n, "/data?length=8")); string(got) != string(make([]byte, 8)) {
		t.Errorf("a PATCH refused for the held lock wrote % x", got)
	}

	busy(0)
	resp, data = b.do("PATCH", path(n, "/fields?layout=spin_held"), strings.NewReader(`{"pad":"AQIDBAUGBwg="}`), "Content-Type", "application/json")
	expect(t, resp, data, 204)
	busyIs(0)
	if got := b.getOK(t, path(n, "/data?length=8")); string(got) != "\x01\x02\x03\x04\x05\x06\x07\x08" {
		t.Errorf("the PATCH under the free lock wrote % x", got)
	}
	resp, data = b.do("GET", path(n, "/fields?layout=spin_held"), nil)
	expect(t, resp, data, 200)
	if c := resp.Header.Get("Shmbridge-Consistency"); c != "spinlock" {
		t.Errorf("Shmbridge-Consistency %q, want spinlock", c)
	}
	if r := resp.Header.Get("Shmbridge-Retries"); r != "0" {
		t.Errorf("Shmbridge-Retries %q for a free lock, want 0", r)
	}
	busyIs(0)
}

// TestSpinlockMappingProblems: a lock mapping the daemon holds read-only is 409 read-only saying so (taking the
// lock writes it); one too small for the layout's words is 422 decode-failed naming the word.
func TestSpinlockMappingProblems(t *testing.T) {
	b := newBridge(t, nil)
	n, lock, small, ev := name(t, ""), name(t, "-lock"), name(t, "-small"), name(t, "-ev")
	b.create(createBody(n, 4096, ""))
	b.post(t, "/v1/events", map[string]any{"name": ev}, 201)

	b.create(createBody(lock, 8, ""))
	native(t, lock) // another program's handle keeps it (Windows) while the daemon closes and reopens it
	resp, data := b.do("DELETE", path(lock), nil)
	expect(t, resp, data, 204)
	b.create(createBody(lock, 0, `,"mode":"open","access":"read"`))
	b.putLayout(t, "spin_read_only", spinlockKsy("spin_read_only", lock, ev), 201)
	resp, data = b.do("GET", path(n, "/fields?layout=spin_read_only"), nil)
	expect(t, resp, data, 409)
	if !strings.Contains(string(data), "access read") {
		t.Errorf("a read-only lock mapping: %s", data)
	}

	b.create(createBody(small, 4, ""))
	b.putLayout(t, "spin_small", spinlockKsy("spin_small", small, ev), 201)
	resp, data = b.do("GET", path(n, "/fields?layout=spin_small"), nil)
	expect(t, resp, data, 422)
	if !strings.Contains(string(data), `"path":"spinlock.busy"`) || !strings.Contains(string(data), "past the end") {
		t.Errorf("a lock mapping too small for busy: %s", data)
	}
}
