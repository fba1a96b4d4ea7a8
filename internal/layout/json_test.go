package layout

import (
	"bytes"
	"compress/zlib"
	"errors"
	"testing"

	"github.com/shmbridge/shmbridge/internal/testutil"
)

// inflating is a layout whose one field is a zlib stream inflated to a string: a few KiB of data decode to
// many MiB of control characters, each 6 bytes of JSON (\u0001).
const inflating = "meta:\n  id: z\nseq:\n  - id: s\n    size-eos: true\n    process: zlib\n    type: str\n    encoding: ASCII\n"

func zlibOf(t testing.TB, b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// TestJSONStopsAtTheCap: a value whose JSON would be past the cap is refused before it is encoded, so an answer
// past its cap costs no more memory than the cap, however large the value would have been.
func TestJSONStopsAtTheCap(t *testing.T) {
	l, err := Compile([]byte(inflating), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.Decode(zlibOf(t, bytes.Repeat([]byte{1}, 8<<20)))
	if err != nil {
		t.Fatal(err)
	}
	if v.Output() < 8<<20 {
		t.Errorf("Output: %d, want at least the 8 MiB inflated", v.Output())
	}
	const max = 1 << 20
	for _, c := range []struct {
		name string
		max  int
	}{{"longer than the cap", max}, {"escaping past the cap", 10 << 20}} {
		var err error
		n := testutil.Allocated(func() { _, err = v.AppendJSON(nil, nil, c.max) })
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge", c.name, err)
		}
		if n > uint64(c.max)+64<<10 {
			t.Errorf("%s: refusing a value past a cap of %d bytes allocated %d bytes", c.name, c.max, n)
		}
	}
}

// TestJSONCharged: every byte the JSON buffer grows by is charged before it is allocated, and a charge refused
// ends the encoding with its error.
func TestJSONCharged(t *testing.T) {
	l, err := Compile([]byte(inflating), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l.Decode(zlibOf(t, bytes.Repeat([]byte("ab"), 1<<20)))
	if err != nil {
		t.Fatal(err)
	}
	var charged int64
	out, err := v.AppendJSONCharged(make([]byte, 0, 16), nil, 4<<20, func(n int64) error { charged += n; return nil })
	if err != nil || len(out) != 2<<20+len(`{"s":""}`) {
		t.Fatalf("%d bytes, %v", len(out), err)
	}
	if charged != int64(cap(out)-16) || charged > 4<<20 {
		t.Errorf("charged %d bytes for a buffer grown from 16 to %d", charged, cap(out))
	}
	spent := errors.New("spent")
	charged = 0
	_, err = v.AppendJSONCharged(nil, nil, 4<<20, func(n int64) error {
		if charged+n > 1<<20 {
			return spent
		}
		charged += n
		return nil
	})
	if !errors.Is(err, spent) || charged > 1<<20 {
		t.Errorf("a budget of 1 MiB: %v, %d charged", err, charged)
	}
}
