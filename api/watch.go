package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
	sse "github.com/tmaxmax/go-sse"
)

// Watch streams: defaults and caps.
const (
	defaultWatchInterval = 10 * time.Millisecond
	// MaxWatchInterval is the longest interval a watch, or an mqtt publisher, samples at.
	MaxWatchInterval = time.Hour
	maxWatchInterval = MaxWatchInterval
	// DefaultMaxWatchers is the default of Config.MaxWatchers.
	DefaultMaxWatchers = 1024
	// DefaultMaxSamplers is the default of Config.MaxSamplers.
	DefaultMaxSamplers = 1024
	// DefaultMaxSampleRate is the default of Config.MaxSampleRate: 200 streams at the default 10 ms.
	DefaultMaxSampleRate = 20000
	// DefaultMinWatchInterval is the default of Config.MinWatchInterval.
	DefaultMinWatchInterval = time.Millisecond
	// DefaultWatchHeartbeat is the default of Config.WatchHeartbeat.
	DefaultWatchHeartbeat = 15 * time.Second
)

// DefaultMaxLayouts is how many layouts a store keeps by default: the daemon's -max-layouts, and the store in
// memory of a Config without Layouts.
const DefaultMaxLayouts = 256

// WatchData is the JSON data of every message of a watch stream (text/event-stream). The event type says
// which fields are set: snapshot (mapping, seq, at, offset, and data or text; decoded: layout, version,
// fields), change (mapping, seq, at, and spans, or with full=true offset and data, or text), fields (a decoded
// stream's change: mapping, seq, at, layout, version, frames, fields), error (a decoded stream's frame that
// could not be read or decoded: mapping, seq, at, layout, error), closed (mapping, seq, at, reason), signal
// (event, seq, at), warnings (what a decoded stream's layout likely decodes wrong, once, before its first
// snapshot, if it has any: mapping, seq 0, at, layout, warnings).
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
	// Layout is the layout a decoded stream decodes by.
	Layout string `json:"layout,omitempty"`
	// Version is the frame's counter (the seqlock's, the ring's newest tick, the frame field) in a decoded
	// stream whose layout has one.
	Version *uint64 `json:"version,omitempty"`
	// Frames is how many frames the producer made since the stream's previous message about this mapping
	// (more than 1: frames were coalesced), where the layout has a counter.
	Frames *uint64 `json:"frames,omitempty"`
	// Fields are the decoded fields: all the selected ones in a snapshot; in a fields message only what
	// changed, to merge into the snapshot: an object into an object by key, an object into an array by item
	// index, anything else replacing what was there (null: no value now).
	Fields map[string]any `json:"fields,omitempty"`
	// Error says why a decoded stream's frame could not be read or decoded (said once, until a frame decodes
	// again, which comes as a snapshot).
	Error *WatchError `json:"error,omitempty"`
	// Warnings, in a warnings message, are what the layout likely decodes wrong (GET …/fields says them in
	// Shmbridge-Warning headers): the field each is about, and what is likely missing.
	Warnings []LayoutWarning `json:"warnings,omitempty"`
	// Reason says why a source's stream ends: closed (the mapping, or the watched event, was closed: DELETE),
	// event-closed (the event that triggered the samples was closed; the mapping is still held), shutdown,
	// revoked or expired (the scoped token the stream was opened with), or the error that ended it.
	Reason string `json:"reason,omitempty"`
}

