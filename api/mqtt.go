package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/publish"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// MQTT publishers send a mapping's decoded fields to the daemon's broker (-mqtt): each one a decoded watch
// (package watch: one consistent frame a sample, a message when the fields changed), its messages to a topic.
// What waits to go is one message a publisher, the latest: while the broker is slow or away, newer fields
// replace what has not gone yet (counted as dropped), so nothing grows, and the subscriber gets the state as it
// is when the broker is back.

const (
	defaultMQTTInterval = 100 * time.Millisecond
	// mqttRetry is the wait before a publisher tries its mapping again (not there, closed, not decoding).
	mqttRetry = time.Second
	// mqttPublishTimeout bounds one publish once connected (QoS 1 and 2 wait for the broker's answer).
	mqttPublishTimeout = 10 * time.Second
)

// mqttPublishers run the mqtt publishers.
type mqttPublishers struct {
	s      *server
	client *mqtt.Client // nil: no -mqtt
	mu     sync.Mutex
	runs   map[string]*mqttRun
}

// mqttRun is one running publisher.
type mqttRun struct {
	sp        publish.Spec
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	kick      chan struct{} // something waits to go
	published atomic.Int64
	dropped   atomic.Int64
	refused   atomic.Int64
	said      string // the last refusal logged (the sender's)

	mu    sync.Mutex
	state map[string]any // the selection as last seen (nil: nothing yet)
	full  bool           // the whole state goes next
	patch map[string]any // the changes that go next (Changes)
	// resync: the next message is the whole selection (one that the broker refused is not one the subscriber
	// has).
	resync bool
}

func newMQTTPublishers(s *server, c *mqtt.Client) *mqttPublishers {
	p := &mqttPublishers{s: s, client: c, runs: map[string]*mqttRun{}}
	if c != nil {
		c.OnConnect(p.connected)
	}
	return p
}

// connected: after each connection every publisher sends its whole state (a broker restarted has lost what it
// retained, and a changes-only subscriber what it missed).
func (p *mqttPublishers) connected() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.runs {
		r.mu.Lock()
		if r.state != nil {
			r.full, r.patch = true, nil
		}
		r.mu.Unlock()
		r.signal()
	}
}

// planMQTT checks what an mqtt publisher needs beyond the common fields.
func (s *server) planMQTT(req Publisher, sp publish.Spec) (publish.Spec, error) {
	bad := func(format string, args ...any) (publish.Spec, error) {
		return sp, fail(probInvalidRequest, fmt.Sprintf(format, args...))
	}
	switch {
	case req.Name != "" || req.Each != "" || req.Value != "" || len(req.Labels) > 0:
		return bad("name, each, value and labels are a metrics publisher's; an mqtt one has topic, qos, retain, interval, changes")
	case mqtt.CheckTopic(req.Topic) != nil:
		return bad("topic %s is not a topic to publish to (%v): 1 to 65535 bytes of UTF-8, at most %d levels, no + or # (wildcards), no control character or non-character, not starting with $",
			quote(req.Topic), mqtt.CheckTopic(req.Topic), mqtt.MaxTopicLevels)
	case req.QoS > 2:
		return bad("qos must be 0, 1 or 2")
	}
	sp.Topic, sp.QoS, sp.Retain, sp.Changes = req.Topic, req.QoS, req.Retain, req.Changes
	sp.Interval = defaultMQTTInterval.String()
	if req.Interval != "" {
		d, err := time.ParseDuration(req.Interval)
		if err != nil || d < s.minWatch || d > maxWatchInterval {
			return bad("interval must be a duration from %s (-min-watch-interval) to %s: 10ms, 100ms, 1s", s.minWatch, maxWatchInterval)
		}
		sp.Interval = d.String()
	}
	for _, f := range req.Fields {
		if !fieldPath.MatchString(f) {
			return bad("%s is not a field path (a.b[2].c)", quote(f))
		}
	}
	return sp, nil
}

// checkMQTT decodes the publisher's mapping once: the mapping, the layout and the fields are there (404, 400,
// 422 now rather than a publisher that never publishes).
func (s *server) checkMQTT(ctx context.Context, sp publish.Spec) error {
	src, err := s.mqttSource(sp)
	if err != nil {
		return err
	}
	d := src.Decode
	f, err := src.Mapping.ReadFrame(ctx, d.Frame)
	if err != nil {
		return err
	}
	v, err := d.Layout.Decode(f.Bytes)
	if err != nil {
		return err
	}
	_, err = v.AppendJSON(nil, d.Sel, view.MaxJSON)
	return err
}

// mqttSource is the decoded watch an mqtt publisher samples.
func (s *server) mqttSource(sp publish.Spec) (watch.Source, error) {
	m, err := s.mappingToRead(sp.Mapping)
	if err != nil {
		return watch.Source{}, err
	}
	d, _ := time.ParseDuration(sp.Interval)
	return s.decodedSource(m, sp.Layout, strings.Join(sp.Fields, ","), watch.Source{Interval: max(d, s.minWatch)})
}

