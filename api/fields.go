package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
)

// The field handlers decode a mapping by a layout: one consistent private copy of the bytes the layout needs
// (by its protocol: seqlock, ring, mutex; through the pin and the fault guard), then a decode of the copy.

// FrameVersionHeader says what version of the producer's data a decoded answer is of: the seqlock's counter,
// the ring's tick, or the layout's frame field. (Shmbridge-Version, its old name, is sent too.)
const FrameVersionHeader = "Shmbridge-Frame-Version"

// WarningHeader carries what a read by a layout likely gets wrong (view.Warnings): on a decoded answer, and on
// a raw read of a mapping that has a default layout. One header line per warning, each an RFC 8941 string with
// the field it is about as a parameter: "timestamp (f8) is at offset 5, …";field="timestamp". Printable ASCII
// only (anything else is "?"), each at most maxWarningHeader bytes.
const WarningHeader = "Shmbridge-Warning"

const maxWarningHeader = 400

// LayoutWarning is something a layout likely decodes wrong (a decoded stream's warnings message, a
// Shmbridge-Warning header): the field it is about (none: the layout as a whole) and what is likely missing.
type LayoutWarning struct {
	Field  string `json:"field,omitempty" example:"timestamp"`
	Detail string `json:"detail" validate:"required" example:"timestamp (f8) is at offset 5, which a C compiler would not choose for an 8-byte number: 3 bytes of padding are likely missing after mode"`
}

// layoutWarnings are ws as the API says them.
func layoutWarnings(ws []layout.Warning) []LayoutWarning {
	out := make([]LayoutWarning, len(ws))
	for i, w := range ws {
		out[i] = LayoutWarning{Field: w.Field, Detail: w.Detail}
	}
	return out
}

// setWarnings puts ws in h as WarningHeader lines.
func setWarnings(h http.Header, ws []layout.Warning) {
	for _, w := range ws {
		v := sfString(w.Detail, maxWarningHeader)
		if w.Field != "" {
			v += ";field=" + sfString(w.Field, maxWarningHeader)
		}
		h.Add(WarningHeader, v)
	}
}

// sfString is s as an RFC 8941 string, its text at most max bytes (a longer one cut, ending in "..."): quoted,
// \ and " escaped, what is not printable ASCII as "?".
func sfString(s string, max int) string {
	if len(s) > max {
		s = s[:max-3] + "..."
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20 || r > 0x7e:
			b = append(b, '?')
		default:
			b = append(b, byte(r))
		}
	}
	return string(append(b, '"'))
}

