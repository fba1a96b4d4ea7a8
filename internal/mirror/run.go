package mirror

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/internal/produce"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/spans"
)

// States of a mirror.
const (
	StateConnecting = "connecting" // before its first frame
	StateFollowing  = "following"  // connected, writing what the source sends
	StateRetrying   = "retrying"   // the connection ended or failed: trying again, with back-off
	StateFailed     = "failed"     // what would never work (the token refused): stopped, Error says why
	StateStopped    = "stopped"    // not running
)

// Status is what a mirror does now.
type Status struct {
	State string
	// Error is why the last connection ended or failed ("" while following since the start).
	Error string
	// Size is the source mapping's, as last seen.
	Size int64
	// Frames counts the messages written (snapshots and changes), Bytes their bytes, Events the events set
	// here, Reconnects the connections after the first.
	Frames, Bytes, Events, Reconnects uint64
	// Lag is the last frame's: when it was written here less when the source sampled it (across machines,
	// their clocks' difference too).
	Lag time.Duration
	// LastFrame is when the last frame was written (zero: none yet).
	LastFrame time.Time
	// Pages are a producer mirror's mappings, each its own status (nil for a mirror of one mapping).
	Pages []Page
	// fatal is the first connection's failure when it would never work: Add's answer.
	fatal error
}

// Page is one mapping of a producer mirror, and what its mirror does.
type Page struct {
	Mapping, As, Layout, State, Error string
	Frames, Bytes                     uint64
}

// states from the best to the worst: a producer mirror's state is its worst page's.
var states = []string{StateFollowing, StateConnecting, StateRetrying, StateFailed, StateStopped}

// sum is the status of a producer mirror's pages: their sums, the worst state, the first error.
func sum(runs []*run) Status {
	total := Status{State: StateFollowing}
	for _, r := range runs {
		st := r.status()
		if slices.Index(states, st.State) > slices.Index(states, total.State) {
			total.State = st.State
		}
		total.Error = cmp.Or(total.Error, st.Error)
		total.fatal = cmp.Or(total.fatal, st.fatal)
		total.Size += st.Size
		total.Frames += st.Frames
		total.Bytes += st.Bytes
		total.Events += st.Events
		total.Reconnects += st.Reconnects
		total.Lag = max(total.Lag, st.Lag)
		if st.LastFrame.After(total.LastFrame) {
			total.LastFrame = st.LastFrame
		}
		total.Pages = append(total.Pages, Page{Mapping: r.sp.Mapping, As: r.sp.As, Layout: r.sp.Layout, State: st.State,
			Error: st.Error, Frames: st.Frames, Bytes: st.Bytes})
	}
	return total
}

// Back-off between connections: doubled from minBackoff after each failure up to maxBackoff, a quarter of it
// random (many mirrors of one source do not come back at once); back to minBackoff after a connection that
// lasted longBackoffReset.
var (
	minBackoff       = 250 * time.Millisecond
	maxBackoff       = 30 * time.Second
	longBackoffReset = 10 * time.Second
)

// run is one mirror running: its goroutine's state.
type run struct {
	rt     *Runtime
	sp     Spec
	kept   bool // from before a restart
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when loop returns
	first  chan struct{} // closed at the first connection's outcome
	once   sync.Once

	// http is the client of the source (client), local and events what it writes here: the loop's (and
	// release's, after it).
	http    *http.Client
	local   *registry.Mapping
	events  map[string]*registry.Event
	created map[string]bool // the names the mirror created (removed with it)
	// out writes each frame by the layout's protocol (nil without a layout), frame the frame as last written,
	// runs a message's runs in it.
	out   *produce.Writer
	frame []byte
	runs  []spans.Span

	frames, bytes, nevents, reconnects atomic.Uint64
	lag, lastFrame, size               atomic.Int64

	mu    sync.Mutex
	state string
	err   error
	fatal error
}

func newRun(rt *Runtime, sp Spec, kept bool) *run {
	r := &run{rt: rt, sp: sp, kept: kept, done: make(chan struct{}), first: make(chan struct{}),
		events: map[string]*registry.Event{}, created: map[string]bool{}, state: StateConnecting}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

// loop connects, follows until the connection ends, and again with back-off, until stopped or refused for good.
func (r *run) loop() {
	defer close(r.done)
	defer r.settled(nil)
	backoff := minBackoff
	for attempt := 0; ; attempt++ {
		began := time.Now()
		err := r.follow(r.ctx)
		if r.ctx.Err() != nil {
			return
		}
		if fatal(err, attempt == 0 && !r.kept) {
			r.set(StateFailed, err)
			r.mu.Lock()
			r.fatal = err
			r.mu.Unlock()
			r.settled(err)
			r.rt.o.Log.Warn("mirror stopped: it would never work", "id", r.sp.ID, "source", r.sp.Source, "mapping", r.sp.Mapping, "error", err)
			return
		}
		r.settled(nil)
		r.set(StateRetrying, err)
		r.rt.o.Log.Info("mirror: the connection ended, trying again", "id", r.sp.ID, "source", r.sp.Source, "error", err, "in", backoff)
		if time.Since(began) > longBackoffReset {
			backoff = minBackoff
		}
		select {
		case <-time.After(backoff - time.Duration(rand.Int64N(int64(backoff/4)))):
		case <-r.ctx.Done():
			return
		}
		backoff = min(2*backoff, maxBackoff)
		r.reconnects.Add(1)
	}
}

// settled ends Add's wait for the first connection's outcome.
func (r *run) settled(err error) { r.once.Do(func() { close(r.first) }) }

// set says what the mirror does now, and why.
func (r *run) set(state string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state = state
	if err != nil {
		r.err = err
	}
}

func (r *run) status() Status {
	r.mu.Lock()
	st := Status{State: r.state, fatal: r.fatal}
	if r.err != nil {
		st.Error = r.err.Error()
	}
	r.mu.Unlock()
	st.Size = r.size.Load()
	st.Frames, st.Bytes, st.Events, st.Reconnects = r.frames.Load(), r.bytes.Load(), r.nevents.Load(), r.reconnects.Load()
	st.Lag = time.Duration(r.lag.Load())
	if t := r.lastFrame.Load(); t != 0 {
		st.LastFrame = time.Unix(0, t)
	}
	return st
}

// stop ends the run and waits for it.
func (r *run) stop() {
	r.cancel()
	<-r.done
	if r.http != nil {
		r.http.CloseIdleConnections()
	}
}

// release closes what the stopped run holds: what it created is removed too, unless keep (the daemon holds
// it on, as if created through the API).
func (r *run) release(keep bool) {
	reg := r.rt.o.Registry
	if r.local != nil && !keep {
		reg.CloseMapping(r.local.Name(), r.created[key(r.local.Name())])
	}
	for name, e := range r.events {
		if !keep {
			reg.CloseEvent(e.Name(), r.created[key(name)])
		}
	}
}

// fatal says whether err would never work: the source refused the token (401, 403), the mapping cannot be
// mirrored (too large, another kind of object here); on the first connection of a mirror just added, a mapping
// the source does not hold either (a typo, more likely than a source not ready yet).
func fatal(err error, first bool) bool {
	var se *sourceError
	if errors.As(err, &se) {
		return se.status == 401 || se.status == 403 || (first && se.status == 404)
	}
	return errors.Is(err, errPermanent)
}
