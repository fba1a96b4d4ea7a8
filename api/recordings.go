package api

import (
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/record"
	"github.com/shmbridge/shmbridge/internal/registry"
)

// Recordings keep a mapping's frames over time in files (package record, which plans and runs them too): a
// range, or a layout's frames read consistently by its protocol, at an interval or on an event. They are
// downloaded, exported as decoded fields (export.go, package export) and replayed into a mapping (replay.go,
// package replay).

// Defaults of the recordings' flags.
const (
	DefaultMaxRecordings     = 8
	DefaultRecordingsBudget  = 1 << 30
	DefaultRecordingsMinFree = 256 << 20
	recordingContentType     = "application/vnd.shmbridge.recording"
)

// RecordingRequest is what to record (POST /v1/recordings).
type RecordingRequest struct {
	// Mapping is the mapping recorded (the daemon opens it, read-only, if it does not hold it).
	Mapping string `json:"mapping" validate:"required" example:"Local\\acpmf_physics"`
	// Layout records the layout's frames, each read by its protocol (default: the mapping's default layout,
	// unless offset or length are given).
	Layout string `json:"layout,omitempty" example:"acc_physics"`
	// Offset and Length record a range of bytes instead (default: the whole mapping).
	Offset *int64 `json:"offset,omitempty" example:"0"`
	Length *int64 `json:"length,omitempty" example:"4096"`
	// Interval is how often a frame is sampled (default 100ms), or Event the held event whose firings sample
	// one. A frame is kept when it differs from the one before.
	Interval string `json:"interval,omitempty" example:"10ms"`
	Event    string `json:"event,omitempty" example:"Local\\TelemetryReady"`
	// MaxBytes and MaxDuration end the recording (default: only the daemon's budget, -recordings-budget).
	MaxBytes    int64  `json:"max_bytes,omitempty" example:"10485760"`
	MaxDuration string `json:"max_duration,omitempty" example:"10m"`
}

// Recording is a recording's state.
type Recording struct {
	ID      string `json:"id" example:"r0a1b2c3d4e5f"`
	Mapping string `json:"mapping" example:"Local\\acpmf_physics"`
	// Layout is the layout its frames were read by ("": a range of bytes).
	Layout string `json:"layout,omitempty" example:"acc_physics"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length" example:"800"`
	// Consistency is how each frame was read: seqlock, ring, mutex, spinlock, frame or none.
	Consistency string `json:"consistency" enums:"seqlock,ring,mutex,spinlock,frame,none" example:"seqlock"`
	Interval    string `json:"interval,omitempty" example:"10ms"`
	Event       string `json:"event,omitempty"`
	// State is recording, stopped, or damaged (its file is not whole: problem says where).
	State string `json:"state" enums:"recording,stopped,damaged" example:"stopped"`
	// Reason is why it stopped: stopped (asked to), max-bytes, max-duration, budget (-recordings-budget),
	// disk-full, mapping-closed, shutdown, failed (the log says why), interrupted (the daemon was killed: the
	// recording was completed at the next start, up to its last whole frame).
	Reason string `json:"reason,omitempty" enums:"stopped,max-bytes,max-duration,budget,disk-full,mapping-closed,shutdown,failed,interrupted" example:"stopped"`
	// Frames are the frames kept; Bytes the file's size.
	Frames int64 `json:"frames" example:"6000"`
	Bytes  int64 `json:"bytes" example:"1048576"`
	// Started is when it began; Duration the seconds from then to its last frame.
	Started  time.Time  `json:"started" format:"date-time"`
	Duration float64    `json:"duration" example:"60.02"`
	Ended    *time.Time `json:"ended,omitempty" format:"date-time"`
	// Problem says what is wrong with a damaged recording's file, at ProblemOffset.
	Problem       string `json:"problem,omitempty"`
	ProblemOffset *int64 `json:"problem_offset,omitempty"`
}

func recordingOf(i record.Info) Recording {
	h := i.Header
	r := Recording{ID: i.ID, Mapping: h.Mapping, Layout: h.Layout, Offset: h.Offset, Length: h.Length, Consistency: h.Consistency,
		Event: h.Event, State: i.State, Reason: i.Reason, Frames: i.Frames, Bytes: i.Bytes, Started: h.Started}
	if h.Interval > 0 {
		r.Interval = h.Interval.String()
	}
	if !i.Last.IsZero() {
		r.Duration = i.Last.Sub(h.Started).Seconds()
	}
	if !i.Ended.IsZero() {
		r.Ended = &i.Ended
	}
	if i.Problem != nil {
		r.Problem, r.ProblemOffset = i.Problem.Detail, &i.Problem.Offset
	}
	return r
}

