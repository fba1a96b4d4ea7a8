package mirror

import (
	"errors"
	"fmt"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// openLocal makes (or, mode open, opens) the local mapping at the source's size, and the replicated events.
// A mapping the mirror created at another size (the producer changed its size) is made again at the new one.
func (r *run) openLocal(size int64) error {
	reg := r.rt.o.Registry
	if r.local != nil && !r.local.Closing() {
		switch {
		case r.local.Size() == size || (r.sp.Mode == ModeOpen && r.local.Size() >= size):
			return r.openEvents()
		case r.sp.Mode == ModeOpen:
			return permanent(fmt.Errorf("%s is %d bytes here, the source's %d", r.sp.As, r.local.Size(), size))
		}
		reg.CloseMapping(r.local.Name(), true)
		r.local = nil
	}
	m, err := r.openMapping(size)
	if err != nil {
		return err
	}
	r.local = m
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
