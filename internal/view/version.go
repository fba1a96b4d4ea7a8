package view

import (
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// FrameField reads the layout's frame field from a frame (false: it has none, or the frame is too short).
func FrameField(l *layout.Layout) func(registry.Frame) (uint64, bool) {
	c := l.Consistency
	if c == nil || c.Frame == "" {
		return func(registry.Frame) (uint64, bool) { return 0, false }
	}
	fr, ok := c.Counter(c.Frame)
	counter := registry.Counter{Off: int64(fr.Offset), Size: fr.Size, BigEndian: fr.Endian == "be"}
	return func(f registry.Frame) (uint64, bool) {
		if !ok || fr.Offset+fr.Size > len(f.Bytes) {
			return 0, false
		}
		return counter.Value(f.Bytes), true
	}
}

// FrameVersion is how a decoded stream counts the plan's frames: the counter's reader (nil: the layout has none),
// how far it moves per frame, and whether an unchanged counter means an unchanged frame.
func (p Plan) FrameVersion() (version func(registry.Frame) (uint64, bool), step uint64, same bool) {
	fromFrame := func(f registry.Frame) (uint64, bool) { return f.Version, true }
	switch c := p.Layout.Consistency; {
	case p.Frame.Seqlock != nil:
		return fromFrame, 2, true // odd while written: two steps a frame
	case p.Frame.Begin != nil:
		return fromFrame, 1, true
	case len(p.Frame.Ticks) > 0:
		return fromFrame, 1, false // a header beside the ring can change while the ticks stand still
	case c != nil && c.Frame != "":
		return FrameField(p.Layout), 1, true
	}
	return nil, 0, false
}
