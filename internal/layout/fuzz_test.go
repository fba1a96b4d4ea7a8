package layout

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
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

// hostileSeeds are the layouts that cost too much before the compiler had a budget: each must be refused or
// compiled within it.
var hostileSeeds = []string{
	doubling(40), // each instance typed again at each use
	laughs(),     // YAML aliases
	"meta:\n  id: a\ninstances:\n  v:\n    value: '1" + strings.Repeat("+1", 20000) + "'\n",
	"meta:\n  id: a\ninstances:\n  v:\n    value: '1" + strings.Repeat(".to_s.to_i", 2000) + "'\n",
	"meta:\n  id: a\ninstances:\n  v:\n    value: " + strings.Repeat("9", 20000) + "\n",
	"meta:\n  id: a\nseq:\n  - id: x\n    size: 1\n    type:\n      switch-on: 1\n      cases:\n" + strings.Repeat("        1: t\n", 3000),
	"meta:\n  id: a\nseq:\n  - id: items\n    type: item\n    repeat: eos\ntypes:\n  item:\n    seq:\n      - id: v\n        type: u1\n",
	"meta:\n  id: a\n---\nmeta:\n  id: b\n",
	"meta:\n  id: a\nseq:\n  - id: b\n    size-eos: true\ninstances:\n  r:\n    value: b" + strings.Repeat(".reverse", 200) + ".length\n",
}

// fuzzAlloc bounds what one input may cost: the compile budget's units, and the memory compiling and decoding
// it allocate (runtime.MemStats, not wall time: a busy machine does not fail it).
const fuzzAlloc = 48 << 20

// FuzzCompile: no layout text crashes the compiler or costs more than its budget; what compiles decodes any
// data within its limits.
func FuzzCompile(f *testing.F) {
	for _, s := range append(fuzzSeeds, hostileSeeds...) {
		f.Add(s, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	}
	f.Fuzz(func(t *testing.T, src string, data []byte) {
		var c cost
		bytes := testutil.Allocated(func() { c = compileAndDecode(t, src, data) })
		lim := budgeted(fuzzLimits)
		if c.nodes > lim.Nodes || c.exprNodes > lim.ExprNodes || c.checks > lim.Checks {
			t.Fatalf("over the compile budget: %+v", c)
		}
		if bytes > fuzzAlloc {
			t.Fatalf("compiling and decoding allocated %d MB", bytes>>20)
		}
	})
}

func compileAndDecode(t *testing.T, src string, data []byte) cost {
	l, c, err := compileCounted(context.Background(), []byte(src), func(string, string) (string, []byte, error) { return "", nil, ErrNotFound }, nil, fuzzLimits)
	if err != nil {
		if _, ok := err.(Problems); !ok {
			t.Fatalf("not Problems: %T %v", err, err)
		}
		return c
	}
	v, err := l.Decode(data)
	if err == nil {
		out, err := v.AppendJSON(nil, nil, 1<<20)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		if v.d.steps > fuzzLimits.Steps {
			t.Fatalf("the decode took %d steps", v.d.steps)
		}
	}
	return c
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
