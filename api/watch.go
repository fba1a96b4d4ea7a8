package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/watch"
	sse "github.com/tmaxmax/go-sse"
)

// Watch streams: defaults and caps.
const (
	defaultWatchInterval = 10 * time.Millisecond
	maxWatchInterval     = time.Hour
	// DefaultMaxWatchers is the default of Config.MaxWatchers.
	DefaultMaxWatchers = 1024
	// DefaultMaxSamplers is the default of Config.MaxSamplers.
	DefaultMaxSamplers = 1024
	// DefaultMaxSampleRate is the default of Config.MaxSampleRate: 200 streams at the default 10 ms.
	DefaultMaxSampleRate = 20000
	// DefaultMinWatchInterval is the default of Config.MinWatchInterval.
	DefaultMinWatchInterval = time.Millisecond
	// DefaultMaxLayouts is how many layouts a store keeps by default.
	DefaultMaxLayouts = 256
	// DefaultWatchHeartbeat is the default of Config.WatchHeartbeat.
	DefaultWatchHeartbeat = 15 * time.Second
)

// WatchData is the JSON data of every message of a watch stream (text/event-stream). The event type says
// which fields are set: snapshot (mapping, seq, at, offset, and data or text), change (mapping, seq, at, and
// spans or text), closed (mapping, seq, at, reason), signal (event, seq, at).
type WatchData struct {
	// Mapping is the mapping the message is about (every message but signal).
	Mapping string `json:"mapping,omitempty" example:"Local\\Telemetry"`
	// Event is the event a signal message is about.
	Event string `json:"event,omitempty"`
	// Seq increases with every change the daemon saw (per mapping, or per event for signals).
	Seq int64 `json:"seq" validate:"required"`
	// At is when the daemon saw the state (RFC 3339, sub-second).
	At time.Time `json:"at" validate:"required" format:"date-time"`
	// Offset is where a snapshot's data starts (absolute, in the mapping).
	Offset *int64 `json:"offset,omitempty"`
	// Data is a snapshot's bytes: base64 (format=base64, the default) or hex (format=hex).
	Data string `json:"data,omitempty"`
	// Text is the text up to the first NUL, whole, in snapshots and changes of an as=text stream.
	Text *string `json:"text,omitempty"`
	// Spans are a change's changed byte runs, at absolute offsets; runs close together are merged.
	Spans []WatchSpan `json:"spans,omitempty"`
	// Reason says why a source's stream ends: closed (the mapping, or the watched event, was closed: DELETE),
	// event-closed (the event that triggered the samples was closed; the mapping is still held), shutdown, or
	// the error that ended it.
	Reason string `json:"reason,omitempty"`
}

// WatchSpan is a run of changed bytes.
type WatchSpan struct {
	Offset int64  `json:"offset" validate:"required"`
	Data   string `json:"data" validate:"required"`
}

// watchMapping godoc
//
//	@Summary		Watch a mapping change (Server-Sent Events)
//	@ID				watchMapping
//	@Description	A text/event-stream: first `event: snapshot` (the bytes from `offset` for `length`), then `event: change`
//	@Description	for each change the daemon sees, by any program, with only the changed byte runs (`spans`, at absolute
//	@Description	offsets). It samples every `interval`; or, with `event=NAME`, each time that event (held by the daemon)
//	@Description	fires. Every message has an increasing `id:` and JSON `data:` (WatchData). `event: closed` ends the stream
//	@Description	when the mapping is closed or the daemon stops; comments (`: keep-alive`) every 15 s tell a quiet producer
//	@Description	from a dead connection. A client that falls behind gets a fresh snapshot instead of the changes it
//	@Description	missed. Reconnecting (Last-Event-ID) starts with a fresh snapshot: state, not history. A browser reads
//	@Description	it with fetch (an EventSource cannot send Authorization).
//	@Tags			watch
//	@Param			name		path	string	true	"Mapping name, percent-encoded"
//	@Param			offset		query	integer	false	"Start offset in bytes"					minimum(0)
//	@Param			length		query	integer	false	"Number of bytes (default: to the end)"	minimum(0)
//	@Param			interval	query	string	false	"How often to sample: 10ms (default), at least -min-watch-interval, at most 1h"
//	@Param			event		query	string	false	"Sample when this event fires instead (an event the daemon holds)"
//	@Param			format		query	string	false	"How bytes travel"																	Enums(base64, hex)
//	@Param			as			query	string	false	"bytes (default) or text: the whole text up to the first NUL, whenever it changes"	Enums(bytes, text)
//	@Param			encoding	query	string	false	"Text encoding for as=text"															Enums(utf-8, utf-16le)
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request (also: a range over 16 MiB, an auto-reset event on Windows), invalid-name"
//	@Failure		404	{object}	Problem	"not-found (the mapping, or the event)"
//	@Failure		416	{object}	Problem	"out-of-range"
//	@Failure		429	{object}	Problem	"too-many-watchers (-max-watchers), too-many-samplers (-max-samplers, -max-sample-rate; see Retry-After)"
//	@Failure		413	{object}	Problem	"too-large: the watched bytes need more memory than the whole budget (-max-buffered)"
//	@Failure		503	{object}	Problem	"busy: the memory budget (-max-buffered) is in use (see Retry-After)"
//	@Produce		text/event-stream
//	@Success		200	{object}	WatchData	"a stream of messages whose data is WatchData"
//	@Security		BearerAuth
//	@Router			/v1/mappings/{name}/watch [get]
func (s *server) watchMapping(w http.ResponseWriter, r *http.Request) error {
	m, err := s.mapping(r)
	if err != nil {
		return err
	}
	q := queryOf(r)
	opts, err := s.parseWatch(q, false)
	if err != nil {
		return err
	}
	off, _, err := intParam(q, "offset", 0)
	if err != nil {
		return err
	}
	n, _, err := intParam(q, "length", max(m.Size()-off, 0))
	if err != nil {
		return err
	}
	if err := m.CheckRange("read", off, n); err != nil {
		return err
	}
	if n > maxWatchLength {
		return fail(probInvalidRequest, fmt.Sprintf("a watch samples at most %d bytes: choose a range with offset and length", maxWatchLength))
	}
	src := opts
	src.Mapping, src.Off, src.N = m, off, n
	return s.stream(w, r, []watch.Source{src})
}