// start runs a publisher (at its creation, and at the daemon's start for those kept).
func (p *mqttPublishers) start(sp publish.Spec) {
	if p.client == nil {
		p.s.log.Warn("an mqtt publisher is kept, but the daemon has no broker (-mqtt): it does not publish", "publisher", sp.ID)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &mqttRun{sp: sp, ctx: ctx, cancel: cancel, done: make(chan struct{}), kick: make(chan struct{}, 1)}
	p.mu.Lock()
	p.runs[sp.ID] = r
	p.mu.Unlock()
	go p.sample(r)
	go p.send(r)
}

// stop ends a publisher and waits for it.
func (p *mqttPublishers) stop(id string) {
	p.mu.Lock()
	r := p.runs[id]
	delete(p.runs, id)
	p.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

// stopAll ends every publisher (the daemon's shutdown).
func (p *mqttPublishers) stopAll() {
	p.mu.Lock()
	ids := make([]string, 0, len(p.runs))
	for id := range p.runs {
		ids = append(ids, id)
	}
	p.mu.Unlock()
	for _, id := range ids {
		p.stop(id)
	}
}

func (p *mqttPublishers) counts(id string) (published, dropped int64) {
	p.mu.Lock()
	r := p.runs[id]
	p.mu.Unlock()
	if r == nil {
		return 0, 0
	}
	return r.published.Load(), r.dropped.Load()
}

func (r *mqttRun) signal() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// sample is a publisher's watch: each message's fields into its state, and into what goes next.
func (p *mqttPublishers) sample(r *mqttRun) {
	log := p.s.log.With("publisher", r.sp.ID, "mapping", r.sp.Mapping)
	said := ""
	for {
		err := p.watchOnce(r)
		if r.ctx.Err() != nil {
			return
		}
		if msg := err.Error(); msg != said { // said once, not every second
			log.Warn("an mqtt publisher cannot read its mapping: trying again every second", "error", err)
			said = msg
		}
		select {
		case <-r.ctx.Done():
			return
		case <-time.After(mqttRetry):
		}
	}
}

// watchOnce subscribes to the publisher's decoded watch until it ends (the mapping closed) or the publisher
// stops.
func (p *mqttPublishers) watchOnce(r *mqttRun) error {
	src, err := p.s.mqttSource(r.sp)
	if err != nil {
		return err
	}
	sub, err := p.s.hub.Subscribe([]watch.Source{src})
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		select {
		case <-r.ctx.Done():
			return r.ctx.Err()
		case <-sub.Ready():
		}
		msgs, ended := sub.Next()
		var failure error
		for _, m := range msgs {
			switch m.Type {
			case "snapshot", "fields":
				if err := r.take(m.Type == "snapshot", m.Data); err != nil {
					failure = err
				}
			case "error":
				failure = errors.New("a frame did not decode: " + m.Data)
			}
			m.Release()
		}
		if failure != nil {
			p.s.log.Warn("an mqtt publisher skipped a message", "publisher", r.sp.ID, "error", failure)
		}
		if ended {
			return errors.New("its watch ended (the mapping was closed)")
		}
	}
}

// take merges a watch message's fields into the state, and into what goes next.
func (r *mqttRun) take(whole bool, data string) error {
	var m struct {
		Fields map[string]any `json:"fields"`
	}
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return err
	}
	r.mu.Lock()
	if r.full || r.patch != nil {
		r.dropped.Add(1) // what waited is replaced: the newer state goes instead
	}
	switch {
	case whole || r.state == nil:
		r.state, r.full, r.patch = m.Fields, true, nil
	case r.sp.Changes && !r.full && !r.resync:
		mergeFields(r.state, m.Fields)
		if r.patch == nil {
			r.patch = map[string]any{}
		}
		mergeFields(r.patch, m.Fields)
	default:
		mergeFields(r.state, m.Fields)
		r.full = true
	}
	r.resync = false
	r.mu.Unlock()
	r.signal()
	return nil
}

// next is the payload that goes next (nil: nothing).
func (r *mqttRun) next() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var v map[string]any
	switch {
	case r.full:
		v = r.state
	case r.patch != nil:
		v = r.patch
	default:
		return nil
	}
	b, _ := json.Marshal(v)
	r.full, r.patch = false, nil
	return b
}

// send is a publisher's sender: the latest payload, as soon as the broker takes it.
func (p *mqttPublishers) send(r *mqttRun) {
	defer close(r.done)
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.kick:
		}
		payload := r.next()
		if payload == nil {
			continue
		}
		if !p.publish(r, payload) {
			return
		}
	}
}

