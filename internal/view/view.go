// Package view reads and writes a mapping through a layout: the seam between internal/layout (what the bytes
// mean) and internal/registry (the bytes, copied consistently). A Plan says what to copy — the layout's fixed
// size, or the whole mapping — and by which of the layout's protocols (seqlock, begin/end counters, ring,
// mutex, spinlock, frame field); Read copies one frame by it and decodes it, within the daemon's memory budget.
package view

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Bounds of a frame read: a seqlock or ring read gives up after FrameDeadline or FrameRetries torn copies,
// whichever comes first (registry.ErrInconsistent): longer than a 60 Hz producer's period, so a reader that
// arrives mid-write finds the next gap even on a busy machine.
const (
	FrameDeadline = 25 * time.Millisecond
	FrameRetries  = 100000
	// MaxCopy caps the bytes a plan copies: a layout of no fixed size reads the whole mapping.
	MaxCopy = 64 << 20
	// LockTimeout is how long a read or write waits for a layout's mutex (a Plan's Frame.LockTimeout).
	LockTimeout = 5 * time.Second
)

// Errors of the layout a mapping is read by.
var (
	// ErrNoLayout: no layout was named, and the mapping has no default layout.
	ErrNoLayout = errors.New("no layout")
	// ErrNotCompiled: the saved layout does not compile (a *NotCompiledError).
	ErrNotCompiled = errors.New("the saved layout does not compile")
	// ErrTooLarge: a layout of no fixed size over a mapping larger than MaxCopy.
	ErrTooLarge = errors.New("too large to copy")
	// ErrInvalidFields: a field selection that does not parse.
	ErrInvalidFields = errors.New("invalid field selection")
	// ErrLayoutLarger: a layout whose fixed size is more than the mapping's size (a *LargerError).
	ErrLayoutLarger = errors.New("the layout is larger than the mapping")
	// ErrVersionMismatch: a frame that fails one of the layout's version checks (a *VersionError).
	ErrVersionMismatch = errors.New("the memory holds another version than the layout describes")
)

// VersionError is a frame that fails one of its layout's version checks (meta/-shmbridge/version): the memory
// is of another version of the producer than the layout describes (or another producer's, or one it has
// marked freed), so it is not decoded. The version is the producer's, of its memory's format; a frame's
// version, the counter a consistent copy is at, is another thing (Plan.FrameVersion).
type VersionError struct {
	Layout string // the layout's id
	Field  string // the field checked
	Want   string // what the layout describes, for a person: "= 9", "≥ 3", "one of 1, 2"
	Got    string // what the memory holds, written as the check writes its values (hex, text or decimal)
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the layout %s describes %s %s; the memory holds %s %s", strconv.Quote(e.Layout), e.Field, e.Want, e.Field, e.Got)
}
func (e *VersionError) Is(target error) bool { return target == ErrVersionMismatch }

// CheckMapping is CheckVersion of what m holds now, read as it is (the bytes up to the last field checked): a
// write by l into memory of another version would put its fields over others.
func CheckMapping(m *registry.Mapping, l *layout.Layout) error {
	n := min(int64(l.VersionSpan()), m.Size())
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	if _, err := m.ReadAt(b, 0); err != nil {
		return err
	}
	return CheckVersion(l, b)
}

// CheckVersion is a *VersionError if the frame b fails one of l's version checks (the first it fails), else
// nil.
func CheckVersion(l *layout.Layout, b []byte) error {
	c, got := l.CheckVersion(b)
	if c == nil {
		return nil
	}
	return &VersionError{Layout: l.ID, Field: c.Field, Want: c.Want(), Got: got}
}

// LargerError is a layout whose fixed size is more than the size of the mapping it would read: no read by it
// can succeed, so none is made.
type LargerError struct {
	Layout  string // the layout's id
	Mapping string // the mapping's name
	Fixed   int    // the layout's fixed size
	Size    int64  // the mapping's size
}

func (e *LargerError) Error() string {
	return fmt.Sprintf("the layout %s is %d bytes (its fixed size) but the mapping %s is %d bytes: it would read %d bytes past the end "+
		"(is it the layout of another producer, or of another version of it?)", strconv.Quote(e.Layout), e.Fixed, strconv.Quote(e.Mapping), e.Size, int64(e.Fixed)-e.Size)
}
func (e *LargerError) Is(target error) bool { return target == ErrLayoutLarger }

// NotCompiledError is a saved layout that does not compile: its id and problems.
type NotCompiledError struct {
	ID       string
	Problems layout.Problems
}

