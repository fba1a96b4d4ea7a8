package api_test

// The catalogue of real producers' layouts, proven against native producers (testdata/peers/producers.c, gcc
// on Linux, mingw under Wine against the Windows daemon) that fill each producer's exact struct: what the
// producer says it wrote is what the API decodes, the layout places fields where the C compiler does, and
// every decoded frame is whole (each of its values is a function of the frame's number).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shmbridge/shmbridge/api"
)

// startProducer runs the producer kind (producers.c) until the test ends, and answers what it says it wrote.
func startProducer(t *testing.T, args ...string) map[string]any {
	t.Helper()
	line := startPeer(t, producerCommand(t, args...))
	wrote, ok := strings.CutPrefix(line, "READY ")
	if !ok {
		t.Fatalf("producer %v: %q", args, line)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(wrote), &v); err != nil {
		t.Fatalf("producer %v: %v in %s", args, err, wrote)
	}
	t.Logf("producer %v wrote %s", args, wrote)
	return v
}

// openNative opens a mapping a producer created, with a default layout.
func (b *bridge) openNative(t *testing.T, name, layout string) {
	t.Helper()
	b.create(fmt.Sprintf(`{"name":%q,"mode":"open","access":"read","layout":%q}`, name, layout))
}

// fields reads a mapping's fields (its default layout) as generic JSON, as a client does (getRetrying).
func (b *bridge) fields(t *testing.T, name string, query ...string) map[string]any {
	t.Helper()
	var v map[string]any
	p := path(name, "/fields")
	if len(query) > 0 {
		p += "?" + strings.Join(query, "&")
	}
	resp, data := b.getRetrying(t, p)
	expect(t, resp, data, 200)
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// fieldsReadBy is fields, and the read was made by the protocol named (its Shmbridge-Consistency).
func (b *bridge) fieldsReadBy(t *testing.T, name, protocol string) map[string]any {
	t.Helper()
	resp, data := b.getRetrying(t, path(name, "/fields"))
	expect(t, resp, data, 200)
	if c := resp.Header.Get("Shmbridge-Consistency"); c != protocol {
		t.Errorf("read by %q, want %q", c, protocol)
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// getRetrying is a GET as a client makes it: a documented 503 with Retry-After (inconsistent: every copy
// within the read's deadline was torn, as when a busy machine descheduled the reader mid-copy; busy) is
// asked again after the seconds Retry-After names, at most 5 times. Any other answer, or the fifth 503, is
// the answer. Retry-After must be a small number of seconds: anything else fails the test.
func (b *bridge) getRetrying(t *testing.T, p string) (*http.Response, []byte) {
	t.Helper()
	for try := 1; ; try++ {
		resp, data := b.do("GET", p, nil)
		after := resp.Header.Get("Retry-After")
		if resp.StatusCode != http.StatusServiceUnavailable || try == 10 {
			return resp, data
		}
		secs, err := strconv.Atoi(after)
		if err != nil || secs < 0 || secs > 60 {
			t.Fatalf("GET %s: 503 with Retry-After %q, want a number of seconds: %s", p, after, data)
		}
		t.Logf("GET %s: 503 (try %d), asked again after Retry-After %ds: %s", p, try, secs, bytes.TrimSpace(data))
		time.Sleep(time.Duration(secs) * time.Second) // what Retry-After asks of a client
	}
}

// at walks a decoded value by a path of keys and indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func num(v any) float64 { f, _ := v.(float64); return f }

// wantEqual compares decoded values with what the producer wrote, by name.
func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s: the API decoded %s, the producer wrote %s", what, g, w)
	}
}

// layoutOffsets are a built-in layout's fixed fields by path.
func (b *bridge) layoutOffsets(t *testing.T, id string) (map[string]int, *int) {
	t.Helper()
	var l api.Layout
	json.Unmarshal(b.getOK(t, "/v1/layouts/"+id), &l)
	out := map[string]int{}
	for _, f := range l.Fields {
		out[f.Path] = f.Offset
	}
	return out, l.FixedSize
}

// accFrame checks an ACC physics frame's values against its packet_id n. ACC protects nothing (packetId only
// names a frame) and the producer writes a frame's fields, then its packetId, while a copy reads packetId (at 0)
// first: a read may show the fields of frame n or of a later one, never an earlier one, never a value of no frame.
func accFrame(p map[string]any) bool {
	n, m := num(p["packet_id"]), num(p["speed_kmh"])/0.5
	rpms := num(p["rpms"])
	return n >= 1 && m >= n && m == math.Trunc(m) && rpms >= 1000 && rpms < 6000
}

func TestCatalogueACC(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "acc")
	for _, m := range []string{"physics", "graphics", "static"} {
		b.openNative(t, `Local\acpmf_`+m, "acc_"+m)
	}
	sizes := w["sizes"].([]any)
	offsets := w["offsets"].(map[string]any)
	for i, id := range []string{"acc_physics", "acc_graphics", "acc_static"} {
		offs, fixed := b.layoutOffsets(t, id)
		if fixed == nil || float64(*fixed) != num(sizes[i]) {
			t.Errorf("%s: fixed size %v, the C struct %v", id, fixed, sizes[i])
		}
		for field, path := range map[string]string{"water_temp": "water_temp", "abs_vibrations": "abs_vibrations", "gap_behind": "gap_behind",
			"car_id": "car_id[0]", "wet_tyres_name": "wet_tyres_name", "is_online": "is_online"} {
			if o, ok := offs[path]; ok && float64(o) != num(offsets[field]) {
				t.Errorf("%s: %s at %d, the C compiler puts it at %v", id, path, o, offsets[field])
			}
		}
	}
	p := b.fields(t, `Local\acpmf_physics`)
	if !accFrame(p) {
		t.Errorf("physics frame %v: speed_kmh %v, rpms %v", p["packet_id"], p["speed_kmh"], p["rpms"])
	}
	for _, k := range []string{"gas", "fuel", "gear", "tyre_core_temperature", "water_temp", "abs_vibrations"} {
		wantEqual(t, "physics "+k, p[k], w[k])
	}
	wantEqual(t, "physics tyre_contact_point[3].z", at(p, "tyre_contact_point", 3, "z"), w["tyre_contact_point_3_z"])
	g := b.fields(t, `Local\acpmf_graphics`)
	for _, k := range []string{"status", "session", "current_time", "tyre_compound", "flag", "track_status", "gap_behind"} {
		wantEqual(t, "graphics "+k, g[k], w[k])
	}
	wantEqual(t, "graphics car_coordinates[59].x", at(g, "car_coordinates", 59, "x"), w["car_coordinates_59_x"])
	wantEqual(t, "graphics car_id[0]", at(g, "car_id", 0), w["car_id_0"])
	if n, m := num(g["packet_id"]), num(g["i_current_time"])/16; m < n || m != math.Trunc(m) { // as accFrame
		t.Errorf("graphics frame %v: i_current_time %v", g["packet_id"], g["i_current_time"])
	}
	s := b.fields(t, `Local\acpmf_static`)
	for _, k := range []string{"sm_version", "ac_version", "num_cars", "car_model", "track", "player_surname", "max_rpm", "track_configuration", "is_online", "wet_tyres_name"} {
		wantEqual(t, "static "+k, s[k], w[k])
	}
	wantEqual(t, "static tyre_radius[3]", math.Round(num(at(s, "tyre_radius", 3))*1e6)/1e6, w["tyre_radius_3"])

	// Live: decoded frames as the producer makes them, each whole, packetId its frame.
	st := b.watch(t, path(`Local\acpmf_physics`, "/watch?layout=&fields=packet_id,speed_kmh,rpms&interval=5ms"))
	state := fieldsOf(t, st.next())
	for range 5 {
		e := st.next()
		merge(state, fieldsOf(t, e))
		if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames < 1 || float64(*e.data.Version) != num(state["packet_id"]) || !accFrame(state) {
			t.Fatalf("a live frame: %s (state %v)", e.raw, state)
		}
	}
}

