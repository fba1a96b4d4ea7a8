// Package watch pushes the changes of mappings to subscribers. One sampler per watched source (a mapping's
// range, sampled at an interval or when an event fires, in one format) compares each sample with the one
// before, encodes the changed byte runs once, and hands the encoded message to every subscriber of that source:
// the cost of watching grows with what is watched, not with how many watch it.
//
// A subscriber that falls behind never slows a sampler or the other subscribers, and never makes memory grow:
// its queue is bounded, and once it overflows the subscriber gets, instead of the changes it missed, a fresh
// snapshot of each source's current state (latest state wins). Every byte a sampler or a message holds comes
// out of the hub's Budget, for as long as anyone holds it: a stalled stream's unsent message too.
//
// This package knows nothing of HTTP: a stream (package api) writes what Subscriber.Next returns.
package watch

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Format is how a source's bytes travel in messages.
type Format string

const (
	Base64  Format = "base64"
	Hex     Format = "hex"
	UTF8    Format = "utf-8"    // the text up to the first NUL, whole, whenever it changes
	UTF16LE Format = "utf-16le" // the same, decoded from UTF-16LE
)

func (f Format) text() bool { return f == UTF8 || f == UTF16LE }

// Source is what one sampler watches: a mapping's range, sampled every Interval or, with Event set, each time
// the event fires; or, with no Mapping, the event's firings themselves (signal messages).
type Source struct {
	Mapping  *registry.Mapping
	Off, N   int64
	Interval time.Duration
	Event    *registry.Event
	Format   Format
	// Lock, if set, is a named mutex held around each sample's copy (a raw source's ?lock=).
	Lock        *registry.Mutex
	LockTimeout time.Duration
	// Full sends the whole range in every change message instead of the changed runs.
	Full bool
	// Decode, if set, makes the source a decoded one: each sample a consistent frame decoded by a layout, its
	// messages the decoded fields (Off, N and Format are not used).
	Decode *Decoding
	// Frames, if set, makes each sample of a stream of bytes one consistent frame, copied by a layout's protocol
	// (Off is 0, N the frame's size): a sample that finds every copy torn is skipped.
	Frames *Framing
}

// Framing is how a stream of bytes copies its frames: a layout's protocol.
type Framing struct {
	Layout *layout.Layout // the layout they are planned by: part of what makes two sources one
	Frame  registry.FrameOptions
}

// key is what makes two sources one: subscribers of equal keys share a sampler.
type key struct {
	mapping     *registry.Mapping
	off, n      int64
	interval    time.Duration
	event       *registry.Event
	format      Format
	lock        *registry.Mutex
	lockTimeout time.Duration
	full        bool
	layout      *layout.Layout
	fields      string
	frames      *layout.Layout
}

func (src Source) key() key {
	k := key{src.Mapping, src.Off, src.N, src.Interval, src.Event, src.Format, src.Lock, src.LockTimeout, src.Full, nil, "", nil}
	if src.Frames != nil {
		k.frames = src.Frames.Layout
	}
	if d := src.Decode; d != nil {
		k.layout, k.fields, k.off, k.n, k.format = d.Layout, d.Fields, 0, 0, ""
	}
	return k
}

// Budget is the memory the hub's samplers and messages are taken from (the daemon's -max-buffered, shared
// with every other copy a request makes).
type Budget interface {
	// Take reserves n bytes, or fails at once when they are not free.
	Take(n int64) error
	// Give returns n bytes Take reserved.
	Give(n int64)
}

// Errors of Subscribe: the hub's caps.
var (
	ErrTooManyWatchers = errors.New("watch: too many watchers")
	ErrTooManySamplers = errors.New("watch: too many samplers")
	ErrSampleRate      = errors.New("watch: sample rate over the limit")
)

// Hub holds the samplers of every watched source. The zero value is not usable: see New.
type Hub struct {
	// MaxWatchers caps the subscribers at once (0: no cap).
	MaxWatchers int
	// MaxSamplers caps the samplers at once, that is the distinct sources watched (0: no cap).
	MaxSamplers int
	// MaxSampleRate caps the samples per second of every interval sampler together (0: no cap): each costs
	// 1/Interval. Samplers driven by an event cost nothing of it (the event sets their pace, and a quiet one
	// wakes nobody).
	MaxSampleRate float64
	// QueueLen and QueueBytes are how many messages, and bytes of them, a subscriber may have waiting (at
	// least one) before it is resynchronised with snapshots instead.
	QueueLen   int
	QueueBytes int
	// Budget, if set, is what samplers and messages take their memory from; nil takes from nothing.
	Budget Budget
	// ProblemKind names the problem type of a sample's failure (the kind of an error message: what the same
	// failure of a request is); nil: "internal" for all.
	ProblemKind func(error) string
	// Retry is how soon a subscriber whose snapshot could not be made (the budget was spent) tries again.
	Retry time.Duration
	// DecodeShare is the part of one core the decoded samplers together may spend decoding (0: 0.5): after a
	// decode that took d, a decoded sampler samples again no sooner than d × (decoded samplers running) ÷
	// DecodeShare from its start, however short its interval.
	DecodeShare float64

	mu       sync.Mutex
	running  sync.WaitGroup // the samplers' goroutines
	samplers map[key]*sampler
	starting map[key]*starting // samplers taking their first sample
	watchers int
	rate     float64 // samples per second of the running interval samplers
	reserved float64 // samples per second reserved besides them (Reserve: recordings, replays)
	decoders int     // decoded samplers running

	decodes    atomic.Int64 // decodes of the decoded samplers after their first
	decodeTime atomic.Int64 // what they took, in nanoseconds

	behind   atomic.Int64 // times a subscriber fell behind and was resynchronised
	overruns atomic.Int64 // samples that took longer than their interval
	starved  atomic.Int64 // messages not made because the budget was spent
}

