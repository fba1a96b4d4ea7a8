package api

import (
	"net/http"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
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
	// AlreadyOpen, on an open's answer (200), says the daemon held it already: the answer is that event.
	AlreadyOpen bool `json:"already_open,omitempty"`
}

func eventOf(e *registry.Event) Event {
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

// event looks up the event {name} in the path names.
func (s *server) event(r *http.Request) (*registry.Event, error) {
	name, err := pathName(r)
	if err != nil {
		return nil, err
	}
	return s.reg.GetEvent(name)
}

// createEvent godoc
//
//	@Summary		Create or open a named event
//	@ID				createEvent
//	@Description	As for mappings, `mode` is "create" (default; 409 `exists` if the name is taken), "open" (404 if there is
//	@Description	none) or "open_or_create". Events, mutexes and mappings share one namespace: a name held by another kind
//	@Description	of object is 409 `exists` saying so; an open of an event the daemon holds already answers it (200,
//	@Description	`already_open`). On Linux an event is a 32-byte /dev/shm object other programs use through
//	@Description	include/shmbridge_sync.h.
//	@Tags			events
//	@Param			request	body	EventRequest	true	"What to create or open"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		403	{object}	Problem	"access-denied (see missing_right)"
//	@Failure		404	{object}	Problem	"not-found: mode open and no such event"
//	@Failure		409	{object}	Problem	"exists, limit-reached (-max-sync-objects)"
//	@Failure		507	{object}	Problem	"no-space: /dev/shm is full (Linux)"
//	@Failure		503	{object}	Problem	"busy: the daemon is out of file descriptors"
//	@Failure		413	{object}	Problem	"too-large: JSON body over 64 KiB"
//	@Failure		415	{object}	Problem	"unsupported-media-type: the body must be application/json"
//	@Produce		json
//	@Success		201	{object}	Event
//	@Header			201	{string}	Location	"URL of the event"
//	@Success		200	{object}	Event		"opened already: the daemon held it (already_open)"
//	@Header			200	{string}	Location	"URL of the event"
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
	e, already, err := s.reg.OpenEvent(registry.EventOptions{Name: req.Name, Mode: mode, ManualReset: req.ManualReset,
		InitialState: req.InitialState, SDDL: req.SDDL})
	if err != nil {
		return err
	}
	if !already {
		s.log.Info("event opened", "name", e.Name(), "created", e.Created(), "manual_reset", e.ManualReset())
	}
	ev := eventOf(e)
	ev.Hint, ev.AlreadyOpen = s.sessionHint(ev.Name, ev.Created && !already), already
	return s.opened(w, registry.KindEvent, e.Name(), already, ev)
}

// listEvents godoc
//
//	@Summary	List the events the daemon holds
//	@ID			listEvents
//	@Tags		events
//	@Produce	application/problem+json
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
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/events/{name} [delete]
func (s *server) closeEvent(w http.ResponseWriter, r *http.Request) error {
	return s.closeObject(w, r, registry.KindEvent, s.reg.CloseEvent)
}

// signalEvent answers POST /v1/events/{name}/set, /reset and /pulse.
func (s *server) signalEvent(op func(*registry.Event) error) func(http.ResponseWriter, *http.Request) error {
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
//	@Failure		404	{object}	Problem	"not-found"
//	@Failure		500	{object}	Problem	"fault: another process truncated the event (Linux)"
//	@Produce		json
//	@Success		200	{object}	Event	"the event after the call"
//	@Security		BearerAuth
//	@Router			/v1/events/{name}/set [post]
func (s *server) setEvent(w http.ResponseWriter, r *http.Request) error {
	return s.signalEvent((*registry.Event).Set)(w, r)
}

// resetEvent godoc
//
//	@Summary	Reset an event to not signaled
//	@ID			resetEvent
//	@Tags		events
//	@Param		name	path	string	true	"Event name, percent-encoded"
//	@Produce	application/problem+json
//	@Failure	400	{object}	Problem	"invalid-name"
//	@Failure	404	{object}	Problem	"not-found"
//	@Failure	500	{object}	Problem	"fault: another process truncated the event (Linux)"
//	@Produce	json
//	@Success	200	{object}	Event	"the event after the call"
//	@Security	BearerAuth
//	@Router		/v1/events/{name}/reset [post]
func (s *server) resetEvent(w http.ResponseWriter, r *http.Request) error {
	return s.signalEvent((*registry.Event).Reset)(w, r)
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
//	@Failure		404	{object}	Problem	"not-found"
//	@Failure		500	{object}	Problem	"fault: another process truncated the event (Linux)"
//	@Produce		json
//	@Success		200	{object}	Event	"the event after the call"
//	@Security		BearerAuth
//	@Router			/v1/events/{name}/pulse [post]
func (s *server) pulseEvent(w http.ResponseWriter, r *http.Request) error {
	return s.signalEvent((*registry.Event).Pulse)(w, r)
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
//	@Failure		429	{object}	Problem	"too-many-waiters (see Retry-After)"
//	@Failure		404	{object}	Problem	"not-found (also: the event was closed while waiting)"
//	@Failure		500	{object}	Problem	"fault: another process truncated the event (Linux)"
//	@Failure		503	{object}	Problem	"shutting-down: the daemon stopped while waiting"
//	@Produce		json
//	@Success		200	{object}	WaitResult
//	@Security		BearerAuth
//	@Router			/v1/events/{name}/wait [post]
func (s *server) waitEvent(w http.ResponseWriter, r *http.Request) error {
	timeout, err := durationParam(queryOf(r), "timeout", defaultWaitTimeout)
	if err != nil {
		return err
	}
	e, err := s.event(r)
	if err != nil {
		return err
	}
	signaled, err := e.Wait(r.Context(), timeout, s.waiting(w, r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, WaitResult{Signaled: signaled})
}
