package layout

// The benchmark of a decode against a hand-written decoder of the same struct: a telemetry struct of 90 scalar
// fields (640 bytes), as a sim-racing or sensor producer publishes. The struct and decoder below were generated
// once from the field list; edit testdata/layouts/bench_telemetry.ksy and them together.

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// benchKsy is testdata/layouts/bench_telemetry.ksy (.ci/bench-fields serves it too).
var benchKsy = func() string {
	b, err := os.ReadFile("../../testdata/layouts/bench_telemetry.ksy")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// benchStruct is what a hand-written Go reader of that memory declares.
type benchStruct struct {
	V00 float64 `json:"v00"`
	V01 float64 `json:"v01"`
	V02 float64 `json:"v02"`
	V03 float64 `json:"v03"`
	V04 float64 `json:"v04"`
	V05 float64 `json:"v05"`
	V06 float64 `json:"v06"`
	V07 float64 `json:"v07"`
	V08 float64 `json:"v08"`
	V09 float64 `json:"v09"`
	V10 float64 `json:"v10"`
	V11 float64 `json:"v11"`
	V12 float64 `json:"v12"`
	V13 float64 `json:"v13"`
	V14 float64 `json:"v14"`
	V15 float64 `json:"v15"`
	V16 float64 `json:"v16"`
	V17 float64 `json:"v17"`
	V18 float64 `json:"v18"`
	V19 float64 `json:"v19"`
	V20 float64 `json:"v20"`
	V21 float64 `json:"v21"`
	V22 float64 `json:"v22"`
	V23 float64 `json:"v23"`
	V24 float64 `json:"v24"`
	V25 float64 `json:"v25"`
	V26 float64 `json:"v26"`
	V27 float64 `json:"v27"`
	V28 float64 `json:"v28"`
	V29 float64 `json:"v29"`
	V30 float64 `json:"v30"`
	V31 float64 `json:"v31"`
	V32 float64 `json:"v32"`
	V33 float64 `json:"v33"`
	V34 float64 `json:"v34"`
	V35 float64 `json:"v35"`
	V36 float64 `json:"v36"`
	V37 float64 `json:"v37"`
	V38 float64 `json:"v38"`
	V39 float64 `json:"v39"`
	V40 float64 `json:"v40"`
	V41 float64 `json:"v41"`
	V42 float64 `json:"v42"`
	V43 float64 `json:"v43"`
	V44 float64 `json:"v44"`
	V45 float64 `json:"v45"`
	V46 float64 `json:"v46"`
	V47 float64 `json:"v47"`
	V48 float64 `json:"v48"`
	V49 float64 `json:"v49"`
	V50 float64 `json:"v50"`
	V51 float64 `json:"v51"`
	V52 float64 `json:"v52"`
	V53 float64 `json:"v53"`
	V54 float64 `json:"v54"`
	V55 float64 `json:"v55"`
	V56 float64 `json:"v56"`
	V57 float64 `json:"v57"`
	V58 float64 `json:"v58"`
	V59 float64 `json:"v59"`
	V60 float64 `json:"v60"`
	V61 float64 `json:"v61"`
	V62 float64 `json:"v62"`
	V63 float64 `json:"v63"`
	V64 float64 `json:"v64"`
	V65 float64 `json:"v65"`
	V66 float64 `json:"v66"`
	V67 float64 `json:"v67"`
	V68 float64 `json:"v68"`
	V69 float64 `json:"v69"`
	V70 float32 `json:"v70"`
	V71 float32 `json:"v71"`
	V72 float32 `json:"v72"`
	V73 float32 `json:"v73"`
	V74 float32 `json:"v74"`
	V75 float32 `json:"v75"`
	V76 float32 `json:"v76"`
	V77 float32 `json:"v77"`
	V78 float32 `json:"v78"`
	V79 float32 `json:"v79"`
	V80 int32   `json:"v80"`
	V81 int32   `json:"v81"`
	V82 int32   `json:"v82"`
	V83 int32   `json:"v83"`
	V84 int32   `json:"v84"`
	V85 int32   `json:"v85"`
	V86 int32   `json:"v86"`
	V87 int32   `json:"v87"`
	V88 int32   `json:"v88"`
	V89 int32   `json:"v89"`
}

// decodeByHand is what a hand-written Go reader does: a load per field.
func decodeByHand(b []byte) *benchStruct {
	le := binary.LittleEndian
	t := &benchStruct{}
	t.V00 = math.Float64frombits(le.Uint64(b[0:]))
	t.V01 = math.Float64frombits(le.Uint64(b[8:]))
	t.V02 = math.Float64frombits(le.Uint64(b[16:]))
	t.V03 = math.Float64frombits(le.Uint64(b[24:]))
	t.V04 = math.Float64frombits(le.Uint64(b[32:]))
	t.V05 = math.Float64frombits(le.Uint64(b[40:]))
	t.V06 = math.Float64frombits(le.Uint64(b[48:]))
	t.V07 = math.Float64frombits(le.Uint64(b[56:]))
	t.V08 = math.Float64frombits(le.Uint64(b[64:]))
	t.V09 = math.Float64frombits(le.Uint64(b[72:]))
	t.V10 = math.Float64frombits(le.Uint64(b[80:]))
	t.V11 = math.Float64frombits(le.Uint64(b[88:]))
	t.V12 = math.Float64frombits(le.Uint64(b[96:]))
	t.V13 = math.Float64frombits(le.Uint64(b[104:]))
	t.V14 = math.Float64frombits(le.Uint64(b[112:]))
	t.V15 = math.Float64frombits(le.Uint64(b[120:]))
	t.V16 = math.Float64frombits(le.Uint64(b[128:]))
	t.V17 = math.Float64frombits(le.Uint64(b[136:]))
	t.V18 = math.Float64frombits(le.Uint64(b[144:]))
	t.V19 = math.Float64frombits(le.Uint64(b[152:]))
	t.V20 = math.Float64frombits(le.Uint64(b[160:]))
	t.V21 = math.Float64frombits(le.Uint64(b[168:]))
	t.V22 = math.Float64frombits(le.Uint64(b[176:]))
	t.V23 = math.Float64frombits(le.Uint64(b[184:]))
	t.V24 = math.Float64frombits(le.Uint64(b[192:]))
	t.V25 = math.Float64frombits(le.Uint64(b[200:]))
	t.V26 = math.Float64frombits(le.Uint64(b[208:]))
	t.V27 = math.Float64frombits(le.Uint64(b[216:]))
	t.V28 = math.Float64frombits(le.Uint64(b[224:]))
	t.V29 = math.Float64frombits(le.Uint64(b[232:]))
	t.V30 = math.Float64frombits(le.Uint64(b[240:]))
	t.V31 = math.Float64frombits(le.Uint64(b[248:]))
	t.V32 = math.Float64frombits(le.Uint64(b[256:]))
	t.V33 = math.Float64frombits(le.Uint64(b[264:]))
	t.V34 = math.Float64frombits(le.Uint64(b[272:]))
	t.V35 = math.Float64frombits(le.Uint64(b[280:]))
	t.V36 = math.Float64frombits(le.Uint64(b[288:]))
	t.V37 = math.Float64frombits(le.Uint64(b[296:]))
	t.V38 = math.Float64frombits(le.Uint64(b[304:]))
	t.V39 = math.Float64frombits(le.Uint64(b[312:]))
	t.V40 = math.Float64frombits(le.Uint64(b[320:]))
	t.V41 = math.Float64frombits(le.Uint64(b[328:]))
	t.V42 = math.Float64frombits(le.Uint64(b[336:]))
	t.V43 = math.Float64frombits(le.Uint64(b[344:]))
	t.V44 = math.Float64frombits(le.Uint64(b[352:]))
	t.V45 = math.Float64frombits(le.Uint64(b[360:]))
	t.V46 = math.Float64frombits(le.Uint64(b[368:]))
	t.V47 = math.Float64frombits(le.Uint64(b[376:]))
	t.V48 = math.Float64frombits(le.Uint64(b[384:]))
	t.V49 = math.Float64frombits(le.Uint64(b[392:]))
	t.V50 = math.Float64frombits(le.Uint64(b[400:]))
	t.V51 = math.Float64frombits(le.Uint64(b[408:]))
	t.V52 = math.Float64frombits(le.Uint64(b[416:]))
	t.V53 = math.Float64frombits(le.Uint64(b[424:]))
	t.V54 = math.Float64frombits(le.Uint64(b[432:]))
	t.V55 = math.Float64frombits(le.Uint64(b[440:]))
	t.V56 = math.Float64frombits(le.Uint64(b[448:]))
	t.V57 = math.Float64frombits(le.Uint64(b[456:]))
	t.V58 = math.Float64frombits(le.Uint64(b[464:]))
	t.V59 = math.Float64frombits(le.Uint64(b[472:]))
	t.V60 = math.Float64frombits(le.Uint64(b[480:]))
	t.V61 = math.Float64frombits(le.Uint64(b[488:]))
	t.V62 = math.Float64frombits(le.Uint64(b[496:]))
	t.V63 = math.Float64frombits(le.Uint64(b[504:]))
	t.V64 = math.Float64frombits(le.Uint64(b[512:]))
	t.V65 = math.Float64frombits(le.Uint64(b[520:]))
	t.V66 = math.Float64frombits(le.Uint64(b[528:]))
	t.V67 = math.Float64frombits(le.Uint64(b[536:]))
	t.V68 = math.Float64frombits(le.Uint64(b[544:]))
	t.V69 = math.Float64frombits(le.Uint64(b[552:]))
	t.V70 = math.Float32frombits(le.Uint32(b[560:]))
	t.V71 = math.Float32frombits(le.Uint32(b[564:]))
	t.V72 = math.Float32frombits(le.Uint32(b[568:]))
	t.V73 = math.Float32frombits(le.Uint32(b[572:]))
	t.V74 = math.Float32frombits(le.Uint32(b[576:]))
	t.V75 = math.Float32frombits(le.Uint32(b[580:]))
	t.V76 = math.Float32frombits(le.Uint32(b[584:]))
	t.V77 = math.Float32frombits(le.Uint32(b[588:]))
	t.V78 = math.Float32frombits(le.Uint32(b[592:]))
	t.V79 = math.Float32frombits(le.Uint32(b[596:]))
	t.V80 = int32(le.Uint32(b[600:]))
	t.V81 = int32(le.Uint32(b[604:]))
	t.V82 = int32(le.Uint32(b[608:]))
	t.V83 = int32(le.Uint32(b[612:]))
	t.V84 = int32(le.Uint32(b[616:]))
	t.V85 = int32(le.Uint32(b[620:]))
	t.V86 = int32(le.Uint32(b[624:]))
	t.V87 = int32(le.Uint32(b[628:]))
	t.V88 = int32(le.Uint32(b[632:]))
	t.V89 = int32(le.Uint32(b[636:]))
	return t
}

func benchData() []byte {
	b := make([]byte, 640)
	for i := range b {
		b[i] = byte(i * 7)
	}
	// finite floats: a JSON encoder refuses NaN
	for i := 0; i < 70*8; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], math.Float64bits(float64(i)*1.25))
	}
	for i := 560; i < 600; i += 4 {
		binary.LittleEndian.PutUint32(b[i:], math.Float32bits(float32(i)/3))
	}
	return b
}

