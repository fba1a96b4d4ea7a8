package api_test

// The Kunos family's catalogue layouts (acc_*, ac_*, acevo_*), converted from the headers in
// internal/catalogue/src, against the native producer (producers_kunos.c) that fills those very structs: sizes
// and offsets as the C compiler gives them, values as the producer wrote them, frames whole.

import (
	"fmt"
	"math"
	"testing"
)

// openPages opens a Kunos game's three pages (mapping prefix + physics, graphics, static) with their layouts
// (layout prefix + the same), and checks each layout's size against the C struct's (w["sizes"]) and the
// offsets the producer reported (w["offsets"]: its key, then the field's path in the layout).
func (b *bridge) openPages(t *testing.T, w map[string]any, mapping, layout string, offsets map[string]string) {
	t.Helper()
	sizes := w["sizes"].([]any)
	reported := w["offsets"].(map[string]any)
	placed := 0
	for i, page := range []string{"physics", "graphics", "static"} {
		b.openNative(t, mapping+page, layout+page)
		offs, fixed := b.layoutOffsets(t, layout+page)
		if fixed == nil || float64(*fixed) != num(sizes[i]) {
			t.Errorf("%s%s: fixed size %v, the C struct %v", layout, page, fixed, sizes[i])
		}
		for key, p := range offsets {
			if o, ok := offs[p]; ok {
				placed++
				if float64(o) != num(reported[key]) {
					t.Errorf("%s%s: %s at %d, the C compiler puts it at %v", layout, page, p, o, reported[key])
				}
			}
		}
	}
	if placed != len(offsets) {
		t.Errorf("%d of the %d offsets the producer reported are fields of the layouts", placed, len(offsets))
	}
}

// kunosPhysics: a physics frame n has speed_kmh n/2 and rpms 1000 + n % 5000, its packet_id stored last.
// Nothing protects the page: a copy (packet_id at offset 0 read first) shows each value of frame n or of a
// later frame, never an earlier one, never a value of no frame.
func kunosPhysics(p map[string]any) error {
	n, m, rpms := num(p["packet_id"]), num(p["speed_kmh"])/0.5, num(p["rpms"])
	if n < 1 || m < n || m != math.Trunc(m) || rpms < 1000 || rpms >= 6000 || rpms != math.Trunc(rpms) {
		return fmt.Errorf("physics frame %v: speed_kmh %v, rpms %v", p["packet_id"], p["speed_kmh"], p["rpms"])
	}
	return nil
}

// kunosGraphics: graphics frame n has a lap time of 16 n ms (field).
func kunosGraphics(g map[string]any, field string) error {
	n, m := num(g["packet_id"]), num(g[field])/16
	if n < 1 || m < n || m != math.Trunc(m) {
		return fmt.Errorf("graphics frame %v: %s %v", g["packet_id"], field, g[field])
	}
	return nil
}

// watchPhysics follows a physics page live: each decoded frame whole, its packet_id the frame's version.
func (b *bridge) watchPhysics(t *testing.T, mapping string) {
	t.Helper()
	st := b.watch(t, path(mapping, "/watch?layout=&fields=packet_id,speed_kmh,rpms&interval=5ms"))
	state := fieldsOf(t, st.next())
	for range 5 {
		e := st.next()
		merge(state, fieldsOf(t, e))
		if e.typ != "fields" || e.data.Frames == nil || *e.data.Frames < 1 || float64(*e.data.Version) != num(state["packet_id"]) {
			t.Fatalf("a live frame: %s (state %v)", e.raw, state)
		}
		if err := kunosPhysics(state); err != nil {
			t.Fatal(err)
		}
	}
}

// The ids the catalogue's first ACC layouts gave are kept where the header spells them otherwise.
func TestCatalogueACCFieldIDs(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "acc")
	b.openNative(t, `Local\acpmf_physics`, "acc_physics")
	b.openNative(t, `Local\acpmf_graphics`, "acc_graphics")
	b.openNative(t, `Local\acpmf_static`, "acc_static")
	p := b.fields(t, `Local\acpmf_physics`)
	wantEqual(t, "physics tc_in_action (the header's tcinAction)", p["tc_in_action"], w["tc_in_action"])
	g := b.fields(t, `Local\acpmf_graphics`)
	wantEqual(t, "graphics rain_intensity_in30min", g["rain_intensity_in30min"], w["rain_intensity_in30min"])
	if err := kunosGraphics(g, "i_current_time"); err != nil {
		t.Error(err)
	}
	s := b.fields(t, `Local\acpmf_static`)
	wantEqual(t, "static track_spline_length (the header's trackSPlineLength)", s["track_spline_length"], w["track_spline_length"])
}

