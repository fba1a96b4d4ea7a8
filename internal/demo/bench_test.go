package demo

import (
	"testing"
	"time"
)

// BenchmarkFrames is what a frame of each page costs the demo: its values worked out and encoded through the
// layout (go test ./internal/demo -run '^$' -bench Frames).
func BenchmarkFrames(b *testing.B) {
	for _, p := range Producers {
		for _, pg := range p.Pages() {
			if pg.Frame == nil {
				continue
			}
			b.Run(pg.Layout, func(b *testing.B) {
				l, err := compileCatalogue(pg.Layout)
				if err != nil {
					b.Fatal(err)
				}
				size := max(pg.Size, l.Fixed)
				buf := make([]byte, size)
				e := newEncoder(pg.Layout, l)
				current := func(base int) func(off, n int) ([]byte, error) {
					return func(off, n int) ([]byte, error) { return buf[base+off : base+off+n], nil }
				}
				if pg.Start != nil {
					if _, err := e.edits(pg.Start(Clock{N: 1}), 1, current); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					c := Clock{T: time.Duration(i) * pg.Period, N: int64(i + 2)}
					if _, err := e.edits(pg.Frame(c), c.N, current); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(time.Second/pg.Period), "frames/s")
			})
		}
	}
}
