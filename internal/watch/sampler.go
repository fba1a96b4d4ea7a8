package watch

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/spans"
	"golang.org/x/text/encoding/unicode"
)

// Reasons a source ends, in its closed message (besides the text of an error that ended it).
const (
	ReasonClosed      = "closed"       // the watched mapping, or a watched event, was closed (DELETE)
	ReasonEventClosed = "event-closed" // the event that triggers the samples was closed; the mapping is still held
	ReasonShutdown    = "shutdown"     // the daemon is stopping (Hub.Close)
)

// sampler samples one source and fans its changes out.
type sampler struct {
	hub      *Hub
	src      Source
	name     string             // of the mapping, or of the event of a signal source
	observer *registry.Observer // of src.Event
	stop     chan struct{}      // closed when the last subscriber leaves, or the source ended
	stopOnce sync.Once
	cost     int64   // of the budget, for cur, prev and scratch
	rate     float64 // samples per second it counts in the hub's rate

	mu      sync.Mutex
	subs    map[*Subscriber]struct{}
	seq     uint64
	at      time.Time // when cur was sampled
	cur     []byte    // the last sample
	prev    []byte
	scratch []byte   // UTF-16 text decoded to UTF-8
	snap    *Message // cur as a snapshot message (the sampler's hold on it), built once when asked for
	spans   []spans.Span
	closed  string // why the source ended; "" while it runs
	halted  bool
	dec     decodedState // a decoded source's
}

var timeNow = time.Now

// sampleCost is what a sampler of n bytes holds for as long as it runs.
func sampleCost(n int64, f Format) int64 {
	c := 2 * n
	if f == UTF16LE {
		c += n / 2 * 3
	}
	return c
}

// maxPayload is the most a message's data can take for n watched bytes: base64 4/3 of them, hex 2×, text up
// to 6× (every byte escaped as \u00XX), plus room for the header.
func maxPayload(n int64, f Format) int64 {
	const room = 4096
	switch f {
	case Hex:
		return 2*n + room
	case UTF8:
		return 6*n + room
	case UTF16LE:
		return 3*n + room
	}
	return (n+2)/3*4 + room
}

// newSampler takes a sampler's memory from the budget and its first sample, so that a bad source fails here.
func newSampler(h *Hub, src Source) (*sampler, error) {
	s := &sampler{hub: h, src: src, subs: make(map[*Subscriber]struct{}), stop: make(chan struct{})}
	switch {
	case src.Decode != nil:
		s.name = src.Mapping.Name()
		s.cost = DecodedCost(src.Decode.Frame.N)
		if h.Budget != nil && s.cost > 0 {
			if err := h.Budget.Take(s.cost); err != nil {
				return nil, err
			}
		}
	case src.Mapping != nil:
		s.name = src.Mapping.Name()
		s.cost = sampleCost(src.N, src.Format)
		if h.Budget != nil && s.cost > 0 {
			if err := h.Budget.Take(s.cost); err != nil {
				return nil, err
			}
		}
		s.cur, s.prev = make([]byte, src.N), make([]byte, src.N)
		if src.Format == UTF16LE {
			s.scratch = make([]byte, 0, src.N/2*3)
		}
	default:
		s.name = src.Event.Name()
	}
	fail := func(err error) (*sampler, error) {
		h.give(s.cost)
		if s.observer != nil {
			s.observer.Close()
		}
		return nil, err
	}
	if src.Event != nil {
		ob, err := src.Event.Observer()
		if err != nil {
			return fail(err)
		}
		s.observer = ob
	}
	switch {
	case src.Decode != nil:
		if err := s.startDecoded(); err != nil {
			return fail(err)
		}
	case src.Mapping != nil:
		if err := s.read(s.cur); err != nil {
			return fail(err)
		}
	}
	s.at = time.Now()
	return s, nil
}