// BenchmarkDecodeJSON: the layout's decode and JSON of the struct (the daemon's work for a /fields answer).
func BenchmarkDecodeJSON(b *testing.B) {
	l, err := Compile([]byte(benchKsy), nil, DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	data := benchData()
	buf := make([]byte, 0, 8192)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := l.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if buf, err = v.AppendJSON(buf[:0], nil, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJSONByHand: the baseline, binary.LittleEndian loads into a Go struct and json.Marshal.
func BenchmarkDecodeJSONByHand(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(decodeByHand(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeAgreesWithByHand: the benchmark compares like with like (the same values out).
func TestDecodeAgreesWithByHand(t *testing.T) {
	l, err := Compile([]byte(benchKsy), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.Decode(benchData())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := v.AppendJSON(nil, nil, 1<<20)
	want, _ := json.Marshal(decodeByHand(benchData()))
	var a, b map[string]float64
	json.Unmarshal(got, &a)
	json.Unmarshal(want, &b)
	if len(a) != 90 || len(b) != 90 {
		t.Fatalf("fields: %d and %d", len(a), len(b))
	}
	for k, x := range b {
		if a[k] != x {
			t.Errorf("%s: %v by the layout, %v by hand", k, a[k], x)
		}
	}
}

// recordsKsy is a layout that leans on the interpreter rather than on loads: an array of records of a user
// type, each with sizes, a switch, an if and a repeat computed from its fields, and value instances (using
// _parent) computed as the JSON walk reaches them.
const recordsKsy = `meta:
  id: bench_records
  endian: le
seq:
  - id: magic
    contents: [0x52, 0x45]
  - id: count
    type: u2
  - id: records
    type: record
    repeat: expr
    repeat-expr: count
types:
  record:
    seq:
      - id: kind
        type: u1
      - id: flags
        type: u1
      - id: len
        type: u2
      - id: body
        size: len & 0x0f
        type:
          switch-on: kind % 3
          cases:
            0: point
            1: label
      - id: extra
        type: u4
        if: flags & 1 == 1
      - id: samples
        type: s2
        repeat: expr
        repeat-expr: (flags >> 1) % 4
    instances:
      total:
        value: len + kind * 2 + (flags & 0xf0) / 16
      big:
        value: total > 100 and kind != 0 or _parent.count < 3
  point:
    seq:
      - id: x
        type: s2
      - id: y
        type: s2
    instances:
      norm:
        value: x * x + y * y
  label:
    seq:
      - id: text
        type: str
        size-eos: true
        encoding: ASCII
`

// recordsData is recordsKsy's data: n records of each kind in turn.
func recordsData(n int) []byte {
	b := []byte{0x52, 0x45, byte(n), byte(n >> 8)}
	for i := range n {
		kind, flags := byte(i%3), byte(i*37)
		body := [][]byte{{byte(i), 0, 0xfe, 0xff}, []byte("label!"), {7, 7}}[kind]
		b = append(b, kind, flags, byte(len(body))|byte(i<<4), 0)
		b = append(b, body...)
		if flags&1 == 1 {
			b = append(b, 1, 2, 3, 4)
		}
		for j := range int(flags>>1) % 4 {
			b = append(b, byte(j), 0x80)
		}
	}
	return b
}

// BenchmarkDecodeRecords: the decode and JSON of recordsKsy's 200 records (expressions, arrays, nested
// types: the interpreter's own work).
func BenchmarkDecodeRecords(b *testing.B) {
	l, err := Compile([]byte(recordsKsy), nil, DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	data := recordsData(200)
	buf := make([]byte, 0, 64<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := l.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if buf, err = v.AppendJSON(buf[:0], nil, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

// namesKsy is a layout whose expressions are mostly names.
const namesKsy = `meta:
  id: names
seq:
  - id: items
    type: it
    repeat: expr
    repeat-expr: 500
types:
  it:
    seq:
      - {id: a, type: u1}
      - {id: b, type: u1}
      - {id: c, type: u1}
      - {id: d, type: u1}
      - id: e
        size: (a + b + c + d) % 3
      - id: f
        type: u1
        if: a > b and c > d or a == d
    instances:
      s:
        value: a + b * c - d + (a ^ b) + (c & d) + (a | d) + b * d
      t:
        value: 's > a + b + c + d ? s - a : s + b'
`

// BenchmarkDecodeNames: the decode and JSON of namesKsy's 500 items, whose sizes, ifs and instances are
// mostly names of their attributes.
func BenchmarkDecodeNames(b *testing.B) {
	l, err := Compile([]byte(namesKsy), nil, DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 5000)
	for i := range data {
		data[i] = byte(i * 13)
	}
	buf := make([]byte, 0, 64<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v, err := l.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if buf, err = v.AppendJSON(buf[:0], nil, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
