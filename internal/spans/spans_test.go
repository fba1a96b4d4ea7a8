package spans

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestDiff(t *testing.T) {
	for _, c := range []struct {
		prev, cur string
		want      []Span
	}{
		{"", "", nil},
		{"abcdefgh", "abcdefgh", nil},
		{"abcdefgh", "Xbcdefgh", []Span{{0, 1}}},
		{"abcdefgh", "abcdefgX", []Span{{7, 1}}},
		{"abcdefghijklmnopqrstuvwxyz0123456789", "aXcdefghijklmnopqrstuvwxyz01234567X9", []Span{{1, 1}, {34, 1}}},
		{"abcdefghijklmnop", "XbcdefghijklmnoX", []Span{{0, 16}}},                   // 14 apart: merged
		{"abcdefghijklmnopqrstu", "XXcdefghijklmnopqrsXX", []Span{{0, 2}, {19, 2}}}, // 17 apart: two
	} {
		got := Diff([]byte(c.prev), []byte(c.cur), nil)
		if len(got) != len(c.want) {
			t.Errorf("Diff(%q, %q) = %v, want %v", c.prev, c.cur, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Diff(%q, %q) = %v, want %v", c.prev, c.cur, got, c.want)
			}
		}
	}
}

// FuzzDiff: applying the spans of Diff(prev, cur) to prev gives cur, and no span covers only equal bytes at
// its ends.
func FuzzDiff(f *testing.F) {
	f.Add([]byte("hello, world"), []byte("hello, World"))
	f.Fuzz(func(t *testing.T, prev, cur []byte) {
		if len(prev) != len(cur) {
			n := min(len(prev), len(cur))
			prev, cur = prev[:n], cur[:n]
		}
		got := append([]byte(nil), prev...)
		for _, s := range Diff(prev, cur, nil) {
			if prev[s.Off] == cur[s.Off] || prev[s.Off+s.N-1] == cur[s.Off+s.N-1] {
				t.Fatalf("span %v starts or ends on an unchanged byte", s)
			}
			copy(got[s.Off:], cur[s.Off:s.Off+s.N])
		}
		if !bytes.Equal(got, cur) {
			t.Fatalf("spans of Diff(%x, %x) do not rebuild cur", prev, cur)
		}
	})
}

func BenchmarkDiff4KiB64Changed(b *testing.B) {
	prev := make([]byte, 4096)
	cur := make([]byte, 4096)
	for i := range 64 {
		cur[1000+i] = byte(rand.N(255) + 1)
	}
	var spans []Span
	b.SetBytes(4096)
	for b.Loop() {
		spans = Diff(prev, cur, spans)
	}
}
