package publish

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/shmbridge/shmbridge/internal/layout"
	"github.com/shmbridge/shmbridge/internal/view"
)

// Metrics publishers: gauges made at each scrape from one consistent frame read by the layout's protocol (the
// daemon as a Prometheus exporter of any producer).

// ScrapeTimeout bounds the wait for a layout's mutex at a scrape (a scrape's whole read gets twice that).
const ScrapeTimeout = time.Second

// addMetrics collects a new metrics publisher once (its gauges, checked, within MaxSeries), then keeps it.
func (rt *Runtime) addMetrics(ctx context.Context, sp Spec) (Spec, error) {
	n, err := rt.collect(ctx, sp, func(float64, ...string) {})
	if err != nil {
		return sp, err
	}
	if total := rt.metricSeries() + n; total > rt.o.MaxSeries {
		return sp, fail(ErrTooManySeries, "%d gauges: the publishers would export %d together, more than -max-metric-series (%d)", n, total, rt.o.MaxSeries)
	}
	if sp, err = rt.o.Store.Add(sp); err != nil {
		return sp, err
	}
	rt.series.Store(sp.ID, n)
	rt.o.Log.Info("publisher configured", "id", sp.ID, "kind", sp.Kind, "mapping", sp.Mapping, "series", n)
	return sp, nil
}

// metricSeries is how many gauges the publishers exported at their last collection.
func (rt *Runtime) metricSeries() int {
	n := 0
	rt.series.Range(func(_, v any) bool { n += v.(int); return true })
	return n
}

// read reads and decodes one frame of the publisher's mapping by its layout's protocol (a mutex waited for
// at most ScrapeTimeout), the copy taken from the budget until release.
func (rt *Runtime) read(ctx context.Context, sp Spec) (v *layout.Value, release func(), err error) {
	m, err := rt.o.Registry.MappingToRead(sp.Mapping)
	if err != nil {
		return nil, nil, err
	}
	l, _, err := view.Of(rt.o.Layouts, m, sp.Layout)
	if err != nil {
		return nil, nil, err
	}
	p, err := rt.plans.Plan(m, l, "")
	if err != nil {
		return nil, nil, err
	}
	if p.Frame.Lock != nil {
		p.Frame.LockTimeout = ScrapeTimeout
	}
	f, release, err := p.Read(ctx, rt.o.Budget)
	if err != nil {
		return nil, nil, err
	}
	if v, err = view.Decode(ctx, l, f.Bytes); err != nil {
		release()
		return nil, nil, err
	}
	return v, release, nil
}

// collect reads the publisher's mapping and calls emit with each gauge's value and label values (publisher,
// field or index, then its labels by name), answering how many.
func (rt *Runtime) collect(ctx context.Context, sp Spec, emit func(v float64, labels ...string)) (int, error) {
	v, release, err := rt.read(ctx, sp)
	if err != nil {
		return 0, err
	}
	defer release()
	g := gauges{sp: sp, v: v, names: sortedLabels(sp), emit: emit}
	if sp.Each == "" {
		for _, path := range sp.Fields {
			if err := g.gauge(path, path, ""); err != nil {
				return g.n, err
			}
		}
		return g.n, nil
	}
	count, err := numberAt(v, sp.Each+".size")
	if err != nil || math.IsNaN(count) {
		return 0, fail(ErrFields, "each: %s is not an array of this layout (%v)", sp.Each, err)
	}
	for i := 0; i < int(count); i++ {
		prefix := fmt.Sprintf("%s[%d].", sp.Each, i)
		if err := g.gauge(prefix+sp.Value, strconv.Itoa(i), prefix); err != nil {
			return g.n, err
		}
	}
	return g.n, nil
}

// gauges makes a publisher's gauges from one decoded frame.
type gauges struct {
	sp    Spec
	v     *layout.Value
	names []string // the labels', sorted
	emit  func(v float64, labels ...string)
	n     int // gauges emitted
}

