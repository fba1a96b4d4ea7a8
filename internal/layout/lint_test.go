package layout

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/catalogue"
)

// storyWrong is the natural .ksy of the story's struct, written field for field without the padding:
//
//	struct bench_frame {     // gcc, x86-64 and arm64: offsetof, sizeof 72
//	    uint32_t seq;        //  0
//	    uint8_t  mode;       //  4 (3 bytes of padding follow)
//	    double   timestamp;  //  8
//	    float    rpm;        // 16
//	    float    speed;      // 20
//	    int16_t  gear;       // 24
//	    char     label[32];  // 26 (6 bytes of padding follow)
//	    double   odometer;   // 64
//	};
const storyWrong = `meta: {id: bench_frame, endian: le}
seq:
  - {id: seq, type: u4}
  - {id: mode, type: u1}
  - {id: timestamp, type: f8}
  - {id: rpm, type: f4}
  - {id: speed, type: f4}
  - {id: gear, type: s2}
  - {id: label, type: strz, size: 32, encoding: ASCII}
  - {id: odometer, type: f8}
`

// storyRight is the same struct with gcc's padding.
const storyRight = `meta: {id: bench_frame, endian: le}
seq:
  - {id: seq, type: u4}
  - {id: mode, type: u1}
  - size: 3
  - {id: timestamp, type: f8}
  - {id: rpm, type: f4}
  - {id: speed, type: f4}
  - {id: gear, type: s2}
  - {id: label, type: strz, size: 32, encoding: ASCII}
  - size: 6
  - {id: odometer, type: f8}
`

func lintOf(t *testing.T, src string) []Warning {
	t.Helper()
	l, err := Compile([]byte(src), nil, DefaultLimits)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return Lint(l)
}

func TestLintStory(t *testing.T) {
	got := lintOf(t, storyWrong)
	want := []Warning{
		{"timestamp", "timestamp (f8) is at offset 5, which a C compiler would not choose for an 8-byte number: 3 bytes of padding are likely missing after mode"},
		{"odometer", "odometer (f8) is at offset 55 (58 with the 3 bytes of padding missing before it), which a C compiler would not choose for an 8-byte number: 6 bytes of padding are likely missing after label"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Lint(the story's .ksy) =\n%q\nwant\n%q", got, want)
	}
	if got := lintOf(t, storyRight); got != nil {
		t.Errorf("Lint(the .ksy with gcc's padding) = %q, want none", got)
	}
}

func TestLintCases(t *testing.T) {
	for _, c := range []struct {
		name, seq string
		types     string
		meta      string   // more of meta
		want      []string // the warnings' fields
		detail    string   // in the first warning's detail
	}{
		{name: "u4 at 2", seq: "[{id: a, type: u2}, {id: b, type: u4}]", want: []string{"b"},
			detail: "b (u4) is at offset 2, which a C compiler would not choose for a 4-byte number: 2 bytes of padding are likely missing after a"},
		{name: "u2 at 1", seq: "[{id: a, type: u1}, {id: b, type: u2be}]", want: nil}, // big-endian: a wire format
		{name: "u2 at 1 le", seq: "[{id: a, type: u1}, {id: b, type: s2}]", want: []string{"b"}, detail: "1 byte of padding is likely missing after a"},
		{name: "f8 at 4 (pack 4, i386)", seq: "[{id: a, type: u4}, {id: b, type: f8}]", want: nil},
		{name: "f8 at 2", seq: "[{id: a, type: u2}, {id: b, type: f8}]", want: []string{"b"}, detail: "6 bytes of padding are likely missing after a"},
		{name: "bytes and strings have none", seq: "[{id: a, type: u1}, {id: b, size: 3}, {id: c, type: str, size: 5, encoding: ASCII}, {id: d, type: u1}]", want: nil},
		{name: "bit fields have none", seq: "[{id: a, type: b3}, {id: b, type: b5}, {id: c, type: u1}, {id: d, type: u2}]", want: nil},
		{name: "after bit fields", seq: "[{id: a, type: b4}, {id: b, type: b4}, {id: c, type: u2}]", want: []string{"c"}, detail: "1 byte of padding is likely missing after b"},
		{name: "a magic: a file format", seq: "[{id: magic, contents: [1, 2, 3]}, {id: b, type: u4}]", want: nil},
		{name: "an unnamed magic too", seq: "[{contents: [1, 2, 3]}, {id: b, type: u4}]", want: nil},
		{name: "first field after unnamed bytes", seq: "[{size: 1}, {id: b, type: u4}]", want: []string{"b"}, detail: "3 bytes of padding are likely missing before it"},
		{name: "nested struct", seq: "[{id: a, type: u1}, {id: inner, type: inner}]", types: "inner: {seq: [{id: x, type: u4}]}",
			want: []string{"inner.x"}, detail: "inner.x (u4) is at offset 1"},
		{name: "an array's items named once, their padding counted", types: "item: {seq: [{id: a, type: u1}, {id: b, type: u4}]}",
			seq:  "[{id: items, type: item, repeat: expr, repeat-expr: 3}, {id: c, type: u4}]",
			want: []string{"items[0].b"}, detail: "items[0].b (u4) is at offset 1"},
		{name: "trailing padding of a repeated struct", types: "item: {seq: [{id: b, type: u4}, {id: a, type: u1}]}",
			seq:  "[{id: items, type: item, repeat: expr, repeat-expr: 2}]",
			want: []string{"items[1].b"}, detail: "3 bytes of padding are likely missing after items[0].a"},
		{name: "an array of numbers", seq: "[{id: a, type: u1}, {id: v, type: u4, repeat: expr, repeat-expr: 4}]", want: []string{"v[0]"}},
		{name: "packed 1, as its meta says", meta: ", -shmbridge: {pack: 1}", seq: "[{id: a, type: u1}, {id: b, type: u4}, {id: c, type: f8}]", want: nil},
		{name: "packed 2: a u4 at 2 is right, at 1 not", meta: ", -shmbridge: {pack: 2}", seq: "[{id: a, type: u2}, {id: b, type: u4}, {id: c, type: u1}, {id: d, type: u4}]",
			want: []string{"d"}, detail: "d (u4) is at offset 7"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "meta: {id: t, endian: le" + c.meta + "}\nseq: " + c.seq + "\n"
			if c.types != "" {
				src += "types: {" + c.types + "}\n"
			}
			got := lintOf(t, src)
			var fields []string
			for _, w := range got {
				fields = append(fields, w.Field)
			}
			if !reflect.DeepEqual(fields, c.want) {
				t.Fatalf("warnings %q, want fields %q", got, c.want)
			}
			if c.detail != "" && !strings.Contains(got[0].Detail, c.detail) {
				t.Errorf("detail %q, want it to say %q", got[0].Detail, c.detail)
			}
		})
	}
}

// TestLintBounded: a layout of thousands of misplaced numbers has MaxWarnings warnings, the last saying how
// many more.
func TestLintBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("meta: {id: t, endian: le}\nseq:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "  - {id: a%d, type: u1}\n  - {id: b%d, type: u4}\n", i, i)
	}
	got := lintOf(t, b.String())
	if len(got) != MaxWarnings {
		t.Fatalf("%d warnings, want %d", len(got), MaxWarnings)
	}
	if last := got[MaxWarnings-1]; last.Field != "" || last.Detail != "and 985 more fields off their alignment" {
		t.Errorf("the last warning is %q", last)
	}
}