// WatchError is why a decoded stream's frame failed.
type WatchError struct {
	// Kind is the problem type it would be on GET …/fields: decode-failed, version-mismatch, inconsistent,
	// locked, decoded-too-large, busy, fault.
	Kind   string `json:"kind" validate:"required"`
	Detail string `json:"detail" validate:"required"`
	// Path and Offset are where a decode failed; Path alone, the field a version check found another version
	// in.
	Path   string `json:"path,omitempty"`
	Offset *int64 `json:"offset,omitempty"`
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
//	@Description	offsets; with `full=true`, the whole range as `data`). It samples every `interval`; or, with `event=NAME`,
//	@Description	each time that event (held by the daemon) fires; with `lock=MUTEX`, each sample is copied under that
//	@Description	mutex. With `layout=ID` (empty: the mapping's default layout) the stream is decoded: each sample one
//	@Description	consistent frame read by the layout's protocol, a snapshot of the selected `fields`, then `event: fields`
//	@Description	with only the fields that changed (see WatchData.fields), and `frames`, how many frames the producer made
//	@Description	since the previous message. A layout that likely decodes the mapping wrong (see GET …/fields) says so
//	@Description	first, in one `event: warnings`. Every message has an increasing `id:` and JSON `data:` (WatchData).
//	@Description	`event: closed` ends the stream when the mapping is closed or the daemon stops; comments (`: keep-alive`)
//	@Description	every 15 s tell a quiet producer from a dead connection. A client that falls behind gets a fresh snapshot
//	@Description	instead of the changes it missed. Reconnecting (Last-Event-ID) starts with a fresh snapshot: state, not
//	@Description	history. A browser reads it with fetch (an EventSource cannot send Authorization).
//	@Tags			watch
//	@Param			name			path	string	true	"Mapping name, percent-encoded"
//	@Param			offset			query	integer	false	"Start offset in bytes"					minimum(0)
//	@Param			length			query	integer	false	"Number of bytes (default: to the end)"	minimum(0)
//	@Param			interval		query	string	false	"How often to sample: 10ms (default), at least -min-watch-interval, at most 1h"
//	@Param			event			query	string	false	"Sample when this event fires instead (an event the daemon holds)"
//	@Param			format			query	string	false	"How bytes travel"																																								Enums(base64, hex)
//	@Param			as				query	string	false	"bytes (default); text: the whole text up to the first NUL, whenever it changes; frames (with layout): bytes, each sample one consistent frame copied by the layout's protocol"	Enums(bytes, text, frames)
//	@Param			encoding		query	string	false	"Text encoding for as=text"																																						Enums(utf-8, utf-16le)
//	@Param			lock			query	string	false	"A named mutex (one the daemon holds) to hold while copying each sample"
//	@Param			lock_timeout	query	string	false	"How long to wait for the mutex: 5s, 250ms (default 5s, at most 5m)"
//	@Param			full			query	boolean	false	"Send the whole range in every change, not the changed runs"
//	@Param			layout			query	string	false	"Decode by this layout (empty: the mapping's default): a stream of fields"
//	@Param			fields			query	string	false	"With layout: comma-separated field paths a.b,c[2]"
//	@Param			access_token	query	string	false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request (also: a range over 16 MiB, an auto-reset event on Windows), invalid-name, invalid-layout"
//	@Failure		404	{object}	Problem	"not-found (the mapping, the event, the mutex or the layout)"
//	@Failure		416	{object}	Problem	"out-of-range"
//	@Failure		422	{object}	Problem	"decode-failed: the mapping's first frame does not decode by the layout (see path, offset), or the layout is larger than the mapping; version-mismatch: it holds another version than the layout describes (see path)"
//	@Failure		423	{object}	Problem	"locked: the mutex stayed held for lock_timeout"
//	@Failure		429	{object}	Problem	"too-many-watchers (-max-watchers), too-many-samplers (-max-samplers, -max-sample-rate; see Retry-After)"
//	@Failure		413	{object}	Problem	"too-large: the watched bytes need more memory than the whole budget (-max-buffered); decoded-too-large"
//	@Failure		503	{object}	Problem	"busy: the memory budget (-max-buffered) is in use (see Retry-After); inconsistent"
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
	if q.Get("as") == "frames" {
		src, err := s.framesSource(m, q, opts)
		if err != nil {
			return err
		}
		return s.stream(w, r, []watch.Source{src})
	}
	if q.Has("layout") {
		for _, k := range []string{"offset", "length", "format", "as", "encoding", "lock", "lock_timeout", "full"} {
			if q.Has(k) {
				return fail(probInvalidRequest, fmt.Sprintf("%s applies to a stream of bytes, not to one decoded by a layout (which reads by its own protocol)", k))
			}
		}
		src, warned, err := s.decodedSource(m, q.Get("layout"), q.Get("fields"), opts)
		if err != nil {
			return err
		}
		return s.stream(w, r, []watch.Source{src}, warned...)
	}
	if q.Has("fields") {
		return fail(probInvalidRequest, "fields selects decoded fields: give a layout= too")
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
	p := dataParams{}
	if p.lock, p.lockTimeout, err = lookupParam(q, "lock", "lock_timeout", defaultLockTimeout, s.reg.GetMutex, registry.KindMutex); err != nil {
		return err
	}
	if err := p.lockFits(n); err != nil {
		return err
	}
	src := opts
	if src.Full, err = boolParam(q, "full"); err != nil {
		return err
	}
	src.Mapping, src.Off, src.N, src.Lock, src.LockTimeout = m, off, n, p.lock, p.lockTimeout
	return s.stream(w, r, []watch.Source{src})
}

// framesSource is a stream of m's bytes whose every sample is one consistent frame, copied by the protocol of
// the layout layout= names ("": m's default): what a mirror writes by the same protocol on its side.
func (s *server) framesSource(m *registry.Mapping, q query, opts watch.Source) (watch.Source, error) {
	for _, k := range []string{"offset", "length", "encoding", "lock", "lock_timeout", "full", "fields"} {
		if q.Has(k) {
			return opts, fail(probInvalidRequest, fmt.Sprintf("%s does not apply to as=frames: each sample is the layout's whole frame, copied by its protocol", k))
		}
	}
	if !q.Has("layout") {
		return opts, fail(probInvalidRequest, "as=frames copies each frame by a layout's protocol: give layout=ID (empty: the mapping's default)")
	}
	l, _, err := view.Of(s.layouts, m, q.Get("layout"))
	if err != nil {
		return opts, err
	}
	p, err := s.plans.Plan(m, l, "")
	if err != nil {
		return opts, err
	}
	if p.Frame.N > maxWatchLength {
		return opts, fail(probInvalidRequest, fmt.Sprintf("a watch samples at most %d bytes: the layout's frame is %d", maxWatchLength, p.Frame.N))
	}
	src := opts
	src.Mapping, src.Off, src.N, src.Frames = m, 0, p.Frame.N, &watch.Framing{Layout: l, Frame: p.Frame}
	return src, nil
}

// decodedSource is a decoded watch of m by the layout id names ("": m's default), of the fields listed,
// sampled as opts says; and its warnings message, if its layout has warnings.
func (s *server) decodedSource(m *registry.Mapping, id, fields string, opts watch.Source) (watch.Source, []WatchData, error) {
	l, id, err := view.Of(s.layouts, m, id)
	if err != nil {
		return opts, nil, err
	}
	p, err := s.plans.Plan(m, l, fields)
	if err != nil {
		return opts, nil, err
	}
	src := opts
	src.Mapping, src.Decode, src.Format, src.Full = m, watch.DecodingOf(p, id, fields), "", false
	if len(p.Warnings) == 0 {
		return src, nil, nil
	}
	return src, []WatchData{{Mapping: m.Name(), At: time.Now(), Layout: id, Warnings: layoutWarnings(p.Warnings)}}, nil
}

// watchMany godoc
//
//	@Summary		Watch several mappings and events on one stream (Server-Sent Events)
//	@ID				watchMany
//	@Description	One stream for several things (a browser allows only 6 connections per host over HTTP/1.1): for each
//	@Description	`mapping`, whole, the messages of GET /v1/mappings/{name}/watch, each naming its mapping; for each
//	@Description	`event`, an `event: signal` message each time the daemon sees it set or pulsed, without taking the
//	@Description	signal from anyone. On Windows only manual-reset events can be watched (a wait on an auto-reset event
//	@Description	consumes its signal): an auto-reset one is 400. `interval`, `format`, `as`, `encoding` and `full` apply to
//	@Description	the mappings. A `layout=` (and `fields=`) right after a `mapping=` decodes that mapping (an empty
//	@Description	`layout=`: by its default layout), as GET /v1/mappings/{name}/watch?layout= does:
//	@Description	`?mapping=A&layout=acc_physics&fields=speedKmh&mapping=B`. The stream ends when everything it watches is
//	@Description	closed.
//	@Tags			watch
//	@Param			mapping			query	[]string	false	"A mapping to watch (repeat for several)"				collectionFormat(multi)
//	@Param			event			query	[]string	false	"An event whose signals to report (repeat for several)"	collectionFormat(multi)
//	@Param			interval		query	string		false	"How often to sample the mappings: 10ms (default), at least -min-watch-interval, at most 1h"
//	@Param			format			query	string		false	"How bytes travel"			Enums(base64, hex)
//	@Param			as				query	string		false	"bytes (default) or text"	Enums(bytes, text)
//	@Param			encoding		query	string		false	"Text encoding for as=text"	Enums(utf-8, utf-16le)
//	@Param			full			query	boolean		false	"Send the whole mapping in every change, not the changed runs"
//	@Param			layout			query	[]string	false	"Decode the mapping named just before by this layout (empty: its default)"	collectionFormat(multi)
//	@Param			fields			query	[]string	false	"With a layout: the fields of the mapping named just before, a.b,c[2]"		collectionFormat(multi)
//	@Param			access_token	query	string		false	"A read token (shmb_r_…), for a client that cannot send Authorization (a browser source); no other token goes in a URL"
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request, invalid-name, invalid-layout"
//	@Failure		404	{object}	Problem	"not-found (a mapping, an event or a layout)"
//	@Failure		422	{object}	Problem	"decode-failed: a decoded mapping's first frame does not decode (see path, offset), or its layout is larger than it; version-mismatch (see path)"
//	@Failure		429	{object}	Problem	"too-many-watchers (-max-watchers), too-many-samplers (-max-samplers, -max-sample-rate; see Retry-After)"
//	@Failure		413	{object}	Problem	"too-large: the watched bytes need more memory than the whole budget (-max-buffered)"
//	@Failure		503	{object}	Problem	"busy: the memory budget (-max-buffered) is in use (see Retry-After)"
//	@Produce		text/event-stream
//	@Success		200	{object}	WatchData	"a stream of messages whose data is WatchData"
//	@Security		BearerAuth
//	@Router			/v1/watch [get]
func (s *server) watchMany(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	type watched struct {
		name, layout, fields string
		decoded, selected    bool
	}
	var mappings []*watched
	var events []string
	for k, v := range q.pairs() {
		var last *watched
		if len(mappings) > 0 {
			last = mappings[len(mappings)-1]
		}
		switch {
		case k == "mapping":
			mappings = append(mappings, &watched{name: v})
		case k == "event":
			events = append(events, v)
		case (k == "layout" || k == "fields") && last == nil:
			return fail(probInvalidRequest, k+"= goes after the mapping= it is for: ?mapping=A&layout=ID&fields=x,y&mapping=B")
		case k == "layout" && last.decoded, k == "fields" && last.selected:
			return fail(probInvalidRequest, fmt.Sprintf("two %s= for the mapping %s", k, quote(last.name)))
		case k == "layout":
			last.layout, last.decoded = v, true
		case k == "fields":
			last.fields, last.selected = v, true
		}
	}
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
	if opts.Full, err = boolParam(q, "full"); err != nil {
		return err
	}
	var sources []watch.Source
	var warned []WatchData
	for _, mw := range mappings {
		m, err := s.reg.GetMapping(mw.name)
		if err != nil {
			return err
		}
		switch {
		case mw.selected && !mw.decoded:
			return fail(probInvalidRequest, fmt.Sprintf("fields selects decoded fields: give %s a layout= too", quote(mw.name)))
		case mw.decoded:
			src, w, err := s.decodedSource(m, mw.layout, mw.fields, opts)
			if err != nil {
				return err
			}
			sources, warned = append(sources, src), append(warned, w...)
			continue
		case m.Size() > maxWatchLength:
			return fail(probInvalidRequest, fmt.Sprintf("%s is over %d bytes, the most a watch samples: watch a range of it with GET /v1/mappings/{name}/watch?offset=&length=", quote(mw.name), maxWatchLength))
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
	return s.stream(w, r, sources, warned...)
}

// tokenEnd is when a stream of r's credential ends: its scoped token's Revoked channel and a timer at its
// expiry (nil channels, and a timer that never fires, for the main token and its sessions).
func tokenEnd(r *http.Request) (<-chan struct{}, *time.Timer) {
	g := grantOf(r)
	if g == nil {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return nil, t
	}
	if g.Expires.IsZero() {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return g.Revoked, t
	}
	return g.Revoked, time.NewTimer(time.Until(g.Expires))
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
			if d, err = (watch.Intervals{Min: s.minWatch, Max: maxWatchInterval}).Parse(v); err != nil {
				return src, fail(probInvalidRequest, err.Error())
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
	case as == "frames" && many:
		return src, fail(probInvalidRequest, "as=frames is a stream of one mapping's frames: GET /v1/mappings/{name}/watch?as=frames&layout=ID")
	case as != "" && as != "bytes" && as != "frames":
		return src, fail(probInvalidRequest, `as must be "bytes", "text" or "frames" (with layout=)`)
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

// subscribe subscribes to sources, within the hub's caps and the memory budget.
func (s *server) subscribe(sources []watch.Source) (*watch.Subscriber, error) {
	for _, src := range sources {
		if err := s.budget.Fits(src.Cost()); err != nil {
			return nil, err // its snapshot could never be made
		}
	}
	sub, err := s.hub.Subscribe(sources)
	switch {
	case errors.Is(err, watch.ErrTooManyWatchers):
		return nil, fail(probTooManyWatchers, fmt.Sprintf("%d streams are open already, the daemon's limit (-max-watchers)", s.hub.MaxWatchers)).
			with("Retry-After", "1")
	case errors.Is(err, watch.ErrTooManySamplers):
		return nil, fail(probTooManySamplers, fmt.Sprintf("%d distinct ranges are watched already, the daemon's limit (-max-samplers): "+
			"watch what others watch (the same range, interval and format share one sampler)", s.hub.MaxSamplers)).with("Retry-After", "1")
	case errors.Is(err, watch.ErrSampleRate):
		return nil, fail(probTooManySamplers, fmt.Sprintf("the watches running sample %g times a second together, the daemon's limit (-max-sample-rate): "+
			"ask for a longer interval, or watch on an event", s.hub.MaxSampleRate)).with("Retry-After", "1")
	}
	return sub, err
}

// stream subscribes to sources and writes their messages as Server-Sent Events until every source has ended,
// the client goes away or the daemon stops; the warnings messages first.
func (s *server) stream(w http.ResponseWriter, r *http.Request, sources []watch.Source, warnings ...WatchData) error {
	sub, err := s.subscribe(sources)
	if err != nil {
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
	revoked, expired := tokenEnd(r)
	defer expired.Stop()
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
	for _, d := range warnings {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		id++
		e := &sse.Message{ID: sse.ID(strconv.FormatInt(id, 10)), Type: sse.Type("warnings")}
		e.AppendData(string(b))
		if sess.Send(e) != nil || sess.Flush() != nil {
			return nil
		}
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
		case <-revoked:
			send(sub.End("revoked"))
			return nil
		case <-expired.C:
			send(sub.End("expired"))
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
