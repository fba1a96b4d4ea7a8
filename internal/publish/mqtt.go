package publish

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/view"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// MQTT publishers send a mapping's decoded fields to the daemon's broker (-mqtt, or PUT /v1/mqtt): each one a decoded watch
// (package watch: one consistent frame a sample, a message when the fields changed), its messages to a topic.
// What waits to go is one message a publisher, the latest: while the broker is slow or away, newer fields
// replace what has not gone yet (counted as dropped), so nothing grows, and the subscriber gets the state as it
// is when the broker is back. A message is the watch's JSON of the fields as it is: the whole selection, or
// (Changes) the watch's patches merged on the bytes (watch.Merger), never decoded into values and encoded again.

const (
	// mqttRetry is the wait before a publisher tries its mapping again (not there, closed, not decoding).
	mqttRetry = time.Second
	// publishRetry bounds the wait before a message the broker did not take goes again while the connection
	// it went out on stays up (an acknowledgement that did not come in time); a connection lost ends it.
	publishRetry = time.Second
)

// addMQTT decodes a new mqtt publisher's mapping once (the mapping, the layout and the fields are there: an
// error now rather than a publisher that never publishes), then keeps it and runs it.
func (rt *Runtime) addMQTT(ctx context.Context, sp Spec) (Spec, error) {
	layout, err := rt.decodeOnce(ctx, sp)
	if err != nil {
		return sp, err
	}
	if d := sp.HomeAssistant; d != nil {
		d.Device = deviceDefaults(d.Device, sp.Mapping, layout)
	}
	if err := rt.checkAnnounced(sp); err != nil {
		return sp, err
	}
	sp, err = rt.o.Store.Add(sp)
	if err != nil {
		return sp, err
	}
	rt.start(sp)
	rt.o.Log.Info("publisher configured", "id", sp.ID, "kind", sp.Kind, "mapping", sp.Mapping, "topic", sp.Topic)
	return sp, nil
}

// decodeOnce reads, decodes and encodes one frame of an mqtt publisher's selection; it answers the id of the
// layout that decodes it.
func (rt *Runtime) decodeOnce(ctx context.Context, sp Spec) (layout string, err error) {
	src, err := rt.source(sp)
	if err != nil {
		return "", err
	}
	p, err := rt.plans.Plan(src.Mapping, src.Decode.Layout, src.Decode.Fields)
	if err != nil {
		return "", err
	}
	f, release, err := p.Read(ctx, rt.o.Budget)
	if err != nil {
		return "", err
	}
	defer release()
	c := rt.o.Budget.NewCharge()
	defer c.Release()
	_, err = p.AppendJSON(ctx, nil, f, c)
	return src.Decode.ID, err
}

// source is the decoded watch an mqtt publisher samples: its interval, at least MinInterval.
func (rt *Runtime) source(sp Spec) (watch.Source, error) {
	m, err := rt.o.Registry.MappingToRead(sp.Mapping)
	if err != nil {
		return watch.Source{}, err
	}
	l, id, err := view.Of(rt.o.Layouts, m, sp.Layout)
	if err != nil {
		return watch.Source{}, err
	}
	fields := strings.Join(sp.Fields, ",")
	p, err := rt.plans.Plan(m, l, fields)
	if err != nil {
		return watch.Source{}, err
	}
	d, _ := time.ParseDuration(sp.Interval)
	return watch.Source{Mapping: m, Interval: max(d, rt.o.MinInterval), Decode: watch.DecodingOf(p, id, fields)}, nil
}

// mqttRun is one running mqtt publisher.
type mqttRun struct {
	sp        Spec
	ctx       context.Context
	cancel    context.CancelFunc
	done      sync.WaitGroup // its sampler and its sender
	kick      chan struct{}  // something waits to go
	published atomic.Int64
	dropped   atomic.Int64
	refused   atomic.Int64
	said      string // the last refusal logged (the sender's)
	out       []byte // the payload going (the sender's)

	mu sync.Mutex
	messages
	discovery // with HomeAssistant
}

// start runs a publisher (at its creation, and at Start for those kept); not after Close.
func (rt *Runtime) start(sp Spec) {
	if sp.HomeAssistant != nil {
		rt.listen(sp.HomeAssistant.Prefix)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &mqttRun{sp: sp, ctx: ctx, cancel: cancel, kick: make(chan struct{}, 1), messages: messages{changes: sp.Changes},
		discovery: discovery{announce: sp.HomeAssistant != nil}}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.closed {
		cancel()
		return
	}
	rt.runs[sp.ID] = r
	r.done.Add(2)
	go rt.sample(r)
	go rt.send(r)
}

// stop ends a publisher and waits for its goroutines.
func (rt *Runtime) stop(id string) {
	rt.mu.Lock()
	r := rt.runs[id]
	delete(rt.runs, id)
	rt.mu.Unlock()
	if r != nil {
		r.cancel()
		r.done.Wait()
	}
}

// connected: after each connection every publisher sends its whole state (a broker restarted has lost what it
// retained, and a changes-only subscriber what it missed).
func (rt *Runtime) connected() {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, r := range rt.runs {
		r.resend()
	}
	go rt.sendRemovals()
}

// resend marks the publisher's whole state to go next, its discovery before it.
func (r *mqttRun) resend() {
	r.mu.Lock()
	r.messages.connected()
	r.discovery.connected()
	r.mu.Unlock()
	r.signal()
}

func (r *mqttRun) signal() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// sample is a publisher's watch: each message's fields into its state, and into what goes next.
func (rt *Runtime) sample(r *mqttRun) {
	defer r.done.Done()
	log := rt.o.Log.With("publisher", r.sp.ID, "mapping", r.sp.Mapping)
	said := ""
	for {
		err := rt.watchOnce(r)
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
func (rt *Runtime) watchOnce(r *mqttRun) error {
	src, err := rt.source(r.sp)
	if err != nil {
		return err
	}
	sub, err := rt.o.Hub.Subscribe([]watch.Source{src})
	if err != nil {
		return err
	}
	defer sub.Close()
	r.available(true)
	defer r.available(false)
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
				if err := r.take(m.Type == "snapshot", m.Fields()); err != nil {
					failure = err
				}
			case "error":
				failure = errors.New("a frame did not decode: " + m.Data)
			}
			m.Release()
		}
		if failure != nil {
			rt.o.Log.Warn("an mqtt publisher skipped a message", "publisher", r.sp.ID, "error", failure)
		}
		if ended {
			return errors.New("its watch ended (the mapping was closed)")
		}
	}
}

