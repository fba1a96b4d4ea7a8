package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/shm"
)

// Event is a named event the daemon holds, as the API shows it.
type Event struct {
	Name string `json:"name" validate:"required" example:"Local\\IRSDKDataValidEvent"`
	// Hint, on a create's answer, is advice about where the object lives: a daemon running as a Windows service
	// (session 0) says here that a name without Global\ is invisible to programs in users' sessions.
	Hint string `json:"hint,omitempty"`
	// ManualReset: a manual-reset event wakes every waiter and stays set until reset; an auto-reset event wakes
	// one waiter and resets. For an event another program made, this is what the OS says.
	ManualReset bool `json:"manual_reset" validate:"required"`
	// State as the OS reports it now (unknown where it does not say).
	State string `json:"state" validate:"required" enums:"signaled,not_signaled,unknown"`
	// Waiters is how many requests are waiting on it now (POST …/wait, GET …/data?wait=).
	Waiters  int       `json:"waiters" validate:"required"`
	Created  bool      `json:"created" validate:"required"`
	OpenedAt time.Time `json:"opened_at" validate:"required" format:"date-time"`
}

func eventOf(e *shm.EventEntry) Event {
	state := "unknown"
	if signaled, known := e.State(); known && signaled {
		state = "signaled"
	} else if known {
		state = "not_signaled"
	}
	return Event{Name: e.Name(), ManualReset: e.ManualReset(), State: state, Waiters: e.Waiters(),
		Created: e.Created(), OpenedAt: e.OpenedAt.UTC()}
}

// EventRequest is the body of POST /v1/events.
type EventRequest struct {
	Name string `json:"name" validate:"required" example:"Local\\DataReady"`
	// Mode: "create" (the default) fails if the name exists, "open" if it does not.
	Mode string `json:"mode,omitempty" enums:"create,open,open_or_create" example:"create"`
	// ManualReset and InitialState apply when the event is created.
	ManualReset  bool `json:"manual_reset,omitempty"`
	InitialState bool `json:"initial_state,omitempty"`
	// SDDL is the security descriptor of an event the daemon creates (Windows only). Default: this user and
	// SYSTEM, nobody else.
	SDDL string `json:"sddl,omitempty" example:"D:P(A;;GA;;;OW)(A;;GA;;;SY)"`
}

// WaitResult answers POST /v1/events/{name}/wait.
type WaitResult struct {
	// Signaled is true if the event fired, false if the timeout passed first.
	Signaled bool `json:"signaled" validate:"required"`
}

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
	// Held: this daemon holds it for a client (POST …/acquire), until HeldUntil.
	Held      bool       `json:"held" validate:"required"`
	HeldUntil *time.Time `json:"held_until,omitempty" format:"date-time"`
	Created   bool       `json:"created" validate:"required"`
	OpenedAt  time.Time  `json:"opened_at" validate:"required" format:"date-time"`
}

