package layout

import "testing"

// TestProcessNeedsExtent: a process applies to bytes of a known extent (a terminator's too); without one the
// layout is refused rather than the process silently skipped.
func TestProcessNeedsExtent(t *testing.T) {
	l, err := Compile([]byte("meta:\n  id: p\nseq:\n  - id: a\n    terminator: 0\n    process: xor(0x01)\n  - id: b\n    type: u1\n"), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.Decode([]byte{0x40, 0x41, 0, 9})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := v.AppendJSON(nil, nil, 1<<10); string(out) != `{"a":"QUA=","b":9}` {
		t.Errorf("got %s", out)
	}
	_, err = Compile([]byte("meta:\n  id: p\nseq:\n  - id: a\n    type: x\n    process: zlib\ntypes:\n  x:\n    seq:\n      - id: c\n        type: u1\n"), nil, DefaultLimits)
	if ps, ok := err.(Problems); !ok || ps[0].Path != "/seq/0/process" {
		t.Errorf("an unsized process: %v", err)
	}
}
