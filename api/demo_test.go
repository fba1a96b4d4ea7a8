package api_test

// The demo's producers (internal/demo), read through the API by their catalogue layouts as a user reads the
// games: no warning, each frame whole by the producer's protocol, values in the ranges the games use and
// moving; and the demo removes what it made, only that. They use the games' real names, as the catalogue
// tests' native producers do: both are in this package, whose tests run one at a time.

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
	"github.com/shmbridge/shmbridge/internal/demo"
	"github.com/shmbridge/shmbridge/internal/registry"
	"github.com/shmbridge/shmbridge/internal/scope"
	"github.com/shmbridge/shmbridge/internal/testutil"
	"github.com/shmbridge/shmbridge/shm"
)

// startDemo plays the demo producers named until the test ends.
func startDemo(t *testing.T, names ...string) *demo.Demo {
	t.Helper()
	ps, err := demo.Select(names)
	if err != nil {
		t.Fatal(err)
	}
	d, refused := demo.Start(ps, nil)
	if len(refused) > 0 || d == nil {
		t.Fatalf("the demo did not start: %v", errors.Join(refused...))
	}
	t.Cleanup(d.Stop)
	return d
}

// demoFields reads a mapping's fields by its default layout, and fails the test on a warning.
func (b *bridge) demoFields(t *testing.T, name, query string) map[string]any {
	t.Helper()
	resp, data := b.getRetrying(t, path(name, "/fields?"+query))
	expect(t, resp, data, 200)
	if w := resp.Header.Values(api.WarningHeader); len(w) > 0 {
		t.Errorf("%s: warnings %q", name, w)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// in reports whether every number of v (a number, or an array of them) lies in [lo, hi].
func in(v any, lo, hi float64) bool {
	if a, ok := v.([]any); ok {
		for _, x := range a {
			if !in(x, lo, hi) {
				return false
			}
		}
		return len(a) > 0
	}
	x, ok := v.(float64)
	return ok && x >= lo && x <= hi
}

// Every producer of the demo's table, the ones added later too: each page opened by its mapping's catalogue
// layout and read without a warning (whole, by its protocol: a torn seqlock or ring copy is not answered), and
// each page that plays read again until its values change.
func TestDemoProducers(t *testing.T) {
	for _, p := range demo.Producers {
		t.Run(p.Name, func(t *testing.T) {
			b := newBridge(t, nil)
			d := startDemo(t, p.Name)
			pl := d.Playing()[0]
			for i, pg := range p.Pages() {
				name := pl.Mappings[i]
				b.openNative(t, name, pl.Layouts[i])
				first := b.demoFields(t, name, "")
				if pg.Frame == nil {
					continue
				}
				testutil.WaitFor(t, name+" to change", func() bool { return !same(b.demoFields(t, name, ""), first) })
			}
		})
	}
}

func TestDemoACC(t *testing.T) {
	b := newBridge(t, nil)
	startDemo(t, "acc")
	for _, m := range []string{"physics", "graphics", "static"} {
		b.openNative(t, `Local\acpmf_`+m, "acc_"+m)
	}
	s := b.demoFields(t, `Local\acpmf_static`, "")
	maxRPM := num(s["max_rpm"])
	if maxRPM < 5000 || s["track"] == "" || s["car_model"] == "" || s["sm_version"] == "" || num(s["num_cars"]) < 1 {
		t.Errorf("static: %v", s)
	}
	b.demoFields(t, `Local\acpmf_physics`, "")
	b.demoFields(t, `Local\acpmf_graphics`, "")

	// Physics, frame after frame: each in range; speed, rpm and the tyres moving.
	st := b.watch(t, path(`Local\acpmf_physics`, "/watch?layout=&fields=packet_id,speed_kmh,rpms,gear,gas,brake,tyre_core_temperature&interval=20ms"))
	p := fieldsOf(t, st.next())
	first := clone(p)
	for i := 0; i < 10 || !moved(first, p, "packet_id", "speed_kmh", "rpms", "tyre_core_temperature"); i++ {
		if i == 1000 {
			t.Fatalf("after 1000 messages, from %v to %v", first, p)
		}
		e := st.next()
		merge(p, fieldsOf(t, e))
		if !in(p["speed_kmh"], 0, 350) || !in(p["rpms"], 0, maxRPM) || !in(p["gear"], 0, 9) || // ACC's gear: 0 reverse, 1 neutral
			!in(p["gas"], 0, 1) || !in(p["brake"], 0, 1) || !in(p["tyre_core_temperature"], 20, 130) ||
			e.data.Version == nil || float64(*e.data.Version) != num(p["packet_id"]) {
			t.Fatalf("physics frame %s: %v", e.raw, p)
		}
	}
	// The HUD: the lap's time running, the laps counted from 0.
	g := b.demoFields(t, `Local\acpmf_graphics`, "fields=status,completed_laps,i_current_time,normalized_car_position,active_cars")
	if g["status"] != "live" || !in(g["completed_laps"], 0, 1e6) || !in(g["normalized_car_position"], 0, 1) || num(g["active_cars"]) < 1 {
		t.Errorf("graphics: %v", g)
	}
	testutil.WaitFor(t, "the lap's time to grow", func() bool {
		h := b.demoFields(t, `Local\acpmf_graphics`, "fields=completed_laps,i_current_time")
		return num(h["i_current_time"]) > num(g["i_current_time"]) || num(h["completed_laps"]) > num(g["completed_laps"])
	})
}

func TestDemoRF2(t *testing.T) {
	b := newBridge(t, nil)
	startDemo(t, "rf2")
	const n = `$rFactor2SMMP_Telemetry$`
	b.openNative(t, n, "rf2_telemetry")
	var first map[string]any
	testutil.WaitFor(t, "the cars to move (3 frames, each whole)", func() bool {
		f := b.demoFields(t, n, "")
		begin, end := num(f["version_update_begin"]), num(f["version_update_end"])
		cars, _ := f["vehicles"].([]any)
		if begin != end || begin < 1 || len(cars) < 1 || len(cars) != int(num(f["num_vehicles"])) {
			t.Fatalf("a frame: begin %v, end %v, %d vehicles of %v", begin, end, len(cars), f["num_vehicles"])
		}
		for i, c := range cars {
			// One frame: every car's elapsed time is the frame's.
			if at(c, "elapsed_time") != at(cars[0], "elapsed_time") || !in(at(c, "engine_rpm"), 0, num(at(c, "engine_max_rpm"))) ||
				!in(at(c, "gear"), -1, 8) || !in(at(c, "unfiltered_throttle"), 0, 1) || !in(at(c, "unfiltered_brake"), 0, 1) ||
				!in(at(c, "local_vel", "z"), -350/3.6, 0) || !in(at(c, "wheels", 0, "temperature"), 293, 403) || at(c, "track_name") == "" {
				t.Fatalf("vehicle %d of frame %v: %v", i, begin, c)
			}
		}
		if first == nil {
			first = f
		}
		return num(f["version_update_begin"]) >= num(first["version_update_begin"])+3 &&
			at(f, "vehicles", 0, "pos") != nil && !same(at(f, "vehicles", 0, "pos"), at(first, "vehicles", 0, "pos"))
	})
}

func TestDemoHWiNFO(t *testing.T) {
	b := newBridge(t, nil)
	startDemo(t, "hwinfo")
	const n = `Global\HWiNFO_SENS_SM2`
	b.openNative(t, n, "hwinfo")
	check := func() map[string]any {
		f := b.demoFields(t, n, "")
		readings, _ := f["readings"].([]any)
		sensors, _ := f["sensors"].([]any)
		if f["active"] != true || len(sensors) < 1 || len(readings) < 1 || num(f["polling_period"]) <= 0 {
			t.Fatalf("header: %v", f)
		}
		for i, r := range readings {
			// One poll, under the mutex: its value within its minimum and maximum, the average too.
			v, lo, hi, avg := num(at(r, "value")), num(at(r, "value_min")), num(at(r, "value_max")), num(at(r, "value_avg"))
			s := int(num(at(r, "sensor_index")))
			if !(lo <= v && v <= hi && lo <= avg && avg <= hi) || s >= len(sensors) || at(r, "label_user") == "" ||
				at(r, "utf_label_user") != at(r, "label_user") || at(r, "utf_unit") == nil {
				t.Fatalf("reading %d: %v", i, r)
			}
			if at(r, "type") == "temp" && !in(v, 20, 110) || at(r, "type") == "usage" && !in(v, 0, 100) {
				t.Fatalf("reading %d: %v", i, r)
			}
		}
		return f
	}
	first := check()
	testutil.WaitFor(t, "the sensors to drift", func() bool {
		f := check()
		return num(f["poll_time"]) > num(first["poll_time"]) && !same(at(f, "readings", 0, "value"), at(first, "readings", 0, "value"))
	})
}

func TestDemoIRacing(t *testing.T) {
	b := newBridge(t, nil)
	startDemo(t, "iracing")
	const n, ev = `Local\IRSDKMemMapFileName`, `Local\IRSDKDataValidEvent`
	b.openNative(t, n, "iracing")
	b.post(t, "/v1/events", map[string]any{"name": ev, "mode": "open"}, 201)
	f := b.demoFields(t, n, "")
	if !strings.Contains(f["session_info"].(string), "TrackName: ") {
		t.Errorf("session info: %q", f["session_info"])
	}
	// Once per frame, when the producer sets its event: each row whole (its SessionTick is the ring's tick).
	st := b.watch(t, path(n, "/watch?layout=iracing&fields=connected,tick,vars&event="+url.QueryEscape(ev)))
	state := fieldsOf(t, st.next())
	first := -1.0
	for i := 0; i < 5 || num(state["tick"]) < first+3; i++ {
		if i == 1000 {
			t.Fatalf("after 1000 messages, the tick went from %v to %v", first, state["tick"])
		}
		if i > 0 {
			merge(state, fieldsOf(t, st.next()))
		}
		vars := map[string]any{}
		for _, v := range state["vars"].([]any) {
			vars[at(v, "name").(string)] = at(v, "values")
		}
		tick := num(state["tick"])
		if first < 0 {
			first = tick
		}
		if state["connected"] != true || num(at(vars["SessionTick"], 0)) != tick || !in(vars["Speed"], 0, 350/3.6) ||
			!in(vars["RPM"], 0, 8500) || !in(vars["Gear"], -1, 8) || !in(vars["Throttle"], 0, 1) || !in(vars["Brake"], 0, 1) ||
			!in(vars["LFtempCM"], 20, 130) || !in(vars["LapDistPct"], 0, 1) {
			t.Fatalf("tick %v: %v", tick, vars)
		}
	}
}

// The demo refuses a producer whose mapping exists (the game runs): it writes nothing into it and leaves it
// there, plays the others, and removes what it made when it stops.
func TestDemoRemovesOnlyWhatItMade(t *testing.T) {
	b := newBridge(t, nil)
	game := b.create(`{"name":"Local\\acpmf_static","size":4096}`) // ACC runs: its static page exists
	native(t, game.Name).WriteAt([]byte("the game's own bytes"), 0)
	ps, _ := demo.Select([]string{"acc", "hwinfo"})
	d, refused := demo.Start(ps, nil)
	if d == nil {
		t.Fatalf("nothing played: %v", refused)
	}
	t.Cleanup(d.Stop)
	if len(refused) != 1 || !errors.Is(refused[0], demo.ErrTaken) || !strings.Contains(refused[0].Error(), `Local\acpmf_static`) {
		t.Fatalf("refused %v, want acc's static page taken", refused)
	}
	if ps := d.Playing(); len(ps) != 1 || ps[0].Producer.Name != "hwinfo" {
		t.Fatalf("playing %v", ps)
	}
	// What acc made before it found its static page taken is gone; the game's page is as it was.
	for _, name := range []string{`Local\acpmf_physics`, `Local\acpmf_graphics`} {
		gone(t, name, "after acc was refused")
	}
	got := make([]byte, 20)
	native(t, game.Name).ReadAt(got, 0)
	if string(got) != "the game's own bytes" {
		t.Errorf("the game's page holds %q", got)
	}
	// HWiNFO plays; read it, let go of it, stop the demo: its mapping and mutex are gone.
	b.openNative(t, `Global\HWiNFO_SENS_SM2`, "hwinfo")
	b.demoFields(t, `Global\HWiNFO_SENS_SM2`, "")
	for _, p := range []string{path(`Global\HWiNFO_SENS_SM2`), "/v1/mutexes/" + url.PathEscape(`Global\HWiNFO_SM2_MUTEX`)} {
		resp, data := b.do("DELETE", p, nil)
		expect(t, resp, data, 204)
	}
	d.Stop()
	gone(t, `Global\HWiNFO_SENS_SM2`, "after the demo stopped")
	if m, err := shm.OpenMutex(shm.MutexOptions{Name: `Global\HWiNFO_SM2_MUTEX`, Mode: shm.OpenExisting}); !errors.Is(err, shm.ErrNotFound) {
		t.Errorf("HWiNFO's mutex after the demo stopped: %v", err)
		if err == nil {
			m.Close()
		}
	}
	native(t, game.Name).ReadAt(got, 0)
	if string(got) != "the game's own bytes" {
		t.Errorf("after the demo, the game's page holds %q", got)
	}
}

// gone fails the test unless no mapping is called name.
func gone(t *testing.T, name, when string) {
	t.Helper()
	m, err := shm.Open(shm.Options{Name: name, Mode: shm.OpenExisting})
	if err == nil {
		m.Close()
	}
	if !errors.Is(err, shm.ErrNotFound) {
		t.Errorf("%s %s: %v", name, when, err)
	}
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// moved reports whether each of the fields differs between a and b.
func moved(a, b map[string]any, fields ...string) bool {
	for _, f := range fields {
		if same(a[f], b[f]) {
			return false
		}
	}
	return true
}

func same(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// demoBridge is a daemon under test with a demo runtime, stopped (what it made removed) when the test ends.
func demoBridge(t *testing.T, tokens *scope.Store) *bridge {
	t.Helper()
	return newBridgeWith(t, nil, func(c *api.Config, reg *registry.Registry) {
		rt := demo.NewRuntime(reg, nil)
		t.Cleanup(rt.Close)
		c.Demo, c.Tokens = rt, tokens
	})
}

// demoStatus is GET /v1/demo's answer.
func (b *bridge) demoStatus(t *testing.T) api.Demo {
	t.Helper()
	resp, data := b.do("GET", "/v1/demo", nil)
	expect(t, resp, data, 200)
	var d api.Demo
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// The demo through the API, as the dashboard's first visit uses it: started, its pages listed and read by
// their layouts without a warning, a second start refused, stopped with what it made removed (the daemon's
// handles on it too), a second stop as good as the first.
func TestDemoAPI(t *testing.T) {
	b := demoBridge(t, nil)
	if d := b.demoStatus(t); len(d.Playing) != 0 || strings.Join(d.Producers, ",") != strings.Join(demo.Names(), ",") {
		t.Fatalf("before the start: %+v", d)
	}
	resp, data := b.do("POST", "/v1/demo", nil) // no body: every producer
	expect(t, resp, data, 201)
	d := b.demoStatus(t)
	if len(d.Playing) != len(demo.Producers) || len(d.Refused) != 0 || d.Began == nil {
		t.Fatalf("playing %+v", d)
	}
	var names []string
	for _, p := range d.Playing {
		for _, m := range p.Mappings {
			names = append(names, m.Name)
		}
	}
	acc := d.Playing[0]
	if acc.Producer != "acc" || acc.Mappings[0] != (api.DemoMapping{Name: `Local\acpmf_physics`, Layout: "acc_physics"}) {
		t.Fatalf("acc plays %+v", acc)
	}
	b.openNative(t, acc.Mappings[0].Name, acc.Mappings[0].Layout)
	if f := b.demoFields(t, acc.Mappings[0].Name, "fields=speed_kmh,gear"); !in(f["speed_kmh"], 0, 350) {
		t.Errorf("physics: %v", f)
	}
	resp, data = b.do("POST", "/v1/demo", jsonBody(map[string]any{"producers": []string{"hwinfo"}}), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "in-progress", "DELETE /v1/demo")

	for range 2 { // the second: nothing plays, and that is what was asked
		resp, data = b.do("DELETE", "/v1/demo", nil)
		expect(t, resp, data, 204)
	}
	if d := b.demoStatus(t); len(d.Playing) != 0 || d.Began != nil {
		t.Fatalf("after the stop: %+v", d)
	}
	resp, data = b.do("GET", path(acc.Mappings[0].Name), nil)
	expect(t, resp, data, 404) // the daemon let go of its handle
	for _, n := range names {
		gone(t, n, "after DELETE /v1/demo")
		if runtime.GOOS == "linux" {
			file := "/dev/shm/" + n[strings.LastIndexByte(n, '\\')+1:]
			if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s after DELETE /v1/demo: %v", file, err)
			}
		}
	}
}

// A producer the demo does not have is refused, naming those it has, and nothing plays; a producer whose
// program runs is left out, said why, and the others play; when none can, 409 exists.
func TestDemoAPIRefusals(t *testing.T) {
	b := demoBridge(t, nil)
	resp, data := b.do("POST", "/v1/demo", jsonBody(map[string]any{"producers": []string{"acc", "lfs"}}), "Content-Type", "application/json")
	expect(t, resp, data, 400)
	wantProblem(t, data, "invalid-request", `"lfs"`, strings.Join(demo.Names(), ", "))
	if d := b.demoStatus(t); len(d.Playing) != 0 {
		t.Fatalf("after a refused start: %+v", d)
	}

	game := b.create(`{"name":"Local\\acpmf_static","size":4096}`) // ACC runs: its static page exists
	resp, data = b.do("POST", "/v1/demo", jsonBody(map[string]any{"producers": []string{"acc"}}), "Content-Type", "application/json")
	expect(t, resp, data, 409)
	wantProblem(t, data, "exists", game.Name)
	resp, data = b.do("POST", "/v1/demo", jsonBody(map[string]any{"producers": []string{"acc", "hwinfo"}}), "Content-Type", "application/json")
	expect(t, resp, data, 201)
	var d api.Demo
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Playing) != 1 || d.Playing[0].Producer != "hwinfo" || len(d.Refused) != 1 || d.Refused[0].Producer != "acc" ||
		!strings.Contains(d.Refused[0].Reason, game.Name) {
		t.Fatalf("started %+v", d)
	}
}

// The demo is the main token's: a read token can neither start it nor see it.
func TestDemoAPIReadToken(t *testing.T) {
	tokens, _ := scope.Open("", 0)
	b := demoBridge(t, tokens)
	_, read, err := tokens.Create(scope.Spec{Name: "overlay", Scope: scope.Read, Mappings: []string{`Local\acpmf_*`}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, data := b.do("POST", "/v1/demo", nil, "Authorization", "Bearer "+read)
	expect(t, resp, data, 403)
	wantProblem(t, data, "out-of-scope")
	resp, data = b.do("GET", "/v1/demo", nil, "Authorization", "Bearer "+read)
	expect(t, resp, data, 403)
	if d := b.demoStatus(t); len(d.Playing) != 0 {
		t.Fatalf("a read token started the demo: %+v", d)
	}
}

// Starts and stops racing (two dashboards, a click and a script) end in one state or the other: whatever
// GET says plays has its pages there, and the last stop leaves nothing behind.
func TestDemoAPIStartStopRace(t *testing.T) {
	b := demoBridge(t, nil)
	const physics = `Local\acpmf_physics`
	for round := range 10 {
		done := make(chan int, 2)
		go func() {
			resp, _ := b.do("POST", "/v1/demo", jsonBody(map[string]any{"producers": []string{"acc"}}), "Content-Type", "application/json")
			done <- resp.StatusCode
		}()
		go func() {
			resp, _ := b.do("DELETE", "/v1/demo", nil)
			done <- resp.StatusCode
		}()
		for range 2 {
			if s := <-done; s != 201 && s != 409 && s != 204 {
				t.Fatalf("round %d: status %d", round, s)
			}
		}
		m, err := shm.Open(shm.Options{Name: physics, Mode: shm.OpenExisting})
		if err == nil {
			m.Close()
		}
		if playing := len(b.demoStatus(t).Playing) > 0; playing != (err == nil) {
			t.Fatalf("round %d: the demo plays: %v; its physics page: %v", round, playing, err)
		}
	}
	resp, data := b.do("DELETE", "/v1/demo", nil)
	expect(t, resp, data, 204)
	gone(t, physics, "after the last stop")
}