func mutexOf(e *shm.MutexEntry) Mutex {
	st := e.State()
	m := Mutex{Name: e.Name(), State: "unknown", OwnerPID: st.Owner, Abandoned: st.Abandoned, Created: e.Created(),
		OpenedAt: e.OpenedAt.UTC()}
	if st.Known && st.Locked {
		m.State = "locked"
	} else if st.Known {
		m.State = "unlocked"
	}
	if held, until := e.Lease(); held {
		u := until.UTC()
		m.Held, m.HeldUntil = true, &u
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
	// HeldUntil is when the lease ends and the daemon releases it, unless released before.
	HeldUntil *time.Time `json:"held_until,omitempty" format:"date-time"`
	// Lease identifies this lease: POST …/release?lease= must give it, so that a client whose lease ran out
	// cannot end the next client's.
	Lease string `json:"lease,omitempty" example:"JZ4X2V7Q3KMB5TWNRAHPL6YCDE"`
}

// Waits: defaults and caps of ?timeout= (long-polls), ?lock_timeout= and ?hold= (mutex leases).
const (
	defaultWaitTimeout = 30 * time.Second
	defaultLockTimeout = 5 * time.Second
	defaultHold        = 30 * time.Second
	maxWait            = 5 * time.Minute
)

// durationParam parses a duration query parameter ("5s", "250ms", "1m"); def when absent, at most max.
func durationParam(r *http.Request, key string, def time.Duration) (time.Duration, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > maxWait {
		return 0, fail(kindInvalidRequest, fmt.Sprintf("%s must be a duration with a unit, from 0 to %s: 5s, 250ms, 2m", key, maxWait))
	}
	return d, nil
}

// beginWait takes one of the daemon's waiter slots (429 when none is left), gives the request's connection
// time for its own wait only, and reads any body, so that the server notices a client that goes away.
func (s *server) beginWait(w http.ResponseWriter, r *http.Request, d time.Duration) (func(), error) {
	select {
	case s.waits <- struct{}{}:
	default:
		w.Header().Set("Retry-After", "1")
		return nil, fail(kindTooManyWaiters, fmt.Sprintf("%d requests are waiting already, the daemon's limit (-max-waiters)", cap(s.waits)))
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(d + 30*time.Second))
	rc.SetWriteDeadline(time.Now().Add(d + 30*time.Second))
	io.Copy(io.Discard, io.LimitReader(r.Body, maxJSONBody))
	return func() { <-s.waits }, nil
}

// pathName is the {name} in the path, unescaped once.
func pathName(r *http.Request) (string, error) {
	name, err := url.PathUnescape(chi.URLParam(r, "name"))
	if err != nil {
		return "", fail(kindInvalidName, "bad percent-encoding in the name")
	}
	return name, nil
}

func (s *server) event(r *http.Request) (*shm.EventEntry, error) {
	name, err := pathName(r)
	if err != nil {
		return nil, err
	}
	return s.reg.GetEvent(name)
}

func (s *server) mutex(r *http.Request) (*shm.MutexEntry, error) {
	name, err := pathName(r)
	if err != nil {
		return nil, err
	}
	return s.reg.GetMutex(name)
}

// createEvent godoc
//
//	@Summary		Create or open a named event
//	@ID				createEvent
//	@Description	As for mappings, `mode` is "create" (default; 409 `exists` if the name is taken), "open" (404 if there is
//	@Description	none) or "open_or_create". Events, mutexes and mappings share one namespace: a name held by another kind
//	@Description	of object is 409 `exists` saying so. On Linux an event is a 32-byte /dev/shm object other programs use
//	@Description	through include/shmbridge_sync.h.
//	@Tags			events
//	@Param			request	body	EventRequest	true	"What to create or open"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"access-denied (see missing_right), host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found: mode open and no such event"
//	@Failure		409	{object}	Problem	"exists, limit-reached (-max-sync-objects)"
//	@Failure		507	{object}	Problem	"no-space: /dev/shm is full (Linux)"
//	@Failure		503	{object}	Problem	"busy: the daemon is out of file descriptors"
//	@Failure		413	{object}	Problem	"too-large: JSON body over 64 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type: the body must be application/json"
//	@Produce		json
//	@Success		201	{object}	Event
//	@Header			201	{string}	Location	"URL of the event"
//	@Security		BearerAuth
//	@Router			/v1/events [post]
func (s *server) createEvent(w http.ResponseWriter, r *http.Request) error {
	var req EventRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	mode, err := parseMode(req.Mode)
	if err != nil {
		return err
	}
	e, err := s.reg.OpenEvent(shm.EventOptions{Name: req.Name, Mode: mode, ManualReset: req.ManualReset,
		InitialState: req.InitialState, SDDL: req.SDDL})
	if err != nil {
		return err
	}
	s.log.Info("event opened", "name", e.Name(), "created", e.Created(), "manual_reset", e.ManualReset())
	w.Header().Set("Location", "/v1/events/"+url.PathEscape(e.Name()))
	ev := eventOf(e)
	ev.Hint = s.sessionHint(ev.Name, ev.Created)
	return writeJSON(w, http.StatusCreated, ev)
}

// listEvents godoc
//
//	@Summary	List the events the daemon holds
//	@ID			listEvents
//	@Tags		events
//	@Produce	application/problem+json
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Produce	json
//	@Success	200	{array}	Event
//	@Security	BearerAuth
//	@Router		/v1/events [get]
func (s *server) listEvents(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.reg.Events(), eventOf)
}

