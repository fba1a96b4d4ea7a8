package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/catalogue"
	"github.com/shmbridge/shmbridge/internal/layout"
)

// Layout is a saved layout as the API shows it: what the daemon understood of it.
type Layout struct {
	ID string `json:"id" validate:"required" example:"telemetry"`
	// FixedSize is the layout's size in bytes when it does not depend on the data; absent otherwise.
	FixedSize *int `json:"fixed_size,omitempty" example:"56"`
	// Fields are the fields at fixed offsets: path, offset, size and type of each (nested types and fixed
	// arrays spelled out, up to 4096).
	Fields []LayoutField `json:"fields" validate:"required"`
	// Consistency is how a read of it makes one consistent frame (meta/-shmbridge/consistency); absent: a
	// plain copy.
	Consistency *Consistency `json:"consistency,omitempty"`
	// Errors say why a saved file does not compile (then nothing else is set): a file put in the layouts
	// directory by hand, or one whose import was deleted.
	Errors []LayoutError `json:"errors,omitempty"`
	// Source is the .ksy as saved (GET of one layout only).
	Source string `json:"source,omitempty"`
	// Builtin marks one of the daemon's own layouts (the catalogue of real producers): read-only.
	Builtin bool `json:"builtin,omitempty"`
	// Title, Mapping and Protocol describe a built-in layout: its producer, the named mapping that producer
	// creates, and how a read of it is kept consistent.
	Title    string `json:"title,omitempty" example:"HWiNFO sensors"`
	Mapping  string `json:"mapping,omitempty" example:"Global\\HWiNFO_SENS_SM2"`
	Protocol string `json:"protocol,omitempty" example:"mutex: Global\\HWiNFO_SM2_MUTEX"`
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

func layoutOf(e *layout.Entry, withSource bool) Layout {
	out := Layout{ID: e.ID, Fields: []LayoutField{}, Builtin: e.Builtin}
	if p, ok := catalogue.Lookup(e.ID); ok && e.Builtin {
		out.Title, out.Mapping, out.Protocol = p.Title, p.Mapping, p.Protocol
	}
	if len(e.Problems) > 0 {
		out.Errors = layoutErrors(e.Problems)
	}
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
		}
		if l.Fixed >= 0 {
			out.FixedSize = &l.Fixed
		}
	}
	if withSource {
		out.Source = string(e.Source)
	}
	return out
}

// maxLayoutSource caps a .ksy body: as much as the store reads of a file.
const maxLayoutSource = layout.MaxSource

// readLayoutSource reads a .ksy body: YAML, or JSON (which is YAML).
func readLayoutSource(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json":
	default:
		return nil, fail(probUnsupportedType, "a layout is application/yaml (a .ksy) or application/json (curl: -H 'Content-Type: application/yaml' --data-binary @file.ksy)")
	}
	src, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxLayoutSource))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fail(probTooLarge, fmt.Sprintf("a layout is at most %d bytes", maxLayoutSource))
		}
		return nil, fail(probInvalidRequest, "reading the body: "+err.Error())
	}
	return src, nil
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
//	@Tags			layouts
//	@Param			id		path	string	true	"Layout id: lower-case letters, digits and _, starting with a letter"
//	@Param			layout	body	string	true	"The .ksy"
//	@Accept			application/yaml,json
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
	src, err := readLayoutSource(w, r)
	if err != nil {
		return err
	}
	e, created, err := s.layouts.Put(chi.URLParam(r, "id"), src)
	if err != nil {
		return busyLayouts(err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/layouts/"+e.ID)
	}
	s.log.Info("layout saved", "id", e.ID, "created", created)
	return writeJSON(w, status, layoutOf(e, false))
}

// listLayouts godoc
//
//	@Summary		List the layouts: the built-in catalogue and the saved ones
//	@ID				listLayouts
//	@Description	The catalogue of real producers' layouts (builtin, read-only: ACC, rFactor 2, HWiNFO, iRacing, with the
//	@Description	mapping each decodes) and the layouts saved with PUT, by id.
//	@Tags			layouts
//	@Produce		application/problem+json
//	@Produce		json
//	@Success		200	{array}	Layout
//	@Security		BearerAuth
//	@Router			/v1/layouts [get]
func (s *server) listLayouts(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.layouts.List(), func(e *layout.Entry) Layout { return layoutOf(e, false) })
}

// getLayout godoc
//
//	@Summary	Show one layout, with its source
//	@ID			getLayout
//	@Tags		layouts
//	@Param		id	path	string	true	"Layout id"
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
