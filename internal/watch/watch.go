// Package watch pushes the changes of mappings to subscribers. One sampler per watched source (a mapping's
// range, sampled at an interval or when an event fires, in one format) compares each sample with the one
// before, encodes the changed byte runs once, and hands the encoded message to every subscriber of that source:
// the cost of watching grows with what is watched, not with how many watch it.
//
// A subscriber that falls behind never slows a sampler or the other subscribers, and never makes memory grow:
// its queue is bounded, and once it overflows the subscriber gets, instead of the changes it missed, a fresh
// snapshot of each source's current state (latest state wins).
//
// This package knows nothing of HTTP: a stream (package api) writes what Subscriber.Next returns.
package watch

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/shm"
	"golang.org/x/text/encoding/unicode"
)

// Format is how a source's bytes travel in messages.
type Format string

const (
	Base64  Format = "base64"
	Hex     Format = "hex"
	UTF8    Format = "utf-8"    // the text up to the first NUL, whole, whenever it changes
	UTF16LE Format = "utf-16le" // the same, decoded from UTF-16LE
)

// Source is what one sampler watches: a mapping's range, sampled every Interval or, with Event set, each time
// the event fires; or, with no Mapping, the event's firings themselves (signal messages).
type Source struct {
	Mapping  *registry.Mapping
	Off, N   int64
	Interval time.Duration
	Event    *registry.Event
	Format   Format
}

// Message is one message of a stream, its data encoded once for all the subscribers it goes to.
type Message struct {
	Type string // snapshot, change, closed, signal
	Data string // JSON

	from *sampler
	seq  uint64
}

// ErrTooManyWatchers: the hub serves MaxWatchers subscribers already.
var ErrTooManyWatchers = errors.New("watch: too many watchers")

// Hub holds the samplers of every watched source. The zero value is not usable: see New.
type Hub struct {
	// MaxWatchers caps the subscribers at once (0: no cap).
	MaxWatchers int
	// QueueLen and QueueBytes are how many messages, and bytes of them, a subscriber may have waiting (at
	// least one) before it is resynchronised with snapshots instead.
	QueueLen   int
	QueueBytes int
	// Reserve, if set, is asked for the memory of each new sampler of n watched bytes (its samples and the
	// messages it encodes); its error refuses the subscription. The returned func gives it back.
	Reserve func(n int64) (release func(), err error)

	mu       sync.Mutex
	samplers map[Source]*sampler
	watchers int

	behind   atomic.Int64 // times a subscriber fell behind and was resynchronised
	overruns atomic.Int64 // samples that took longer than their interval
}

// Behind is how many times a subscriber fell behind (its queue full) and got snapshots instead of changes.
func (h *Hub) Behind() int64 { return h.behind.Load() }

// Overruns is how many samples took longer than their source's interval (the next one then comes late).
func (h *Hub) Overruns() int64 { return h.overruns.Load() }

// New returns an empty hub.
func New() *Hub {
	return &Hub{samplers: make(map[Source]*sampler), QueueLen: 64, QueueBytes: 1 << 20}
}

