package api

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

// metrics are the daemon's vital signs in Prometheus' exposition: requests by route pattern (never by name:
// names are unbounded), their durations, bytes copied, objects held, waits, watch streams, refusals. Each
// server has its own registry (tests run several).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	rejected *prometheus.CounterVec
	handler  http.Handler
	cache    sync.Map // seriesKey → requestSeries
	// users has the publishers' gauges, apart from the daemon's own metrics (reg), whose names they cannot
	// take (reserved, worked out at the first need).
	users    *prometheus.Registry
	reserved func(name string) bool
}

// rejections are the problem kinds counted as refused requests, by reason.
var rejections = map[string]bool{
	"unauthorized": true, "host-not-allowed": true, "cross-origin": true, "rate-limited": true,
	"too-many-waiters": true, "too-many-watchers": true, "busy": true, "out-of-scope": true,
}

func newMetrics(s *server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shmbridge_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status class.",
	}, []string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "shmbridge_http_request_duration_seconds", Help: "Time to answer a request, by route pattern (watch streams: their whole life).",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "shmbridge_rejected_requests_total", Help: "Requests refused before any work, by reason (the problem type).",
	}, []string{"reason"})
	for r := range rejections {
		m.rejected.WithLabelValues(r) // every reason shows, at 0, from the start
	}
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	counter := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f)
	}
	m.users = prometheus.NewRegistry()
	m.users.MustRegister(s.publish.Gauges()) // the users' gauges (POST /v1/publishers)
	m.reg.MustRegister(s.publish.MQTTMetrics(), s.mirrors)
	m.reg.MustRegister(m.requests, m.duration, m.rejected,
		counter("shmbridge_read_bytes_total", "Bytes copied out of mappings (reads, watch samples).", func() float64 { return float64(s.reg.BytesRead()) }),
		counter("shmbridge_written_bytes_total", "Bytes copied into mappings.", func() float64 { return float64(s.reg.BytesWritten()) }),
		gauge("shmbridge_mappings_held", "Mappings the daemon holds open.", func() float64 { return float64(len(s.reg.Mappings())) }),
		gauge("shmbridge_events_held", "Events the daemon holds open.", func() float64 { return float64(len(s.reg.Events())) }),
		gauge("shmbridge_mutexes_held", "Mutexes the daemon holds open.", func() float64 { return float64(len(s.reg.Mutexes())) }),
		gauge("shmbridge_buffered_bytes", "Bytes of the memory budget (-max-buffered) in use: copies under ?lock=, text bodies, watch samples and messages.", func() float64 { return float64(s.budget.InUse()) }),
		gauge("shmbridge_waiting_requests", "Requests waiting for an event or a mutex.", func() float64 { return float64(len(s.waits)) }),
		gauge("shmbridge_watch_subscribers", "Watch streams open.", func() float64 { return float64(s.hub.Watchers()) }),
		gauge("shmbridge_watch_samplers", "Samplers running (one per watched range, interval or event).", func() float64 { return float64(s.hub.Samplers()) }),
		counter("shmbridge_watch_resyncs_total", "Times a watch stream fell behind and got snapshots instead of changes.", func() float64 { return float64(s.hub.Behind()) }),
		counter("shmbridge_watch_sampler_overruns_total", "Samples that took longer than their interval.", func() float64 { return float64(s.hub.Overruns()) }),
		counter("shmbridge_watch_starved_total", "Watch messages not made, or made later, because the memory budget (-max-buffered) was spent.", func() float64 { return float64(s.hub.Starved()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "shmbridge_build_info", Help: "The daemon's build (always 1).",
			ConstLabels: prometheus.Labels{"version": s.build}}, func() float64 { return 1 }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	names := sync.OnceValue(func() map[string]bool { return familyNames(m.reg) })
	m.reserved = func(name string) bool { return names()[name] }
	// A metric that cannot be gathered (a collision, a collector's error) is left out and said once in the log;
	// the rest is served.
	m.handler = promhttp.HandlerFor(prometheus.Gatherers{m.reg, m.users},
		promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, ErrorLog: &onceLogger{log: s.log}})
	return m
}

// familyNames are the names a metric of the users cannot have: the families reg gathers, with the series names
// of its summaries and histograms (_sum, _count, _bucket).
func familyNames(reg prometheus.Gatherer) map[string]bool {
	mfs, _ := reg.Gather()
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
		if t := mf.GetType(); t == dto.MetricType_SUMMARY || t == dto.MetricType_HISTOGRAM {
			for _, suffix := range []string{"_sum", "_count", "_bucket"} {
				names[mf.GetName()+suffix] = true
			}
		}
	}
	return names
}

