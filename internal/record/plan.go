package record

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// A recording's plan: its request checked, and made into what Store.Start takes (a header, a source, limits),
// the source holding its room in the daemon's memory budget and sample rate while it records.

// Defaults and costs of a recording.
const (
	// DefaultInterval is how often a frame is sampled when neither an interval nor an event is given.
	DefaultInterval = 100 * time.Millisecond
	// LockTimeout is how long a sample waits for a layout's mutex (longer: that sample is lost).
	LockTimeout = time.Second
	// CopiesPerByte are the copies of its range a recorder holds in memory (the sample, the frame before, the
	// record), and a replay (the frame read, the one before, the record).
	CopiesPerByte = 3
)

// Resources are the daemon's parts that recordings and replays are planned with and take from: the
// mappings, the saved layouts, the layouts' frame plans, the memory budget, the sample rate's cap, the
// recordings.
type Resources struct {
	Registry   *registry.Registry
	Layouts    *layout.Store
	Plans      *view.Planner
	Budget     *budget.Bytes
	Samples    *watch.Hub
	Recordings *Store
	// Event finds a held event by name: its error explains one the daemon does not hold.
	Event func(name string) (*registry.Event, error)
	// MinInterval and MaxInterval bound a recording's interval; a replay writes a frame at most once each
	// MinInterval (at least a millisecond).
	MinInterval, MaxInterval time.Duration
}

// Request is what to record, as a client asked for it: Prepare checks it.
type Request struct {
	// Mapping is the mapping recorded (opened read-only if the daemon does not hold it).
	Mapping string
	// Layout records its frames (default: the mapping's default layout, unless Offset or Length are given);
	// Offset and Length a range of bytes instead (default: the whole mapping).
	Layout         string
	Offset, Length *int64
	// Interval (a duration: 10ms) or Event (a held event's name) samples each frame (default DefaultInterval).
	Interval, Event string
	// MaxBytes and MaxDuration (a duration) end the recording (0, "": only the store's budget).
	MaxBytes    int64
	MaxDuration string
}

// Errors of a recording's plan (besides the registry's, the layouts' and the budget's).
var (
	// ErrInvalid: the request cannot be recorded as it stands (the error says why).
	ErrInvalid = errors.New("invalid recording request")
	// ErrSampleRate: its copies would take the samples a second over the daemon's cap (a *SampleRateError).
	ErrSampleRate = errors.New("over the sample rate's cap")
)

// invalidError is an ErrInvalid saying why.
type invalidError string

func (e invalidError) Error() string        { return string(e) }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(format string, args ...any) error { return invalidError(fmt.Sprintf(format, args...)) }

// SampleRateError is ErrSampleRate: the cap (-max-sample-rate) a recording's or a replay's copies would be
// over. It unwraps to watch.ErrSampleRate.
type SampleRateError struct{ Max float64 }

func (e *SampleRateError) Error() string {
	return fmt.Sprintf("the watches, recordings and replays running sample %g times a second together, the daemon's limit (-max-sample-rate; a copy counts one for each 64 KiB): "+
		"ask for a longer interval, or record on an event", e.Max)
}
func (e *SampleRateError) Is(target error) bool { return target == ErrSampleRate }
func (e *SampleRateError) Unwrap() error        { return watch.ErrSampleRate }

// ReserveCopies counts a copy of n bytes every period against the samples a second of res.Samples, as a
// watch's samples count: one for each 64 KiB of it. Past the cap: a *SampleRateError. release gives them back.
func (res *Resources) ReserveCopies(every time.Duration, n int64) (release func(), err error) {
	release, err = res.Samples.Reserve(float64(time.Second) / float64(every) * watch.CopySamples(n))
	if errors.Is(err, watch.ErrSampleRate) {
		return nil, &SampleRateError{Max: res.Samples.MaxSampleRate}
	}
	return release, err
}

// Prepare checks a recording's request and makes its header, its source and its limits: what Store.Start
// takes. The source holds its copies' room in the budget (and, at an interval, in the sample rate) until its
// Close.
func (res *Resources) Prepare(req Request) (Header, Source, Limits, error) {
	interval, lim, err := res.check(req)
	if err != nil {
		return Header{}, Source{}, Limits{}, err
	}
	m, err := res.Registry.MappingToRead(req.Mapping)
	if err != nil {
		return Header{}, Source{}, Limits{}, err
	}
	h := Header{Mapping: m.Name(), Consistency: "none", Started: time.Now()}
	var read func([]byte) ([]byte, uint64, error)
	if id := req.Layout; req.Offset == nil && req.Length == nil && (id != "" || m.Layout() != "") {
		read, err = res.layoutFrames(&h, m, id)
	} else {
		read, err = rangeBytes(&h, m, req.Offset, req.Length)
	}
	if err != nil {
		return Header{}, Source{}, Limits{}, err
	}
	if h.Length > MaxLength {
		return Header{}, Source{}, Limits{}, invalid("%d bytes: a recording keeps at most %d bytes a frame (record a range: offset and length)", h.Length, MaxLength)
	}
	src, err := res.source(&h, m, read, req.Event, interval)
	if err != nil {
		return Header{}, Source{}, Limits{}, err
	}
	return h, src, lim, nil
}

