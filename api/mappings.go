package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Mapping is a mapping the daemon holds, as the API shows it.
type Mapping struct {
	Name string `json:"name" validate:"required" example:"Local\\Telemetry"`
	// Size the mapping was created or opened with; absent when an existing mapping was opened without a size.
	Size *int64 `json:"size,omitempty" example:"4096"`
	// MappedSize is what the OS mapped: on Windows a page multiple (VirtualQuery), on Linux the object's size.
	MappedSize int64  `json:"mapped_size" validate:"required" example:"4096"`
	Access     string `json:"access" validate:"required" enums:"read_write,read"`
	// Backing is "pagefile" (on Linux: /dev/shm) or "file".
	Backing string `json:"backing" validate:"required" enums:"pagefile,file"`
	// File is the backing file under the files root, for file-backed mappings.
	File string `json:"file,omitempty"`
	// Created is true if the daemon created the object, false if it opened an existing one.
	Created  bool      `json:"created" validate:"required"`
	OpenedAt time.Time `json:"opened_at" validate:"required" format:"date-time"`
	// LastWriteAt is when bytes were last written through the API; absent if never.
	LastWriteAt *time.Time `json:"last_write_at,omitempty" format:"date-time"`
	// LastChangeAt is when the daemon last saw the bytes change: a write through the API, or, while a watch
	// stream samples it, a change by any program in the watched range. Absent if never. While nothing watches
	// the mapping, other programs' writes are not seen: then it only tells of the API's writes.
	LastChangeAt *time.Time `json:"last_change_at,omitempty" format:"date-time"`
	// Watched says a watch stream samples the mapping now (a dashboard's view, a publisher, a mirror's source, a
	// script's stream): while it does, last_change_at tells of any program's writes in the range watched; while
	// not, only of the API's.
	Watched bool `json:"watched"`
	// Unlinked (Linux) says the mapping's /dev/shm name is gone: another program removed it (shm_unlink; Python's
	// resource tracker does at exit before 3.13, cpython gh-82300). The daemon still holds the memory, but no
	// other program can open it by name any more; close it, and create it again.
	Unlinked     bool  `json:"unlinked,omitempty"`
	BytesRead    int64 `json:"bytes_read" validate:"required"`
	BytesWritten int64 `json:"bytes_written" validate:"required"`
	// Hint, on a create's answer, is advice about where the object lives: a daemon running as a Windows service
	// (session 0) says here that a name without Global\ is invisible to programs in users' sessions.
	Hint string `json:"hint,omitempty"`
	// Layout is the mapping's default layout: what GET …/fields decodes it by without ?layout=.
	Layout string `json:"layout,omitempty" example:"telemetry"`
	// AlreadyOpen, on an open's answer (200), says the daemon held it already: the answer is that mapping, as
	// it was opened then (created says who made it).
	AlreadyOpen bool `json:"already_open,omitempty"`
}

func mappingOf(e *registry.Mapping) Mapping {
	m := Mapping{Name: e.Name(), MappedSize: e.MappedSize(), Access: e.Access().String(), Backing: "pagefile",
		File: e.File(), Created: e.Created(), OpenedAt: e.OpenedAt.UTC(), BytesRead: e.BytesRead(),
		BytesWritten: e.BytesWritten(), Unlinked: e.Unlinked(), Layout: e.Layout(), Watched: e.Watched()}
	if n := e.RequestedSize(); n > 0 {
		m.Size = &n
	}
	if m.File != "" {
		m.Backing = "file"
	}
	if t := e.LastWrite(); !t.IsZero() {
		t = t.UTC()
		m.LastWriteAt = &t
	}
	if t := e.LastChange(); !t.IsZero() {
		t = t.UTC()
		m.LastChangeAt = &t
	}
	return m
}

