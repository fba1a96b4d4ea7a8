// Package produce writes frames into a mapping as their producer does: by the protocol of the layout that
// reads them (seqlock odd around the write, begin and end counters bumped around it, a mutex or a spinlock held,
// the counters a reader checks — a ring's ticks, the frame field — written last), so that a reader following
// that protocol never sees half of one. A replay writes its recording's frames with it, a mirror its source's.
package produce

import (
	"context"
	"slices"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/spans"
)

// Writer writes frames into one mapping. Not safe for concurrent use.
type Writer struct {
	m     *registry.Mapping
	off   int64 // where a frame's byte 0 is in the mapping
	write registry.WriteFrameOptions
	// protocol are the counters the write protocol sets itself (left out of a frame's bytes); last the
	// counters a reader checks (a ring's ticks, the frame field), written after the rest of a frame.
	protocol, last []registry.Counter
	last0          []registry.Edit
}

// NewWriter writes frames at off in m by the protocol of l, o the way its frames are read (l nil: plain
// copies, no protocol).
func NewWriter(m *registry.Mapping, off int64, l *layout.Layout, o registry.FrameOptions) *Writer {
	w := &Writer{m: m, off: off}
	if l == nil {
		return w
	}
	w.write = registry.WriteFrameOptions{Seqlock: o.Seqlock, Begin: o.Begin, End: o.End, Lock: o.Lock, LockTimeout: o.LockTimeout,
		Spinlock: o.Spinlock, Deadline: o.Deadline, Retries: o.Retries}
	for _, c := range []*registry.Counter{o.Seqlock, o.Begin, o.End} {
		if c != nil {
			w.protocol = append(w.protocol, *c)
		}
	}
	w.last = slices.Clone(o.Ticks)
	if c := l.Consistency; c != nil && c.Frame != "" {
		if f, ok := c.Counter(c.Frame); ok {
			w.last = append(w.last, registry.Counter{Off: int64(f.Offset), Size: f.Size})
		}
	}
	return w
}

// Write writes the runs of frame that changed (offsets in the frame) by the protocol: its own counters left
// out, the counters a reader checks last.
func (w *Writer) Write(frame []byte, runs []spans.Span) error {
	o := w.write
	o.Edits = o.Edits[:0]
	last := w.last0[:0]
	for _, r := range runs {
		for _, piece := range cutOut(r, w.protocol) {
			data, checked := splitOff(piece, w.last)
			for _, d := range data {
				o.Edits = append(o.Edits, registry.Edit{Off: w.off + int64(d.Off), Bytes: frame[d.Off : d.Off+d.N]})
			}
			for _, c := range checked {
				last = append(last, registry.Edit{Off: w.off + int64(c.Off), Bytes: frame[c.Off : c.Off+c.N]})
			}
		}
	}
	o.Edits = append(o.Edits, last...)
	w.write.Edits, w.last0 = o.Edits, last
	if len(o.Edits) == 0 {
		return nil
	}
	_, err := w.m.WriteFrame(context.Background(), o)
	return err
}

// cutOut is r without the bytes of cs.
func cutOut(r spans.Span, cs []registry.Counter) []spans.Span {
	out := []spans.Span{r}
	for _, c := range cs {
		var next []spans.Span
		for _, s := range out {
			a, b := int(c.Off), int(c.Off)+c.Size
			if b <= s.Off || a >= s.Off+s.N {
				next = append(next, s)
				continue
			}
			if a > s.Off {
				next = append(next, spans.Span{Off: s.Off, N: a - s.Off})
			}
			if b < s.Off+s.N {
				next = append(next, spans.Span{Off: b, N: s.Off + s.N - b})
			}
		}
		out = next
	}
	return out
}

// splitOff splits r into its bytes outside cs and those inside them.
func splitOff(r spans.Span, cs []registry.Counter) (outside, inside []spans.Span) {
	outside = cutOut(r, cs)
	for _, c := range cs {
		a, b := max(int(c.Off), r.Off), min(int(c.Off)+c.Size, r.Off+r.N)
		if a < b {
			inside = append(inside, spans.Span{Off: a, N: b - a})
		}
	}
	return outside, inside
}