// check checks what a request says before its mapping is looked up: its interval, and its limits.
func (res *Resources) check(req Request) (time.Duration, Limits, error) {
	var lim Limits
	raw := req.Offset != nil || req.Length != nil
	switch {
	case req.Mapping == "":
		return 0, lim, invalid("name the mapping to record: mapping")
	case raw && req.Layout != "":
		return 0, lim, invalid("give layout (its frames) or offset and length (a range of bytes), not both")
	case req.Interval != "" && req.Event != "":
		return 0, lim, invalid("give interval or event, not both")
	case req.MaxBytes < 0:
		return 0, lim, invalid("max_bytes must be positive")
	}
	interval := DefaultInterval
	if req.Interval != "" {
		d, err := (watch.Intervals{Min: res.MinInterval, Max: res.MaxInterval}).Parse(req.Interval)
		if err != nil {
			return 0, lim, invalid("%v", err)
		}
		interval = d
	}
	if req.MaxDuration != "" {
		d, err := time.ParseDuration(req.MaxDuration)
		if err != nil || d <= 0 {
			return 0, lim, invalid("max_duration must be a positive duration: 30s, 10m, 2h")
		}
		lim.MaxDuration = d
	}
	lim.MaxBytes = req.MaxBytes
	return interval, lim, nil
}

// layoutFrames fills in h for a recording of m's frames by the saved layout id ("": m's default), and
// answers how a frame is read: by the layout's protocol, with its counter.
func (res *Resources) layoutFrames(h *Header, m *registry.Mapping, id string) (func([]byte) ([]byte, uint64, error), error) {
	l, id, err := view.Of(res.Layouts, m, id)
	if err != nil {
		return nil, err
	}
	e, err := res.Layouts.Get(id) // deleted since: not found
	if err != nil {
		return nil, err
	}
	if h.LayoutImports, err = layoutImports(res.Layouts, e.Source); err != nil {
		return nil, err
	}
	p, err := res.Plans.Plan(m, l, "")
	if err != nil {
		return nil, err
	}
	if p.Frame.Lock != nil {
		p.Frame.LockTimeout = LockTimeout
	}
	version, _, _ := p.FrameVersion()
	h.Layout, h.LayoutSource, h.Length, h.Consistency, h.Counter = id, string(e.Source), p.Frame.N, p.Protocol(), version != nil
	o := p.Frame
	return func(buf []byte) ([]byte, uint64, error) {
		o.Into = buf
		f, err := m.ReadFrame(context.Background(), o)
		if err != nil {
			return nil, 0, err
		}
		var c uint64
		if version != nil {
			c, _ = version(f)
		}
		return f.Bytes, c, nil
	}, nil
}

// rangeBytes fills in h for a recording of m's bytes from off (nil: 0), n of them (nil: to its end), and
// answers how they are read.
func rangeBytes(h *Header, m *registry.Mapping, offset, length *int64) (func([]byte) ([]byte, uint64, error), error) {
	off, n := int64(0), m.Size()
	if offset != nil {
		off = *offset
	}
	n -= off
	if length != nil {
		n = *length
	}
	if off < 0 || n <= 0 {
		return nil, invalid("offset must be 0 or more and length 1 or more")
	}
	if err := m.CheckRange("record", off, n); err != nil {
		return nil, err
	}
	h.Offset, h.Length = off, n
	return func(buf []byte) ([]byte, uint64, error) { return buf, 0, m.Sample(buf, off) }, nil
}

// source is the recording's source: read into a buffer of its own, sampled at each firing of the held event
// named (h.Event), or else at interval (h.Interval); its copies' room reserved until its Close.
func (res *Resources) source(h *Header, m *registry.Mapping, read func([]byte) ([]byte, uint64, error), event string, interval time.Duration) (Source, error) {
	release, err := res.Budget.Reserve(CopiesPerByte * h.Length)
	if err != nil {
		return Source{}, err
	}
	src := Source{Closing: m.Done(), Close: release,
		Lost: func(err error) bool {
			return errors.Is(err, registry.ErrInconsistent) || errors.Is(err, registry.ErrTimeout)
		}}
	buf := make([]byte, h.Length)
	src.Read = func() ([]byte, uint64, error) { return read(buf) }
	if event != "" {
		e, err := res.Event(event)
		if err != nil {
			release()
			return Source{}, err
		}
		ob, err := e.Observer()
		if err != nil {
			release()
			return Source{}, err
		}
		h.Event = e.Name()
		src.Next, src.Close = firstAtOnce(ob.Next), func() { ob.Close(); release() }
		return src, nil
	}
	h.Interval = interval
	unrate, err := res.ReserveCopies(interval, h.Length) // its copies count as a watch's samples
	if err != nil {
		release()
		return Source{}, err
	}
	t := time.NewTicker(interval)
	src.Next = firstAtOnce(func(halt <-chan struct{}) (bool, error) {
		select {
		case <-halt:
			return false, nil
		case <-t.C:
			return true, nil
		}
	})
	src.Close = func() { t.Stop(); unrate(); release() }
	return src, nil
}

// firstAtOnce is next, but for its first call, which is at once: a recording begins with the frame as it is.
func firstAtOnce(next func(<-chan struct{}) (bool, error)) func(<-chan struct{}) (bool, error) {
	first := true
	return func(halt <-chan struct{}) (bool, error) {
		if first {
			first = false
			return true, nil
		}
		return next(halt)
	}
}