// onceLogger logs each of /metrics' gathering errors once, not at every scrape.
type onceLogger struct {
	log  *slog.Logger
	mu   sync.Mutex
	said map[string]bool
}

func (l *onceLogger) Println(v ...any) {
	msg := strings.TrimSpace(fmt.Sprintln(v...))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.said[msg] {
		return
	}
	if l.said == nil || len(l.said) > 100 {
		l.said = map[string]bool{}
	}
	l.said[msg] = true
	l.log.Warn("a metric could not be gathered: left out of /metrics", "error", msg)
}

// observe counts and times every request by its route pattern, and logs it at debug level.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w} // handle finds it and uses it too
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		route := "unmatched" // refused before routing, or no such route
		if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePattern() != "" {
			route = rctx.RoutePattern()
		}
		status := cmp.Or(rec.status, http.StatusOK)
		series := s.metrics.series(route, r.Method, status)
		series.count.Inc()
		series.duration.Observe(d.Seconds())
		if s.log.Enabled(r.Context(), slog.LevelDebug) { // the arguments would cost allocations on every poll
			s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", status, "dur", d)
		}
	})
}

// requestSeries are the request counter and the duration histogram of one route, method and status class.
type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

type seriesKey struct {
	route, method string
	class         int
}

// series looks up the request metrics of a route, method and status class once, and keeps them (the vectors'
// lookups hash and validate every label, two per request: 2 % of the daemon's CPU under a 64-byte poll). Routes
// are the router's patterns and methods the known ones, so what it keeps is bounded: a client inventing
// methods gets "other".
func (m *metrics) series(route, method string, status int) requestSeries {
	if !knownMethods[method] {
		method = "other"
	}
	k := seriesKey{route, method, min(status/100, 5)}
	if v, ok := m.cache.Load(k); ok {
		return v.(requestSeries)
	}
	v := requestSeries{m.requests.WithLabelValues(route, method, classes[k.class]), m.duration.WithLabelValues(route)}
	m.cache.Store(k, v)
	return v
}

var classes = [...]string{"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true,
	http.MethodDelete: true, http.MethodOptions: true, http.MethodConnect: true, http.MethodTrace: true,
}

// countRejection counts a problem whose type is a refusal.
func (s *server) countRejection(p Problem) {
	if kind := strings.TrimPrefix(p.Type, ProblemTypePrefix); rejections[kind] {
		s.metrics.rejected.WithLabelValues(kind).Inc()
	}
}

// metricsPage godoc
//
//	@Summary		The daemon's metrics (Prometheus text exposition)
//	@ID				getMetrics
//	@Description	Requests by route pattern and status class, durations, bytes read and written, objects held, waiting
//	@Description	requests, watch streams and samplers, refusals by reason, build info, Go runtime and process. No
//	@Description	label ever carries an object's name. Prometheus scrapes it with `authorization: {credentials_file: …}`.
//	@Tags			daemon
//	@Produce		application/problem+json
//	@Produce		plain
//	@Success		200	{string}	string	"the metrics"
//	@Security		BearerAuth
//	@Router			/metrics [get]
func (s *server) metricsPage(w http.ResponseWriter, r *http.Request) error {
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}
