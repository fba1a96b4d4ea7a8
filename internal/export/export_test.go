package export

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/internal/view"
)

// TestLeaves: every scalar of a document with its path, numbers as written, strings quoted; objects and
// arrays are paths, not leaves.
func TestLeaves(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want []string // path=value
	}{
		{`{}`, nil},
		{`{"a": 1}`, []string{"a=1"}},
		{`{"a": {"b": -1.5e3, "c": "x,y"}}`, []string{"a.b=-1.5e3", `a.c="x,y"`}},
		{`{"a": [1, [2, 3], {"b": null}]}`, []string{"a[0]=1", "a[1][0]=2", "a[1][1]=3", "a[2].b=null"}},
		{`{"t": true, "f": false, "s": "q\"uote"}`, []string{"t=true", "f=false", `s="q\"uote"`}},
		{`{"n": 18446744073709551615}`, []string{"n=18446744073709551615"}}, // as written: no float rounding
		{`{ "a" : [ ] , "b" : { } , "c" : 2 }`, []string{"c=2"}},
		{`[1]`, []string{"[0]=1"}},
	} {
		var got []string
		if err := leaves([]byte(c.doc), func(path string, v json.RawMessage) error {
			got = append(got, path+"="+string(v))
			return nil
		}); err != nil {
			t.Errorf("%s: %v", c.doc, err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("leaves(%s) = %q, want %q", c.doc, got, c.want)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := leaves([]byte(`{"a": 1, "b": 2}`), func(string, json.RawMessage) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("emit's error: %v after %d leaves, want it at once", err, n)
	}
	if err := leaves([]byte(`{"a": `), func(string, json.RawMessage) error { return nil }); err == nil {
		t.Error("a document cut short: no error")
	}
}

// TestColumnOf: a column is typed by its field's type in the layout, parsed whole (not by a prefix, which
// took str and switch fields for integers), as narrow as the layout's type; by its first value where the
// layout does not say.
func TestColumnOf(t *testing.T) {
	for _, c := range []struct {
		typ, first string
		want       string
	}{
		{"f4le", "1.5", "FLOAT"},
		{"f8", "null", "DOUBLE"},
		{"s1", "-1", "INT(8,true)"},
		{"s2le", "-1", "INT(16,true)"},
		{"s4", "-1", "INT(32,true)"},
		{"s8", "-1", "INT(64,true)"},
		{"u1", "3", "INT(8,false)"},
		{"u2", "3", "INT(16,false)"},
		{"u4be", "3", "INT(32,false)"},
		{"u8le", "18446744073709551615", "INT(64,false)"},
		{"u1 enum gear", `"first"`, "STRING"},
		{"u1 enum gear", "7", "STRING"}, // a value the enum does not name
		{"b1", "true", "BOOLEAN"},
		{"b1le", "false", "BOOLEAN"},
		{"b1", `"on"`, "STRING"}, // a bit with an enum: its name
		{"b7", "5", "INT(8,false)"},
		{"b8", "5", "INT(8,false)"},
		{"b9", "5", "INT(16,false)"},
		{"b17", "5", "INT(32,false)"},
		{"b33", "5", "INT(64,false)"},
		{"b64be", "5", "INT(64,false)"},
		{"str UTF-8", `"abc"`, "STRING"},
		{"strz ASCII", `""`, "STRING"},
		{"bytes", `"AAE="`, "STRING"},
		{"switch", "1.5", "DOUBLE"},
		{"sensor", "2", "DOUBLE"}, // a user type (with parameters) placed statically
		{"", "true", "BOOLEAN"},
		{"", `"x"`, "STRING"},
		{"", "3", "DOUBLE"},
		{"", "null", "DOUBLE"},
		{"", "", "STRING"},
	} {
		if got := columnOf(c.typ, json.RawMessage(c.first)).node.Type().String(); got != c.want {
			t.Errorf("columnOf(%q, %s) = %s, want %s", c.typ, c.first, got, c.want)
		}
	}
}

// TestParquetValue: a value as its column takes it, null when it does not fit the column's type.
func TestParquetValue(t *testing.T) {
	null := parquet.NullValue()
	s1, s4, s8, u1, u4, u8 := intColumn(8, true), intColumn(32, true), intColumn(64, true), intColumn(8, false), intColumn(32, false), intColumn(64, false)
	for _, c := range []struct {
		name string
		c    column
		v    string
		want parquet.Value
	}{
		{"f8", doubleColumn, "1.5", parquet.DoubleValue(1.5)},
		{"f8", doubleColumn, "-2e3", parquet.DoubleValue(-2000)},
		{"f8", doubleColumn, `"1.5"`, null},
		{"f8", doubleColumn, "null", null},
		{"f8", doubleColumn, "", null},
		{"f4", floatColumn, "0.1", parquet.FloatValue(0.1)},
		{"f4", floatColumn, "1e39", null}, // beyond a float32
		{"s1", s1, "-128", parquet.Int32Value(-128)},
		{"s1", s1, "128", null},
		{"s4", s4, "-3", parquet.Int32Value(-3)},
		{"s4", s4, "1.5", null},
		{"s4", s4, "true", parquet.Int32Value(1)},
		{"s4", s4, "false", parquet.Int32Value(0)},
		{"s8", s8, "-9223372036854775808", parquet.Int64Value(math.MinInt64)},
		{"s8", s8, "9223372036854775808", null},
		{"u1", u1, "255", parquet.Int32Value(255)},
		{"u1", u1, "256", null},
		{"u4", u4, "4294967295", parquet.Int32Value(-1)},           // its 32 bits, as an unsigned column stores them
		{"u8", u8, "18446744073709551615", parquet.Int64Value(-1)}, // its 64 bits
		{"u8", u8, "-1", null},
		{"b1", boolColumn, "true", parquet.BooleanValue(true)},
		{"b1", boolColumn, "false", parquet.BooleanValue(false)},
		{"b1", boolColumn, "1", null},
		{"str", stringColumn, `"a\"b"`, parquet.ByteArrayValue([]byte(`a"b`))},
		{"str", stringColumn, "12", parquet.ByteArrayValue([]byte("12"))},
		{"str", stringColumn, "null", null},
	} {
		got, ok := parquetValue(c.c, json.RawMessage(c.v))
		if !ok {
			got = null
		}
		if got.IsNull() != c.want.IsNull() || !got.IsNull() && (got.Kind() != c.want.Kind() || !parquet.Equal(got, c.want)) {
			t.Errorf("parquetValue(%s, %s) = %v, want %v", c.name, c.v, got, c.want)
		}
	}
}

// TestCSVCell: text a spreadsheet would run as a formula is quoted; numbers, negative ones too, are not.
func TestCSVCell(t *testing.T) {
	for v, want := range map[string]string{
		`"=1+2"`: "'=1+2", `"+1"`: "'+1", `"-1"`: "'-1", `"@A1"`: "'@A1", `"\t="`: "'\t=", `"\r="`: "'\r=",
		`"a=b"`: "a=b", `""`: "", "-1": "-1", "null": "", "true": "true", "": "",
	} {
		if got := csvCell(json.RawMessage(v)); got != want {
			t.Errorf("csvCell(%s) = %q, want %q", v, got, want)
		}
	}
}

// TestSelectedPaths: a leaf is selected by its own path or one it is inside, not by a path it only begins
// with.
func TestSelectedPaths(t *testing.T) {
	wanted := selectedPaths("a,b[1],c.d")
	for path, want := range map[string]bool{
		"a": true, "a.x": true, "a[0]": true, "ab": false, "b[1]": true, "b[1].x": true, "b[10]": false,
		"b[0]": false, "c.d": true, "c.e": false, "c": false,
	} {
		if got := wanted(path); got != want {
			t.Errorf("%q selected: %v, want %v", path, got, want)
		}
	}
	if !selectedPaths("")("anything") {
		t.Error("an empty list selects nothing")
	}
}

const testKsy = `meta: {id: t, endian: le, encoding: UTF-8}
seq:
  - {id: n, type: s2}
  - {id: big, type: u8}
  - {id: x, type: f4}
  - {id: "on", type: b1}
  - {id: bits, type: b7}
  - {id: name, type: str, size: 4}
  - {id: gear, type: u1, enum: gear}
enums:
  gear: {0: neutral, 1: first}
`

// recording writes a recording of two frames of testKsy, and opens it for reading.
func recording(t *testing.T) (*record.Reader, *layout.Layout) {
	t.Helper()
	l, err := layout.Compile([]byte(testKsy), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testutil.TempDir(t), "r.shmrec")
	w, err := record.Create(path, record.Header{ID: "r0123456789ab", Mapping: "m", Length: 20, Layout: "t", LayoutSource: testKsy, Counter: true, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, name := range []string{"ab", "cd"} {
		b := binary.LittleEndian.AppendUint16(nil, uint16(int16(-5+i)))
		b = binary.LittleEndian.AppendUint64(b, math.MaxUint64-uint64(i))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(1.5+float32(i)))
		b = append(b, 0x80|byte(i), 0, 0, 0, 0, byte(i))
		copy(b[15:19], name)
		if _, err := w.Frame(at.Add(time.Duration(i)*time.Second), uint64(10+i), b, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(record.End{Stopped: at, Reason: record.ReasonStopped}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := record.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return rd, l
}

// TestWriteCSV: a header of paths, after time and frame; a row per frame; Begin called before the first byte.
func TestWriteCSV(t *testing.T) {
	rd, l := recording(t)
	var out bytes.Buffer
	began := -1
	if err := Write(&out, rd, l, Options{Format: CSV, Begin: func() { began = out.Len() }}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"time", "frame", "n", "big", "x", "on", "bits", "name", "gear"},
		{"2026-01-02T03:04:05Z", "10", "-5", "18446744073709551615", "1.5", "true", "0", "ab\x00\x00", "neutral"},
		{"2026-01-02T03:04:06Z", "11", "-4", "18446744073709551614", "2.5", "true", "1", "cd\x00\x00", "first"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) || began != 0 {
		t.Errorf("csv (Begin at %d):\n%q\nwant\n%q", began, rows, want)
	}
}

// TestWriteParquet: the columns typed by the layout: a str a string, u8 unsigned, b1 a boolean.
func TestWriteParquet(t *testing.T) {
	rd, l := recording(t)
	var out bytes.Buffer
	if err := Write(&out, rd, l, Options{Format: Parquet, Fields: "n,big,on,bits,name,gear"}); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range f.Schema().Columns() {
		leaf, _ := f.Schema().Lookup(c...)
		got[strings.Join(c, ".")] = leaf.Node.Type().String()
	}
	want := map[string]string{"time": "TIMESTAMP(isAdjustedToUTC=true,unit=NANOS)", "frame": "INT(64,false)", "n": "INT(16,true)",
		"big": "INT(64,false)", "on": "BOOLEAN", "bits": "INT(8,false)", "name": "STRING", "gear": "STRING"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("column %s: %s, want %s", k, got[k], v)
		}
	}
	if len(got) != len(want) || f.NumRows() != 2 {
		t.Errorf("columns %v, %d rows", got, f.NumRows())
	}
	var order []string
	for _, c := range f.Schema().Columns() {
		order = append(order, strings.Join(c, "."))
	}
	if want := []string{"time", "frame", "n", "big", "on", "bits", "name", "gear"}; !slices.Equal(order, want) {
		t.Errorf("columns in the order %v, want the layout's %v", order, want)
	}
	for _, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			if c.MetaData.Codec != format.Zstd {
				t.Errorf("column %v: codec %v, want ZSTD", c.MetaData.PathInSchema, c.MetaData.Codec)
			}
		}
	}
	type row struct {
		Big  *uint64 `parquet:"big"`
		Name *string `parquet:"name"`
	}
	rows, err := parquet.Read[row](bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Big == nil || *rows[0].Big != math.MaxUint64 || rows[1].Name == nil || *rows[1].Name != "cd\x00\x00" {
		t.Errorf("rows: %+v", rows)
	}
}

// TestWriteRefuses: a fields list that does not parse, or that makes too many columns, is ErrInvalid before a
// byte is written; as is a format not known.
func TestWriteRefuses(t *testing.T) {
	rd, l := recording(t)
	var out bytes.Buffer
	if err := Write(&out, rd, l, Options{Fields: "n,,"}); !errors.Is(err, ErrInvalid) || out.Len() != 0 {
		t.Errorf("a bad fields list: %v, %d bytes written", err, out.Len())
	}
	if _, err := ParseFormat("xml"); !errors.Is(err, ErrInvalid) {
		t.Errorf("xml: %v", err)
	}
	many := "meta: {id: m}\nseq:\n  - {id: a, type: u1, repeat: expr, repeat-expr: " + fmt.Sprint(MaxColumns+1) + "}\n"
	ml, err := layout.Compile([]byte(many), nil, layout.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testutil.TempDir(t), "m.shmrec")
	w, err := record.Create(path, record.Header{ID: "r0123456789ab", Mapping: "m", Length: MaxColumns + 1, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	w.Frame(time.Now(), 0, make([]byte, MaxColumns+1), 1<<20)
	w.Close(record.End{})
	data, _ := os.ReadFile(path)
	mrd, err := record.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(&out, mrd, ml, Options{}); !errors.Is(err, ErrInvalid) || out.Len() != 0 {
		t.Errorf("%d columns: %v, %d bytes written", MaxColumns+1, err, out.Len())
	}
}

// TestWriteVersionChecked: frames are decoded by the layout's version checks (view.Decode): a first frame of
// another version is its *view.VersionError before a byte is written; a later one ends the table begun, as a
// frame that does not decode does.
func TestWriteVersionChecked(t *testing.T) {
	checked := func(check string) *layout.Layout {
		src := strings.Replace(testKsy, "meta: {id: t, endian: le, encoding: UTF-8}", "meta: {id: t, endian: le, encoding: UTF-8, -shmbridge: {version: ["+check+"]}}", 1)
		l, err := layout.Compile([]byte(src), nil, layout.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	rd, _ := recording(t)
	var out bytes.Buffer
	err := Write(&out, rd, checked("{field: n, min: -4}"), Options{Format: CSV})
	var ve *view.VersionError
	if !errors.As(err, &ve) || ve.Field != "n" || ve.Want != "≥ -4" || ve.Got != "-5" || out.Len() != 0 {
		t.Errorf("the first frame of another version: %v, %d bytes written", err, out.Len())
	}
	rd, _ = recording(t)
	began := false
	err = Write(&out, rd, checked("{field: n, is: -5}"), Options{Format: CSV, Begin: func() { began = true }})
	if !errors.As(err, &ve) || ve.Want != "= -5" || ve.Got != "-4" || !began {
		t.Errorf("the second frame of another version: %v (the table begun: %v)", err, began)
	}
}
