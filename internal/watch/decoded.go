package watch

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"time"
	"unsafe"

	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/jsontext"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
)

// Decoding makes a source a decoded one: each sample is one consistent frame (read by the layout's protocol),
// decoded by the layout once, and its JSON encoded once for every subscriber. The first message is a snapshot
// of the selected fields; then a fields message carries only what changed (the patch of jsondiff.go).
type Decoding struct {
	Layout *layout.Layout
	ID     string                // the layout's id, named in every message
	Fields string                // the selection as asked (?fields=): part of what makes two sources one
	Sel    *layout.Selection     // Fields, parsed
	Frame  registry.FrameOptions // how a frame is copied: its N bytes, its protocol
	// FrameVersion reads the frame's counter (the seqlock's, the ring's newest tick, the frame field); nil when the
	// layout has none. Step is how far it moves per frame (2 for a single seqlock counter, else 1).
	FrameVersion func(registry.Frame) (uint64, bool)
	Step         uint64
	// Same: an unchanged FrameVersion means an unchanged frame (a seqlock, a frame field), so the sample is not
	// decoded at all.
	Same bool
	// MaxJSON caps a frame's decoded JSON.
	MaxJSON int
}

// DecodingOf is the decoding a plan makes: the layout id names, the fields as asked (fields, parsed in the
// plan), the frame's copy and how the plan's frames are counted.
func DecodingOf(p view.Plan, id, fields string) *Decoding {
	d := &Decoding{Layout: p.Layout, ID: id, Fields: fields, Sel: p.Selection, Frame: p.Frame, MaxJSON: view.MaxJSON}
	d.FrameVersion, d.Step, d.Same = p.FrameVersion()
	return d
}

// decodedState is what a decoded sampler keeps between samples.
type decodedState struct {
	frame, spare []byte // the last frame, and the buffer the next is copied into
	json, next   []byte // the last frame's JSON, and the buffer of the next
	tree, prev   jtree  // the trees of json and of the one before (prev: the next one's, once swapped)
	patch        []byte
	held         int64 // bytes of the budget the JSON buffers and trees hold

	version    uint64 // of the last frame
	hasVersion bool
	sent       uint64 // the version the last message was of
	hasSent    bool
	failing    string        // why the last sample failed ("" when it decoded): said once, not every sample
	err        error         // and the error itself
	cost       time.Duration // what the last sample's decode took (0: it did not decode): see backOff
	tornSince  time.Time     // when the samples began to find no untorn frame (zero: the last one did)
}

// tornFor is how long a decoded source's samples may find no untorn frame before the stream says so: one
// sample that could not get one is a producer mid-write at a bad moment, not news.
const tornFor = time.Second

// ErrBudgetSpent is a decoded sample whose JSON the budget has no room for: it is a budget.ErrBusy.
var ErrBudgetSpent error = budgetSpent{}

type budgetSpent struct{}

func (budgetSpent) Error() string {
	return "the daemon's memory budget (-max-buffered) has no room for this stream's decoded fields now"
}
func (budgetSpent) Is(target error) bool { return target == budget.ErrBusy }

// startDecoded takes a decoded sampler's first frame: an error here (a frame that does not decode) fails the
// subscription.
func (s *sampler) startDecoded() error {
	d := s.src.Decode
	s.dec.frame, s.dec.spare = make([]byte, d.Frame.N), make([]byte, d.Frame.N)
	f, err := s.readFrame()
	if err != nil {
		return err
	}
	if err := s.decodeInto(f); err != nil {
		return err
	}
	s.swapFrame(f)
	s.dec.sent, s.dec.hasSent = s.dec.version, s.dec.hasVersion
	return nil
}

func (s *sampler) readFrame() (registry.Frame, error) {
	o := s.src.Decode.Frame
	o.Into = s.dec.spare
	return s.src.Mapping.ReadFrame(context.Background(), o)
}

// decodeInto decodes f into the next buffers (json and tree stay the last frame's), taking what they grow by
// from the budget.
func (s *sampler) decodeInto(f registry.Frame) error {
	d := s.src.Decode
	v, err := view.Decode(context.Background(), d.Layout, f.Bytes)
	if err != nil {
		return err
	}
	made := int64(v.Output()) // what the decode made is the budget's while it is encoded
	if !s.hub.take(made) {
		return ErrBudgetSpent
	}
	defer s.hub.give(made)
	out, err := v.AppendJSONCharged(s.dec.next[:0], d.Sel, d.MaxJSON, s.chargeJSON)
	if err != nil {
		s.dec.next = out // grown and charged: kept for the next frame
		return err
	}
	s.dec.next = out
	if err := s.dec.prev.parse(out); err != nil {
		return err
	}
	need := int64(cap(s.dec.json)+cap(s.dec.next)+2*cap(s.dec.patch)) +
		int64(cap(s.dec.tree.nodes)+cap(s.dec.prev.nodes))*int64(unsafe.Sizeof(jnode{}))
	if need > s.dec.held {
		if !s.hub.take(need - s.dec.held) {
			return ErrBudgetSpent
		}
		s.cost += need - s.dec.held
		s.dec.held = need
	}
	return nil
}