func TestCatalogueAC(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "ac")
	b.openPages(t, w, `Local\acpmf_`, "ac_", map[string]string{"local_velocity": "local_velocity[0]", "wind_direction": "wind_direction",
		"car_coordinates": "car_coordinates.x", "track_configuration": "track_configuration", "pit_window_end": "pit_window_end"})

	p := b.fields(t, `Local\acpmf_physics`)
	if err := kunosPhysics(p); err != nil {
		t.Error(err)
	}
	for _, k := range []string{"gas", "gear", "air_temp", "performance_meter", "brake_temp", "brake_bias", "local_velocity"} {
		wantEqual(t, "physics "+k, p[k], w[k])
	}
	wantEqual(t, "physics tyre_contact_normal[1].y", at(p, "tyre_contact_normal", 1, "y"), w["tyre_contact_normal_1_y"])

	g := b.fields(t, `Local\acpmf_graphics`)
	if err := kunosGraphics(g, "i_current_time"); err != nil {
		t.Error(err)
	}
	for _, k := range []string{"status", "session", "best_time", "tyre_compound", "flag", "mandatory_pit_done", "wind_direction"} {
		wantEqual(t, "graphics "+k, g[k], w[k])
	}
	wantEqual(t, "graphics car_coordinates.z", at(g, "car_coordinates", "z"), w["car_coordinates_z"])

	s := b.fields(t, `Local\acpmf_static`)
	for _, k := range []string{"sm_version", "ac_version", "num_cars", "car_model", "track", "player_nick", "max_rpm", "deprecated_1",
		"track_spline_length", "track_configuration", "ers_max_j", "car_skin", "pit_window_end"} {
		wantEqual(t, "static "+k, s[k], w[k])
	}
	b.watchPhysics(t, `Local\acpmf_physics`)
}

func TestCatalogueACEvo(t *testing.T) {
	b := newBridge(t, nil)
	w := startProducer(t, "acevo")
	b.openPages(t, w, `Local\acevo_pmf_`, "acevo_", map[string]string{"water_temp": "water_temp", "abs_vibrations": "abs_vibrations",
		"tyre_rr": "tyre_rr.slip", "car_damage": "car_damage.damage_front", "electronics": "electronics.tc_level",
		"session_state": "session_state.phase_name", "car_coordinates": "car_coordinates[0].x", "car_ids": "car_ids[0]",
		"number_of_sessions": "number_of_sessions", "track_length_m": "track_length_m"})

	p := b.fields(t, `Local\acevo_pmf_physics`)
	if err := kunosPhysics(p); err != nil {
		t.Error(err)
	}
	for _, k := range []string{"gas", "gear", "brake_torque", "road_vibrations", "abs_vibrations"} {
		wantEqual(t, "physics "+k, p[k], w[k])
	}
	wantEqual(t, "physics tyre_contact_heading[2].y", at(p, "tyre_contact_heading", 2, "y"), w["tyre_contact_heading_2_y"])

	g := b.fields(t, `Local\acevo_pmf_graphics`)
	if err := kunosGraphics(g, "current_lap_time_ms"); err != nil {
		t.Error(err)
	}
	for _, k := range []string{"status", "player_car_id_b", "rpm", "is_drs_available", "display_speed_kmh", "water_temperature_c",
		"car_location", "flag", "global_flag", "engine_type", "performance_mode_name", "driver_surname", "active_cars",
		"use_single_compound"} {
		wantEqual(t, "graphics "+k, g[k], w[k])
	}
	for name, got := range map[string]any{
		"tyre_rr_lock": at(g, "tyre_rr", "lock"), "tyre_rr_tyre_compound_rear": at(g, "tyre_rr", "tyre_compound_rear"),
		"tyre_rr_tyre_normalized_temperature_core": at(g, "tyre_rr", "tyre_normalized_temperature_core"),
		"damage_suspension_rr":                     at(g, "car_damage", "damage_suspension_rr"),
		"pit_info_tyres_rr":                        at(g, "pit_info", "tyres_rr"),
		"display_current_page_index_15":            at(g, "instrumentation", "display_current_page_index", 15),
		"is_pitlimiter_on_modifiable":              at(g, "electronics_is_modifiable", "is_pitlimiter_on"),
		"phase_name":                               at(g, "session_state", "phase_name"),
		"show_waiting_for_players":                 at(g, "session_state", "show_waiting_for_players"),
		"best_laptime":                             at(g, "timing_state", "best_laptime"),
		"is_invalid":                               at(g, "timing_state", "is_invalid"),
		"car_coordinates_59_z":                     at(g, "car_coordinates", 59, "z"),
		"arcade_stability_control":                 at(g, "assists_state", "arcade_stability_control"),
		"car_ids_59_1":                             at(g, "car_ids", 59*2+1), // uint64_t car_ids[60][2], flattened
	} {
		wantEqual(t, "graphics "+name, got, w[name])
	}

	s := b.fields(t, `Local\acevo_pmf_static`)
	for _, k := range []string{"sm_version", "ac_evo_version", "session", "starting_grip", "is_online", "number_of_sessions", "nation",
		"latitude", "track_configuration", "track_length_m"} {
		wantEqual(t, "static "+k, s[k], w[k])
	}
	b.watchPhysics(t, `Local\acevo_pmf_physics`)
}
