package publish

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// DefaultBudget is the budget of a runtime given none.
const DefaultBudget = 256 << 20

// Options are what a Runtime runs the publishers with.
type Options struct {
	// Store keeps the publishers.
	Store *Store
	// Registry holds the mappings (a publisher's mapping the daemon does not hold is opened in it, read-only),
	// Layouts the layouts that decode them.
	Registry *registry.Registry
	Layouts  *layout.Store
	// Hub samples the mqtt publishers' mappings (shared with the watch streams: one sampler for a stream and a
	// publisher of the same selection); Budget is the memory a publisher's copy of a frame takes from. nil: a
	// hub, a budget (of DefaultBudget) of the runtime's own.
	Hub    *watch.Hub
	Budget *budget.Bytes
	// Broker is the broker set at start (-mqtt's flags): the API cannot change it. nil: the broker kept in the
	// Store (SetBroker), if any; an mqtt publisher without a broker waits for one.
	Broker *mqtt.Config
	// Version is the daemon's, in Home Assistant's discovery messages (origin).
	Version string
	// MinInterval and MaxInterval bound an mqtt publisher's interval (-min-watch-interval, and a watch's most).
	MinInterval, MaxInterval time.Duration
	// MaxSeries caps the gauges all metrics publishers export together.
	MaxSeries int
	// Log says what goes wrong while they run (nil: nothing).
	Log *slog.Logger
}

// Runtime runs the publishers of a Store: each mqtt one's sampler and sender (two goroutines, its own), each
// metrics one's read at every scrape (its Gauges collector). Start runs the kept ones, Add and Remove one at a
// time, Close stops them all and waits for them. Safe for concurrent use.
type Runtime struct {
	o       Options
	plans   *view.Planner
	series  sync.Map // id → the gauges a metrics publisher exported at its last collection (int)
	failing sync.Map // id → why a metrics publisher's scrapes fail (string): said in the log once, while it lasts
	broker  *mqtt.Client
	ctx     context.Context // ends at Close
	cancel  context.CancelFunc
	bg      sync.WaitGroup // the removals' senders
	// removing: one sender of removals at a time.
	removing sync.Mutex

	mu       sync.Mutex
	taken    func(name string) bool // metric names that are not the publishers' to take (Load's)
	loaded   bool
	started  bool
	closed   bool
	runs     map[string]*mqttRun
	prefixes map[string]bool // the discovery prefixes whose PREFIX/status the broker connection listens to
}

// NewRuntime returns a runtime of o's publishers; nothing runs until Start, or Add.
func NewRuntime(o Options) *Runtime {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Hub == nil {
		o.Hub = watch.New()
	}
	if o.Budget == nil {
		o.Budget = budget.New(DefaultBudget)
	}
	rt := &Runtime{o: o, plans: view.NewPlanner(o.Registry), runs: map[string]*mqttRun{}, broker: mqtt.New(o.Log),
		prefixes: map[string]bool{}}
	rt.ctx, rt.cancel = context.WithCancel(context.Background())
	rt.broker.OnConnect(rt.connected)
	return rt
}

// Store is the store the runtime's publishers are kept in.
func (rt *Runtime) Store() *Store { return rt.o.Store }

// Load checks the publishers kept from before as at their creation (a file edited by hand may hold what Add
// refuses: an id, a topic, a metric name taken), and forgets those that fail, with a log line each (their
// files are left as they are). taken says which metric names are not the publishers' (those of the registry
// their gauges are gathered beside): Load refuses them, and so does every Add after. It starts nothing; a second
// call does nothing.
func (rt *Runtime) Load(taken func(name string) bool) {
	rt.mu.Lock()
	loaded := rt.loaded
	if !loaded {
		rt.loaded, rt.taken = true, taken
	}
	rt.mu.Unlock()
	if loaded {
		return
	}
	for _, sp := range rt.o.Store.List() {
		if err := rt.checkKept(sp); err != nil {
			rt.o.Store.Forget(sp.ID)
			rt.o.Log.Warn("a publisher's file holds what the daemon refuses: skipped, its file left as it is", "id", sp.ID, "error", err)
		}
	}
}

// Start connects to the broker, and runs the kept mqtt publishers (loading them first, with no name taken, if
// Load was not called). A second call does nothing.
func (rt *Runtime) Start() {
	rt.Load(nil)
	rt.mu.Lock()
	started := rt.started
	rt.started = true
	rt.mu.Unlock()
	if started {
		return
	}
	rt.connectBroker()
	for _, sp := range rt.o.Store.List() {
		if sp.Kind == MQTT {
			rt.start(sp)
		}
	}
}

// Add checks a new publisher (Check), then the first decode of its mapping (an mqtt one) or its first
// collection (a metrics one: its gauges within MaxSeries), keeps it, and runs it; it answers it as kept (its id).
func (rt *Runtime) Add(ctx context.Context, sp Spec) (Spec, error) {
	sp, err := rt.Check(sp)
	if err != nil {
		return sp, err
	}
	if sp.Kind == MQTT {
		return rt.addMQTT(ctx, sp)
	}
	return rt.addMetrics(ctx, sp)
}

// Remove stops a publisher, waits for it, and forgets it (its file too).
func (rt *Runtime) Remove(id string) error {
	sp, err := rt.o.Store.Get(id)
	if err != nil {
		return err
	}
	if err := rt.o.Store.Delete(id); err != nil {
		return err
	}
	rt.stop(id)
	rt.undiscover(sp)
	rt.series.Delete(id)
	rt.failing.Delete(id)
	return nil
}

// Status is what a publisher does: a metrics one's gauges at its last collection; an mqtt one's connection
// to the broker, and its messages the broker took and those replaced before they could go.
type Status struct {
	Series             int
	Connected          bool
	Published, Dropped int64
}

// Status answers the publisher id's status (zero for one that does not run).
func (rt *Runtime) Status(id string) Status {
	var st Status
	if n, ok := rt.series.Load(id); ok {
		st.Series = n.(int)
	}
	st.Connected = rt.broker.Connected()
	rt.mu.Lock()
	r := rt.runs[id]
	rt.mu.Unlock()
	if r != nil {
		st.Published, st.Dropped = r.published.Load(), r.dropped.Load()
	}
	return st
}

// Close stops every publisher and waits for each one's goroutines to end, then disconnects from the broker
// (its status "offline"); nothing runs after it (an Add still keeps its publisher, which then does not run).
func (rt *Runtime) Close() {
	rt.mu.Lock()
	rt.closed = true
	ids := make([]string, 0, len(rt.runs))
	for id := range rt.runs {
		ids = append(ids, id)
	}
	rt.mu.Unlock()
	for _, id := range ids {
		rt.stop(id)
	}
	rt.cancel()
	rt.bg.Wait()
	rt.broker.Close()
}
