package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/publish"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/view"
)

// Publishers republish a mapping's decoded fields. Kind metrics: gauges on /metrics, made at each scrape from
// one consistent frame read by the layout's protocol (the daemon as a Prometheus exporter of any producer).

// Defaults of the publishers' caps.
const (
	// DefaultMaxPublishers is how many publishers a store keeps by default.
	DefaultMaxPublishers = 64
	// DefaultMaxMetricSeries caps the gauges all metrics publishers export together.
	DefaultMaxMetricSeries = 10000
	// scrapeTimeout bounds the wait for a layout's mutex at a scrape.
	scrapeTimeout = time.Second
)

// Publisher is a publisher's configuration (POST /v1/publishers), as kept and shown.
type Publisher struct {
	// ID is the daemon's name for it (answered by POST).
	ID string `json:"id,omitempty" example:"p1a2b3c4d5e6"`
	// Kind is what it publishes to: metrics (gauges on /metrics), mqtt (messages to the broker of -mqtt).
	Kind string `json:"kind" validate:"required" enums:"metrics,mqtt" example:"metrics"`
	// Mapping is the mapping decoded (the daemon opens it, read-only, if it does not hold it).
	Mapping string `json:"mapping" validate:"required" example:"Global\\HWiNFO_SENS_SM2"`
	// Layout decodes it (default: the mapping's default layout).
	Layout string `json:"layout,omitempty" example:"hwinfo"`
	// Name is a metrics publisher's metric name: letters, digits, _ and :, not starting with a digit or
	// shmbridge_.
	Name string `json:"name,omitempty" example:"hwinfo_reading"`
	// Fields are, for metrics, numeric fields by path (a gauge each, its path in the label field; or Each and
	// Value); for mqtt, the fields published (default: all of the layout's).
	Fields []string `json:"fields,omitempty" example:"speed_kmh,rpms"`
	// Each is an array of structs: a gauge for each item (its index in the label index), Value its numeric
	// field.
	Each  string `json:"each,omitempty" example:"readings"`
	Value string `json:"value,omitempty" example:"value"`
	// Labels are more labels: a literal string, or {"field": PATH} for a field's value (of the item, with Each).
	Labels map[string]any `json:"labels,omitempty"`
	// Topic is an mqtt publisher's topic (no wildcards); QoS its messages' quality of service (0, 1, 2); Retain
	// has the broker keep the last message for new subscribers.
	Topic  string `json:"topic,omitempty" example:"sim/car"`
	QoS    byte   `json:"qos,omitempty" example:"1"`
	Retain bool   `json:"retain,omitempty"`
	// Interval is how often an mqtt publisher samples the mapping (default 100ms); a message goes when the
	// fields changed.
	Interval string `json:"interval,omitempty" example:"100ms"`
	// Changes: each message holds only the fields that changed (merged as a watch stream's patches are), the
	// first after each connection all of them; default: every message the whole selection.
	Changes bool `json:"changes,omitempty"`
	// Series is how many gauges a metrics publisher exported at its last collection.
	Series int `json:"series"`
	// Connected, Published and Dropped are an mqtt publisher's: whether the broker is connected, the messages
	// it took, and the messages replaced by a newer one before they could go (the broker slow or away).
	Connected *bool `json:"connected,omitempty"`
	Published int64 `json:"published,omitempty"`
	Dropped   int64 `json:"dropped,omitempty"`
	// Created is when it was configured.
	Created *time.Time `json:"created,omitempty" format:"date-time"`
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	// reservedLabels are the labels the daemon sets itself.
	reservedLabels = []string{"publisher", "field", "index"}
)

func (s *server) publisherOf(sp publish.Spec) Publisher {
	p := Publisher{ID: sp.ID, Kind: sp.Kind, Mapping: sp.Mapping, Layout: sp.Layout, Name: sp.Name, Fields: sp.Fields,
		Each: sp.Each, Value: sp.Value, Series: s.seriesOf(sp.ID), Created: &sp.Created,
		Topic: sp.Topic, QoS: sp.QoS, Retain: sp.Retain, Interval: sp.Interval, Changes: sp.Changes}
	if sp.Kind == publish.MQTT {
		p.Series = 0
		connected := s.mqtt.client != nil && s.mqtt.client.Connected()
		p.Connected = &connected
		p.Published, p.Dropped = s.mqtt.counts(sp.ID)
	}
	if len(sp.Labels) > 0 {
		p.Labels = map[string]any{}
		for k, l := range sp.Labels {
			if l.Field != "" {
				p.Labels[k] = map[string]string{"field": l.Field}
			} else {
				p.Labels[k] = l.Literal
			}
		}
	}
	return p
}

