package layout

import (
	"errors"
	"strings"
	"testing"
)

// jsonOf compiles src (no imports), decodes data by it and answers the JSON of the fields sel lists ("": all).
func jsonOf(t *testing.T, src string, data []byte, sel string) (string, error) {
	t.Helper()
	l, err := Compile([]byte(src), nil, DefaultLimits)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	v, err := l.Decode(data)
	if err != nil {
		return "", err
	}
	s, err := ParseSelection(sel)
	if err != nil {
		t.Fatal(err)
	}
	out, err := v.AppendJSON(nil, s, 1<<20)
	return string(out), err
}

// TestSwitchWithoutMatchIsNull: a switch-on that no case matches, with no `_` case and no size, reads nothing
// and leaves the attribute null (absent from the JSON, an array's item null), as Kaitai does; the attributes
// after it are read where it left the stream.
func TestSwitchWithoutMatchIsNull(t *testing.T) {
	const src = "meta: {id: x}\nseq:\n  - id: tag\n    type: u1\n  - id: body\n    type:\n      switch-on: tag\n      cases:\n        1: u1\n        2: u2le\n  - id: items\n    repeat: expr\n    repeat-expr: 2\n    type:\n      switch-on: tag + _index\n      cases:\n        8: u1\n  - id: next\n    type: u1\ninstances:\n  seen:\n    value: tag == 7\n"
	for _, c := range []struct {
		data []byte
		want string
	}{
		{[]byte{1, 5, 6}, `{"tag":1,"body":5,"items":[null,null],"next":6,"seen":false}`},
		{[]byte{7, 5, 6}, `{"tag":7,"items":[null,5],"next":6,"seen":true}`},
	} {
		got, err := jsonOf(t, src, c.data, "")
		if err != nil || got != c.want {
			t.Errorf("%v: %s, %v; want %s", c.data, got, err, c.want)
		}
	}
	if got, err := jsonOf(t, src, []byte{7, 5, 6}, "body,next"); err != nil || got != `{"next":6}` {
		t.Errorf("?fields=body,next: %s, %v", got, err)
	}
}

// TestKaitaiSyntax: what Kaitai's compiler takes and users' .ksy files write: a multi-byte xor key given as an
// array literal, a trailing comma in an array literal (and in a type's or a process's arguments), a float
// literal ending in a dot, and a type with arguments written as a YAML block scalar (ending in a newline).
func TestKaitaiSyntax(t *testing.T) {
	for _, c := range []struct {
		name, src string
		data      []byte
		want      string
	}{
		{"xor key array", "meta: {id: x}\nseq:\n  - id: a\n    size: 4\n    process: xor([236, 187, 163, 20])\n", []byte{236, 187, 163, 21}, `{"a":"AAAAAQ=="}`},
		{"xor key array, trailing comma", "meta: {id: x}\nseq:\n  - id: a\n    size: 2\n    process: xor([1, 2, ])\n", []byte{1, 2}, `{"a":"AAA="}`},
		{"array literal, trailing comma", "meta: {id: x}\ninstances:\n  n:\n    value: '[1, 2, ].size'\n", []byte{0}, `{"n":2}`},
		{"float ending in a dot", "meta: {id: x}\ninstances:\n  f:\n    value: 24000. / 2\n  g:\n    value: (3.) * 2\n", []byte{0}, `{"f":12000,"g":6}`},
		{"type arguments in a block scalar", "meta: {id: x}\nseq:\n  - id: a\n    type: |\n      t(1 + 1, 3, )\ntypes:\n  t:\n    params:\n      - id: p\n        type: u1\n      - id: q\n        type: u1\n    seq:\n      - id: v\n        size: p\n    instances:\n      w:\n        value: q\n", []byte{7, 8}, `{"a":{"v":"Bwg=","w":3}}`},
		{"process in a block scalar", "meta: {id: x}\nseq:\n  - id: a\n    size: 1\n    process: >\n      xor(1)\n", []byte{3}, `{"a":"Ag=="}`},
	} {
		l, err := Compile([]byte(c.src), nil, DefaultLimits)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		v, err := l.Decode(c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got, err := v.AppendJSON(nil, nil, 1<<20)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %s, %v; want %s", c.name, got, err, c.want)
		}
	}
	// A dot after an integer still names a method, and [,] is no array.
	for _, src := range []string{"1.to_s", "[,]", "[1,,]", "t(,)"} {
		if _, err := parseExpr(src); err == nil && src != "1.to_s" {
			t.Errorf("%s: parsed", src)
		} else if err != nil && src == "1.to_s" {
			t.Errorf("%s: %v", src, err)
		}
	}
}

