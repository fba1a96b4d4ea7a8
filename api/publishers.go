package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shmbridge/shmbridge/internal/publish"
)

// Publishers republish a mapping's decoded fields: their routes. What they do is package publish's (its
// Runtime): the rules, the mqtt publishers' messages, the metrics publishers' gauges at each scrape.

// Defaults of the publishers' caps.
const (
	// DefaultMaxPublishers is how many publishers a store keeps by default.
	DefaultMaxPublishers = 64
	// DefaultMaxMetricSeries caps the gauges all metrics publishers export together.
	DefaultMaxMetricSeries = 10000
)

// Publisher is a publisher's configuration (POST /v1/publishers), as kept and shown.
type Publisher struct {
	// ID is the daemon's name for it (answered by POST).
	ID string `json:"id,omitempty" example:"p1a2b3c4d5e6"`
	// Kind is what it publishes to: metrics (gauges on /metrics), mqtt (messages to the broker: -mqtt, PUT /v1/mqtt).
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
	// HomeAssistant announces an mqtt publisher's fields to Home Assistant (MQTT discovery), a sensor each.
	HomeAssistant *HomeAssistant `json:"homeassistant,omitempty"`
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

// HomeAssistant is what an mqtt publisher announces to Home Assistant: a retained config at
// PREFIX/sensor/CLIENT_ID/OBJECT_ID/config for each field (OBJECT_ID: the mapping's and the field's names, a-z,
// A-Z, 0-9, _ and - kept, the rest _), the fields of a mapping one device. Needs `fields`, and every message
// whole (not `changes`).
type HomeAssistant struct {
	// Prefix is Home Assistant's discovery prefix (default homeassistant).
	Prefix string `json:"prefix,omitempty" example:"homeassistant"`
	// Device is the device the sensors belong to (default: the catalogue's title and vendor for its layouts;
	// else the mapping's name and the layout's id).
	Device HADevice `json:"device"`
	// Sensors say how Home Assistant shows each field, by path (default: every field of fields, named by its
	// path); a field left out is not announced.
	Sensors map[string]HASensor `json:"sensors,omitempty"`
}

// HADevice is a Home Assistant device.
type HADevice struct {
	Name         string `json:"name,omitempty" example:"ACC physics"`
	Manufacturer string `json:"manufacturer,omitempty" example:"Kunos Simulazioni"`
	Model        string `json:"model,omitempty" example:"Assetto Corsa Competizione / AC Rally physics"`
}

// HASensor is how Home Assistant shows a field (its sensor's keys, as Home Assistant spells them).
type HASensor struct {
	Name              string `json:"name,omitempty" example:"Speed"`
	UnitOfMeasurement string `json:"unit_of_measurement,omitempty" example:"km/h"`
	DeviceClass       string `json:"device_class,omitempty" example:"speed"`
	StateClass        string `json:"state_class,omitempty" enums:"measurement,measurement_angle,total,total_increasing" example:"measurement"`
	// ValueTemplate reads the value from the message (default: {{ value_json['FIELD'] }}).
	ValueTemplate             string `json:"value_template,omitempty"`
	Icon                      string `json:"icon,omitempty" example:"mdi:speedometer"`
	SuggestedDisplayPrecision *int   `json:"suggested_display_precision,omitempty" example:"0"`
}

// convertJSON is v as another type of the same JSON (the API's types and package publish's spell their
// fields alike).
func convertJSON[T any](v any) *T {
	b, _ := json.Marshal(v)
	var out T
	json.Unmarshal(b, &out)
	return &out
}

// publisherOf is a publisher as the API shows it: its spec, and what its runtime says it does.
func (s *server) publisherOf(sp publish.Spec) Publisher {
	st := s.publish.Status(sp.ID)
	p := Publisher{ID: sp.ID, Kind: sp.Kind, Mapping: sp.Mapping, Layout: sp.Layout, Name: sp.Name, Fields: sp.Fields,
		Each: sp.Each, Value: sp.Value, Series: st.Series, Created: &sp.Created,
		Topic: sp.Topic, QoS: sp.QoS, Retain: sp.Retain, Interval: sp.Interval, Changes: sp.Changes}
	if sp.HomeAssistant != nil {
		p.HomeAssistant = convertJSON[HomeAssistant](sp.HomeAssistant)
	}
	if sp.Kind == publish.MQTT {
		p.Series, p.Connected, p.Published, p.Dropped = 0, &st.Connected, st.Published, st.Dropped
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
//	@Description	replaces it (`dropped`). Without a broker (-mqtt, PUT /v1/mqtt) it is kept, and publishes once one is set.
//	@Description	`homeassistant` announces the fields to Home Assistant (MQTT discovery): a sensor each, one device for the
//	@Description	mapping, available while the daemon is connected and the mapping read; deleting the publisher removes them.
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
//	@Failure		409	{object}	Problem	"limit-reached: -max-publishers, -max-metric-series; exists: the metric name is another publisher's, or one of the daemon's own (go_goroutines); a field another publisher announces to Home Assistant"
//	@Failure		415	{object}	Problem	"unsupported-media-type"
//	@Failure		422	{object}	Problem	"decode-failed: the mapping does not decode by the layout; version-mismatch: it holds another version than the layout describes"
//	@Produce		json
//	@Success		201	{object}	Publisher	"publishing"
//	@Security		BearerAuth
//	@Router			/v1/publishers [post]
func (s *server) createPublisher(w http.ResponseWriter, r *http.Request) error {
	var req Publisher
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	sp, badLabel := specOf(req)
	if badLabel != nil {
		if _, err := s.publish.Check(sp); err != nil {
			return err // what the rules refuse first, as it would be without the label
		}
		return badLabel
	}
	sp, err := s.publish.Add(r.Context(), sp)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/publishers/"+sp.ID)
	return writeJSON(w, http.StatusCreated, s.publisherOf(sp))
}

// specOf is the publisher a request configures; badLabel is a label's value that is neither a string nor
// {"field": PATH} (the label is in the spec, empty, for the rules to check its name).
func specOf(req Publisher) (sp publish.Spec, badLabel error) {
	sp = publish.Spec{Kind: req.Kind, Mapping: req.Mapping, Layout: req.Layout, Name: req.Name, Fields: req.Fields, Each: req.Each,
		Value: req.Value, Topic: req.Topic, QoS: req.QoS, Retain: req.Retain, Interval: req.Interval, Changes: req.Changes}
	if req.HomeAssistant != nil {
		sp.HomeAssistant = convertJSON[publish.Discovery](req.HomeAssistant)
	}
	if len(req.Labels) > 0 {
		sp.Labels = map[string]publish.Label{}
	}
	for k, v := range req.Labels {
		b, _ := json.Marshal(v)
		var l publish.Label
		if err := json.Unmarshal(b, &l); err != nil && badLabel == nil {
			badLabel = fail(probInvalidRequest, fmt.Sprintf("label %s: %v", k, err))
		}
		sp.Labels[k] = l
	}
	return sp, badLabel
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
	if err := s.publish.Remove(chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