func TestCatalogueRF2(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "rf2")
	const n = `$rFactor2SMMP_Telemetry$`
	b.openNative(t, n, "rf2_telemetry")
	resp, data := b.getRetrying(t, path(n, "/fields"))
	expect(t, resp, data, 200)
	if resp.Header.Get("Shmbridge-Consistency") != "seqlock" {
		t.Errorf("read by %q", resp.Header.Get("Shmbridge-Consistency"))
	}
	var f map[string]any
	json.Unmarshal(data, &f)
	version := num(f["version_update_begin"])
	wantEqual(t, "num_vehicles", f["num_vehicles"], w["num_vehicles"])
	for v := range 2 {
		c := at(f, "vehicles", v)
		wantEqual(t, "id", at(c, "id"), at(w, "id", v))
		wantEqual(t, "lap_number", at(c, "lap_number"), at(w, "lap_number", v))
		wantEqual(t, "vehicle_name", at(c, "vehicle_name"), at(w, "vehicle_name", v))
		for _, k := range []string{"track_name", "gear", "fuel", "front_tire_compound_name", "electric_boost_motor_state"} {
			wantEqual(t, k, at(c, k), w[k])
		}
		wantEqual(t, "wheels[0].flat", at(c, "wheels", 0, "flat"), w["wheel_0_flat"])
		wantEqual(t, "wheels[0].terrain_name", at(c, "wheels", 0, "terrain_name"), w["wheel_0_terrain_name"])
		if num(at(c, "engine_rpm")) != 1000+version+float64(v) || num(at(c, "elapsed_time")) != version/100 ||
			num(at(c, "wheels", 3, "temperature", 2)) != 350+version || num(at(c, "pos", "x")) != version {
			t.Errorf("vehicle %d of frame %v: %v", v, version, c)
		}
	}
	if l := len(f["vehicles"].([]any)); l != 2 {
		t.Errorf("%d vehicles decoded for num_vehicles 2", l)
	}
}