// TestUnknownEncodingFailsWhenRead: an encoding name the daemon does not know is taken at save, as Kaitai's
// compiler takes it; reading a string in it fails naming the field, and a string not read costs nothing.
func TestUnknownEncodingFailsWhenRead(t *testing.T) {
	const src = "meta: {id: x, encoding: NOPE-1}\nseq:\n  - id: n\n    type: u1\n  - id: s\n    type: str\n    size: 1\n    if: n == 1\n  - id: t\n    type: strz\n    encoding: ALSO-NOT\n    if: n == 2\n"
	if got, err := jsonOf(t, src, []byte{0, 65, 0}, ""); err != nil || got != `{"n":0}` {
		t.Errorf("no string read: %s, %v", got, err)
	}
	for _, c := range []struct {
		data []byte
		want string
	}{{[]byte{1, 65}, `s at offset 1: unknown encoding "NOPE-1"`}, {[]byte{2, 65, 0}, `t at offset 1: unknown encoding "ALSO-NOT"`}} {
		if _, err := jsonOf(t, src, c.data, ""); err == nil || err.Error() != c.want {
			t.Errorf("%v: %v, want %s", c.data, err, c.want)
		}
	}
}

// TestValidInInstanceFromIf: a valid that fails in an instance an `if` of the seq reads is the decode's error,
// naming the instance and the validation (not the if's comparison with a missing value).
func TestValidInInstanceFromIf(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"meta: {id: x}\nseq:\n  - id: a\n    type: u1\n    if: inst >= 0\ninstances:\n  inst:\n    pos: 1\n    type: u1\n    valid: 0x50\n", "inst at offset 1: not valid: 2, expected 80"},
		{"meta: {id: x}\nseq:\n  - id: c\n    type: t\ntypes:\n  t:\n    seq:\n      - id: a\n        type: u1\n        if: _parent.inst >= 0\ninstances:\n  inst:\n    pos: 1\n    type: u1\n    valid:\n      min: 5\n", "inst at offset 1: not valid: 2 is less than the minimum 5"},
		{"meta: {id: x}\nseq:\n  - id: a\n    size: 0\n    if: inst.size == 0\ninstances:\n  inst:\n    pos: 0\n    type: u1\n    repeat: expr\n    repeat-expr: 2\n    valid:\n      any-of: [1]\n", "inst[1] at offset 1: not valid: 2 is none of the values allowed"},
		{"meta: {id: x}\nseq:\n  - id: a\n    type: u1\n    if: inst.size == 0\ninstances:\n  inst:\n    pos: 0\n    contents: [1, 3]\n", "inst at offset 0: contents are [0x01, 0x02], expected [0x01, 0x03]"},
	} {
		if _, err := jsonOf(t, c.src, []byte{1, 2, 3}, ""); err == nil || err.Error() != c.want {
			t.Errorf("%v, want %s", err, c.want)
		}
	}
}

// TestInstanceErrorIsMarked: an instance whose read fails is never dropped: in the JSON it is
// {"$error": "…"} in its place, whole or selected, at any depth (Kaitai's instances are lazy: one fails only
// when read); a seq attribute's failure is still the decode's error, and a bound reached in an instance still
// ends the answer.
func TestInstanceErrorIsMarked(t *testing.T) {
	const src = "meta: {id: x}\nseq:\n  - id: a\n    type: u1\n  - id: c\n    type: t\n    size: 2\n    repeat: expr\n    repeat-expr: 2\ninstances:\n  body:\n    pos: 10\n    size: 4\n  ok:\n    value: a + 1\ntypes:\n  t:\n    instances:\n      tail:\n        pos: 1\n        type: u2le\n"
	const body = `{"$error":"body at offset 0: pos 10 is outside the stream of 5 bytes"}`
	const tail = `{"$error":"c[0].tail at offset 2: end of stream: wanted 2 bytes, 1 left"}`
	for _, c := range []struct{ sel, want string }{
		{"", `{"a":1,"c":[{"tail":` + tail + `},{"tail":{"$error":"c[1].tail at offset 4: end of stream: wanted 2 bytes, 1 left"}}],"body":` + body + `,"ok":2}`},
		{"body", `{"body":` + body + `}`},
		{"body.x,ok", `{"body":` + body + `,"ok":2}`},
		{"c[0].tail", `{"c":[{"tail":` + tail + `}]}`},
	} {
		if got, err := jsonOf(t, src, []byte{1, 2, 3, 4, 5}, c.sel); err != nil || got != c.want {
			t.Errorf("?fields=%s: %s, %v; want %s", c.sel, got, err, c.want)
		}
	}
	if _, err := jsonOf(t, src, []byte{1, 2, 3, 4}, ""); err == nil || err.Error() != "c[1] at offset 3: size 2, but 1 bytes are left" {
		t.Errorf("a seq attribute that fails: %v", err)
	}
	if _, err := jsonOf(t, src, []byte{1, 2, 3, 4, 5}, "nosuch"); err == nil {
		t.Error("a field the layout has not was answered")
	}
	// A bound reached while an instance is read ends the answer.
	l, err := Compile([]byte("meta: {id: x}\ninstances:\n  many:\n    pos: 0\n    type: u1\n    repeat: eos\n"), nil, Limits{Source: MaxSource, Imports: 1, Depth: 8, Steps: 1 << 20, Items: 1000, Output: 4096})
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.Decode(make([]byte, 500))
	if err != nil {
		t.Fatal(err)
	}
	var de *DecodeError
	if _, err := v.AppendJSON(nil, nil, 1<<20); !errors.As(err, &de) || !de.Limit {
		t.Errorf("a bound reached in an instance: %v", err)
	}
}

