package api

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/mirror"
)

// Mirrors follow another daemon's mapping and write it into one of this daemon's: their routes. What they do
// is package mirror's (its Runtime): the rules, the connections, the writes.

// Mirror is a mirror's configuration (POST /v1/mirrors), as kept and shown with what it does.
type Mirror struct {
	// ID is the daemon's name for it (answered by POST).
	ID string `json:"id,omitempty" example:"mab12cd34ef56"`
	// Source is the source daemon's base URL. Plain http:// only to a loopback address, unless insecure.
	Source string `json:"source" validate:"required" example:"https://rig.lan:8765"`
	// Credentials is a file on this machine holding the token sent to the source (a read token of the source
	// daemon: POST /v1/tokens there), read at each connection. Never in an answer: CredentialsSet says there is
	// one.
	Credentials    string `json:"credentials,omitempty" example:"/etc/shmbridge/rig.token"`
	CredentialsSet bool   `json:"credentials_set"`
	// CA is a PEM file of the certificates an https:// source's is checked against (a private CA).
	CA string `json:"ca,omitempty" example:"/etc/shmbridge/rig-ca.pem"`
	// Insecure allows plain http:// to a source that is not on a loopback address (token and memory in clear).
	Insecure bool `json:"insecure,omitempty"`
	// Producer, instead of mapping, is a catalogue producer family (acc, iracing, ams2: GET /v1/layouts): its
	// mappings are mirrored, each by its layout's protocol where a writer here can follow it (a frame counter, a
	// seqlock, a ring) and sampled on its event where it has one (iRacing's). Pages say how each one goes.
	Producer string `json:"producer,omitempty" example:"acc"`
	// Mapping is the source's mapping (the source daemon holds it); As the local one (default: the same name,
	// in this OS's spelling: without Local\ on Linux).
	Mapping string `json:"mapping,omitempty" example:"Local\\acpmf_physics"`
	As      string `json:"as,omitempty" example:"acpmf_physics"`
	// Interval is how often the source samples the mapping (default 10ms); or Event, the source's event on
	// which it samples (set here after each frame it announces).
	Interval string `json:"interval,omitempty" example:"10ms"`
	Event    string `json:"event,omitempty" example:"Local\\IRSDKDataValidEvent"`
	// Events are the source's events set here (with interval), each after the frame sampled once it fired.
	Events []string `json:"events,omitempty"`
	// Layout, if set, is a layout known on both sides (a catalogue one, or PUT on each) whose protocol copies each
	// frame at the source and writes it here (seqlock odd around it, counters bumped around it, a ring's tick
	// after its buffer, the frame field last): a native reader here that follows the producer's protocol never
	// sees a torn frame. Without: the changed bytes, as they come.
	Layout string `json:"layout,omitempty" example:"acc_physics"`
	// Mode create (default): the mirror creates the local mapping, refusing a name that exists, and removes it
	// when deleted; open: it writes into a mapping that exists.
	Mode string `json:"mode,omitempty" enums:"create,open" example:"create"`
	// State is what it does: connecting, following, retrying (with back-off; Error says why), failed (what
	// would never work, such as the token refused: stopped; Error says why).
	State string `json:"state,omitempty" enums:"connecting,following,retrying,failed,stopped"`
	Error string `json:"error,omitempty"`
	// Size is the source mapping's; Frames, Bytes and EventsSet what was written and set here; Reconnects the
	// connections after the first; LagMS the last frame's lag (written here less sampled there, in ms).
	Size        int64      `json:"size,omitempty"`
	Frames      uint64     `json:"frames"`
	Bytes       uint64     `json:"bytes"`
	EventsSet   uint64     `json:"events_set"`
	Reconnects  uint64     `json:"reconnects"`
	LagMS       float64    `json:"lag_ms"`
	LastFrameAt *time.Time `json:"last_frame_at,omitempty" format:"date-time"`
	Created     *time.Time `json:"created,omitempty" format:"date-time"`
	// Pages are a producer mirror's mappings, each as it goes.
	Pages []MirrorPage `json:"pages,omitempty"`
}

// MirrorPage is one mapping of a producer mirror.
type MirrorPage struct {
	Mapping string `json:"mapping" example:"Local\\acpmf_physics"`
	As      string `json:"as" example:"acpmf_physics"`
	Layout  string `json:"layout,omitempty" example:"acc_physics"`
	State   string `json:"state" enums:"connecting,following,retrying,failed,stopped"`
	Error   string `json:"error,omitempty"`
	Frames  uint64 `json:"frames"`
	Bytes   uint64 `json:"bytes"`
}

