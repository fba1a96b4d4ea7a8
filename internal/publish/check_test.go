package publish

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/internal/mqtt"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// awayBroker is a broker never connected to (nothing listens at port 1).
var awayBroker = &mqtt.Config{URL: "mqtt://127.0.0.1:1"}

// TestCheck: what the rules refuse is the runtime's error of that kind, its text saying what is wrong (the API
// answers it as it is); what they take comes back with its defaults.
func TestCheck(t *testing.T) {
	store, _ := Open("", 8)
	rt := NewRuntime(Options{Store: store, Broker: awayBroker, MinInterval: 5 * time.Millisecond, MaxInterval: time.Hour})
	rt.Load(func(name string) bool { return name == "go_goroutines" })
	metrics := Spec{Kind: Metrics, Mapping: "m", Name: "car", Fields: []string{"speed"}}
	mq := Spec{Kind: MQTT, Mapping: "m", Topic: "sim/car"}
	ha := Spec{Kind: MQTT, Mapping: "m", Topic: "sim/car", Fields: []string{"speed", "gear"}, HomeAssistant: &Discovery{}}
	with := func(sp Spec, f func(*Spec)) Spec { f(&sp); return sp }
	for _, c := range []struct {
		sp     Spec
		kind   error
		detail string
	}{
		{with(metrics, func(s *Spec) { s.Kind = "statsd" }), ErrInvalid, `kind must be "metrics"`},
		{with(metrics, func(s *Spec) { s.Mapping = "" }), ErrInvalid, "name the mapping"},
		{with(metrics, func(s *Spec) { s.Name = "shmbridge_x" }), ErrInvalid, `name "shmbridge_x" is not a metric name`},
		{with(metrics, func(s *Spec) { s.Name = "1car" }), ErrInvalid, "not a metric name"},
		{with(metrics, func(s *Spec) { s.Name = "go_goroutines" }), ErrReservedName, "one of the daemon's own metrics"},
		{with(metrics, func(s *Spec) { s.Topic = "x" }), ErrInvalid, "an mqtt publisher's"},
		{with(metrics, func(s *Spec) { s.Each = "items" }), ErrInvalid, "give fields"},
		{with(metrics, func(s *Spec) { s.Fields, s.Each = nil, "items" }), ErrInvalid, "each needs value"},
		{with(metrics, func(s *Spec) { s.Fields = []string{"a b"} }), ErrInvalid, `"a b" is not a field path`},
		{with(metrics, func(s *Spec) { s.Labels = map[string]Label{"field": {Literal: "x"}} }), ErrInvalid, "not __… and not publisher, field, index"},
		{with(metrics, func(s *Spec) { s.Labels = map[string]Label{"k": {Field: "a;b"}} }), ErrInvalid, `label k: "a;b" is not a field path`},
		{with(mq, func(s *Spec) { s.Name = "car" }), ErrInvalid, "a metrics publisher's"},
		{with(mq, func(s *Spec) { s.Topic = "sim/#" }), ErrInvalid, "wildcards"},
		{with(mq, func(s *Spec) { s.QoS = 3 }), ErrInvalid, "qos must be 0, 1 or 2"},
		{with(mq, func(s *Spec) { s.Interval = "1ms" }), ErrInvalid, "interval must be a duration from 5ms (-min-watch-interval) to 1h0m0s"},
		{with(mq, func(s *Spec) { s.Interval = "2h" }), ErrInvalid, "interval must be"},
		{with(mq, func(s *Spec) { s.Fields = []string{"x."} }), ErrInvalid, "not a field path"},
		{with(metrics, func(s *Spec) { s.HomeAssistant = &Discovery{} }), ErrInvalid, "homeassistant are an mqtt publisher's"},
		{with(mq, func(s *Spec) { s.HomeAssistant = &Discovery{} }), ErrInvalid, "homeassistant needs fields"},
		{with(ha, func(s *Spec) { s.Changes = true }), ErrInvalid, "not changes"},
		{with(ha, func(s *Spec) { s.HomeAssistant = &Discovery{Prefix: "home/assistant"} }), ErrInvalid, "homeassistant.prefix"},
		{with(ha, func(s *Spec) { s.HomeAssistant = &Discovery{Sensors: map[string]Sensor{"rpm": {}}} }), ErrInvalid, `"rpm" is not one of fields`},
		{with(ha, func(s *Spec) {
			s.HomeAssistant = &Discovery{Sensors: map[string]Sensor{"speed": {StateClass: "gauge"}}}
		}), ErrInvalid, "state_class"},
		{with(ha, func(s *Spec) {
			s.HomeAssistant = &Discovery{Sensors: map[string]Sensor{"speed": {DeviceClass: "Speed!"}}}
		}), ErrInvalid, "device_class"},
		{with(ha, func(s *Spec) { s.HomeAssistant = &Discovery{Sensors: map[string]Sensor{"speed": {Name: "a\nb"}}} }), ErrInvalid, "no control character"},
		{with(ha, func(s *Spec) { s.HomeAssistant = &Discovery{Device: Device{Model: strings.Repeat("m", 256)}} }), ErrInvalid, "homeassistant.device"},
		{with(ha, func(s *Spec) {
			s.Fields = make([]string, MaxSensors+1)
			for i := range s.Fields {
				s.Fields[i] = fmt.Sprintf("f%d", i)
			}
		}), ErrInvalid, "at most 100 sensors"},
	} {
		_, err := rt.Check(c.sp)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%+v: %v, want %v saying %q", c.sp, err, c.kind, c.detail)
		}
	}
	if sp, err := rt.Check(mq); err != nil || sp.Interval != "100ms" {
		t.Errorf("an mqtt publisher: %+v, %v", sp, err)
	}
	if sp, err := rt.Check(with(mq, func(s *Spec) { s.Interval = "1500ms" })); err != nil || sp.Interval != "1.5s" {
		t.Errorf("an interval: %+v, %v", sp, err)
	}
	if _, err := rt.Check(metrics); err != nil {
		t.Errorf("a metrics publisher: %v", err)
	}
	if _, err := NewRuntime(Options{Store: store}).Check(mq); err != nil {
		t.Errorf("no broker (the publisher publishes once one is set): %v", err)
	}
	if sp, err := rt.Check(ha); err != nil || sp.HomeAssistant.Prefix != "homeassistant" {
		t.Errorf("discovery: %+v, %v", sp.HomeAssistant, err)
	}
}

