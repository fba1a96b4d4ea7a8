package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/cdecl"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/scope"
)

// LayoutSummary is a layout as GET /v1/layouts lists it: what it is and what it reads, not its fields (GET
// /v1/layouts/{id} has them).
type LayoutSummary struct {
	ID string `json:"id" validate:"required" example:"telemetry"`
	// Title is what a person knows the layout by: a catalogue layout's producer's title, else the layout's
	// meta/title; absent if neither.
	Title string `json:"title,omitempty" example:"HWiNFO sensors"`
	// Builtin marks one of the daemon's own layouts (the catalogue of real producers): read-only.
	Builtin bool `json:"builtin,omitempty"`
	// FixedSize is the layout's size in bytes when it does not depend on the data; absent otherwise.
	FixedSize *int `json:"fixed_size,omitempty" example:"56"`
	// Protocol is how a read of it makes one consistent frame, in short (its meta/-shmbridge/consistency):
	// `seqlock: FIELD`, `seqlock: {begin: B, end: E}`, `mutex: NAME`, `frame: FIELD`, `ring: BUFFERS[].TICK`,
	// or `none` (a plain copy). Absent for a layout that does not compile.
	Protocol string `json:"protocol,omitempty" example:"seqlock: seq"`
	// VersionChecks are the checks of the memory's version a frame must pass to be decoded
	// (meta/-shmbridge/version), in short: `version = 9`, `version ≥ 3`, `signature one of 'HWiS', 'DEAD'`.
	VersionChecks []string `json:"version_checks,omitempty" example:"version ≥ 3"`
	// Producer, on a catalogue layout, is the program whose memory it decodes.
	Producer *LayoutProducer `json:"producer,omitempty"`
	// Errors say why a saved file does not compile (then nothing else is set): a file put in the layouts
	// directory by hand, or one whose import was deleted.
	Errors []LayoutError `json:"errors,omitempty"`
}

// LayoutProducer is the program a catalogue layout decodes the memory of.
type LayoutProducer struct {
	Title string `json:"title" validate:"required" example:"HWiNFO sensors"`
	// Mapping is the named mapping the producer creates, the one to open with this layout (the first of
	// Mappings).
	Mapping string `json:"mapping" validate:"required" example:"Global\\HWiNFO_SENS_SM2"`
	// Mappings are the names this layout decodes, the usual one first (one name for each layout of the
	// catalogue today; names a producer makes up as it runs, like a dedicated rFactor 2 server's, are in Notes).
	Mappings []string `json:"mappings" validate:"required" example:"Global\\HWiNFO_SENS_SM2"`
	// Protocol is how the producer keeps a reader from a half-written frame, in its own words.
	Protocol string `json:"protocol,omitempty" example:"mutex: Global\\HWiNFO_SM2_MUTEX"`
	// Version is the producer's version the layout describes, in its own words (version_checks has the
	// checks); absent when the layout checks none.
	Version string `json:"version,omitempty" example:"mVersion = 14"`
	// Notes say how to open it, and what else to know.
	Notes string `json:"notes,omitempty"`
}

// Layout is a saved layout as the API shows it, whole: what the daemon understood of it.
type Layout struct {
	LayoutSummary
	// Fields are the fields at fixed offsets: path, offset, size and type of each (nested types and fixed
	// arrays spelled out, up to 4096).
	Fields []LayoutField `json:"fields" validate:"required"`
	// Consistency is how a read of it makes one consistent frame (meta/-shmbridge/consistency); absent: a
	// plain copy.
	Consistency *Consistency `json:"consistency,omitempty"`
	// Source is the .ksy as saved (GET of one layout only; also the answer to a PUT or a conversion of C).
	Source string `json:"source,omitempty"`
	// CSource is the C header the layout was converted from (GET of one layout only; absent for a .ksy).
	CSource string `json:"c_source,omitempty"`
}

