package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/watch"
)

// Errors of the runtime. Each one's text is whole (what is wrong, and what would do): Is tells them apart.
var (
	// ErrInvalid is a publisher its rules refuse: a kind, a name, a path, a topic, an interval.
	ErrInvalid = errors.New("not a publisher the daemon runs")
	// ErrFields is a field a metrics publisher names that its mapping's decoded frame does not have as it
	// needs it: absent, not a number, not an array.
	ErrFields = errors.New("not a field the publisher can publish")
	// ErrReservedName is a metric name of the daemon's own (the Go runtime's, the process').
	ErrReservedName = errors.New("a metric name of the daemon's own")
	// ErrTooManySeries is a metrics publisher whose gauges would take the publishers past MaxSeries.
	ErrTooManySeries = errors.New("too many gauges")
	// ErrAnnounced is a field another publisher announces to Home Assistant already.
	ErrAnnounced = errors.New("announced by another publisher")
)

// failure is one of the runtime's errors, its text the detail of what failed.
type failure struct {
	kind   error
	detail string
}

func (e *failure) Error() string        { return e.detail }
func (e *failure) Is(target error) bool { return target == e.kind }

func fail(kind error, format string, args ...any) error {
	return &failure{kind: kind, detail: fmt.Sprintf(format, args...)}
}

// DefaultMQTTInterval is how often an mqtt publisher samples its mapping when its spec does not say.
const DefaultMQTTInterval = 100 * time.Millisecond

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	// fieldPath is a path of ?fields= form: names and indexes.
	fieldPath = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\[\d{1,7}\])*(\.[a-z_][a-z0-9_]*(\[\d{1,7}\])*)*$`)
	// reservedLabels are the labels the daemon sets itself.
	reservedLabels = []string{"publisher", "field", "index"}
)

// MaxLabels is the most labels a metrics publisher has.
const MaxLabels = 32

// Check checks a new publisher by the rules (what needs no decode): its kind, its names, paths and labels; an
// mqtt one's topic, qos, interval and discovery. It answers it with its defaults filled in (an mqtt one's
// interval).
func (rt *Runtime) Check(sp Spec) (Spec, error) {
	return rt.check(sp)
}

// checkKept checks a kept publisher by the rules of its creation, but for its interval, which
// -min-watch-interval may have moved since (the sampler keeps to it anyway).
func (rt *Runtime) checkKept(sp Spec) error {
	if !ValidID(sp.ID) {
		return fmt.Errorf("id %s is not one the daemon makes", quote(sp.ID))
	}
	sp.Interval = ""
	_, err := rt.check(sp)
	return err
}

func (rt *Runtime) check(sp Spec) (Spec, error) {
	switch {
	case sp.Kind != Metrics && sp.Kind != MQTT:
		return sp, fail(ErrInvalid, "kind must be %q (gauges on /metrics) or %q (messages to the broker)", Metrics, MQTT)
	case sp.Mapping == "":
		return sp, fail(ErrInvalid, "name the mapping to publish: mapping")
	case sp.Kind == MQTT:
		return rt.checkMQTT(sp)
	case sp.Topic != "" || sp.QoS != 0 || sp.Retain || sp.Interval != "" || sp.Changes || sp.HomeAssistant != nil:
		return sp, fail(ErrInvalid, "topic, qos, retain, interval, changes and homeassistant are an mqtt publisher's")
	case !metricName.MatchString(sp.Name) || strings.HasPrefix(sp.Name, "shmbridge_"):
		return sp, fail(ErrInvalid, "name %s is not a metric name of its own: letters, digits, _ and :, not starting with a digit or shmbridge_", quote(sp.Name))
	case rt.nameTaken(sp.Name):
		return sp, fail(ErrReservedName, "name %s is one of the daemon's own metrics (the Go runtime's, the process'): choose another name", quote(sp.Name))
	case (len(sp.Fields) > 0) == (sp.Each != ""):
		return sp, fail(ErrInvalid, "give fields (a gauge each), or each with value (a gauge for each item of an array)")
	case sp.Each != "" && sp.Value == "":
		return sp, fail(ErrInvalid, "each needs value: the numeric field of an item")
	case len(sp.Labels) > MaxLabels:
		return sp, fail(ErrInvalid, "at most %d labels", MaxLabels)
	}
	for _, f := range append(slices.Clone(sp.Fields), sp.Each, sp.Value) {
		if f != "" && !fieldPath.MatchString(f) {
			return sp, fail(ErrInvalid, "%s is not a field path (a.b[2].c)", quote(f))
		}
	}
	for k, l := range sp.Labels {
		if !labelName.MatchString(k) || strings.HasPrefix(k, "__") || slices.Contains(reservedLabels, k) {
			return sp, fail(ErrInvalid, "label %s: a label name is letters, digits and _, not __… and not %s (the daemon's)", quote(k), strings.Join(reservedLabels, ", "))
		}
		if l.Field != "" && !fieldPath.MatchString(l.Field) {
			return sp, fail(ErrInvalid, "label %s: %s is not a field path", k, quote(l.Field))
		}
	}
	return sp, nil
}

// checkMQTT checks what an mqtt publisher needs beyond the common fields.
func (rt *Runtime) checkMQTT(sp Spec) (Spec, error) {
	switch {
	case sp.Name != "" || sp.Each != "" || sp.Value != "" || len(sp.Labels) > 0:
		return sp, fail(ErrInvalid, "name, each, value and labels are a metrics publisher's; an mqtt one has topic, qos, retain, interval, changes")
	case mqtt.CheckTopic(sp.Topic) != nil:
		return sp, fail(ErrInvalid, "topic %s is not a topic to publish to (%v): 1 to 65535 bytes of UTF-8, at most %d levels, no + or # (wildcards), no control character or non-character, not starting with $",
			quote(sp.Topic), mqtt.CheckTopic(sp.Topic), mqtt.MaxTopicLevels)
	case sp.QoS > 2:
		return sp, fail(ErrInvalid, "qos must be 0, 1 or 2")
	}
	interval := DefaultMQTTInterval
	if sp.Interval != "" {
		d, err := (watch.Intervals{Min: rt.o.MinInterval, Max: rt.o.MaxInterval}).Parse(sp.Interval)
		if err != nil {
			return sp, fail(ErrInvalid, "%v", err)
		}
		interval = d
	}
	sp.Interval = interval.String()
	for _, f := range sp.Fields {
		if !fieldPath.MatchString(f) {
			return sp, fail(ErrInvalid, "%s is not a field path (a.b[2].c)", quote(f))
		}
	}
	return checkDiscovery(sp)
}

// checkAnnounced refuses a publisher that announces a sensor another one announces (the same mapping and field:
// the same unique_id in Home Assistant).
func (rt *Runtime) checkAnnounced(sp Spec) error {
	if sp.HomeAssistant == nil {
		return nil
	}
	for _, other := range rt.o.Store.List() {
		if other.HomeAssistant == nil || other.Mapping != sp.Mapping || other.ID == sp.ID {
			continue
		}
		for _, f := range announced(sp) {
			if slices.Contains(announced(other), f) {
				return fail(ErrAnnounced, "%s of %s is announced to Home Assistant by publisher %s already", quote(f), quote(sp.Mapping), other.ID)
			}
		}
	}
	return nil
}

// nameTaken says whether a metric name is one Load was told is taken.
func (rt *Runtime) nameTaken(name string) bool {
	rt.mu.Lock()
	taken := rt.taken
	rt.mu.Unlock()
	return taken != nil && taken(name)
}

// quote is s as a JSON string: how a detail shows what it names.
func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