// read copies the watched range into p (under the source's mutex, if it has one).
func (s *sampler) read(p []byte) error {
	if f := s.src.Frames; f != nil {
		o := f.Frame
		o.N, o.Into = int64(len(p)), p
		_, err := s.src.Mapping.ReadFrame(context.Background(), o)
		return err
	}
	if s.src.Lock == nil {
		return s.src.Mapping.Sample(p, s.src.Off)
	}
	_, err := s.src.Mapping.SampleUnder(context.Background(), s.src.Lock, s.src.LockTimeout, p, s.src.Off)
	return err
}

func (s *sampler) run() {
	defer func() { s.hub.give(s.cost) }() // what it holds then: a decoded one's grows
	var halt <-chan struct{} = s.stop
	if s.src.Mapping != nil {
		halt = s.hub.either(s.stop, s.src.Mapping.Done())
		defer s.src.Mapping.Watch()() // the mapping says it is watched while this runs
	}
	var next func() (bool, error) // waits for the time of the next sample: true; false when halted
	if s.observer != nil {
		defer s.observer.Close()
		next = func() (bool, error) { return s.observer.Next(halt) }
	} else {
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
		switch {
		case err != nil:
			s.end(s.endReason(err))
			return
		case !ok:
			select {
			case <-s.stop: // the last subscriber left
			default:
				s.end(ReasonClosed) // the mapping's close began
			}
			return
		}
		start := time.Now()
		if err := s.sample(); err != nil {
			s.end(s.endReason(err))
			return
		}
		if s.src.Interval > 0 && time.Since(start) > s.src.Interval {
			s.hub.overruns.Add(1)
		}
		s.backOff(halt)
	}
}

// backOff holds a decoded sampler back after a sample it decoded: its next sample comes no sooner than
// Hub.decodeWait of the decode's cost after the decode began, so that the decoded samplers together spend at
// most the hub's DecodeShare of a core decoding, whatever their intervals and layouts.
func (s *sampler) backOff(halt <-chan struct{}) {
	cost := s.dec.cost
	if cost <= 0 {
		return
	}
	s.dec.cost = 0
	s.hub.decodes.Add(1)
	s.hub.decodeTime.Add(int64(cost))
	wait := s.hub.decodeWait(cost) - cost // from the decode's end
	if wait <= s.src.Interval {
		return // the interval holds it back enough
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-halt:
	case <-t.C:
	}
}

// endReason is what the closed message says of err: the trigger event's close is not the mapping's.
func (s *sampler) endReason(err error) string {
	switch {
	case !errors.Is(err, registry.ErrClosed):
		return err.Error()
	case s.src.Mapping != nil && s.src.Event != nil && !s.src.Mapping.Closing():
		return ReasonEventClosed
	}
	return ReasonClosed
}

// either is closed when a or b is (its goroutine is the hub's: Close waits for it).
func (h *Hub) either(a, b <-chan struct{}) <-chan struct{} {
	c := make(chan struct{})
	h.running.Add(1)
	go func() {
		defer h.running.Done()
		select {
		case <-a:
		case <-b:
		}
		close(c)
	}()
	return c
}

// sample reads the source and sends what changed to every subscriber; for a signal source, it sends the signal.
func (s *sampler) sample() error {
	switch {
	case s.src.Mapping == nil:
		s.signal()
		return nil
	case s.src.Decode != nil:
		return s.sampleDecoded()
	}
	if err := s.read(s.prev); err != nil {
		if s.src.Frames != nil && errors.Is(err, registry.ErrInconsistent) {
			return nil // a producer mid-write past the read's retries: the next sample will do
		}
		return err
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prev, s.cur = s.cur, s.prev // cur is the new sample now
	s.spans = spans.Diff(s.prev, s.cur, s.spans)
	if len(s.spans) == 0 {
		return nil
	}
	s.newState(now)
	s.fanOut(s.change())
	return nil
}

// newState counts a new state of the source, seen at now. s.mu is held.
func (s *sampler) newState(now time.Time) {
	s.seq++
	s.at = now
	s.dropSnap()
	s.src.Mapping.Changed(now)
}

// fanOut hands m (nil: the budget had no room for it) to every subscriber. s.mu is held.
func (s *sampler) fanOut(m *Message) {
	for sub := range s.subs {
		if m != nil {
			sub.deliver(s, m)
		} else {
			sub.resync(s) // no room for the change now: a snapshot later carries it
		}
	}
	if m != nil {
		m.Release() // the sampler's own hold: the queues hold it now
	}
}

// signal sends a signal message: the event fired.
func (s *sampler) signal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.at = time.Now()
	s.dropSnap()
	s.snap = s.build(header{typ: "signal", seq: s.seq, at: s.at}, payload{none: true}) // the latest signal
	for sub := range s.subs {
		sub.deliver(s, s.snap)
	}
}