func (e *NotCompiledError) Error() string {
	return fmt.Sprintf("the saved layout %q does not compile: %v", e.ID, e.Problems)
}
func (e *NotCompiledError) Is(target error) bool { return target == ErrNotCompiled }
func (e *NotCompiledError) Unwrap() error        { return e.Problems }

// Of is the layout a mapping is read by: the saved layout id, or ("") the mapping's default; and its id.
func Of(layouts *layout.Store, m *registry.Mapping, id string) (*layout.Layout, string, error) {
	if id == "" {
		if id = m.Layout(); id == "" {
			return nil, "", fmt.Errorf("%w for %s: name one with ?layout=ID, or give the mapping a default layout (PATCH /v1/mappings/{name} {\"layout\": ID})", ErrNoLayout, strconv.Quote(m.Name()))
		}
	}
	e, err := layouts.Get(id)
	if err != nil {
		return nil, "", err
	}
	if e.Layout == nil {
		return nil, "", &NotCompiledError{ID: id, Problems: e.Problems}
	}
	return e.Layout, id, nil
}

// Plan is a read of a mapping's fields by a layout, parsed and checked: the bytes to copy and how.
type Plan struct {
	Mapping   *registry.Mapping
	Layout    *layout.Layout
	Selection *layout.Selection
	Frame     registry.FrameOptions
	// Warnings are what a read by the plan likely gets wrong (see Warnings): it is read all the same.
	Warnings []layout.Warning
}

// Objects finds the named objects a layout's protocol uses — its mutex; its spinlock's mapping and event —
// the registry's, opened if the daemon does not hold them yet.
type Objects interface {
	GetMutex(name string) (*registry.Mutex, error)
	OpenMutex(o registry.MutexOptions) (*registry.Mutex, bool, error)
	GetMapping(name string) (*registry.Mapping, error)
	OpenMapping(o registry.Options) (*registry.Mapping, bool, error)
	GetEvent(name string) (*registry.Event, error)
	OpenEvent(o registry.EventOptions) (*registry.Event, bool, error)
}

// New plans a read of m by l, of the fields listed ("": all): what to copy (the layout's fixed size, or the
// whole mapping) and how (its protocol; a mutex or a spinlock is looked up in reg), and its warnings. A layout
// larger than m is a *LargerError: no read by it could succeed.
func New(reg Objects, m *registry.Mapping, l *layout.Layout, fields string) (Plan, error) {
	p, err := newPlan(reg, m, l, fields)
	if err == nil {
		p.Warnings = Warnings(m, l)
	}
	return p, err
}

// newPlan is New without the warnings.
func newPlan(reg Objects, m *registry.Mapping, l *layout.Layout, fields string) (Plan, error) {
	p := Plan{Mapping: m, Layout: l}
	sel, err := layout.ParseSelection(fields)
	if err != nil {
		return p, fmt.Errorf("%w: fields: %v", ErrInvalidFields, err)
	}
	p.Selection = sel
	size := m.Size()
	if l.Fixed > 0 && int64(l.Fixed) > size {
		return p, &LargerError{Layout: l.ID, Mapping: m.Name(), Fixed: l.Fixed, Size: size}
	}
	n := size
	if l.Prefix >= 0 && int64(l.Prefix) < size {
		n = int64(l.Prefix) // the layout reads only these: the stream is still the mapping's size (see Decode)
	}
	if n > MaxCopy {
		return p, fmt.Errorf("%w: the layout has no fixed size, so it reads the whole mapping, and %d bytes is over the %d a decode copies", ErrTooLarge, size, MaxCopy)
	}
	p.Frame = registry.FrameOptions{N: n, Deadline: FrameDeadline, Retries: FrameRetries}
	err = p.protocol(reg, size)
	return p, err
}