// gauge emits the gauge of the field at path (unless it has no value now), which (its field or index) and
// its labels' values, their fields under prefix.
func (g *gauges) gauge(path, which, prefix string) error {
	x, err := numberAt(g.v, path)
	if err != nil {
		return err
	}
	values := make([]string, 0, 2+len(g.names))
	values = append(values, g.sp.ID, which)
	for _, k := range g.names {
		lb := g.sp.Labels[k]
		if lb.Field == "" {
			values = append(values, lb.Literal)
			continue
		}
		j, err := g.v.EvalJSON(prefix + lb.Field)
		if err != nil {
			return fail(ErrFields, "label %s: %v", k, err)
		}
		var str string
		if json.Unmarshal(j, &str) != nil {
			str = string(j) // a number: its JSON
		}
		values = append(values, str)
	}
	if !math.IsNaN(x) {
		g.emit(x, values...)
		g.n++
	}
	return nil
}

// numberAt is a numeric field's value (a boolean 0 or 1; NaN for null: a NaN, or a field that is absent now);
// anything else is ErrFields.
func numberAt(v *layout.Value, path string) (float64, error) {
	j, err := v.EvalJSON(path)
	if err != nil {
		return 0, fail(ErrFields, "%s: %v", path, err)
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
			return 0, fail(ErrFields, "%s is not a number (%s): only numeric fields are gauges; a string can be a label", path, shorten(s, 40))
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

func sortedLabels(sp Spec) []string {
	names := make([]string, 0, len(sp.Labels))
	for k := range sp.Labels {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Gauges is the metrics publishers' collector: their gauges, made at each scrape, and shmbridge_publisher_up
// for each (0: the mapping is gone, the frame did not decode, the memory is of another version than the
// layout describes, …: no sample; the log says why, once while it lasts). Unchecked: it describes
// nothing, the gauges are the users'.
func (rt *Runtime) Gauges() prometheus.Collector { return gaugesCollector{rt} }

type gaugesCollector struct{ rt *Runtime }

var publisherUp = prometheus.NewDesc("shmbridge_publisher_up", "1 if the metrics publisher's mapping was read and decoded at this scrape.", []string{"publisher"}, nil)

// Describe describes nothing: the gauges are the users' (an unchecked collector).
func (c gaugesCollector) Describe(chan<- *prometheus.Desc) {}

func (c gaugesCollector) Collect(ch chan<- prometheus.Metric) {
	left := c.rt.o.MaxSeries
	for _, sp := range c.rt.o.Store.List() {
		if sp.Kind == Metrics {
			c.rt.scrape(sp, ch, &left)
		}
	}
}

// newFailure notes err as why the publisher id's scrapes fail, and says whether that is news: said once while
// it lasts, not at every scrape (a producer of another version than the layout describes would fill the log).
func (rt *Runtime) newFailure(id string, err error) bool {
	was, _ := rt.failing.Swap(id, err.Error())
	return was != err.Error()
}

// scrape collects one metrics publisher's gauges into ch, at most left more of them.
func (rt *Runtime) scrape(sp Spec, ch chan<- prometheus.Metric, left *int) {
	labels := append([]string{"publisher", "field"}, sortedLabels(sp)...)
	if sp.Each != "" {
		labels[1] = "index"
	}
	desc := prometheus.NewDesc(sp.Name, fmt.Sprintf("Published by shmbridge (%s): %s decoded by %s.", sp.ID, sp.Mapping, cmp.Or(sp.Layout, "its default layout")), labels, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*ScrapeTimeout)
	n, err := rt.collect(ctx, sp, func(v float64, values ...string) {
		if *left <= 0 {
			return
		}
		// Not MustNewConstMetric: a collector runs on a goroutine of its own, where a panic would end the
		// daemon; a gauge that cannot be made (a publisher's file edited by hand) is left out instead.
		if m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, v, values...); err == nil {
			*left--
			ch <- m
		}
	})
	cancel()
	up := 1.0
	if err != nil {
		up = 0
		if rt.newFailure(sp.ID, err) {
			rt.o.Log.Warn("a metrics publisher could not be read", "publisher", sp.ID, "mapping", sp.Mapping, "error", err)
		}
	} else {
		rt.failing.Delete(sp.ID)
		rt.series.Store(sp.ID, n)
	}
	if m, err := prometheus.NewConstMetric(publisherUp, prometheus.GaugeValue, up, sp.ID); err == nil {
		ch <- m
	}
}