// getEvent godoc
//
//	@Summary	Show one event and its state
//	@ID			getEvent
//	@Tags		events
//	@Param		name	path	string	true	"Event name, percent-encoded (Local%5CDataReady)"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name"
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Event
//	@Security	BearerAuth
//	@Router		/v1/events/{name} [get]
func (s *server) getEvent(w http.ResponseWriter, r *http.Request) error {
	e, err := s.event(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, eventOf(e))
}

// closeEvent godoc
//
//	@Summary		Close an event
//	@ID				closeEvent
//	@Description	Requests waiting on it end with 404. On Linux `unlink=true` also removes the /dev/shm name.
//	@Tags			events
//	@Param			name	path	string	true	"Event name, percent-encoded"
//	@Param			unlink	query	boolean	false	"Also remove the name (Linux)"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name, invalid-request"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/events/{name} [delete]
func (s *server) closeEvent(w http.ResponseWriter, r *http.Request) error {
	return s.closeObject(w, r, "event", s.reg.CloseEvent)
}

// signalEvent answers POST /v1/events/{name}/set, /reset and /pulse.
func (s *server) signalEvent(op func(*shm.EventEntry) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := s.event(r)
		if err != nil {
			return err
		}
		if err := op(e); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, eventOf(e))
	}
}

// setEvent godoc
//
//	@Summary		Set (signal) an event
//	@ID				setEvent
//	@Description	SetEvent: a manual-reset event wakes every waiter and stays signaled; an auto-reset event wakes one
//	@Description	waiter (or the next to come) and resets.
//	@Tags			events
//	@Param			name	path	string	true	"Event name, percent-encoded"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found"
//	@Produce		json
//	@Success		200	{object}	Event	"the event after the call"
//	@Security		BearerAuth
//	@Router			/v1/events/{name}/set [post]
func (s *server) setEvent(w http.ResponseWriter, r *http.Request) error {
	return s.signalEvent((*shm.EventEntry).Set)(w, r)
}

// resetEvent godoc
//
//	@Summary	Reset an event to not signaled
//	@ID			resetEvent
//	@Tags		events
//	@Param		name	path	string	true	"Event name, percent-encoded"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name"
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Event	"the event after the call"
//	@Security	BearerAuth
//	@Router		/v1/events/{name}/reset [post]
func (s *server) resetEvent(w http.ResponseWriter, r *http.Request) error {
	return s.signalEvent((*shm.EventEntry).Reset)(w, r)
}

// pulseEvent godoc
//
//	@Summary		Pulse an event
//	@ID				pulseEvent
//	@Description	PulseEvent: wakes the waiters there are at that moment (manual-reset: all, auto-reset: one) and leaves
//	@Description	the event not signaled. A waiter that is not waiting at that very moment misses it (Microsoft calls
//	@Description	PulseEvent unreliable): prefer set.
//	@Tags			events
//	@Param			name	path	string	true	"Event name, percent-encoded"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found"
//	@Produce		json
//	@Success		200	{object}	Event	"the event after the call"
//	@Security		BearerAuth
//	@Router			/v1/events/{name}/pulse [post]
func (s *server) pulseEvent(w http.ResponseWriter, r *http.Request) error {
	return s.signalEvent((*shm.EventEntry).Pulse)(w, r)
}

// waitEvent godoc
//
//	@Summary		Wait for an event (long-poll)
//	@ID				waitEvent
//	@Description	Answers `{"signaled": true}` as soon as the event fires (at once if it is signaled; an auto-reset event's
//	@Description	signal is consumed, as WaitForSingleObject does) and `{"signaled": false}` when `timeout` passes first.
//	@Description	At most -max-waiters requests wait at once (all events, mutexes and ?wait= reads together); the next one
//	@Description	is 429 `too-many-waiters` with Retry-After. A client that disconnects ends its wait at once.
//	@Tags			events
//	@Param			name	path	string	true	"Event name, percent-encoded"
//	@Param			timeout	query	string	false	"How long to wait: 5s, 250ms, 2m (default 30s, at most 5m; 0 only tests the state)"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-name, invalid-request"
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited, too-many-waiters (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (also: the event was closed while waiting)"
//	@Failure		503	{object}	Problem	"shutting-down: the daemon stopped while waiting"
//	@Produce		json
//	@Success		200	{object}	WaitResult
//	@Security		BearerAuth
//	@Router			/v1/events/{name}/wait [post]
func (s *server) waitEvent(w http.ResponseWriter, r *http.Request) error {
	timeout, err := durationParam(r, "timeout", defaultWaitTimeout)
	if err != nil {
		return err
	}
	e, err := s.event(r)
	if err != nil {
		return err
	}
	signaled, err := s.wait(w, r, e, timeout)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, WaitResult{Signaled: signaled})
}