// jsonBuffers keep /fields answers' buffers between requests (a poll of a struct makes one every time).
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// readFields godoc
//
//	@Summary		Read a mapping's fields, decoded by a layout
//	@ID				readFields
//	@Description	The mapping decoded by the layout `layout` (or the mapping's default layout) as JSON: exactly the layout's
//	@Description	attributes, nested types as objects, arrays as arrays; integers exact, floats as numbers (NaN and ±Inf as
//	@Description	null), raw bytes as base64, b1 as booleans, enums by member name (an unknown value: its integer);
//	@Description	attributes whose `if` is false are absent. `fields=a.b,c[2]` answers only those paths, nested as they
//	@Description	are (an array with only some items selected has null for the others). The bytes are copied once, by
//	@Description	the layout's consistency protocol, then decoded: the headers say how. A layout whose fixed size is larger
//	@Description	than the mapping is 422 before anything is read; one that likely decodes the bytes wrong (smaller than the
//	@Description	mapping, a number where a C compiler would not put it: padding missing) is decoded, and says so in
//	@Description	Shmbridge-Warning headers, one per warning, each an RFC 8941 string with the field as a parameter
//	@Description	(`"timestamp (f8) is at offset 5, …";field="timestamp"`). The body is the layout's fields only. A frame
//	@Description	that fails one of the layout's version checks (`meta/-shmbridge/version`) is not decoded: 422
//	@Description	`version-mismatch`, naming the field, the version the layout describes and the one the memory holds.
//	@Tags			fields
//	@Param			name			path	string	true	"Mapping name, percent-encoded"
//	@Param			layout			query	string	false	"Layout id (default: the mapping's layout)"
//	@Param			fields			query	string	false	"Comma-separated field paths: a.b,c[2]"
//	@Param			access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: no layout, a bad fields list"
//	@Failure		404	{object}	Problem	"not-found: the mapping, the layout, or the layout's mutex or spinlock (its producer does not run)"
//	@Failure		409	{object}	Problem	"read-only: the daemon holds the layout's spinlock mapping opened with access read"
//	@Failure		413	{object}	Problem	"decoded-too-large: the JSON would be over 16 MiB; too-large: a layout of no fixed size over a mapping of more than 64 MiB"
//	@Failure		422	{object}	Problem	"decode-failed: the data does not fit the layout (see path, offset), or the layout's fixed size is larger than the mapping, or its spinlock's words than the lock's mapping; version-mismatch: the memory holds another version than the layout describes (see path)"
//	@Failure		423	{object}	Problem	"locked: the layout's mutex stayed held"
//	@Failure		503	{object}	Problem	"inconsistent: no untorn copy within the retries, or the spinlock stayed taken (see Retry-After); busy"
//	@Produce		json
//	@Success		200	{object}	object
//	@Header			200	{string}	Shmbridge-Consistency	"How the frame was read: seqlock, ring, mutex, spinlock, frame or none"
//	@Header			200	{integer}	Shmbridge-Retries		"Torn copies thrown away (a spinlock: tries that found it taken)"
//	@Header			200	{integer}	Shmbridge-Frame-Version	"The seqlock counter, the ring's tick, or the frame field, the copy is of"
//	@Header			200	{integer}	Shmbridge-Version		"Deprecated: the same as Shmbridge-Frame-Version (its old name)"
//	@Header			200	{integer}	Shmbridge-Ring-Buffer	"The ring buffer the copy is good for"
//	@Header			200	{string}	Shmbridge-Warning		"What the layout likely decodes wrong: one per warning, an RFC 8941 string with a field parameter"
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
//	@Description	imports name saved layouts. Its warnings come as GET …/fields's do (Shmbridge-Warning).
//	@Tags			fields
//	@Param			name		path	string	true	"Mapping name, percent-encoded"
//	@Param			fields		query	string	false	"Comma-separated field paths: a.b,c[2]"
//	@Param			struct		query	string	false	"With a C header (required): the struct to decode (see PUT /v1/layouts/{id})"
//	@Param			abi			query	string	false	"With a C header: the ABI whose layout rules apply"	Enums(windows-amd64, windows-386, linux-amd64, linux-arm64)
//	@Param			encoding	query	string	false	"With a C header: the encoding of char[N] strings (default UTF-8)"
//	@Param			layout		body	string	true	"The .ksy, or a C header (Content-Type: text/x-c)"
//	@Accept			application/yaml,json,text/x-c
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-layout (see errors), invalid-request"
//	@Failure		404	{object}	Problem	"not-found"
//	@Failure		413	{object}	Problem	"too-large, decoded-too-large"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		422	{object}	Problem	"decode-failed (see path, offset; or the layout is larger than the mapping), version-mismatch (see path)"
//	@Failure		503	{object}	Problem	"inconsistent (see Retry-After), busy"
//	@Produce		json
//	@Success		200	{object}	object
//	@Header			200	{string}	Shmbridge-Warning	"What the layout likely decodes wrong: one per warning, an RFC 8941 string with a field parameter"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/decode [post]
func (s *server) decodeMapping(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	body, err := readLayoutBody(w, r, "")
	if err != nil {
		return err
	}
	l, err := s.layouts.CompileContext(r.Context(), body.ksy) // a client that leaves stops it
	if err != nil {
		return err
	}
	return s.decodeAndAnswer(w, r, m, l)
}

