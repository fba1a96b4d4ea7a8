package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
)

// writer writes a page's frames into its mapping through its layout, by the layout's protocol.
type writer struct {
	encoder
	page Page
	name string
	m    *registry.Mapping
	ev   *registry.Event
	// proto is how a frame is written (a seqlock's counters, the mutex); its Edits are each frame's.
	proto registry.WriteFrameOptions
	// checked are the counters a reader checks a copy by (the frame field, a ring's ticks): written after
	// the rest of the frame.
	checked []registry.Counter
	frames  int64 // frames written
}

// encoder turns a page's frames into edits through its layout.
type encoder struct {
	id string
	l  *layout.Layout
	// frame is the layout's frame field (protocol frame: ACC's packetId), set to each frame's number.
	frame   string
	records map[string]*layout.Record
}

func newEncoder(id string, l *layout.Layout) encoder {
	e := encoder{id: id, l: l, records: map[string]*layout.Record{}}
	if c := l.Consistency; c != nil {
		e.frame = c.Frame
	}
	return e
}

// newWriter plans the writes of a page into m by l: its protocol, as a read of it would be planned.
func newWriter(reg view.Objects, pg Page, m *registry.Mapping, l *layout.Layout, ev *registry.Event) (*writer, error) {
	p, err := view.New(reg, m, l, "")
	if err != nil {
		return nil, err
	}
	w := &writer{encoder: newEncoder(pg.Layout, l), page: pg, name: m.Name(), m: m, ev: ev,
		proto: registry.WriteFrameOptions{Seqlock: p.Frame.Seqlock, Begin: p.Frame.Begin, End: p.Frame.End,
			Lock: p.Frame.Lock, LockTimeout: p.Frame.LockTimeout},
		checked: p.Frame.Ticks}
	if w.frame != "" {
		f, _ := l.Consistency.Counter(w.frame)
		w.checked = append(w.checked, registry.Counter{Off: int64(f.Offset), Size: f.Size})
	}
	return w, nil
}

// write writes one frame by the protocol (the checked counters last), then pulses the page's event.
func (w *writer) write(ctx context.Context, f Frame) error {
	edits, err := w.edits(f, w.frames+1, w.current)
	if err != nil {
		return err
	}
	slices.SortFunc(edits, func(a, b registry.Edit) int {
		return cmp.Or(w.isChecked(a)-w.isChecked(b), cmp.Compare(a.Off, b.Off))
	})
	o := w.proto
	o.Edits = w.joined(edits)
	if _, err := w.m.WriteFrame(ctx, o); err != nil {
		return err
	}
	w.frames++
	if w.ev != nil {
		return w.ev.Pulse()
	}
	return nil
}

// joined is edits (in offset order, the checked counters last) with each run of adjacent ones made one: a
// frame of a struct's fields is a few copies, not one per field (each copy checks the mapping's size).
func (w *writer) joined(edits []registry.Edit) []registry.Edit {
	var out []registry.Edit
	for _, e := range edits {
		if n := len(out); n > 0 && out[n-1].Off+int64(len(out[n-1].Bytes)) == e.Off && w.isChecked(out[n-1]) == w.isChecked(e) {
			out[n-1].Bytes = append(out[n-1].Bytes, e.Bytes...)
			continue
		}
		out = append(out, registry.Edit{Off: e.Off, Bytes: append([]byte(nil), e.Bytes...)})
	}
	return out
}

// isChecked is 1 for an edit of a checked counter, else 0.
func (w *writer) isChecked(e registry.Edit) int {
	for _, c := range w.checked {
		if e.Off < c.Off+int64(c.Size) && c.Off < e.Off+int64(len(e.Bytes)) {
			return 1
		}
	}
	return 0
}

