package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/spans"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// A replay writes a recording's frames into a mapping at their pace (or faster), as the producer wrote them:
// by the layout's protocol (a seqlock's counter odd around each frame, a ring's ticks after its data, under the
// mutex), so a dashboard or a native consumer can be developed without the producer running. One replay at a
// time per mapping.

// The speeds a replay plays at: from a thousandth of the recorded pace to a thousand times it.
const (
	minReplaySpeed = 0.001
	maxReplaySpeed = 1000
)

// ReplayRequest is what to replay (POST /v1/mappings/{name}/replay).
type ReplayRequest struct {
	// Recording is the recording's id: a stopped one.
	Recording string `json:"recording" validate:"required" example:"r0a1b2c3d4e5f"`
	// Speed is how much faster than recorded (default 1; from 0.001 to 1000).
	Speed float64 `json:"speed,omitempty" example:"1"`
	// Loop plays it again from its first frame when it ends, until stopped.
	Loop bool `json:"loop,omitempty"`
	// Event is a held event set after each frame is written (a native consumer waits on it).
	Event string `json:"event,omitempty" example:"Local\\TelemetryReady"`
}

// Replay is a replay's state.
type Replay struct {
	Mapping   string  `json:"mapping" example:"Local\\acpmf_physics"`
	Recording string  `json:"recording" example:"r0a1b2c3d4e5f"`
	Speed     float64 `json:"speed" example:"1"`
	Loop      bool    `json:"loop"`
	Event     string  `json:"event,omitempty"`
	// State is playing, done (its last frame written: the mapping holds it), stopped (asked to: the mapping
	// holds the last frame written) or failed (error says why).
	State string `json:"state" enums:"playing,done,stopped,failed" example:"playing"`
	// Frames are the frames written, Loops the times it went back to the first.
	Frames  int64      `json:"frames" example:"1200"`
	Loops   int64      `json:"loops"`
	Started time.Time  `json:"started" format:"date-time"`
	Ended   *time.Time `json:"ended,omitempty" format:"date-time"`
	Error   string     `json:"error,omitempty"`
}

// replays are the replays, by mapping name (the last one into each, until its mapping is closed).
type replays struct {
	mu sync.Mutex
	by map[string]*replay
}