// take takes a watch message's fields (whole: a snapshot's), and wakes the sender.
func (r *mqttRun) take(whole bool, fields []byte) error {
	r.mu.Lock()
	replaced, err := r.messages.take(whole, fields)
	r.mu.Unlock()
	if replaced {
		r.dropped.Add(1) // what waited is replaced: the newer state goes instead
	}
	r.signal()
	return err
}

// next is the payload that goes next (nil: nothing), in the sender's buffer.
func (r *mqttRun) next() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = r.messages.next(r.out[:0])
	if len(r.out) == 0 {
		return nil
	}
	return r.out
}

// send is a publisher's sender: the latest payload, as soon as the broker takes it.
func (rt *Runtime) send(r *mqttRun) {
	defer r.done.Done()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.kick:
		}
		if r.sp.HomeAssistant != nil && !rt.announce(r) {
			return
		}
		payload := r.next()
		if payload == nil {
			continue
		}
		if !rt.publish(r, payload) {
			return
		}
	}
}

// publish sends a payload, and the latest state after it until one is taken or refused; false: the publisher
// stopped.
func (rt *Runtime) publish(r *mqttRun, payload []byte) bool {
	c := rt.broker
	for {
		down := c.Down() // the connection this try goes out on, if it is up
		err := c.Publish(r.ctx, r.sp.Topic, r.sp.QoS, r.sp.Retain, payload)
		switch {
		case err == nil:
			r.published.Add(1)
			return true
		case r.ctx.Err() != nil:
			return false
		case errors.Is(err, mqtt.ErrRefused):
			rt.refused(r, err)
			return true
		}
		// Not taken (the connection dropped meanwhile): the latest state goes when it is back.
		r.mu.Lock()
		lost := r.messages.lost()
		r.mu.Unlock()
		if lost {
			r.dropped.Add(1)
		}
		if err := awaitBroker(r.ctx, c, down); err != nil {
			return false
		}
		if payload = r.next(); payload == nil {
			return true
		}
	}
}

// awaitBroker waits, after a message the broker did not take, for a connection to send again on: the one it
// went out on gone (down: the client knows it within moments of a failed write), or, if it stays up,
// publishRetry; then the connection up.
func awaitBroker(ctx context.Context, c *mqtt.Client, down <-chan struct{}) error {
	t := time.NewTimer(publishRetry)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-down:
	case <-t.C:
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.Up():
		return nil
	}
}

// refused: the broker does not take the publisher's message (too large for it, not authorized, …). It is not
// sent again, and the next message is the whole selection; said in the log once, not for every message, and
// never at the cost of the connection the other publishers share.
func (rt *Runtime) refused(r *mqttRun, err error) {
	r.refused.Add(1)
	r.mu.Lock()
	r.messages.refused()
	r.mu.Unlock()
	if msg := err.Error(); msg != r.said {
		rt.o.Log.Warn("the broker does not take an mqtt publisher's message: not sent", "publisher", r.sp.ID, "topic", r.sp.Topic, "error", err)
		r.said = msg
	}
}

// MQTTMetrics is the collector of the broker connection's state and each mqtt publisher's counts.
func (rt *Runtime) MQTTMetrics() prometheus.Collector { return mqttCollector{rt} }

type mqttCollector struct{ rt *Runtime }

var (
	mqttConnectedDesc = prometheus.NewDesc("shmbridge_mqtt_connected", "1 while the daemon is connected to its MQTT broker (-mqtt, PUT /v1/mqtt).", nil, nil)
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
	client := c.rt.broker
	up := 0.0
	if client.Connected() {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(mqttConnectedDesc, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(mqttConnectsDesc, prometheus.CounterValue, float64(client.Connects()))
	c.rt.mu.Lock()
	defer c.rt.mu.Unlock()
	for id, r := range c.rt.runs {
		ch <- prometheus.MustNewConstMetric(mqttPublishedDesc, prometheus.CounterValue, float64(r.published.Load()), id)
		ch <- prometheus.MustNewConstMetric(mqttDroppedDesc, prometheus.CounterValue, float64(r.dropped.Load()), id)
		ch <- prometheus.MustNewConstMetric(mqttRefusedDesc, prometheus.CounterValue, float64(r.refused.Load()), id)
	}
}
