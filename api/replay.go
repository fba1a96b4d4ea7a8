package api

import (
	"net/http"
	"time"

	"github.com/shmbridge/shmbridge/internal/replay"
)

// A replay writes a recording's frames into a mapping at their pace (or faster), as the producer wrote them
// (package replay): these handlers start, show and stop one.

// ReplayRequest is what to replay (POST /v1/mappings/{name}/replay).
type ReplayRequest struct {
	// Recording is the recording's id: a stopped one.
	Recording string `json:"recording" validate:"required" example:"r0a1b2c3d4e5f"`
	// Speed is how much faster than recorded (default 1; from 0.001 to 1000).
	Speed float64 `json:"speed,omitempty" example:"1"`
	// Loop plays it again from its first frame when it ends, until stopped.
	Loop bool `json:"loop,omitempty"`
	// Event is a held event set after each frame is written (a native consumer waits on it).
	Event string `json:"event,omitempty" example:"Local\\TelemetryReady"`
}

// Replay is a replay's state.
type Replay struct {
	Mapping   string  `json:"mapping" example:"Local\\acpmf_physics"`
	Recording string  `json:"recording" example:"r0a1b2c3d4e5f"`
	Speed     float64 `json:"speed" example:"1"`
	Loop      bool    `json:"loop"`
	Event     string  `json:"event,omitempty"`
	// State is playing, done (its last frame written: the mapping holds it), stopped (asked to: the mapping
	// holds the last frame written) or failed (error says why).
	State string `json:"state" enums:"playing,done,stopped,failed" example:"playing"`
	// Frames are the frames written, Loops the times it went back to the first.
	Frames  int64      `json:"frames" example:"1200"`
	Loops   int64      `json:"loops"`
	Started time.Time  `json:"started" format:"date-time"`
	Ended   *time.Time `json:"ended,omitempty" format:"date-time"`
	Error   string     `json:"error,omitempty"`
}

// replayOf is a replay's state as the API shows it.
func replayOf(i replay.Info) Replay {
	r := Replay{Mapping: i.Mapping, Recording: i.Recording, Speed: i.Speed, Loop: i.Loop, Event: i.Event, State: i.State,
		Frames: i.Frames, Loops: i.Loops, Started: i.Started}
	if !i.Ended.IsZero() {
		r.Ended = &i.Ended
	}
	if i.Err != nil {
		r.Error = i.Err.Error()
	}
	return r
}

// startReplay godoc
//
//	@Summary		Replay a recording into a mapping
//	@ID				startReplay
//	@Description	Writes the recording's frames into the mapping (held read_write, at least as large as the range
//	@Description	recorded) at their recorded pace times `speed` (at most one frame each -min-watch-interval), once or
//	@Description	in a `loop`, setting `event` after each frame.
//	@Description	A layout's frames are written by its protocol, as its producer writes them (a seqlock's counter odd
//	@Description	around the write, a ring's ticks and a frame field after the data, under its mutex). The file is read
//	@Description	through first: one that is not whole is 422 naming the offset. It ends with the mapping holding the
//	@Description	last frame; DELETE stops it.
//	@Tags			recordings
//	@Param			name	path	string			true	"Mapping name, percent-encoded"
//	@Param			replay	body	ReplayRequest	true	"What to replay"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request"
//	@Failure		404	{object}	Problem	"not-found: the mapping, the recording, the event"
//	@Failure		409	{object}	Problem	"in-progress: a replay into it plays, or the recording records; read-only"
//	@Failure		416	{object}	Problem	"out-of-range: the mapping is smaller than the range recorded"
//	@Failure		422	{object}	Problem	"invalid-recording: the file is not whole (see offset), or has no frame"
//	@Failure		503	{object}	Problem	"busy: its copies would be over -max-buffered"
//	@Produce		json
//	@Success		202	{object}	Replay	"playing"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/replay [post]
func (s *server) startReplay(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	var req ReplayRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	info, err := s.replays.Start(&s.resources, m, replay.Request{Recording: req.Recording, Speed: req.Speed, Loop: req.Loop, Event: req.Event})
	if err != nil {
		return err
	}
	w.Header().Set("Location", r.URL.Path)
	return writeJSON(w, http.StatusAccepted, replayOf(info))
}

// getReplay godoc
//
//	@Summary	Show the replay into a mapping
//	@ID			getReplay
//	@Tags		recordings
//	@Param		name	path	string	true	"Mapping name, percent-encoded"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found: no replay into it"
//	@Produce	json
//	@Success	200	{object}	Replay
//	@Security	BearerAuth
//	@Router		/v1/mappings/{name}/replay [get]
func (s *server) getReplay(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	info, err := s.replays.Get(m.Name())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, replayOf(info))
}

// stopReplay godoc
//
//	@Summary		Stop the replay into a mapping
//	@ID				stopReplay
//	@Description	The mapping keeps the last frame written.
//	@Tags			recordings
//	@Param			name	path	string	true	"Mapping name, percent-encoded"
//	@Produce		application/problem+json
//	@Failure		404	{object}	Problem	"not-found: no replay into it"
//	@Produce		json
//	@Success		200	{object}	Replay	"stopped (one that had ended: as it ended)"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/replay [delete]
func (s *server) stopReplay(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	info, err := s.replays.Stop(m.Name())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, replayOf(info))
}
