package demo

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// Runtime is the daemon's demo: at most one playing at a time, started and stopped by the -demo flag and by
// the API (POST and DELETE /v1/demo). One mutex orders its starts and stops, so that a start racing a stop
// (two dashboards, a script and a click) ends in one state or the other, never with producers no one stops.
type Runtime struct {
	mu      sync.Mutex
	log     *slog.Logger
	reg     *registry.Registry
	d       *Demo
	began   time.Time
	refused []*RefusedError // by the start of d
	closed  bool
}

// Status is what the demo plays: nothing (Playing empty), or its producers, since Began; Refused are the
// producers its start left out, and why.
type Status struct {
	Playing []Playing
	Refused []*RefusedError
	Began   time.Time
}

var (
	// ErrPlaying: the demo plays already; stop it first.
	ErrPlaying = errors.New("the demo plays already: stop it first (DELETE /v1/demo)")
	// ErrNoneStarted: every producer asked for was refused (each says why).
	ErrNoneStarted = errors.New("no demo producer could start")
	// ErrClosed: the daemon is shutting down.
	ErrClosed = errors.New("the demo is stopped: the daemon is shutting down")
)

// NewRuntime returns a Runtime that plays nothing yet. reg is the daemon's registry (nil: none): when the
// demo stops, the daemon lets go of the demo's objects it opened (a view, a watch, a recording of a page),
// which would otherwise keep the names alive (Windows) or be left held with their names gone (Linux).
func NewRuntime(reg *registry.Registry, log *slog.Logger) *Runtime {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runtime{reg: reg, log: log}
}

// Start plays the producers named (none: all of them). An unknown name is ErrUnknown, the demo playing
// already ErrPlaying; when every producer is refused, the error is ErrNoneStarted joined with each refusal
// (ErrTaken: the program itself runs). Otherwise the status says what plays, and what was left out.
func (r *Runtime) Start(names []string) (Status, error) {
	ps, err := Select(names)
	if err != nil {
		return Status{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return Status{}, ErrClosed
	case r.d != nil:
		return r.status(), ErrPlaying
	}
	d, refused := Start(ps, r.log)
	var errs []*RefusedError
	for _, err := range refused {
		var re *RefusedError
		if errors.As(err, &re) {
			errs = append(errs, re)
			r.log.Warn("demo: a producer is left out", "producer", re.Producer, "reason", re.Err)
		}
	}
	if d == nil {
		return Status{Refused: errs}, fmt.Errorf("%w: %w", ErrNoneStarted, errors.Join(refused...))
	}
	r.d, r.began, r.refused = d, d.began, errs
	for _, p := range d.Playing() {
		r.log.Info("demo: playing", "producer", p.Producer.Name, "mappings", Describe(p))
	}
	return r.status(), nil
}

// Stop stops the demo, removes what it made and lets go of the daemon's handles on it; it answers what
// played (nothing: the demo was not playing, and Stop did nothing).
func (r *Runtime) Stop() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop()
}

// Close stops the demo for good: the daemon shuts down, and a start after is ErrClosed.
func (r *Runtime) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.stop()
}

func (r *Runtime) stop() Status {
	st := r.status()
	if r.d == nil {
		return st
	}
	held := r.d.owned()
	r.d.Stop()
	r.d, r.refused = nil, nil
	r.release(held)
	return st
}

// release closes the daemon's handles on the objects the demo made, once their names are gone (the demo has
// removed them): a reader of the daemon's sees its mapping closed rather than a page that stopped moving.
// The daemon never unlinks here: what a name means now is no longer the demo's business.
func (r *Runtime) release(held []made) {
	if r.reg == nil {
		return
	}
	for _, o := range held {
		var err error
		switch o.kind {
		case registry.KindMapping:
			_, err = r.reg.CloseMapping(o.name, false)
		case registry.KindMutex:
			_, err = r.reg.CloseMutex(o.name, false)
		case registry.KindEvent:
			_, err = r.reg.CloseEvent(o.name, false)
		}
		if err != nil && !errors.Is(err, registry.ErrNotFound) {
			r.log.Warn("the daemon could not let go of what the demo made", "name", o.name, "error", err)
		}
	}
}

// Status is what plays now.
func (r *Runtime) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status()
}

func (r *Runtime) status() Status {
	if r.d == nil {
		return Status{}
	}
	return Status{Playing: r.d.Playing(), Refused: r.refused, Began: r.began}
}

// owned lists the objects the demo created itself (not a mutex or an event it found there).
func (d *Demo) owned() []made {
	var out []made
	for _, o := range d.made {
		if o.own {
			out = append(out, o)
		}
	}
	return out
}

// Describe lists a producer's mappings with their layouts: Local\acpmf_physics (layout acc_physics), ….
func Describe(p Playing) string {
	parts := make([]string, len(p.Mappings))
	for i, m := range p.Mappings {
		parts[i] = fmt.Sprintf("%s (layout %s)", m, p.Layouts[i])
	}
	return strings.Join(parts, ", ")
}