func (s *sampler) dropSnap() {
	if s.snap != nil {
		s.snap.Release()
		s.snap = nil
	}
}

// end sends closed to every subscriber and forgets the sampler, once: the first reason stands.
func (s *sampler) end(reason string) {
	s.hub.mu.Lock()
	s.hub.forgetLocked(s)
	s.hub.mu.Unlock()
	s.halt()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed != "" {
		return
	}
	s.closed = reason
	for sub := range s.subs {
		sub.end(s, reason)
	}
}

// add subscribes sub; the hub's lock is held (see Subscribe).
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
	if last && s.hub.forgetLocked(s) {
		s.halt()
	}
}

// halt stops the sampler's goroutine (which gives back the samples' memory as it returns) and drops its
// snapshot.
func (s *sampler) halt() {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.mu.Lock()
		s.halted = true
		s.dropSnap()
		s.mu.Unlock()
	})
}

// snapshot is the current state as a snapshot message (built once per state), held for the caller; for a
// signal source, its last signal (nil if it never fired). nil also when the budget has no room for it now.
func (s *sampler) snapshot() *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.snap != nil || s.halted:
	case s.src.Decode != nil:
		h := header{typ: "snapshot", seq: s.seq, at: s.at}
		s.versionHeader(&h)
		if s.dec.failing != "" { // a subscriber that joins a failing source hears why first
			h.typ = "error"
			s.snap = s.build(h, payload{errJSON: errorJSON(s.dec.err, s.hub.problemKind), none: true})
		} else {
			s.snap = s.build(h, payload{fields: s.dec.json})
		}
	case s.src.Mapping != nil:
		s.snap = s.build(header{typ: "snapshot", seq: s.seq, at: s.at, offset: &s.src.Off}, s.whole())
	}
	if s.snap == nil {
		return nil
	}
	return s.snap.retain()
}

// whole is the current sample as a payload: its bytes, or its text.
func (s *sampler) whole() payload {
	if s.src.Format.text() {
		return payload{format: s.src.Format, data: s.text(), asText: true}
	}
	return payload{format: s.src.Format, data: s.cur}
}

// change is the last sample's change message: the changed runs, or the whole text (text travels whole).
func (s *sampler) change() *Message {
	h := header{typ: "change", seq: s.seq, at: s.at}
	switch {
	case s.src.Format.text():
		return s.build(h, s.whole())
	case s.src.Full:
		h.offset = &s.src.Off
		return s.build(h, s.whole())
	}
	return s.build(h, payload{format: s.src.Format, data: s.cur, spans: s.spans, base: s.src.Off})
}

// closedMessage says a source ended. It carries no bytes: it needs no budget, and is always made.
func (s *sampler) closedMessage(reason string) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.build(header{typ: "closed", seq: s.seq, at: time.Now(), reason: reason}, payload{none: true})
}

// text is the current sample's text up to its first NUL code unit, as UTF-8 (UTF-16 decoded into scratch,
// which holds the most a decoding can make: 3 bytes for each 2).
func (s *sampler) text() []byte {
	b := s.cur
	if s.src.Format == UTF8 {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			return b[:i]
		}
		return b
	}
	end := len(b) &^ 1
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			end = i
			break
		}
	}
	dec := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	n, _, _ := dec.Transform(s.scratch[:cap(s.scratch)], b[:end], true)
	return s.scratch[:n]
}
