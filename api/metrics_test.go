package api_test

import (
	"bytes"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics with the token and parses it.
func (b *bridge) scrape() map[string]*dto.MetricFamily {
	b.t.Helper()
	resp, data := b.do("GET", "/metrics", nil)
	expect(b.t.(*testing.T), resp, data, 200)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		b.t.Fatalf("the exposition does not parse: %v", err)
	}
	return families
}

// value is the value of family's series whose labels include want, or -1.
func value(families map[string]*dto.MetricFamily, family string, want map[string]string) float64 {
	f, ok := families[family]
	if !ok {
		return -1
	}
series:
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue series
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

// TestMetrics: /metrics needs the token; requests are counted by route pattern and status class (never by
// name), with durations; bytes read and written, objects held and refusals by reason move with traffic.
func TestMetrics(t *testing.T) {
	b := newBridge(t, nil)
	resp, data := b.do("GET", "/metrics", nil, "Authorization", "", "Invalid", "on purpose")
	expect(t, resp, data, 401)
	n := name(t, "")
	b.create(createBody(n, 4096, ""))
	resp, data = b.do("PUT", path(n, "/data?offset=0"), strings.NewReader("hello"))
	expect(t, resp, data, 200)
	for range 3 {
		resp, data = b.do("GET", path(n, "/data?length=5"), nil)
		expect(t, resp, data, 200)
	}
	resp, data = b.do("GET", path(n+"-missing", "/data"), nil)
	expect(t, resp, data, 404)
	for _, p := range []string{"/v1/mappings", "/v1/mappings/"} { // a trailing slash is the same route
		resp, data = b.do("GET", p, nil, "Invalid", "on purpose")
		expect(t, resp, data, 200)
	}
	for _, method := range []string{"FROB1", "FROB2"} { // invented methods must not make new series
		resp, data = b.do(method, path(n, "/data"), nil, "Invalid", "on purpose")
		expect(t, resp, data, 405)
	}

	m := b.scrape()
	for _, c := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"shmbridge_http_requests_total", map[string]string{"route": "/v1/mappings/{name}/data", "method": "GET", "code": "2xx"}, 3},
		{"shmbridge_http_requests_total", map[string]string{"route": "/v1/mappings/{name}/data", "method": "GET", "code": "4xx"}, 1},
		{"shmbridge_http_requests_total", map[string]string{"route": "/v1/mappings/{name}/data", "method": "PUT", "code": "2xx"}, 1},
		{"shmbridge_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "code": "4xx"}, 1}, // the 401
		{"shmbridge_http_requests_total", map[string]string{"method": "other", "code": "4xx"}, 2},
		{"shmbridge_http_requests_total", map[string]string{"method": "FROB1"}, -1},
		{"shmbridge_http_requests_total", map[string]string{"route": "/v1/mappings", "method": "GET"}, 2},
		{"shmbridge_http_requests_total", map[string]string{"route": "/v1/mappings/"}, -1}, // one pattern, not two
		{"shmbridge_http_request_duration_seconds", map[string]string{"route": "/v1/mappings/{name}/data"}, 5},
		{"shmbridge_rejected_requests_total", map[string]string{"reason": "unauthorized"}, 1},
		{"shmbridge_rejected_requests_total", map[string]string{"reason": "rate-limited"}, 0},
		{"shmbridge_read_bytes_total", nil, 15},
		{"shmbridge_written_bytes_total", nil, 5},
		{"shmbridge_mappings_held", nil, 1},
		{"shmbridge_events_held", nil, 0},
		{"shmbridge_waiting_requests", nil, 0},
		{"shmbridge_watch_subscribers", nil, 0},
		{"shmbridge_build_info", nil, 1},
	} {
		if got := value(m, c.family, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.family, c.labels, got, c.want)
		}
	}
	for _, f := range []string{"go_goroutines", "shmbridge_watch_samplers", "shmbridge_watch_resyncs_total", "shmbridge_watch_sampler_overruns_total", "shmbridge_mutexes_held"} {
		if _, ok := m[f]; !ok {
			t.Errorf("no %s", f)
		}
	}
	// No label carries a name: names are unbounded, and they are other programs' business.
	for _, f := range m {
		for _, s := range f.Metric {
			for _, l := range s.Label {
				if strings.Contains(l.GetValue(), "shmbridge-api-") {
					t.Errorf("%s has a label with a name: %s=%q", f.GetName(), l.GetName(), l.GetValue())
				}
			}
		}
	}
}
