package layout

import (
	"encoding/json"
	"testing"
	"time"
)

// small limits: a fuzzed layout must fail fast, not merely eventually.
var fuzzLimits = Limits{Source: 64 << 10, Imports: 4, Depth: 16, Steps: 20000, Items: 1000, Output: 1 << 20}

var fuzzSeeds = []string{
	"meta:\n  id: a\n  endian: le\nseq:\n  - id: x\n    type: u4\n  - id: y\n    type: b3\n  - id: s\n    type: strz\n    encoding: ASCII\n",
	"meta:\n  id: a\nseq:\n  - id: n\n    type: u1\n  - id: items\n    type: item\n    repeat: expr\n    repeat-expr: n\ntypes:\n  item:\n    seq:\n      - id: v\n        type: u2be\n",
	"meta:\n  id: a\nseq:\n  - id: k\n    type: u1\n  - id: body\n    size-eos: true\n    type:\n      switch-on: k\n      cases:\n        1: a\n        _: b\ntypes:\n  a:\n    seq:\n      - id: z\n        type: s8le\n  b:\n    seq:\n      - id: q\n        size: 2\n        process: xor(0xff)\n",
	"meta:\n  id: a\ninstances:\n  v:\n    value: '[1, 2, 3].max + (7 % -3) * (1 << 4) - \"ab\".length'\n  w:\n    pos: _io.size - 1\n    type: u1\n",
	"meta:\n  id: a\nseq:\n  - id: r\n    type: u1\n    repeat: until\n    repeat-until: _ == 0 or _io.eof\n",
	`{"meta": {"id": "a"}, "seq": [{"id": "x", "size": 3, "valid": {"any-of": ["[1,2,3]"]}}]}`,
}

// FuzzCompile: no layout text crashes the compiler or takes long; what compiles decodes any data within
// its limits.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	}
	f.Fuzz(func(t *testing.T, src string, data []byte) {
		start := time.Now()
		l, err := Compile([]byte(src), func(string, string) (string, []byte, error) { return "", nil, ErrNotFound }, fuzzLimits)
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("not Problems: %T %v", err, err)
			}
			return
		}
		v, err := l.Decode(data)
		if err == nil {
			out, err := v.AppendJSON(nil, nil, 1<<20)
			if err == nil && !json.Valid(out) {
				t.Fatalf("invalid JSON: %s", out)
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}

// FuzzExpr: no expression text crashes the parser.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{"a.b[3].c(1, 2) ? -x : ~y", "f\"a{1+2}b\"", "sizeof<a::b>", "x.as<y>.z", "0x_ff + 0b101 * 1.5e3", "not (a and b) or c != 'x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		parseExpr(src)
	})
}
