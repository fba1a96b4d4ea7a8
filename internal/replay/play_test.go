package replay

import (
	"math"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/record"
)

// TestPaced: recorded time at a speed, never negative, never overflowing.
func TestPaced(t *testing.T) {
	for _, c := range []struct {
		d     time.Duration
		speed float64
		want  time.Duration
	}{
		{time.Second, 1, time.Second},
		{time.Second, 2, 500 * time.Millisecond},
		{time.Second, MinSpeed, 1000 * time.Second},
		{time.Second, MaxSpeed, time.Millisecond},
		{0, 1, 0},
		{-time.Second, 1, 0},
		{math.MaxInt64, MinSpeed, maxPace},
		{time.Second, 0, maxPace},
	} {
		if got := paced(c.d, c.speed); got != c.want {
			t.Errorf("paced(%v, %g) = %v, want %v", c.d, c.speed, got, c.want)
		}
	}
}

// TestPeriod: a replay's mean period as the sample rate counts it: its frames' mean interval at its speed,
// at least the least gap between two writes, at most the longest interval.
func TestPeriod(t *testing.T) {
	start := time.Now()
	sum := func(frames int64, over time.Duration) record.Summary {
		return record.Summary{Frames: frames, First: start, Last: start.Add(over)}
	}
	for _, c := range []struct {
		name          string
		sum           record.Summary
		speed         float64
		minGap, maxGp time.Duration
		want          time.Duration
	}{
		{"one frame", sum(1, 0), 1, 5 * time.Millisecond, time.Hour, 5 * time.Millisecond},
		{"one frame, no least gap", sum(1, 0), 1, 0, time.Hour, time.Millisecond},
		{"as recorded", sum(11, time.Second), 1, time.Millisecond, time.Hour, 100 * time.Millisecond},
		{"faster", sum(11, time.Second), 10, time.Millisecond, time.Hour, 10 * time.Millisecond},
		{"faster than the least gap", sum(11, time.Second), 1000, time.Millisecond, time.Hour, time.Millisecond},
		{"slower than the longest", sum(2, time.Hour), 0.5, time.Millisecond, time.Hour, time.Hour},
	} {
		if got := period(c.sum, c.speed, c.minGap, c.maxGp); got != c.want {
			t.Errorf("%s: period = %v, want %v", c.name, got, c.want)
		}
	}
}
