package produce

import (
	"slices"
	"testing"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/spans"
)

type sp = spans.Span

func counters(offSize ...int) []registry.Counter {
	var cs []registry.Counter
	for i := 0; i+1 < len(offSize); i += 2 {
		cs = append(cs, registry.Counter{Off: int64(offSize[i]), Size: offSize[i+1]})
	}
	return cs
}

// TestCutOut: a run of changed bytes without the protocol's own counters: what is left on either side of
// each, nothing of a run a counter covers, the run whole where no counter touches it.
func TestCutOut(t *testing.T) {
	for _, c := range []struct {
		name string
		r    sp
		cs   []registry.Counter
		want []sp
	}{
		{"no counter", sp{Off: 0, N: 10}, nil, []sp{{Off: 0, N: 10}}},
		{"at the start", sp{Off: 0, N: 10}, counters(0, 4), []sp{{Off: 4, N: 6}}},
		{"inside", sp{Off: 0, N: 10}, counters(4, 4), []sp{{Off: 0, N: 4}, {Off: 8, N: 2}}},
		{"at the end", sp{Off: 0, N: 10}, counters(6, 4), []sp{{Off: 0, N: 6}}},
		{"the whole run", sp{Off: 4, N: 4}, counters(4, 4), nil},
		{"over the whole run", sp{Off: 5, N: 2}, counters(4, 4), nil},
		{"just after", sp{Off: 0, N: 10}, counters(10, 4), []sp{{Off: 0, N: 10}}},
		{"just before", sp{Off: 8, N: 4}, counters(4, 4), []sp{{Off: 8, N: 4}}},
		{"across its start", sp{Off: 2, N: 6}, counters(0, 4), []sp{{Off: 4, N: 4}}},
		{"across its end", sp{Off: 0, N: 6}, counters(4, 4), []sp{{Off: 0, N: 4}}},
		{"two", sp{Off: 0, N: 16}, counters(0, 4, 8, 4), []sp{{Off: 4, N: 4}, {Off: 12, N: 4}}},
		{"two, side by side", sp{Off: 0, N: 16}, counters(4, 4, 8, 4), []sp{{Off: 0, N: 4}, {Off: 12, N: 4}}},
	} {
		if got := cutOut(c.r, c.cs); !slices.Equal(got, c.want) {
			t.Errorf("%s: cutOut(%v, %v) = %v, want %v", c.name, c.r, c.cs, got, c.want)
		}
	}
}

// TestSplitOff: a run split into its bytes outside the counters a reader checks (written first) and those
// inside them (written last): together they are the run, each byte once.
func TestSplitOff(t *testing.T) {
	for _, c := range []struct {
		name            string
		r               sp
		cs              []registry.Counter
		outside, inside []sp
	}{
		{"no counter", sp{Off: 0, N: 8}, nil, []sp{{Off: 0, N: 8}}, nil},
		{"untouched", sp{Off: 0, N: 4}, counters(8, 4), []sp{{Off: 0, N: 4}}, nil},
		{"inside", sp{Off: 0, N: 16}, counters(4, 4), []sp{{Off: 0, N: 4}, {Off: 8, N: 8}}, []sp{{Off: 4, N: 4}}},
		{"part of the counter", sp{Off: 6, N: 4}, counters(4, 4), []sp{{Off: 8, N: 2}}, []sp{{Off: 6, N: 2}}},
		{"only the counter", sp{Off: 4, N: 4}, counters(4, 4), nil, []sp{{Off: 4, N: 4}}},
		{"two ticks", sp{Off: 0, N: 20}, counters(0, 4, 16, 4), []sp{{Off: 4, N: 12}}, []sp{{Off: 0, N: 4}, {Off: 16, N: 4}}},
	} {
		out, in := splitOff(c.r, c.cs)
		if !slices.Equal(out, c.outside) || !slices.Equal(in, c.inside) {
			t.Errorf("%s: splitOff(%v, %v) = %v, %v; want %v, %v", c.name, c.r, c.cs, out, in, c.outside, c.inside)
		}
		n := 0
		for _, s := range append(out, in...) {
			n += s.N
		}
		if n != c.r.N {
			t.Errorf("%s: %d bytes in the pieces of a run of %d", c.name, n, c.r.N)
		}
	}
}