// chargeJSON takes what the JSON buffer grows by from the budget, before it grows: held, as the rest of it.
func (s *sampler) chargeJSON(n int64) error {
	if !s.hub.take(n) {
		return ErrBudgetSpent
	}
	s.cost += n
	s.dec.held += n
	return nil
}

// swapFrame makes the frame just decoded the last one.
func (s *sampler) swapFrame(f registry.Frame) {
	s.dec.frame, s.dec.spare = f.Bytes, s.dec.frame
	s.dec.json, s.dec.next = s.dec.next, s.dec.json
	s.dec.tree, s.dec.prev = s.dec.prev, s.dec.tree
	s.dec.version, s.dec.hasVersion = 0, false
	if v := s.src.Decode.FrameVersion; v != nil {
		s.dec.version, s.dec.hasVersion = v(f)
	}
}

// sampleDecoded reads and decodes a frame and sends the fields that changed. A frame that cannot be read
// consistently or decoded is said once (an error message) and the stream goes on; the first good one after
// it comes as a snapshot. Only the mapping's close ends the source.
func (s *sampler) sampleDecoded() error {
	d := s.src.Decode
	f, err := s.readFrame()
	switch {
	case errors.Is(err, registry.ErrClosed):
		return err
	case errors.Is(err, registry.ErrInconsistent):
		// A producer mid-write past the read's retries (a busy machine): the next sample will do. Said only
		// once it lasts (a producer stuck mid-write, or one that never pauses), and then once.
		if s.dec.tornSince.IsZero() {
			s.dec.tornSince = timeNow()
		}
		if timeNow().Sub(s.dec.tornSince) >= tornFor {
			s.failed(err)
		}
		return nil
	case err != nil:
		s.failed(err)
		return nil
	}
	s.dec.tornSince = time.Time{}
	s.dec.spare = f.Bytes
	if s.dec.failing == "" {
		if d.FrameVersion != nil && d.Same && s.dec.hasVersion {
			if v, ok := d.FrameVersion(f); ok && v == s.dec.version {
				return nil // the producer has not written since
			}
		}
		if bytes.Equal(f.Bytes, s.dec.frame) {
			return nil // the same bytes decode the same
		}
	}
	begun := time.Now()
	defer func() { s.dec.cost = max(time.Since(begun), 1) }() // the decode, its JSON and its patch
	if err := s.decodeInto(f); err != nil {
		s.failed(err)
		return nil
	}
	now := timeNow()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.swapFrame(f)
	if s.dec.failing != "" { // back from a failure: every subscriber starts again from a snapshot
		s.dec.failing = ""
		s.newState(now)
		for sub := range s.subs {
			sub.resync(s)
		}
		return nil
	}
	patch, changed := appendPatch(s.dec.patch[:0], &s.dec.prev, &s.dec.tree)
	s.dec.patch = patch
	if !changed {
		return nil
	}
	s.newState(now)
	h := header{typ: "fields", seq: s.seq, at: s.at}
	s.versionHeader(&h)
	if s.dec.hasVersion && s.dec.hasSent && s.dec.version >= s.dec.sent {
		frames := (s.dec.version - s.dec.sent) / max(d.Step, 1)
		h.frames = &frames
	}
	s.dec.sent, s.dec.hasSent = s.dec.version, s.dec.hasVersion
	s.fanOut(s.build(h, payload{fields: patch}))
	return nil
}

// failed says err to every subscriber, once for as long as it lasts. Torn reads are one failure however their
// details (how many copies, in how long) vary from sample to sample.
func (s *sampler) failed(err error) {
	why := err.Error()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec.failing == why || s.dec.failing != "" && errors.Is(err, registry.ErrInconsistent) && errors.Is(s.dec.err, registry.ErrInconsistent) {
		return
	}
	s.dec.failing, s.dec.err = why, err
	s.newState(timeNow())
	h := header{typ: "error", seq: s.seq, at: s.at}
	s.versionHeader(&h)
	s.fanOut(s.build(h, payload{errJSON: errorJSON(err, s.hub.problemKind), none: true}))
}

// versionHeader puts the layout and the frame's version in h.
func (s *sampler) versionHeader(h *header) {
	h.layout = s.src.Decode.ID
	if s.dec.hasVersion {
		v := s.dec.version
		h.version = &v
	}
}

// errorJSON is err as the error member of an error message: its detail, its kind (the problem type the same
// failure of a request would be: kind names it), and where a decode failed (or the field a version check
// found another version in).
func errorJSON(err error, kind func(error) string) []byte {
	b := []byte(`{"detail":`)
	b = jsontext.AppendString(b, []byte(err.Error()))
	b = append(b, `,"kind":`...)
	b = jsontext.AppendString(b, []byte(kind(err)))
	if de := (*layout.DecodeError)(nil); errors.As(err, &de) {
		b = append(b, `,"path":`...)
		b = jsontext.AppendString(b, []byte(de.Path))
		b = append(b, `,"offset":`...)
		b = strconv.AppendInt(b, int64(de.Offset), 10)
	}
	if ve := (*view.VersionError)(nil); errors.As(err, &ve) {
		b = append(b, `,"path":`...)
		b = jsontext.AppendString(b, []byte(ve.Field))
	}
	return append(b, '}')
}