// createPublisher godoc
//
//	@Summary		Publish a mapping's decoded fields
//	@ID				createPublisher
//	@Description	Kind `mqtt`: the fields (`fields`, default all) go to `topic` on the daemon's broker (-mqtt) as a JSON
//	@Description	object, sampled at `interval` (one consistent frame each), a message when they changed: the whole
//	@Description	selection, or (`changes`) only what changed, merged as a watch stream's patches (after each connection,
//	@Description	the whole). `qos`, `retain`. One message waits at most: while the broker is slow or away the latest
//	@Description	replaces it (`dropped`). Without -mqtt, 501.
//	@Description	Kind `metrics`: the fields appear on GET /metrics as gauges named `name`, read at each scrape from one
//	@Description	consistent frame (the layout's protocol). Either `fields` (numeric fields by path: a gauge each, label
//	@Description	`field`), or `each` (an array of structs: a gauge for each item, label `index`) with `value` (the item's
//	@Description	numeric field). `labels` add labels, literal or a field's value (`{"field": "label_user"}`: HWiNFO's
//	@Description	sensor names as labels). Every publisher's gauges carry `publisher` (its id). Checked by a first
//	@Description	collection: a field that is not a number (a boolean counts as 0 or 1) is 400; past -max-metric-series
//	@Description	gauges for all publishers together, 409. Kept in -publishers-dir, and publishing again after a restart.
//	@Tags			publishers
//	@Param			publisher	body	Publisher	true	"What to publish"
//	@Accept			json
//	@Produce		application/problem+json
//	@Failure		400	{object}	Problem	"invalid-request (see detail), invalid-layout, decode-failed"
//	@Failure		404	{object}	Problem	"not-found: the mapping (held or on the system) or the layout"
//	@Failure		409	{object}	Problem	"limit-reached: -max-publishers, -max-metric-series; exists: the metric name is another publisher's, or one of the daemon's own (go_goroutines)"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		422	{object}	Problem	"decode-failed: the mapping does not decode by the layout"
//	@Failure		501	{object}	Problem	"unsupported: kind mqtt without -mqtt"
//	@Produce		json
//	@Success		201	{object}	Publisher	"publishing"
//	@Security		BearerAuth
//	@Router			/v1/publishers [post]
func (s *server) createPublisher(w http.ResponseWriter, r *http.Request) error {
	var req Publisher
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Kind == publish.MQTT && s.mqtt.client == nil {
		return fail(probUnsupported, "no broker: start the daemon with -mqtt mqtt://host:1883")
	}
	sp, err := s.planPublisher(req)
	if err != nil {
		return err
	}
	if sp.Kind == publish.MQTT {
		if err := s.checkMQTT(r.Context(), sp); err != nil {
			return err
		}
		if sp, err = s.publishers.Add(sp); err != nil {
			return err
		}
		s.mqtt.start(sp)
		s.log.Info("publisher configured", "id", sp.ID, "kind", sp.Kind, "mapping", sp.Mapping, "topic", sp.Topic)
		w.Header().Set("Location", "/v1/publishers/"+sp.ID)
		return writeJSON(w, http.StatusCreated, s.publisherOf(sp))
	}
	n, err := s.collect(r.Context(), sp, func(float64, ...string) {})
	if err != nil {
		return err
	}
	if total := s.metricSeries() + n; total > s.maxSeries {
		return fail(probLimitReached, fmt.Sprintf("%d gauges: the publishers would export %d together, more than -max-metric-series (%d)", n, total, s.maxSeries))
	}
	sp, err = s.publishers.Add(sp)
	if err != nil {
		return err
	}
	s.series.Store(sp.ID, n)
	s.log.Info("publisher configured", "id", sp.ID, "kind", sp.Kind, "mapping", sp.Mapping, "series", n)
	w.Header().Set("Location", "/v1/publishers/"+sp.ID)
	return writeJSON(w, http.StatusCreated, s.publisherOf(sp))
}

