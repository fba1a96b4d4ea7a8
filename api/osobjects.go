package api

import (
	"cmp"
	"net/http"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// OSObjects answers GET /v1/os/objects: the named objects the OS has, held by this daemon or not.
type OSObjects struct {
	Objects []OSObject `json:"objects" validate:"required"`
	// Truncated: more than 10,000 objects matched; the list holds every one the daemon holds, and the first by
	// name of the others, 10,000 in all.
	Truncated bool `json:"truncated" validate:"required"`
}

// OSObject is a named object the OS has, that this daemon could open by Name.
type OSObject struct {
	// Name opens it: the /dev/shm name on Linux; Local\X (this session) or Global\X on Windows.
	Name string `json:"name" validate:"required" example:"Local\\Telemetry"`
	// Kind is what the API opens it as: mapping, event or mutex; "other" for kinds it does not open.
	Kind string `json:"kind" validate:"required" enums:"mapping,event,mutex,other"`
	// OSType is what the OS calls it: Section, Event, Mutant, Semaphore, … on Windows; file or semaphore on
	// Linux.
	OSType string `json:"os_type" validate:"required" example:"Section"`
	// Size in bytes where the OS tells it without opening the object (Linux); absent on Windows.
	Size *int64 `json:"size,omitempty" example:"4096"`
	// Held is the kind this daemon holds the name open as (mapping, event, mutex); absent if it does not.
	Held string `json:"held,omitempty" enums:"mapping,event,mutex"`
	// Openable is false for a name the API refuses (not valid UTF-8 or UTF-16, a control or a bidirectional-text
	// character): Reason says why. Such a name is listed as JSON can carry it, which may not be its bytes.
	Openable bool   `json:"openable" validate:"required"`
	Reason   string `json:"reason,omitempty" example:"control characters are not allowed"`
}

// listOSObjects godoc
//
//	@Summary		List the named objects the OS has (held by the daemon or not)
//	@ID				listOSObjects
//	@Description	What native programs made, and what a create would find taken: on Linux the files of /dev/shm this
//	@Description	user may open (events and mutexes told apart by their header); on Windows the objects of this session's
//	@Description	and the global BaseNamedObjects directories (NtQueryDirectoryObject, as WinObj lists them), with their
//	@Description	types. Filtered by `kind`, then sorted by name and cut at 10,000, always keeping what the daemon holds:
//	@Description	`held` says what it holds the name open as. `openable` is false for a name the API cannot use (`reason`).
//	@Tags			objects
//	@Param			kind	query	string	false	"Only objects of this kind"	Enums(mapping, event, mutex, other)
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request"
//	@Failure		403	{object}	Problem	"access-denied"
//	@Failure		501	{object}	Problem	"unsupported: no backend on this OS"
//	@Produce		json
//	@Success		200	{object}	OSObjects
//	@Security		BearerAuth
//	@Router			/v1/os/objects [get]
func (s *server) listOSObjects(w http.ResponseWriter, r *http.Request) error {
	want := queryOf(r).Get("kind")
	switch want {
	case "", "mapping", "event", "mutex", "other":
	default:
		return fail(probInvalidRequest, `kind must be "mapping", "event", "mutex" or "other"`)
	}
	objs, truncated, err := s.reg.Objects(registry.Kind(want))
	if err != nil {
		return err
	}
	list := OSObjects{Objects: make([]OSObject, 0, len(objs)), Truncated: truncated}
	for _, o := range objs {
		j := OSObject{Name: o.Name, Kind: string(cmp.Or(o.Kind, registry.KindOther)), OSType: o.Type, Openable: o.Unusable == "", Reason: o.Unusable}
		if j.Openable {
			j.Held = string(s.reg.Holds(o.Name))
		}
		if o.Size >= 0 {
			j.Size = &o.Size
		}
		list.Objects = append(list.Objects, j)
	}
	return writeJSON(w, http.StatusOK, list)
}
