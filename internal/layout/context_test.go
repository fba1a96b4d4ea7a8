package layout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// cancelAfter is a context that ends at the nth look at it (Err).
type cancelAfter struct {
	context.Context
	n, looks atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.looks.Add(1) >= c.n.Load() {
		return context.Canceled
	}
	return nil
}

func endsAt(n int64) *cancelAfter {
	c := &cancelAfter{Context: context.Background()}
	c.n.Store(n)
	return c
}

// item is a type of one byte: an array of them takes a step per item.
const item = "types:\n  item:\n    seq:\n      - id: v\n        type: u1\n"

// TestDecodeContextStops: a decode that would run to the step limit stops, with the context's error, within
// ctxSteps steps of its context ending; with the context alive it runs on.
func TestDecodeContextStops(t *testing.T) {
	l, err := Compile([]byte("meta:\n  id: long\nseq:\n  - id: items\n    type: item\n    repeat: eos\n"+item), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 100_000)
	if _, steps, err := l.decode(context.Background(), data); err != nil || steps < len(data) {
		t.Fatalf("alive: %d steps, %v", steps, err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, c := range map[string]struct {
		ctx context.Context
		max int
	}{"ended before": {cancelled, ctxSteps}, "ends at the third look": {endsAt(3), 3 * ctxSteps}} {
		_, steps, err := l.decode(c.ctx, data)
		if !errors.Is(err, context.Canceled) || steps > c.max {
			t.Errorf("%s: %d steps (want at most %d), %v", name, steps, c.max, err)
		}
	}
}

// TestDecodeContextStopsInstances: instances a Value computes after the decode (AppendJSON) stop too, and
// say so (an instance at a pos once dropped its read's error, and was left out of the answer as absent).
func TestDecodeContextStopsInstances(t *testing.T) {
	l, err := Compile([]byte("meta:\n  id: later\ninstances:\n  items:\n    pos: 0\n    type: item\n    repeat: eos\n"+item), nil, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	ctx := endsAt(2)
	v, err := l.DecodeContext(ctx, make([]byte, 300_000))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.AppendJSON(nil, nil, 64<<20); !errors.Is(err, context.Canceled) || v.d.steps > 2*ctxSteps {
		t.Fatalf("%d steps, %v", v.d.steps, err)
	}
}

// TestCompileContextStops: a compile whose type check is long stops within ctxSteps of its steps once its
// context ends, with the context's error rather than problems; one ended before it parses nothing more.
func TestCompileContextStops(t *testing.T) {
	var b strings.Builder
	b.WriteString("meta:\n  id: a\ninstances:\n")
	sum := "1" // 255 nodes, 8 deep: (((1+1)+(1+1))+…)
	for range 7 {
		sum = "(" + sum + "+" + sum + ")"
	}
	for i := range 350 { // ~230 KB, within the size cap
		fmt.Fprintf(&b, "  x%d:\n    value: %s\n", i, sum)
	}
	src := []byte(b.String())
	_, alive, _ := compileCounted(context.Background(), src, nil, nil, DefaultLimits)
	if alive.checks < 4*ctxSteps {
		t.Fatalf("the check takes %d steps: too few to see it stop", alive.checks)
	}
	_, c, err := compileCounted(endsAt(2), src, nil, nil, DefaultLimits)
	if !errors.Is(err, context.Canceled) || c.checks > 2*ctxSteps+1 {
		t.Errorf("%d steps of %d, %v", c.checks, alive.checks, err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	s, _ := OpenStore("", DefaultLimits, 4)
	if _, err := s.CompileContext(cancelled, []byte(strings.Repeat("# x\n", 10)+"meta:\n  id: a\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("ended before: %v", err)
	}
}