// CreateRequest is the body of POST /v1/mappings.
type CreateRequest struct {
	// Name is "Local\\X", "Global\\X" or "X" (on Linux all three are /dev/shm/X).
	Name string `json:"name" validate:"required" example:"Local\\Telemetry"`
	// Size in bytes: required to create; when opening, the least size the object must have.
	Size int64 `json:"size,omitempty" minimum:"0" example:"4096"`
	// Mode: "create" (the default) fails if the name exists, "open" if it does not.
	Mode string `json:"mode,omitempty" enums:"create,open,open_or_create" example:"create"`
	// Access: "read_write" (the default) or "read".
	Access string `json:"access,omitempty" enums:"read_write,read" example:"read_write"`
	// File backs the mapping with this file, a relative path under the daemon's -files-root.
	File string `json:"file,omitempty" example:"captures/frame.bin"`
	// SDDL is the security descriptor of a mapping the daemon creates (Windows only; refused on Linux, where
	// objects are 0600). Default: this user and SYSTEM, nobody else.
	SDDL string `json:"sddl,omitempty" example:"D:P(A;;GA;;;OW)(A;;GA;;;SY)(A;;GR;;;BU)"`
	// Layout is the mapping's default layout, by id (it need not be saved yet).
	Layout string `json:"layout,omitempty" example:"telemetry"`
}

var accesses = map[string]registry.Access{"": registry.ReadWrite, "read_write": registry.ReadWrite, "read": registry.ReadOnly}

// createMapping godoc
//
//	@Summary		Create or open a named mapping
//	@ID				createMapping
//	@Description	`mode` "create" (default) fails with 409 `exists` if the name is taken; "open" fails with 404 `not-found`
//	@Description	if there is no such object (it never creates an empty one); "open_or_create" does either. `size` is
//	@Description	required to create; when opening, an existing object smaller than `size` is 409 `too-small`.
//	@Description	An open ("open" or "open_or_create") of a name the daemon holds already answers that mapping (200,
//	@Description	`already_open`) if it can serve the request: 409 `incompatible` when it is held read-only and
//	@Description	read_write is asked, or with another file, and `too-small` when smaller than `size`; a create of it is
//	@Description	409 `exists`, as is a name another program holds (its owner in `detail` where the OS says). On Linux
//	@Description	the shm_open spelling `/Telemetry` is the same name. On Windows the object is created with `sddl`, by
//	@Description	default a DACL for this user and SYSTEM only.
//	@Tags			mappings
//	@Param			request	body	CreateRequest	true	"What to create or open"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		403	{object}	Problem	"access-denied (see missing_right)"
//	@Failure		404	{object}	Problem	"not-found: mode open and no such object"
//	@Failure		409	{object}	Problem	"exists, incompatible, too-small, limit-reached (-max-mappings)"
//	@Failure		413	{object}	Problem	"too-large: JSON body over 64 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type: the body must be application/json"
//	@Failure		503	{object}	Problem	"busy: the daemon is out of file descriptors"
//	@Failure		507	{object}	Problem	"no-space: larger than /dev/shm (Linux)"
//	@Produce		json
//	@Success		201	{object}	Mapping
//	@Header			201	{string}	Location	"URL of the mapping"
//	@Success		200	{object}	Mapping		"opened already: the daemon held it (already_open)"
//	@Header			200	{string}	Location	"URL of the mapping"
//	@Security		BearerAuth
//	@Router			/v1/mappings [post]
func (s *server) createMapping(w http.ResponseWriter, r *http.Request) error {
	var req CreateRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	mode, err := parseMode(req.Mode)
	if err != nil {
		return err
	}
	access, ok := accesses[req.Access]
	if !ok {
		return fail(probInvalidRequest, `access must be "read_write" or "read"`)
	}
	if req.Layout != "" {
		if err := layout.CheckID(req.Layout); err != nil {
			return fail(probInvalidRequest, "layout: "+err.Error())
		}
	}
	e, already, err := s.reg.OpenMapping(registry.Options{Name: req.Name, Size: req.Size, Mode: mode, Access: access, File: req.File, SDDL: req.SDDL})
	if err != nil {
		return err
	}
	if req.Layout != "" {
		e.SetLayout(req.Layout)
	}
	if !already {
		s.log.Info("mapping opened", "name", e.Name(), "created", e.Created(), "size", e.Size(), "access", e.Access())
	}
	m := mappingOf(e)
	m.Hint, m.AlreadyOpen = s.sessionHint(m.Name, m.Created && !already), already
	return s.opened(w, registry.KindMapping, e.Name(), already, m)
}

