package publish

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// recordedMessage is a decoded watch's message as an mqtt publisher takes it: its JSON, its fields.
type recordedMessage struct {
	whole  bool   // a snapshot
	data   string // the message's JSON
	fields []byte // Message.Fields
}

// record runs a decoded watch of a mapping of layout src and writes n frames into it (write makes frame i),
// waiting for each one's message: a snapshot, then a fields message a frame.
func record(tb testing.TB, src []byte, n int, write func(r *rand.Rand, frame []byte, i int)) []recordedMessage {
	tb.Helper()
	l, err := layout.Compile(src, nil, layout.DefaultLimits)
	if err != nil {
		tb.Fatal(err)
	}
	reg, m := newMapping(tb, int64(max(l.Prefix, 64)))
	p, err := view.New(reg, m, l, "")
	if err != nil {
		tb.Fatal(err)
	}
	hub := watch.New()
	sub, err := hub.Subscribe([]watch.Source{{Mapping: m, Interval: time.Millisecond, Decode: watch.DecodingOf(p, "recorded", "")}})
	if err != nil {
		tb.Fatal(err)
	}
	defer sub.Close()
	r := rand.New(rand.NewPCG(1, 2))
	frame := make([]byte, m.Size())
	var out []recordedMessage
	for i := 0; len(out) < n; i++ {
		if i > 0 {
			write(r, frame, i)
			m.WriteAt(frame, 0)
		}
		select {
		case <-sub.Ready():
		case <-time.After(5 * time.Second):
			tb.Fatalf("no message for frame %d", i)
		}
		msgs, _ := sub.Next()
		for _, msg := range msgs {
			if msg.Type != "snapshot" && msg.Type != "fields" {
				tb.Fatalf("a %s message: %s", msg.Type, msg.Data)
			}
			out = append(out, recordedMessage{msg.Type == "snapshot", msg.Data, append([]byte(nil), msg.Fields()...)})
			msg.Release()
		}
	}
	return out
}

var mappings atomic.Int64 // how many newMapping made: a name each

func newMapping(tb testing.TB, size int64) (*registry.Registry, *registry.Mapping) {
	tb.Helper()
	reg := registry.New(nil)
	name := fmt.Sprintf("shmbridge-publish-%d-%s-%d", os.Getpid(), tb.Name(), mappings.Add(1))
	m, _, err := reg.OpenMapping(registry.Options{Name: name, Size: size, Mode: registry.Create})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { reg.CloseMapping(name, true) })
	return reg, m
}

// telemetry makes ACC physics frames: the packet id moves, and a few of the first 80 fields change.
func telemetry(tb testing.TB, n int) []recordedMessage {
	src, err := catalogue.Source("acc_physics")
	if err != nil {
		tb.Fatal(err)
	}
	return record(tb, src, n, func(r *rand.Rand, frame []byte, i int) {
		binary.LittleEndian.PutUint32(frame, uint32(i))
		for range 1 + r.IntN(6) {
			binary.LittleEndian.PutUint32(frame[4+4*r.IntN(79):], math.Float32bits(float32(r.IntN(20000))/8))
		}
	})
}

// sensorsKsy is an array of structs (as HWiNFO's readings): its patches are item patches.
const sensorsKsy = `meta: {id: sensors, endian: le}
seq:
  - {id: count, type: u1}
  - {id: readings, type: reading, repeat: expr, repeat-expr: count}
types:
  reading:
    seq:
      - {id: label, type: strz, size: 4, encoding: UTF-8}
      - {id: value, type: f4}
`

func sensors(tb testing.TB, n int) []recordedMessage {
	return record(tb, []byte(sensorsKsy), n, func(r *rand.Rand, frame []byte, i int) {
		frame[0] = 7
		for range 1 + r.IntN(3) {
			k := r.IntN(7)
			copy(frame[1+8*k:], []byte{'s', byte('a' + r.IntN(3)), 0, 0})
			binary.LittleEndian.PutUint32(frame[5+8*k:], math.Float32bits(float32(r.IntN(100))))
		}
	})
}

