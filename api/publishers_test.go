package api_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/publish"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/testutil"
)

// TestMetricsPublisher: a mapping's numeric fields as gauges on /metrics, read at each scrape (a native write
// shows at the next); an array of structs as a gauge per item with labels from its fields (HWiNFO's readings by
// their names); gone with its DELETE.
func TestMetricsPublisher(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"telemetry"`))
	v := native(t, n)
	v.WriteAt(telemetryFrame(), 0)
	p := decode[api.Publisher](t, b.post(t, "/v1/publishers", map[string]any{
		"kind": "metrics", "mapping": n, "name": "car", "fields": []string{"speed", "rpm", "sectors[2]", "flags"},
		"labels": map[string]any{"rig": "sim1", "driver": map[string]string{"field": "driver"}}}, 201))
	if p.ID == "" || p.Series != 4 {
		t.Fatalf("created %+v", p)
	}
	want := func(field string, x float64) {
		t.Helper()
		if got := value(b.scrape(), "car", map[string]string{"publisher": p.ID, "field": field, "rig": "sim1", "driver": "Ayrton"}); got != x {
			t.Errorf("car{field=%q} = %v, want %v", field, got, x)
		}
	}
	want("speed", 50)
	want("rpm", 7250.5)
	want("sectors[2]", 3)
	want("flags", 1) // b1: a boolean as 1
	v.WriteAt(f4(61.5), 4)
	want("speed", 61.5) // read at the scrape: no sampler, no lag
	if up := value(b.scrape(), "shmbridge_publisher_up", map[string]string{"publisher": p.ID}); up != 1 {
		t.Errorf("up %v", up)
	}

	// The array form: a gauge for each reading, named by its fields.
	b.putLayout(t, "sensors", `meta:
  id: sensors
  endian: le
seq:
  - id: count
    type: u1
  - id: readings
    type: reading
    repeat: expr
    repeat-expr: count
types:
  reading:
    seq:
      - id: label
        type: strz
        size: 8
        encoding: UTF-8
      - id: value
        type: f4
`, 201)
	s := name(t, "-sensors")
	b.create(createBody(s, 64, `,"layout":"sensors"`))
	sv := native(t, s)
	sv.WriteAt([]byte{2}, 0)
	sv.WriteAt(append([]byte("CPU\x00\x00\x00\x00\x00"), f4(45.5)...), 1)
	sv.WriteAt(append([]byte("GPU Fan\x00"), f4(1200)...), 13)
	q := decode[api.Publisher](t, b.post(t, "/v1/publishers", map[string]any{
		"kind": "metrics", "mapping": s, "name": "sensor_reading", "each": "readings", "value": "value",
		"labels": map[string]any{"sensor": map[string]string{"field": "label"}}}, 201))
	m := b.scrape()
	if value(m, "sensor_reading", map[string]string{"sensor": "CPU", "index": "0"}) != 45.5 ||
		value(m, "sensor_reading", map[string]string{"sensor": "GPU Fan", "index": "1"}) != 1200 || q.Series != 2 {
		t.Errorf("readings: %v, %+v", m["sensor_reading"], q)
	}
	list := decode[[]api.Publisher](t, b.getOK(t, "/v1/publishers"))
	if len(list) != 2 {
		t.Errorf("listed %d", len(list))
	}
	resp, data := b.do("DELETE", "/v1/publishers/"+p.ID, nil)
	expect(t, resp, data, 204)
	if value(b.scrape(), "car", nil) != -1 {
		t.Error("a deleted publisher's gauges are still there")
	}
	resp, data = b.do("GET", "/v1/publishers/"+p.ID, nil)
	expect(t, resp, data, 404)
}

// TestMetricsPublisherRefused: what a gauge cannot be is 400 naming it; a name another publisher has, and gauges
// past -max-metric-series, 409; a mapping that is nowhere 404.
func TestMetricsPublisherRefused(t *testing.T) {
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.MaxMetricSeries = 3 })
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"telemetry"`))
	native(t, n).WriteAt(telemetryFrame(), 0)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"kind": "metrics", "mapping": n, "name": "car", "fields": []string{"speed"}}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for what, req := range map[string]map[string]any{
		"a string":          base(map[string]any{"fields": []string{"driver"}}),
		"a kind":            base(map[string]any{"kind": "statsd"}),
		"a name":            base(map[string]any{"name": "shmbridge_speed"}),
		"a bad name":        base(map[string]any{"name": "1car"}),
		"a reserved label":  base(map[string]any{"labels": map[string]any{"publisher": "x"}}),
		"a path":            base(map[string]any{"fields": []string{"speed;rm"}}),
		"fields and each":   base(map[string]any{"each": "sectors", "value": "x"}),
		"no field":          base(map[string]any{"fields": []string{"nope"}}),
		"a label not there": base(map[string]any{"labels": map[string]any{"x": map[string]string{"field": "nope"}}}),
	} {
		resp, data := b.do("POST", "/v1/publishers", strings.NewReader(mustJSON(req)), "Content-Type", "application/json", "Invalid", "on purpose")
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d %s", what, resp.StatusCode, data)
		}
	}
	b.post(t, "/v1/publishers", base(map[string]any{"fields": []string{"speed", "rpm"}}), 201)
	resp, data := b.do("POST", "/v1/publishers", strings.NewReader(mustJSON(base(nil))), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "exists")
	resp, data = b.do("POST", "/v1/publishers", strings.NewReader(mustJSON(base(map[string]any{"name": "car2", "fields": []string{"speed", "rpm"}}))), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "limit-reached")
	resp, data = b.do("POST", "/v1/publishers", strings.NewReader(mustJSON(base(map[string]any{"name": "car3", "mapping": n + "-nowhere"}))), "Content-Type", "application/json")
	expect(t, resp, data, 404)
}