// wait waits on e for a waiter slot's time.
func (s *server) wait(w http.ResponseWriter, r *http.Request, e *shm.EventEntry, timeout time.Duration) (bool, error) {
	end, err := s.beginWait(w, r, timeout)
	if err != nil {
		return false, err
	}
	defer end()
	return e.Wait(r.Context(), timeout)
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
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"access-denied (see missing_right), host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found: mode open and no such mutex"
//	@Failure		409	{object}	Problem	"exists, limit-reached (-max-sync-objects)"
//	@Failure		507	{object}	Problem	"no-space: /dev/shm is full (Linux)"
//	@Failure		503	{object}	Problem	"busy: the daemon is out of file descriptors"
//	@Failure		413	{object}	Problem	"too-large: JSON body over 64 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type: the body must be application/json"
//	@Produce		json
//	@Success		201	{object}	Mutex
//	@Header			201	{string}	Location	"URL of the mutex"
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
	m, err := s.reg.OpenMutex(shm.MutexOptions{Name: req.Name, Mode: mode, SDDL: req.SDDL})
	if err != nil {
		return err
	}
	s.log.Info("mutex opened", "name", m.Name(), "created", m.Created())
	w.Header().Set("Location", "/v1/mutexes/"+url.PathEscape(m.Name()))
	mu := mutexOf(m)
	mu.Hint = s.sessionHint(mu.Name, mu.Created)
	return writeJSON(w, http.StatusCreated, mu)
}

// listMutexes godoc
//
//	@Summary	List the mutexes the daemon holds
//	@ID			listMutexes
//	@Tags		mutexes
//	@Produce	application/problem+json
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
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
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
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
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/mutexes/{name} [delete]
func (s *server) closeMutex(w http.ResponseWriter, r *http.Request) error {
	return s.closeObject(w, r, "mutex", s.reg.CloseMutex)
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
//	@Failure		401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure		403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure		429	{object}	Problem	"rate-limited, too-many-waiters (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (also: the mutex was closed while waiting)"
//	@Failure		503	{object}	Problem	"shutting-down"
//	@Produce		json
//	@Success		200	{object}	AcquireResult
//	@Security		BearerAuth
//	@Router			/v1/mutexes/{name}/acquire [post]
func (s *server) acquireMutex(w http.ResponseWriter, r *http.Request) error {
	timeout, err := durationParam(r, "timeout", defaultLockTimeout)
	if err != nil {
		return err
	}
	hold, err := durationParam(r, "hold", defaultHold)
	if err != nil {
		return err
	}
	if hold == 0 {
		return fail(kindInvalidRequest, "hold must be more than 0")
	}
	m, err := s.mutex(r)
	if err != nil {
		return err
	}
	end, err := s.beginWait(w, r, timeout)
	if err != nil {
		return err
	}
	defer end()
	abandoned, lease, until, err := m.Acquire(r.Context(), timeout, hold)
	if errors.Is(err, shm.ErrTimeout) {
		return writeJSON(w, http.StatusOK, AcquireResult{})
	}
	if err != nil {
		return err
	}
	if abandoned {
		s.log.Warn("mutex was abandoned by its last owner", "name", m.Name())
	}
	until = until.UTC()
	return writeJSON(w, http.StatusOK, AcquireResult{Acquired: true, Abandoned: abandoned, HeldUntil: &until, Lease: lease})
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
//	@Failure	401	{object}	Problem	"unauthorized: no or wrong token"
//	@Failure	403	{object}	Problem	"host-not-allowed, cross-origin"
//	@Failure	429	{object}	Problem	"rate-limited (see Retry-After)"
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
	lease := r.URL.Query().Get("lease")
	if lease == "" {
		return fail(kindInvalidRequest, "lease= is required: the id acquire answered")
	}
	if err := m.Release(lease); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mutexOf(m))
}

