package layout_test

import (
	"encoding/json"
	"testing"

	"github.com/shmbridge/shmbridge/internal/layout"
)

// A type the data places (items of a counted array) is written as a record of its own: its fields at offsets
// from where it begins, the caller placing it; the decode of the whole finds what was written.
func TestRecord(t *testing.T) {
	l, err := layout.Compile([]byte(`
meta: {id: table, endian: le}
seq:
  - id: n
    type: u2
  - id: items
    type: item
    repeat: expr
    repeat-expr: n
types:
  item:
    seq:
      - id: a
        type: u2
      - id: name
        type: strz
        size: 4
        encoding: ASCII
      - id: p
        type: pair
    instances:
      double:
        value: a * 2
    types:
      pair:
        seq:
          - {id: x, type: u1}
          - {id: y, type: u1}
`), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Record("item")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range r.Fields {
		paths = append(paths, f.Path)
	}
	if r.Fixed != 8 || len(r.Fields) != 4 || r.Fields[3].Path != "p.y" || r.Fields[3].Offset != 7 {
		t.Fatalf("item: %d bytes, fields %v", r.Fixed, paths)
	}
	if p, err := l.Record("item::pair"); err != nil || p.Fixed != 2 {
		t.Errorf("item::pair: %v, %v", p, err)
	}
	if top, err := l.Record(""); err != nil || top.Fixed != -1 || len(top.Fields) != 1 || top.Fields[0].Path != "n" {
		t.Errorf("the top level: %+v, %v", top, err)
	}
	if _, err := l.Record("nope"); err == nil {
		t.Error("a type the layout does not have")
	}
	buf := []byte{2, 0, 15: 0, 17: 0}
	current := func(base int) func(off, n int) ([]byte, error) {
		return func(off, n int) ([]byte, error) { return buf[base+off : base+off+n], nil }
	}
	for i, v := range []string{`{"a": 5, "name": "ab", "p": {"y": 9}}`, `{"a": 7, "p": {"x": 1}}`} {
		var values map[string]json.RawMessage
		json.Unmarshal([]byte(v), &values)
		base := 2 + i*r.Fixed
		edits, err := r.Encode(values, current(base))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range edits {
			copy(buf[base+e.Offset:], e.Bytes)
		}
	}
	if _, err := r.Encode(map[string]json.RawMessage{"double": json.RawMessage("4")}, current(2)); err == nil {
		t.Error("an instance written")
	}
	v, err := l.Decode(buf)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.AppendJSON(nil, nil, 1<<20)
	if want := `{"n":2,"items":[{"a":5,"name":"ab","p":{"x":0,"y":9},"double":10},{"a":7,"name":"","p":{"x":1,"y":0},"double":14}]}`; err != nil || string(got) != want {
		t.Errorf("decoded %s (%v), want %s", got, err, want)
	}
}