func (s *server) decodeAndAnswer(w http.ResponseWriter, r *http.Request, m *registry.Mapping, l *layout.Layout) error {
	p, err := s.plans.Plan(m, l, queryOf(r).Get("fields"))
	if err != nil {
		return err
	}
	p.Frame.Waiting = s.waiting(w, r)
	f, release, err := p.Read(r.Context(), s.budget)
	if err != nil {
		return err
	}
	defer release()
	c := s.budget.NewCharge()
	defer c.Release()
	bp := jsonBuffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 1<<20 { // a huge answer's buffer goes to the collector, not back to the pool
			jsonBuffers.Put(bp)
		}
	}()
	out, err := p.AppendJSON(r.Context(), (*bp)[:0], f, c) // a client that leaves stops the decode
	*bp = out
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Shmbridge-Consistency", p.Protocol())
	if p.Counted() || p.Protocol() == "spinlock" {
		h.Set("Shmbridge-Retries", strconv.Itoa(f.Retries))
	}
	if v, ok := p.FrameVersionOf(f); ok {
		h.Set(FrameVersionHeader, strconv.FormatUint(v, 10))
		h.Set("Shmbridge-Version", h.Get(FrameVersionHeader)) // its old name, kept for the scripts that read it
	}
	if f.Buffer >= 0 {
		h.Set("Shmbridge-Ring-Buffer", strconv.Itoa(f.Buffer))
	}
	setWarnings(h, p.Warnings)
	s.abandoned(w, p.Frame.Lock, f.Abandoned)
	out = append(out, '\n')
	*bp = out
	_, err = w.Write(out)
	return err
}

// layoutFor is the layout a request names (?layout=), or the mapping's default.
func (s *server) layoutFor(r *http.Request, m *registry.Mapping) (*layout.Layout, error) {
	l, _, err := view.Of(s.layouts, m, queryOf(r).Get("layout"))
	return l, err
}

// patchFields godoc
//
//	@Summary		Write fields of a mapping by a layout
//	@ID				patchFields
//	@Description	A JSON object of new values for fields at fixed offsets, nested as GET …/fields answers (integers, floats,
//	@Description	booleans and bit fields — their bytes read, changed and written —, enums by member name, fixed-size
//	@Description	strings padded as the layout says, raw bytes as base64). Written by the layout's protocol, as a producer
//	@Description	writes: a seqlock's counter odd around the write, a begin/end pair bumped before and after, its mutex
//	@Description	or its spinlock held. A computed field, one placed by the data, or a value that does not fit is 400
//	@Description	naming the field. Memory of another version than the layout describes (its version checks) is not written: 422.
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
//	@Failure		422	{object}	Problem	"decode-failed: the layout's fixed size is larger than the mapping, or its spinlock's words than the lock's mapping; version-mismatch: the memory holds another version than the layout describes (see path)"
//	@Failure		423	{object}	Problem	"locked"
//	@Failure		503	{object}	Problem	"inconsistent: the layout's spinlock stayed taken (see Retry-After)"
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
	if err := view.CheckMapping(m, l); err != nil {
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
	p, err := s.plans.Plan(m, l, "")
	if err != nil {
		return err
	}
	o := registry.WriteFrameOptions{Seqlock: p.Frame.Seqlock, Begin: p.Frame.Begin, End: p.Frame.End,
		Lock: p.Frame.Lock, LockTimeout: p.Frame.LockTimeout, Waiting: s.waiting(w, r),
		Spinlock: p.Frame.Spinlock, Deadline: p.Frame.Deadline, Retries: p.Frame.Retries}
	for _, e := range edits {
		o.Edits = append(o.Edits, registry.Edit{Off: int64(e.Offset), Bytes: e.Bytes})
	}
	abandoned, err := m.WriteFrame(r.Context(), o)
	if err != nil {
		return err
	}
	s.abandoned(w, o.Lock, abandoned)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
