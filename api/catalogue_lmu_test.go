package api_test

// Le Mans Ultimate's layout, converted from its header (internal/catalogue/src/lmu.h), proven against the
// native producer built from the same header (producers_lmu.c): what it wrote is what the API decodes, where
// the C compiler put it.

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"testing"
)

// wantLayoutOffsets checks a built-in layout's fixed size and the offsets of its fields against those the
// producer's C compiler gave (want: path → the offset it printed).
func (b *bridge) wantLayoutOffsets(t *testing.T, id string, size any, want map[string]any) {
	t.Helper()
	offs, fixed := b.layoutOffsets(t, id)
	if size != nil && (fixed == nil || float64(*fixed) != num(size)) {
		t.Errorf("%s: fixed size %v, the C struct %v", id, fixed, size)
	}
	for p, off := range want {
		if o, ok := offs[p]; !ok || float64(o) != num(off) {
			t.Errorf("%s: %s at %d (placed: %v), the C compiler puts it at %v", id, p, o, ok, off)
		}
	}
}

func TestCatalogueLMU(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "lmu")
	const n, ev = "LMU_Data", "LMU_Data_Event"
	b.openNative(t, n, "lmu")
	o := w["offsets"].(map[string]any)
	// The fields a layout lists are its first 4096: the scoring block's; the telemetry block's places are
	// proven by the values read from them (below).
	b.wantLayoutOffsets(t, "lmu", w["size"], map[string]any{
		"generic.game_version":                   o["game_version"],
		"scoring.scoring_info.m_track_name":      o["scoring"],
		"scoring.scoring_info.m_vehicle":         num(o["scoring"]) + num(o["m_vehicle"]),
		"scoring.scoring_stream_size":            o["scoring_stream_size"],
		"scoring.veh_scoring_info[0].m_id":       o["veh_scoring_info"],
		"scoring.veh_scoring_info[0].m_steam_id": num(o["veh_scoring_info"]) + num(o["m_steam_id"]),
		"scoring.veh_scoring_info[1].m_id":       num(o["veh_scoring_info"]) + num(at(w, "sizes", "veh_scoring_info")),
	})

	resp, data := b.getRetrying(t, path(n, "/fields"))
	expect(t, resp, data, 200)
	var f map[string]any
	json.Unmarshal(data, &f)
	wantEqual(t, "game_version", at(f, "generic", "game_version"), w["game_version"])
	wantEqual(t, "app_info.m_width", at(f, "generic", "app_info", "m_width"), w["width"])
	wantEqual(t, "paths.user_data", at(f, "paths", "user_data"), w["user_data"])
	s := at(f, "scoring", "scoring_info")
	for k, wk := range map[string]string{"m_track_name": "track", "m_session": "session", "m_num_vehicles": "num_vehicles",
		"m_game_phase": "game_phase", "m_ambient_temp": "ambient_temp", "m_track_limits_steps_per_penalty": "steps_per_penalty",
		"m_track_limits_steps_per_point": "steps_per_point", "m_server_name": "server_name"} {
		wantEqual(t, "scoring_info."+k, at(s, k), w[wk])
	}
	wantEqual(t, "scoring_stream", at(f, "scoring", "scoring_stream"), w["scoring_stream"])
	wantEqual(t, "scoring_stream_size", at(f, "scoring", "scoring_stream_size"), float64(len(w["scoring_stream"].(string))))
	wantEqual(t, "active_vehicles", at(f, "telemetry", "active_vehicles"), w["active_vehicles"])
	wantEqual(t, "player_vehicle_idx", at(f, "telemetry", "player_vehicle_idx"), w["player_vehicle_idx"])
	wantEqual(t, "player_has_vehicle", at(f, "telemetry", "player_has_vehicle"), 1.0)
	wantEqual(t, "the last car slot's m_id", at(f, "telemetry", "telem_info", 103, "m_id"), w["last_slot_id"])
	wantEqual(t, "the last scoring slot's m_id", at(f, "scoring", "veh_scoring_info", 103, "m_id"), w["last_slot_id"])
	for v := range 2 {
		c := at(f, "scoring", "veh_scoring_info", v)
		wantEqual(t, "m_driver_name (UTF-8)", at(c, "m_driver_name"), at(w, "drivers", v))
		wantEqual(t, "m_vehicle_name", at(c, "m_vehicle_name"), at(w, "cars", v))
		wantEqual(t, "m_vehicle_class", at(c, "m_vehicle_class"), w["vehicle_class"])
		wantEqual(t, "m_place", at(c, "m_place"), at(w, "place", v))
		wantEqual(t, "m_steam_id", at(c, "m_steam_id"), at(w, "steam_id", v))
		wantEqual(t, "m_best_lap_time", at(c, "m_best_lap_time"), at(w, "best_lap_time", v))
		tm := at(f, "telemetry", "telem_info", v)
		wantEqual(t, "m_id", at(tm, "m_id"), float64(v))
		wantEqual(t, "m_vehicle_model", at(tm, "m_vehicle_model"), at(w, "vehicle_model", v))
		for k, wk := range map[string]string{"m_gear": "gear", "m_fuel": "fuel", "m_vehicle_class": "class",
			"m_vehicle_championship": "championship", "m_tc": "tc", "m_tc_max": "tc_max",
			"m_front_tire_compound_name": "front_tire_compound_name"} {
			wantEqual(t, "telem_info."+k, at(tm, k), w[wk])
		}
		wantEqual(t, "m_wheel[2].m_terrain_name", at(tm, "m_wheel", 2, "m_terrain_name"), w["wheel_2_terrain_name"])
		wantEqual(t, "m_wheel[3].m_compound_type", at(tm, "m_wheel", 3, "m_compound_type"), w["wheel_3_compound_type"])
	}
	lmuFrame(t, resp.Header.Get("Shmbridge-Consistency"), f)

	// The game sets the auto-reset event LMU_Data_Event after each update: a wait on it is woken.
	b.post(t, "/v1/events", map[string]any{"name": ev, "mode": "open"}, 201)
	for range 3 {
		var woken struct{ Signaled bool }
		json.Unmarshal(b.post(t, "/v1/events/"+url.PathEscape(ev)+"/wait?timeout=5s", nil, 200), &woken)
		if !woken.Signaled {
			t.Fatalf("%s was not set within 5 s", ev)
		}
	}
	// Live, sampled at the game's 50 Hz (a watch on an auto-reset event would take the signal the game's
	// readers wait for, and Windows refuses it): each update's events, in order.
	st := b.watch(t, path(n, "/watch?layout=lmu&fields=generic.events,generic.ffb_torque&interval=20ms"))
	state := fieldsOf(t, st.next())
	for range 5 {
		e := st.next()
		if e.typ != "fields" {
			t.Fatalf("an update: %s", e.raw)
		}
		merge(state, fieldsOf(t, e))
		if q := fmt.Sprint(at(state, "generic", "events")); q != "[sme_update_telemetry sme_max]" && q != "[sme_update_scoring sme_update_telemetry sme_max]" {
			t.Errorf("an update's events: %s", q)
		}
	}
}