// TestLintCatalogue: the built-in layouts, proven against C producers (api's catalogue tests), warn of nothing:
// HWiNFO's 8-byte poll_time at 12 (packed) and the games' 4-byte packing are not taken for mistakes.
func TestLintCatalogue(t *testing.T) {
	for id, src := range catalogue.Sources() {
		l, err := Compile(src, nil, DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if w := Lint(l); w != nil {
			t.Errorf("%s: %q", id, w)
		}
	}
}

// TestLintHostile: the most fields a layout describes (4096), every one misplaced, and ids as long as a
// layout's text allows: Lint stays one pass, its warnings few and short.
func TestLintHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("meta: {id: t, endian: le}\nseq:\n")
	for i := range 2100 {
		fmt.Fprintf(&b, "  - {id: a%d, type: u1}\n  - {id: b%d, type: u8}\n", i, i)
	}
	many := lintOf(t, b.String())
	long := strings.Repeat("x", 100_000)
	wide := lintOf(t, fmt.Sprintf("meta: {id: t, endian: le}\nseq:\n  - {id: a%s, type: u1}\n  - {id: b%s, type: u4}\n", long, long))
	for _, w := range append(many, wide...) {
		if len(w.Detail) > 400 {
			t.Fatalf("a detail of %d bytes: %.200s", len(w.Detail), w.Detail)
		}
	}
	if len(many) != MaxWarnings || len(wide) != 1 {
		t.Fatalf("%d and %d warnings", len(many), len(wide))
	}
	l, err := Compile([]byte(b.String()), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Lint(l)
		}
	})
	t.Logf("Lint of %d fields: %v, %d B, %d allocs", len(l.Fields), time.Duration(r.NsPerOp()), r.AllocedBytesPerOp(), r.AllocsPerOp())
	if d := time.Duration(r.NsPerOp()); d > 20*time.Millisecond {
		t.Errorf("Lint of %d fields took %v", len(l.Fields), d)
	}
}

// TestPackRefused: meta/-shmbridge/pack is what #pragma pack takes (1, 2, 4, 8, 16), or the layout is refused
// at that key.
func TestPackRefused(t *testing.T) {
	for _, v := range []string{"3", "0", "-1", "x", "[1]", "32"} {
		_, err := Compile([]byte("meta: {id: t, -shmbridge: {pack: "+v+"}}\nseq: [{id: a, type: u1}]\n"), nil, DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) || ps[0].Path != "/meta/-shmbridge/pack" {
			t.Errorf("pack %s: %v", v, err)
		}
	}
	if l, err := Compile([]byte("meta: {id: t, -shmbridge: {pack: 8}}\nseq: [{id: a, type: u1}]\n"), nil, DefaultLimits); err != nil || l.Pack != 8 {
		t.Errorf("pack 8: %v %+v", err, l)
	}
}