type replay struct {
	mu    sync.Mutex
	state Replay
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func (p *replay) show() Replay {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

func (p *replay) halt() {
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

// replayPlan is a replay, checked: what to read, and how to write each frame.
type replayPlan struct {
	m     *registry.Mapping
	rec   *record.Recording
	h     record.Header
	write registry.WriteFrameOptions
	// protocol are the counters the write protocol sets itself (left out of a frame's bytes); last the
	// counters a reader checks (a ring's ticks, the frame field), written after the rest of a frame.
	protocol, last []registry.Counter
	event          *registry.Event
	speed          float64
	loop           bool
	every          time.Duration // its frames' mean period, at its speed: what it counts against -max-sample-rate
	release        func()        // gives its memory back
}

// startReplay godoc
//
//	@Summary		Replay a recording into a mapping
//	@ID				startReplay
//	@Description	Writes the recording's frames into the mapping (held read_write, at least as large as the range
//	@Description	recorded) at their recorded pace times `speed` (at most one frame each -min-watch-interval), once or
//	@Description	in a `loop`, setting `event` after each frame.
//	@Description	A layout's frames are written by its protocol, as its producer writes them (a seqlock's counter odd
//	@Description	around the write, a ring's ticks and a frame field after the data, under its mutex). The file is read
//	@Description	through first: one that is not whole is 422 naming the offset. It ends with the mapping holding the
//	@Description	last frame; DELETE stops it.
//	@Tags			recordings
//	@Param			name	path	string			true	"Mapping name, percent-encoded"
//	@Param			replay	body	ReplayRequest	true	"What to replay"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request"
//	@Failure		404	{object}	Problem	"not-found: the mapping, the recording, the event"
//	@Failure		409	{object}	Problem	"in-progress: a replay into it plays, or the recording records; read-only"
//	@Failure		416	{object}	Problem	"out-of-range: the mapping is smaller than the range recorded"
//	@Failure		422	{object}	Problem	"invalid-recording: the file is not whole (see offset), or has no frame"
//	@Failure		503	{object}	Problem	"busy: its copies would be over -max-buffered"
//	@Produce		json
//	@Success		202	{object}	Replay	"playing"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/replay [post]
func (s *server) startReplay(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	var req ReplayRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	p, err := s.planReplay(m, req)
	if err != nil {
		return err
	}
	s.replays.mu.Lock()
	defer s.replays.mu.Unlock()
	if old := s.replays.by[m.Name()]; old != nil && old.show().State == "playing" {
		return fail(probInProgress, fmt.Sprintf("a replay of %s into %s plays: stop it first (DELETE)", old.show().Recording, quote(m.Name())))
	}
	// Its copies (the frame read, the one before, the record) come out of the memory budget while it plays.
	if p.release, err = s.budget.Reserve(recordingBuffersPerByteKept * p.h.Length); err != nil {
		return err
	}
	unrate, err := s.reserveSamples(p.every, p.h.Length) // and its copies count as a watch's samples
	if err != nil {
		p.release()
		return err
	}
	release := p.release
	p.release = func() { unrate(); release() }
	rp := &replay{stop: make(chan struct{}), done: make(chan struct{}),
		state: Replay{Mapping: m.Name(), Recording: p.rec.ID, Speed: p.speed, Loop: p.loop, Event: req.Event, State: "playing", Started: time.Now()}}
	s.replays.by[m.Name()] = rp
	go s.play(rp, p)
	w.Header().Set("Location", r.URL.Path)
	return writeJSON(w, http.StatusAccepted, rp.show())
}

func (s *server) planReplay(m *registry.Mapping, req ReplayRequest) (replayPlan, error) {
	p := replayPlan{m: m, speed: req.Speed, loop: req.Loop}
	switch {
	case req.Recording == "":
		return p, fail(probInvalidRequest, "name the recording to replay: recording")
	case req.Speed == 0:
		p.speed = 1
	case !(req.Speed >= minReplaySpeed && req.Speed <= maxReplaySpeed):
		return p, fail(probInvalidRequest, fmt.Sprintf("speed must be from %g to %d (1: as recorded)", minReplaySpeed, maxReplaySpeed))
	}
	rec, err := s.recordings.Get(req.Recording)
	if err != nil {
		return p, err
	}
	p.rec = rec
	sum, err := rec.Check()
	switch {
	case err != nil:
		return p, err
	case sum.Problem != nil:
		return p, sum.Problem
	case sum.Frames == 0:
		return p, &record.FormatError{Offset: sum.Whole, Detail: "the recording has no frame to replay"}
	}
	p.h, p.every = sum.Header, s.replayPeriod(sum, p.speed)
	if err := m.CheckWrite(p.h.Offset, p.h.Length); err != nil {
		return p, err
	}
	if req.Event != "" {
		if p.event, err = heldObject(s.reg.GetEvent, registry.KindEvent, req.Event); err != nil {
			return p, err
		}
	}
	if p.h.LayoutSource == "" {
		return p, nil
	}
	l, err := s.recordingLayout(p.h, "")
	if err != nil {
		return p, err
	}
	fp, err := s.plans.Plan(m, l, "")
	if err != nil {
		return p, err
	}
	o := fp.Frame
	p.write = registry.WriteFrameOptions{Seqlock: o.Seqlock, Begin: o.Begin, End: o.End, Lock: o.Lock, LockTimeout: o.LockTimeout}
	for _, c := range []*registry.Counter{o.Seqlock, o.Begin, o.End} {
		if c != nil {
			p.protocol = append(p.protocol, *c)
		}
	}
	p.last = slices.Clone(o.Ticks)
	if c := l.Consistency; c != nil && c.Frame != "" {
		if f, ok := c.Counter(c.Frame); ok {
			p.last = append(p.last, registry.Counter{Off: int64(f.Offset), Size: f.Size})
		}
	}
	return p, nil
}

// play is a replay's goroutine.
func (s *server) play(rp *replay, p replayPlan) {
	defer close(rp.done)
	defer p.release()
	err := s.playFrames(rp, p)
	rp.mu.Lock()
	defer rp.mu.Unlock()
	now := time.Now()
	rp.state.Ended = &now
	switch {
	case errors.Is(err, errStopped):
		rp.state.State = "stopped"
	case errors.Is(err, errMappingClosed):
		rp.state.State, rp.state.Error = "failed", err.Error()
		s.replays.mu.Lock()
		if s.replays.by[rp.state.Mapping] == rp { // the mapping is gone: so is its replay
			delete(s.replays.by, rp.state.Mapping)
		}
		s.replays.mu.Unlock()
	case err != nil:
		rp.state.State, rp.state.Error = "failed", err.Error()
		s.log.Warn("a replay failed", "mapping", rp.state.Mapping, "recording", rp.state.Recording, "error", err)
	default:
		rp.state.State = "done"
	}
}

var (
	errStopped       = errors.New("stopped")
	errMappingClosed = errors.New("the mapping was closed")
)

// player is what a replay keeps from one frame to the next, and from one pass of a loop to the next.
type player struct {
	rp        *replay
	p         replayPlan
	prev      []byte
	runs      []spans.Span
	timer     *time.Timer
	lastWrite time.Time
}

// playFrames plays the recording, once or in a loop: its file opened, and its header read, once.
func (s *server) playFrames(rp *replay, p replayPlan) error {
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
	pl := &player{rp: rp, p: p, prev: make([]byte, p.h.Length), timer: time.NewTimer(time.Hour)}
	defer pl.timer.Stop()
	for loop := int64(0); ; loop++ {
		if loop > 0 {
			rd.Rewind(io.NewSectionReader(f, first, n-first), first)
		}
		if err := s.playPass(pl, rd, loop); err != nil {
			return err
		}
		if !p.loop {
			return nil
		}
	}
}

// playPass writes the recording's frames once, each at its time.
func (s *server) playPass(pl *player, rd *record.Reader, loop int64) error {
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
		due := start.Add(paced(f.Time.Sub(first), pl.p.speed))
		// At least -min-watch-interval between two frames: a short recording looped at speed 1000 writes a
		// frame a millisecond, not a core's worth of them.
		if soonest := pl.lastWrite.Add(s.minWatch); due.Before(soonest) {
			due = soonest
		}
		if err := pl.wait(due); err != nil {
			return err
		}
		if i == 0 { // each loop begins with the whole frame: whatever else wrote into the mapping meanwhile
			pl.runs = append(pl.runs[:0], spans.Span{Off: 0, N: len(f.Bytes)})
		} else {
			pl.runs = spans.Diff(pl.prev, f.Bytes, pl.runs)
		}
		copy(pl.prev, f.Bytes)
		pl.lastWrite = time.Now()
		if err := s.writeReplayed(pl.p, f.Bytes, pl.runs); err != nil {
			return err
		}
		pl.rp.mu.Lock()
		pl.rp.state.Frames++
		pl.rp.state.Loops = loop
		pl.rp.mu.Unlock()
	}
}

// wait waits until due: errStopped or errMappingClosed if the replay ends first.
func (pl *player) wait(due time.Time) error {
	pl.timer.Reset(time.Until(due))
	select {
	case <-pl.rp.stop:
		return errStopped
	case <-pl.p.m.Done():
		return errMappingClosed
	case <-pl.timer.C:
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

// replayPeriod is how often a replay of a recording summed up by sum writes a frame at speed, on average (at
// most one each -min-watch-interval).
func (s *server) replayPeriod(sum record.Summary, speed float64) time.Duration {
	every := s.minWatch
	if every <= 0 {
		every = time.Millisecond
	}
	if sum.Frames > 1 {
		mean := paced(sum.Last.Sub(sum.First)/time.Duration(sum.Frames-1), speed)
		every = max(every, min(mean, maxWatchInterval))
	}
	return every
}

// reserveSamples counts a recording's or a replay's copies against -max-sample-rate, as a watch's samples
// count: a copy of n bytes every period, one sample for each 64 KiB of it. Past the cap: the problem a watch
// gets (429 too-many-samplers, Retry-After).
func (s *server) reserveSamples(every time.Duration, n int64) (release func(), err error) {
	release, err = s.hub.Reserve(float64(time.Second) / float64(every) * watch.CopySamples(n))
	if errors.Is(err, watch.ErrSampleRate) {
		return nil, fail(probTooManySamplers, fmt.Sprintf("the watches, recordings and replays running sample %g times a second together, the daemon's limit (-max-sample-rate; a copy counts one for each 64 KiB): "+
			"ask for a longer interval, or record on an event", s.hub.MaxSampleRate)).with("Retry-After", "1")
	}
	return release, err
}

// writeReplayed writes a frame's changed runs by the plan's protocol: the protocol's own counters left out,
// the counters a reader checks written last.
func (s *server) writeReplayed(p replayPlan, frame []byte, runs []spans.Span) error {
	o := p.write
	o.Spans = o.Spans[:0]
	var last []registry.Span
	for _, r := range runs {
		for _, piece := range cutOut(r, p.protocol) {
			data, checked := splitOff(piece, p.last)
			for _, d := range data {
				o.Spans = append(o.Spans, registry.Span{Off: p.h.Offset + int64(d.Off), Bytes: frame[d.Off : d.Off+d.N]})
			}
			for _, c := range checked {
				last = append(last, registry.Span{Off: p.h.Offset + int64(c.Off), Bytes: frame[c.Off : c.Off+c.N]})
			}
		}
	}
	o.Spans = append(o.Spans, last...)
	if len(o.Spans) == 0 {
		return nil
	}
	_, err := p.m.WriteFrame(context.Background(), o)
	if err == nil && p.event != nil {
		err = p.event.Set()
	}
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

// getReplay godoc
//
//	@Summary	Show the replay into a mapping
//	@ID			getReplay
//	@Tags		recordings
//	@Param		name	path	string	true	"Mapping name, percent-encoded"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found: no replay into it"
//	@Produce	json
//	@Success	200	{object}	Replay
//	@Security	BearerAuth
//	@Router		/v1/mappings/{name}/replay [get]
func (s *server) getReplay(w http.ResponseWriter, r *http.Request) error {
	rp, err := s.replayOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rp.show())
}

// stopReplay godoc
//
//	@Summary		Stop the replay into a mapping
//	@ID				stopReplay
//	@Description	The mapping keeps the last frame written.
//	@Tags			recordings
//	@Param			name	path	string	true	"Mapping name, percent-encoded"
//	@Produce		application/problem+json
//	@Failure		404	{object}	Problem	"not-found: no replay into it"
//	@Produce		json
//	@Success		200	{object}	Replay	"stopped (one that had ended: as it ended)"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/replay [delete]
func (s *server) stopReplay(w http.ResponseWriter, r *http.Request) error {
	rp, err := s.replayOf(r)
	if err != nil {
		return err
	}
	rp.halt()
	return writeJSON(w, http.StatusOK, rp.show())
}

func (s *server) replayOf(r *http.Request) (*replay, error) {
	m, err := s.mapping(r)
	if err != nil {
		return nil, err
	}
	s.replays.mu.Lock()
	defer s.replays.mu.Unlock()
	rp := s.replays.by[m.Name()]
	if rp == nil {
		return nil, fail(probNotFound, fmt.Sprintf("no replay into %s: start one with POST", quote(m.Name())))
	}
	return rp, nil
}
