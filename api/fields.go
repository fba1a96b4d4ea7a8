package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// The field handlers decode a mapping by a layout: one consistent private copy of the bytes the layout needs
// (by its protocol: seqlock, ring, mutex; through the pin and the fault guard), then a decode of the copy.

// Bounds of a frame read: a seqlock or ring read gives up after frameDeadline or frameRetries torn copies,
// whichever comes first (503 inconsistent): longer than a 60 Hz producer's period, so a reader that arrives
// mid-write finds the next gap even on a busy machine.
const (
	frameDeadline = 25 * time.Millisecond
	frameRetries  = 100000
	// maxDecodedJSON caps a /fields answer.
	maxDecodedJSON = 16 << 20
)

// jsonBuffers keep /fields answers' buffers between requests (a poll of a struct makes one every time).
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// fieldsPlan is a read of fields, parsed and checked.
type fieldsPlan struct {
	mapping *registry.Mapping
	layout  *layout.Layout
	sel     *layout.Selection
	frame   registry.FrameOptions
}

// readFields godoc
//
//	@Summary		Read a mapping's fields, decoded by a layout
//	@ID				readFields
//	@Description	The mapping decoded by the layout `layout` (or the mapping's default layout) as JSON: exactly the layout's
//	@Description	attributes, nested types as objects, arrays as arrays; integers exact, floats as numbers (NaN and ±Inf as
//	@Description	null), raw bytes as base64, b1 as booleans, enums by member name (an unknown value: its integer);
//	@Description	attributes whose `if` is false are absent. `fields=a.b,c[2]` answers only those paths, nested as they
//	@Description	are (an array with only some items selected has null for the others). The bytes are copied once, by
//	@Description	the layout's consistency protocol, then decoded: the headers say how.
//	@Tags			fields
//	@Param			name	path	string	true	"Mapping name, percent-encoded"
//	@Param			layout	query	string	false	"Layout id (default: the mapping's layout)"
//	@Param			fields	query	string	false	"Comma-separated field paths: a.b,c[2]"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: no layout, a bad fields list"
//	@Failure		404	{object}	Problem	"not-found: the mapping, the layout, or the layout's mutex"
//	@Failure		413	{object}	Problem	"decoded-too-large: the JSON would be over 16 MiB; too-large: a layout of no fixed size over a mapping of more than 64 MiB"
//	@Failure		422	{object}	Problem	"decode-failed: the data does not fit the layout (see path, offset)"
//	@Failure		423	{object}	Problem	"locked: the layout's mutex stayed held"
//	@Failure		503	{object}	Problem	"inconsistent: no untorn copy within the retries (see Retry-After); busy"
//	@Produce		json
//	@Success		200	{object}	object
//	@Header			200	{string}	Shmbridge-Consistency	"How the frame was read: seqlock, ring, mutex, frame or none"
//	@Header			200	{integer}	Shmbridge-Retries		"Torn copies thrown away"
//	@Header			200	{integer}	Shmbridge-Version		"The seqlock counter, the ring's tick, or the frame field, the copy is of"
//	@Header			200	{integer}	Shmbridge-Ring-Buffer	"The ring buffer the copy is good for"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/fields [get]
func (s *server) readFields(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	l, err := s.layoutFor(r, m)
	if err != nil {
		return err
	}
	return s.decodeAndAnswer(w, r, m, l)
}

// decodeMapping godoc
//
//	@Summary		Decode a mapping by a layout that is not saved
//	@ID				decodeMapping
//	@Description	As GET …/fields, with the .ksy in the body instead of a saved layout's id (for trying a layout). Its
//	@Description	imports name saved layouts.
//	@Tags			fields
//	@Param			name	path	string	true	"Mapping name, percent-encoded"
//	@Param			fields	query	string	false	"Comma-separated field paths: a.b,c[2]"
//	@Param			layout	body	string	true	"The .ksy"
//	@Accept			application/yaml,json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-layout (see errors), invalid-request"
//	@Failure		404	{object}	Problem	"not-found"
//	@Failure		413	{object}	Problem	"too-large, decoded-too-large"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		422	{object}	Problem	"decode-failed (see path, offset)"
//	@Failure		503	{object}	Problem	"inconsistent (see Retry-After), busy"
//	@Produce		json
//	@Success		200	{object}	object
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/decode [post]
func (s *server) decodeMapping(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	src, err := readLayoutSource(w, r)
	if err != nil {
		return err
	}
	l, err := s.layouts.CompileContext(r.Context(), src) // a client that leaves stops it
	if err != nil {
		return err
	}
	return s.decodeAndAnswer(w, r, m, l)
}