// protocol fills in how the frame is copied: the layout's consistency, its counters checked to lie in the
// copy.
func (p *Plan) protocol(reg Objects, size int64) (err error) {
	c := p.Layout.Consistency
	if c == nil {
		return nil
	}
	counter := func(path string) (*registry.Counter, error) {
		f, _ := c.Counter(path)
		if int64(f.Offset+f.Size) > p.Frame.N {
			return nil, &layout.DecodeError{Path: path, Offset: f.Offset, Detail: fmt.Sprintf("the counter is past the end of the mapping (%d bytes)", size)}
		}
		return &registry.Counter{Off: int64(f.Offset), Size: f.Size, BigEndian: f.Endian == "be"}, nil
	}
	switch {
	case c.Seqlock != "":
		p.Frame.Seqlock, err = counter(c.Seqlock)
	case c.Begin != "":
		if p.Frame.Begin, err = counter(c.Begin); err == nil {
			p.Frame.End, err = counter(c.End)
		}
	case c.Ring != nil:
		for i := 0; ; i++ {
			path := fmt.Sprintf("%s[%d].%s", c.Ring.Buffers, i, c.Ring.Tick)
			if _, ok := c.Counter(path); !ok {
				break
			}
			t, err := counter(path)
			if err != nil {
				return err
			}
			p.Frame.Ticks = append(p.Frame.Ticks, *t)
		}
	case c.Mutex != "":
		p.Frame.LockTimeout = LockTimeout
		if reg != nil { // nil: the Planner looks it up for each use
			p.Frame.Lock, err = mutex(reg, c.Mutex)
		}
	case c.Spinlock != nil:
		if reg != nil {
			p.Frame.Spinlock, err = spinlock(reg, c.Spinlock)
		}
	}
	return err
}

// mutex is the named mutex: the daemon's, or opened (it must exist).
func mutex(reg Objects, name string) (*registry.Mutex, error) {
	mu, err := reg.GetMutex(name)
	if errors.Is(err, registry.ErrNotFound) {
		mu, _, err = reg.OpenMutex(registry.MutexOptions{Name: name, Mode: registry.OpenExisting})
	}
	if err != nil {
		return nil, fmt.Errorf("the layout's mutex %s: %w", strconv.Quote(name), err)
	}
	return mu, nil
}

// spinlock is the layout's spinlock: its mapping opened for writing, and its event, the daemon's or opened (both
// must exist: the producer makes them).
func spinlock(reg Objects, s *layout.Spinlock) (*registry.Spinlock, error) {
	m, err := reg.GetMapping(s.Mapping)
	if errors.Is(err, registry.ErrNotFound) {
		m, _, err = reg.OpenMapping(registry.Options{Name: s.Mapping, Mode: registry.OpenExisting, Access: registry.ReadWrite})
	}
	if err == nil && m.Access() == registry.ReadOnly {
		err = &registry.Error{Op: "open", Name: m.Name(), Err: registry.ErrReadOnly,
			Detail: "the daemon holds it opened with access read, and taking the lock writes it: close it (DELETE /v1/mappings/{name}) so that a read opens it for writing"}
	}
	if err != nil {
		return nil, fmt.Errorf("the layout's spinlock mapping %s%s: %w", strconv.Quote(s.Mapping), notRunning(err), err)
	}
	for _, w := range []struct {
		name string
		off  int
	}{{"busy", s.Busy}, {"waiters", s.Waiters}} {
		if w.off >= 0 && int64(w.off)+4 > m.Size() {
			return nil, &layout.DecodeError{Path: "spinlock." + w.name, Offset: w.off,
				Detail: fmt.Sprintf("the layout's spinlock word is past the end of its mapping %s (%d bytes)", strconv.Quote(s.Mapping), m.Size())}
		}
	}
	sl := &registry.Spinlock{Lock: m, Busy: int64(s.Busy), Waiters: int64(s.Waiters)}
	if s.Event != "" {
		sl.Event, err = reg.GetEvent(s.Event)
		if errors.Is(err, registry.ErrNotFound) {
			sl.Event, _, err = reg.OpenEvent(registry.EventOptions{Name: s.Event, Mode: registry.OpenExisting})
		}
		if err != nil {
			return nil, fmt.Errorf("the layout's spinlock event %s%s: %w", strconv.Quote(s.Event), notRunning(err), err)
		}
	}
	return sl, nil
}

// notRunning is the hint for an object of a producer's that is not there.
func notRunning(err error) string {
	if errors.Is(err, registry.ErrNotFound) {
		return " (does its producer run?)"
	}
	return ""
}

// Protocol names how the plan's frames are read: seqlock, ring, mutex, spinlock, frame or none.
func (p Plan) Protocol() string {
	switch c := p.Layout.Consistency; {
	case c == nil:
		return "none"
	case c.Seqlock != "" || c.Begin != "":
		return "seqlock"
	case c.Ring != nil:
		return "ring"
	case c.Mutex != "":
		return "mutex"
	case c.Spinlock != nil:
		return "spinlock"
	case c.Frame != "":
		return "frame"
	}
	return "none"
}

// Counted says whether the frame's copy is checked by counters (seqlock, begin/end, ring): its Version and
// Retries mean something.
func (p Plan) Counted() bool {
	return p.Frame.Seqlock != nil || p.Frame.Begin != nil || len(p.Frame.Ticks) > 0
}