// New returns an empty hub.
func New() *Hub {
	return &Hub{samplers: make(map[key]*sampler), starting: make(map[key]*starting), QueueLen: 64, QueueBytes: 1 << 20, Retry: 100 * time.Millisecond}
}

// Behind is how many times a subscriber fell behind (its queue full) and got snapshots instead of changes.
func (h *Hub) Behind() int64 { return h.behind.Load() }

// Overruns is how many samples took longer than their source's interval (the next one then comes late).
func (h *Hub) Overruns() int64 { return h.overruns.Load() }

// Starved is how many messages were not made, or made later, because the budget was spent.
func (h *Hub) Starved() int64 { return h.starved.Load() }

// Subscribe subscribes to sources, each starting with a snapshot of its current state. Close the subscriber
// when done.
func (h *Hub) Subscribe(sources []Source) (*Subscriber, error) {
	sub := &Subscriber{hub: h, ready: make(chan struct{}, 1), pending: make(map[*sampler]bool),
		closed: make(map[*sampler]string), sent: make(map[*sampler]uint64)}
	h.mu.Lock()
	if h.MaxWatchers > 0 && h.watchers >= h.MaxWatchers {
		h.mu.Unlock()
		return nil, ErrTooManyWatchers
	}
	h.watchers++
	h.mu.Unlock()
	for _, src := range sources {
		if err := h.join(sub, src); err != nil {
			sub.Close()
			return nil, err
		}
	}
	return sub, nil
}

// starting is a sampler taking its first sample outside h.mu (a decoded one's first decode can take a second):
// who subscribes to the same source meanwhile waits for it rather than starting another.
type starting struct {
	done chan struct{}
	err  error // why it did not start
}

// join adds sub to src's running sampler, or starts one.
func (h *Hub) join(sub *Subscriber, src Source) error {
	k := src.key()
	h.mu.Lock()
	for {
		// Looked up and joined under one lock: a sampler found here cannot be stopped by its last subscriber
		// leaving before this one has joined it.
		if s, ok := h.samplers[k]; ok {
			sub.joinLocked(s)
			h.mu.Unlock()
			return nil
		}
		st, ok := h.starting[k]
		if !ok {
			return h.start(sub, src)
		}
		h.mu.Unlock()
		<-st.done
		if st.err != nil {
			return st.err
		}
		h.mu.Lock() // started: joined on the next turn (or, stopped already, started again)
	}
}

// joinLocked adds sub to s, once (a source may be asked for twice). h.mu is held.
func (sub *Subscriber) joinLocked(s *sampler) {
	if !slices.Contains(sub.samplers, s) {
		sub.samplers = append(sub.samplers, s)
		s.add(sub)
	}
}

// start starts src's sampler for sub, its first sample taken outside h.mu (so that a bad source fails here);
// its place in the caps is held meanwhile. h.mu is held on entry and released.
func (h *Hub) start(sub *Subscriber, src Source) error {
	k := src.key()
	rate, err := h.admitLocked(src)
	if err != nil {
		h.mu.Unlock()
		return err
	}
	st := &starting{done: make(chan struct{})}
	h.starting[k] = st
	h.mu.Unlock()
	s, err := newSampler(h, src)
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.starting, k)
	st.err = err
	close(st.done) // the waiters go on once h.mu is free: s is in h.samplers by then
	if err != nil {
		h.unrateLocked(rate)
		return err
	}
	s.rate = rate
	if src.Decode != nil {
		h.decoders++
	}
	h.samplers[k] = s
	sub.joinLocked(s)
	h.running.Add(1)
	go func() {
		defer h.running.Done()
		s.run()
	}()
	return nil
}

// Close ends every sampler still running (its subscribers hear ReasonShutdown) and waits for all the hub's
// goroutines to return. Subscribe after Close is not allowed.
func (h *Hub) Close() {
	h.mu.Lock()
	running := slices.Collect(maps.Values(h.samplers))
	h.mu.Unlock()
	for _, s := range running {
		s.end(ReasonShutdown)
	}
	h.running.Wait()
}

// admitLocked counts one more sampler of src against MaxSamplers and MaxSampleRate, and answers the rate it
// counts. h.mu is held.
func (h *Hub) admitLocked(src Source) (float64, error) {
	if h.MaxSamplers > 0 && len(h.samplers)+len(h.starting) >= h.MaxSamplers {
		return 0, ErrTooManySamplers
	}
	var rate float64
	if src.Event == nil && src.Interval > 0 {
		rate = float64(time.Second) / float64(src.Interval)
	}
	if h.overRateLocked(rate) {
		return 0, ErrSampleRate
	}
	h.rate += rate
	return rate, nil
}