func (s *server) decodeAndAnswer(w http.ResponseWriter, r *http.Request, m *registry.Mapping, l *layout.Layout) error {
	p, err := s.planFields(m, l, queryOf(r).Get("fields"))
	if err != nil {
		return err
	}
	p.frame.Waiting = s.waiting(w, r)
	release, err := s.buffers.take(p.frame.N)
	if err != nil {
		return err
	}
	defer release()
	f, err := p.mapping.ReadFrame(r.Context(), p.frame)
	if err != nil {
		return err
	}
	v, err := p.layout.DecodeContext(r.Context(), f.Bytes) // a client that leaves stops it (and AppendJSON's instances)
	if err != nil {
		return err
	}
	// What the decode made (inflated buffers, strings) and the JSON as it grows are the budget's, like the copy.
	c := &charge{b: s.buffers}
	defer c.give()
	if err := c.take(int64(v.Output())); err != nil {
		return err
	}
	bp := jsonBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 1<<20 { // a huge answer's buffer goes to the collector, not back to the pool
			jsonBuffers.Put(bp)
		}
	}()
	out, err := v.AppendJSONCharged((*bp)[:0], p.sel, maxDecodedJSON, c.take)
	if err != nil {
		return err
	}
	*bp = out
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Shmbridge-Consistency", consistencyName(l.Consistency))
	if p.frame.Seqlock != nil || p.frame.Begin != nil || len(p.frame.Ticks) > 0 {
		h.Set("Shmbridge-Retries", strconv.Itoa(f.Retries))
		h.Set("Shmbridge-Version", strconv.FormatUint(f.Version, 10))
	}
	if f.Buffer >= 0 {
		h.Set("Shmbridge-Ring-Buffer", strconv.Itoa(f.Buffer))
	}
	if v, ok := frameField(l)(f); ok {
		h.Set("Shmbridge-Version", strconv.FormatUint(v, 10))
	}
	s.abandoned(w, p.frame.Lock, f.Abandoned)
	out = append(out, '\n')
	*bp = out
	_, err = w.Write(out)
	return err
}

func consistencyName(c *layout.Consistency) string {
	switch {
	case c == nil:
		return "none"
	case c.Seqlock != "" || c.Begin != "":
		return "seqlock"
	case c.Ring != nil:
		return "ring"
	case c.Mutex != "":
		return "mutex"
	case c.Frame != "":
		return "frame"
	}
	return "none"
}

// layoutFor is the layout a request names (?layout=), or the mapping's default.
func (s *server) layoutFor(r *http.Request, m *registry.Mapping) (*layout.Layout, error) {
	l, _, err := s.layoutByID(m, queryOf(r).Get("layout"))
	return l, err
}

// layoutByID is the saved layout id, or ("") the mapping's default, and its id.
func (s *server) layoutByID(m *registry.Mapping, id string) (*layout.Layout, string, error) {
	if id == "" {
		if id = m.Layout(); id == "" {
			return nil, "", fail(probInvalidRequest, fmt.Sprintf("no layout for %s: name one with ?layout=ID, or give the mapping a default layout (PATCH /v1/mappings/{name} {\"layout\": ID})", quote(m.Name())))
		}
	}
	e, err := s.layouts.Get(id)
	if err != nil {
		return nil, "", err
	}
	if e.Layout == nil {
		return nil, "", &apiError{ptype: probInvalidLayout, detail: fmt.Sprintf("the saved layout %q does not compile: %v", id, e.Problems), cause: e.Problems}
	}
	return e.Layout, id, nil
}

// planFields decides what to copy (the layout's fixed size, or the whole mapping) and how (its protocol).
func (s *server) planFields(m *registry.Mapping, l *layout.Layout, fields string) (fieldsPlan, error) {
	p := fieldsPlan{mapping: m, layout: l}
	sel, err := layout.ParseSelection(fields)
	if err != nil {
		return p, fail(probInvalidRequest, "fields: "+err.Error())
	}
	p.sel = sel
	size := m.Size()
	n := size
	if l.Prefix >= 0 && int64(l.Prefix) < size {
		n = int64(l.Prefix) // the layout reads only these: the stream is still the mapping's size (see Decode)
	}
	if n > maxLockedCopy {
		return p, fail(probTooLarge, fmt.Sprintf("the layout has no fixed size, so it reads the whole mapping, and %d bytes is over the %d a decode copies", size, maxLockedCopy))
	}
	p.frame = registry.FrameOptions{N: n, Deadline: frameDeadline, Retries: frameRetries}
	c := l.Consistency
	if c == nil {
		return p, nil
	}
	counter := func(path string) (*registry.Counter, error) {
		f, _ := c.Counter(path)
		if int64(f.Offset+f.Size) > n {
			return nil, &layout.DecodeError{Path: path, Offset: f.Offset, Detail: fmt.Sprintf("the counter is past the end of the mapping (%d bytes)", size)}
		}
		return &registry.Counter{Off: int64(f.Offset), Size: f.Size, BigEndian: f.Endian == "be"}, nil
	}
	switch {
	case c.Seqlock != "":
		p.frame.Seqlock, err = counter(c.Seqlock)
	case c.Begin != "":
		if p.frame.Begin, err = counter(c.Begin); err == nil {
			p.frame.End, err = counter(c.End)
		}
	case c.Ring != nil:
		for i := 0; ; i++ {
			path := fmt.Sprintf("%s[%d].%s", c.Ring.Buffers, i, c.Ring.Tick)
			if _, ok := c.Counter(path); !ok {
				break
			}
			t, err := counter(path)
			if err != nil {
				return p, err
			}
			p.frame.Ticks = append(p.frame.Ticks, *t)
		}
	case c.Mutex != "":
		mu, err := s.reg.GetMutex(c.Mutex)
		if errors.Is(err, registry.ErrNotFound) {
			mu, _, err = s.reg.OpenMutex(registry.MutexOptions{Name: c.Mutex, Mode: registry.OpenExisting})
		}
		if err != nil {
			return p, fmt.Errorf("the layout's mutex %s: %w", quote(c.Mutex), err)
		}
		p.frame.Lock, p.frame.LockTimeout = mu, defaultLockTimeout
	}
	return p, err
}