// Subscribe subscribes to sources, each starting with a snapshot of its current state. Close the subscriber
// when done.
func (h *Hub) Subscribe(sources []Source) (*Subscriber, error) {
	h.mu.Lock()
	if h.MaxWatchers > 0 && h.watchers >= h.MaxWatchers {
		h.mu.Unlock()
		return nil, ErrTooManyWatchers
	}
	h.watchers++
	h.mu.Unlock()
	sub := &Subscriber{hub: h, ready: make(chan struct{}, 1), pending: make(map[*sampler]bool),
		closed: make(map[*sampler]string)}
	for _, src := range sources {
		s, err := h.sampler(src)
		if err != nil {
			sub.Close()
			return nil, err
		}
		if slices.Contains(sub.samplers, s) {
			continue // the same source twice
		}
		sub.samplers = append(sub.samplers, s)
		s.add(sub)
	}
	return sub, nil
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

// sampler returns the running sampler of src, or starts one (taking its first sample now, so that a bad
// source fails here).
func (h *Hub) sampler(src Source) (*sampler, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.samplers[src]; ok {
		return s, nil
	}
	release := func() {}
	if h.Reserve != nil && src.N > 0 {
		var err error
		if release, err = h.Reserve(SamplerCost(src.N)); err != nil {
			return nil, err
		}
	}
	s := &sampler{hub: h, src: src, subs: make(map[*Subscriber]struct{}), stop: make(chan struct{}),
		cur: make([]byte, src.N), prev: make([]byte, src.N), release: release}
	if src.Event != nil {
		ob, err := src.Event.Observer()
		if err != nil {
			release()
			return nil, err
		}
		s.observer = ob
	}
	if src.Mapping != nil {
		if err := s.read(s.cur); err != nil {
			release()
			return nil, err
		}
	}
	s.at = time.Now()
	h.samplers[src] = s
	go s.run()
	return s, nil
}

// sampler samples one source and fans its changes out.
type sampler struct {
	hub      *Hub
	src      Source
	observer *shm.Observer // of src.Event
	stop     chan struct{} // closed when the last subscriber leaves, or the source ended
	stopOnce sync.Once
	release  func() // gives back what Hub.Reserve gave

	mu     sync.Mutex
	subs   map[*Subscriber]struct{}
	seq    uint64
	at     time.Time // when cur was sampled
	cur    []byte    // the last sample
	prev   []byte
	snap   *Message // cur as a snapshot message, built once when asked for
	spans  []span
	closed string // why the source ended; "" while it runs
}

func (s *sampler) read(p []byte) error {
	if err := s.src.Mapping.Pin(); err != nil {
		return err
	}
	defer s.src.Mapping.Unpin()
	_, err := s.src.Mapping.ReadAt(p, s.src.Off)
	return err
}

func (s *sampler) run() {
	var halt <-chan struct{} = s.stop
	if s.src.Mapping != nil {
		halt = either(s.stop, s.src.Mapping.Done())
	}
	// next waits for the time of the next sample: true; false when halted.
	next := func() (bool, error) { return s.observer.Next(halt) }
	if s.observer == nil {
		t := time.NewTicker(s.src.Interval)
		defer t.Stop()
		next = func() (bool, error) {
			select {
			case <-halt:
				return false, nil
			case <-t.C:
				return true, nil
			}
		}
	}
	for {
		ok, err := next()
		if err == nil && ok {
			start := time.Now()
			err = s.sample()
			if s.src.Interval > 0 && time.Since(start) > s.src.Interval {
				s.hub.overruns.Add(1)
			}
		}
		switch {
		case err != nil:
			s.end(endReason(err))
			return
		case !ok:
			select {
			case <-s.stop: // the last subscriber left
			default:
				s.end("closed") // the mapping's close began
			}
			return
		}
	}
}

// either is closed when a or b is.
func either(a, b <-chan struct{}) <-chan struct{} {
	c := make(chan struct{})
	go func() {
		select {
		case <-a:
		case <-b:
		}
		close(c)
	}()
	return c
}

func endReason(err error) string {
	if errors.Is(err, shm.ErrClosed) {
		return "closed"
	}
	return err.Error()
}

// sample reads the source and sends what changed to every subscriber; for a signal source, it sends the signal.
func (s *sampler) sample() error {
	if s.src.Mapping == nil {
		s.signal()
		return nil
	}
	if err := s.read(s.prev); err != nil {
		return err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prev, s.cur = s.cur, s.prev // cur is the new sample now
	s.spans = diff(s.prev, s.cur, s.spans)
	if len(s.spans) == 0 {
		return nil
	}
	s.seq++
	s.at, s.snap = now, nil
	s.src.Mapping.Changed(now)
	m := s.change()
	for sub := range s.subs {
		sub.deliver(s, m)
	}
	return nil
}

// signal sends a signal message: the event fired.
func (s *sampler) signal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.at = time.Now()
	s.snap = &Message{Type: "signal", Data: marshal(s.header()), from: s, seq: s.seq} // the latest signal
	for sub := range s.subs {
		sub.deliver(s, s.snap)
	}
}

// end sends closed to every subscriber and forgets the sampler.
func (s *sampler) end(reason string) {
	s.hub.mu.Lock()
	if s.hub.samplers[s.src] == s {
		delete(s.hub.samplers, s.src)
	}
	s.hub.mu.Unlock()
	s.halt()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = reason
	for sub := range s.subs {
		sub.end(s, reason)
	}
}

func (s *sampler) add(sub *Subscriber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[sub] = struct{}{}
	switch {
	case s.closed != "":
		sub.end(s, s.closed)
	case s.src.Mapping != nil:
		sub.resync(s) // its first message is a snapshot; a signal source has none: it starts with the next signal
	}
}

// remove unsubscribes sub; the last one out stops the sampler.
func (s *sampler) remove(sub *Subscriber) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.mu.Lock()
	delete(s.subs, sub)
	last := len(s.subs) == 0
	s.mu.Unlock()
	if last && s.hub.samplers[s.src] == s {
		delete(s.hub.samplers, s.src)
		s.halt()
	}
}