// maxLockedCopy caps a ?lock= copy, which is made in memory while the mutex is held.
const maxLockedCopy = 64 << 20

// copyLock is the ?lock= of a data request: the named mutex to hold around the copy and how long to wait for it.
type copyLock struct {
	m       *shm.MutexEntry // nil: no ?lock=
	timeout time.Duration
}

// parseLock reads ?lock= and ?lock_timeout= before any work: a bad parameter or a mutex the daemon does not hold
// fails at once, not after a ?wait= or a body upload.
func (s *server) parseLock(r *http.Request) (copyLock, error) {
	name := r.URL.Query().Get("lock")
	timeout, err := durationParam(r, "lock_timeout", defaultLockTimeout)
	switch {
	case err != nil:
		return copyLock{}, err
	case name == "" && r.URL.Query().Has("lock_timeout"):
		return copyLock{}, fail(kindInvalidRequest, "lock_timeout needs lock=NAME")
	case name == "":
		return copyLock{}, nil
	}
	m, err := s.reg.GetMutex(name)
	if err != nil {
		return copyLock{}, notHeld(err, "mutex", name)
	}
	return copyLock{m: m, timeout: timeout}, nil
}

// fits refuses a copy of n bytes under the lock that is too large to make in memory.
func (l copyLock) fits(n int64) error {
	if l.m != nil && n > maxLockedCopy {
		return fail(kindTooLarge, fmt.Sprintf("a copy under ?lock= is made in memory while the mutex is held: at most %d bytes (use offset and length)", maxLockedCopy))
	}
	return nil
}

// run runs f while the mutex is held (waiting up to its timeout: 423 locked after that); without ?lock= it
// just runs f. The mutex is released when f returns, whether f failed or not. A mutex its last owner abandoned
// is held all the same and reported in the Shmbridge-Mutex-Abandoned response header.
func (s *server) run(w http.ResponseWriter, r *http.Request, l copyLock, f func() error) error {
	if l.m == nil {
		return f()
	}
	end, err := s.beginWait(w, r, l.timeout)
	if err != nil {
		return err
	}
	unlock, abandoned, err := l.m.Lock(r.Context(), l.timeout)
	end()
	if errors.Is(err, shm.ErrTimeout) {
		return fail(kindLocked, fmt.Sprintf("the mutex %s stayed held for %s (lock_timeout)", quote(l.m.Name()), l.timeout))
	}
	if err != nil {
		return err
	}
	defer unlock()
	if abandoned {
		w.Header().Set(AbandonedHeader, "true")
		s.log.Warn("mutex was abandoned by its last owner", "name", l.m.Name())
	}
	return f()
}

// AbandonedHeader is set on a data response whose ?lock= mutex had been abandoned by its last owner.
const AbandonedHeader = "Shmbridge-Mutex-Abandoned"

// notHeld explains a ?lock= mutex or ?wait= event (kind) the daemon does not hold.
func notHeld(err error, kind, name string) error {
	if errors.Is(err, shm.ErrNotFound) {
		return fail(kindNotFound, fmt.Sprintf("the daemon holds no %s %s: open it first with POST /v1/%s", kind, quote(name),
			map[string]string{"event": "events", "mutex": "mutexes"}[kind]))
	}
	return err
}

// waitThen waits for the event named by ?wait= (up to ?timeout=) before a read. It reports false at the
// timeout. Without ?wait= it reports true at once.
func (s *server) waitThen(w http.ResponseWriter, r *http.Request) (bool, error) {
	name := r.URL.Query().Get("wait")
	timeout, err := durationParam(r, "timeout", defaultWaitTimeout)
	if err != nil {
		return false, err
	}
	if name == "" {
		if r.URL.Query().Has("timeout") {
			return false, fail(kindInvalidRequest, "timeout needs wait=EVENT")
		}
		return true, nil
	}
	e, err := s.reg.GetEvent(name)
	if err != nil {
		return false, notHeld(err, "event", name)
	}
	return s.wait(w, r, e, timeout)
}