// patchFields godoc
//
//	@Summary		Write fields of a mapping by a layout
//	@ID				patchFields
//	@Description	A JSON object of new values for fields at fixed offsets, nested as GET …/fields answers (integers, floats,
//	@Description	booleans and bit fields — their bytes read, changed and written —, enums by member name, fixed-size
//	@Description	strings padded as the layout says, raw bytes as base64). Written by the layout's protocol, as a producer
//	@Description	writes: a seqlock's counter odd around the write, a begin/end pair bumped before and after, its mutex
//	@Description	held. A computed field, one placed by the data, or a value that does not fit is 400 naming the field.
//	@Tags			fields
//	@Param			name	path	string	true	"Mapping name, percent-encoded"
//	@Param			layout	query	string	false	"Layout id (default: the mapping's layout)"
//	@Param			values	body	object	true	"New values by field"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request (see path)"
//	@Failure		404	{object}	Problem	"not-found"
//	@Failure		409	{object}	Problem	"read-only"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		423	{object}	Problem	"locked"
//	@Success		204	"written"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/fields [patch]
func (s *server) patchFields(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	l, err := s.layoutFor(r, m)
	if err != nil {
		return err
	}
	var values map[string]json.RawMessage
	if err := decodeJSON(w, r, &values); err != nil {
		return err
	}
	if err := m.CheckWrite(0, 0); err != nil {
		return err
	}
	edits, err := l.Encode(values, func(off, n int) ([]byte, error) {
		b := make([]byte, n)
		_, err := m.ReadAt(b, int64(off))
		return b, err
	})
	if err != nil {
		return err
	}
	p, err := s.planFields(m, l, "")
	if err != nil {
		return err
	}
	o := registry.WriteFrameOptions{Seqlock: p.frame.Seqlock, Begin: p.frame.Begin, End: p.frame.End,
		Lock: p.frame.Lock, LockTimeout: p.frame.LockTimeout, Waiting: s.waiting(w, r)}
	for _, e := range edits {
		o.Spans = append(o.Spans, registry.Span{Off: int64(e.Offset), Bytes: e.Bytes})
	}
	abandoned, err := m.WriteFrame(r.Context(), o)
	if err != nil {
		return err
	}
	s.abandoned(w, o.Lock, abandoned)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// frameField reads the layout's frame field from a frame (false: it has none, or the frame is too short).
func frameField(l *layout.Layout) func(registry.Frame) (uint64, bool) {
	c := l.Consistency
	if c == nil || c.Frame == "" {
		return func(registry.Frame) (uint64, bool) { return 0, false }
	}
	fr, ok := c.Counter(c.Frame)
	return func(f registry.Frame) (uint64, bool) {
		if !ok || fr.Offset+fr.Size > len(f.Bytes) {
			return 0, false
		}
		return counterValue(f.Bytes[fr.Offset:fr.Offset+fr.Size], fr.Endian == "be"), true
	}
}

// frameVersion is how a decoded watch counts a layout's frames: the counter's reader (nil: the layout has
// none), how far it moves per frame, and whether an unchanged counter means an unchanged frame.
func frameVersion(l *layout.Layout, o registry.FrameOptions) (version func(registry.Frame) (uint64, bool), step uint64, same bool) {
	fromFrame := func(f registry.Frame) (uint64, bool) { return f.Version, true }
	switch c := l.Consistency; {
	case o.Seqlock != nil:
		return fromFrame, 2, true // odd while written: two steps a frame
	case o.Begin != nil:
		return fromFrame, 1, true
	case len(o.Ticks) > 0:
		return fromFrame, 1, false // a header beside the ring can change while the ticks stand still
	case c != nil && c.Frame != "":
		return frameField(l), 1, true
	}
	return nil, 0, false
}

// counterValue reads an unsigned integer of 1 to 8 bytes.
func counterValue(b []byte, bigEndian bool) uint64 {
	var v uint64
	for i := range b {
		if bigEndian {
			v = v<<8 | uint64(b[i])
		} else {
			v |= uint64(b[i]) << (8 * i)
		}
	}
	return v
}
