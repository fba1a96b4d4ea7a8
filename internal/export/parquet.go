package export

import (
	"encoding/json"
	"io"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// column is a Parquet column: its node (optional, typed by the layout) and how it takes a JSON value.
type column struct {
	node  parquet.Node
	value func(s string) (parquet.Value, bool) // the value as the column takes it; false when it does not fit
}

// parquetTable is a Parquet table, zstd-compressed, in the CSV's order of columns: the time a timestamp in
// nanoseconds, the frame counter an unsigned integer, then every field's column, optional and typed as the
// layout types the field (columnOf).
type parquetTable struct {
	out      io.Writer
	types    map[string]string // the layout's field types by path
	w        *parquet.Writer
	cols     []column // by path
	first    int      // the schema's column of the first path (time and frame come before)
	frameCol int
	buf      parquet.Row
}

// fieldTypes are a layout's statically placed fields' types by path.
func fieldTypes(l *layout.Layout) map[string]string {
	m := make(map[string]string, len(l.Fields))
	for _, f := range l.Fields {
		m[f.Path] = f.Type
	}
	return m
}

// numberType is a layout's type of a number or bit field, as layout.Field.Type writes it: its kind (u, s,
// f, b), its size (bytes; bits for b), its byte order, and the enum its value names (u1 enum gear).
var numberType = regexp.MustCompile(`^([usfb])(\d+)(?:le|be)?( enum .+)?$`)

// The columns a value can go in.
var (
	doubleColumn = column{parquet.Leaf(parquet.DoubleType), func(s string) (parquet.Value, bool) {
		x, err := strconv.ParseFloat(s, 64)
		return parquet.DoubleValue(x), err == nil
	}}
	floatColumn = column{parquet.Leaf(parquet.FloatType), func(s string) (parquet.Value, bool) {
		x, err := strconv.ParseFloat(s, 32)
		return parquet.FloatValue(float32(x)), err == nil
	}}
	boolColumn = column{parquet.Leaf(parquet.BooleanType), func(s string) (parquet.Value, bool) {
		return parquet.BooleanValue(s == "true"), s == "true" || s == "false"
	}}
	// A string (a text, an enum's name) is dictionary-encoded: a game's texts and enums repeat frame after frame.
	stringColumn = column{parquet.Encoded(parquet.String(), &parquet.RLEDictionary), func(s string) (parquet.Value, bool) {
		return parquet.ByteArrayValue([]byte(cellText(json.RawMessage(s)))), true
	}}
)

// intColumn is a signed (or unsigned) integer column of bits bits: INT32 up to 32, INT64 above, with the
// INTEGER logical type saying its width and sign. A boolean written to it is 0 or 1.
func intColumn(bits int, signed bool) column {
	node := parquet.Int(bits)
	if !signed {
		node = parquet.Uint(bits)
	}
	return column{node, func(s string) (parquet.Value, bool) {
		switch s {
		case "true", "false":
			s = map[bool]string{true: "1", false: "0"}[s == "true"]
		}
		if signed {
			x, err := strconv.ParseInt(s, 10, bits)
			if bits <= 32 {
				return parquet.Int32Value(int32(x)), err == nil
			}
			return parquet.Int64Value(x), err == nil
		}
		x, err := strconv.ParseUint(s, 10, bits)
		if bits <= 32 {
			return parquet.Int32Value(int32(uint32(x))), err == nil // its bits, as an unsigned column stores them
		}
		return parquet.Int64Value(int64(x)), err == nil
	}}
}

// columnOf types a field's column by its type in the layout (typ, "" for a field the data places), or else
// by its first value: f4 FLOAT, f8 DOUBLE, sN and uN INTEGER(8N, signed or not), b1 BOOLEAN, bN the smallest
// unsigned integer that holds it, an enum's name or a text a dictionary-encoded STRING; a field the data
// places a STRING, BOOLEAN or DOUBLE by its first value.
func columnOf(typ string, first json.RawMessage) column {
	if len(first) > 0 && first[0] == '"' {
		return stringColumn
	}
	if m := numberType.FindStringSubmatch(typ); m != nil {
		size, _ := strconv.Atoi(m[2])
		switch prim := m[1]; {
		case m[3] != "":
			return stringColumn
		case prim == "f" && size == 4:
			return floatColumn
		case prim == "f":
			return doubleColumn
		case prim == "b" && size == 1:
			return boolColumn
		case prim == "b":
			return intColumn(max(8, 1<<bits.Len(uint(size-1))), false)
		case size == 1 || size == 2 || size == 4 || size == 8:
			return intColumn(8*size, prim == "s")
		}
	}
	switch {
	case len(first) == 0:
		return stringColumn
	case string(first) == "true" || string(first) == "false":
		return boolColumn
	}
	return doubleColumn
}

// ordered is a group whose columns are in the order of names (parquet.Group's own are in name order), as
// parquet-go orders a variant's.
type ordered struct {
	parquet.Group
	names []string
}

func (g ordered) Fields() []parquet.Field {
	rank := make(map[string]int, len(g.names))
	for i, n := range g.names {
		rank[n] = i
	}
	fields := g.Group.Fields()
	slices.SortStableFunc(fields, func(a, b parquet.Field) int { return rank[a.Name()] - rank[b.Name()] })
	return fields
}

func (p *parquetTable) begin(paths []string, first []json.RawMessage, counter bool) error {
	g := parquet.Group{}
	names := make([]string, 0, len(paths)+2)
	taken := map[string]bool{}
	for _, path := range paths {
		taken[path] = true
	}
	reserved := func(name string) string { // a field named time or frame keeps its own column
		for taken[name] {
			name = "_" + name
		}
		taken[name] = true
		names = append(names, name)
		return name
	}
	g[reserved("time")] = parquet.Timestamp(parquet.Nanosecond)
	p.frameCol = -1
	if counter {
		g[reserved("frame")] = parquet.Uint(64)
		p.frameCol = 1
	}
	p.first = len(names)
	p.cols = make([]column, len(paths))
	for i, path := range paths {
		var v json.RawMessage
		if i < len(first) {
			v = first[i]
		}
		p.cols[i] = columnOf(p.types[path], v)
		g[path] = parquet.Optional(p.cols[i].node)
		names = append(names, path)
	}
	rows := max(64, int64(groupBytes/(16*(len(paths)+2))))
	p.w = parquet.NewWriter(p.out, parquet.NewSchema("frame", ordered{g, names}), parquet.MaxRowsPerRowGroup(rows),
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}), parquet.CreatedBy("shmbridge", "", ""))
	p.buf = make(parquet.Row, len(names))
	return nil
}

func (p *parquetTable) row(t time.Time, counter uint64, values []json.RawMessage) error {
	p.buf[0] = parquet.Int64Value(t.UnixNano()).Level(0, 0, 0)
	if p.frameCol >= 0 {
		p.buf[p.frameCol] = parquet.Int64Value(int64(counter)).Level(0, 0, p.frameCol)
	}
	for i, v := range values {
		col := p.first + i
		p.buf[col] = parquet.NullValue().Level(0, 0, col)
		if x, ok := parquetValue(p.cols[i], v); ok {
			p.buf[col] = x.Level(0, 1, col)
		}
	}
	_, err := p.w.WriteRows([]parquet.Row{p.buf})
	return err
}

// parquetValue is a JSON value as column c takes it; false for null, nothing, or a value that does not fit.
func parquetValue(c column, v json.RawMessage) (parquet.Value, bool) {
	if len(v) == 0 || string(v) == "null" {
		return parquet.Value{}, false
	}
	return c.value(string(v))
}

func (p *parquetTable) end() error {
	return p.w.Close()
}