// TestObjectGraphRefs: an object that is (or reads as) one the JSON is already inside is written as
// {"$ref": "#/its/path"} (a JSON Pointer into the answer), not copied until the depth limit: a value instance
// that answers an enclosing object, a directory entry whose inode is the one being written (ext2's "."), an
// instance that reads its own type at the same place of the same stream, a cycle of positioned instances.
func TestObjectGraphRefs(t *testing.T) {
	const ext2 = "meta: {id: x}\nseq:\n  - id: inodes\n    type: inode\n    repeat: expr\n    repeat-expr: 2\ninstances:\n  root_dir:\n    value: inodes[0].as_dir\n  me:\n    value: _root\ntypes:\n  inode:\n    seq:\n      - id: ptr\n        type: u1\n    instances:\n      as_dir:\n        io: _root._io\n        pos: ptr\n        type: dir\n        if: ptr != 0\n  dir:\n    seq:\n      - id: entries\n        type: entry\n        repeat: expr\n        repeat-expr: 2\n  entry:\n    seq:\n      - id: idx\n        type: u1\n    instances:\n      inode:\n        value: _root.inodes[idx]\n      up:\n        value: _parent\n"
	const args = "meta: {id: x}\nseq:\n  - id: n\n    type: node(1, [1, 2])\ntypes:\n  node:\n    params:\n      - id: p\n        type: u1\n      - id: l\n        type: bytes\n    seq:\n      - id: v\n        type: u1\n    instances:\n      same:\n        pos: 0\n        type: node(p, [1, 2])\n      next:\n        pos: 0\n        type: node(p + 1, l)\n        if: p < 3\n"
	const cycle = "meta: {id: x}\nseq:\n  - id: n\n    type: u1\n  - id: head\n    type: node\ninstances:\n  again:\n    pos: 0\n    type: x\ntypes:\n  node:\n    seq:\n      - id: next\n        type: u1\n    instances:\n      follow:\n        pos: next\n        type: node\n"
	for _, c := range []struct {
		name, src string
		data      []byte
		sel, want string
	}{
		{"ext2", ext2, []byte{2, 0, 0, 1}, "", `{"inodes":[{"ptr":2,"as_dir":{"entries":[{"idx":0,"inode":{"$ref":"#/inodes/0"},"up":{"$ref":"#/inodes/0/as_dir"}},{"idx":1,"inode":{"ptr":0},"up":{"$ref":"#/inodes/0/as_dir"}}]}},{"ptr":0}],"root_dir":{"entries":[{"idx":0,"inode":{"ptr":2,"as_dir":{"$ref":"#/root_dir"}},"up":{"$ref":"#/root_dir"}},{"idx":1,"inode":{"ptr":0},"up":{"$ref":"#/root_dir"}}]},"me":{"$ref":"#"}}`},
		{"ext2, selected", ext2, []byte{2, 0, 0, 1}, "root_dir.entries[0].inode.as_dir,me", `{"root_dir":{"entries":[{"inode":{"as_dir":{"$ref":"#/root_dir"}}}]},"me":{"$ref":"#"}}`},
		{"a cycle of positions", cycle, []byte{5, 2, 1}, "", `{"n":5,"head":{"next":2,"follow":{"next":1,"follow":{"$ref":"#/head"}}},"again":{"$ref":"#"}}`},
		{"arguments", args, []byte{7}, "", `{"n":{"v":7,"same":{"$ref":"#/n"},"next":{"v":7,"same":{"$ref":"#/n/next"},"next":{"v":7,"same":{"$ref":"#/n/next/next"}}}}}`},
	} {
		if got, err := jsonOf(t, c.src, c.data, c.sel); err != nil || got != c.want {
			t.Errorf("%s: %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}

// TestObjectGraphBounded: a layout whose JSON compares many objects read at one place (a chain of one type at
// one offset, each with another argument, written again under each of many holders) spends the decode's steps
// on the comparisons: it ends at the step limit, in bounded time.
func TestObjectGraphBounded(t *testing.T) {
	const src = "meta: {id: x}\nseq:\n  - id: holders\n    type: holder\n    repeat: expr\n    repeat-expr: 20000\ninstances:\n  chain:\n    pos: 0\n    type: node(0)\ntypes:\n  holder:\n    instances:\n      c:\n        value: _root.chain\n  node:\n    params:\n      - id: p\n        type: u1\n    instances:\n      next:\n        pos: 0\n        type: node(p + 1)\n        if: p < 40\n"
	var err error
	cpu, _ := cpuTime(func() { _, err = jsonOf(t, src, []byte{0}, "") })
	t.Logf("%v CPU: %v", cpu, err)
	var de *DecodeError
	if !errors.As(err, &de) || !de.Limit || !strings.Contains(de.Detail, "steps") {
		t.Errorf("%v, want the step limit", err)
	}
}