// TestMessagesAsMaps: the messages made on the watch's bytes hold what the maps made before held (the watch's
// JSON parsed, merged, encoded again), message for message, the whole selection and the changes, over an ACC
// physics frame and an array of structs.
func TestMessagesAsMaps(t *testing.T) {
	for name, msgs := range map[string][]recordedMessage{"telemetry": telemetry(t, 40), "sensors": sensors(t, 40)} {
		for _, changes := range []bool{false, true} {
			q, old := &messages{changes: changes}, &mapsMessages{changes: changes}
			for i, m := range msgs {
				if _, err := q.take(m.whole, m.fields); err != nil {
					t.Fatal(err)
				}
				if err := old.take(m.whole, m.data); err != nil {
					t.Fatal(err)
				}
				got, want := q.next(nil), old.next()
				var g, w any
				if json.Unmarshal(got, &g) != nil || json.Unmarshal(want, &w) != nil || !reflect.DeepEqual(g, w) {
					t.Fatalf("%s, changes %v, message %d: %s, the maps made %s", name, changes, i, got, want)
				}
			}
		}
	}
}

// BenchmarkMQTTMessage: what an mqtt publisher spends on a message of ACC physics (a snapshot, then a message
// a frame), from the watch's message to the payload: on the bytes (bytes/), and as it was, through maps
// (maps/: the message's JSON parsed, merged, encoded again).
func BenchmarkMQTTMessage(b *testing.B) {
	msgs := telemetry(b, 64)
	for _, mode := range []struct {
		name    string
		changes bool
	}{{"whole", false}, {"changes", true}} {
		b.Run("maps/"+mode.name, func(b *testing.B) {
			q := &mapsMessages{changes: mode.changes}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				m := msgs[i%len(msgs)]
				if err := q.take(m.whole, m.data); err != nil {
					b.Fatal(err)
				}
				q.next()
			}
		})
		b.Run("bytes/"+mode.name, func(b *testing.B) {
			q := &messages{changes: mode.changes}
			var out []byte
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				m := msgs[i%len(msgs)]
				if _, err := q.take(m.whole, m.fields); err != nil {
					b.Fatal(err)
				}
				out = q.next(out[:0])
			}
		})
	}
}

// mapsMessages is how an mqtt publisher made its messages before: each watch message's JSON parsed into maps,
// merged into the state (and the patch waiting), the payload encoded again. Kept to measure against, and to
// hold the bytes to what it made.
type mapsMessages struct {
	changes bool
	state   map[string]any
	full    bool
	patch   map[string]any
}

func (r *mapsMessages) take(whole bool, data string) error {
	var m struct {
		Fields map[string]any `json:"fields"`
	}
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return err
	}
	switch {
	case whole || r.state == nil:
		r.state, r.full, r.patch = m.Fields, true, nil
	case r.changes && !r.full:
		mergeFields(r.state, m.Fields)
		if r.patch == nil {
			r.patch = map[string]any{}
		}
		mergeFields(r.patch, m.Fields)
	default:
		mergeFields(r.state, m.Fields)
		r.full = true
	}
	return nil
}

func (r *mapsMessages) next() []byte {
	var v map[string]any
	switch {
	case r.full:
		v = r.state
	case r.patch != nil:
		v = r.patch
	default:
		return nil
	}
	b, _ := json.Marshal(v)
	r.full, r.patch = false, nil
	return b
}

// mergeFields applied a decoded watch's patch to a state: objects by key, an array of structs by item index,
// anything else replaced.
func mergeFields(dst, patch map[string]any) {
	for k, v := range patch {
		if pv, ok := v.(map[string]any); ok {
			switch cur := dst[k].(type) {
			case map[string]any:
				mergeFields(cur, pv)
				continue
			case []any:
				for ik, iv := range pv {
					i, err := strconv.Atoi(ik)
					if err != nil || i < 0 || i >= len(cur) {
						continue
					}
					if item, ok := cur[i].(map[string]any); ok {
						if ivm, ok := iv.(map[string]any); ok {
							mergeFields(item, ivm)
							continue
						}
					}
					cur[i] = iv
				}
				continue
			}
		}
		dst[k] = v
	}
}
