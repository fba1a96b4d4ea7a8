package layout

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

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

// TestInflateMemory: inflating a zlib value to a string allocates about what it inflates to, not the
// multiples that growing a buffer by appends and copying it to a string cost (8.5× before).
func TestInflateMemory(t *testing.T) {
	const n = 31 << 20
	data := zlibOf(t, bytes.Repeat([]byte{1}, n))
	for _, enc := range []string{"ASCII", "UTF-8"} {
		l, err := Compile([]byte(strings.Replace(inflating, "ASCII", enc, 1)), nil, DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		var v *Value
		got := testutil.Allocated(func() { v, err = l.Decode(data) })
		if err != nil {
			t.Fatal(err)
		}
		if s, err := v.Eval("s.length"); err != nil || s != int64(n) {
			t.Fatalf("%s: s.length is %v (%v), want %d", enc, s, err, n)
		}
		if got > 3*n {
			t.Errorf("%s: inflating %d bytes to a string allocated %d (%.1f×)", enc, n, got, float64(got)/n)
		}
		t.Logf("%s: inflating %d bytes to a string allocated %d (%.2f×)", enc, n, got, float64(got)/n)
	}
}

// TestInflateCapped: zlib data that inflates past the output cap is refused as a limit, and stops there.
func TestInflateCapped(t *testing.T) {
	lim := DefaultLimits
	lim.Output = 1 << 20
	l, err := Compile([]byte("meta:\n  id: z\nseq:\n  - id: b\n    size-eos: true\n    process: zlib\n"), nil, lim)
	if err != nil {
		t.Fatal(err)
	}
	data := zlibOf(t, make([]byte, 16<<20))
	var de *DecodeError
	got := testutil.Allocated(func() { _, err = l.Decode(data) })
	if !errors.As(err, &de) || !strings.Contains(de.Detail, "inflates beyond") {
		t.Fatalf("want a limit, got %v", err)
	}
	if got > 3<<20 {
		t.Errorf("refusing at %d bytes allocated %d", lim.Output, got)
	}
}
