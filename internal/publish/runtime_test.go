package publish

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/shmbridge/shmbridge/internal/budget"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

const carKsy = `meta: {id: car, endian: le}
seq:
  - {id: speed, type: f4}
  - {id: rpm, type: u4}
  - {id: driver, type: strz, size: 8, encoding: UTF-8}
  - {id: count, type: u1}
  - {id: wheels, type: wheel, repeat: expr, repeat-expr: count}
types:
  wheel:
    seq:
      - {id: name, type: strz, size: 4, encoding: UTF-8}
      - {id: temp, type: f4}
`

// car is a runtime over a mapping the car layout decodes: speed 50, rpm 7000, driver Ayrton, two wheels.
func car(t *testing.T, o Options) (*Runtime, *registry.Mapping) {
	t.Helper()
	reg, m := newMapping(t, 64)
	frame := binary.LittleEndian.AppendUint32(nil, math.Float32bits(50))
	frame = binary.LittleEndian.AppendUint32(frame, 7000)
	frame = append(frame, "Ayrton\x00\x00"...)
	frame = append(frame, 2)
	frame = append(append(frame, "FL\x00\x00"...), binary.LittleEndian.AppendUint32(nil, math.Float32bits(80.5))...)
	frame = append(append(frame, "FR\x00\x00"...), binary.LittleEndian.AppendUint32(nil, math.Float32bits(82))...)
	m.WriteAt(frame, 0)
	layouts, _ := layout.OpenStore("", layout.DefaultLimits, 8)
	if _, _, err := layouts.Put("car", []byte(carKsy)); err != nil {
		t.Fatal(err)
	}
	m.SetLayout("car")
	o.Registry, o.Layouts = reg, layouts
	if o.Store == nil {
		o.Store, _ = Open("", 8)
	}
	o.MinInterval, o.MaxInterval = time.Millisecond, time.Hour
	if o.MaxSeries == 0 {
		o.MaxSeries = 100
	}
	rt := NewRuntime(o)
	t.Cleanup(rt.Close) // its publishers stopped and waited for: none is left running into the next test
	return rt, m
}

// gather is what the runtime's gauges collector gives, by metric name: each gauge's labels (name=value,
// sorted) and value.
func gather(t *testing.T, rt *Runtime) map[string]map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(rt.Gauges())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]float64{}
	for _, mf := range mfs {
		out[mf.GetName()] = map[string]float64{}
		for _, m := range mf.GetMetric() {
			out[mf.GetName()][labelsOf(m)] = m.GetGauge().GetValue()
		}
	}
	return out
}

func labelsOf(m *dto.Metric) string {
	var ls []string
	for _, l := range m.GetLabel() {
		ls = append(ls, l.GetName()+"="+l.GetValue())
	}
	slices.Sort(ls)
	return strings.Join(ls, ",")
}