// mirrorOf is a mirror as the API shows it.
func (s *server) mirrorOf(sp mirror.Spec) Mirror {
	st := s.mirrors.Status(sp.ID)
	m := Mirror{ID: sp.ID, Source: sp.Source, CredentialsSet: sp.Credentials != "", CA: sp.CA, Insecure: sp.Insecure,
		Mapping: sp.Mapping, As: sp.As, Interval: sp.Interval, Event: sp.Event, Events: sp.Events, Layout: sp.Layout, Producer: sp.Producer, Mode: sp.Mode,
		State: st.State, Error: st.Error, Size: st.Size, Frames: st.Frames, Bytes: st.Bytes, EventsSet: st.Events,
		Reconnects: st.Reconnects, LagMS: float64(st.Lag.Microseconds()) / 1000, Created: &sp.Created}
	for _, p := range st.Pages {
		m.Pages = append(m.Pages, MirrorPage{Mapping: p.Mapping, As: p.As, Layout: p.Layout, State: p.State, Error: p.Error,
			Frames: p.Frames, Bytes: p.Bytes})
	}
	if !st.LastFrame.IsZero() {
		t := st.LastFrame.UTC()
		m.LastFrameAt = &t
	}
	return m
}

// createMirror godoc
//
//	@Summary		Mirror another daemon's mapping into one of this daemon's
//	@ID				createMirror
//	@Description	This daemon asks the source daemon (`source`, with the token in the file `credentials`) for the mapping's
//	@Description	size, creates the local mapping (`as`) at that size, follows the source's watch stream and writes every
//	@Description	change where the source has it: a native program here reads what a program there writes. `interval`
//	@Description	(default 10ms) is how often the source samples; `event` samples on the source's event instead and sets it
//	@Description	here after each frame; `events` (with interval) are set here after the frame sampled once they fired
//	@Description	there. The source daemon must hold the mapping and the events (POST /v1/mappings, /v1/events there).
//	@Description	The answer waits for the first connection: a token the source refuses, a mapping it does not hold, a
//	@Description	local name that exists (without `mode: open`) are the answer, and nothing is kept; a source that cannot
//	@Description	be reached is retried with back-off (`state: retrying`, `error`). Kept in -mirrors-file, and following
//	@Description	again after a restart. Plain http:// only to a loopback source, unless `insecure`. Admin only: it reads
//	@Description	files of this machine. `layout` copies and writes whole frames by the layout's protocol. `producer`
//	@Description	(acc, iracing, …) instead of `mapping` mirrors a catalogue producer's mappings, by their layouts and on
//	@Description	their events; `pages` say how each goes.
//	@Tags			mirrors
//	@Param			mirror	body	Mirror	true	"What to mirror"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request (see detail)"
//	@Failure		409	{object}	Problem	"exists: the local name exists, or another mirror writes into it; limit-reached: -max-mirrors"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		502	{object}	Problem	"source-failed: the source refused the token, or does not hold the mapping"
//	@Produce		json
//	@Success		201	{object}	Mirror	"following, or retrying"
//	@Security		BearerAuth
//	@Router			/v1/mirrors [post]
func (s *server) createMirror(w http.ResponseWriter, r *http.Request) error {
	var req Mirror
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	sp := mirror.Spec{Source: req.Source, Credentials: req.Credentials, CA: req.CA, Insecure: req.Insecure,
		Mapping: req.Mapping, As: req.As, Interval: req.Interval, Event: req.Event, Events: req.Events, Layout: req.Layout, Producer: req.Producer, Mode: req.Mode}
	sp, err := s.mirrors.Add(r.Context(), sp)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/mirrors/"+sp.ID)
	return writeJSON(w, http.StatusCreated, s.mirrorOf(sp))
}

// listMirrors godoc
//
//	@Summary	List the mirrors
//	@ID			listMirrors
//	@Tags		mirrors
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{array}	Mirror
//	@Security	BearerAuth
//	@Router		/v1/mirrors [get]
func (s *server) listMirrors(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.mirrors.Store().List(), s.mirrorOf)
}

// getMirror godoc
//
//	@Summary	Show one mirror
//	@ID			getMirror
//	@Tags		mirrors
//	@Param		id	path	string	true	"Mirror id"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Mirror
//	@Security	BearerAuth
//	@Router		/v1/mirrors/{id} [get]
func (s *server) getMirror(w http.ResponseWriter, r *http.Request) error {
	sp, err := s.mirrors.Store().Get(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.mirrorOf(sp))
}

// deleteMirror godoc
//
//	@Summary		Stop and remove a mirror
//	@ID				deleteMirror
//	@Description	The local mapping (and events) the mirror created are closed and removed, unless `keep=true`: then the
//	@Description	daemon holds them on, as if created through the API.
//	@Tags			mirrors
//	@Param			id		path	string	true	"Mirror id"
//	@Param			keep	query	boolean	false	"Keep the local mapping and events"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request"
//	@Failure		404	{object}	Problem	"not-found"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/mirrors/{id} [delete]
func (s *server) deleteMirror(w http.ResponseWriter, r *http.Request) error {
	keep, err := boolParam(queryOf(r), "keep")
	if err != nil {
		return err
	}
	if err := s.mirrors.Remove(chi.URLParam(r, "id"), keep); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