func TestCatalogueHWiNFO(t *testing.T) {
	for _, extra := range []string{"0", "64"} { // 64: a newer HWiNFO whose elements have grown
		t.Run("extra="+extra, func(t *testing.T) {
			b := newBridge(t, nil)
			w := startProducer(t, "hwinfo", extra)
			const n = `Global\HWiNFO_SENS_SM2`
			b.openNative(t, n, "hwinfo")
			resp, data := b.getRetrying(t, path(n, "/fields"))
			expect(t, resp, data, 200)
			if resp.Header.Get("Shmbridge-Consistency") != "mutex" {
				t.Errorf("read by %q", resp.Header.Get("Shmbridge-Consistency"))
			}
			var f map[string]any
			json.Unmarshal(data, &f)
			if f["signature"] != "active" || f["active"] != true || num(f["size_of_reading_element"]) != num(w["reading_size"])+num(w["extra"]) {
				t.Fatalf("header: %v", f)
			}
			for i, name := range w["sensor_names"].([]any) {
				wantEqual(t, "sensor name", at(f, "sensors", i, "sensor_name_user"), name)
				wantEqual(t, "sensor UTF-8 name", at(f, "sensors", i, "utf_sensor_name_user"), name)
			}
			for i, r := range w["readings"].([]any) {
				rd := at(f, "readings", i)
				wantEqual(t, "reading type", at(rd, "type"), at(r, 0))
				wantEqual(t, "reading sensor", at(rd, "sensor_index"), at(r, 1))
				wantEqual(t, "reading label", at(rd, "label_user"), at(r, 2))
				wantEqual(t, "reading unit (windows-1252)", at(rd, "unit"), at(r, 3))
				wantEqual(t, "reading unit (UTF-8)", at(rd, "utf_unit"), at(r, 3))
				if i > 0 {
					wantEqual(t, "reading value", at(rd, "value"), at(r, 4))
				}
			}
			// The producer changes the value, pauses, then the poll time, all under its mutex: a frame is whole.
			if poll := num(f["poll_time"]) - 1700000000; num(at(f, "readings", 0, "value")) != 45.5+poll {
				t.Errorf("poll %v: value %v", poll, at(f, "readings", 0, "value"))
			}
		})
	}
	t.Run("inactive", func(t *testing.T) {
		b := newBridge(t, nil)
		startProducer(t, "hwinfo-dead")
		b.openNative(t, `Global\HWiNFO_SENS_SM2`, "hwinfo")
		f := b.fields(t, `Global\HWiNFO_SENS_SM2`)
		if f["signature"] != "dead" || f["active"] != false || f["sensors"] != nil || f["readings"] != nil {
			t.Errorf("an inactive HWiNFO: %v", f)
		}
	})
}

func TestCatalogueIRacing(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "iracing")
	const n, ev = `Local\IRSDKMemMapFileName`, `Local\IRSDKDataValidEvent`
	b.openNative(t, n, "iracing")
	b.post(t, "/v1/events", map[string]any{"name": ev, "mode": "open"}, 201)
	check := func(f map[string]any) {
		t.Helper()
		tick := num(f["tick"])
		if tick < 1 || f["connected"] != true {
			t.Fatalf("header: %v", f)
		}
		want := map[string]any{"Speed": []any{tick * 0.25}, "Gear": []any{math.Mod(tick, 6)}, "SessionTime": []any{tick / 60},
			"CarIdxLapDistPct": []any{float64(float32(math.Mod(tick, 100) / 100)), 0.5, 0.0, 1.0}, "OnPitRoad": []any{math.Mod(tick, 2)}}
		for i, name := range w["names"].([]any) {
			v := at(f, "vars", i)
			wantEqual(t, "var name", at(v, "name"), name)
			wantEqual(t, "var unit", at(v, "unit"), at(w, "units", i))
			got, _ := json.Marshal(at(v, "values"))
			exp, _ := json.Marshal(want[name.(string)])
			if string(got) != string(exp) && name != "CarIdxLapDistPct" || name == "CarIdxLapDistPct" && len(at(v, "values").([]any)) != 4 {
				t.Errorf("tick %v: %s = %s, the producer wrote %s", tick, name, got, exp)
			}
		}
	}
	f := b.fields(t, n)
	check(f)
	if !strings.Contains(f["session_info"].(string), "TrackName: "+w["track"].(string)) {
		t.Errorf("session info: %q", f["session_info"])
	}
	// Live, once per frame: sampled when the producer sets its data-valid event.
	st := b.watch(t, path(n, "/watch?layout=iracing&fields=connected,tick,vars&event="+url.QueryEscape(ev)))
	state := fieldsOf(t, st.next())
	check(state)
	for range 5 {
		e := st.next()
		if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames < 1 {
			t.Fatalf("a frame: %s", e.raw)
		}
		merge(state, fieldsOf(t, e))
		check(state)
	}
}
