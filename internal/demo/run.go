package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Demo is producers playing, each page on a goroutine of its own, until Stop. It holds its objects in a
// registry of its own, as the program it stands in for would: the daemon (or anything else) opens them as it
// opens a game's.
type Demo struct {
	reg     *registry.Registry
	log     *slog.Logger
	began   time.Time
	ctx     context.Context // ends at Stop: the producers stop, a write waiting for a reader's mutex gives up
	stop    context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
	playing []Playing
	made    []made // what it created, removed by Stop (newest last)
}

// Playing is a producer that plays, and the mappings it writes.
type Playing struct {
	Producer Producer
	Mappings []string
	Layouts  []string
}

// RefusedError is a producer the demo did not start, and why.
type RefusedError struct {
	Producer string
	Err      error
}

func (e *RefusedError) Error() string { return fmt.Sprintf("demo %s: %v", e.Producer, e.Err) }
func (e *RefusedError) Unwrap() error { return e.Err }

// ErrTaken: a producer's mapping exists already (the program itself runs, or another demo): the demo never
// writes into another program's memory.
var ErrTaken = errors.New("exists already")

// made is an object the demo holds: one it created (own), whose name it removes, or a mutex or an event it
// found there, which it only closes.
type made struct {
	kind registry.Kind
	name string
	own  bool
	m    *registry.Mapping // a mapping's (to tell it is still the name's object)
}

// Start starts the producers: for each, it creates its mappings (and its mutex and event), writes its first
// frames, and plays it. A producer that cannot start — a mapping of it exists already (ErrTaken: the program
// runs), or the OS refuses a name (on Windows a Global\ name needs SeCreateGlobalPrivilege) — is left out,
// what it created removed, and answered in refused (*RefusedError each); the others play. The Demo is nil
// when none plays. log says what plays (nil: nowhere).
func Start(producers []Producer, log *slog.Logger) (d *Demo, refused []error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d = &Demo{reg: registry.New(nil), log: log, began: time.Now()}
	d.ctx, d.stop = context.WithCancel(context.Background())
	for _, p := range producers {
		if err := d.start(p); err != nil {
			refused = append(refused, &RefusedError{Producer: p.Name, Err: err})
		}
	}
	if len(d.playing) == 0 {
		d.stop()
		return nil, refused
	}
	return d, refused
}

// Playing lists the producers that play.
func (d *Demo) Playing() []Playing { return d.playing }

// start opens a producer's pages, writes their first frames and starts their goroutines; on failure it removes
// what it created.
func (d *Demo) start(p Producer) (err error) {
	mark := len(d.made)
	defer func() {
		if err != nil {
			d.remove(d.made[mark:])
			d.made = d.made[:mark]
		}
	}()
	var ws []*writer
	for _, pg := range p.Pages() {
		w, err := d.open(p, pg)
		if err != nil {
			return err
		}
		ws = append(ws, w)
	}
	pl := Playing{Producer: p}
	c := Clock{N: 1, Began: d.began}
	for _, w := range ws {
		if w.page.Start != nil {
			if err := w.write(d.ctx, w.page.Start(c)); err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
		}
		pl.Mappings = append(pl.Mappings, w.name)
		pl.Layouts = append(pl.Layouts, w.page.Layout)
	}
	for _, w := range ws {
		if w.page.Frame != nil && w.page.Period > 0 {
			d.wg.Add(1)
			go d.play(p.Name, w)
		}
	}
	d.playing = append(d.playing, pl)
	return nil
}

// open creates a page of p: its mapping (refusing one that exists), its layout's mutex and its event.
func (d *Demo) open(p Producer, pg Page) (*writer, error) {
	entry, ok := catalogue.Lookup(pg.Layout)
	if !ok {
		return nil, fmt.Errorf("no catalogue layout %q", pg.Layout)
	}
	l, err := compileCatalogue(pg.Layout)
	if err != nil {
		return nil, err
	}
	size := pg.Size
	if size == 0 {
		size = l.Fixed
	}
	if size <= 0 {
		return nil, fmt.Errorf("the layout %s has no fixed size: its page needs one", pg.Layout)
	}
	m, _, err := d.reg.OpenMapping(registry.Options{Name: entry.Mapping, Size: int64(size), Mode: registry.Create, Access: registry.ReadWrite})
	if errors.Is(err, registry.ErrExists) {
		return nil, fmt.Errorf("%s %w: %s runs, or another program made it; the demo never writes into another program's memory (stop it, or leave %s out)",
			entry.Mapping, ErrTaken, p.Title, p.Name)
	}
	if err != nil {
		return nil, err
	}
	d.made = append(d.made, made{kind: registry.KindMapping, name: entry.Mapping, own: true, m: m})
	if c := l.Consistency; c != nil && c.Mutex != "" {
		mu, _, err := d.reg.OpenMutex(registry.MutexOptions{Name: c.Mutex, Mode: registry.OpenOrCreate})
		if err != nil {
			return nil, err
		}
		d.made = append(d.made, made{kind: registry.KindMutex, name: c.Mutex, own: mu.Created()})
	}
	var ev *registry.Event
	if pg.Event != "" {
		if ev, _, err = d.reg.OpenEvent(registry.EventOptions{Name: pg.Event, Mode: registry.OpenOrCreate, ManualReset: true}); err != nil {
			return nil, err
		}
		d.made = append(d.made, made{kind: registry.KindEvent, name: pg.Event, own: ev.Created()})
	}
	return newWriter(d.reg, pg, m, l, ev)
}

// play writes a page's frames every Period until the demo stops. One that falls behind by more than a period
// (a machine suspended, a reader holding the mutex) goes on from now: frames are skipped, not caught up.
func (d *Demo) play(producer string, w *writer) {
	defer d.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	next := time.Now()
	for n := int64(2); ; n++ {
		if next = next.Add(w.page.Period); time.Until(next) < -w.page.Period {
			next = time.Now()
		}
		t.Reset(time.Until(next))
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
		}
		if err := w.write(d.ctx, w.page.Frame(Clock{T: time.Since(d.began), N: n, Began: d.began})); err != nil {
			if d.ctx.Err() != nil {
				return // stopped while it waited for a reader's mutex
			}
			d.log.Warn("a demo producer stopped: it could not write a frame", "producer", producer, "mapping", w.name, "error", err)
			return
		}
	}
}

// Stop stops every producer, waits for them, and removes what the demo created: a mapping's name only while it
// is still the demo's object (on Linux another program may have removed it and made another). Safe to call
// more than once.
func (d *Demo) Stop() {
	d.once.Do(func() {
		d.stop()
		d.wg.Wait()
		d.remove(d.made)
		d.made = nil
		d.log.Info("demo stopped")
	})
}

// remove closes what the demo holds, newest first, removing the name of each it made while the name is
// still its object's.
func (d *Demo) remove(ms []made) {
	for i := len(ms) - 1; i >= 0; i-- {
		o := ms[i]
		var err error
		switch o.kind {
		case registry.KindMapping:
			_, err = d.reg.CloseMapping(o.name, o.own && !o.m.Unlinked())
		case registry.KindMutex:
			_, err = d.reg.CloseMutex(o.name, o.own)
		case registry.KindEvent:
			_, err = d.reg.CloseEvent(o.name, o.own)
		}
		if err != nil && !errors.Is(err, registry.ErrNotFound) {
			d.log.Warn("the demo could not remove what it made", "name", o.name, "error", err)
		}
	}
}