// TestMetricsPublisherFromAFile: a publisher's file edited by hand into what the API refuses (a label with no
// name) never breaks /metrics, nor the daemon: its gauges are left out, the rest is served.
func TestMetricsPublisherFromAFile(t *testing.T) {
	store, err := publish.Open(testutil.TempDir(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) { c.Publishers = store })
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"telemetry"`))
	if _, err := store.Add(publish.Spec{Kind: publish.Metrics, Mapping: n, Name: "edited", Fields: []string{"speed"},
		Labels: map[string]publish.Label{"": {Literal: "x"}}}); err != nil {
		t.Fatal(err)
	}
	m := b.scrape()
	if value(m, "shmbridge_mappings_held", nil) < 1 || value(m, "edited", nil) != -1 {
		t.Fatal("the daemon's own metrics are gone, or the edited publisher's gauge is there")
	}
}

// TestMQTTPublisherRefused: what an mqtt publisher cannot be is a problem naming why. One that can, without a
// broker, is kept, says it is not connected, and goes with its DELETE.
func TestMQTTPublisherRefused(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n2 := name(t, "-2")
	b.create(createBody(n2, 56, ""))
	ok := map[string]any{"kind": "mqtt", "mapping": n2, "layout": "telemetry", "topic": "sim/car"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, c := range []struct {
		body   map[string]any
		status int
		detail string
	}{
		{with("topic", "sim/#"), 400, "wildcards"},
		{with("topic", "$SYS/x"), 400, "topic"},
		{with("topic", ""), 400, "topic"},
		{with("topic", "sim/\u0001"), 400, "U+0001"}, // mosquitto drops the connection for it: a reconnect storm
		{with("topic", "sim/\u0085"), 400, "control character"},
		{with("topic", "sim/\ufffe"), 400, "non-character"},
		{with("topic", "sim/\ufdd0"), 400, "non-character"},
		{with("topic", strings.Repeat("a/", 128)+"a"), 400, "levels"},
		{with("qos", 3), 400, "qos"},
		{with("name", "car"), 400, "metrics publisher's"},
		{with("interval", "1us"), 400, "interval"},
		{with("fields", []string{"a b"}), 400, "field path"},
		{with("fields", []string{"nope"}), 422, "nope"},
		{with("mapping", n2+"-none"), 404, ""},
		{with("layout", "none"), 404, ""},
		{map[string]any{"kind": "metrics", "mapping": n2, "layout": "telemetry", "name": "car", "fields": []string{"speed"}, "topic": "x"}, 400, "mqtt publisher's"},
		{with("homeassistant", map[string]any{}), 400, "homeassistant needs fields"},
		{with("homeassistant", map[string]any{"prefix": "a/b"}), 400, "homeassistant.prefix"},
	} {
		if data := b.post(t, "/v1/publishers", c.body, c.status); !strings.Contains(string(data), c.detail) {
			t.Errorf("%v: %s", c.body, data)
		}
	}
	p := decode[api.Publisher](t, b.post(t, "/v1/publishers", with("fields", []string{"speed", "gear"}), 201))
	if p.Kind != "mqtt" || p.Topic != "sim/car" || p.Interval != "100ms" || p.Connected == nil || *p.Connected {
		t.Fatalf("created, no broker: %+v", p)
	}
	if l := decode[[]api.Publisher](t, b.getOK(t, "/v1/publishers")); len(l) != 1 || l[0].ID != p.ID {
		t.Fatalf("listed: %+v", l)
	}
	resp, data := b.do("DELETE", "/v1/publishers/"+p.ID, nil)
	expect(t, resp, data, 204)
}

// TestMetricsPublisherDaemonNames: a metric name the daemon's registry has (the Go runtime's, the process',
// a summary's series) is 409 exists: accepted, it made every later GET /metrics 500.
func TestMetricsPublisherDaemonNames(t *testing.T) {
	b := newBridge(t, nil)
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"telemetry"`))
	native(t, n).WriteAt(telemetryFrame(), 0)
	for _, taken := range []string{"go_goroutines", "process_open_fds", "go_gc_duration_seconds_sum", "go_info"} {
		resp, data := b.do("POST", "/v1/publishers", strings.NewReader(mustJSON(map[string]any{"kind": "metrics", "mapping": n, "name": taken, "fields": []string{"speed"}})),
			"Content-Type", "application/json")
		expect(t, resp, data, 409)
		wantProblem(t, data, "exists")
	}
	b.post(t, "/v1/publishers", map[string]any{"kind": "metrics", "mapping": n, "name": "go_fast", "fields": []string{"speed"}}, 201)
	if m := b.scrape(); value(m, "go_goroutines", nil) < 1 || value(m, "go_fast", nil) != 50 {
		t.Error("the daemon's metrics or the publisher's gauge are missing")
	}
}