// createRecording godoc
//
//	@Summary		Start a recording of a mapping
//	@ID				createRecording
//	@Description	Records a mapping's frames into a file of -recordings-dir: a layout's frames, each one consistent copy read
//	@Description	by its protocol (seqlock, ring, mutex), or a range of bytes; sampled at `interval` or on `event`; a frame
//	@Description	kept when it changed (its time, its counter where the layout has one, the bytes that changed). It runs
//	@Description	until POST …/stop, `max_bytes`, `max_duration`, the daemon's budget (-recordings-budget) or the file
//	@Description	system's reserve (-recordings-min-free). The file format is documented (docs/recordings.md): a
//	@Description	recording cut short is readable up to its last whole frame.
//	@Tags			recordings
//	@Param			recording	body	RecordingRequest	true	"What to record"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request (see detail), invalid-layout"
//	@Failure		404	{object}	Problem	"not-found: the mapping, the layout, the event"
//	@Failure		409	{object}	Problem	"limit-reached: -max-recordings under way"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		416	{object}	Problem	"out-of-range"
//	@Failure		503	{object}	Problem	"busy: the copies would be over -max-buffered"
//	@Failure		501	{object}	Problem	"unsupported: recordings are off (-recordings-dir -)"
//	@Failure		507	{object}	Problem	"no-space: the budget is spent, or the file system is at its reserve"
//	@Produce		json
//	@Success		201	{object}	Recording	"recording"
//	@Security		BearerAuth
//	@Router			/v1/recordings [post]
func (s *server) createRecording(w http.ResponseWriter, r *http.Request) error {
	var req RecordingRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	h, src, lim, err := s.resources.Prepare(record.Request{Mapping: req.Mapping, Layout: req.Layout, Offset: req.Offset, Length: req.Length,
		Interval: req.Interval, Event: req.Event, MaxBytes: req.MaxBytes, MaxDuration: req.MaxDuration})
	if err != nil {
		return err
	}
	info, err := s.recordings.Start(h, src, lim)
	if err != nil {
		src.Close()
		return err
	}
	s.log.Info("recording", "id", info.ID, "mapping", h.Mapping, "layout", h.Layout, "bytes", h.Length)
	w.Header().Set("Location", "/v1/recordings/"+info.ID)
	return writeJSON(w, http.StatusCreated, recordingOf(info))
}

// recordingResources are what the recordings and replays are planned with and take from: the server's
// registry, layouts, plans, budget and sample rate, its events as a request names them, its intervals.
func (s *server) recordingResources() record.Resources {
	return record.Resources{Registry: s.reg, Layouts: s.layouts, Plans: s.plans, Budget: s.budget, Samples: s.hub,
		Recordings: s.recordings, MinInterval: s.minWatch, MaxInterval: maxWatchInterval,
		Event: func(name string) (*registry.Event, error) {
			return heldObject(s.reg.GetEvent, registry.KindEvent, name)
		}}
}

// listRecordings godoc
//
//	@Summary	List the recordings
//	@ID			listRecordings
//	@Tags		recordings
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{array}	Recording
//	@Security	BearerAuth
//	@Router		/v1/recordings [get]
func (s *server) listRecordings(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.recordings.List(), recordingOf)
}

// getRecording godoc
//
//	@Summary		Download a recording
//	@ID				getRecording
//	@Description	The recording's file (docs/recordings.md): while it records, its whole records so far. Range requests
//	@Description	are served.
//	@Tags			recordings
//	@Param			id	path	string	true	"Recording id"
//	@Produce		application/problem+json
//	@Failure		404	{object}	Problem	"not-found"
//	@Produce		application/vnd.shmbridge.recording
//	@Success		200	{file}	file	"the file"
//	@Success		206	{file}	file	"a range of it"
//	@Security		BearerAuth
//	@Router			/v1/recordings/{id} [get]
func (s *server) getRecording(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.recordings.Get(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	f, n, err := rec.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", recordingContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+rec.ID+`.shmrec"`)
	http.ServeContent(w, r, "", rec.Info().Header.Started, io.NewSectionReader(f, 0, n))
	return nil
}

// stopRecording godoc
//
//	@Summary	Stop a recording
//	@ID			stopRecording
//	@Tags		recordings
//	@Param		id	path	string	true	"Recording id"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Recording	"stopped (one that had stopped already: as it is)"
//	@Security	BearerAuth
//	@Router		/v1/recordings/{id}/stop [post]
func (s *server) stopRecording(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.recordings.Get(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	rec.Stop()
	return writeJSON(w, http.StatusOK, recordingOf(rec.Info()))
}

// deleteRecording godoc
//
//	@Summary	Stop and remove a recording
//	@ID			deleteRecording
//	@Tags		recordings
//	@Param		id	path	string	true	"Recording id"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Success	204
//	@Security	BearerAuth
//	@Router		/v1/recordings/{id} [delete]
func (s *server) deleteRecording(w http.ResponseWriter, r *http.Request) error {
	if err := s.recordings.Delete(chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