// LayoutField is a field at a fixed offset.
type LayoutField struct {
	Path   string `json:"path" validate:"required" example:"header.speed"`
	Offset int    `json:"offset" validate:"required" example:"8"`
	Size   int    `json:"size" validate:"required" example:"4"`
	// Type is the field's Kaitai type (u4le, f8, b3, str UTF-8, bytes, contents…), with its enum.
	Type string `json:"type" validate:"required" example:"f4le"`
	// Bit and Bits place a bit field inside its bytes.
	Bit  int `json:"bit,omitempty"`
	Bits int `json:"bits,omitempty"`
	// Endian is a number's byte order when the layout fixes it.
	Endian string `json:"endian,omitempty" enums:"le,be"`
}

// LayoutError is one problem of a layout: the key's path in the document, its line, what is wrong.
type LayoutError struct {
	Path string `json:"path" validate:"required" example:"/seq/3/process"`
	Line int    `json:"line,omitempty" example:"12"`
	// Column is set for a C header's problems.
	Column int    `json:"column,omitempty" example:"5"`
	Detail string `json:"detail" validate:"required"`
}

// Consistency is how a layout's frames are read whole (the layout's meta/-shmbridge/consistency).
type Consistency struct {
	Seqlock string           `json:"seqlock,omitempty" example:"seq"`
	Begin   string           `json:"begin,omitempty"`
	End     string           `json:"end,omitempty"`
	Mutex   string           `json:"mutex,omitempty"`
	Frame   string           `json:"frame,omitempty"`
	Ring    *ConsistencyRing `json:"ring,omitempty"`
	// Spinlock is a lock word in another mapping, taken around the copy (Le Mans Ultimate's).
	Spinlock *ConsistencySpinlock `json:"spinlock,omitempty"`
}

// ConsistencySpinlock names a spinlock's mapping, the byte offset of its 32-bit lock word (busy) and, when its
// producer has sleepers, the offset of their count (waiters) and the event a release sets for them.
type ConsistencySpinlock struct {
	Mapping string `json:"mapping" validate:"required" example:"LMU_SharedMemoryLockData"`
	Busy    int    `json:"busy" example:"4"`
	Waiters *int   `json:"waiters,omitempty" example:"0"`
	Event   string `json:"event,omitempty" example:"LMU_SharedMemoryLockEvent"`
}

// ConsistencyRing names a ring's fields: buffers (an array of structs with a tick and an offset field) and
// each buffer's length.
type ConsistencyRing struct {
	Buffers string `json:"buffers" validate:"required"`
	Tick    string `json:"tick" validate:"required"`
	Offset  string `json:"offset" validate:"required"`
	Length  string `json:"length" validate:"required"`
	Count   string `json:"count,omitempty"`
}

func layoutErrors(ps layout.Problems) []LayoutError {
	out := make([]LayoutError, len(ps))
	for i, p := range ps {
		out[i] = LayoutError(p)
	}
	return out
}

// summaryOf is the entry as the list shows it.
func summaryOf(e *layout.Entry) LayoutSummary {
	out := LayoutSummary{ID: e.ID, Builtin: e.Builtin}
	if len(e.Problems) > 0 {
		out.Errors = layoutErrors(e.Problems)
	}
	if l := e.Layout; l != nil {
		out.Title, out.Protocol = l.Title, l.Consistency.String()
		if l.Fixed >= 0 {
			out.FixedSize = &l.Fixed
		}
		for i := range l.VersionChecks {
			out.VersionChecks = append(out.VersionChecks, l.VersionChecks[i].String())
		}
	}
	if p, ok := catalogue.Lookup(e.ID); ok && e.Builtin {
		out.Title = p.Title
		out.Producer = &LayoutProducer{Title: p.Title, Mapping: p.Mapping, Mappings: p.Mappings, Protocol: p.Protocol,
			Version: p.Version, Notes: p.Notes}
	}
	return out
}

