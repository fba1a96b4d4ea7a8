package replay

import (
	"errors"
	"io"
	"math"
	"time"

	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/spans"
)

// How a replay ends early: stopped (Stop, Close), or its mapping closed.
var (
	errStopped       = errors.New("stopped")
	errMappingClosed = errors.New("the mapping was closed")
)

// playhead is where a replay is: what it keeps from one frame to the next, and from one pass of a loop to
// the next.
type playhead struct {
	r         *run
	p         *plan
	prev      []byte
	runs      []spans.Span
	timer     *time.Timer
	lastWrite time.Time
}

// playFrames plays the recording, once or in a loop: its file opened, and its header read, once.
func (p *plan) playFrames(r *run) error {
	f, n, err := p.rec.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := record.NewReader(io.NewSectionReader(f, 0, n))
	if err != nil {
		return err
	}
	first := rd.Offset()
	ph := &playhead{r: r, p: p, prev: make([]byte, p.h.Length), timer: time.NewTimer(time.Hour)}
	defer ph.timer.Stop()
	for loop := int64(0); ; loop++ {
		if loop > 0 {
			rd.Rewind(io.NewSectionReader(f, first, n-first), first)
		}
		if err := ph.pass(rd, loop); err != nil {
			return err
		}
		if !p.loop {
			return nil
		}
	}
}

// pass writes the recording's frames once, each at its time.
func (ph *playhead) pass(rd *record.Reader, loop int64) error {
	start, first := time.Now(), time.Time{}
	for i := 0; ; i++ {
		f, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if i == 0 {
			first = f.Time
		}
		due := start.Add(paced(f.Time.Sub(first), ph.p.speed))
		// At least minGap between two frames: a short recording looped at speed 1000 writes a frame a
		// millisecond, not a core's worth of them.
		if soonest := ph.lastWrite.Add(ph.p.minGap); due.Before(soonest) {
			due = soonest
		}
		if err := ph.wait(due); err != nil {
			return err
		}
		if i == 0 { // each loop begins with the whole frame: whatever else wrote into the mapping meanwhile
			ph.runs = append(ph.runs[:0], spans.Span{Off: 0, N: len(f.Bytes)})
		} else {
			ph.runs = spans.Diff(ph.prev, f.Bytes, ph.runs)
		}
		copy(ph.prev, f.Bytes)
		ph.lastWrite = time.Now()
		if err := ph.p.writeFrame(f.Bytes, ph.runs); err != nil {
			return err
		}
		ph.r.mu.Lock()
		ph.r.info.Frames++
		ph.r.info.Loops = loop
		ph.r.mu.Unlock()
	}
}

// wait waits until due: errStopped or errMappingClosed if the replay ends first.
func (ph *playhead) wait(due time.Time) error {
	ph.timer.Reset(time.Until(due))
	select {
	case <-ph.r.stop:
		return errStopped
	case <-ph.p.m.Done():
		return errMappingClosed
	case <-ph.timer.C:
		return nil
	}
}

// maxPace is the longest wait for a frame a replay computes (a frame due later is due then): no overflow.
const maxPace = time.Duration(math.MaxInt64 / 4)

// paced is d of recorded time played at speed.
func paced(d time.Duration, speed float64) time.Duration {
	x := float64(d) / speed
	switch {
	case !(x > 0):
		return 0
	case x >= float64(maxPace):
		return maxPace
	}
	return time.Duration(x)
}

// writeFrame writes a frame's changed runs by the plan's protocol (package produce), then sets the event.
func (p *plan) writeFrame(frame []byte, runs []spans.Span) error {
	err := p.out.Write(frame, runs)
	if err == nil && p.event != nil {
		err = p.event.Set()
	}
	return err
}
