package mirror

import (
	"errors"
	"fmt"

	"github.com/shmbridge/shmbridge/internal/produce"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// openLocal makes (or, mode open, opens) the local mapping at the source's size, and the replicated events.
// A mapping the mirror created at another size (the producer changed its size) is made again at the new one.
func (r *run) openLocal(size int64) error {
	reg := r.rt.o.Registry
	if r.local != nil && !r.local.Closing() {
		switch {
		case r.local.Size() == size || (r.sp.Mode == ModeOpen && r.local.Size() >= size):
			return r.openFrames()
		case r.sp.Mode == ModeOpen:
			return permanent(fmt.Errorf("%s is %d bytes here, the source's %d: %w", r.sp.As, r.local.Size(), size, registry.ErrTooSmall))
		}
		reg.CloseMapping(r.local.Name(), true)
		r.local = nil
	}
	m, err := r.openMapping(size)
	if err != nil {
		return err
	}
	r.local = m
	return r.openFrames()
}

// openFrames makes the frame writer of a mirror with a layout (planned on the local mapping: its protocol's
// counters, lock or spinlock here), then opens the events.
func (r *run) openFrames() error {
	if r.sp.Layout != "" {
		e, err := r.rt.o.Layouts.Get(r.sp.Layout)
		if err != nil {
			return permanent(err)
		}
		if e.Layout == nil {
			return permanent(fail(ErrInvalid, "layout %s does not compile here (GET /v1/layouts/%s says why)", r.sp.Layout, r.sp.Layout))
		}
		p, err := r.rt.plans.Plan(r.local, e.Layout, "")
		if err != nil {
			return permanent(err)
		}
		r.out = produce.NewWriter(r.local, 0, e.Layout, p.Frame)
		if int64(len(r.frame)) != p.Frame.N {
			r.frame = make([]byte, p.Frame.N)
		}
	}
	return r.openEvents()
}

// openMapping opens the local mapping as the mode says. A create-mode mirror kept from before a restart takes
// up the name it made then (on Linux, /dev/shm keeps it).
func (r *run) openMapping(size int64) (*registry.Mapping, error) {
	reg := r.rt.o.Registry
	if r.sp.Mode == ModeOpen {
		m, _, err := reg.OpenMapping(registry.Options{Name: r.sp.As, Mode: registry.OpenExisting, Size: size})
		if err != nil {
			return nil, permanent(fmt.Errorf("mode open: %s: %w", r.sp.As, err))
		}
		return m, nil
	}
	m, _, err := reg.OpenMapping(registry.Options{Name: r.sp.As, Mode: registry.Create, Size: size})
	if errors.Is(err, registry.ErrExists) && r.kept && reg.Holds(r.sp.As) == "" {
		m, _, err = reg.OpenMapping(registry.Options{Name: r.sp.As, Mode: registry.OpenExisting, Size: size})
	}
	if err != nil {
		return nil, errLocal(r.sp.As, err)
	}
	r.created[key(r.sp.As)] = true
	return m, nil
}

// openEvents opens (creating if need be: auto-reset, not set) the events the mirror sets here.
func (r *run) openEvents() error {
	names := r.sp.Events
	if r.sp.Event != "" {
		names = []string{r.sp.Event}
	}
	for _, name := range names {
		if r.events[key(name)] != nil {
			continue
		}
		local := localSpelling(name)
		e, _, err := r.rt.o.Registry.OpenEvent(registry.EventOptions{Name: local, Mode: registry.OpenOrCreate})
		if err != nil {
			return permanent(fmt.Errorf("event %s: %w", local, err))
		}
		r.events[key(name)] = e
		if e.Created() {
			r.created[key(name)] = true
		}
	}
	return nil
}
