package layout

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Record is one of a layout's types taken as a record of its own: its statically placed fields, at offsets from
// where the record begins, and its fixed size (-1 when it has none). A producer places such records where its
// own header says — a table that an offset, a count and an element size describe (HWiNFO's sensors, iRacing's
// variable headers), an array of a counted length (rFactor 2's vehicles) — so the layout cannot place them
// without the data; Encode writes one, and the caller adds the record's offset.
type Record struct {
	Type   string
	Fixed  int
	Fields []Field

	t      *typeSpec
	byPath map[string]Field
}

// Record is the layout's type called name (a nested type as outer::inner; "" the top level) as a Record: a
// writer of many frames encodes by it without indexing the fields each time.
func (l *Layout) Record(name string) (*Record, error) {
	t := l.root
	for _, part := range strings.Split(name, "::") {
		if name == "" {
			break
		}
		if t = t.types[part]; t == nil {
			return nil, fmt.Errorf("the layout %s has no type %q", l.ID, name)
		}
	}
	r := &Record{Type: name, t: t}
	describeType(t, "", 0, &r.Fields, map[*typeSpec]bool{}, 0)
	r.Fixed = staticSize(t, map[*typeSpec]bool{})
	r.byPath = fieldsByPath(r.Fields)
	return r, nil
}

// Encode is Layout.Encode for one record: the edits' offsets, and those current is asked for, are from where
// the record begins. Safe for concurrent use.
func (r *Record) Encode(values map[string]json.RawMessage, current func(off, n int) ([]byte, error)) ([]Edit, error) {
	return encodeFields(r.t, r.byPath, values, current)
}