// planPublisher checks a publisher's request: its kind, names and fields (what needs no decode).
func (s *server) planPublisher(req Publisher) (publish.Spec, error) {
	sp := publish.Spec{Kind: req.Kind, Mapping: req.Mapping, Layout: req.Layout, Name: req.Name, Fields: req.Fields, Each: req.Each, Value: req.Value}
	bad := func(format string, args ...any) (publish.Spec, error) {
		return sp, fail(probInvalidRequest, fmt.Sprintf(format, args...))
	}
	switch {
	case req.Kind != publish.Metrics && req.Kind != publish.MQTT:
		return bad("kind must be %q (gauges on /metrics) or %q (messages to the broker)", publish.Metrics, publish.MQTT)
	case req.Mapping == "":
		return bad("name the mapping to publish: mapping")
	case req.Kind == publish.MQTT:
		return s.planMQTT(req, sp)
	case req.Topic != "" || req.QoS != 0 || req.Retain || req.Interval != "" || req.Changes:
		return bad("topic, qos, retain, interval and changes are an mqtt publisher's")
	case !metricName.MatchString(req.Name) || strings.HasPrefix(req.Name, "shmbridge_"):
		return bad("name %s is not a metric name of its own: letters, digits, _ and :, not starting with a digit or shmbridge_", quote(req.Name))
	case s.metrics.reserved(req.Name):
		return sp, fail(probExists, fmt.Sprintf("name %s is one of the daemon's own metrics (the Go runtime's, the process'): choose another name", quote(req.Name)))
	case (len(req.Fields) > 0) == (req.Each != ""):
		return bad("give fields (a gauge each), or each with value (a gauge for each item of an array)")
	case req.Each != "" && req.Value == "":
		return bad("each needs value: the numeric field of an item")
	case len(req.Labels) > 32:
		return bad("at most 32 labels")
	}
	for _, f := range append(slices.Clone(req.Fields), req.Each, req.Value) {
		if f != "" && !fieldPath.MatchString(f) {
			return bad("%s is not a field path (a.b[2].c)", quote(f))
		}
	}
	if len(req.Labels) > 0 {
		sp.Labels = map[string]publish.Label{}
	}
	for k, v := range req.Labels {
		if !labelName.MatchString(k) || strings.HasPrefix(k, "__") || slices.Contains(reservedLabels, k) {
			return bad("label %s: a label name is letters, digits and _, not __… and not %s (the daemon's)", quote(k), strings.Join(reservedLabels, ", "))
		}
		b, _ := json.Marshal(v)
		var l publish.Label
		if err := json.Unmarshal(b, &l); err != nil {
			return bad("label %s: %v", k, err)
		}
		if l.Field != "" && !fieldPath.MatchString(l.Field) {
			return bad("label %s: %s is not a field path", k, quote(l.Field))
		}
		sp.Labels[k] = l
	}
	return sp, nil
}

// loadPublishers checks the publishers kept from before as at their creation (a file edited by hand may hold
// what the API refuses: an id, a topic, a metric name the daemon has), skips those that fail with a log line
// (their files left as they are), and starts the mqtt ones.
func (s *server) loadPublishers() {
	for _, sp := range s.publishers.List() {
		if err := s.checkKept(sp); err != nil {
			s.publishers.Forget(sp.ID)
			s.log.Warn("a publisher's file holds what the daemon refuses: skipped, its file left as it is", "id", sp.ID, "error", err)
			continue
		}
		if sp.Kind == publish.MQTT {
			s.mqtt.start(sp)
		}
	}
}

