package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
)

// Mutex is a named mutex the daemon holds, as the API shows it.
type Mutex struct {
	Name string `json:"name" validate:"required" example:"Global\\HWiNFO_SM2_MUTEX"`
	// Hint, on a create's answer, is advice about where the object lives: a daemon running as a Windows service
	// (session 0) says here that a name without Global\ is invisible to programs in users' sessions.
	Hint string `json:"hint,omitempty"`
	// State as the OS reports it now: locked by anyone (this daemon included), unlocked, or unknown.
	State string `json:"state" validate:"required" enums:"locked,unlocked,unknown"`
	// OwnerPID is the process holding it, where the OS says (Linux).
	OwnerPID int `json:"owner_pid,omitempty"`
	// Abandoned: the OS says its last owner ended while holding it (WAIT_ABANDONED).
	Abandoned bool `json:"abandoned" validate:"required"`
	// held: this daemon holds it locked for a client, a lease (POST …/acquire), until held_until.
	Leased      bool       `json:"held" validate:"required"`
	LeasedUntil *time.Time `json:"held_until,omitempty" format:"date-time"`
	Created     bool       `json:"created" validate:"required"`
	OpenedAt    time.Time  `json:"opened_at" validate:"required" format:"date-time"`
	// AlreadyOpen, on an open's answer (200), says the daemon held it already: the answer is that mutex.
	AlreadyOpen bool `json:"already_open,omitempty"`
}

func mutexOf(e *registry.Mutex) Mutex {
	st := e.State()
	m := Mutex{Name: e.Name(), State: "unknown", OwnerPID: st.Owner, Abandoned: st.Abandoned, Created: e.Created(),
		OpenedAt: e.OpenedAt.UTC()}
	if st.Known && st.Locked {
		m.State = "locked"
	} else if st.Known {
		m.State = "unlocked"
	}
	if leased, until := e.Lease(); leased {
		u := until.UTC()
		m.Leased, m.LeasedUntil = true, &u
	}
	return m
}

// MutexRequest is the body of POST /v1/mutexes.
type MutexRequest struct {
	Name string `json:"name" validate:"required" example:"Global\\HWiNFO_SM2_MUTEX"`
	// Mode: "create" (the default) fails if the name exists, "open" if it does not.
	Mode string `json:"mode,omitempty" enums:"create,open,open_or_create" example:"open"`
	// SDDL is the security descriptor of a mutex the daemon creates (Windows only).
	SDDL string `json:"sddl,omitempty" example:"D:P(A;;GA;;;OW)(A;;GA;;;SY)"`
}

// AcquireResult answers POST /v1/mutexes/{name}/acquire.
type AcquireResult struct {
	// Acquired is false if the timeout passed first.
	Acquired bool `json:"acquired" validate:"required"`
	// Abandoned: the previous owner ended while holding it (WAIT_ABANDONED): the mutex is held all the same,
	// but what it guards may be half-written.
	Abandoned bool `json:"abandoned" validate:"required"`
	// held_until is when the lease ends and the daemon releases it, unless released before.
	LeasedUntil *time.Time `json:"held_until,omitempty" format:"date-time"`
	// Lease identifies this lease: POST …/release?lease= must give it, so that a client whose lease ran out
	// cannot end the next client's.
	Lease string `json:"lease,omitempty" example:"JZ4X2V7Q3KMB5TWNRAHPL6YCDE"`
}

// mutex looks up the mutex {name} in the path names.
func (s *server) mutex(r *http.Request) (*registry.Mutex, error) {
	name, err := pathName(r)
	if err != nil {
		return nil, err
	}
	return s.reg.GetMutex(name)
}

// createMutex godoc
//
//	@Summary		Create or open a named mutex
//	@ID				createMutex
//	@Description	`mode` as for events. The mutex is not acquired: use `?lock=` on the data routes (held for one copy) or
//	@Description	POST …/acquire. On Linux a mutex is a 32-byte /dev/shm object locked with flock (include/shmbridge_sync.h).
//	@Tags			mutexes
//	@Param			request	body	MutexRequest	true	"What to create or open"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		403	{object}	Problem	"access-denied (see missing_right)"
//	@Failure		404	{object}	Problem	"not-found: mode open and no such mutex"
//	@Failure		409	{object}	Problem	"exists, limit-reached (-max-sync-objects)"
//	@Failure		507	{object}	Problem	"no-space: /dev/shm is full (Linux)"
//	@Failure		503	{object}	Problem	"busy: the daemon is out of file descriptors"
//	@Failure		413	{object}	Problem	"too-large: JSON body over 64 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type: the body must be application/json"
//	@Produce		json
//	@Success		201	{object}	Mutex
//	@Header			201	{string}	Location	"URL of the mutex"
//	@Success		200	{object}	Mutex		"opened already: the daemon held it (already_open)"
//	@Header			200	{string}	Location	"URL of the mutex"
//	@Security		BearerAuth
//	@Router			/v1/mutexes [post]
func (s *server) createMutex(w http.ResponseWriter, r *http.Request) error {
	var req MutexRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	mode, err := parseMode(req.Mode)
	if err != nil {
		return err
	}
	m, already, err := s.reg.OpenMutex(registry.MutexOptions{Name: req.Name, Mode: mode, SDDL: req.SDDL})
	if err != nil {
		return err
	}
	if !already {
		s.log.Info("mutex opened", "name", m.Name(), "created", m.Created())
	}
	mu := mutexOf(m)
	mu.Hint, mu.AlreadyOpen = s.sessionHint(mu.Name, mu.Created && !already), already
	return s.opened(w, registry.KindMutex, m.Name(), already, mu)
}

