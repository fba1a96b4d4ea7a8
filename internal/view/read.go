package view

import (
	"context"
	"sync"
	"weak"

	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// MaxJSON caps a decoded frame's JSON (a /fields answer, a stream's message, a publisher's).
const MaxJSON = 16 << 20

// Planner makes plans, each worked out once per layout, field selection and mapping size (parsing the
// selection, finding the counters) and kept while the layout lives; a mutex, or a spinlock's mapping and
// event, is looked up every time (it may be closed and opened again). Safe for concurrent use.
type Planner struct {
	reg   Objects
	mu    sync.Mutex
	plans map[planKey]Plan
	warns map[planKey][]layout.Warning // by layout and mapping size (fields "")
}

type planKey struct {
	layout weak.Pointer[layout.Layout] // a layout replaced or deleted is not kept alive by its plans
	fields string
	size   int64
}

// maxPlans bounds the plans kept: past it they are all dropped (and worked out again as they are needed).
// maxKeptFields bounds a kept plan's selection text: a longer one (a client's query can be 64 KiB) is worked
// out for its request only, so that the plans kept hold at most about 1 MiB of it.
const (
	maxPlans      = 1024
	maxKeptFields = 1024
)

// NewPlanner returns a planner that finds layouts' mutexes and spinlocks in reg.
func NewPlanner(reg Objects) *Planner {
	return &Planner{reg: reg, plans: map[planKey]Plan{}, warns: map[planKey][]layout.Warning{}}
}

// Warnings is the package's Warnings, worked out once per layout and mapping size (a plan's, and a raw
// read's), at most maxPlans of them kept.
func (pl *Planner) Warnings(m *registry.Mapping, l *layout.Layout) []layout.Warning {
	k := planKey{layout: weak.Make(l), size: m.Size()}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	w, ok := pl.warns[k]
	if !ok {
		w = Warnings(m, l)
		if len(pl.warns) >= maxPlans {
			clear(pl.warns)
		}
		pl.warns[k] = w
	}
	return w
}

// Plan is New, worked out once per layout, selection and mapping size.
func (pl *Planner) Plan(m *registry.Mapping, l *layout.Layout, fields string) (Plan, error) {
	k := planKey{weak.Make(l), fields, m.Size()}
	pl.mu.Lock()
	p, ok := pl.plans[k]
	pl.mu.Unlock()
	if !ok || p.Layout != l {
		var err error
		if p, err = newPlan(nil, m, l, fields); err != nil {
			return p, err
		}
		p.Warnings = pl.Warnings(m, l) // one slice for every selection
		if len(fields) <= maxKeptFields {
			pl.mu.Lock()
			if len(pl.plans) >= maxPlans {
				clear(pl.plans)
			}
			pl.plans[k] = p
			pl.mu.Unlock()
		}
	}
	p.Mapping = m
	p.Frame.Ticks = p.Frame.Ticks[:len(p.Frame.Ticks):len(p.Frame.Ticks)] // an append by a caller copies
	if c := l.Consistency; c != nil && c.Mutex != "" {
		mu, err := mutex(pl.reg, c.Mutex)
		if err != nil {
			return p, err
		}
		p.Frame.Lock = mu
	}
	if c := l.Consistency; c != nil && c.Spinlock != nil {
		sl, err := spinlock(pl.reg, c.Spinlock)
		if err != nil {
			return p, err
		}
		p.Frame.Spinlock = sl
	}
	return p, nil
}

// Read copies one frame by the plan, its room taken from b while the caller holds it: release gives it back.
func (p Plan) Read(ctx context.Context, b *budget.Bytes) (f registry.Frame, release func(), err error) {
	if release, err = b.Reserve(p.Frame.N); err != nil {
		return f, nil, err
	}
	if f, err = p.Mapping.ReadFrame(ctx, p.Frame); err != nil {
		release()
		return f, nil, err
	}
	return f, release, nil
}

// Decode decodes a frame b read by l once it passes l's version checks: a frame that fails one is a
// *VersionError, not decoded. Everything that decodes a mapping's frames by a layout decodes them so.
func Decode(ctx context.Context, l *layout.Layout, b []byte) (*layout.Value, error) {
	if err := CheckVersion(l, b); err != nil {
		return nil, err
	}
	return l.DecodeContext(ctx, b)
}

// AppendJSON decodes f (see Decode) and appends the plan's fields as JSON to dst, at most MaxJSON bytes: what
// the decode makes (inflated buffers, strings) and the JSON as it grows are charged to c, like the copy. ctx
// ending stops the decode.
func (p Plan) AppendJSON(ctx context.Context, dst []byte, f registry.Frame, c *budget.Charge) ([]byte, error) {
	v, err := Decode(ctx, p.Layout, f.Bytes)
	if err != nil {
		return dst, err
	}
	if err := c.Take(int64(v.Output())); err != nil {
		return dst, err
	}
	return v.AppendJSONCharged(dst, p.Selection, MaxJSON, c.Take)
}

// FrameVersionOf is the version a frame read by the plan is of: the layout's frame field, or the counter its copy
// was checked by; false: it has neither.
func (p Plan) FrameVersionOf(f registry.Frame) (uint64, bool) {
	if v, ok := FrameField(p.Layout)(f); ok {
		return v, true
	}
	return f.Version, p.Counted()
}
