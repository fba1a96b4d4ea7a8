package api

import (
	"net/http"

	"github.com/shmbridge/shmbridge/shm"
)

// OSObjects answers GET /v1/os/objects: the named objects the OS has, held by this daemon or not.
type OSObjects struct {
	Objects []OSObject `json:"objects" validate:"required"`
	// Truncated: there were more than 10,000 objects; the list holds 10,000 of them.
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
}

// listOSObjects godoc
//
//	@Summary		List the named objects the OS has (held by the daemon or not)
//	@ID				listOSObjects
//	@Description	What native programs made, and what a create would find taken: on Linux the files of /dev/shm this
//	@Description	user may open (events and mutexes told apart by their header); on Windows the objects of this session's
//	@Description	and the global BaseNamedObjects directories (NtQueryDirectoryObject, as WinObj lists them), with their
//	@Description	types. Sorted by name, at most 10,000. `held` says what the daemon holds the name open as.
//	@Tags			objects
//	@Param			kind	query	string	false	"Only objects of this kind"	Enums(mapping, event, mutex, other)
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, access-denied"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
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
		return fail(kindInvalidRequest, `kind must be "mapping", "event", "mutex" or "other"`)
	}
	objs, truncated, err := shm.Objects()
	if err != nil {
		return err
	}
	list := OSObjects{Objects: make([]OSObject, 0, len(objs)), Truncated: truncated}
	for _, o := range objs {
		j := OSObject{Name: o.Name, Kind: o.Kind, OSType: o.Type, Held: s.reg.Holds(o.Name)}
		if j.Kind == "" {
			j.Kind = "other"
		}
		if o.Size >= 0 {
			j.Size = &o.Size
		}
		if want == "" || want == j.Kind {
			list.Objects = append(list.Objects, j)
		}
	}
	return writeJSON(w, http.StatusOK, list)
}