// watchMany godoc
//
//	@Summary		Watch several mappings and events on one stream (Server-Sent Events)
//	@ID				watchMany
//	@Description	One stream for several things (a browser allows only 6 connections per host over HTTP/1.1): for each
//	@Description	`mapping`, whole, the messages of GET /v1/mappings/{name}/watch, each naming its mapping; for each
//	@Description	`event`, an `event: signal` message each time the daemon sees it set or pulsed, without taking the
//	@Description	signal from anyone. On Windows only manual-reset events can be watched (a wait on an auto-reset event
//	@Description	consumes its signal): an auto-reset one is 400. `interval`, `format`, `as` and `encoding` apply to the
//	@Description	mappings. The stream ends when everything it watches is closed.
//	@Tags			watch
//	@Param			mapping		query	[]string	false	"A mapping to watch (repeat for several)"				collectionFormat(multi)
//	@Param			event		query	[]string	false	"An event whose signals to report (repeat for several)"	collectionFormat(multi)
//	@Param			interval	query	string		false	"How often to sample the mappings: 10ms (default), at least -min-watch-interval, at most 1h"
//	@Param			format		query	string		false	"How bytes travel"			Enums(base64, hex)
//	@Param			as			query	string		false	"bytes (default) or text"	Enums(bytes, text)
//	@Param			encoding	query	string		false	"Text encoding for as=text"	Enums(utf-8, utf-16le)
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name"
//	@Failure		404	{object}	Problem	"not-found (a mapping or an event)"
//	@Failure		429	{object}	Problem	"too-many-watchers (-max-watchers), too-many-samplers (-max-samplers, -max-sample-rate; see Retry-After)"
//	@Failure		413	{object}	Problem	"too-large: the watched bytes need more memory than the whole budget (-max-buffered)"
//	@Failure		503	{object}	Problem	"busy: the memory budget (-max-buffered) is in use (see Retry-After)"
//	@Produce		text/event-stream
//	@Success		200	{object}	WatchData	"a stream of messages whose data is WatchData"
//	@Security		BearerAuth
//	@Router			/v1/watch [get]
func (s *server) watchMany(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	mappings, events := q.All("mapping"), q.All("event")
	if len(mappings)+len(events) == 0 {
		return fail(probInvalidRequest, "name at least one mapping= or event=")
	}
	if len(mappings)+len(events) > maxWatchSources {
		return fail(probInvalidRequest, fmt.Sprintf("at most %d mappings and events on one stream", maxWatchSources))
	}
	opts, err := s.parseWatch(q, true)
	if err != nil {
		return err
	}
	var sources []watch.Source
	for _, name := range mappings {
		m, err := s.reg.GetMapping(name)
		if err != nil {
			return err
		}
		if m.Size() > maxWatchLength {
			return fail(probInvalidRequest, fmt.Sprintf("%s is over %d bytes, the most a watch samples: watch a range of it with GET /v1/mappings/{name}/watch?offset=&length=", quote(name), maxWatchLength))
		}
		src := opts
		src.Mapping, src.N = m, m.Size()
		sources = append(sources, src)
	}
	for _, name := range events {
		e, err := s.reg.GetEvent(name)
		if err != nil {
			return err
		}
		sources = append(sources, watch.Source{Event: e})
	}
	return s.stream(w, r, sources)
}

// maxWatchSources caps what one stream watches; maxWatchLength the bytes of one watched range.
const (
	maxWatchSources = 64
	maxWatchLength  = 16 << 20
)