// edits encodes frame number n: its fields through the layout (the frame field set to n), its records through
// their types, its raw bytes as they are. current(base) reads the bytes as they are, from base on (a bit
// field's neighbours).
func (e *encoder) edits(f Frame, n int64, current func(base int) func(off, n int) ([]byte, error)) ([]registry.Edit, error) {
	fields := f.Fields
	if e.frame != "" {
		fields = Values{e.frame: n}
		for k, v := range f.Fields {
			fields[k] = v
		}
		fields[e.frame] = n
	}
	var out []registry.Edit
	add := func(base int, es []layout.Edit) {
		for _, ed := range es {
			out = append(out, registry.Edit{Off: int64(base + ed.Offset), Bytes: ed.Bytes})
		}
	}
	if len(fields) > 0 {
		top, err := e.record("") // the top level, its fields indexed once
		if err != nil {
			return nil, err
		}
		raw, err := rawValues(fields)
		if err == nil {
			var es []layout.Edit
			if es, err = top.Encode(raw, current(0)); err == nil {
				add(0, es)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.id, err)
		}
	}
	for _, r := range f.Records {
		rec, err := e.record(r.Type)
		if err != nil {
			return nil, err
		}
		raw, err := rawValues(r.Fields)
		if err == nil {
			var es []layout.Edit
			if es, err = rec.Encode(raw, current(r.Offset)); err == nil {
				add(r.Offset, es)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s::%s at %d: %w", e.id, r.Type, r.Offset, err)
		}
	}
	for _, r := range f.Raw {
		out = append(out, registry.Edit{Off: int64(r.Offset), Bytes: r.Bytes})
	}
	return out, nil
}

// record is the layout's type name as a record, made once.
func (e *encoder) record(name string) (*layout.Record, error) {
	if r := e.records[name]; r != nil {
		return r, nil
	}
	r, err := e.l.Record(name)
	if err != nil {
		return nil, err
	}
	e.records[name] = r
	return r, nil
}

// current reads the mapping's bytes, for a bit field's neighbours, from base on.
func (w *writer) current(base int) func(off, n int) ([]byte, error) {
	return func(off, n int) ([]byte, error) {
		b := make([]byte, n)
		_, err := w.m.ReadAt(b, int64(base+off))
		return b, err
	}
}

// rawValues is values as the JSON Encode takes, flattened to their paths ("wheels[0].temperature[1]"): each a
// number, a string or a boolean, so that Encode parses no nested JSON (a frame of rFactor 2's three cars is a
// thousand values, fifty times a second).
func rawValues(vs Values) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(vs))
	for k, v := range vs {
		if err := flatValue(k, reflect.ValueOf(v), out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// flatValue adds v to out under path: a map's or a struct's items under path.key, an array's under path[i].
func flatValue(path string, v reflect.Value, out map[string]json.RawMessage) error {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return flatValue(path, v.Elem(), out)
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if err := flatValue(path+"."+k.String(), v.MapIndex(k), out); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := flatValue(path+"["+strconv.Itoa(i)+"]", v.Index(i), out); err != nil {
				return err
			}
		}
		return nil
	case reflect.Float32, reflect.Float64:
		x := v.Float()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s: %v is no number a field holds", path, x)
		}
		out[path] = strconv.AppendFloat(nil, x, 'g', -1, 64)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		out[path] = strconv.AppendInt(nil, v.Int(), 10)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		out[path] = strconv.AppendUint(nil, v.Uint(), 10)
		return nil
	}
	b, err := json.Marshal(v.Interface()) // a string, a boolean
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out[path] = b
	return nil
}

var (
	compiled   = map[string]*layout.Layout{}
	compiledMu sync.Mutex
)

// compileCatalogue is the catalogue layout id, compiled once per process.
func compileCatalogue(id string) (*layout.Layout, error) {
	compiledMu.Lock()
	defer compiledMu.Unlock()
	if l := compiled[id]; l != nil {
		return l, nil
	}
	src, err := catalogue.Source(id)
	if err != nil {
		return nil, err
	}
	l, err := layout.Compile(src, nil, layout.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("the catalogue layout %s: %w", id, err)
	}
	compiled[id] = l
	return l, nil
}