// layoutOf is the entry whole: its summary, its fields and consistency, and its source if withSource.
func layoutOf(e *layout.Entry, withSource bool) Layout {
	out := Layout{LayoutSummary: summaryOf(e), Fields: []LayoutField{}}
	if l := e.Layout; l != nil {
		for _, f := range l.Fields {
			out.Fields = append(out.Fields, LayoutField{Path: f.Path, Offset: f.Offset, Size: f.Size, Type: f.Type, Bit: f.Bit, Bits: f.Bits, Endian: f.Endian})
		}
		if c := l.Consistency; c != nil {
			out.Consistency = &Consistency{Seqlock: c.Seqlock, Begin: c.Begin, End: c.End, Mutex: c.Mutex, Frame: c.Frame}
			if c.Ring != nil {
				r := ConsistencyRing(*c.Ring)
				out.Consistency.Ring = &r
			}
			if sl := c.Spinlock; sl != nil {
				out.Consistency.Spinlock = &ConsistencySpinlock{Mapping: sl.Mapping, Busy: sl.Busy, Event: sl.Event}
				if sl.Waiters >= 0 {
					out.Consistency.Spinlock.Waiters = &sl.Waiters
				}
			}
		}
	}
	if withSource {
		out.Source, out.CSource = string(e.Source), string(e.C)
	}
	return out
}

// maxLayoutSource caps a .ksy body: as much as the store reads of a file.
const maxLayoutSource = layout.MaxSource

// layoutBody is a layout a request sends: a .ksy, or a C header and the .ksy converted from it.
type layoutBody struct {
	ksy []byte
	c   []byte // nil for a .ksy
}

// cTypes are the media types of a C header.
var cTypes = []string{"text/x-c", "text/x-csrc", "text/x-chdr", "text/x-c++", "text/x-c++src", "text/x-c++hdr"}

// readLayoutBody reads a layout from the body: YAML, JSON (which is YAML), or C (?struct=, ?abi=, ?encoding=),
// converted for the layout id (a C header's layout is named by its struct when id is "").
func readLayoutBody(w http.ResponseWriter, r *http.Request, id string) (layoutBody, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isC := slices.Contains(cTypes, mt)
	switch {
	case isC:
	case mt == "application/yaml", mt == "application/x-yaml", mt == "text/yaml", mt == "text/x-yaml", mt == "application/json":
		if q := queryOf(r); q.Has("struct") || q.Has("abi") || q.Has("encoding") {
			return layoutBody{}, fail(probInvalidRequest, "struct, abi and encoding say how to convert a C header (Content-Type: text/x-c); this body is a .ksy")
		}
	default:
		return layoutBody{}, fail(probUnsupportedType, "a layout is application/yaml (a .ksy), application/json, or text/x-c (a C header, with ?struct=NAME) (curl: -H 'Content-Type: application/yaml' --data-binary @file.ksy)")
	}
	limit := int64(maxLayoutSource)
	if isC {
		limit = cdecl.MaxSource
	}
	src, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return layoutBody{}, fail(probTooLarge, fmt.Sprintf("a layout is at most %d bytes", limit))
		}
		return layoutBody{}, fail(probInvalidRequest, "reading the body: "+err.Error())
	}
	if !isC {
		return layoutBody{ksy: src}, nil
	}
	return convertC(r, id, src)
}

// convertC converts a C header to a .ksy as the request's parameters say.
func convertC(r *http.Request, id string, src []byte) (layoutBody, error) {
	q := queryOf(r)
	o := cdecl.Options{ID: id, Struct: q.Get("struct"), ABI: q.Get("abi"), Encoding: q.Get("encoding")}
	if o.Struct == "" {
		return layoutBody{}, fail(probInvalidRequest, "struct is required with a C header: the name of the struct (or typedef) to decode")
	}
	if o.ABI != "" && !slices.Contains(cdecl.ABIs(), o.ABI) {
		return layoutBody{}, fail(probInvalidRequest, fmt.Sprintf("abi %q is not one of %s", o.ABI, strings.Join(cdecl.ABIs(), ", ")))
	}
	ksy, err := cdecl.Convert(src, o)
	if err != nil {
		return layoutBody{}, err
	}
	return layoutBody{ksy: ksy, c: src}, nil
}

