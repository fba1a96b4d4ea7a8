package publish

import (
	"testing"
)

// step is one thing that happens to an mqtt publisher's messages, and what it must send next ("": nothing).
type step struct {
	do       string // snapshot, fields (take), lost, refused, connected
	fields   string
	next     string
	replaced bool // take or lost says a waiting message was replaced
}

func run(t *testing.T, changes bool, steps []step) {
	t.Helper()
	q := &messages{changes: changes}
	for i, s := range steps {
		var replaced bool
		switch s.do {
		case "snapshot", "fields":
			var err error
			if replaced, err = q.take(s.do == "snapshot", []byte(s.fields)); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		case "lost":
			replaced = q.lost()
		case "refused":
			q.refused()
		case "connected":
			q.connected()
		}
		if replaced != s.replaced {
			t.Errorf("step %d (%s): replaced %v, want %v", i, s.do, replaced, s.replaced)
		}
		if s.next == "-" { // nothing is sent: what waits stays
			continue
		}
		if got := string(q.next(nil)); got != s.next {
			t.Errorf("step %d (%s %s): sends %q, want %q", i, s.do, s.fields, got, s.next)
		}
	}
}

// TestMessagesWhole: by default every message is the whole selection, the patches merged into it; a newer
// state replaces one that has not gone (replaced); one that did not go goes again, whole; each connection sends
// the state again.
func TestMessagesWhole(t *testing.T) {
	run(t, false, []step{
		{do: "connected", next: ""}, // nothing seen yet: nothing to send
		{do: "snapshot", fields: `{"a":1,"b":{"c":[{"x":1},{"x":2}]}}`, next: `{"a":1,"b":{"c":[{"x":1},{"x":2}]}}`},
		{do: "fields", fields: `{"b":{"c":{"1":{"x":5}}}}`, next: `{"a":1,"b":{"c":[{"x":1},{"x":5}]}}`},
		{do: "fields", fields: `{"a":2}`, next: "-"},
		{do: "fields", fields: `{"a":3}`, next: `{"a":3,"b":{"c":[{"x":1},{"x":5}]}}`, replaced: true},
		{do: "lost", next: `{"a":3,"b":{"c":[{"x":1},{"x":5}]}}`},
		{do: "connected", next: `{"a":3,"b":{"c":[{"x":1},{"x":5}]}}`},
		{do: "snapshot", fields: `{"a":4,"b":null}`, next: `{"a":4,"b":null}`},
		{do: "next", next: ""},
	})
}

// TestMessagesChanges: with changes, a message is what changed since the last one sent (the patches waiting
// merged into one), the first one and the one after a connection, a loss or a refusal the whole selection.
func TestMessagesChanges(t *testing.T) {
	run(t, true, []step{
		{do: "snapshot", fields: `{"a":1,"b":{"c":[{"x":1},{"x":2}]},"d":"s"}`, next: `{"a":1,"b":{"c":[{"x":1},{"x":2}]},"d":"s"}`},
		{do: "fields", fields: `{"a":2}`, next: `{"a":2}`},
		{do: "fields", fields: `{"b":{"c":{"0":{"x":7}}}}`, next: "-"},
		{do: "fields", fields: `{"b":{"c":{"1":{"x":8}}},"a":3}`, next: `{"b":{"c":{"0":{"x":7},"1":{"x":8}}},"a":3}`, replaced: true},
		{do: "connected", next: `{"a":3,"b":{"c":[{"x":7},{"x":8}]},"d":"s"}`},
		{do: "fields", fields: `{"d":"t"}`, next: `{"d":"t"}`},
		{do: "lost", next: `{"a":3,"b":{"c":[{"x":7},{"x":8}]},"d":"t"}`}, // a patch that did not go: the whole
		{do: "fields", fields: `{"a":4}`, next: "-"},
		{do: "lost", replaced: true, next: `{"a":4,"b":{"c":[{"x":7},{"x":8}]},"d":"t"}`},
		{do: "refused", next: ""},
		{do: "fields", fields: `{"a":5}`, next: `{"a":5,"b":{"c":[{"x":7},{"x":8}]},"d":"t"}`}, // after a refusal: whole
		{do: "fields", fields: `{"a":6}`, next: `{"a":6}`},
	})
}

// TestMessagesBadPatch: a patch that does not merge is an error and changes nothing.
func TestMessagesBadPatch(t *testing.T) {
	q := &messages{changes: true}
	q.take(true, []byte(`{"a":1}`))
	q.next(nil)
	if _, err := q.take(false, []byte(`{"a":`)); err == nil {
		t.Fatal("a patch that is not JSON was taken")
	}
	if got := q.next(nil); len(got) != 0 || string(q.state) != `{"a":1}` {
		t.Errorf("sends %q, state %s", got, q.state)
	}
}
