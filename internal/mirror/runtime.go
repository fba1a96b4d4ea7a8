package mirror

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
)

// Options are what a Runtime runs the mirrors with.
type Options struct {
	// Store keeps the mirrors; Registry holds the local mappings and events they write and set; Layouts has
	// the layouts whose protocols a mirror with a layout writes by.
	Store    *Store
	Registry *registry.Registry
	Layouts  *layout.Store
	// MinInterval bounds a mirror's interval below (-min-watch-interval).
	MinInterval time.Duration
	// Transport carries the requests to the sources (nil: a clone of http.DefaultTransport); a mirror with a
	// ca gets a clone of it that checks against that CA.
	Transport *http.Transport
	// Log says what happens while they run (nil: nothing).
	Log *slog.Logger
}

// Runtime runs the mirrors of a Store: a goroutine each, following its source. Start runs the kept ones, Add
// and Remove one at a time, Close stops them all and waits for them. Safe for concurrent use.
type Runtime struct {
	o     Options
	plans *view.Planner

	mu      sync.Mutex
	started bool
	closed  bool
	runs    map[string][]*run // a mirror's pages: one mapping each
}

// NewRuntime returns a runtime of o's mirrors; nothing runs until Start, or Add.
func NewRuntime(o Options) *Runtime {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &Runtime{o: o, plans: view.NewPlanner(o.Registry), runs: map[string][]*run{}}
}

// Store is the store the runtime's mirrors are kept in.
func (rt *Runtime) Store() *Store { return rt.o.Store }

// Start runs the kept mirrors (a second call does nothing). One kept from before that fails its rules now is
// said in the log and left as it is, stopped.
func (rt *Runtime) Start() {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.started || rt.closed {
		return
	}
	rt.started = true
	for _, sp := range rt.o.Store.List() {
		checked, err := Check(sp, rt.o.MinInterval)
		if err != nil {
			rt.o.Log.Warn("a kept mirror fails the rules: not started", "id", sp.ID, "error", err)
			continue
		}
		rt.runs[sp.ID] = rt.start(checked, true)
	}
}

// Add checks a new mirror, keeps it and runs it. It waits for the first connection to the source (at most
// until ctx ends): what would never work (the token refused, the mapping too large, the local name taken) is
// the answer and nothing is kept; a source that cannot be reached yet is retried, and Status says so.
func (rt *Runtime) Add(ctx context.Context, sp Spec) (Spec, error) {
	sp, err := Check(sp, rt.o.MinInterval)
	if err != nil {
		return sp, err
	}
	for _, page := range sp.Pages() {
		if page.Layout != "" {
			if _, err := rt.o.Layouts.Get(page.Layout); err != nil {
				return sp, err
			}
		}
		if err := rt.localFree(page); err != nil {
			return sp, err
		}
	}
	sp.Created = time.Now().UTC().Truncate(time.Second)
	sp, err = rt.o.Store.add(sp, key)
	if err != nil {
		return sp, err
	}
	rt.mu.Lock()
	if rt.closed {
		rt.mu.Unlock()
		rt.o.Store.forget(sp.ID)
		return sp, fail(ErrInvalid, "the daemon is stopping")
	}
	runs := rt.start(sp, false)
	rt.runs[sp.ID] = runs
	rt.mu.Unlock()
	for _, r := range runs {
		select {
		case <-r.first:
		case <-ctx.Done():
		}
		if err := r.status().fatal; err != nil {
			rt.Remove(sp.ID, false)
			return sp, err
		}
	}
	return sp, nil
}

// localFree refuses a create-mode mirror whose local name the daemon holds already (a mirror never writes into
// a mapping it did not make, unless its mode is open).
func (rt *Runtime) localFree(sp Spec) error {
	if sp.Mode == ModeCreate && rt.o.Registry.Holds(sp.As) != "" {
		return fail(ErrTaken, "the daemon holds %s already: a mirror writes only into a mapping it creates (say mode: open to write into that one)", sp.As)
	}
	return nil
}

// key is the identity of a name (two spellings of one object are one).
func key(name string) string {
	k, err := registry.Key(name)
	if err != nil {
		return name
	}
	return k
}

// start runs sp's pages; rt.mu is held. kept: a mirror from before the restart (its local mappings may exist
// already, made by it).
func (rt *Runtime) start(sp Spec, kept bool) []*run {
	var runs []*run
	for _, page := range sp.Pages() {
		r := newRun(rt, page, kept)
		go r.loop()
		runs = append(runs, r)
	}
	return runs
}

// Remove stops a mirror, waits for it, and forgets it; the local mapping it created is closed and removed
// unless keep (then the daemon holds it on, as if created through the API).
func (rt *Runtime) Remove(id string, keep bool) error {
	if _, err := rt.o.Store.Get(id); err != nil {
		return err
	}
	rt.mu.Lock()
	runs := rt.runs[id]
	delete(rt.runs, id)
	rt.mu.Unlock()
	for _, r := range runs {
		r.stop()
		r.release(keep)
	}
	return rt.o.Store.forget(id)
}

// Status is what mirror id does now: of its one mapping, or of a producer's, their sums and its least good
// state, and each page's own (StateStopped for an id not running).
func (rt *Runtime) Status(id string) Status {
	rt.mu.Lock()
	runs := rt.runs[id]
	rt.mu.Unlock()
	if len(runs) == 0 {
		return Status{State: StateStopped}
	}
	if len(runs) == 1 {
		return runs[0].status()
	}
	return sum(runs)
}

// Close stops every mirror and waits for them. Their local mappings stay held (the registry's to close): a
// restart follows the sources again into the same names.
func (rt *Runtime) Close() {
	rt.mu.Lock()
	rt.closed = true
	all := rt.runs
	rt.runs = map[string][]*run{}
	rt.mu.Unlock()
	for _, runs := range all {
		for _, r := range runs {
			r.stop()
		}
	}
}

// errStopped ends a run's connection when the mirror is removed or the daemon stops.
var errStopped = errors.New("mirror stopped")