// MappingPatch is the body of PATCH /v1/mappings/{name}: what to change.
type MappingPatch struct {
	// Layout sets the default layout ("" clears it).
	Layout *string `json:"layout" example:"telemetry"`
}

// patchMapping godoc
//
//	@Summary	Change a mapping's default layout
//	@ID			patchMapping
//	@Tags		mappings
//	@Param		name	path	string			true	"Mapping name, percent-encoded"
//	@Param		request	body	MappingPatch	true	"What to change"
//	@Accept		json
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-request"
//	@Failure	404	{object}	Problem	"not-found"
//	@Failure	415	{object}	Problem	"unsupported-media-type"
//	@Produce	json
//	@Success	200	{object}	Mapping
//	@Security	BearerAuth
//	@Router		/v1/mappings/{name} [patch]
func (s *server) patchMapping(w http.ResponseWriter, r *http.Request) error {
	e, err := s.mapping(r)
	if err != nil {
		return err
	}
	var req MappingPatch
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Layout == nil {
		return fail(probInvalidRequest, `nothing to change: the body takes "layout"`)
	}
	if *req.Layout != "" {
		if err := layout.CheckID(*req.Layout); err != nil {
			return fail(probInvalidRequest, "layout: "+err.Error())
		}
	}
	e.SetLayout(*req.Layout)
	return writeJSON(w, http.StatusOK, mappingOf(e))
}

// listMappings godoc
//
//	@Summary	List the mappings the daemon holds
//	@ID			listMappings
//	@Tags		mappings
//	@Param		access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{array}	Mapping
//	@Security	BearerAuth
//	@Router		/v1/mappings [get]
func (s *server) listMappings(w http.ResponseWriter, r *http.Request) error {
	list := s.reg.Mappings()
	if g := grantOf(r); g != nil {
		list = slices.DeleteFunc(list, func(m *registry.Mapping) bool { return !g.Allows(m.Name()) })
	}
	return writeList(w, list, mappingOf)
}

// mapping looks up the mapping {name} in the path names.
func (s *server) mapping(r *http.Request) (*registry.Mapping, error) {
	name, err := pathName(r)
	if err != nil {
		return nil, err
	}
	return s.reg.GetMapping(name)
}

// getMapping godoc
//
//	@Summary	Show one mapping
//	@ID			getMapping
//	@Tags		mappings
//	@Param		name			path	string	true	"Mapping name, percent-encoded (Local%5CTelemetry)"
//	@Param		access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name"
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Mapping
//	@Security	BearerAuth
//	@Router		/v1/mappings/{name} [get]
func (s *server) getMapping(w http.ResponseWriter, r *http.Request) error {
	e, err := s.mapping(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mappingOf(e))
}

// closeMapping godoc
//
//	@Summary		Unmap and close a mapping
//	@ID				closeMapping
//	@Description	The name disappears at once; transfers under way finish first (up to 5 s). On Linux `unlink=true` also
//	@Description	removes the /dev/shm name (shm_unlink); on Windows it is accepted and does nothing more.
//	@Tags			mappings
//	@Param			name	path	string	true	"Mapping name, percent-encoded"
//	@Param			unlink	query	boolean	false	"Also remove the name (Linux)"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name, invalid-request"
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name} [delete]
func (s *server) closeMapping(w http.ResponseWriter, r *http.Request) error {
	return s.closeObject(w, r, registry.KindMapping, s.reg.CloseMapping)
}

// flush godoc
//
//	@Summary	Flush a view to its backing file (FlushViewOfFile / msync)
//	@ID			flushMapping
//	@Tags		mappings
//	@Param		name	path	string	true	"Mapping name, percent-encoded"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name"
//	@Failure	404	{object}	Problem	"not-found"
//	@Success	204
//	@Security	BearerAuth
//	@Router		/v1/mappings/{name}/flush [post]
func (s *server) flush(w http.ResponseWriter, r *http.Request) error {
	e, err := s.mapping(r)
	if err != nil {
		return err
	}
	if err := e.Flush(); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
