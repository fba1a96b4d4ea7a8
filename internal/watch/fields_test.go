package watch_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// TestMessageFields: a decoded source's snapshot and fields messages give their fields as Data carries them
// (a mapping name with quotes and a "fields" key of its own in it does not fool it); other messages, none.
func TestMessageFields(t *testing.T) {
	reg, m := newMapping(t, 8)
	l, err := layout.Compile([]byte("meta:\n  id: f\n  endian: le\nseq:\n  - id: fields\n    type: u4\n  - id: b\n    type: u4\n"), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	sel, _ := layout.ParseSelection("")
	d := &watch.Decoding{Layout: l, ID: `x","fields":{"a":1}`, Sel: sel, Frame: registry.FrameOptions{N: 8}, MaxJSON: 1 << 20}
	hub := watch.New()
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, Interval: time.Millisecond, Decode: d}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	want := func(typ, fields string) {
		t.Helper()
		msgs, _ := next(t, sub)
		for _, msg := range msgs {
			var data struct{ Fields json.RawMessage }
			json.Unmarshal([]byte(msg.Data), &data)
			if msg.Type != typ || string(msg.Fields()) != fields || string(data.Fields) != fields {
				t.Errorf("%s message %s: fields %s, want %s %s", msg.Type, msg.Data, msg.Fields(), typ, fields)
			}
			msg.Release()
		}
	}
	want("snapshot", `{"fields":0,"b":0}`)
	m.WriteAt([]byte{7}, 4)
	want("fields", `{"b":7}`)
	reg.CloseMapping(m.Name(), true) // the stream's closed message
	msgs, _ := next(t, sub)
	for _, msg := range msgs {
		if msg.Type != "closed" || msg.Fields() != nil {
			t.Errorf("%s message: fields %s", msg.Type, msg.Fields())
		}
		msg.Release()
	}
}