// TestMetricsServedDespiteACollision: a gauge that collides with a metric of the daemon's (a publisher added
// below the API's checks) is left out, said once in the log; every other metric is served, 200.
func TestMetricsServedDespiteACollision(t *testing.T) {
	var logs testutil.LockedBuffer
	store, _ := publish.Open("", 8)
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
		c.Publishers = store
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	b.putLayout(t, "telemetry", telemetryKsy, 201)
	n := name(t, "")
	b.create(createBody(n, 56, `,"layout":"telemetry"`))
	native(t, n).WriteAt(telemetryFrame(), 0)
	if _, err := store.Add(publish.Spec{Kind: publish.Metrics, Mapping: n, Name: "go_goroutines", Fields: []string{"speed"}}); err != nil {
		t.Fatal(err)
	}
	b.scrape()
	m := b.scrape()
	if value(m, "shmbridge_build_info", nil) != 1 || value(m, "go_goroutines", nil) < 1 || value(m, "go_goroutines", map[string]string{"field": "speed"}) != -1 {
		t.Errorf("served: go_goroutines %v", m["go_goroutines"])
	}
	if said := strings.Count(logs.String(), "left out of /metrics"); said != 1 {
		t.Errorf("said %d times in two scrapes:\n%s", said, logs.String())
	}
}

// TestPublishersFromFilesChecked: publishers' files edited by hand into what the API refuses are skipped at
// start with a log line each, their files left as they are: an id with markup in it, a metric name of the Go
// runtime's, a topic with a control character (a reconnect storm, every restart). The good one is served.
func TestPublishersFromFilesChecked(t *testing.T) {
	dir := testutil.TempDir(t)
	files := map[string]string{
		"x' onmouseover='alert(1).json": `{"id": "x' onmouseover='alert(1)", "kind": "metrics", "mapping": "m", "name": "x", "fields": ["a"]}`,
		"p000000000001.json":            `{"id": "p000000000001", "kind": "metrics", "mapping": "m", "name": "go_goroutines", "fields": ["a"]}`,
		"p000000000002.json":            `{"id": "p000000000002", "kind": "mqtt", "mapping": "m", "topic": "sim/\u0001"}`,
		"p000000000003.json":            `{"id": "p000000000003", "kind": "metrics", "mapping": "m", "name": "x", "fields": ["a"], "labels": {"publisher": "x"}}`,
		"p00000000000a.json":            `{"id": "p00000000000a", "kind": "metrics", "mapping": "m", "name": "good", "fields": ["a"]}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	store, _ := publish.Open(dir, 8)
	var logs testutil.LockedBuffer
	b := newBridgeWith(t, nil, func(c *api.Config, _ *registry.Registry) {
		c.Publishers = store
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	if l := decode[[]api.Publisher](t, b.getOK(t, "/v1/publishers")); len(l) != 1 || l[0].ID != "p00000000000a" {
		t.Errorf("served: %+v", l)
	}
	for _, id := range []string{"p000000000001", "p000000000002", "p000000000003"} {
		if !strings.Contains(logs.String(), "id="+id) {
			t.Errorf("%s skipped silently:\n%s", id, logs.String())
		}
		resp, data := b.do("GET", "/v1/publishers/"+id, nil)
		expect(t, resp, data, 404)
	}
	b.scrape()
	for name, body := range files {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != body {
			t.Errorf("%s changed", name)
		}
	}
}
