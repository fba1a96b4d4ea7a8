package replay

import (
	"fmt"
	"time"

	"github.com/shmbridge/shmbridge/internal/produce"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// The speeds a replay plays at: from a thousandth of the recorded pace to a thousand times it.
const (
	MinSpeed = 0.001
	MaxSpeed = 1000
)

// Request is what to replay into a mapping.
type Request struct {
	// Recording is the recording's id: a stopped one.
	Recording string
	// Speed is how much faster than recorded (0: 1; from MinSpeed to MaxSpeed).
	Speed float64
	// Loop plays it again from its first frame when it ends, until stopped.
	Loop bool
	// Event is a held event set after each frame is written (a native consumer waits on it).
	Event string
}

// plan is a replay, checked: what to read, and how to write each frame.
type plan struct {
	m       *registry.Mapping
	rec     *record.Recording
	h       record.Header
	out     *produce.Writer // writes each frame by the layout's protocol
	event   *registry.Event
	speed   float64
	loop    bool
	every   time.Duration // its frames' mean period, at its speed: what it counts against the sample rate
	minGap  time.Duration // the least time between two frames written
	release func()        // gives its room back (reserve)
}

// newPlan checks a replay of req into m: the request, the recording (read through), the mapping's room, the
// event, and the write protocol of the layout the recording was made with (compiled once).
func newPlan(res *record.Resources, m *registry.Mapping, req Request) (*plan, error) {
	p := &plan{m: m, speed: req.Speed, loop: req.Loop, release: func() {}}
	switch {
	case req.Recording == "":
		return nil, invalidError("name the recording to replay: recording")
	case req.Speed == 0:
		p.speed = 1
	case !(req.Speed >= MinSpeed && req.Speed <= MaxSpeed):
		return nil, invalidError(fmt.Sprintf("speed must be from %g to %d (1: as recorded)", MinSpeed, MaxSpeed))
	}
	rec, err := res.Recordings.Get(req.Recording)
	if err != nil {
		return nil, err
	}
	p.rec = rec
	sum, err := rec.Check()
	switch {
	case err != nil:
		return nil, err
	case sum.Problem != nil:
		return nil, sum.Problem
	case sum.Frames == 0:
		return nil, &record.FormatError{Offset: sum.Whole, Detail: "the recording has no frame to replay"}
	}
	p.h, p.minGap = sum.Header, res.MinInterval
	p.every = period(sum, p.speed, res.MinInterval, res.MaxInterval)
	if err := m.CheckWrite(p.h.Offset, p.h.Length); err != nil {
		return nil, err
	}
	if req.Event != "" {
		if p.event, err = res.Event(req.Event); err != nil {
			return nil, err
		}
	}
	p.out = produce.NewWriter(m, p.h.Offset, nil, registry.FrameOptions{})
	if p.h.LayoutSource == "" {
		return p, nil
	}
	l, err := record.LayoutOf(p.h, res.Layouts, "")
	if err != nil {
		return nil, err
	}
	fp, err := res.Plans.Plan(m, l, "")
	if err != nil {
		return nil, err
	}
	p.out = produce.NewWriter(m, p.h.Offset, l, fp.Frame)
	return p, nil
}

// reserve takes the replay's room: its copies (the frame read, the one before, the record) in the memory
// budget while it plays, and in the sample rate as a watch's samples count.
func (p *plan) reserve(res *record.Resources) error {
	release, err := res.Budget.Reserve(record.CopiesPerByte * p.h.Length)
	if err != nil {
		return err
	}
	unrate, err := res.ReserveCopies(p.every, p.h.Length)
	if err != nil {
		release()
		return err
	}
	p.release = func() { unrate(); release() }
	return nil
}

// period is how often a replay of a recording summed up by sum writes a frame at speed, on average, as the
// sample rate counts it: at most one each minGap (at least a millisecond), and a mean over maxGap counts as
// maxGap.
func period(sum record.Summary, speed float64, minGap, maxGap time.Duration) time.Duration {
	every := minGap
	if every <= 0 {
		every = time.Millisecond
	}
	if sum.Frames > 1 {
		mean := paced(sum.Last.Sub(sum.First)/time.Duration(sum.Frames-1), speed)
		every = max(every, min(mean, maxGap))
	}
	return every
}