// lmuFrame checks the frame's changing values. Read under the game's spinlock (Shmbridge-Consistency:
// spinlock) the frame is whole: every value is of one update n (scoring of the last scoring update s). Read
// without it (until the engine has the spinlock, the layout takes none: "none"), each value is checked alone.
func lmuFrame(t *testing.T, consistency string, f map[string]any) {
	t.Helper()
	whole := consistency == "spinlock"
	if !whole && consistency != "none" {
		t.Errorf("read by %q", consistency)
	}
	car := func(v int, k ...any) float64 { return num(at(f, append([]any{"telemetry", "telem_info", v}, k...)...)) }
	n := math.Round(car(0, "m_elapsed_time") * 50)
	s := n - math.Mod(n-1, 10)
	events := fmt.Sprint(at(f, "generic", "events"))
	if n < 1 || events != "[sme_update_telemetry sme_max]" && events != "[sme_update_scoring sme_update_telemetry sme_max]" {
		t.Errorf("update %v: events %s", n, events)
	}
	for v := range 2 {
		rpm, temp := car(v, "m_engine_rpm"), car(v, "m_wheel", 0, "m_temperature", 1)
		lap := num(at(f, "scoring", "veh_scoring_info", v, "m_lap_dist"))
		if whole && (rpm != 4000+n+float64(v) || temp != 350+n || lap != s+100*float64(v) || car(v, "m_elapsed_time") != n/50) {
			t.Errorf("car %d of update %v (scoring %v): rpm %v, temperature %v, lap distance %v", v, n, s, rpm, temp, lap)
		}
		if !whole && (rpm-4000-float64(v) < 1 || temp-350 < 1 || math.Mod(lap-100*float64(v), 10) != 1) {
			t.Errorf("car %d: rpm %v, temperature %v, lap distance %v: of no update", v, rpm, temp, lap)
		}
	}
	if et := num(at(f, "scoring", "scoring_info", "m_current_et")) * 50; whole && math.Round(et) != s || math.Mod(math.Round(et), 10) != 1 {
		t.Errorf("scoring's m_current_et %v: of update %v, want the scoring update %v", et/50, math.Round(et), s)
	}
	if events == "[sme_update_scoring sme_update_telemetry sme_max]" && whole && s != n {
		t.Errorf("update %v says it updated scoring, whose last update is %v", n, s)
	}
}