// publish sends a payload, and the latest state after it until one is taken or refused; false: the publisher
// stopped.
func (p *mqttPublishers) publish(r *mqttRun, payload []byte) bool {
	for {
		err := p.client.Publish(r.ctx, r.sp.Topic, r.sp.QoS, r.sp.Retain, payload)
		switch {
		case err == nil:
			r.published.Add(1)
			return true
		case r.ctx.Err() != nil:
			return false
		case errors.Is(err, mqtt.ErrRefused):
			p.refused(r, err)
			return true
		}
		// Not taken (the connection dropped meanwhile): the latest state goes when it is back.
		r.mu.Lock()
		if !r.full && r.patch == nil {
			r.full = true
		} else {
			r.dropped.Add(1)
		}
		r.mu.Unlock()
		if err := waitConnected(r.ctx, p.client); err != nil {
			return false
		}
		if payload = r.next(); payload == nil {
			return true
		}
	}
}

// refused: the broker does not take the publisher's message (too large for it, not authorized, …). It is not
// sent again, and the next message is the whole selection; said in the log once, not for every message, and
// never at the cost of the connection the other publishers share.
func (p *mqttPublishers) refused(r *mqttRun, err error) {
	r.refused.Add(1)
	r.mu.Lock()
	r.resync = r.sp.Changes
	r.mu.Unlock()
	if msg := err.Error(); msg != r.said {
		p.s.log.Warn("the broker does not take an mqtt publisher's message: not sent", "publisher", r.sp.ID, "topic", r.sp.Topic, "error", err)
		r.said = msg
	}
}

// waitConnected waits for the connection, and paces the tries after a failed publish while the client does not
// know yet that the connection is lost.
func waitConnected(ctx context.Context, c *mqtt.Client) error {
	for first := true; first || !c.Connected(); first = false {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond): // autopaho says when it is up; this only paces the look
		}
	}
	return nil
}

// mergeFields applies a decoded watch's patch to a state (docs/watch.md): objects by key, an array of structs
// by item index, anything else replaced.
func mergeFields(dst, patch map[string]any) {
	for k, v := range patch {
		if pv, ok := v.(map[string]any); ok {
			switch cur := dst[k].(type) {
			case map[string]any:
				mergeFields(cur, pv)
				continue
			case []any:
				for ik, iv := range pv {
					i, err := strconv.Atoi(ik)
					if err != nil || i < 0 || i >= len(cur) {
						continue
					}
					if item, ok := cur[i].(map[string]any); ok {
						if ivm, ok := iv.(map[string]any); ok {
							mergeFields(item, ivm)
							continue
						}
					}
					cur[i] = iv
				}
				continue
			}
		}
		dst[k] = v
	}
}

// mqttCollector: the broker connection's state and each mqtt publisher's counts on /metrics.
type mqttCollector struct{ p *mqttPublishers }

var (
	mqttConnectedDesc = prometheus.NewDesc("shmbridge_mqtt_connected", "1 while the daemon is connected to its MQTT broker (-mqtt).", nil, nil)
	mqttConnectsDesc  = prometheus.NewDesc("shmbridge_mqtt_connections_total", "Connections made to the MQTT broker (reconnections included).", nil, nil)
	mqttPublishedDesc = prometheus.NewDesc("shmbridge_mqtt_published_total", "Messages an mqtt publisher had taken by the broker.", []string{"publisher"}, nil)
	mqttDroppedDesc   = prometheus.NewDesc("shmbridge_mqtt_dropped_total", "Messages of an mqtt publisher replaced by a newer one before they could go (the broker slow or away).", []string{"publisher"}, nil)
	mqttRefusedDesc   = prometheus.NewDesc("shmbridge_mqtt_refused_total", "Messages of an mqtt publisher the broker does not take (over its maximum packet size, not authorized, ...): not sent again.", []string{"publisher"}, nil)
)

func (c mqttCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- mqttConnectedDesc
	ch <- mqttConnectsDesc
	ch <- mqttPublishedDesc
	ch <- mqttDroppedDesc
	ch <- mqttRefusedDesc
}

func (c mqttCollector) Collect(ch chan<- prometheus.Metric) {
	if c.p.client == nil {
		return
	}
	up := 0.0
	if c.p.client.Connected() {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(mqttConnectedDesc, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(mqttConnectsDesc, prometheus.CounterValue, float64(c.p.client.Connects()))
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	for id, r := range c.p.runs {
		ch <- prometheus.MustNewConstMetric(mqttPublishedDesc, prometheus.CounterValue, float64(r.published.Load()), id)
		ch <- prometheus.MustNewConstMetric(mqttDroppedDesc, prometheus.CounterValue, float64(r.dropped.Load()), id)
		ch <- prometheus.MustNewConstMetric(mqttRefusedDesc, prometheus.CounterValue, float64(r.refused.Load()), id)
	}
}
