package publish

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/shmbridge/shmbridge/internal/mqtt"
)

// What an mqtt publisher with HomeAssistant sends beside its messages: its discovery configs (after each
// connection, and when Home Assistant comes back), its availability (whether it reads its mapping), and, once
// deleted, the empty configs that remove its entities.

// birthDelay bounds the random wait before the configs go again after Home Assistant says it is back: Home
// Assistant advises one, so that every device does not answer at once.
const birthDelay = 2 * time.Second

// removalTimeout bounds how long the removals wait for the broker before they are left for the next connection.
const removalTimeout = 10 * time.Second

// discovery is what of its discovery a publisher has to send. Its run's mutex guards it.
type discovery struct {
	announce  bool   // the configs go before the next message
	avail     string // the availability to say: mqtt.Online or mqtt.Offline ("": not known yet)
	availSent string // the availability said on this connection
}

// connected: a new connection (or Home Assistant back) has none of it.
func (d *discovery) connected() { d.announce, d.availSent = true, "" }

// available says whether the publisher reads its mapping now.
func (r *mqttRun) available(ok bool) {
	if r.sp.HomeAssistant == nil {
		return
	}
	r.mu.Lock()
	r.discovery.avail = map[bool]string{true: mqtt.Online, false: mqtt.Offline}[ok]
	r.mu.Unlock()
	r.signal()
}

// announce sends what of its discovery the publisher has to (the configs, then its availability); false: the
// publisher stopped.
func (rt *Runtime) announce(r *mqttRun) bool {
	r.mu.Lock()
	d := r.discovery
	r.discovery.announce = false
	if d.avail != "" {
		r.discovery.availSent = d.avail
	}
	r.mu.Unlock()
	cfg := rt.broker.Config()
	var msgs []announcement
	if d.announce {
		msgs = announcements(cfg, r.sp, rt.o.Version)
	}
	if d.avail != "" && d.avail != d.availSent {
		msgs = append(msgs, announcement{availabilityTopic(cfg, r.sp), []byte(d.avail)})
	}
	for _, m := range msgs {
		if err := rt.broker.Publish(r.ctx, m.topic, 1, true, m.payload); err != nil {
			if r.ctx.Err() != nil {
				return false
			}
			rt.o.Log.Warn("a Home Assistant discovery message did not go: it goes again at the next connection", "publisher", r.sp.ID, "topic", m.topic, "error", err)
			return true // the connection lost: the next one sends it all again
		}
	}
	return true
}

// listen has the broker connection hear Home Assistant's birth messages on prefix/status.
func (rt *Runtime) listen(prefix string) {
	rt.mu.Lock()
	heard := rt.prefixes[prefix]
	rt.prefixes[prefix] = true
	rt.mu.Unlock()
	if !heard {
		rt.broker.Subscribe(prefix+"/status", func(p []byte) {
			if string(p) == mqtt.Online {
				time.AfterFunc(rand.N(birthDelay), func() { rt.reannounce(prefix) })
			}
		})
	}
}

// reannounce sends the discovery and the whole state of every publisher announcing to prefix: Home Assistant
// is back, and has forgotten what was not retained.
func (rt *Runtime) reannounce(prefix string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, r := range rt.runs {
		if d := r.sp.HomeAssistant; d != nil && d.Prefix == prefix {
			r.resend()
		}
	}
}

// undiscover removes a deleted publisher's entities: its removals are kept (they go at the next connection if
// the broker is away now), and sent.
func (rt *Runtime) undiscover(sp Spec) {
	if sp.HomeAssistant == nil {
		return
	}
	if err := rt.o.Store.AddRemovals(removals(rt.broker.Config(), sp)); err != nil {
		rt.o.Log.Warn("the removal of a publisher's Home Assistant entities is not kept: it goes now or never", "publisher", sp.ID, "error", err)
	}
	rt.sendRemovals()
}

// sendRemovals sends the removals kept, in the background (each connection calls it), and forgets those the
// broker took.
func (rt *Runtime) sendRemovals() {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.closed || len(rt.o.Store.Removals()) == 0 {
		return
	}
	rt.bg.Add(1)
	go func() {
		defer rt.bg.Done()
		rt.removing.Lock() // one sender at a time
		defer rt.removing.Unlock()
		ctx, cancel := context.WithTimeout(rt.ctx, removalTimeout)
		defer cancel()
		for _, topic := range rt.o.Store.Removals() {
			if err := rt.broker.Publish(ctx, topic, 1, true, nil); err != nil {
				return // the broker away: at the next connection
			}
			if err := rt.o.Store.RemoveRemoval(topic); err != nil {
				rt.o.Log.Warn("a Home Assistant removal sent stays kept: it goes again", "topic", topic, "error", err)
			}
		}
	}()
}

// pendingRemovals counts the removals not sent yet.
func (rt *Runtime) pendingRemovals() int { return len(rt.o.Store.Removals()) }
