package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/shmbridge/shmbridge/internal/demo"
)

// The demo plays fake producers (a car lapping a track into ACC's, rFactor 2's and iRacing's pages, HWiNFO's
// sensors drifting) so that the dashboard shows something without a game: its routes. What it does is package
// demo's (its Runtime): the producers, what they make and remove.

// DemoRuntime plays the demo (demo.Runtime): at most one at a time, its starts and stops ordered.
type DemoRuntime interface {
	// Start plays the producers named (none: all); see demo.Runtime.Start for its errors.
	Start(producers []string) (demo.Status, error)
	// Stop stops what plays, removes what it made, and answers what played (nothing: it did nothing).
	Stop() demo.Status
	// Status is what plays now.
	Status() demo.Status
}

// DemoRequest is what POST /v1/demo plays.
type DemoRequest struct {
	// Producers are the demo's producers to play (GET /v1/demo lists them); none: all of them.
	Producers []string `json:"producers,omitempty" example:"acc,hwinfo"`
}

// Demo is what the demo plays.
type Demo struct {
	// Playing are the producers that play, each with its mappings: empty when the demo does not play.
	Playing []DemoProducer `json:"playing" validate:"required"`
	// Refused are the producers its start left out, and why: the program itself runs (its mapping exists, and
	// the demo never writes into another program's memory), or the OS refused a name.
	Refused []DemoRefusal `json:"refused,omitempty"`
	// Began is when it started.
	Began *time.Time `json:"began,omitempty" format:"date-time"`
	// Producers are all the producers the demo has.
	Producers []string `json:"producers" validate:"required" example:"acc,rf2,hwinfo,iracing"`
}

// DemoProducer is a producer of the demo that plays.
type DemoProducer struct {
	Producer string `json:"producer" validate:"required" example:"acc"`
	Title    string `json:"title" validate:"required" example:"Assetto Corsa Competizione"`
	// Mappings are the mappings it writes, each with the catalogue layout that reads it: open one (POST
	// /v1/mappings, mode open) as the program's own.
	Mappings []DemoMapping `json:"mappings" validate:"required"`
}

// DemoMapping is a mapping the demo writes.
type DemoMapping struct {
	Name   string `json:"name" validate:"required" example:"Local\\acpmf_physics"`
	Layout string `json:"layout" validate:"required" example:"acc_physics"`
}

// DemoRefusal is a producer the demo left out, and why.
type DemoRefusal struct {
	Producer string `json:"producer" validate:"required" example:"acc"`
	Reason   string `json:"reason" validate:"required"`
}

// demoOf is the demo's status as the API shows it.
func demoOf(st demo.Status) Demo {
	out := Demo{Playing: []DemoProducer{}, Producers: demo.Names()}
	for _, p := range st.Playing {
		dp := DemoProducer{Producer: p.Producer.Name, Title: p.Producer.Title, Mappings: make([]DemoMapping, len(p.Mappings))}
		for i, m := range p.Mappings {
			dp.Mappings[i] = DemoMapping{Name: m, Layout: p.Layouts[i]}
		}
		out.Playing = append(out.Playing, dp)
	}
	for _, r := range st.Refused {
		out.Refused = append(out.Refused, DemoRefusal{Producer: r.Producer, Reason: r.Err.Error()})
	}
	if !st.Began.IsZero() {
		t := st.Began.UTC()
		out.Began = &t
	}
	return out
}

// demoRuntime is the handler's demo; a handler without one (Config.Demo nil) answers 501 unsupported.
func (s *server) demoRuntime() (DemoRuntime, error) {
	if s.demo == nil {
		return nil, fail(probUnsupported, "this daemon has no demo")
	}
	return s.demo, nil
}

// getDemo godoc
//
//	@Summary		Show what the demo plays
//	@ID				getDemo
//	@Description	The demo's producers that play, each with its mappings and the catalogue layout of each (`playing`
//	@Description	is empty when the demo does not play), and every producer the demo has (`producers`).
//	@Tags			demo
//	@Produce		application/problem+json
//	@Failure		501	{object}	Problem	"unsupported: this daemon has no demo"
//	@Produce		json
//	@Success		200	{object}	Demo
//	@Security		BearerAuth
//	@Router			/v1/demo [get]
func (s *server) getDemo(w http.ResponseWriter, r *http.Request) error {
	rt, err := s.demoRuntime()
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, demoOf(rt.Status()))
}

// startDemo godoc
//
//	@Summary		Start the demo
//	@ID				startDemo
//	@Description	Plays fake producers into the mappings the real programs write, by their catalogue layouts, so that
//	@Description	the dashboard and scripts can be tried without a game: a car lapping a track (ACC, rFactor 2,
//	@Description	iRacing), HWiNFO's sensors drifting. The body is optional: `producers` (default all). A producer
//	@Description	whose mapping exists already (the program itself runs) is left out, never written into: `refused`
//	@Description	says why, and the others play; when none can, 409 exists. The demo plays until DELETE /v1/demo, or
//	@Description	until the daemon stops; then what it made is removed. Admin only: it creates names machine-wide.
//	@Tags			demo
//	@Param			request	body	DemoRequest	false	"The producers to play (default all)"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request: an unknown producer (the detail names the demo's)"
//	@Failure		409	{object}	Problem	"in-progress: the demo plays already; exists: every producer's mapping exists (the programs run)"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		501	{object}	Problem	"unsupported: this daemon has no demo"
//	@Failure		503	{object}	Problem	"shutting-down"
//	@Produce		json
//	@Success		201	{object}	Demo	"playing"
//	@Security		BearerAuth
//	@Router			/v1/demo [post]
func (s *server) startDemo(w http.ResponseWriter, r *http.Request) error {
	rt, err := s.demoRuntime()
	if err != nil {
		return err
	}
	var req DemoRequest
	if r.ContentLength != 0 { // the body is optional: none plays every producer
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	st, err := rt.Start(req.Producers)
	if err != nil {
		return demoProblem(err)
	}
	w.Header().Set("Location", "/v1/demo")
	return writeJSON(w, http.StatusCreated, demoOf(st))
}

// demoProblem is the problem a start of the demo failed with.
func demoProblem(err error) error {
	switch {
	case errors.Is(err, demo.ErrUnknown):
		return recast(probInvalidRequest, demo.ErrUnknown, err)
	case errors.Is(err, demo.ErrPlaying):
		return recast(probInProgress, demo.ErrPlaying, err)
	case errors.Is(err, demo.ErrClosed):
		return recast(probShuttingDown, demo.ErrClosed, err)
	case errors.Is(err, demo.ErrTaken):
		return recast(probExists, demo.ErrTaken, err)
	}
	return err // an OS refusal (access-denied: a Global\ name without its privilege), as any other
}

// stopDemo godoc
//
//	@Summary		Stop the demo
//	@ID				stopDemo
//	@Description	Stops the demo's producers and removes what they made; the daemon closes its own handles on the
//	@Description	demo's mappings (views and watch streams of them end). 204 also when nothing plays: the demo is
//	@Description	stopped either way, and a script's clean-up or a second click need not tell the two apart (GET
//	@Description	/v1/demo says whether it plays).
//	@Tags			demo
//	@Produce		application/problem+json
//	@Failure		501	{object}	Problem	"unsupported: this daemon has no demo"
//	@Success		204
//	@Security		BearerAuth
//	@Router			/v1/demo [delete]
func (s *server) stopDemo(w http.ResponseWriter, r *http.Request) error {
	rt, err := s.demoRuntime()
	if err != nil {
		return err
	}
	rt.Stop()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