// listMutexes godoc
//
//	@Summary	List the mutexes the daemon holds
//	@ID			listMutexes
//	@Tags		mutexes
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{array}	Mutex
//	@Security	BearerAuth
//	@Router		/v1/mutexes [get]
func (s *server) listMutexes(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.reg.Mutexes(), mutexOf)
}

// getMutex godoc
//
//	@Summary	Show one mutex and its state
//	@ID			getMutex
//	@Tags		mutexes
//	@Param		name	path	string	true	"Mutex name, percent-encoded"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name"
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Mutex
//	@Security	BearerAuth
//	@Router		/v1/mutexes/{name} [get]
func (s *server) getMutex(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mutex(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mutexOf(m))
}

// closeMutex godoc
//
//	@Summary		Close a mutex
//	@ID				closeMutex
//	@Description	Releases it first if the daemon holds it; waits for a copy holding it (`?lock=`) to end. On Linux
//	@Description	`unlink=true` also removes the /dev/shm name.
//	@Tags			mutexes
//	@Param			name	path	string	true	"Mutex name, percent-encoded"
//	@Param			unlink	query	boolean	false	"Also remove the name (Linux)"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name, invalid-request"
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/mutexes/{name} [delete]
func (s *server) closeMutex(w http.ResponseWriter, r *http.Request) error {
	return s.closeObject(w, r, registry.KindMutex, s.reg.CloseMutex)
}

// acquireMutex godoc
//
//	@Summary		Acquire a mutex for a lease
//	@ID				acquireMutex
//	@Description	Waits up to `timeout` for the mutex; answers `{"acquired": false}` if it stays held. Once acquired the
//	@Description	daemon holds it until POST …/release or until `hold` passes, whichever comes first, so a client that
//	@Description	goes away cannot lock a native program out for ever. `abandoned: true` reports WAIT_ABANDONED: the last
//	@Description	owner ended holding it; the mutex is held all the same. Counts against -max-waiters while it waits.
//	@Tags			mutexes
//	@Param			name	path	string	true	"Mutex name, percent-encoded"
//	@Param			timeout	query	string	false	"How long to wait: 5s, 250ms (default 5s, at most 5m)"
//	@Param			hold	query	string	false	"Lease: released after this long (default 30s, at most 5m)"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name, invalid-request"
//	@Failure		429	{object}	Problem	"too-many-waiters (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (also: the mutex was closed while waiting)"
//	@Failure		503	{object}	Problem	"shutting-down"
//	@Produce		json
//	@Success		200	{object}	AcquireResult
//	@Security		BearerAuth
//	@Router			/v1/mutexes/{name}/acquire [post]
func (s *server) acquireMutex(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	timeout, err := durationParam(q, "timeout", defaultLockTimeout)
	if err != nil {
		return err
	}
	lease, err := durationParam(q, "hold", defaultLease)
	if err != nil {
		return err
	}
	if lease == 0 {
		return fail(probInvalidRequest, "hold must be more than 0")
	}
	m, err := s.mutex(r)
	if err != nil {
		return err
	}
	abandoned, id, until, err := m.Acquire(r.Context(), timeout, lease, s.waiting(w, r))
	if errors.Is(err, registry.ErrTimeout) {
		return writeJSON(w, http.StatusOK, AcquireResult{})
	}
	if err != nil {
		return err
	}
	if abandoned {
		s.log.Warn("mutex was abandoned by its last owner", "name", m.Name())
	}
	until = until.UTC()
	return writeJSON(w, http.StatusOK, AcquireResult{Acquired: true, Abandoned: abandoned, LeasedUntil: &until, Lease: id})
}

// releaseMutex godoc
//
//	@Summary	Release a mutex the daemon holds (POST …/acquire)
//	@ID			releaseMutex
//	@Tags		mutexes
//	@Param		name	path	string	true	"Mutex name, percent-encoded"
//	@Param		lease	query	string	true	"The lease's id, as acquire answered it"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name, invalid-request (no lease)"
//	@Failure	404	{object}	Problem	"not-found"
//	@Failure	409	{object}	Problem	"not-held: the daemon does not hold it (never acquired, released, or the lease ran out), or not for this lease"
//	@Produce	json
//	@Success	200	{object}	Mutex	"the mutex after the call"
//	@Security	BearerAuth
//	@Router		/v1/mutexes/{name}/release [post]
func (s *server) releaseMutex(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mutex(r)
	if err != nil {
		return err
	}
	id := queryOf(r).Get("lease")
	if id == "" {
		return fail(probInvalidRequest, "lease= is required: the id acquire answered")
	}
	if err := m.Release(id); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mutexOf(m))
}