// unrateLocked gives back a sampler's rate. h.mu is held.
func (h *Hub) unrateLocked(rate float64) {
	h.rate -= rate
	if len(h.samplers) == 0 && len(h.starting) == 0 {
		h.rate = 0 // no float drift left behind
	}
}

// Watchers is how many subscribers the hub serves now.
func (h *Hub) Watchers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.watchers
}

// Samplers is how many samplers run now.
func (h *Hub) Samplers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.samplers)
}

// forgetLocked drops s from the running samplers, if it is still there. h.mu is held.
func (h *Hub) forgetLocked(s *sampler) bool {
	if h.samplers[s.src.key()] != s {
		return false
	}
	delete(h.samplers, s.src.key())
	h.unrateLocked(s.rate)
	if s.src.Decode != nil {
		h.decoders--
	}
	return true
}

// overRateLocked: rate more samples a second would be over MaxSampleRate. h.mu is held.
func (h *Hub) overRateLocked(rate float64) bool {
	return h.MaxSampleRate > 0 && rate > 0 && h.rate+h.reserved+rate > h.MaxSampleRate
}

// Reserve counts rate samples a second against MaxSampleRate for something that samples besides the hub's
// samplers (a recording, a replay): ErrSampleRate past it. release gives them back (once).
func (h *Hub) Reserve(rate float64) (release func(), err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.overRateLocked(rate) {
		return nil, ErrSampleRate
	}
	h.reserved += rate
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.reserved -= rate; h.reserved < 1e-9 {
				h.reserved = 0 // no float drift left behind
			}
		})
	}, nil
}

// CopyBytesPerSample is how many bytes of a copy count as one sample against MaxSampleRate for a recording or
// a replay (CopySamples).
const CopyBytesPerSample = 64 << 10

// CopySamples is what one sample that copies n bytes counts against MaxSampleRate: one for every 64 KiB or
// part of it (a 16 MiB range counts 256).
func CopySamples(n int64) float64 {
	return float64(max(1, (n+CopyBytesPerSample-1)/CopyBytesPerSample))
}

// Decodes is how many frames the decoded samplers decoded after their first, and DecodeTime what that took.
func (h *Hub) Decodes() int64 { return h.decodes.Load() }

// DecodeTime is the time the decoded samplers spent decoding (Decodes).
func (h *Hub) DecodeTime() time.Duration { return time.Duration(h.decodeTime.Load()) }

// decodeWait is how long after the start of a decode that took cost its sampler waits to sample again.
func (h *Hub) decodeWait(cost time.Duration) time.Duration {
	h.mu.Lock()
	n := max(h.decoders, 1)
	h.mu.Unlock()
	share := h.DecodeShare
	if share <= 0 {
		share = 0.5
	}
	return time.Duration(float64(cost) * float64(n) / share)
}

// take reserves n bytes of the budget; false (and counted) when it is spent.
func (h *Hub) take(n int64) bool {
	if h.Budget == nil || n == 0 {
		return true
	}
	if h.Budget.Take(n) != nil {
		h.starved.Add(1)
		return false
	}
	return true
}

func (h *Hub) give(n int64) {
	if h.Budget != nil && n > 0 {
		h.Budget.Give(n)
	}
}

// SamplerCost is the memory a sampler of n bytes in format f needs to run at all: its two samples, the
// scratch space of a text format, and one snapshot message. A source whose cost is more than the whole
// budget can never be watched.
func SamplerCost(n int64, f Format) int64 { return sampleCost(n, f) + maxPayload(n, f) }

// Cost is the memory src's sampler needs to run at all (SamplerCost, DecodedCost).
func (src Source) Cost() int64 {
	if src.Decode != nil {
		return DecodedCost(src.Decode.Frame.N)
	}
	return SamplerCost(src.N, src.Format)
}

// DecodedCost is the memory a decoded sampler of frames of n bytes needs to start: its two frames (what its
// decoded JSON takes is taken from the budget as it grows).
func DecodedCost(n int64) int64 { return 2 * n }

// problemKind is the kind an error message gives err.
func (h *Hub) problemKind(err error) string {
	if h.ProblemKind == nil {
		return "internal"
	}
	return h.ProblemKind(err)
}

// Intervals bound the interval a source is sampled at: from Min (-min-watch-interval) to Max.
type Intervals struct{ Min, Max time.Duration }

// Parse reads an interval ("10ms", "1s") within the bounds; an error says what is allowed.
func (b Intervals) Parse(text string) (time.Duration, error) {
	d, err := time.ParseDuration(text)
	if err != nil || d <= 0 || d < b.Min || d > b.Max {
		return 0, fmt.Errorf("interval must be a duration from %s (-min-watch-interval) to %s: 10ms, 100ms, 1s", b.Min, b.Max)
	}
	return d, nil
}