// putLayout godoc
//
//	@Summary		Save a layout
//	@ID				putLayout
//	@Description	The body is a Kaitai Struct .ksy (YAML, or the same as JSON). It is compiled before it is saved: anything
//	@Description	outside the supported subset, a name that resolves to nothing, a type error, is 400 `invalid-layout`
//	@Description	with every problem found (`errors`: path, line, detail). `meta/id` must be the id in the URL. Imports name
//	@Description	other saved layouts by id, or by a Kaitai path ending in one (`/common/vlq_base128_le`, `../foo`). A layout
//	@Description	that imports one not saved yet is kept all the same (201/200, its `errors` saying which) and compiled again
//	@Description	once that one is saved: layouts that import each other are saved one after the other. Kept as ID.ksy in
//	@Description	the layouts directory (-layouts-dir).
//	@Description
//	@Description	Or a C header (`Content-Type: text/x-c`) and `?struct=NAME`: converted to a .ksy laid out as the C
//	@Description	compiler for `?abi=` lays the struct out (padding, packing, bit-fields), kept as ID.ksy with the header
//	@Description	beside it (ID.h); the answer shows the .ksy made (`source`). Its problems are 400 `invalid-layout`,
//	@Description	each with its line and column.
//	@Tags			layouts
//	@Param			id			path	string	true	"Layout id: lower-case letters, digits and _, starting with a letter"
//	@Param			struct		query	string	false	"With a C header (required): the struct, union or typedef to decode"
//	@Param			abi			query	string	false	"With a C header: the ABI whose layout rules apply (default: the ABI of the programs this daemon's OS runs; a Windows game under Proton is windows-amd64)"	Enums(windows-amd64, windows-386, linux-amd64, linux-arm64)
//	@Param			encoding	query	string	false	"With a C header: the encoding of char[N] strings (default UTF-8)"
//	@Param			layout		body	string	true	"The .ksy, or a C header"
//	@Accept			application/yaml,json,text/x-c
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-layout (see errors), invalid-request (the id)"
//	@Failure		409	{object}	Problem	"limit-reached (-max-layouts), built-in (a catalogue layout's id)"
//	@Failure		413	{object}	Problem	"too-large: over 256 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		503	{object}	Problem	"busy: other writes kept changing the layouts it imports (see Retry-After)"
//	@Produce		json
//	@Success		201	{object}	Layout	"saved"
//	@Success		200	{object}	Layout	"replaced"
//	@Security		BearerAuth
//	@Router			/v1/layouts/{id} [put]
func (s *server) putLayout(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	if err := layout.CheckID(id); err != nil {
		return err
	}
	body, err := readLayoutBody(w, r, id)
	if err != nil {
		return err
	}
	put := s.layouts.Put
	if body.c != nil {
		put = func(id string, src []byte) (*layout.Entry, bool, error) {
			return s.layouts.PutConverted(id, src, body.c)
		}
	}
	e, created, err := put(id, body.ksy)
	if err != nil {
		return busyLayouts(err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/layouts/"+e.ID)
	}
	s.log.Info("layout saved", "id", e.ID, "created", created, "from_c", body.c != nil)
	return writeJSON(w, status, layoutOf(e, body.c != nil)) // converted: the answer shows the .ksy made
}

// convertLayout godoc
//
//	@Summary		Convert a C header to a layout, without saving it
//	@ID				convertLayout
//	@Description	For editors: the layout (fields, offsets, sizes) and the .ksy (`source`) a PUT of the same header would
//	@Description	save. Nothing is kept.
//	@Tags			layouts
//	@Param			struct		query	string	true	"The struct, union or typedef to decode"
//	@Param			abi			query	string	false	"The ABI whose layout rules apply (default: the ABI of the programs this daemon's OS runs)"	Enums(windows-amd64, windows-386, linux-amd64, linux-arm64)
//	@Param			encoding	query	string	false	"The encoding of char[N] strings (default UTF-8)"
//	@Param			id			query	string	false	"meta/id of the layout made (default: the struct's name as a layout id)"
//	@Param			header		body	string	true	"The C header"
//	@Accept			text/x-c
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-layout (see errors: line and column), invalid-request"
//	@Failure		413	{object}	Problem	"too-large: over 256 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type: not text/x-c"
//	@Produce		json
//	@Success		200	{object}	Layout	"the layout and its .ksy (source)"
//	@Security		BearerAuth
//	@Router			/v1/layouts/convert [post]
func (s *server) convertLayout(w http.ResponseWriter, r *http.Request) error {
	id := queryOf(r).Get("id")
	if id != "" {
		if err := layout.CheckID(id); err != nil {
			return err
		}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); !slices.Contains(cTypes, mt) {
		return fail(probUnsupportedType, "a conversion takes a C header: Content-Type: text/x-c")
	}
	body, err := readLayoutBody(w, r, id)
	if err != nil {
		return err
	}
	l, err := s.layouts.CompileContext(r.Context(), body.ksy)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, layoutOf(&layout.Entry{ID: l.ID, Source: body.ksy, Layout: l}, true))
}