// checkKept checks a kept publisher by the rules of its creation, but for its interval, which
// -min-watch-interval may have moved since (the sampler keeps to it anyway).
func (s *server) checkKept(sp publish.Spec) error {
	if !publish.ValidID(sp.ID) {
		return fmt.Errorf("id %s is not one the daemon makes", quote(sp.ID))
	}
	req := Publisher{Kind: sp.Kind, Mapping: sp.Mapping, Layout: sp.Layout, Name: sp.Name, Fields: sp.Fields,
		Each: sp.Each, Value: sp.Value, Topic: sp.Topic, QoS: sp.QoS, Retain: sp.Retain, Changes: sp.Changes}
	for k, l := range sp.Labels {
		if req.Labels == nil {
			req.Labels = map[string]any{}
		}
		req.Labels[k] = l
	}
	_, err := s.planPublisher(req)
	return err
}

// fieldPath is a path of ?fields= form: names and indexes.
var fieldPath = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\[\d{1,7}\])*(\.[a-z_][a-z0-9_]*(\[\d{1,7}\])*)*$`)

// collect reads the publisher's mapping (opening it, read-only, if the daemon does not hold it) and calls emit
// with each gauge's value and label values (publisher, field or index, then its labels by name), answering how
// many.
func (s *server) collect(ctx context.Context, sp publish.Spec, emit func(v float64, labels ...string)) (int, error) {
	m, err := s.reg.GetMapping(sp.Mapping)
	if errors.Is(err, registry.ErrNotFound) {
		m, _, err = s.reg.OpenMapping(registry.Options{Name: sp.Mapping, Mode: registry.OpenExisting, Access: registry.ReadOnly})
	}
	if err != nil {
		return 0, err
	}
	l, _, err := view.Of(s.layouts, m, sp.Layout)
	if err != nil {
		return 0, err
	}
	p, err := s.plans.Plan(m, l, "")
	if err != nil {
		return 0, err
	}
	if p.Frame.Lock != nil {
		p.Frame.LockTimeout = scrapeTimeout
	}
	release, err := s.budget.Reserve(p.Frame.N)
	if err != nil {
		return 0, err
	}
	defer release()
	f, err := m.ReadFrame(ctx, p.Frame)
	if err != nil {
		return 0, err
	}
	v, err := l.Decode(f.Bytes)
	if err != nil {
		return 0, err
	}
	names := sortedLabels(sp)
	labelValues := func(prefix string) ([]string, error) {
		out := make([]string, 0, len(names))
		for _, k := range names {
			lb := sp.Labels[k]
			if lb.Field == "" {
				out = append(out, lb.Literal)
				continue
			}
			j, err := v.EvalJSON(prefix + lb.Field)
			if err != nil {
				return nil, fail(probInvalidRequest, fmt.Sprintf("label %s: %v", k, err))
			}
			var str string
			if json.Unmarshal(j, &str) != nil {
				str = string(j) // a number: its JSON
			}
			out = append(out, str)
		}
		return out, nil
	}
	n := 0
	gauge := func(path, which string, prefix string) error {
		x, err := numberAt(v, path)
		if err != nil {
			return err
		}
		ls, err := labelValues(prefix)
		if err != nil {
			return err
		}
		if !math.IsNaN(x) {
			emit(x, append([]string{sp.ID, which}, ls...)...)
			n++
		}
		return nil
	}
	if sp.Each == "" {
		for _, path := range sp.Fields {
			if err := gauge(path, path, ""); err != nil {
				return n, err
			}
		}
		return n, nil
	}
	count, err := numberAt(v, sp.Each+".size")
	if err != nil || math.IsNaN(count) {
		return 0, fail(probInvalidRequest, fmt.Sprintf("each: %s is not an array of this layout (%v)", sp.Each, err))
	}
	for i := 0; i < int(count); i++ {
		prefix := fmt.Sprintf("%s[%d].", sp.Each, i)
		if err := gauge(prefix+sp.Value, strconv.Itoa(i), prefix); err != nil {
			return n, err
		}
	}
	return n, nil
}

// numberAt is a numeric field's value (a boolean 0 or 1; NaN for null: a NaN, or a field that is absent now);
// anything else is 400.
func numberAt(v *layout.Value, path string) (float64, error) {
	j, err := v.EvalJSON(path)
	if err != nil {
		return 0, fail(probInvalidRequest, fmt.Sprintf("%s: %v", path, err))
	}
	switch s := string(j); s {
	case "null":
		return math.NaN(), nil
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	default:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fail(probInvalidRequest, fmt.Sprintf("%s is not a number (%s): only numeric fields are gauges; a string can be a label", path, shorten(s, 40)))
		}
		return x, nil
	}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func sortedLabels(sp publish.Spec) []string {
	names := make([]string, 0, len(sp.Labels))
	for k := range sp.Labels {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// metricSeries is how many gauges the publishers exported at their last collection.
func (s *server) metricSeries() int {
	n := 0
	s.series.Range(func(_, v any) bool { n += v.(int); return true })
	return n
}

// listPublishers godoc
//
//	@Summary	List the publishers
//	@ID			listPublishers
//	@Tags		publishers
//	@Produce	application/problem+json
//	@Produce	json
//	@Success	200	{array}	Publisher
//	@Security	BearerAuth
//	@Router		/v1/publishers [get]
func (s *server) listPublishers(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, s.publishers.List(), s.publisherOf)
}

func (s *server) seriesOf(id string) int {
	n, _ := s.series.Load(id)
	c, _ := n.(int)
	return c
}

// getPublisher godoc
//
//	@Summary	Show one publisher
//	@ID			getPublisher
//	@Tags		publishers
//	@Param		id	path	string	true	"Publisher id"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Produce	json
//	@Success	200	{object}	Publisher
//	@Security	BearerAuth
//	@Router		/v1/publishers/{id} [get]
func (s *server) getPublisher(w http.ResponseWriter, r *http.Request) error {
	sp, err := s.publishers.Get(chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.publisherOf(sp))
}

// deletePublisher godoc
//
//	@Summary	Stop and remove a publisher
//	@ID			deletePublisher
//	@Tags		publishers
//	@Param		id	path	string	true	"Publisher id"
//	@Produce	application/problem+json
//	@Failure	404	{object}	Problem	"not-found"
//	@Success	204
//	@Security	BearerAuth
//	@Router		/v1/publishers/{id} [delete]
func (s *server) deletePublisher(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	if err := s.publishers.Delete(id); err != nil {
		return err
	}
	s.mqtt.stop(id)
	s.series.Delete(id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// publishersCollector makes the metrics publishers' gauges at each scrape; shmbridge_publisher_up says which
// could be read (0: the mapping is gone, the frame did not decode, …; the daemon's log says why).
type publishersCollector struct{ s *server }

var publisherUp = prometheus.NewDesc("shmbridge_publisher_up", "1 if the metrics publisher's mapping was read and decoded at this scrape.", []string{"publisher"}, nil)

// Describe describes nothing: the gauges are the users' (an unchecked collector).
func (c publishersCollector) Describe(chan<- *prometheus.Desc) {}

func (c publishersCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	left := s.maxSeries
	for _, sp := range s.publishers.List() {
		if sp.Kind != publish.Metrics {
			continue
		}
		labels := append([]string{"publisher", "field"}, sortedLabels(sp)...)
		if sp.Each != "" {
			labels[1] = "index"
		}
		desc := prometheus.NewDesc(sp.Name, fmt.Sprintf("Published by shmbridge (%s): %s decoded by %s.", sp.ID, sp.Mapping, cmp.Or(sp.Layout, "its default layout")), labels, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 2*scrapeTimeout)
		n, err := s.collect(ctx, sp, func(v float64, values ...string) {
			if left <= 0 {
				return
			}
			// Not MustNewConstMetric: a collector runs on a goroutine of its own, where a panic would end the
			// daemon; a gauge that cannot be made (a publisher's file edited by hand) is left out instead.
			if m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, v, values...); err == nil {
				left--
				ch <- m
			}
		})
		cancel()
		up := 1.0
		if err != nil {
			up = 0
			s.log.Warn("a metrics publisher could not be read", "publisher", sp.ID, "mapping", sp.Mapping, "error", err)
		} else {
			s.series.Store(sp.ID, n)
		}
		if m, err := prometheus.NewConstMetric(publisherUp, prometheus.GaugeValue, up, sp.ID); err == nil {
			ch <- m
		}
	}
}
