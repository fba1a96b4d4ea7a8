// Package replay writes a recording's frames into a mapping at their pace (or faster), as the producer wrote
// them: by the layout's protocol (a seqlock's counter odd around each frame, a ring's ticks after its data,
// under the mutex), so that a dashboard or a native consumer can be developed without the producer running.
// One replay at a time per mapping. A Player runs the replays, each on a goroutine of its own, until it ends,
// is stopped, its mapping is closed, or the Player is closed.
package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// States of a replay.
const (
	StatePlaying = "playing"
	StateDone    = "done"    // its last frame written: the mapping holds it
	StateStopped = "stopped" // asked to: the mapping holds the last frame written
	StateFailed  = "failed"  // Info.Err says why
)

// Info is a replay's state.
type Info struct {
	Mapping, Recording string
	Speed              float64
	Loop               bool
	Event              string
	State              string
	// Frames are the frames written, Loops the times it went back to the first.
	Frames, Loops int64
	// Started is when it began, Ended when it ended (zero while it plays).
	Started, Ended time.Time
	// Err is why it failed.
	Err error
}

// Errors of the player.
var (
	// ErrInvalid: a request that cannot be replayed as it stands (the error says why).
	ErrInvalid = errors.New("invalid replay request")
	// ErrNotFound: no replay into the mapping (a *NotFoundError).
	ErrNotFound = errors.New("no replay into the mapping")
	// ErrPlaying: a replay into the mapping plays already (a *PlayingError).
	ErrPlaying = errors.New("a replay into the mapping plays")
	// ErrClosed: the player is closed (the daemon is shutting down).
	ErrClosed = errors.New("the player is closed")
)

// NotFoundError is ErrNotFound: the mapping that has no replay.
type NotFoundError struct{ Mapping string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no replay into %s: start one with POST", quote(e.Mapping))
}
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// PlayingError is ErrPlaying: the recording that plays into the mapping.
type PlayingError struct{ Mapping, Recording string }

func (e *PlayingError) Error() string {
	return fmt.Sprintf("a replay of %s into %s plays: stop it first (DELETE)", e.Recording, quote(e.Mapping))
}
func (e *PlayingError) Is(target error) bool { return target == ErrPlaying }

// invalidError is an ErrInvalid saying why.
type invalidError string

func (e invalidError) Error() string        { return string(e) }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

// quote is s as a JSON string, as the daemon quotes names in its messages.
func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// Player runs the replays: the last one into each mapping is kept (and listed) until the mapping is closed.
// Safe for concurrent use.
type Player struct {
	log *slog.Logger

	mu     sync.Mutex
	by     map[string]*run // by mapping name
	closed bool
	wg     sync.WaitGroup // the runs' goroutines
}

// run is one replay: its state, and what stops it and says it ended.
type run struct {
	mu   sync.Mutex
	info Info
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func (r *run) show() Info {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.info
}

// halt stops the run and waits for its goroutine.
func (r *run) halt() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}

// NewPlayer returns a player that logs the replays that fail to log (nil: nowhere).
func NewPlayer(log *slog.Logger) *Player {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Player{log: log, by: map[string]*run{}}
}

// Start checks a replay of req into m and starts it: the recording read through first (a *record.FormatError
// for one that is not whole), the mapping's room, the layout's write protocol. ErrPlaying while another
// replay into m plays; ErrClosed once the player is closed. Its copies take room in res.Budget and
// res.Samples until it ends.
func (p *Player) Start(res *record.Resources, m *registry.Mapping, req Request) (Info, error) {
	pl, err := newPlan(res, m, req)
	if err != nil {
		return Info{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return Info{}, ErrClosed
	}
	if old := p.by[m.Name()]; old != nil {
		if o := old.show(); o.State == StatePlaying {
			return Info{}, &PlayingError{Mapping: m.Name(), Recording: o.Recording}
		}
	}
	if err := pl.reserve(res); err != nil {
		return Info{}, err
	}
	r := &run{stop: make(chan struct{}), done: make(chan struct{}),
		info: Info{Mapping: m.Name(), Recording: pl.rec.ID, Speed: pl.speed, Loop: pl.loop, Event: req.Event, State: StatePlaying, Started: time.Now()}}
	p.by[m.Name()] = r
	p.wg.Add(1)
	go p.play(r, pl)
	return r.show(), nil
}

// Get is the replay into the mapping called name (the last one, if it ended): ErrNotFound if none.
func (p *Player) Get(mapping string) (Info, error) {
	r, err := p.run(mapping)
	if err != nil {
		return Info{}, err
	}
	return r.show(), nil
}

// Stop stops the replay into the mapping called name and waits for it to end (the mapping keeps the last
// frame written); one that had ended is as it ended. ErrNotFound if none.
func (p *Player) Stop(mapping string) (Info, error) {
	r, err := p.run(mapping)
	if err != nil {
		return Info{}, err
	}
	r.halt()
	return r.show(), nil
}

func (p *Player) run(mapping string) (*run, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.by[mapping]
	if r == nil {
		return nil, &NotFoundError{Mapping: mapping}
	}
	return r, nil
}

// List is the replays kept, by mapping name.
func (p *Player) List() []Info {
	p.mu.Lock()
	names := slices.Sorted(maps.Keys(p.by))
	runs := make([]*run, len(names))
	for i, n := range names {
		runs[i] = p.by[n]
	}
	p.mu.Unlock()
	out := make([]Info, len(runs))
	for i, r := range runs {
		out[i] = r.show()
	}
	return out
}

// Close stops every replay and waits for their goroutines to end; Start is ErrClosed from then on. The
// mappings keep the last frames written.
func (p *Player) Close() {
	p.mu.Lock()
	p.closed = true
	runs := slices.Collect(maps.Values(p.by))
	p.mu.Unlock()
	for _, r := range runs {
		r.once.Do(func() { close(r.stop) })
	}
	p.wg.Wait()
}

// play is a replay's goroutine: it plays the frames, then records how the replay ended.
func (p *Player) play(r *run, pl *plan) {
	defer p.wg.Done()
	defer close(r.done)
	defer pl.release()
	err := pl.playFrames(r)
	if err != nil && !errors.Is(err, errStopped) && closed(pl.m.Done()) {
		err = errMappingClosed // a write that lost the race with the mapping's close
	}
	r.mu.Lock()
	r.info.Ended = time.Now()
	switch {
	case errors.Is(err, errStopped):
		r.info.State = StateStopped
	case err != nil:
		r.info.State, r.info.Err = StateFailed, err
	default:
		r.info.State = StateDone
	}
	info := r.info
	r.mu.Unlock()
	switch {
	case errors.Is(err, errMappingClosed):
		p.mu.Lock()
		if p.by[info.Mapping] == r { // the mapping is gone: so is its replay
			delete(p.by, info.Mapping)
		}
		p.mu.Unlock()
	case err != nil && !errors.Is(err, errStopped):
		p.log.Warn("a replay failed", "mapping", info.Mapping, "recording", info.Recording, "error", err)
	}
}

// closed says whether c is closed.
func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