// parseWatch reads the parameters every watch has: interval or event (the event that triggers samples, but on
// /v1/watch, many: the events to report), format, as and encoding.
func (s *server) parseWatch(q query, many bool) (watch.Source, error) {
	var src watch.Source
	trigger := ""
	if !many {
		if q.Has("event") && q.Has("interval") {
			return src, fail(probInvalidRequest, "give interval or event, not both")
		}
		trigger = q.Get("event")
	}
	if trigger != "" {
		e, err := heldObject(s.reg.GetEvent, registry.KindEvent, trigger)
		if err != nil {
			return src, err
		}
		src.Event = e
	} else {
		d := defaultWatchInterval
		if v := q.Get("interval"); v != "" {
			var err error
			if d, err = time.ParseDuration(v); err != nil || d <= 0 || d < s.minWatch || d > maxWatchInterval {
				return src, fail(probInvalidRequest, fmt.Sprintf("interval must be a duration from %s (-min-watch-interval) to %s: 10ms, 100ms, 1s", s.minWatch, maxWatchInterval))
			}
		}
		src.Interval = d
	}
	switch as, f := q.Get("as"), q.Get("format"); {
	case as == "text" && f != "":
		return src, fail(probInvalidRequest, "format applies to bytes, not to as=text")
	case as == "text":
		enc, err := encodingParam(q, "utf-8")
		if err != nil {
			return src, err
		}
		src.Format = watch.Format(enc.name) // watch.UTF8, watch.UTF16LE
	case as != "" && as != "bytes":
		return src, fail(probInvalidRequest, `as must be "bytes" or "text"`)
	case q.Has("encoding"):
		return src, fail(probInvalidRequest, "encoding needs as=text")
	case f == "" || f == "base64":
		src.Format = watch.Base64
	case f == "hex":
		src.Format = watch.Hex
	default:
		return src, fail(probInvalidRequest, `format must be "base64" or "hex"`)
	}
	return src, nil
}

// stream subscribes to sources and writes their messages as Server-Sent Events until every source has ended,
// the client goes away or the daemon stops.
func (s *server) stream(w http.ResponseWriter, r *http.Request, sources []watch.Source) error {
	for _, src := range sources {
		if err := s.buffers.fits(watch.SamplerCost(src.N, src.Format)); err != nil {
			return err // its snapshot could never be made
		}
	}
	sub, err := s.hub.Subscribe(sources)
	switch {
	case errors.Is(err, watch.ErrTooManyWatchers):
		return fail(probTooManyWatchers, fmt.Sprintf("%d streams are open already, the daemon's limit (-max-watchers)", s.hub.MaxWatchers)).
			with("Retry-After", "1")
	case errors.Is(err, watch.ErrTooManySamplers):
		return fail(probTooManySamplers, fmt.Sprintf("%d distinct ranges are watched already, the daemon's limit (-max-samplers): "+
			"watch what others watch (the same range, interval and format share one sampler)", s.hub.MaxSamplers)).with("Retry-After", "1")
	case errors.Is(err, watch.ErrSampleRate):
		return fail(probTooManySamplers, fmt.Sprintf("the watches running sample %g times a second together, the daemon's limit (-max-sample-rate): "+
			"ask for a longer interval, or watch on an event", s.hub.MaxSampleRate)).with("Retry-After", "1")
	case err != nil:
		return err
	}
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	sess, err := sse.Upgrade(w, r)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{}) // a GET has no body to wait for: the stream lives as long as it is read
	heartbeat := time.NewTicker(s.heartbeat)
	defer heartbeat.Stop()
	var id int64
	// send writes msgs (zero-copy: each message's one encoding is shared by every stream that sends it) and
	// lets go of them: the memory a stream holds is the budget's while it writes.
	send := func(msgs []*watch.Message) bool {
		defer func() {
			for _, m := range msgs {
				m.Release()
			}
		}()
		rc.SetWriteDeadline(time.Now().Add(30 * time.Second)) // a client that stops reading is cut after 30 s
		for _, m := range msgs {
			id++
			e := &sse.Message{ID: sse.ID(strconv.FormatInt(id, 10)), Type: sse.Type(m.Type)}
			e.AppendData(m.Data)
			if sess.Send(e) != nil {
				return false
			}
		}
		return sess.Flush() == nil
	}
	if !send(nil) { // the headers, at once
		return nil
	}
	for {
		select {
		case <-sub.Ready():
			msgs, ended := sub.Next()
			if !send(msgs) || ended {
				return nil
			}
		case <-heartbeat.C:
			e := &sse.Message{}
			e.AppendComment("keep-alive")
			rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
			if sess.Send(e) != nil || sess.Flush() != nil {
				return nil
			}
		case <-s.stopping:
			send(sub.End("shutdown"))
			return nil
		case <-r.Context().Done():
			select {
			case <-s.stopping: // the daemon's shutdown cancels requests too
				send(sub.End("shutdown"))
			default: // the client went away
			}
			return nil
		}
	}
}
