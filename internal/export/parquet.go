package export

import (
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// kind is a Parquet column's type.
type kind int

// The columns' kinds.
const (
	kindDouble kind = iota
	kindInt
	kindUint
	kindBool
	kindString
)

// parquetTable is a Parquet table: the time a timestamp in nanoseconds, the frame counter an unsigned
// integer, every field's column optional and typed by the layout (columnKind).
type parquetTable struct {
	out      io.Writer
	types    map[string]string // the layout's field types by path
	w        *parquet.Writer
	kinds    []kind // by column, in the order of the paths
	index    []int  // the schema's column index of each path (a group's columns are in name order)
	timeCol  int
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

// columnKind types a column by its field's type in the layout (typ, "" for a field the data places), or
// else by its first value: a string (an enum's name, a text) is a string column, an enum's too; floats are
// DOUBLE, u8 and b64 unsigned, other integers INT64, b1 a boolean.
func columnKind(typ string, first json.RawMessage) kind {
	if len(first) > 0 && first[0] == '"' {
		return kindString
	}
	if m := numberType.FindStringSubmatch(typ); m != nil {
		size, _ := strconv.Atoi(m[2])
		switch prim := m[1]; {
		case m[3] != "":
			return kindString
		case prim == "f":
			return kindDouble
		case prim == "b" && size == 1:
			return kindBool
		case prim == "u" && size == 8, prim == "b" && size == 64:
			return kindUint
		}
		return kindInt
	}
	switch {
	case len(first) == 0:
		return kindString
	case string(first) == "true" || string(first) == "false":
		return kindBool
	}
	return kindDouble
}

// node is the Parquet column of kind k: optional.
func (k kind) node() parquet.Node {
	var n parquet.Node
	switch k {
	case kindDouble:
		n = parquet.Leaf(parquet.DoubleType)
	case kindInt:
		n = parquet.Int(64)
	case kindUint:
		n = parquet.Uint(64)
	case kindBool:
		n = parquet.Leaf(parquet.BooleanType)
	default:
		n = parquet.String()
	}
	return parquet.Optional(n)
}

func (p *parquetTable) begin(paths []string, first []json.RawMessage, counter bool) error {
	g := parquet.Group{}
	names := map[string]bool{}
	reserved := func(name string) string { // a field named time or frame keeps its own column
		for names[name] {
			name = "_" + name
		}
		names[name] = true
		return name
	}
	for _, path := range paths {
		names[path] = true
	}
	timeName, frameName := reserved("time"), ""
	g[timeName] = parquet.Timestamp(parquet.Nanosecond)
	if counter {
		frameName = reserved("frame")
		g[frameName] = parquet.Uint(64)
	}
	p.kinds = make([]kind, len(paths))
	for i, path := range paths {
		var v json.RawMessage
		if i < len(first) {
			v = first[i]
		}
		p.kinds[i] = columnKind(p.types[path], v)
		g[path] = p.kinds[i].node()
	}
	order := map[string]int{}
	for i, f := range g.Fields() {
		order[f.Name()] = i
	}
	p.timeCol, p.frameCol = order[timeName], -1
	if counter {
		p.frameCol = order[frameName]
	}
	p.index = make([]int, len(paths))
	for i, path := range paths {
		p.index[i] = order[path]
	}
	rows := max(64, int64(groupBytes/(16*(len(paths)+2))))
	p.w = parquet.NewWriter(p.out, parquet.NewSchema("frame", g), parquet.MaxRowsPerRowGroup(rows))
	p.buf = make(parquet.Row, len(g.Fields()))
	return nil
}

func (p *parquetTable) row(t time.Time, counter uint64, values []json.RawMessage) error {
	p.buf[p.timeCol] = parquet.Int64Value(t.UnixNano()).Level(0, 0, p.timeCol)
	if p.frameCol >= 0 {
		p.buf[p.frameCol] = parquet.Int64Value(int64(counter)).Level(0, 0, p.frameCol)
	}
	for i, v := range values {
		col := p.index[i]
		p.buf[col] = parquetValue(p.kinds[i], v).Level(0, 1, col)
		if p.buf[col].IsNull() {
			p.buf[col] = parquet.NullValue().Level(0, 0, col)
		}
	}
	_, err := p.w.WriteRows([]parquet.Row{p.buf})
	return err
}

// parquetValue is a JSON value as a column of kind k takes it (null when it does not fit).
func parquetValue(k kind, v json.RawMessage) parquet.Value {
	s := string(v)
	if len(v) == 0 || s == "null" {
		return parquet.NullValue()
	}
	switch k {
	case kindDouble:
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return parquet.DoubleValue(x)
		}
	case kindInt:
		if x, err := strconv.ParseInt(s, 10, 64); err == nil {
			return parquet.Int64Value(x)
		}
		if s == "true" || s == "false" {
			return parquet.Int64Value(map[bool]int64{false: 0, true: 1}[s == "true"])
		}
	case kindUint:
		if x, err := strconv.ParseUint(s, 10, 64); err == nil {
			return parquet.Int64Value(int64(x))
		}
	case kindBool:
		if s == "true" || s == "false" {
			return parquet.BooleanValue(s == "true")
		}
	default:
		return parquet.ByteArrayValue([]byte(cellText(v)))
	}
	return parquet.NullValue()
}

func (p *parquetTable) end() error {
	return p.w.Close()
}