// TestLoadChecksKept: Load forgets the kept publishers the rules refuse (their files left as they are), names
// taken included, but not for an interval -min-watch-interval has moved past, nor an mqtt one without a broker
// (it does not run, and is kept for a start with one).
func TestLoadChecksKept(t *testing.T) {
	dir := testutil.TempDir(t)
	store, _ := Open(dir, 8)
	add := func(sp Spec) string {
		sp, err := store.Add(sp)
		if err != nil {
			t.Fatal(err)
		}
		return sp.ID
	}
	good := add(Spec{Kind: Metrics, Mapping: "m", Name: "good", Fields: []string{"a"}})
	taken := add(Spec{Kind: Metrics, Mapping: "m", Name: "go_goroutines", Fields: []string{"a"}})
	topic := add(Spec{Kind: MQTT, Mapping: "m", Topic: "sim/\u0001"})
	fast := add(Spec{Kind: MQTT, Mapping: "m", Topic: "sim/fast", Interval: "1ms"})
	rt := NewRuntime(Options{Store: store, MinInterval: 10 * time.Millisecond, MaxInterval: time.Hour})
	rt.Load(func(name string) bool { return name == "go_goroutines" })
	rt.Load(nil) // a second Load changes nothing
	var kept []string
	for _, sp := range store.List() {
		kept = append(kept, sp.ID)
	}
	if strings.Join(kept, ",") != strings.Join(sortedIDs(good, fast), ",") {
		t.Errorf("kept %v, want %s and %s", kept, good, fast)
	}
	if _, err := rt.Check(Spec{Kind: Metrics, Mapping: "m", Name: "go_goroutines", Fields: []string{"a"}}); !errors.Is(err, ErrReservedName) {
		t.Errorf("a name taken, after Load: %v", err)
	}
	if again, _ := Open(dir, 8); len(again.List()) != 4 {
		t.Errorf("%d files left of 4 (%s and %s are refused, not removed)", len(again.List()), taken, topic)
	}
}

func sortedIDs(ids ...string) []string {
	if ids[0] > ids[1] {
		ids[0], ids[1] = ids[1], ids[0]
	}
	return ids
}