// listLayouts godoc
//
//	@Summary		List the layouts: the built-in catalogue and the saved ones
//	@ID				listLayouts
//	@Description	The catalogue of real producers' layouts (builtin, read-only: ACC, rFactor 2, HWiNFO, iRacing, each with
//	@Description	its producer: the mapping it decodes, how the producer writes it) and the layouts saved with PUT, by id;
//	@Description	each in short: its title, fixed size, protocol and version checks. Its fields, consistency and source
//	@Description	are on GET /v1/layouts/{id}.
//	@Tags			layouts
//	@Param			access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce		application/problem+json
//	@Produce		json
//	@Success		200	{array}	LayoutSummary
//	@Security		BearerAuth
//	@Router			/v1/layouts [get]
func (s *server) listLayouts(w http.ResponseWriter, r *http.Request) error {
	list := s.layouts.List()
	if g := grantOf(r); g != nil && g.Scope == scope.Read {
		list = slices.DeleteFunc(list, func(e *layout.Entry) bool { return !s.layoutVisible(g, e.ID) })
	}
	return writeList(w, list, summaryOf)
}

// getLayout godoc
//
//	@Summary	Show one layout, with its source
//	@ID			getLayout
//	@Tags		layouts
//	@Param		id				path	string	true	"Layout id"
//	@Param		access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-request: not a layout id"
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Layout
//	@Security	BearerAuth
//	@Router		/v1/layouts/{id} [get]
func (s *server) getLayout(w http.ResponseWriter, r *http.Request) error {
	e, err := s.layouts.Get(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, layoutOf(e, true))
}

// deleteLayout godoc
//
//	@Summary		Delete a layout
//	@ID				deleteLayout
//	@Description	Its file goes too. Layouts that import it stop compiling and list the error; mappings whose default
//	@Description	layout it was keep the id, and their `/fields` answer 404 until a layout of that id is saved again.
//	@Tags			layouts
//	@Param			id	path	string	true	"Layout id"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: not a layout id"
//	@Failure		404	{object}	Problem	"not-found"
//	@Failure		409	{object}	Problem	"built-in: a catalogue layout is read-only"
//	@Failure		503	{object}	Problem	"busy: other writes kept changing the layouts that import it (see Retry-After)"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/layouts/{id} [delete]
func (s *server) deleteLayout(w http.ResponseWriter, r *http.Request) error {
	if err := s.layouts.Delete(chi.URLParam(r, "id")); err != nil {
		return busyLayouts(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// busyLayouts makes a write that other writes kept overtaking a 503 busy, to be tried again.
func busyLayouts(err error) error {
	if !errors.Is(err, layout.ErrConflict) {
		return err
	}
	return (&apiError{ptype: probBusy, detail: err.Error(), cause: err}).with("Retry-After", "1")
}