// TestMetricsGauges: a metrics publisher's fields as gauges, read at each scrape (a write shows at the next),
// with literal labels and labels from fields; an array of structs as a gauge an item; up 1, and 0 once the
// mapping is gone (said in the log); its series counted in its status.
func TestMetricsGauges(t *testing.T) {
	rt, m := car(t, Options{})
	ctx := context.Background()
	p, err := rt.Add(ctx, Spec{Kind: Metrics, Mapping: m.Name(), Name: "car", Fields: []string{"speed", "rpm"},
		Labels: map[string]Label{"rig": {Literal: "sim1"}, "who": {Field: "driver"}}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := rt.Add(ctx, Spec{Kind: Metrics, Mapping: m.Name(), Layout: "car", Name: "wheel_temp", Each: "wheels", Value: "temp",
		Labels: map[string]Label{"wheel": {Field: "name"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Status(p.ID).Series != 2 || rt.Status(w.ID).Series != 2 {
		t.Errorf("series: %+v %+v", rt.Status(p.ID), rt.Status(w.ID))
	}
	got := gather(t, rt)
	want := map[string]map[string]float64{
		"car":                    {"field=speed,publisher=" + p.ID + ",rig=sim1,who=Ayrton": 50, "field=rpm,publisher=" + p.ID + ",rig=sim1,who=Ayrton": 7000},
		"wheel_temp":             {"index=0,publisher=" + w.ID + ",wheel=FL": 80.5, "index=1,publisher=" + w.ID + ",wheel=FR": 82},
		"shmbridge_publisher_up": {"publisher=" + p.ID: 1, "publisher=" + w.ID: 1},
	}
	for name, gauges := range want {
		for labels, v := range gauges {
			if got[name][labels] != v {
				t.Errorf("%s{%s} = %v, want %v (%v)", name, labels, got[name][labels], v, got[name])
			}
		}
	}
	m.WriteAt(binary.LittleEndian.AppendUint32(nil, math.Float32bits(61.5)), 0)
	if v := gather(t, rt)["car"]["field=speed,publisher="+p.ID+",rig=sim1,who=Ayrton"]; v != 61.5 {
		t.Errorf("after a write: %v", v)
	}
	if err := rt.Remove(w.ID); err != nil || rt.Status(w.ID).Series != 0 {
		t.Fatalf("removed: %v, %+v", err, rt.Status(w.ID))
	}
	if _, ok := gather(t, rt)["wheel_temp"]; ok {
		t.Error("a removed publisher's gauges are still there")
	}
	rt.o.Registry.CloseMapping(m.Name(), true)
	if up := gather(t, rt)["shmbridge_publisher_up"]["publisher="+p.ID]; up != 0 {
		t.Errorf("the mapping gone: up %v", up)
	}
}

// TestMetricsRefused: a field that is not a number, is not there, an each that is not an array, a label that
// is not there are ErrFields; gauges past MaxSeries ErrTooManySeries; a mapping nowhere the registry's
// ErrNotFound; none of them kept.
func TestMetricsRefused(t *testing.T) {
	rt, m := car(t, Options{MaxSeries: 3})
	ctx := context.Background()
	base := Spec{Kind: Metrics, Mapping: m.Name(), Name: "car", Fields: []string{"speed"}}
	with := func(f func(*Spec)) Spec { sp := base; f(&sp); return sp }
	for _, c := range []struct {
		sp     Spec
		kind   error
		detail string
	}{
		{with(func(s *Spec) { s.Fields = []string{"driver"} }), ErrFields, `driver is not a number ("Ayrton")`},
		{with(func(s *Spec) { s.Fields = []string{"nope"} }), ErrFields, "nope: "},
		{with(func(s *Spec) { s.Fields, s.Each, s.Value = nil, "speed", "x" }), ErrFields, "each: speed is not an array of this layout"},
		{with(func(s *Spec) { s.Labels = map[string]Label{"x": {Field: "nope"}} }), ErrFields, "label x: "},
		{with(func(s *Spec) { s.Fields = []string{"speed", "rpm", "count", "wheels[0].temp"} }), ErrTooManySeries, "4 gauges: the publishers would export 4 together, more than -max-metric-series (3)"},
		{with(func(s *Spec) { s.Mapping += "-nowhere" }), registry.ErrNotFound, ""},
		{with(func(s *Spec) { s.Layout = "none" }), layout.ErrNotFound, ""},
	} {
		_, err := rt.Add(ctx, c.sp)
		if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%+v: %v, want %v saying %q", c.sp, err, c.kind, c.detail)
		}
	}
	if n := len(rt.Store().List()); n != 0 {
		t.Errorf("%d kept", n)
	}
}

// TestMetricsScrapeBudget: a scrape's copy takes its room from the budget: with none left, the publisher is
// down for that scrape (and its error is the budget's), up again at the next.
func TestMetricsScrapeBudget(t *testing.T) {
	b := budget.New(1 << 20)
	rt, m := car(t, Options{Budget: b})
	p, err := rt.Add(context.Background(), Spec{Kind: Metrics, Mapping: m.Name(), Name: "car", Fields: []string{"speed"}})
	if err != nil {
		t.Fatal(err)
	}
	release, _ := b.Reserve(b.Size())
	if _, err := rt.Add(context.Background(), Spec{Kind: Metrics, Mapping: m.Name(), Name: "car2", Fields: []string{"speed"}}); !errors.Is(err, budget.ErrBusy) {
		t.Errorf("a budget spent: %v", err)
	}
	if up := gather(t, rt)["shmbridge_publisher_up"]["publisher="+p.ID]; up != 0 {
		t.Errorf("a budget spent: up %v", up)
	}
	release()
	if up := gather(t, rt)["shmbridge_publisher_up"]["publisher="+p.ID]; up != 1 || b.InUse() != 0 {
		t.Errorf("the budget back: up %v, %d bytes in use", up, b.InUse())
	}
}

// running counts the goroutines of the runtime's mqtt publishers.
func running() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return bytes.Count(buf, []byte("publish.(*Runtime).sample(")) + bytes.Count(buf, []byte("publish.(*Runtime).send("))
}

// TestRuntimeLifecycle: nothing runs before Start; Start runs the kept mqtt publishers, Add a new one (its
// first decode checked: a field not there is refused), two goroutines each; Remove stops one and waits for it;
// Close stops the rest and waits for every goroutine (none left when it returns), and nothing runs after it.
func TestRuntimeLifecycle(t *testing.T) {
	before := running()
	store, _ := Open("", 8)
	rt, m := car(t, Options{Store: store, Broker: awayBroker})
	kept, err := store.Add(Spec{Kind: MQTT, Mapping: m.Name(), Topic: "sim/kept", Interval: "10ms"})
	if err != nil {
		t.Fatal(err)
	}
	if running() != before {
		t.Fatal("goroutines before Start")
	}
	rt.Start()
	rt.Start() // a second Start runs nothing more
	ctx := context.Background()
	if _, err := rt.Add(ctx, Spec{Kind: MQTT, Mapping: m.Name(), Topic: "sim/car", Fields: []string{"nope"}}); err == nil {
		t.Fatal("a field that is not there, taken")
	}
	added, err := rt.Add(ctx, Spec{Kind: MQTT, Mapping: m.Name(), Topic: "sim/car", Fields: []string{"speed"}, Changes: true})
	if err != nil {
		t.Fatal(err)
	}
	// Two goroutines each, once they are scheduled (one just made may not show in a stack dump yet).
	testutil.WaitFor(t, "two goroutines for each of two publishers", func() error {
		if n := running() - before; n != 4 {
			return fmt.Errorf("%d", n)
		}
		return nil
	})
	if err := rt.Remove(kept.ID); err != nil {
		t.Fatal(err)
	}
	if n := running() - before; n != 2 {
		t.Fatalf("%d goroutines after a Remove, want 2", n)
	}
	if st := rt.Status(added.ID); st.Connected || st.Published != 0 {
		t.Errorf("its broker away: %+v", st)
	}
	rt.Close()
	if n := running() - before; n != 0 {
		t.Fatalf("%d goroutines after Close", n)
	}
	if _, err := rt.Add(ctx, Spec{Kind: MQTT, Mapping: m.Name(), Topic: "sim/late"}); err != nil || running() != before {
		t.Errorf("an Add after Close: %v, %d goroutines", err, running()-before)
	}
}