func (s *sampler) halt() { s.stopOnce.Do(func() { close(s.stop); s.release() }) }

// SamplerCost is the memory a sampler of n bytes holds at most: two samples, and a snapshot and a change
// message (base64: 4/3 of the bytes each).
func SamplerCost(n int64) int64 { return 2*n + 2*(n+2)/3*4 }

// snapshot is the current state as a snapshot message (built once per state); for a signal source, its last
// signal (nil if it never fired).
func (s *sampler) snapshot() *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap == nil && s.src.Mapping != nil {
		d := s.header()
		d.Offset = &s.src.Off
		s.encode(&d, s.cur)
		s.snap = &Message{Type: "snapshot", Data: marshal(d), from: s, seq: s.seq}
	}
	return s.snap
}

// change is the last sample's change message.
func (s *sampler) change() *Message {
	d := s.header()
	if s.src.Format == UTF8 || s.src.Format == UTF16LE {
		s.encode(&d, s.cur) // text travels whole
	} else {
		d.Spans = make([]spanData, len(s.spans))
		for i, sp := range s.spans {
			d.Spans[i] = spanData{Offset: s.src.Off + int64(sp.off), Data: encodeBytes(s.src.Format, s.cur[sp.off:sp.off+sp.n])}
		}
	}
	return &Message{Type: "change", Data: marshal(d), from: s, seq: s.seq}
}

// data is the JSON of snapshot, change and closed messages.
type data struct {
	Mapping string     `json:"mapping,omitempty"`
	Event   string     `json:"event,omitempty"`
	Seq     uint64     `json:"seq"`
	At      string     `json:"at"`
	Offset  *int64     `json:"offset,omitempty"`
	Data    *string    `json:"data,omitempty"`
	Text    *string    `json:"text,omitempty"`
	Spans   []spanData `json:"spans,omitempty"`
	Reason  string     `json:"reason,omitempty"`
}

type spanData struct {
	Offset int64  `json:"offset"`
	Data   string `json:"data"`
}

func (s *sampler) header() data {
	d := data{Seq: s.seq, At: s.at.UTC().Format(time.RFC3339Nano)}
	if s.src.Mapping != nil {
		d.Mapping = s.src.Mapping.Name()
	} else {
		d.Event = s.src.Event.Name()
	}
	return d
}

func (s *sampler) encode(d *data, b []byte) {
	switch s.src.Format {
	case UTF8, UTF16LE:
		t := decodeText(s.src.Format, b)
		d.Text = &t
	default:
		e := encodeBytes(s.src.Format, b)
		d.Data = &e
	}
}

func encodeBytes(f Format, b []byte) string {
	if f == Hex {
		return hex.EncodeToString(b)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// decodeText decodes b up to its first NUL code unit.
func decodeText(f Format, b []byte) string {
	if f == UTF8 {
		for i, c := range b {
			if c == 0 {
				b = b[:i]
				break
			}
		}
		return string(b)
	}
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			b = b[:i]
			break
		}
	}
	t, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Bytes(b[:len(b)&^1])
	return string(t)
}

func marshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("watch: %v", err)) // only strings and numbers: cannot fail
	}
	return string(b)
}

// closedMessage says a source ended.
func (s *sampler) closedMessage(reason string) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.header()
	d.At, d.Reason = time.Now().UTC().Format(time.RFC3339Nano), reason
	return &Message{Type: "closed", Data: marshal(d), from: s, seq: s.seq}
}
