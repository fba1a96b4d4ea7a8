package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/shm"
)

// Mapping is a mapping the daemon holds, as the API shows it.
type Mapping struct {
	Name string `json:"name"`
	// Size is the size the mapping was created or opened with; null when an existing mapping was opened
	// without a size.
	Size *int64 `json:"size"`
	// MappedSize is what the OS mapped: on Windows a page multiple (VirtualQuery), on Linux the object's size.
	MappedSize   int64      `json:"mapped_size"`
	Access       string     `json:"access"`  // "read_write" or "read"
	Backing      string     `json:"backing"` // "pagefile" (Linux: /dev/shm) or "file"
	File         string     `json:"file,omitempty"`
	Created      bool       `json:"created"` // true if the daemon created it, false if it opened an existing one
	OpenedAt     time.Time  `json:"opened_at"`
	LastWriteAt  *time.Time `json:"last_write_at"` // when bytes were last written through the API; null if never
	BytesRead    int64      `json:"bytes_read"`
	BytesWritten int64      `json:"bytes_written"`
}

func mappingOf(e *shm.Entry) Mapping {
	m := Mapping{Name: e.Name(), MappedSize: e.MappedSize(), Access: e.Access().String(), Backing: "pagefile",
		File: e.File(), Created: e.Created(), OpenedAt: e.OpenedAt.UTC(), BytesRead: e.BytesRead(),
		BytesWritten: e.BytesWritten()}
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
	return m
}

// CreateRequest is the body of POST /v1/mappings.
type CreateRequest struct {
	Name   string `json:"name"`
	Size   int64  `json:"size,omitempty"`
	Mode   string `json:"mode,omitempty"`   // "create" (default), "open", "open_or_create"
	Access string `json:"access,omitempty"` // "read_write" (default), "read"
	File   string `json:"file,omitempty"`   // a path under the daemon's files root
}

var (
	modes    = map[string]shm.Mode{"": shm.Create, "create": shm.Create, "open": shm.OpenExisting, "open_or_create": shm.OpenOrCreate}
	accesses = map[string]shm.Access{"": shm.ReadWrite, "read_write": shm.ReadWrite, "read": shm.ReadOnly}
)

const maxJSONBody = 64 << 10

func (s *server) createMapping(w http.ResponseWriter, r *http.Request) error {
	var req CreateRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	mode, ok := modes[req.Mode]
	if !ok {
		return fail(kindInvalidRequest, `mode must be "create", "open" or "open_or_create"`)
	}
	access, ok := accesses[req.Access]
	if !ok {
		return fail(kindInvalidRequest, `access must be "read_write" or "read"`)
	}
	e, err := s.reg.Open(shm.Options{Name: req.Name, Size: req.Size, Mode: mode, Access: access, File: req.File})
	if err != nil {
		return err
	}
	s.log.Info("mapping opened", "name", e.Name(), "created", e.Created(), "size", e.Size(), "access", e.Access())
	w.Header().Set("Location", "/v1/mappings/"+url.PathEscape(e.Name()))
	return writeJSON(w, http.StatusCreated, mappingOf(e))
}

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return fail(kindUnsupportedType, "the body must be application/json (curl: --json)")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(kindTooLarge, fmt.Sprintf("JSON body over %d bytes", maxJSONBody))
		}
		return fail(kindInvalidRequest, "invalid JSON body: "+err.Error())
	}
	if dec.More() {
		return fail(kindInvalidRequest, "invalid JSON body: trailing data")
	}
	return nil
}

func (s *server) listMappings(w http.ResponseWriter, r *http.Request) error {
	list := []Mapping{}
	for _, e := range s.reg.List() {
		list = append(list, mappingOf(e))
	}
	return writeJSON(w, http.StatusOK, list)
}

// entry looks up the {name} in the path.
func (s *server) entry(r *http.Request) (*shm.Entry, error) {
	name, err := url.PathUnescape(chi.URLParam(r, "name"))
	if err != nil {
		return nil, fail(kindInvalidName, "bad percent-encoding in the name")
	}
	return s.reg.Get(name)
}

func (s *server) getMapping(w http.ResponseWriter, r *http.Request) error {
	e, err := s.entry(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mappingOf(e))
}

func (s *server) closeMapping(w http.ResponseWriter, r *http.Request) error {
	unlink, err := boolParam(r, "unlink")
	if err != nil {
		return err
	}
	e, err := s.entry(r)
	if err != nil {
		return err
	}
	if err := s.reg.Close(e.Name(), unlink); err != nil {
		return err
	}
	s.log.Info("mapping closed", "name", e.Name(), "unlink", unlink)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) flush(w http.ResponseWriter, r *http.Request) error {
	e, err := s.entry(r)
	if err != nil {
		return err
	}
	if err := e.Flush(); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// intParam parses a non-negative integer query parameter; def when absent.
func intParam(r *http.Request, key string, def int64) (int64, bool, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, fail(kindInvalidRequest, key+" must be a non-negative integer")
	}
	return n, true, nil
}

func boolParam(r *http.Request, key string) (bool, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fail(kindInvalidRequest, key+" must be true or false")
	}
	return b, nil
}
